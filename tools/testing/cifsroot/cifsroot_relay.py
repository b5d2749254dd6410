#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The processes that stand in for a network and a server in the fault
# tests, run in a test's network namespace as
#   cifsroot_relay.py relay --tap TAP --port PORT --qemu-port PORT ...
#   cifsroot_relay.py dropper ADDRESS PORT
# The host has no netem, so the relay stands in for it: QEMU's network is
# a UDP socket on the namespace's loopback, and the relay forwards its
# frames to and from a tap device of the bridge, dropping and delaying
# them. The dropper takes TCP connections and closes each at its first
# bytes, as a server that drops every negotiate. Both print JSON lines.

import argparse
import heapq
import itertools
import json
import os
import random
import select
import signal
import socket
import sys
import threading
import time

import cifsroot_net as net


# The relay's UDP port and QEMU's, on the loopback of a test's namespace
RELAY_PORT = 40001


QEMU_PORT = 40002


# Frames waiting for their due time, per relay; more are dropped
QUEUE_LIMIT = 4096


TO_GUEST = 'to_guest'


FROM_GUEST = 'from_guest'


DIRECTIONS = (TO_GUEST, FROM_GUEST)


# What becomes of a frame: sent on, or why it was dropped
OUTCOMES = ('forwarded', 'lost', 'down', 'overflow', 'errors', 'smb_lost')


SMB_PORT = 445


def is_smb(frame, port=SMB_PORT):
	"""Whether an Ethernet frame is TCP to or from `port` (IPv4 or IPv6)."""
	if len(frame) < 14:
		return False
	ethertype = int.from_bytes(frame[12:14], 'big')
	if ethertype == 0x0800 and len(frame) >= 34:
		ihl = (frame[14] & 0x0f) * 4
		if frame[23] != 6 or len(frame) < 14 + ihl + 4:
			return False
		tcp = 14 + ihl
	elif ethertype == 0x86dd and len(frame) >= 58:
		if frame[20] != 6:
			return False
		tcp = 54
	else:
		return False
	ports = (int.from_bytes(frame[tcp:tcp + 2], 'big'),
		 int.from_bytes(frame[tcp + 2:tcp + 4], 'big'))
	return port in ports


class Impairment:
	"""Which frames a relay drops and when it sends on the others.

	Each frame offered while the link is up is lost with probability
	`loss` (a seeded RNG: the same seed and frames give the same drops),
	else sent `delay` seconds later, in order. Frames are dropped while
	the link is down, also those queued before that are due during it.
	Times are seconds on any clock the caller passes in.
	"""

	def __init__(self, loss=0.0, delay=0.0, seed=0, limit=QUEUE_LIMIT):
		if not 0 <= loss <= 1 or delay < 0 or limit < 1:
			raise ValueError('loss is 0..1, delay >= 0, limit >= 1')
		self.loss = loss
		self.delay = delay
		self.limit = limit
		self.rng = random.Random(seed)
		self.queue = []
		self.serial = itertools.count()
		self.down_until = None
		self.counts = {d: dict.fromkeys(OUTCOMES, 0) for d in DIRECTIONS}

	def link_down(self, now, seconds):
		"""Drop every frame from `now` for `seconds`."""
		self.down_until = now + seconds

	def link_up(self):
		"""End a down window at once."""
		self.down_until = None

	def is_down(self, now):
		"""Whether the link is down at `now`."""
		return self.down_until is not None and now < self.down_until

	def came_up(self, now):
		"""True once, when a down window has ended by `now`."""
		if self.down_until is not None and now >= self.down_until:
			self.down_until = None
			return True
		return False

	def offer(self, now, direction, frame):
		"""Queue `frame` for its due time or drop it; True if queued."""
		counts = self.counts[direction]
		if self.is_down(now):
			counts['down'] += 1
			return False
		if self.rng.random() < self.loss:
			counts['lost'] += 1
			if is_smb(frame):
				counts['smb_lost'] += 1
			return False
		if len(self.queue) >= self.limit:
			counts['overflow'] += 1
			return False
		heapq.heappush(self.queue, (now + self.delay, next(self.serial),
					    direction, frame))
		return True

	def next_due(self):
		"""When the first queued frame is due, or None."""
		return self.queue[0][0] if self.queue else None

	def due(self, now):
		"""Take the frames due by `now`: [(direction, frame)], in order.

		Those that fall due while the link is down are dropped.
		"""
		out = []
		while self.queue and self.queue[0][0] <= now:
			_, _, direction, frame = heapq.heappop(self.queue)
			if self.is_down(now):
				self.counts[direction]['down'] += 1
			else:
				out.append((direction, frame))
		return out

	def sent(self, direction, ok=True):
		"""Count a frame handed on, or one its socket or tap refused."""
		self.counts[direction]['forwarded' if ok else 'errors'] += 1

	def stats(self):
		"""The counts of each direction, as a dict to print."""
		return {d: dict(c) for d, c in self.counts.items()}


def parse_command(line):
	"""A control line ("down 10", "up", "stats") as (name, seconds)."""
	words = line.split()
	if len(words) == 2 and words[0] == 'down':
		try:
			seconds = float(words[1])
		except ValueError:
			seconds = -1
		if seconds >= 0:
			return 'down', seconds
	elif len(words) == 1 and words[0] in ('up', 'stats'):
		return words[0], None
	raise ValueError(f'bad relay command: {line!r}')


def relay_arguments(tap, port, qemu_port, loss, delay_ms, seed):
	"""The relay's command-line arguments after `relay`."""
	return ['--tap', tap, '--port', str(port), '--qemu-port',
		str(qemu_port), '--loss', str(loss), '--delay-ms',
		str(delay_ms), '--seed', str(seed)]


def open_tap(name):
	"""Attach to the tap device `name`, without blocking."""
	return net.open_tap(name, blocking=False)


def emit(event, **fields):
	"""Print one JSON line for the harness, stamped on the monotonic clock."""
	print(json.dumps(dict(event=event, at=time.monotonic(), **fields)),
	      flush=True)


class RelayLoop:
	"""The relay's select loop: tap <-> UDP socket, through Impairment."""

	BATCH = 64

	def __init__(self, args):
		self.imp = Impairment(args.loss, args.delay_ms / 1000, args.seed)
		self.tap = open_tap(args.tap)
		self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF,
				     4 << 20)
		self.sock.bind(('127.0.0.1', args.port))
		self.sock.setblocking(False)
		self.qemu = ('127.0.0.1', args.qemu_port)
		self.control = b''
		self.done = False

	def read_tap(self, now):
		"""Offer the frames waiting on the tap (bound to the guest)."""
		for _ in range(self.BATCH):
			try:
				frame = os.read(self.tap, 65536)
			except BlockingIOError:
				return
			self.imp.offer(now, TO_GUEST, frame)

	def read_sock(self, now):
		"""Offer the frames QEMU sent (from the guest)."""
		for _ in range(self.BATCH):
			try:
				frame = self.sock.recv(65536)
			except (BlockingIOError, ConnectionRefusedError):
				return
			self.imp.offer(now, FROM_GUEST, frame)

	def send(self, now):
		"""Hand on the frames that are due."""
		for direction, frame in self.imp.due(now):
			try:
				if direction == TO_GUEST:
					self.sock.sendto(frame, self.qemu)
				else:
					os.write(self.tap, frame)
				self.imp.sent(direction)
			except OSError:
				self.imp.sent(direction, ok=False)

	def read_control(self, now):
		"""Obey the control lines on stdin; end at its end."""
		data = os.read(0, 4096)
		if not data:
			self.done = True
			return
		self.control += data
		while b'\n' in self.control:
			line, self.control = self.control.split(b'\n', 1)
			self.obey(now, line.decode(errors='replace'))

	def obey(self, now, line):
		"""Carry out one control line and acknowledge it."""
		try:
			name, seconds = parse_command(line)
		except ValueError as e:
			emit('error', message=str(e))
			return
		if name == 'down':
			self.imp.link_down(now, seconds)
			emit('down', seconds=seconds)
		elif name == 'up':
			self.imp.link_up()
			emit('up')
		else:
			emit('stats', **self.imp.stats())

	def timeout(self, now):
		"""How long select may sleep: until a frame or the link is due."""
		times = [t for t in (self.imp.next_due(), self.imp.down_until)
			 if t is not None]
		return max(0, min(times) - now) if times else 1.0

	def run(self):
		"""Forward until stdin ends or SIGTERM comes."""
		emit('ready', port=self.sock.getsockname()[1])
		while not self.done:
			now = time.monotonic()
			ready, _, _ = select.select([self.tap, self.sock, 0], [],
						    [], self.timeout(now))
			now = time.monotonic()
			if self.tap in ready:
				self.read_tap(now)
			if self.sock in ready:
				self.read_sock(now)
			if 0 in ready:
				self.read_control(now)
			self.send(now)
			if self.imp.came_up(now):
				emit('up')


def terminate(signum, frame):
	"""SIGTERM: leave the loop through SystemExit, printing the counts."""
	raise SystemExit(0)


def relay_main(argv):
	"""`relay --tap T --port P --qemu-port Q [--loss p] [--delay-ms d]`."""
	parser = argparse.ArgumentParser(prog='cifsroot_relay.py relay')
	parser.add_argument('--tap', required=True)
	parser.add_argument('--port', type=int, required=True)
	parser.add_argument('--qemu-port', type=int, required=True)
	parser.add_argument('--loss', type=float, default=0.0)
	parser.add_argument('--delay-ms', type=float, default=0.0)
	parser.add_argument('--seed', type=int, default=0)
	args = parser.parse_args(argv)
	signal.signal(signal.SIGTERM, terminate)
	loop = RelayLoop(args)
	try:
		loop.run()
	finally:
		emit('stats', final=True, **loop.imp.stats())
	return 0


# What a dropper connection carried first: an SMB1 or SMB2+ request (the
# negotiate), something else, or nothing before it ended.
SMB1, SMB2, OTHER, NOTHING = 'smb1', 'smb2', 'other', 'nothing'


def classify_request(data):
	"""What the first bytes of a connection are: SMB1, SMB2 or other.

	SMB over TCP prefixes each message with 4 bytes of length, then the
	protocol id: 0xff "SMB" for SMB1, 0xfe "SMB" for SMB 2 and 3.
	"""
	if not data:
		return NOTHING
	if data[4:8] == b'\xffSMB':
		return SMB1
	if data[4:8] == b'\xfeSMB':
		return SMB2
	return OTHER


def read_head(conn, size=8):
	"""Up to `size` first bytes of a connection (fewer if it ends)."""
	data = b''
	try:
		while len(data) < size:
			more = conn.recv(size - len(data))
			if not more:
				break
			data += more
	except OSError:
		pass
	return data


def dropper_main(argv):
	"""`dropper ADDRESS PORT`: accept, read the first request, close.

	A server that takes TCP connections and drops the negotiate: each
	connection is held until its first bytes come, then closed. Prints a
	JSON line per connection ("drop", with its kind) until SIGTERM.
	"""
	address, port = argv[0], int(argv[1])
	signal.signal(signal.SIGTERM, terminate)
	listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
	listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	listener.bind((address, port))
	listener.listen(64)
	lock = threading.Lock()

	def serve(conn):
		with conn:
			kind = classify_request(read_head(conn))
		with lock:
			emit('drop', kind=kind)

	with lock:
		emit('ready', port=port)
	try:
		while True:
			conn, _ = listener.accept()
			threading.Thread(target=serve, args=(conn,),
					 daemon=True).start()
	finally:
		listener.close()


def main(argv):
	"""`relay ...`: run an impairment relay (see relay_main);
	`dropper ...`: a server that drops every negotiate (dropper_main)."""
	if argv and argv[0] == 'dropper' and len(argv) == 3:
		return dropper_main(argv[1:])
	if not argv or argv[0] != 'relay':
		print('usage: cifsroot_relay.py relay --tap TAP --port PORT '
		      '--qemu-port PORT [--loss P] [--delay-ms MS] [--seed N]\n'
		      '       cifsroot_relay.py dropper ADDRESS PORT',
		      file=sys.stderr)
		return 2
	return relay_main(argv[1:])


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
