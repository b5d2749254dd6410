#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the main `make check` boot. It makes files of every kind
# on the SMB root and prints what the guest sees as "<key>: <value>"
# lines; the harness compares them with what the server stored.
set -u
d=/check
mkdir -p $d

echo "root: $(grep ' / ' /proc/mounts)"

dd if=/dev/urandom of=$d/written.bin bs=1024 count=512 2>/dev/null
echo "written: $(sha256sum $d/written.bin | cut -d' ' -f1)"

touch $d/owned && chown 1000:1000 $d/owned
echo "owned: $(ls -ln $d/owned | awk '{print $3 ":" $4}')"
echo "preset: $(ls -ln $d/preset | awk '{print $3 ":" $4}')"

ln -s target-of-link $d/symlink
echo "symlink: $(readlink $d/symlink)"

touch $d/setuid && chmod 4755 $d/setuid
echo "setuid: $(stat -c %a $d/setuid)"

mkfifo $d/fifo
echo "fifo: $(stat -c %F $d/fifo)"

mknod $d/chardev c 1 3
echo "chardev: $(stat -c '%F %t:%T' $d/chardev)"

echo data > $d/hardsrc && ln $d/hardsrc $d/hardlink
echo "hardlink: $(stat -c %i:%h $d/hardsrc) $(stat -c %i:%h $d/hardlink)"

sync
