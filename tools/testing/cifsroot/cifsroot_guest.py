# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the cifsroot harness: a busybox root file system, a private
# smbd serving it on an unprivileged local port, the kernel command line that
# mounts it as root and a QEMU boot that records the serial console.
#
# QEMU user networking lets the guest reach the host's loopback as 10.0.2.2,
# so smbd listens on 127.0.0.1 only. Tests that need a real network run smbd
# and QEMU in a private network namespace (cifsroot_net.py) instead.

import collections
import fcntl
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import cifsroot_kernel as kernel
from cifsroot_common import (HarnessError, REPO, log, out_dir, popen, run,
			     signal_group, step)

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_INIT = os.path.join(HERE, 'guest', 'init')
BUSYBOX = '/bin/busybox'
HOST_ADDR = '10.0.2.2'

START_MARK = 'cifsroot-init: started'
EXIT_MARK = 'cifsroot-exit:'

ROOTFS_DIRS = {
	'bin': 0o755, 'sbin': 0o755, 'usr/bin': 0o755, 'usr/sbin': 0o755,
	'dev': 0o755, 'proc': 0o555, 'sys': 0o555, 'tmp': 0o1777,
	'root': 0o700, 'etc': 0o755, 'etc/cifsroot': 0o755,
	'home': 0o755, 'home/user': 0o755, 'run': 0o755, 'var': 0o755,
}

PASSWD = ('root:x:0:0:root:/root:/bin/sh\n'
	  'user:x:1000:1000:user:/home/user:/bin/sh\n'
	  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')

GROUP = ('root:x:0:\n'
	 'user:x:1000:\n'
	 'nogroup:x:65534:\n')


def default_share():
	"""Where `make rootfs` and `make boot` keep the guest's root."""
	return os.path.join(out_dir('boot'), 'share')


def check_dest(dest):
	"""Refuse to wipe anything that is not a dedicated rootfs directory."""
	real = os.path.realpath(dest)
	if real == '/' or REPO.startswith(real + os.sep) or real == REPO:
		raise HarnessError(f'refusing to use {dest} for a rootfs')
	return real


def write_file(path, text, mode=0o644):
	"""Write `text` to `path` and give it `mode`."""
	with open(path, 'w') as f:
		f.write(text)
	os.chmod(path, mode)


def busybox_applets():
	"""Applet paths relative to / (bin/ls, usr/sbin/...), from busybox."""
	out = run([BUSYBOX, '--list-full'], capture=True)
	return [line.strip().lstrip('/') for line in out.stdout.splitlines()
		if line.strip()]


def link_applets(dest):
	"""One relative symlink per applet, so they resolve on any server."""
	count = 0
	for applet in busybox_applets():
		if applet in ('bin/busybox', 'sbin/init'):
			continue
		path = os.path.join(dest, applet)
		os.makedirs(os.path.dirname(path), exist_ok=True)
		target = os.path.relpath('/' + BUSYBOX.lstrip('/'),
					 os.path.dirname('/' + applet))
		if os.path.lexists(path):
			os.unlink(path)
		os.symlink(target, path)
		count += 1
	return count


@step('rootfs')
def make_rootfs(dest=None):
	"""Create a busybox root file system in `dest` (wiped first)."""
	dest = check_dest(dest or default_share())
	if not os.path.exists(BUSYBOX):
		raise HarnessError(BUSYBOX + ' missing: install busybox-static')
	shutil.rmtree(dest, ignore_errors=True)
	os.makedirs(dest)
	os.chmod(dest, 0o755)
	for d, mode in ROOTFS_DIRS.items():
		os.makedirs(os.path.join(dest, d), exist_ok=True)
		os.chmod(os.path.join(dest, d), mode)
	os.chown(os.path.join(dest, 'home', 'user'), 1000, 1000)
	shutil.copy2(BUSYBOX, os.path.join(dest, 'bin', 'busybox'))
	os.chmod(os.path.join(dest, 'bin', 'busybox'), 0o755)
	count = link_applets(dest)
	shutil.copyfile(GUEST_INIT, os.path.join(dest, 'sbin', 'init'))
	os.chmod(os.path.join(dest, 'sbin', 'init'), 0o755)
	write_file(os.path.join(dest, 'etc', 'passwd'), PASSWD)
	write_file(os.path.join(dest, 'etc', 'group'), GROUP)
	log(f'rootfs in {dest}: busybox with {count} applets')
	return dest


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

	def __init__(self, share_dir, user='root', password=None, netns=None,
		     interfaces=('127.0.0.1',), port=None, start=True,
		     settings=''):
		self.settings = settings
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
	bind interfaces only = yes
	disable netbios = yes
	server min protocol = NT1
	unix extensions = yes
	# the client's default sec=ntlmssp carries NTLMv2, which the
	# default "ntlm auth = ntlmv2-only" accepts
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
{self.settings}
[{self.share}]
	path = {self.share_dir}
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
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-smbd-')
		for d in STATE_DIRS:
			os.makedirs(os.path.join(self.tmp, d))
		os.chmod(os.path.join(self.tmp, 'private'), 0o700)
		self.port = self.fixed_port or free_port()
		self.conf = os.path.join(self.tmp, 'smb.conf')
		self.log_path = os.path.join(self.tmp, 'smbd.log')
		write_file(self.conf, self.config())
		prefix = netns_prefix(self.netns)
		run(prefix + ['smbpasswd', '-c', self.conf, '-a', '-s',
			      self.user],
		    input=f'{self.password}\n{self.password}\n', capture=True)
		cmd = prefix + ['smbd', '--foreground', '--no-process-group',
				'--debug-stdout', '-s', self.conf]
		with open(self.log_path, 'w') as logf:
			self.proc = popen(
				cmd, stdin=subprocess.DEVNULL, stdout=logf,
				stderr=subprocess.STDOUT,
				start_new_session=True)
		self.started = self.wait_ready()
		where = f' in {self.netns}' if self.netns else ''
		log(f'smbd serving {self.share_dir} as '
		    f'//{self.interfaces[0]}/{self.share} on port '
		    f'{self.port}{where}')

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
		return text + (',' + options if options else '')

	def mount_line(self, host=None, options=''):
		"""'<source> <options>', the line the guest's scripts read to
		mount this share with fsprobe mount."""
		text = (f'//{host or HOST_ADDR}/{self.share} '
			+ self.credentials())
		return text + (',' + options if options else '') + '\n'

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


def cmdline(smbd, share=None, options=''):
	"""The kernel command line mounting `smbd`'s share as root."""
	return cmdline_for(smbd.source(share=share, options=options))


def cmdline_for(source):
	"""The kernel command line for a `cifsroot=` value."""
	return (f'console=ttyS0 root=/dev/cifs rw ip=dhcp cifsroot={source} '
		'panic=-1')


# KVM_GET_SUPPORTED_CPUID: _IOWR(KVMIO, 0x05, struct kvm_cpuid2)
KVM_GET_SUPPORTED_CPUID = 0xc008ae05
CPUID_ENTRY = struct.Struct('10I')	# struct kvm_cpuid_entry2


def kvm_supported_cpuid(fd, nent=256):
	"""(function, index, eax, ebx, ecx, edx) entries KVM can give guests."""
	buf = bytearray(struct.pack('II', nent, 0) +
			bytes(CPUID_ENTRY.size * nent))
	fcntl.ioctl(fd, KVM_GET_SUPPORTED_CPUID, buf, True)
	count = struct.unpack_from('I', buf)[0]
	for i in range(count):
		e = CPUID_ENTRY.unpack_from(buf, 8 + CPUID_ENTRY.size * i)
		yield e[0], e[1], e[3], e[4], e[5], e[6]


def kvm_usable():
	"""Whether KVM can run our guest.

	Opening /dev/kvm is not enough: some nested setups offer a KVM that
	cannot give guests SSE3, on which QEMU's default CPU hangs at boot.
	"""
	try:
		fd = os.open('/dev/kvm', os.O_RDWR | os.O_CLOEXEC)
	except OSError:
		return False
	try:
		for function, _, _, _, ecx, _ in kvm_supported_cpuid(fd):
			if function == 1:
				return bool(ecx & 1)
		return False
	except OSError:
		return False
	finally:
		os.close(fd)


def accelerator():
	"""CIFSROOT_ACCEL if set, else kvm when usable, else tcg."""
	return os.environ.get('CIFSROOT_ACCEL') or \
		('kvm' if kvm_usable() else 'tcg')


def qemu_netdev(netdev):
	"""A -netdev value ("socket,udp=...") with its id, n0, put in."""
	kind, _, rest = netdev.partition(',')
	return f'{kind},id=n0' + (',' + rest if rest else '')


def qemu_net_args(tap=None, mac=None, netdev=None):
	"""QEMU's network: user networking, the tap device `tap` or `netdev`.

	`netdev` is a -netdev value without its id, e.g. "socket,udp=...".
	"""
	if tap and netdev:
		raise HarnessError('a boot has a tap device or a netdev, '
				   'not both')
	if netdev:
		netdev = qemu_netdev(netdev)
	elif tap:
		netdev = f'tap,id=n0,ifname={tap},script=no,downscript=no'
	else:
		netdev = 'user,id=n0'
	device = 'e1000,netdev=n0' + (f',mac={mac}' if mac else '')
	return ['-netdev', netdev, '-device', device]


def qemu_command(kernel_image, append, tap=None, mac=None, netdev=None,
		 initrd=None, memory=256):
	"""The QEMU command line booting `kernel_image` with `append`.

	`memory` is the guest's RAM in MiB.
	"""
	return ['qemu-system-x86_64', '-m', str(memory),
		'-accel', accelerator(),
		'-kernel', kernel_image, '-append', append,
		'-nographic', '-no-reboot'] + \
		(['-initrd', initrd] if initrd else []) + \
		qemu_net_args(tap, mac, netdev)


# `lines` holds (time.monotonic() at arrival, text) per console line
BootResult = collections.namedtuple(
	'BootResult', 'status timed_out elapsed console lines',
	defaults=((),))


def console_text(raw):
	"""Console bytes as text with plain newlines."""
	return raw.decode(errors='replace').replace('\r', '')


class Boot:
	"""A QEMU boot in progress; wait() ends it and gives a BootResult.

	A thread reads the serial console from a pipe, copies it to
	`log_path` and stamps each line with time.monotonic() as it arrives.
	QEMU is killed when `timeout` seconds have passed since the start.
	"""

	READER_TIMEOUT = 10

	def __init__(self, cmd, log_path, timeout):
		self.timeout = timeout
		self.log_path = log_path
		self.lines = []
		self.raw = []
		self.result = None
		self.logf = open(log_path, 'wb') if log_path else None
		self.t0 = time.monotonic()
		try:
			self.proc = popen(
				cmd, stdin=subprocess.DEVNULL,
				stdout=subprocess.PIPE,
				stderr=subprocess.STDOUT,
				start_new_session=True)
		except BaseException:
			self.close_log()
			raise
		self.reader = threading.Thread(target=self.read_lines,
					       daemon=True)
		self.reader.start()

	def __enter__(self):
		return self

	def __exit__(self, *exc):
		self.kill()
		return False

	def read_lines(self):
		"""Thread: record console lines with their arrival time."""
		for raw in iter(self.proc.stdout.readline, b''):
			now = time.monotonic()
			self.raw.append(raw)
			self.lines.append((now, console_text(raw).rstrip('\n')))
			if self.logf:
				self.logf.write(raw)
				self.logf.flush()

	def console(self):
		"""The console text so far."""
		return console_text(b''.join(list(self.raw)))

	def running(self):
		"""Whether QEMU still runs."""
		return self.proc.poll() is None

	def kill(self):
		"""Kill QEMU now if it still runs (safe to call twice)."""
		if self.proc.poll() is None:
			signal_group(self.proc.pid, signal.SIGKILL)
		self.proc.wait()
		self.reader.join(self.READER_TIMEOUT)
		if not self.reader.is_alive():
			self.proc.stdout.close()
			self.close_log()

	def close_log(self):
		"""Close the console log (safe to call twice)."""
		if self.logf:
			self.logf.close()
			self.logf = None

	def wait(self):
		"""Wait for QEMU to end (killed at the timeout): BootResult."""
		if self.result is not None:
			return self.result
		left = self.t0 + self.timeout - time.monotonic()
		timed_out = False
		try:
			self.proc.wait(timeout=max(left, 0))
		except subprocess.TimeoutExpired:
			timed_out = True
		self.kill()
		elapsed = time.monotonic() - self.t0
		if timed_out:
			log(f'boot: timed out after {self.timeout}s, '
			    'QEMU killed')
		else:
			log(f'boot: QEMU exited ({self.proc.returncode}) '
			    f'after {elapsed:.1f}s')
		self.result = BootResult(self.proc.returncode, timed_out,
					 elapsed, self.console(),
					 list(self.lines))
		return self.result


def boot_command(kernel_image, append, net=None, tap=None, mac=None,
		 netdev=None, initrd=None, memory=256):
	"""The QEMU command, run in `net`'s namespace when given."""
	if tap is not None and net is None:
		raise HarnessError('a tap device needs its TestNet')
	if net is not None and tap is None and netdev is None:
		raise HarnessError('a TestNet boot needs a tap device or '
				   'a netdev')
	cmd = qemu_command(kernel_image, append, tap, mac, netdev, initrd,
			   memory)
	return netns_prefix(net.name) + cmd if net is not None else cmd


def start_boot(kernel_image, append, log_path, timeout=120, net=None,
	       tap=None, mac=None, netdev=None, initrd=None, memory=256):
	"""Start a QEMU boot in the background; returns a Boot to wait() on.

	The serial console goes to `log_path`. With `net` (a TestNet), QEMU
	runs in its namespace on `tap` (or `netdev`, a -netdev value without
	its id) and the TestNet kills it on exit. `memory` is the guest's
	RAM in MiB.
	"""
	cmd = boot_command(kernel_image, append, net, tap, mac, netdev,
			   initrd, memory)
	where = f' on {tap or netdev}' if tap or netdev else ''
	log(f'boot: {kernel_image} with {cmd[cmd.index("-accel") + 1]}'
	    + where)
	handle = Boot(cmd, log_path, timeout)
	if net is not None:
		net.adopt(handle)
	return handle


def boot(kernel_image, append, log_path, timeout=120, interactive=False,
	 net=None, tap=None, mac=None, netdev=None, initrd=None, memory=256):
	"""Boot QEMU; returns BootResult(status, timed_out, elapsed, console,
	lines).

	Non-interactive boots read /dev/null and write the serial console to
	`log_path`; QEMU is killed when `timeout` seconds pass. Interactive
	boots use the caller's terminal (leave QEMU with Ctrl-A x). `memory`
	is the guest's RAM in MiB.
	"""
	if not interactive:
		return start_boot(kernel_image, append, log_path, timeout,
				  net, tap, mac, netdev, initrd, memory).wait()
	cmd = boot_command(kernel_image, append, net, tap, mac, netdev,
			   initrd, memory)
	log(f'boot: {kernel_image} with {cmd[cmd.index("-accel") + 1]}')
	t0 = time.monotonic()
	res = subprocess.run(cmd)
	return BootResult(res.returncode, False, time.monotonic() - t0, '')


def command_output(console):
	"""(output, status) of the run script; status None if it never ended."""
	lines = console.splitlines()
	start = None
	for i, line in enumerate(lines):
		if START_MARK in line:
			start = i + 1
		elif start is not None and line.startswith(EXIT_MARK):
			status = line[len(EXIT_MARK):].strip()
			if not status.isdigit():
				status = '255'
			return '\n'.join(lines[start:i]), int(status)
	return None, None


def explain_failure(result):
	"""Why a boot went wrong, with its last console lines."""
	why = 'timed out' if result.timed_out else \
		f'QEMU exited ({result.status})'
	last = '\n'.join(result.console.splitlines()[-30:])
	return f'{why} after {result.elapsed:.0f}s; last console lines:\n{last}'


def run_in_guest(image, smbd, share_dir, cmd, log_path, timeout=300):
	"""Run `cmd` in the guest; print its output, return its status."""
	run_dir = os.path.join(share_dir, 'etc', 'cifsroot')
	os.makedirs(run_dir, exist_ok=True)
	write_file(os.path.join(run_dir, 'run'), cmd + '\n', 0o755)
	result = boot(image, cmdline(smbd), log_path, timeout=timeout)
	output, status = command_output(result.console)
	if status is None:
		log('the command did not finish in the guest: '
		    + explain_failure(result))
		return 1
	print(output, flush=True)
	log(f'guest command exited with {status}')
	return status


def init_report(console):
	"""What init printed after starting, without the final reboot lines."""
	_, found, rest = console.partition(START_MARK + '\n')
	if not found:
		return None
	return '\n'.join(line for line in rest.splitlines()
			 if not line.startswith('[') or 'reboot:' not in line)


def report_boot(result):
	"""Print what init reports about its root; 0 if it ran."""
	report = init_report(result.console)
	if report is None:
		log('init never started: ' + explain_failure(result))
		return 1
	print(report, flush=True)
	return 0


def boot_remote(image, server, options, cmd):
	"""Boot from a server given by CIFSROOT_SERVER, no local smbd."""
	if cmd:
		raise HarnessError('CMD cannot be used with CIFSROOT_SERVER: '
				   'the harness cannot write to that share')
	source = server + (',' + options if options else '')
	append = cmdline_for(source)
	if sys.stdin.isatty():
		return boot(image, append, None, interactive=True).status
	log_path = os.path.join(out_dir('boot'), 'console.log')
	return report_boot(boot(image, append, log_path, timeout=300))


def interactive_boot(cmd=''):
	"""`make boot`: boot the test kernel from a local Samba share.

	With `cmd`, run it in the guest and return its exit status. Without,
	give a shell when stdin is a terminal, else print what the guest
	reports about its root.
	"""
	image = kernel.build()
	server = os.environ.get('CIFSROOT_SERVER')
	if server:
		return boot_remote(image, server,
				   os.environ.get('CIFSROOT_OPTS', ''), cmd)
	share_dir = make_rootfs(default_share())
	log_path = os.path.join(out_dir('boot'), 'console.log')
	with Smbd(share_dir) as smbd:
		if cmd:
			return run_in_guest(image, smbd, share_dir, cmd,
					    log_path)
		if sys.stdin.isatty():
			write_file(os.path.join(share_dir, 'etc', 'cifsroot',
						'interactive'), '')
			return boot(image, cmdline(smbd), None,
				    interactive=True).status
		return report_boot(boot(image, cmdline(smbd), log_path,
					timeout=300))
