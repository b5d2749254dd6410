#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The harness's side of the impairment relay and the dropping server of
# cifsroot_relay.py: Relay and Dropper start the script in a test
# network's namespace, read its JSON lines and stop it.

import json
import os
import subprocess
import sys
import threading
import time

import cifsroot_net as net
import cifsroot_relay as relay_proc
import cifsroot_smbd as samba
from cifsroot_common import HarnessError, log

RELAY_START_TIMEOUT = 10


RELAY_STOP_TIMEOUT = 5




DROPPER_START_TIMEOUT = 10


class Dropper:
	"""A dropping server on `address`:`port` in `tnet`'s namespace.

	stop() ends it; the TestNet kills it on exit too.
	"""

	def __init__(self, tnet, address, port):
		self.events = []
		self.err_path = os.path.join(tnet.tmp, 'dropper.err')
		cmd = tnet.prefix() + [sys.executable, os.path.abspath(relay_proc.__file__),
				       'dropper', address, str(port)]
		with open(self.err_path, 'w') as err:
			self.proc = subprocess.Popen(
				cmd, stdin=subprocess.DEVNULL,
				stdout=subprocess.PIPE, stderr=err, text=True,
				start_new_session=True)
		tnet.adopt(self)
		self.reader = threading.Thread(target=self.read_events,
					       daemon=True)
		self.reader.start()
		deadline = time.monotonic() + DROPPER_START_TIMEOUT
		while not any(e.get('event') == 'ready' for e in self.events):
			if self.proc.poll() is not None or \
			   time.monotonic() > deadline:
				self.kill()
				raise HarnessError('dropper did not start:\n'
						   + samba.tail(self.err_path))
			time.sleep(0.02)
		self.started = time.monotonic()
		log(f'dropper on {address}:{port}')

	def read_events(self):
		"""Thread: collect the dropper's JSON lines."""
		for line in self.proc.stdout:
			try:
				self.events.append(json.loads(line))
			except ValueError:
				pass

	def drops(self, kind):
		"""The times of the connections of `kind` it dropped so far."""
		return [e['at'] for e in list(self.events)
			if e.get('event') == 'drop' and e.get('kind') == kind]

	def stop(self):
		"""End the dropper (its connections close); when it ended."""
		self.kill()
		return time.monotonic()

	def kill(self):
		"""Kill the dropper if it still runs (safe to call twice)."""
		net.stop_process(self.proc, 'dropper')
		self.reader.join(RELAY_STOP_TIMEOUT)


class Relay:
	"""An impairment relay on a new tap of `tnet`, for one QEMU.

	Boot QEMU with netdev=relay.netdev(). down(seconds) takes the link
	down; stop() ends the relay and returns its final counts. The TestNet
	kills it on exit too.
	"""

	def __init__(self, tnet, loss=0.0, delay_ms=0, seed=1,
		     port=relay_proc.RELAY_PORT, qemu_port=relay_proc.QEMU_PORT):
		self.tnet = tnet
		self.port = port
		self.qemu_port = qemu_port
		self.events = []
		self.tap = tnet.add_tap()
		self.err_path = os.path.join(tnet.tmp, f'relay-{self.tap}.err')
		cmd = tnet.prefix() + [sys.executable,
				       os.path.abspath(relay_proc.__file__), 'relay'] + \
			relay_proc.relay_arguments(self.tap, port, qemu_port, loss,
					delay_ms, seed)
		with open(self.err_path, 'w') as err:
			self.proc = subprocess.Popen(
				cmd, stdin=subprocess.PIPE,
				stdout=subprocess.PIPE, stderr=err, text=True,
				start_new_session=True)
		tnet.adopt(self)
		self.reader = threading.Thread(target=self.read_events,
					       daemon=True)
		self.reader.start()
		self.wait_event('ready', RELAY_START_TIMEOUT)
		log(f'relay on {self.tap}: loss {loss}, delay {delay_ms} ms, '
		    f'seed {seed}')

	def netdev(self):
		"""QEMU's -netdev value: a UDP socket to the relay."""
		return (f'socket,udp=127.0.0.1:{self.port},'
			f'localaddr=127.0.0.1:{self.qemu_port}')

	def read_events(self):
		"""Thread: collect the relay's JSON lines."""
		for line in self.proc.stdout:
			try:
				self.events.append(json.loads(line))
			except ValueError:
				self.events.append({'event': 'garbage',
						    'line': line})

	def wait_event(self, name, timeout, after=0):
		"""The first `name` event after index `after`, waiting for it."""
		deadline = time.monotonic() + timeout
		while True:
			for event in self.events[after:]:
				if event.get('event') == name:
					return event
			if self.proc.poll() is not None and \
			   not self.reader.is_alive():
				break
			if time.monotonic() > deadline:
				break
			time.sleep(0.02)
		raise HarnessError(f'relay: no "{name}" event in {timeout}s; '
				   f'exit {self.proc.poll()}:\n'
				   + samba.tail(self.err_path))

	def command(self, line, reply, timeout=5):
		"""Send a control line; the event that acknowledges it."""
		after = len(self.events)
		self.proc.stdin.write(line + '\n')
		self.proc.stdin.flush()
		return self.wait_event(reply, timeout, after)

	def down(self, seconds):
		"""Take the link down for `seconds`; when it went down."""
		return self.command(f'down {seconds}', 'down')['at']

	def wait_up(self, timeout):
		"""When the link came back up after the last down()."""
		downs = [i for i, e in enumerate(self.events)
			 if e.get('event') == 'down']
		return self.wait_event('up', timeout, downs[-1] if downs
				       else 0)['at']

	def stop(self):
		"""End the relay; its final counts (dict per direction)."""
		if self.proc.poll() is None:
			try:
				self.proc.stdin.close()
			except OSError:
				pass
			try:
				self.proc.wait(timeout=RELAY_STOP_TIMEOUT)
			except subprocess.TimeoutExpired:
				pass
		self.kill()
		finals = [e for e in self.events if e.get('final')]
		if not finals:
			raise HarnessError('relay gave no final counts:\n'
					   + samba.tail(self.err_path))
		return finals[-1]

	def kill(self):
		"""Kill the relay if it still runs (safe to call twice)."""
		net.stop_process(self.proc, 'relay')
		self.reader.join(RELAY_STOP_TIMEOUT)


def relay_summary(stats):
	"""The counts of a relay's final stats in a few words."""
	parts = []
	for direction in relay_proc.DIRECTIONS:
		c = stats[direction]
		parts.append(f'{direction.replace("_", " ")} '
			     f'{c["forwarded"]} sent, {c["lost"]} lost '
			     f'({c.get("smb_lost", 0)} SMB), '
			     f'{c["down"]} down, {c["overflow"]} overflow, '
			     f'{c["errors"]} errors')
	return '; '.join(parts)
