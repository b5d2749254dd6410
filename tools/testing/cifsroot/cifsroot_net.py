# SPDX-License-Identifier: GPL-2.0
#
# A private network for cifsroot guests: a network namespace of the test's
# own with a bridge, tap devices for QEMU, dnsmasq for DHCP and router
# advertisements and smbd, all on 10.55.0.0/24 and fd55::/64. Nothing in it
# reaches any other network, and leaving the TestNet removes all of it.

import fcntl
import itertools
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import cifsroot_smbd as samba
from cifsroot_common import (HarnessError, SetUp, log, popen, run,
			     signal_group)

BRIDGE = 'br0'
HOST4 = '10.55.0.1'
HOST6 = 'fd55::1'
PREFIX4 = 24
PREFIX6 = 64
DHCP_RANGE = '10.55.0.100,10.55.0.200,255.255.255.0,1h'
RA_RANGE = 'fd55::,ra-only,64'
SMB_PORT = 445
DNSMASQ_TIMEOUT = 10
STOP_TIMEOUT = 5

_serial = itertools.count()


def mac(n):
	"""The MAC address of guest `n` (0..255)."""
	return '52:54:00:55:00:%02x' % n


def stop_process(proc, name):
	"""SIGTERM the process group of `proc`, SIGKILL it if it lingers."""
	if proc.poll() is None:
		signal_group(proc.pid, signal.SIGTERM)
		try:
			proc.wait(timeout=STOP_TIMEOUT)
		except subprocess.TimeoutExpired:
			log(f'{name} ignored SIGTERM, killing it')
	signal_group(proc.pid, signal.SIGKILL)
	proc.wait()


class TestNet(SetUp):
	"""A network namespace with br0 on 10.55.0.1/24 and fd55::1/64.

	Guests boot on tap devices of the bridge (add_tap(), then
	cifsroot_qemu.start_boot(..., net=self, tap=..., mac=...)). Leaving
	the context stops dnsmasq, smbd and QEMU and deletes the namespace,
	however far the setup got.
	"""

	def __init__(self):
		self.name = f'cifsroot-{os.getpid()}-{next(_serial)}'
		self.tmp = None
		self.created = False
		self.taps = []
		self.dnsmasq = None
		self.dnsmasq_log = None
		self.servers = []
		self.boots = []

	def prefix(self):
		"""The command prefix that runs a command in the namespace."""
		return samba.netns_prefix(self.name)

	def run(self, cmd, **kwargs):
		"""Run `cmd` in the namespace (see cifsroot_common.run)."""
		return run(self.prefix() + list(cmd), **kwargs)

	def ip(self, *args):
		"""Run `ip` in the namespace."""
		run(['ip', '-n', self.name] + list(args), capture=True)

	def setup(self):
		"""Create the namespace, lo, the bridge and its addresses."""
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-net-')
		run(['ip', 'netns', 'add', self.name], capture=True)
		self.created = True
		# the bridge's link-local address, which sends RAs, at once
		self.run(['sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0',
			  'net.ipv6.conf.default.accept_dad=0'], capture=True)
		self.ip('link', 'set', 'lo', 'up')
		self.ip('link', 'add', BRIDGE, 'type', 'bridge')
		self.ip('addr', 'add', f'{HOST4}/{PREFIX4}', 'dev', BRIDGE)
		self.ip('-6', 'addr', 'add', f'{HOST6}/{PREFIX6}', 'dev',
			BRIDGE, 'nodad')
		self.ip('link', 'set', BRIDGE, 'up')
		log(f'network namespace {self.name}: {BRIDGE} {HOST4}/{PREFIX4}'
		    f' {HOST6}/{PREFIX6}')

	def add_tap(self):
		"""A new tap device (tap0, tap1, ...) on the bridge, up."""
		name = f'tap{len(self.taps)}'
		self.ip('tuntap', 'add', 'dev', name, 'mode', 'tap')
		self.taps.append(name)
		self.ip('link', 'set', name, 'master', BRIDGE, 'up')
		return name

	def dnsmasq_command(self, hosts, root_path, ra):
		"""dnsmasq's command line; all its files are in the temp dir."""
		cmd = ['dnsmasq', '--keep-in-foreground',
		       '--conf-file=/dev/null', '--no-resolv', '--no-hosts',
		       '--port=0',
		       f'--interface={BRIDGE}', '--bind-interfaces',
		       '--user=root', '--group=root', '--no-ping',
		       f'--dhcp-range={DHCP_RANGE}',
		       '--dhcp-leasefile=' + os.path.join(self.tmp, 'leases'),
		       '--pid-file=' + os.path.join(self.tmp, 'dnsmasq.pid'),
		       '--log-dhcp', f'--log-facility={self.dnsmasq_log}',
		       # siaddr, the kernel's "bootserver": this host
		       f'--dhcp-boot=,,{HOST4}']
		for hw, addr in (hosts or {}).items():
			cmd.append(f'--dhcp-host={hw},{addr}')
		if root_path:
			# dnsmasq takes the rest of a string option literally
			# from its command line, commas and quotes alike
			cmd.append('--dhcp-option=option:root-path,'
				   + root_path)
		if ra:
			cmd += ['--enable-ra', f'--dhcp-range={RA_RANGE}',
				f'--ra-param={BRIDGE},3']
		return cmd

	def start_dnsmasq(self, hosts=None, root_path=None, ra=True):
		"""Start dnsmasq on br0: DHCPv4, with `ra` RAs for fd55::/64.

		`hosts` maps a MAC address to a fixed IPv4 address; `root_path`
		is sent as DHCP option 17. Returns the path of its log.
		"""
		if self.dnsmasq is not None:
			raise HarnessError('dnsmasq already runs in '
					   + self.name)
		self.dnsmasq_log = os.path.join(self.tmp, 'dnsmasq.log')
		cmd = self.prefix() + self.dnsmasq_command(hosts, root_path, ra)
		with open(os.path.join(self.tmp, 'dnsmasq.out'), 'w') as out:
			self.dnsmasq = popen(
				cmd, stdin=subprocess.DEVNULL, stdout=out,
				stderr=subprocess.STDOUT,
				start_new_session=True)
		self.wait_dnsmasq()
		return self.dnsmasq_log

	def wait_dnsmasq(self):
		"""Wait until dnsmasq logs that DHCP is up; fail if it exits."""
		deadline = time.monotonic() + DNSMASQ_TIMEOUT
		while time.monotonic() < deadline:
			status = self.dnsmasq.poll()
			if status is not None:
				raise HarnessError(
					f'dnsmasq exited ({status}):\n'
					+ samba.tail(os.path.join(
						self.tmp, 'dnsmasq.out'))
					+ samba.tail(self.dnsmasq_log))
			if 'DHCP, IP range' in self.dnsmasq_text():
				return
			time.sleep(0.1)
		raise HarnessError('dnsmasq not ready after '
				   f'{DNSMASQ_TIMEOUT}s:\n'
				   + samba.tail(self.dnsmasq_log))

	def dnsmasq_text(self):
		"""What dnsmasq logged so far ('' before it started)."""
		if not self.dnsmasq_log:
			return ''
		try:
			with open(self.dnsmasq_log, errors='replace') as f:
				return f.read()
		except OSError:
			return ''

	def smbd(self, share_dir, **kw):
		"""A cifsroot_smbd.Smbd in the namespace on 10.55.0.1, fd55::1.

		Use it as a context manager; the TestNet stops it on exit too.
		"""
		kw.setdefault('netns', self.name)
		kw.setdefault('interfaces', (HOST4, HOST6))
		kw.setdefault('port', SMB_PORT)
		server = samba.Smbd(share_dir, **kw)
		self.servers.append(server)
		return server

	def adopt(self, boot):
		"""Kill `boot` (a cifsroot_qemu.Boot in here) on exit."""
		self.boots.append(boot)

	def close(self):
		"""Stop everything started in the namespace and delete it."""
		for boot in self.boots:
			boot.kill()
		self.boots = []
		for server in self.servers:
			server.stop()
		self.servers = []
		if self.dnsmasq is not None:
			stop_process(self.dnsmasq, 'dnsmasq')
			self.dnsmasq = None
		if self.created:
			run(['ip', 'netns', 'del', self.name], capture=True,
			    check=False)
			self.created = False
		if self.tmp:
			shutil.rmtree(self.tmp, ignore_errors=True)
			self.tmp = None

	def dhcp_offer(self, hw, timeout=10):
		"""The DHCP offer dnsmasq makes to MAC `hw`, seen on a new tap.

		Returns a dict: yiaddr, siaddr and the options as hex by number.
		"""
		tap = self.add_tap()
		res = self.run([sys.executable, os.path.abspath(__file__),
				'dhcp-offer', tap, hw, str(timeout)],
			       capture=True, timeout=timeout + 10)
		return json.loads(res.stdout)

	def exists(self):
		"""Whether the namespace is still there."""
		return os.path.exists(os.path.join('/run/netns', self.name))


# ------------------------------------------------- DHCP probe on a tap device

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
DHCP_MAGIC = b'\x63\x82\x53\x63'
DHCP_DISCOVER = 1
DHCP_OFFER = 2


def checksum(data):
	"""The Internet checksum of `data`."""
	if len(data) % 2:
		data += b'\0'
	total = sum(struct.unpack(f'!{len(data) // 2}H', data))
	while total >> 16:
		total = (total & 0xffff) + (total >> 16)
	return ~total & 0xffff


def dhcp_discover(hw, xid):
	"""An Ethernet frame with a broadcast DHCPDISCOVER from `hw`."""
	chaddr = bytes.fromhex(hw.replace(':', ''))
	options = bytes([53, 1, DHCP_DISCOVER, 55, 4, 1, 3, 17, 28, 255])
	bootp = struct.pack('!BBBBIHH4s4s4s4s16s64s128s', 1, 1, 6, 0, xid,
			    0, 0x8000, bytes(4), bytes(4), bytes(4), bytes(4),
			    chaddr, b'', b'') + DHCP_MAGIC + options
	udp = struct.pack('!HHHH', 68, 67, 8 + len(bootp), 0) + bootp
	ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64,
			 socket.IPPROTO_UDP, 0, bytes(4), b'\xff' * 4)
	ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
	return b'\xff' * 6 + chaddr + b'\x08\x00' + ip + udp


def dhcp_options(data):
	"""{number: bytes} of the DHCP options in `data`."""
	options = {}
	i = 0
	while i < len(data) and data[i] != 255:
		if data[i] == 0:
			i += 1
			continue
		code, length = data[i], data[i + 1]
		options[code] = data[i + 2:i + 2 + length]
		i += 2 + length
	return options


def parse_offer(frame, xid):
	"""The offer in an Ethernet frame as a dict, or None if it is not."""
	if frame[12:14] != b'\x08\x00' or frame[23] != socket.IPPROTO_UDP:
		return None
	ihl = (frame[14] & 0xf) * 4
	udp = frame[14 + ihl:]
	bootp = udp[8:]
	if struct.unpack('!H', udp[2:4])[0] != 68 or len(bootp) < 240 or \
	   bootp[0] != 2 or struct.unpack('!I', bootp[4:8])[0] != xid or \
	   bootp[236:240] != DHCP_MAGIC:
		return None
	options = dhcp_options(bootp[240:])
	if options.get(53) != bytes([DHCP_OFFER]):
		return None
	return {'yiaddr': socket.inet_ntoa(bootp[16:20]),
		'siaddr': socket.inet_ntoa(bootp[20:24]),
		'options': {str(k): v.hex() for k, v in options.items()}}


def open_tap(name, blocking=True):
	"""Attach to the tap device `name`: a frame per read and write."""
	flags = os.O_RDWR | (0 if blocking else os.O_NONBLOCK)
	fd = os.open('/dev/net/tun', flags)
	try:
		fcntl.ioctl(fd, TUNSETIFF, struct.pack(
			'16sH22x', name.encode(), IFF_TAP | IFF_NO_PI))
	except OSError:
		os.close(fd)
		raise
	return fd


def probe_dhcp(tap, hw, timeout):
	"""Send a DHCPDISCOVER on `tap` (run in the namespace); the offer."""
	fd = open_tap(tap)
	try:
		xid = int.from_bytes(os.urandom(4), 'big')
		deadline = time.monotonic() + timeout
		sent = 0
		while time.monotonic() < deadline:
			if time.monotonic() >= sent + 1:
				os.write(fd, dhcp_discover(hw, xid))
				sent = time.monotonic()
			ready, _, _ = select.select([fd], [], [], 0.2)
			if ready:
				offer = parse_offer(os.read(fd, 4096), xid)
				if offer:
					return offer
	finally:
		os.close(fd)
	raise HarnessError(f'no DHCP offer on {tap} in {timeout}s')


def main(argv):
	"""`dhcp-offer TAP MAC TIMEOUT`: print the offer as JSON."""
	if len(argv) != 4 or argv[0] != 'dhcp-offer':
		print('usage: cifsroot_net.py dhcp-offer TAP MAC TIMEOUT',
		      file=sys.stderr)
		return 2
	print(json.dumps(probe_dhcp(argv[1], argv[2], float(argv[3]))))
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
