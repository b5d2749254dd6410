#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the file system probes of the main `make check` boot, run
# by checks.sh. /bin/fsprobe prints one "<key>: ok ..." or "<key>: fail
# ..." line per behaviour; here each line gets the name of what it probed:
#   probe <name>: <fsprobe line>
# /etc/cifsroot/other holds "<source> <options>" for a second mount of the
# same share with its own SMB session: another client of the server.
set -u
d=/check/probe
mkdir -p $d /mnt

probe() {
	name=$1
	shift
	fsprobe "$@" 2>&1 | sed "s/^/probe $name: /"
}

read -r src opts < /etc/cifsroot/other

# a second client, for renames and locks that come from elsewhere
probe mount-other mount "$src" /mnt/other "$opts,nosharesock"

# /etc/cifsroot/probe.conf may set fewer rounds and appends: the debug
# kernel's boot, where each append costs ten times as much
rounds=3
appends=1000
[ -r /etc/cifsroot/probe.conf ] && . /etc/cifsroot/probe.conf

# three rounds: a lost append shows in most rounds, not in all
round=0
while [ $round -lt "$rounds" ]; do
	probe append-root append $d/append 2 "$appends"
	probe rwfappend-root append $d/rwfappend 2 "$appends" rwf
	probe reopen-root append $d/reopen 2 $((appends / 2)) reopen
	round=$((round + 1))
done
# appends stay whole whatever the mount options
for o in cache=none nosetuids cifsacl \
	 cifsacl,mfsymlinks,rsize=1048576,wsize=65536,uid=0,gid=0; do
	m=/mnt/append-$(echo "$o" | tr ',=' '__')
	fsprobe mount "$src" "$m" "$opts,nosharesock,$o" >/dev/null &&
		probe "append-$o" append "$m/check/probe/append-$o" 2 \
			"$appends"
	umount "$m" 2>/dev/null
done

# device nodes and fifos are local objects: their mode holds on noperm too
if fsprobe mount "$src" /mnt/noperm "$opts,nosharesock,noperm" >/dev/null; then
	mkdir -p /mnt/noperm$d/special
	probe special-noperm special /mnt/noperm$d/special
	umount /mnt/noperm
fi
probe creator creator $d/creator
# a client that gives up POSIX opens does so for its whole mount: on a
# mount of its own, with the root's options
if fsprobe mount "$src" /mnt/posixopen \
	"$opts,nosharesock,unix,setuids,serverino" >/dev/null; then
	probe posixopen posixopen /mnt/posixopen$d/posixopen
	umount /mnt/posixopen
fi
probe modes modes $d/modes
# without setuids the client sends no second request to put a mode right:
# what the server makes of the create's mode stays (its create masks)
if fsprobe mount "$src" /mnt/nosetuids "$opts,nosharesock,nosetuids" \
	>/dev/null; then
	probe modes-nosetuids modes /mnt/nosetuids$d/modes-nosetuids
	umount /mnt/nosetuids
fi
probe fstatmode fstatmode $d/fstatmode
probe atime atime $d/atime
probe dirtimes dirtimes $d/dirtimes

probe unlinked unlinked $d /mnt/other$d
probe flock flock $d/lock /mnt/other$d/lock
probe replace replace $d
probe xattr xattr $d/xattr

mkdir -p /check/names-guest
probe mknames mknames /check/names-guest /check/names.list
probe lsnames-server lsnames /check/names-server
sync
echo 3 > /proc/sys/vm/drop_caches
probe lsnames-guest lsnames /check/names-guest

umount /mnt/other
