#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the main `make check` boot. It makes files of every kind
# on the SMB root and prints what the guest sees as "<key>: <value>"
# lines; the harness compares them with what the server stored.
set -u
d=/check
# The status is the number of steps that failed: a step whose file is
# missing would leave the harness judging nothing.
failed=0
fail() {
	echo "checks: failed: $*"
	failed=$((failed + 1))
}
mkdir -p $d || fail mkdir $d

echo "root: $(grep ' / ' /proc/mounts)"
echo "cmdline: $(cat /proc/cmdline)"

dd if=/dev/urandom of=$d/written.bin bs=1024 count=512 2>/dev/null ||
	fail dd
echo "written: $(sha256sum $d/written.bin | cut -d' ' -f1)"

# a chown keeps the mode, as on a local disk
touch $d/owned && chmod 640 $d/owned && chown 1000:1000 $d/owned ||
	fail chown
echo "owned: $(stat -c '%u:%g %a' $d/owned)"
echo "preset: $(ls -ln $d/preset | awk '{print $3 ":" $4}')"

ln -s target-of-link $d/symlink || fail symlink
echo "symlink: $(readlink $d/symlink)"

touch $d/setuid && chmod 4755 $d/setuid || fail setuid
echo "setuid: $(stat -c %a $d/setuid)"

mkfifo $d/fifo || fail mkfifo
echo "fifo: $(stat -c %F $d/fifo)"

mknod $d/chardev c 1 3 || fail mknod
echo "chardev: $(stat -c '%F %t:%T' $d/chardev)"

echo data > $d/hardsrc && ln $d/hardsrc $d/hardlink || fail link
echo "hardlink: $(stat -c %i:%h $d/hardsrc) $(stat -c %i:%h $d/hardlink)"

# Files made by an unprivileged user belong to it (setuids).
chmod 1777 $d || fail chmod $d
mkdir $d/setgid && chown 0:1000 $d/setgid && chmod 2777 $d/setgid ||
	fail setgid
echo secret > $d/root-only && chmod 600 $d/root-only || fail root-only
mknod $d/dev1000 c 1 3 && chown 1000:1000 $d/dev1000 || fail dev1000
echo "devnode: $(stat -c %u:%g $d/dev1000)"
su -s /bin/sh nobody -c "
	touch $d/nfile
	mkdir $d/ndir
	mkfifo $d/nfifo
	ln -s nfile $d/nlink
	touch $d/setgid/nfile
	echo mine > $d/nmine && chmod 600 $d/nmine
	echo \"nowned: \$(stat -c %u:%g $d/nfile $d/ndir $d/nfifo $d/nlink | tr '\\n' ' ')\"
	echo \"nsetgid: \$(stat -c %u:%g $d/setgid/nfile)\"
	cat $d/root-only >/dev/null 2>&1 && echo 'nrootonly: read' || echo 'nrootonly: denied'
	echo more >> $d/nmine && cat $d/nmine >/dev/null && echo 'nmine: written' || echo 'nmine: failed'
"

# the file system probes (probes.sh, run with fsprobe)
[ -f /etc/cifsroot/probes ] && sh /etc/cifsroot/probes

sync || fail sync
exit $failed
