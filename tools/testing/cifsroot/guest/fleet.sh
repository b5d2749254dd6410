#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Work of one client of the bench's many-clients run (cifsroot_fleet.py),
# run by /sbin/init as /etc/cifsroot/run with the root on SMB: unpack the
# busybox rootfs tar, write small files, sync, remove it all. The host
# times it by the marks' arrival on the console.

FILES=200
WORK=/fleet-work

echo on > /proc/sys/kernel/printk_devkmsg

mark() {
	echo "bench: mark $1" > /dev/kmsg
}

mark work-start
rm -rf $WORK
mkdir -p $WORK/files || exit 1
tar -x -f /bench/rootfs.tar -C $WORK || exit 1
i=0
while [ $i -lt $FILES ]; do
	echo x > $WORK/files/f$i
	i=$((i + 1))
done
sync
[ -x $WORK/bin/busybox ] || echo "bench: error: untar incomplete"
rm -rf $WORK
mark work-end
echo "bench: done"
