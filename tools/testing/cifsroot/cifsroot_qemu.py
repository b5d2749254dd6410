#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# QEMU: the kernel command line that mounts an smbd share as root, the
# boot with its serial console recorded line by line, and `make boot`.
# Tests that need a real network run smbd and QEMU in a private network
# namespace (cifsroot_net.py).

import collections
import fcntl
import os
import signal
import struct
import subprocess
import sys
import threading
import time

import cifsroot_kernel as kernel
from cifsroot_common import HarnessError, log, out_dir, popen, signal_group
from cifsroot_rootfs import (EXIT_MARK, START_MARK, default_share,
			     make_rootfs, write_file)
from cifsroot_smbd import Smbd, netns_prefix


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


# The emulated NICs a boot may have: every harness boot has the first
NICS = ('e1000', 'virtio-net-pci')


def qemu_net_args(tap=None, mac=None, netdev=None, nic=NICS[0]):
	"""QEMU's network: user networking, the tap device `tap` or `netdev`,
	on the emulated NIC `nic` (one of NICS).

	`netdev` is a -netdev value without its id, e.g. "socket,udp=...".
	"""
	if nic not in NICS:
		raise HarnessError(f'no NIC {nic}: one of {", ".join(NICS)}')
	if tap and netdev:
		raise HarnessError('a boot has a tap device or a netdev, '
				   'not both')
	if netdev:
		netdev = qemu_netdev(netdev)
	elif tap:
		netdev = f'tap,id=n0,ifname={tap},script=no,downscript=no'
	else:
		netdev = 'user,id=n0'
	device = f'{nic},netdev=n0' + (f',mac={mac}' if mac else '')
	return ['-netdev', netdev, '-device', device]


def qemu_command(kernel_image, append, tap=None, mac=None, netdev=None,
		 initrd=None, memory=256, nic=NICS[0]):
	"""The QEMU command line booting `kernel_image` with `append`.

	`memory` is the guest's RAM in MiB.
	"""
	return ['qemu-system-x86_64', '-m', str(memory),
		'-accel', accelerator(),
		'-kernel', kernel_image, '-append', append,
		'-nographic', '-no-reboot'] + \
		(['-initrd', initrd] if initrd else []) + \
		qemu_net_args(tap, mac, netdev, nic)


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
		except BaseException:	# ^C or SIGTERM: QEMU goes too
			self.kill()
			raise
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
		 netdev=None, initrd=None, memory=256, nic=NICS[0]):
	"""The QEMU command, run in `net`'s namespace when given."""
	if tap is not None and net is None:
		raise HarnessError('a tap device needs its TestNet')
	if net is not None and tap is None and netdev is None:
		raise HarnessError('a TestNet boot needs a tap device or '
				   'a netdev')
	cmd = qemu_command(kernel_image, append, tap, mac, netdev, initrd,
			   memory, nic)
	return netns_prefix(net.name) + cmd if net is not None else cmd


def start_boot(kernel_image, append, log_path, timeout=120, net=None,
	       tap=None, mac=None, netdev=None, initrd=None, memory=256,
	       nic=NICS[0]):
	"""Start a QEMU boot in the background; returns a Boot to wait() on.

	The serial console goes to `log_path`. With `net` (a TestNet), QEMU
	runs in its namespace on `tap` (or `netdev`, a -netdev value without
	its id) and the TestNet kills it on exit. `memory` is the guest's
	RAM in MiB; `nic` one of NICS.
	"""
	cmd = boot_command(kernel_image, append, net, tap, mac, netdev,
			   initrd, memory, nic)
	where = f' on {tap or netdev}' if tap or netdev else ''
	log(f'boot: {kernel_image} with {cmd[cmd.index("-accel") + 1]}'
	    + where)
	handle = Boot(cmd, log_path, timeout)
	if net is not None:
		net.adopt(handle)
	return handle


def boot(kernel_image, append, log_path, timeout=120, interactive=False,
	 net=None, tap=None, mac=None, netdev=None, initrd=None, memory=256,
	 nic=NICS[0]):
	"""Boot QEMU; returns BootResult(status, timed_out, elapsed, console,
	lines).

	Non-interactive boots read /dev/null and write the serial console to
	`log_path`; QEMU is killed when `timeout` seconds pass. Interactive
	boots use the caller's terminal (leave QEMU with Ctrl-A x). `memory`
	is the guest's RAM in MiB.
	"""
	if not interactive:
		return start_boot(kernel_image, append, log_path, timeout,
				  net, tap, mac, netdev, initrd, memory,
				  nic).wait()
	cmd = boot_command(kernel_image, append, net, tap, mac, netdev,
			   initrd, memory, nic)
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
