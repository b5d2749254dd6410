#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A private smbd serving a directory as the root share, on an unprivileged
# local port or in a network namespace, and the ports it listens on.
# QEMU user networking lets the guest reach the host's loopback as
# 10.0.2.2 (HOST_ADDR), so smbd listens on 127.0.0.1 only.

import dataclasses
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import cifsroot_trees as trees
from cifsroot_common import HarnessError, log, popen
from cifsroot_common import protocol as current_protocol
from cifsroot_common import run, signal_group
from cifsroot_rootfs import write_file


HOST_ADDR = '10.0.2.2'

# Samba 4.22 from Debian 13: the host's 4.17 has no SMB3 POSIX extensions.
# Its ctdb (4.22 too) runs the CTDB cluster over SMB3 (cifsroot_ctdb.py);
# its event script sees the link of an interface with ethtool.
SAMBA_TREE = trees.Recipe('trixie',
			  ('samba', 'smbclient', 'ctdb', 'ethtool'),
			  os.path.join(os.path.dirname(os.path.abspath(__file__)),
				       'guest', 'samba-tree.sh'))

# Where a share is seen inside the tree's chroot
TREE_SHARE = '/srv/share'


@dataclasses.dataclass(frozen=True)
class Protocol:
	"""How the root is mounted with one protocol, and the server for it.

	`mount` are the options every other mount of the share starts with
	(the dialect, and over SMB3 the POSIX extensions, which the root's
	`unix` default asks for and a plain mount does not), `root` the
	options cifsroot= adds to its defaults; `settings` are the [global] lines the
	server needs; with `tree`, the server runs from the cached tree of
	SAMBA_TREE.
	"""
	mount: str
	root: str
	settings: str
	tree: bool


PROTOCOLS = {
	'smb1': Protocol('vers=1.0', '', '', False),
	'smb3': Protocol('vers=3.1.1,posix', 'vers=3.1.1',
			 '\tsmb3 unix extensions = yes\n'
			 '\tguest account = smbguest\n', True),
}


def bind_lines(binds, root=''):
	"""Shell lines that bind-mount each host path of `binds` ({path:
	host path}) at its path under `root`, a shell word ('' for /)."""
	lines = []
	for inside, outside in binds.items():
		lines.append(f'mkdir -p {root}{shlex.quote(inside)}')
		lines.append(f'mount --bind {shlex.quote(outside)} '
			     f'{root}{shlex.quote(inside)}')
	return lines


def with_binds(binds, cmd):
	"""`cmd` run in a mount namespace of its own in which `binds` ({path:
	host path}) are mounted. The mounts go with the last process."""
	lines = ['set -e'] + bind_lines(binds) + ['exec "$@"']
	return (['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
		 '\n'.join(lines), 'sh'] + list(cmd))


def in_tree(tree, binds, cmd):
	"""`cmd` run in `tree` by chroot, in a mount namespace of its own in
	which /proc, /dev, /tmp and `binds` ({path in tree: host path}) are
	mounted into the tree. The mounts go with the last process."""
	lines = (['set -e', 'mount -t proc proc "$0/proc"',
		  'mount --bind /dev "$0/dev"', 'mount --bind /tmp "$0/tmp"']
		 + bind_lines(binds, '"$0"') + ['exec chroot "$0" "$@"'])
	return (['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
		 '\n'.join(lines), tree] + list(cmd))


def server_tree(protocol):
	"""The tree Samba runs from for `protocol` (built when missing), or
	None when the host's Samba serves it."""
	if PROTOCOLS[protocol].tree:
		return trees.cached_tree(SAMBA_TREE)
	return None


def free_port():
	"""An unprivileged TCP port on 127.0.0.1 that is free right now."""
	with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
		s.bind(('127.0.0.1', 0))
		return s.getsockname()[1]


def port_open(port, host='127.0.0.1'):
	"""Whether something accepts TCP connections on `host`:`port`."""
	try:
		with socket.create_connection((host, port), timeout=1):
			return True
	except OSError:
		return False


# Run in a network namespace: exit status 0 when the port accepts
PORT_PROBE = ('import socket, sys\n'
	      'socket.create_connection((sys.argv[1], int(sys.argv[2])), '
	      'timeout=1).close()\n')


def netns_prefix(netns):
	"""The command prefix that runs a command in `netns` (or nothing)."""
	return ['ip', 'netns', 'exec', netns] if netns else []


# Run where smbd listens: poll until the port accepts, print when. The
# monotonic clock is one clock in every network namespace.
READY_PROBE = '''import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline:
	try:
		socket.create_connection((host, port), timeout=1).close()
	except OSError:
		time.sleep(0.01)
		continue
	print(time.monotonic())
	sys.exit(0)
sys.exit(1)
'''


def port_open_in(netns, host, port):
	"""Whether `host`:`port` accepts TCP connections, seen from `netns`."""
	if not netns:
		return port_open(port, host)
	try:
		res = subprocess.run(netns_prefix(netns) +
				     [sys.executable, '-c', PORT_PROBE, host,
				      str(port)],
				     stdout=subprocess.DEVNULL,
				     stderr=subprocess.DEVNULL, timeout=10)
	except subprocess.TimeoutExpired:
		return False
	return res.returncode == 0


def tail(path, lines=30):
	"""The last `lines` lines of a text file, or '' when unreadable."""
	try:
		with open(path, errors='replace') as f:
			return ''.join(f.readlines()[-lines:])
	except OSError:
		return ''


def group_members(pgid):
	"""Pids of the live (not zombie) processes in process group `pgid`."""
	pids = []
	for name in os.listdir('/proc'):
		if not name.isdigit():
			continue
		try:
			with open(f'/proc/{name}/stat') as f:
				fields = f.read().rpartition(')')[2].split()
		except OSError:
			continue
		if fields[0] != 'Z' and int(fields[2]) == pgid:
			pids.append(int(name))
	return pids


# Subdirectories of smbd's temporary state directory
STATE_DIRS = ('private', 'lock', 'state', 'cache', 'pid', 'ncalrpc')


class Smbd:
	"""A private smbd serving `share_dir` as [root] on a free local port.

	All of its state lives in a temporary directory removed on exit. It
	runs as root so that the client, logged in as root, may chown and mknod
	through the SMB1 UNIX extensions.

	`protocol` (by default the harness's current one) says how the
	client mounts: for SMB3 with the POSIX extensions, smbd is Samba 4.22
	run in a chroot of SAMBA_TREE, the share mounted into it.

	With `netns`, smbd runs in that network namespace and listens on
	`interfaces` there. `port` None picks a free port. With `start` False,
	entering the context does not start it: call start() when the test
	wants the server up; leaving the context stops it in either case.
	`settings` are more [global] lines, such as "server signing =
	mandatory".
	"""

	START_TIMEOUT = 30
	KILL_TIMEOUT = 10
	share = 'root'
	# listen on `interfaces` only, or on every address of the namespace
	bind_only = True
	# the share is this directory of `share_dir`, such as '/%I' (the
	# client's address), or all of it
	subdir = ''

	def __init__(self, share_dir, user='root', password=None, netns=None,
		     interfaces=('127.0.0.1',), port=None, start=True,
		     settings='', protocol=None):
		self.settings = settings
		self.protocol = protocol or current_protocol()
		self.proto = PROTOCOLS[self.protocol]
		self.tree = None
		self.share_dir = os.path.abspath(share_dir)
		self.user = user
		self.password = password or secrets.token_hex(12)
		self.netns = netns
		self.interfaces = tuple(interfaces)
		self.fixed_port = port
		self.port = port
		self.start_on_enter = start
		self.started = None
		self.tmp = None
		self.proc = None
		self.conf = None
		self.log_path = None

	def config(self):
		"""The smb.conf text; every path points into the temp dir."""
		t = self.tmp
		return f'''[global]
	server role = standalone server
	workgroup = WORKGROUP
	netbios name = CIFSROOT
	security = user
	map to guest = never
	passdb backend = tdbsam:{t}/passdb.tdb
	private dir = {t}/private
	lock directory = {t}/lock
	state directory = {t}/state
	cache directory = {t}/cache
	pid directory = {t}/pid
	ncalrpc dir = {t}/ncalrpc
	log file = {t}/log.%m
	log level = 1
	smb ports = {self.port}
	interfaces = {' '.join(self.interfaces)}
	bind interfaces only = {'yes' if self.bind_only else 'no'}
	disable netbios = yes
	server min protocol = NT1
	unix extensions = yes
	# the client's default sec=ntlmssp carries NTLMv2, which the
	# default "ntlm auth = ntlmv2-only" accepts
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
{self.proto.settings}{self.settings}
[{self.share}]
	path = {TREE_SHARE if self.tree else self.share_dir}{self.subdir}
	# exactly the share section of cifsroot.rst (a docs test checks it)
	read only = no
	create mask = 07777
	directory mask = 07777
	case sensitive = yes
	mangled names = no
	map archive = no
'''

	def __enter__(self):
		if not self.start_on_enter:
			return self
		try:
			self.start()
		except BaseException:
			self.stop()
			raise
		return self

	def __exit__(self, *exc):
		self.stop()
		return False

	def start(self):
		"""Write the config, add the user, start smbd and wait."""
		if self.proc is not None:
			raise HarnessError('smbd is already running')
		if not os.path.isdir(self.share_dir):
			raise HarnessError('no directory ' + self.share_dir)
		self.tree = server_tree(self.protocol)
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-smbd-')
		for d in STATE_DIRS:
			os.makedirs(os.path.join(self.tmp, d))
		os.chmod(os.path.join(self.tmp, 'private'), 0o700)
		self.port = self.fixed_port or free_port()
		self.conf = os.path.join(self.tmp, 'smb.conf')
		self.log_path = os.path.join(self.tmp, 'smbd.log')
		write_file(self.conf, self.config())
		run(self.command(['smbpasswd', '-c', self.conf, '-a', '-s',
				  self.user]),
		    input=f'{self.password}\n{self.password}\n', capture=True)
		cmd = self.command(['smbd', '--foreground', '--no-process-group',
				    '--debug-stdout', '-s', self.conf])
		with open(self.log_path, 'w') as logf:
			self.proc = popen(
				cmd, stdin=subprocess.DEVNULL, stdout=logf,
				stderr=subprocess.STDOUT,
				start_new_session=True)
		self.started = self.wait_ready()
		where = f' in {self.netns}' if self.netns else ''
		where += ' (Samba 4.22, in a chroot)' if self.tree else ''
		log(f'smbd serving {self.share_dir} as '
		    f'//{self.interfaces[0]}/{self.share} on port '
		    f'{self.port}{where}')

	def command(self, cmd):
		"""`cmd` of Samba's, as run where this smbd runs."""
		if self.tree:
			cmd = in_tree(self.tree, {TREE_SHARE: self.share_dir}, cmd)
		return netns_prefix(self.netns) + cmd

	def listening(self):
		"""Whether smbd accepts connections on every address."""
		return all(port_open_in(self.netns, addr, self.port)
			   for addr in self.interfaces)

	def wait_ready(self):
		"""Wait until smbd accepts connections; fail if it exits.

		Returns when it became ready, on the time.monotonic() clock, to
		within 10 ms: a probe polls the port from where smbd listens.
		"""
		probe = popen(
			netns_prefix(self.netns) +
			[sys.executable, '-c', READY_PROBE, self.interfaces[0],
			 str(self.port), str(self.START_TIMEOUT)],
			stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
			text=True)
		try:
			while probe.poll() is None:
				status = self.proc.poll()
				if status is not None:
					raise HarnessError(
						f'smbd exited ({status}):\n'
						+ tail(self.log_path))
				time.sleep(0.05)
		finally:
			if probe.poll() is None:
				probe.kill()
			out = probe.communicate()[0]
		if probe.returncode != 0 or not self.listening():
			raise HarnessError(f'smbd not listening on port {self.port} '
					   f'after {self.START_TIMEOUT}s:\n'
					   + tail(self.log_path))
		return float(out)

	def stop(self):
		"""SIGTERM smbd's process group, SIGKILL it if it lingers."""
		if self.proc is not None:
			self.signal_group(signal.SIGTERM)
			try:
				self.proc.wait(timeout=5)
			except subprocess.TimeoutExpired:
				self.signal_group(signal.SIGKILL)
				self.proc.wait()
			# children (one per client) may outlive the parent
			self.signal_group(signal.SIGKILL)
			self.proc = None
		if self.tmp:
			shutil.rmtree(self.tmp, ignore_errors=True)
			self.tmp = None

	def kill(self):
		"""SIGKILL smbd and its children at once, as a crash would.

		Returns how many processes it had, once none of them is left;
		start() then starts it again on the same port with the same
		user and password.
		"""
		if self.proc is None:
			raise HarnessError('smbd is not running')
		pgid = self.proc.pid
		count = len(group_members(pgid))
		self.signal_group(signal.SIGKILL)
		self.proc.wait()
		self.proc = None
		deadline = time.monotonic() + self.KILL_TIMEOUT
		while group_members(pgid):
			if time.monotonic() > deadline:
				raise HarnessError(
					f'smbd processes {group_members(pgid)} '
					f'outlived SIGKILL by {self.KILL_TIMEOUT}s')
			self.signal_group_id(pgid, signal.SIGKILL)
			time.sleep(0.05)
		shutil.rmtree(self.tmp, ignore_errors=True)
		self.tmp = None
		log(f'smbd killed ({count} processes)')
		return count

	@staticmethod
	def signal_group_id(pgid, sig):
		"""Send `sig` to process group `pgid` if it still has members."""
		signal_group(pgid, sig)

	def signal_group(self, sig):
		"""Send `sig` to smbd and its children (its own group)."""
		signal_group(self.proc.pid, sig)

	def credentials(self, port=None):
		"""port=,username=,password= options for this server."""
		return (f'port={port or self.port},username={self.user},'
			f'password={self.password}')

	def source(self, host=None, share=None, port=None, options=''):
		"""A cifsroot= value mounting this server's share (or `share`)
		from `host` (the guest's view of the host by default)."""
		text = (f'//{host or HOST_ADDR}/{share or self.share},'
			+ self.credentials(port))
		options = ','.join(o for o in (self.proto.root, options) if o)
		return text + (',' + options if options else '')

	def mount_line(self, host=None, options=''):
		"""'<source> <options>', the line the guest's scripts read to
		mount this share with fsprobe mount, the protocol's options first."""
		text = (f'//{host or HOST_ADDR}/{self.share} '
			f'{self.proto.mount},' + self.credentials())
		return text + (',' + options if options else '') + '\n'

	def sessions(self):
		"""The sessions smbd has now, from smbstatus --json:
		[{'id': ..., 'username': ..., 'dialect': ...,
		'signing': degree}]."""
		res = run(self.command(['smbstatus', '-s', self.conf, '--json',
					'-b']),
			  capture=True, check=False)
		try:
			found = json.loads(res.stdout).get('sessions', {})
		except ValueError:
			return []
		return [{'id': k, 'username': v.get('username'),
			 'dialect': v.get('session_dialect'),
			 'signing': v.get('signing', {}).get('degree')}
			for k, v in found.items()]

	def smbclient(self, command, check=True, host=None):
		"""Run smbclient commands on the share over SMB1 (NT1).

		It connects to `host`, by default the first address smbd
		listens on, from smbd's network namespace.
		"""
		host = host or self.interfaces[0]
		return run(netns_prefix(self.netns) +
			   ['smbclient', '-p', str(self.port),
			    f'//{host}/{self.share}', '-I', host,
			    '-U', f'{self.user}%{self.password}', '-m', 'NT1',
			    '--option=client min protocol=NT1', '-c', command],
			   capture=True, check=check)
