#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The wire: raw TCP throughput between the guest and the host over the
# emulated NIC, the ceiling of any network root on it. guest/wire.c runs
# in the guest (built here, statically) against two ends on the host, on
# 127.0.0.1 (QEMU user networking reaches them at 10.0.2.2): a sink that
# reads what the guest sends and a source that writes what it reads. The
# bench (cifsroot_bench.py) boots its kernel once per NIC with
# /etc/cifsroot/run doing `rounds` transfers each way.

import os
import re
import shutil
import socket
import threading

import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
from cifsroot_common import HarnessError, log, out_dir, run
from cifsroot_rootfs import write_file

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, 'guest', 'wire.c')
GUEST_PATH = '/bin/wire'
HOST = '10.0.2.2'
CHUNK = 256 * 1024
ACCEPT_TIMEOUT = 0.5

# "wire: send 67108864 bytes in 1.234567 s"
RESULT = re.compile(r'^wire: (send|recv) (\d+) bytes in ([0-9.]+) s$')


def build():
	"""Compile wire statically for the guest; returns its path."""
	dest = os.path.join(out_dir('bench'), 'wire')
	run(['gcc', '-static', '-O2', '-Wall', '-Wextra', '-Werror',
	     '-o', dest, SOURCE], capture=True)
	return dest


def run_script(sink_port, source_port, mib, rounds):
	"""/etc/cifsroot/run of a wire boot: `rounds` sends, then as many
	receives, of `mib` MiB each."""
	return ('#!/bin/sh\n'
		'# written by cifsroot_wire.py: raw TCP to the host\n'
		f'i=0\nwhile [ $i -lt {rounds} ]; do\n'
		f'\t{GUEST_PATH} send {HOST} {sink_port} {mib} || exit 1\n'
		f'\ti=$((i + 1))\ndone\n'
		f'i=0\nwhile [ $i -lt {rounds} ]; do\n'
		f'\t{GUEST_PATH} recv {HOST} {source_port} {mib} || exit 1\n'
		f'\ti=$((i + 1))\ndone\n')


def prepare(share, binary, sink_port, source_port, mib, rounds):
	"""Put wire and its run script into the root `share`."""
	dest = os.path.join(share, GUEST_PATH.lstrip('/'))
	shutil.copyfile(binary, dest)
	os.chmod(dest, 0o755)
	script = os.path.join(share, 'etc', 'cifsroot', 'run')
	write_file(script, run_script(sink_port, source_port, mib, rounds))
	os.chmod(script, 0o755)


def results(console):
	"""{'send': [MiB/s, ...], 'recv': [...]} of the lines wire printed,
	in order."""
	found = {'send': [], 'recv': []}
	for line in console.splitlines():
		m = RESULT.match(line.strip())
		if m and float(m.group(3)) > 0:
			found[m.group(1)].append(
				int(m.group(2)) / 1048576 / float(m.group(3)))
	return found


class Ends:
	"""The host's sink and source on 127.0.0.1, free ports, each serving
	its connections one at a time in a thread. The sink reads `total`
	bytes and closes; the source writes `total` bytes of zeros and closes.
	`received` and `sent` count the bytes of each connection."""

	def __init__(self, total):
		self.total = total
		self.received = []
		self.sent = []
		self.stopping = threading.Event()
		self.socks = []
		self.threads = []
		self.sink_port = self.source_port = None

	def __enter__(self):
		for serve in (self.sink, self.source):
			sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
			sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
			sock.bind(('127.0.0.1', 0))
			sock.listen(1)
			sock.settimeout(ACCEPT_TIMEOUT)
			self.socks.append(sock)
			thread = threading.Thread(target=self.serve,
						  args=(sock, serve), daemon=True)
			self.threads.append(thread)
		self.sink_port = self.socks[0].getsockname()[1]
		self.source_port = self.socks[1].getsockname()[1]
		for thread in self.threads:
			thread.start()
		return self

	def __exit__(self, *exc):
		self.stopping.set()
		for thread in self.threads:
			thread.join()
		for sock in self.socks:
			sock.close()
		return False

	def serve(self, sock, handle):
		while not self.stopping.is_set():
			try:
				conn, _ = sock.accept()
			except socket.timeout:
				continue
			with conn:
				conn.settimeout(None)
				try:
					handle(conn)
				except OSError:
					pass

	def sink(self, conn):
		got = 0
		while got < self.total:
			data = conn.recv(min(CHUNK, self.total - got))
			if not data:
				break
			got += len(data)
		self.received.append(got)

	def source(self, conn):
		zeros = bytes(CHUNK)
		sent = 0
		while sent < self.total:
			sent += conn.send(zeros[:min(CHUNK, self.total - sent)])
		conn.shutdown(socket.SHUT_WR)
		self.sent.append(sent)

	def check(self, rounds):
		"""Raise unless `rounds` transfers went whole each way."""
		want = [self.total] * rounds
		if self.received != want or self.sent != want:
			raise HarnessError(
				f'wire: the host received {self.received} and '
				f'sent {self.sent} bytes, not {rounds} x '
				f'{self.total}')


# ------------------------------------------------------------ the boots

BOOT_TIMEOUT = 600


def wire_boot(image, binary, nic, rounds, mib, log_path):
	"""One boot of `image` on `nic` from a busybox root (the harness's
	protocol; idle while wire runs): {'send': [MiB/s], 'recv': [...]}."""
	share = rootfs.make_rootfs(os.path.join(out_dir('bench'),
					       'share-wire'))
	with Ends(mib << 20) as ends:
		prepare(share, binary, ends.sink_port, ends.source_port, mib,
			rounds)
		with samba.Smbd(share) as smbd:
			res = qemu.boot(image, qemu.cmdline(smbd), log_path,
					 timeout=BOOT_TIMEOUT, nic=nic)
	found = results(res.console)
	if len(found['send']) != rounds or len(found['recv']) != rounds:
		raise HarnessError(f'wire on {nic}: {found} after '
				   + qemu.explain_failure(res))
	ends.check(rounds)
	return found


def measure(image, rounds, mib, logs):
	"""Raw TCP each way on every NIC of qemu.NICS, `rounds` transfers of
	`mib` MiB each: {nic: {'send': [MiB/s], 'recv': [...]}}."""
	binary = build()
	found = {}
	for nic in qemu.NICS:
		found[nic] = wire_boot(image, binary, nic, rounds, mib,
				       os.path.join(logs, f'wire-{nic}.log'))
		log(f'wire on {nic}: send ' + ', '.join(
			f'{v:.1f}' for v in found[nic]['send']) + ' MiB/s; recv '
		    + ', '.join(f'{v:.1f}' for v in found[nic]['recv']))
	return found
