#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A clustered Samba for the root: two CTDB nodes, each a network namespace
# of the test's own with a veth into the bridge of a cifsroot_net.TestNet,
# serving one host directory (standing in for the cluster file system).
#
#   node 0: private 10.55.0.11     node 1: private 10.55.0.12
#   public addresses 10.55.0.21 and 10.55.0.22, one on each node
#
# Each node runs Debian's ctdbd and a clustered smbd in a mount namespace
# of its own, in which /etc/ctdb, /run/ctdb and /var/lib/ctdb are the
# node's directories: the packaged paths, unchanged, one set per node.
# Over SMB1 they are the host's (Samba and ctdb 4.17); over SMB3 those of
# the Samba 4.22 tree (cifsroot_smbd.SAMBA_TREE), run in its chroot with
# the share at cifsroot_smbd.TREE_SHARE.
# ctdbd adds and drops the public addresses itself (the 10.interface event
# script) and moves them when a node dies; leaving the Cluster stops both
# nodes and deletes their namespaces, however far the setup got.
#
#   cifsroot_ctdb.py up        start a cluster, print its state, stop it

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import cifsroot_net as net
import cifsroot_smbd as samba
from cifsroot_common import (HarnessError, SetUp, log, popen, run,
			     signal_group)
from cifsroot_common import protocol as current_protocol
from cifsroot_rootfs import write_file

PRIVATE = ('10.55.0.11', '10.55.0.12')
PUBLIC = ('10.55.0.21', '10.55.0.22')
IFACE = 'eth0'

# The failover timing of the test cluster. A node is dead after
# KeepaliveInterval * KeepaliveLimit seconds without a keepalive (the
# defaults, 5 * 5, make it 25 s); with NoIPFailback an address stays where
# it was moved, so that the tests place them with moveip.
TUNABLES = (('KeepaliveInterval', 1), ('KeepaliveLimit', 5),
	    ('NoIPFailback', 1))

# Where the packaged ctdb looks, and the node's directory mounted there
BINDS = (('/etc/ctdb', 'etc'), ('/run/ctdb', 'run'),
	 ('/var/lib/ctdb', 'var'))
# In /var/lib/ctdb: the databases, and the event scripts' state (4.22)
VAR_DIRS = ('volatile', 'persistent', 'state', 'scripts')
# Where ctdbd logs: the file of ctdb.conf (4.17), or its output, where
# 4.22 logs with --interactive
LOGS = ('ctdb.log', 'ctdbd.out')

# The event scripts a node runs: only the one that moves the addresses.
# They and the functions they read are those of the ctdb that runs them.
EVENT_SCRIPTS = ('10.interface.script',)
LEGACY_SCRIPTS = '/usr/share/ctdb/events/legacy'
FUNCTIONS = '/etc/ctdb/functions'

HEALTHY_TIMEOUT = 60
MOVE_TIMEOUT = 60
POLL = 0.1

# smbd's [global] lines on a node: the clustered databases through the
# node's ctdbd, and every address of the node, the public ones that come
# and go included
SMBD_SETTINGS = ('\tclustering = yes\n'
		 '\tctdbd socket = /run/ctdb/ctdbd.socket\n')

# The protocols over which a guest's root is the whole of [root], which is
# the directory named by the guest's address (Samba's %I), rather than
# that directory given as a prefix path (//<address>/root/%s): over the
# POSIX extensions the 6.12 client sends the prefix path with a leading
# '/', and Samba 4.22 refuses the create with STATUS_INVALID_PARAMETER.
CLIENT_DIR_PROTOCOLS = ('smb3',)


def ctdb_conf(node_dir):
	"""The node's ctdb.conf: log to its directory, no real-time
	scheduling. There is no cluster lock: one host holds both nodes."""
	return f'''[logging]
	location = file:{node_dir}/ctdb.log
	log level = NOTICE
[legacy]
	realtime scheduling = false
'''


def parse_machine(text):
	"""Rows of ctdb's -X output ('|a|b|' lines, a header first) as
	dicts by the header's names."""
	rows = [line.strip().strip('|').split('|')
		for line in text.splitlines() if line.startswith('|')]
	if not rows:
		return []
	return [dict(zip(rows[0], row)) for row in rows[1:]]


# The flags of `ctdb -X status` that keep a node from serving
NODE_FLAGS = ('Disconnected', 'Unknown', 'Banned', 'Disabled', 'Unhealthy',
	      'Stopped', 'Inactive')


def nodes_ok(status, pnns):
	"""Whether `ctdb -X status` output `status` has every node of `pnns`
	with none of NODE_FLAGS set."""
	ok = {r.get('Node') for r in parse_machine(status)
	      if all(r.get(k) == '0' for k in NODE_FLAGS)}
	return {str(p) for p in pnns} <= ok


class NodeSmbd(samba.Smbd):
	"""A clustered smbd on `node`, in the node's namespaces, on port 445
	of every address the node has."""

	bind_only = False

	def __init__(self, node, share_dir, password):
		if node.cluster.client_dirs:
			self.subdir = '/%I'
		cluster = node.cluster
		super().__init__(share_dir, password=password,
				 netns=node.netns, interfaces=(node.addr,),
				 port=net.SMB_PORT,
				 settings=SMBD_SETTINGS + cluster.settings,
				 protocol=cluster.protocol, start=False)
		self.node = node

	def command(self, cmd):
		return self.node.prefix() + list(cmd)


class Node:
	"""One CTDB node: its namespace, directories, ctdbd and smbd."""

	def __init__(self, cluster, pnn):
		self.cluster = cluster
		self.pnn = pnn
		self.addr = PRIVATE[pnn]
		self.netns = f'{cluster.tnet.name}-n{pnn}'
		self.dir = os.path.join(cluster.tmp, f'node{pnn}')
		self.created = False
		self.ctdbd = None
		self.smbd = None

	def binds(self):
		"""{path: host path} mounted where the node's commands run: its
		directories, and in the tree the share."""
		binds = {target: os.path.join(self.dir, sub)
			 for target, sub in BINDS}
		if self.cluster.tree:
			binds[samba.TREE_SHARE] = self.cluster.share_dir
		return binds

	def prefix(self):
		"""The command prefix that runs a command on the node, in the
		Samba tree when the cluster runs from it."""
		tree = self.cluster.tree
		return samba.netns_prefix(self.netns) + (
			samba.in_tree(tree, self.binds(), []) if tree
			else samba.with_binds(self.binds(), []))

	def ip(self, *args, check=True):
		"""Run `ip` in the node's namespace."""
		return run(['ip', '-n', self.netns] + list(args), capture=True,
			   check=check)

	def ctdb(self, *args, check=True):
		"""Run the ctdb tool on the node; its CompletedProcess."""
		return run(self.prefix() + ['ctdb'] + list(args), capture=True,
			   check=check)

	def setup(self):
		"""The namespace, its veth on the bridge, the directories."""
		tnet = self.cluster.tnet
		run(['ip', 'netns', 'add', self.netns], capture=True)
		self.created = True
		self.ip('link', 'set', 'lo', 'up')
		peer = f'cl{self.pnn}'
		run(['ip', 'link', 'add', 'veth0', 'netns', self.netns, 'type',
		     'veth', 'peer', 'name', peer, 'netns', tnet.name],
		    capture=True)
		self.ip('link', 'set', 'veth0', 'name', IFACE)
		self.ip('addr', 'add', f'{self.addr}/{net.PREFIX4}', 'dev',
			IFACE)
		self.ip('link', 'set', IFACE, 'up')
		tnet.ip('link', 'set', peer, 'master', net.BRIDGE, 'up')
		etc = os.path.join(self.dir, 'etc')
		os.makedirs(os.path.join(etc, 'events', 'legacy'))
		os.makedirs(os.path.join(self.dir, 'run'))
		for d in VAR_DIRS:
			os.makedirs(os.path.join(self.dir, 'var', d))
		# the event scripts read /etc/ctdb/functions
		shutil.copy((self.cluster.tree or '') + FUNCTIONS, etc)
		for script in EVENT_SCRIPTS:
			os.symlink(os.path.join(LEGACY_SCRIPTS, script),
				   os.path.join(etc, 'events', 'legacy', script))
		write_file(os.path.join(etc, 'ctdb.conf'), ctdb_conf(self.dir))
		write_file(os.path.join(etc, 'nodes'),
			   ''.join(a + '\n' for a in PRIVATE))
		write_file(os.path.join(etc, 'public_addresses'),
			   ''.join(f'{a}/{net.PREFIX4} {IFACE}\n'
				   for a in PUBLIC))
		write_file(os.path.join(etc, 'ctdb.tunables'),
			   ''.join(f'{k}={v}\n' for k, v in TUNABLES))

	def start(self):
		"""Start ctdbd (in the foreground, in a process group of its
		own with its helpers)."""
		with open(os.path.join(self.dir, 'ctdbd.out'), 'a') as out:
			self.ctdbd = popen(self.prefix() + ['ctdbd', '--interactive'],
					   stdin=subprocess.DEVNULL, stdout=out,
					   stderr=subprocess.STDOUT,
					   start_new_session=True)

	def log_tail(self, lines=30):
		"""The last `lines` lines of each of ctdbd's LOGS."""
		return ''.join(samba.tail(os.path.join(self.dir, name), lines)
			       for name in LOGS)

	def running(self):
		"""Whether ctdbd runs."""
		return self.ctdbd is not None and self.ctdbd.poll() is None

	def addresses(self):
		"""The IPv4 addresses on the node's interface."""
		res = self.ip('-4', '-o', 'addr', 'show', 'dev', IFACE)
		return [f.split('/')[0] for line in res.stdout.splitlines()
			for f in line.split()[3:4]]

	def stop(self):
		"""SIGTERM ctdbd (it drops its public addresses), then make
		sure nothing of the node's is left."""
		if self.smbd is not None:
			self.smbd.stop()
		if self.ctdbd is not None:
			signal_group(self.ctdbd.pid, signal.SIGTERM)
			try:
				self.ctdbd.wait(timeout=net.STOP_TIMEOUT)
			except subprocess.TimeoutExpired:
				log(f'ctdbd of node {self.pnn} ignored SIGTERM')
			signal_group(self.ctdbd.pid, signal.SIGKILL)
			self.ctdbd.wait()
			self.ctdbd = None

	def kill(self):
		"""The node dies at once: its link goes down, then ctdbd, smbd
		and their children get SIGKILL. Returns when, on the
		time.monotonic() clock."""
		self.ip('link', 'set', IFACE, 'down')
		died = time.monotonic()
		if self.smbd is not None and self.smbd.proc is not None:
			self.smbd.kill()
		signal_group(self.ctdbd.pid, signal.SIGKILL)
		self.ctdbd.wait()
		self.ctdbd = None
		return died

	def revive(self):
		"""Bring a killed node back: drop the public addresses it held
		when it died, link up, start ctdbd."""
		for addr in self.addresses():
			if addr in PUBLIC:
				self.ip('addr', 'del', f'{addr}/{net.PREFIX4}',
					'dev', IFACE)
		self.ip('link', 'set', IFACE, 'up')
		self.start()

	def delete(self):
		"""Delete the namespace (and with it the veth)."""
		if self.created:
			run(['ip', 'netns', 'del', self.netns], capture=True,
			    check=False)
			self.created = False


class Cluster(SetUp):
	"""Two CTDB nodes serving `share_dir` as [root] with the harness's
	current protocol, each with one of the public addresses, beside `tnet`
	(a cifsroot_net.TestNet already entered). `settings` are more
	[global] lines of smbd.

	Entering it starts the nodes, waits for a healthy cluster and places
	PUBLIC[k] on node k, then starts smbd on both; `setup_seconds` is
	how long that took.
	"""

	def __init__(self, tnet, share_dir, password=None, settings=''):
		self.tnet = tnet
		self.share_dir = os.path.abspath(share_dir)
		self.password = password or secrets.token_hex(12)
		self.settings = settings
		self.protocol = current_protocol()
		self.client_dirs = self.protocol in CLIENT_DIR_PROTOCOLS
		self.tree = None
		self.tmp = None
		self.nodes = []
		self.setup_seconds = None

	def setup(self):
		"""Start both nodes and wait for a healthy cluster."""
		start = time.monotonic()
		self.tree = samba.server_tree(self.protocol)
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-ctdb-')
		self.nodes = [Node(self, pnn) for pnn in range(len(PRIVATE))]
		for node in self.nodes:
			node.setup()
		for node in self.nodes:
			node.start()
		self.wait_healthy()
		for pnn, addr in enumerate(PUBLIC):
			self.move(addr, pnn)
		for node in self.nodes:
			node.smbd = NodeSmbd(node, self.share_dir, self.password)
			node.smbd.start()
		self.setup_seconds = time.monotonic() - start
		log(f'CTDB cluster healthy: {len(self.nodes)} nodes, '
		    + ', '.join(f'{a} on node {k}' for k, a in enumerate(PUBLIC))
		    + f', in {self.setup_seconds:.1f} s')

	def live(self):
		"""The nodes whose ctdbd runs."""
		return [n for n in self.nodes if n.running()]

	def check_running(self, nodes):
		"""Fail if ctdbd of one of `nodes` has exited."""
		for node in nodes:
			if not node.running():
				raise HarnessError(
					f'ctdbd of node {node.pnn} exited:\n'
					+ node.log_tail())

	def healthy(self, nodes):
		"""Whether each of `nodes` sees all of `nodes` OK."""
		for node in nodes:
			res = node.ctdb('-X', 'status', check=False)
			if res.returncode or not nodes_ok(
					res.stdout, [n.pnn for n in nodes]):
				return False
		return True

	def wait_healthy(self, timeout=HEALTHY_TIMEOUT):
		"""Wait until the live nodes see each other healthy."""
		nodes = self.live()
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			self.check_running(nodes)
			if self.healthy(nodes):
				return
			time.sleep(POLL * 5)
		raise HarnessError(
			f'CTDB not healthy after {timeout}s:\n'
			+ nodes[0].ctdb('status', check=False).stdout
			+ nodes[0].log_tail())

	def holders(self):
		"""{public address: pnn holding it, or -1}, as the first live
		node sees it."""
		node = self.live()[0]
		rows = parse_machine(node.ctdb('-X', 'ip').stdout)
		return {r['Public IP']: int(r['Node']) for r in rows}

	def wait_held(self, addr, pnn, timeout=MOVE_TIMEOUT):
		"""Wait until node `pnn` holds `addr`, in CTDB's view and on
		its interface. Returns when, on the time.monotonic() clock."""
		node = self.nodes[pnn]
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			self.check_running([node])
			if addr in node.addresses() and \
			   self.holders().get(addr) == pnn:
				return time.monotonic()
			time.sleep(POLL)
		raise HarnessError(
			f'{addr} not on node {pnn} after {timeout}s: '
			f'{self.holders()}\n'
			+ node.log_tail())

	def move(self, addr, pnn):
		"""`ctdb moveip` `addr` to node `pnn` and wait until it is there.
		Returns when it was, on the time.monotonic() clock.

		ctdb refuses a move while a recovery or takeover run is under
		way; it is asked again until MOVE_TIMEOUT.
		"""
		deadline = time.monotonic() + MOVE_TIMEOUT
		while self.holders().get(addr) != pnn:
			res = self.live()[0].ctdb('moveip', addr, str(pnn),
						  check=False)
			if res.returncode == 0:
				break
			if time.monotonic() > deadline:
				raise HarnessError(
					f'ctdb moveip {addr} {pnn} failed '
					f'({res.returncode}): {res.stderr}'
					+ self.logs())
			time.sleep(POLL * 5)
		return self.wait_held(addr, pnn)

	def revive(self, pnn):
		"""Bring node `pnn` back after kill(): ctdbd, a healthy
		cluster, then smbd. Its addresses stay where they moved."""
		node = self.nodes[pnn]
		node.revive()
		self.wait_healthy()
		node.smbd.start()

	def logs(self):
		"""The tail of each node's ctdb log, for a failure's detail."""
		return ''.join(f'node {n.pnn}:\n'
			       + n.log_tail(10)
			       for n in self.nodes)

	def close(self):
		"""Stop both nodes and delete their namespaces."""
		for node in self.nodes:
			node.stop()
		for node in self.nodes:
			node.delete()
		self.nodes = []
		if self.tmp:
			shutil.rmtree(self.tmp, ignore_errors=True)
			self.tmp = None


def main(argv):
	if argv[1:] != ['up']:
		print(__doc__ or 'usage: cifsroot_ctdb.py up', file=sys.stderr)
		return 2
	share = tempfile.mkdtemp(prefix='cifsroot-share-')
	try:
		with net.TestNet() as tnet, Cluster(tnet, share) as cluster:
			for node in cluster.nodes:
				print(node.ctdb('status').stdout)
			print(cluster.holders())
			for addr in PUBLIC:
				res = cluster.nodes[0].smbd.smbclient(
					'ls', host=addr, check=False)
				print(res.stdout, res.stderr)
			for node in cluster.nodes:
				print(samba.tail(node.smbd.log_path))
	finally:
		shutil.rmtree(share, ignore_errors=True)
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
