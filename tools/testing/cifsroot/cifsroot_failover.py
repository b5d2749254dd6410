#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The root served by a clustered Samba (cifsroot_ctdb.py): guests boot
# from the cluster's public addresses, the node serving a guest dies during
# a write and the other takes over its address, the node comes back and
# `ctdb moveip` moves the address back during a metadata workload. They
# run in the private test network and are judged like the fault tests.

import fcntl
import hashlib
import os
import shutil
import struct
import time

import cifsroot_check as check
import cifsroot_ctdb as ctdb
import cifsroot_faults as faults
import cifsroot_fsprobe as fsprobe
import cifsroot_net as net
import cifsroot_netboot as netboot
from cifsroot_check import expect
from cifsroot_common import out_dir
from cifsroot_judge import guest_values
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs

# Guests n = 1, 2 get 10.55.0.101 and .102 and their own %s root in the
# share; guest k mounts the public address PUBLIC[k - 1].
GUESTS = {1: '10.55.0.101', 2: '10.55.0.102'}

# The setup of the cluster (both nodes healthy, addresses placed, smbd
# up) must take less than this.
SETUP_BOUND = 60

WRITE_MIB = 64
KILL_AFTER_CHUNK = 3

META_FILES = 2000
# After this many files, and as many more each time, the address moves to
# the other node: back to the node that came back first, 19 moves in all.
# Each move kills the guest's connection; a request the old node carried
# out but could not answer is sent again to the new one.
META_MOVE_EVERY = 100
META_MOVES = 19
META_TIMEOUT = 600

META = '''echo "meta: waiting"
while [ ! -e /go ]; do sleep 0.2; done
mkdir /meta || exit 1
i=0
while [ $i -lt {count} ]; do
	echo $i >/meta/f$i || {{ echo "meta: create $i failed"; exit 1; }}
	mv /meta/f$i /meta/g$i || {{ echo "meta: rename $i failed"; exit 1; }}
	if [ $((i % 4)) -eq 0 ]; then
		rm /meta/g$i || {{ echo "meta: unlink $i failed"; exit 1; }}
	fi
	i=$((i + 1))
	if [ $((i % 100)) -eq 0 ]; then echo "meta: $i"; fi
done
sync || {{ echo "meta: sync failed"; exit 1; }}
echo "meta: done"
echo "list: $(ls /meta | sort | sha256sum | cut -d' ' -f1)"
'''


def cluster_roots(name, script=None):
	"""The share of test `name`: a %s root for each guest, running
	`script` (NET_RUN's report of the root and markers by default)."""
	share = os.path.join(out_dir('check'), name)
	shutil.rmtree(share, ignore_errors=True)
	for addr in GUESTS.values():
		dest = os.path.join(share, addr)
		check.net_rootfs(dest, marker=addr)
		if script:
			rootfs.write_file(os.path.join(dest, 'etc', 'cifsroot',
						       'run'), script, 0o755)
	return share


def cluster_append(cluster, pnn):
	"""The command line of a guest mounting its root from PUBLIC[pnn]:
	the %s directory of [root], or [root] where that is the guest's
	directory, with the options of the cluster's protocol."""
	smbd = cluster.nodes[pnn].smbd
	share = smbd.share if cluster.client_dirs else f'{smbd.share}/%s'
	return netboot.net_append(smbd.source(host=ctdb.PUBLIC[pnn],
					      share=share))


def guest_boot(tnet, cluster, name, n, pnn, image=None):
	"""Start guest `n` mounting PUBLIC[pnn], on the test kernel unless
	`image` is given."""
	boot = netboot.net_boot(tnet, name, cluster_append(cluster, pnn), n,
				image, timeout=faults.FAULT_TIMEOUT)
	tnet.adopt(boot)
	return boot


def cluster_net(tnet):
	"""dnsmasq on the test network, each guest at its fixed address."""
	tnet.start_dnsmasq(hosts={net.mac(n): a for n, a in GUESTS.items()})


def test_two_nodes():
	"""Two guests boot their roots from the two public addresses, one
	served by each node, in a cluster set up within SETUP_BOUND."""
	share = cluster_roots('cluster-boot')
	with net.TestNet() as tnet, ctdb.Cluster(tnet, share) as cluster:
		cluster_net(tnet)
		held = cluster.holders()
		boots = {n: guest_boot(tnet, cluster, f'cluster-boot-{n}', n,
				       n - 1)
			 for n in GUESTS}
		results = {n: b.wait() for n, b in boots.items()}
	expect(held == {a: k for k, a in enumerate(ctdb.PUBLIC)},
	       f'public addresses held {held}')
	for n, addr in GUESTS.items():
		public = ctdb.PUBLIC[n - 1]
		values = netboot.judge_net_boot(results[n],
						f'//{public}/root/{addr}',
						[cluster.password])
		expect(values.get('markers', '').split() == ['marker-' + addr],
		       f'guest {addr} sees markers "{values.get("markers")}"')
	expect(cluster.setup_seconds < SETUP_BOUND,
	       f'cluster setup took {cluster.setup_seconds:.1f} s')
	return (f'cluster set up in {cluster.setup_seconds:.1f} s; '
		+ ', '.join(f'{GUESTS[n]} on node {n - 1} ({ctdb.PUBLIC[n - 1]})'
			    for n in GUESTS))


def test_node_dies():
	"""The node serving a guest dies during a 64 MiB write; the other
	node takes over its address and the write completes intact."""
	n, pnn = 2, 1
	script = (faults.MAKE_DATA.format(mib=WRITE_MIB) +
		  faults.CHUNKED_WRITE.format(mib=WRITE_MIB, path='/big'))
	share = cluster_roots('cluster-dies', script)
	with net.TestNet() as tnet, ctdb.Cluster(tnet, share) as cluster:
		cluster_net(tnet)
		# the debug kernel: the reconnect runs under KASAN and lockdep
		boot = guest_boot(tnet, cluster, 'cluster-dies', n, pnn,
				  faults.fault_image())
		faults.wait_line(boot, f'fault: chunk {KILL_AFTER_CHUNK}',
				 faults.FAULT_TIMEOUT)
		died = cluster.nodes[pnn].kill()
		taken = cluster.wait_held(ctdb.PUBLIC[pnn], 1 - pnn)
		first = faults.wait_line(boot, 'fault: chunk ',
					 faults.FAULT_TIMEOUT, after=died)
		res = boot.wait()
		logs = cluster.logs()
	before = [t for t in faults.chunk_times(res.lines) if t < died]
	expect(len(before) < WRITE_MIB,
	       f'the write was done before the node died: {len(before)} '
	       'chunks\n' + logs)
	digest = faults.judge_data(res, os.path.join(share, GUESTS[n], 'big'))
	return (f'node {pnn} died after {len(before)} of {WRITE_MIB} MiB; '
		f'takeover of {ctdb.PUBLIC[pnn]} {taken - died:.1f} s, first '
		f'write done {first - died:.1f} s after the death; sha256 '
		f'{digest[:16]}')


def meta_expected(count):
	"""{name: content} of /meta after META with `count` files."""
	return {f'g{i}': f'{i}\n' for i in range(count) if i % 4}


def meta_found(path):
	"""{name: content} of the files in `path` on the server."""
	found = {}
	for name in os.listdir(path):
		with open(os.path.join(path, name), errors='replace') as f:
			found[name] = f.read()
	return found


def test_moveip_back():
	"""The dead node comes back; `ctdb moveip` moves its address back,
	and on between the nodes, while the guest creates, renames and
	unlinks files; nothing is lost and no operation fails."""
	n, pnn = 2, 1
	addr = ctdb.PUBLIC[pnn]
	share = cluster_roots('cluster-moveip',
			      META.format(count=META_FILES))
	root = os.path.join(share, GUESTS[n])
	moves = []
	with net.TestNet() as tnet, ctdb.Cluster(tnet, share) as cluster:
		cluster_net(tnet)
		# the test kernel, not the slower debug one: more requests
		# are in flight when the address moves
		boot = guest_boot(tnet, cluster, 'cluster-moveip', n, pnn)
		faults.wait_line(boot, 'meta: waiting', faults.FAULT_TIMEOUT)
		died = cluster.nodes[pnn].kill()
		taken = cluster.wait_held(addr, 1 - pnn)
		cluster.revive(pnn)
		rootfs.write_file(os.path.join(root, 'go'), 'go\n')
		for k in range(META_MOVES):
			faults.wait_line(boot, f'meta: {(k + 1) * META_MOVE_EVERY}',
					 META_TIMEOUT)
			if faults.line_time(boot.lines, 'meta: done') is not None:
				break	# a loaded host fell behind the guest
			start = time.monotonic()
			moved = cluster.move(addr, pnn if k % 2 == 0 else 1 - pnn)
			moves.append((moved - start, faults.wait_line(
				boot, 'meta: ', META_TIMEOUT, after=moved) - moved))
		faults.wait_line(boot, 'meta: done', META_TIMEOUT)
		res = boot.wait()
		logs = cluster.logs()
	output, status = qemu.command_output(res.console)
	failed = [line for _, line in res.lines if 'failed' in line]
	expect(status == 0, f'run script status {status}: '
	       + ' '.join(failed[:3]) + '\n' + qemu.explain_failure(res)
	       + '\n' + logs)
	expect(len(moves) >= META_MOVES // 2,
	       f'only {len(moves)} moves before the work was done')
	want = meta_expected(META_FILES)
	found = meta_found(os.path.join(root, 'meta'))
	missing = sorted(set(want) - set(found))
	extra = sorted(set(found) - set(want))
	wrong = sorted(k for k in set(want) & set(found) if want[k] != found[k])
	expect(not (missing or extra or wrong),
	       f'{len(missing)} files missing ({missing[:5]}), {len(extra)} '
	       f'extra ({extra[:5]}), {len(wrong)} with wrong data '
	       f'({wrong[:5]})')
	listing = ''.join(name + '\n' for name in sorted(want))
	digest = hashlib.sha256(listing.encode()).hexdigest()
	values = guest_values(output)
	expect(values.get('list') == digest,
	       f'the guest listed {values.get("list")}, the server has '
	       f'{digest}')
	return (f'takeover after the death {taken - died:.1f} s; '
		f'{len(moves)} moves of {addr} took '
		f'{min(m for m, _ in moves):.1f}-{max(m for m, _ in moves):.1f}'
		' s, the next 100 operations were done '
		f'{min(a for _, a in moves):.1f}-{max(a for _, a in moves):.1f}'
		f' s after; {len(want)} files intact')


# The guest holds two fcntl() locks on one file and a flock() on another
# (guest/fsprobe.c, hold) while the node serving it dies: {what: (file,
# first byte, length)}, length 0 for the whole file.
LOCKS = {'fcntl 0-9': ('lock-fcntl', 0, 10),
	 'fcntl 100-109': ('lock-fcntl', 100, 10),
	 'flock': ('lock-flock', 0, 0)}
LOCK_FILES = ('lock-fcntl', 'lock-flock')
HOLD = ('/bin/fsprobe hold ' + ' '.join('/' + f for f in LOCK_FILES)
	+ ' /go /end\n')

# struct flock on the host: type, whence, start, len, pid
FLOCK = '@hhqqi4x'


def server_locked(path, start, length):
	"""Whether a process holds a lock on a byte of `path` from `start`
	on (`length` bytes, 0 for all), as the host sees it: smbd (with
	"posix locking", the default) takes every lock of its clients on
	the file system too. Seen from here, an flock() of a client is a
	POSIX lock of smbd's."""
	fd = os.open(path, os.O_RDONLY)
	try:
		arg = struct.pack(FLOCK, fcntl.F_WRLCK, os.SEEK_SET, start,
				  length, 0)
		res = fcntl.fcntl(fd, fcntl.F_GETLK, arg)
	finally:
		os.close(fd)
	return struct.unpack(FLOCK, res)[0] != fcntl.F_UNLCK


def server_locks(root):
	"""{what: whether the server holds the lock} for LOCKS in `root`."""
	return {what: server_locked(os.path.join(root, name), start, length)
		for what, (name, start, length) in LOCKS.items()}


def locks_seen(cluster, pnn, root, prefix):
	"""server_locks() after another client opened the files through node
	`pnn`. The open breaks the guest's oplock, so that locks it kept to
	itself under the oplock go to the server."""
	node = cluster.nodes[pnn]
	for name in LOCK_FILES:
		node.smbd.smbclient(f'open {prefix}/{name}', host=node.addr)
	return server_locks(root)


def test_locks_retaken():
	"""The node serving a guest dies while the guest holds two fcntl()
	locks and an flock(); once the guest uses its files again on the
	node that took over, the server holds all three again."""
	n, pnn = 2, 1
	share = cluster_roots('cluster-locks', HOLD)
	root = os.path.join(share, GUESTS[n])
	shutil.copyfile(fsprobe.build(), os.path.join(root, 'bin', 'fsprobe'))
	os.chmod(os.path.join(root, 'bin', 'fsprobe'), 0o755)
	with net.TestNet() as tnet, ctdb.Cluster(tnet, share) as cluster:
		cluster_net(tnet)
		boot = guest_boot(tnet, cluster, 'cluster-locks', n, pnn)
		faults.wait_line(boot, 'hold: locked', faults.FAULT_TIMEOUT)
		before = locks_seen(cluster, pnn, root, GUESTS[n])
		died = cluster.nodes[pnn].kill()
		taken = cluster.wait_held(ctdb.PUBLIC[pnn], 1 - pnn)
		gap = server_locks(root)
		rootfs.write_file(os.path.join(root, 'go'), 'go\n')
		used = faults.wait_line(boot, 'hold: used', faults.FAULT_TIMEOUT,
					after=taken)
		after = locks_seen(cluster, 1 - pnn, root, GUESTS[n])
		rootfs.write_file(os.path.join(root, 'end'), 'end\n')
		res = boot.wait()
		logs = cluster.logs()
	output, status = qemu.command_output(res.console)
	expect(all(before.values()),
	       f'before the death the server held {before}\n' + logs)
	expect(all(after.values()),
	       "after the takeover and the guest's next write the server "
	       f'held {after}, before the death {before}\n' + logs)
	expect(status == 0 and 'hold: ok' in output,
	       f'run script status {status}: {output[-300:]}\n'
	       + qemu.explain_failure(res))
	return (f'takeover {taken - died:.1f} s after the death; between '
		f'the takeover and the next use the server held '
		f'{sorted(k for k, v in gap.items() if v) or "none"} of the '
		f'locks; all held again after the use, '
		f'{used - taken:.1f} s after the takeover')


MOVEIP_TEST = ('cluster: the node comes back; ctdb moveip during metadata '
	       'work loses nothing')

TESTS = [
	('cluster: two guests boot from the public addresses of two CTDB '
	 'nodes', test_two_nodes),
	('cluster: the serving node dies during a 64 MiB write; the other '
	 'takes over', test_node_dies),
	(MOVEIP_TEST, test_moveip_back),
	('cluster: fcntl() and flock() locks are held again after a node '
	 'dies', test_locks_retaken),
]

# The tests that run again over SMB3 on the table's base, the cluster in
# the Samba 4.22 tree: a node's death, and moveip during metadata work
SMB3_TESTS = [(n, f) for n, f in TESTS
	      if f in (test_node_dies, test_moveip_back)]
