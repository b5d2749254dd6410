#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Workload of the cifsroot bench, run by /sbin/init as /etc/cifsroot/run
# with the root on SMB. Each phase is framed by marks written to /dev/kmsg,
# so that the host reads their printk times (microseconds) off the console:
#   bench: mark <phase>-start / bench: mark <phase>-end
# It also prints how / is mounted:
#   bench: mount <line of /proc/mounts>
# The data is prepared in a tmpfs first, so that only the SMB root is timed.

FILES=2000
MIB=64
WORK=/bench-work

# every mark must reach the console: no rate limit on /dev/kmsg
echo on > /proc/sys/kernel/printk_devkmsg

mark() {
	echo "bench: mark $1" > /dev/kmsg
}

drop_caches() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
}

prepare() {
	mkdir -p /tmp/bench
	mount -t tmpfs -o size=96m tmpfs /tmp/bench || exit 1
	# 1 MiB of random data, repeated: no file system or link compresses
	dd if=/dev/urandom of=/tmp/bench/mib bs=1024 count=1024 2>/dev/null
	i=0
	while [ $i -lt $MIB ]; do
		cat /tmp/bench/mib
		i=$((i + 1))
	done > /tmp/bench/data
	rm /tmp/bench/mib
	cp /bench/rootfs.tar /tmp/bench/rootfs.tar || exit 1
	rm -rf $WORK
	mkdir -p $WORK/files $WORK/untar
	drop_caches
}

sequential() {
	mark write-start
	dd if=/tmp/bench/data of=$WORK/data bs=1048576 conv=fsync 2>/dev/null
	mark write-end
	drop_caches
	mark read-start
	dd if=$WORK/data of=/dev/null bs=1048576 2>/dev/null
	mark read-end
	cmp -s /tmp/bench/data $WORK/data || echo "bench: error: read back differs"
	rm $WORK/data
	drop_caches
}

metadata() {
	cd $WORK/files || exit 1
	mark create-start
	i=0
	while [ $i -lt $FILES ]; do
		echo x > f$i
		i=$((i + 1))
	done
	mark create-end
	cd /
	drop_caches
	cd $WORK/files || exit 1
	mark stat-start
	i=0
	while [ $i -lt $FILES ]; do
		[ -e f$i ] || echo "bench: error: f$i missing"
		i=$((i + 1))
	done
	mark stat-end
	mark unlink-start
	rm -f f*
	mark unlink-end
	cd /
	drop_caches
}

untar() {
	mark untar-start
	tar -x -f /tmp/bench/rootfs.tar -C $WORK/untar
	sync
	mark untar-end
	[ -x $WORK/untar/bin/busybox ] || echo "bench: error: untar incomplete"
}

grep ' / ' /proc/mounts | sed 's/^/bench: mount /'
prepare
sequential
metadata
untar
rm -rf $WORK
umount /tmp/bench
echo "bench: done"
