#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the fault tests' pure logic: which frames the impairment
# relay drops and when it sends the others, its control lines, and the
# judging of the retry lines.

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_faults as faults  # noqa: E402
import cifsroot_impair as impair  # noqa: E402
import cifsroot_relay as relay_proc  # noqa: E402
from cifsroot_common import HarnessError  # noqa: E402
import cifsroot_qemu as qemu  # noqa: E402

TO, FROM = relay_proc.TO_GUEST, relay_proc.FROM_GUEST


def offer_many(imp, count, now=0.0, direction=TO):
	"""Offer frames 0..count-1 at `now`; which of them were queued."""
	return [i for i in range(count)
		if imp.offer(now, direction, b'%d' % i)]


class ImpairmentTest(unittest.TestCase):
	"""Drops and due times, with a seeded RNG and a clock of our own."""

	def test_no_impairment_forwards_at_once(self):
		imp = relay_proc.Impairment()
		self.assertEqual(offer_many(imp, 5), list(range(5)))
		self.assertEqual([f for _, f in imp.due(0.0)],
				 [b'0', b'1', b'2', b'3', b'4'])
		self.assertIsNone(imp.next_due())

	def test_delay(self):
		imp = relay_proc.Impairment(delay=0.02)
		imp.offer(1.0, TO, b'a')
		imp.offer(1.005, FROM, b'b')
		self.assertAlmostEqual(imp.next_due(), 1.02)
		self.assertEqual(imp.due(1.0199), [])
		self.assertEqual(imp.due(1.02), [(TO, b'a')])
		self.assertEqual(imp.due(1.03), [(FROM, b'b')])
		self.assertEqual(imp.due(2.0), [])

	def test_order_kept_at_equal_due_times(self):
		imp = relay_proc.Impairment(delay=0.01)
		offer_many(imp, 50, now=3.0)
		self.assertEqual([f for _, f in imp.due(3.01)],
				 [b'%d' % i for i in range(50)])

	def test_seeded_loss_is_reproducible(self):
		a = offer_many(relay_proc.Impairment(loss=0.05, seed=7), 2000)
		b = offer_many(relay_proc.Impairment(loss=0.05, seed=7), 2000)
		c = offer_many(relay_proc.Impairment(loss=0.05, seed=8), 2000)
		self.assertEqual(a, b)
		self.assertNotEqual(a, c)
		self.assertTrue(1850 < len(a) < 1950, len(a))

	def test_loss_counts(self):
		imp = relay_proc.Impairment(loss=0.5, seed=1)
		kept = offer_many(imp, 1000, direction=FROM)
		counts = imp.stats()[FROM]
		self.assertEqual(counts['lost'], 1000 - len(kept))
		self.assertEqual(imp.stats()[TO]['lost'], 0)
		for direction, _ in imp.due(0.0):
			imp.sent(direction)
		self.assertEqual(imp.stats()[FROM]['forwarded'], len(kept))

	def test_all_or_nothing(self):
		self.assertEqual(offer_many(relay_proc.Impairment(loss=1.0), 100), [])
		self.assertEqual(len(offer_many(relay_proc.Impairment(loss=0.0),
						100)), 100)

	def test_bounded_queue(self):
		imp = relay_proc.Impairment(delay=1.0, limit=10)
		self.assertEqual(offer_many(imp, 15), list(range(10)))
		self.assertEqual(imp.stats()[TO]['overflow'], 5)
		self.assertEqual(len(imp.due(1.0)), 10)
		self.assertTrue(imp.offer(1.0, TO, b'x'))

	def test_down_window(self):
		imp = relay_proc.Impairment(delay=0.1)
		imp.offer(0.0, TO, b'queued before')
		imp.link_down(0.05, 10)
		self.assertTrue(imp.is_down(0.05))
		self.assertFalse(imp.offer(1.0, FROM, b'during'))
		self.assertEqual(imp.due(0.1), [])
		self.assertEqual(imp.stats()[TO]['down'], 1)
		self.assertEqual(imp.stats()[FROM]['down'], 1)
		self.assertFalse(imp.came_up(10.0))
		self.assertTrue(imp.came_up(10.05))
		self.assertFalse(imp.came_up(10.1))
		self.assertTrue(imp.offer(10.1, TO, b'after'))
		self.assertEqual(imp.due(10.2), [(TO, b'after')])

	def test_link_up_ends_the_window(self):
		imp = relay_proc.Impairment()
		imp.link_down(0.0, 100)
		imp.link_up()
		self.assertFalse(imp.is_down(1.0))
		self.assertTrue(imp.offer(1.0, TO, b'x'))

	def test_down_keeps_the_rng_in_step(self):
		"""Frames dropped while down draw no random number."""
		a = relay_proc.Impairment(loss=0.3, seed=3)
		b = relay_proc.Impairment(loss=0.3, seed=3)
		b.link_down(0.0, 1.0)
		offer_many(b, 20, now=0.5)
		self.assertEqual(offer_many(a, 100, now=2.0),
				 offer_many(b, 100, now=2.0))

	def test_bad_parameters(self):
		for kw in ({'loss': 1.5}, {'loss': -0.1}, {'delay': -1},
			   {'limit': 0}):
			with self.assertRaises(ValueError):
				relay_proc.Impairment(**kw)


def tcp_frame(sport, dport, v6=False):
	"""A minimal Ethernet frame carrying a TCP header."""
	tcp = sport.to_bytes(2, 'big') + dport.to_bytes(2, 'big') + bytes(16)
	if v6:
		ip = bytes([0x60, 0, 0, 0, 0, 20, 6, 64]) + bytes(32)
		return bytes(12) + b'\x86\xdd' + ip + tcp
	ip = bytes([0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6]) + bytes(10)
	return bytes(12) + b'\x08\x00' + ip + tcp


class SmbFrameTest(unittest.TestCase):
	def test_smb_both_ways_and_families(self):
		self.assertTrue(relay_proc.is_smb(tcp_frame(40000, 445)))
		self.assertTrue(relay_proc.is_smb(tcp_frame(445, 40000)))
		self.assertTrue(relay_proc.is_smb(tcp_frame(40000, 445, v6=True)))

	def test_other_traffic(self):
		self.assertFalse(relay_proc.is_smb(tcp_frame(40000, 22)))
		arp = bytes(12) + b'\x08\x06' + bytes(28)
		self.assertFalse(relay_proc.is_smb(arp))
		udp = bytearray(tcp_frame(67, 68))
		udp[23] = 17
		self.assertFalse(relay_proc.is_smb(bytes(udp)))
		self.assertFalse(relay_proc.is_smb(b'short'))

	def test_only_smb_losses_counted_as_such(self):
		imp = relay_proc.Impairment(loss=1.0, seed=1)
		imp.offer(0.0, TO, tcp_frame(40000, 445))
		imp.offer(0.0, TO, tcp_frame(68, 67))
		self.assertEqual(imp.counts[TO]['lost'], 2)
		self.assertEqual(imp.counts[TO]['smb_lost'], 1)


class CommandTest(unittest.TestCase):
	"""The relay's control lines."""

	def test_good(self):
		self.assertEqual(relay_proc.parse_command('down 10'), ('down', 10.0))
		self.assertEqual(relay_proc.parse_command(' down 0.5\n'),
				 ('down', 0.5))
		self.assertEqual(relay_proc.parse_command('up'), ('up', None))
		self.assertEqual(relay_proc.parse_command('stats'), ('stats', None))

	def test_bad(self):
		for line in ('', 'down', 'down -1', 'down x', 'up 3', 'reboot'):
			with self.assertRaises(ValueError):
				relay_proc.parse_command(line)

	def test_arguments(self):
		args = relay_proc.relay_arguments('tap0', 1, 2, 0.05, 20, 5)
		self.assertEqual(args, ['--tap', 'tap0', '--port', '1',
					'--qemu-port', '2', '--loss', '0.05',
					'--delay-ms', '20', '--seed', '5'])


class JudgeTest(unittest.TestCase):
	"""Retry lines and their bursts."""

	CONSOLE = ('[    2.58] VFS: //10.55.0.1/root: error -103, '
		   'retrying in 100 ms\n'
		   '[    2.60] CIFS: VFS: cifs_mount failed w/return code = -103\n'
		   '[    2.69] VFS: //10.55.0.1/root: error -103, '
		   'retrying in 200 ms\n'
		   '[   17.46] Kernel panic - not syncing: VFS: Unable to mount\n')

	def test_retry_times(self):
		self.assertEqual(faults.retry_times(self.CONSOLE), [2.58, 2.69])

	def test_worst_burst(self):
		self.assertEqual(faults.worst_burst([], 5), 0)
		self.assertEqual(faults.worst_burst([0, 1, 4.9, 5, 9], 5), 3)
		self.assertEqual(faults.worst_burst([0.1 * i for i in range(30)],
						    5), 30)

	def test_line_time(self):
		lines = [(1.0, 'a'), (2.0, 'fault: chunk 1'), (3.0, 'fault: chunk 2')]
		self.assertEqual(faults.line_time(lines, 'chunk'), 2.0)
		self.assertEqual(faults.line_time(lines, 'chunk', after=2.5), 3.0)
		self.assertIsNone(faults.line_time(lines, 'nothing'))
		self.assertEqual(faults.chunk_times(lines), [2.0, 3.0])


class DropperTest(unittest.TestCase):
	"""The dropping server's view of a connection's first bytes."""

	def test_classify(self):
		self.assertEqual(relay_proc.classify_request(b''), relay_proc.NOTHING)
		self.assertEqual(relay_proc.classify_request(
			b'\x00\x00\x00\x54\xffSMBr'), relay_proc.SMB1)
		self.assertEqual(relay_proc.classify_request(
			b'\x00\x00\x00\xe8\xfeSMB'), relay_proc.SMB2)
		self.assertEqual(relay_proc.classify_request(b'GET / HTTP/1.0'),
				 relay_proc.OTHER)
		self.assertEqual(relay_proc.classify_request(b'\x00\x00'),
				 relay_proc.OTHER)


class RestartJudgeTest(unittest.TestCase):
	"""The judging of the ops of the soft/SMB 3.1.1 restart test."""

	LINES = [
		(10.0, 'op soft-down: begin'), (10.1, 'op v3-down-open: begin'),
		(10.1, 'op v3-down-stat: begin'),
		(10.1, 'op v3-down-rename: begin'),
		(20.2, 'op soft-down: end rc=1 err=sh: can\'t create x: Host is down'),
		(20.3, 'op v3-down-open: end rc=1 err=cat: Host is down'),
		(20.3, 'op v3-down-stat: end rc=1 err=stat: Host is down'),
		(20.3, 'op v3-down-rename: end rc=1 err=mv: Host is down'),
		(27.0, 'op hard-drop: begin'),
		(27.0, 'op soft-drop: begin'),
		(28.0, 'op soft-drop: end rc=1 err=Host is down'),
		(36.0, 'op hard-umount: begin'),
		(36.1, 'op hard-umount: end rc=1 err=umount: busy'),
		(37.0, 'op hard-drop: end rc=1 err=Host is down'),
	] + [(71.0 + i, f'op {n}: begin') for i, n in enumerate(
		('v3-after-open', 'v3-after-stat', 'v3-after-rename',
		 'soft-after', 'root-after'))] + [
		(77.0 + i, f'op {n}: end rc=0') for i, n in enumerate(
		('v3-after-open', 'v3-after-stat', 'v3-after-rename',
		 'soft-after', 'root-after'))]

	def judge(self, lines):
		return faults.judge_restart(faults.op_lines(lines), 7.0,
					    (26.0, 60.0))

	def test_good(self):
		self.assertEqual(self.judge(self.LINES), [])

	def test_eagain(self):
		lines = self.LINES + [(78.0, 'op v3-after-stat: end rc=1 err='
				       'stat: Resource temporarily unavailable')]
		errors = self.judge(lines)
		self.assertTrue(any('v3-after-stat: EAGAIN' in e for e in errors))

	def test_soft_blocks(self):
		lines = [(t, l) for t, l in self.LINES
			 if not l.startswith('op soft-drop: end')]
		lines.append((66.0, 'op soft-drop: end rc=0'))
		errors = self.judge(lines)
		self.assertIn('soft-drop: succeeded without a server', errors)
		self.assertIn('soft-drop: ended after the server was back',
			      errors)

	def test_umount_does_not_end_hard(self):
		lines = [(t, l) for t, l in self.LINES
			 if not l.startswith('op hard-drop: end')]
		lines.append((66.0, 'op hard-drop: end rc=0'))
		errors = self.judge(lines)
		self.assertTrue(any('after umount -f' in e for e in errors))

	def test_hard_fails_on_its_own(self):
		lines = [(t, l) for t, l in self.LINES
			 if not l.startswith('op hard-drop: end')]
		lines.append((30.0, 'op hard-drop: end rc=1 err=Host is down'))
		errors = self.judge(lines)
		self.assertIn('hard-drop: a hard mount failed before umount -f: '
			      'Host is down', errors)

	def test_after_fails(self):
		lines = self.LINES + [(80.0, 'op root-after: end rc=1 err=Host '
				       'is down')]
		errors = self.judge(lines)
		self.assertIn('root-after: failed after the restart: Host is down',
			      errors)


class NetdevTest(unittest.TestCase):
	"""QEMU's network from a -netdev value."""

	def test_id_put_in(self):
		self.assertEqual(qemu.qemu_net_args(netdev='socket,udp=a:1'),
				 ['-netdev', 'socket,id=n0,udp=a:1',
				  '-device', 'e1000,netdev=n0'])
		self.assertEqual(qemu.qemu_netdev('user'), 'user,id=n0')

	def test_nic(self):
		self.assertEqual(qemu.qemu_net_args(nic='virtio-net-pci')[2:],
				 ['-device', 'virtio-net-pci,netdev=n0'])
		with self.assertRaises(HarnessError):
			qemu.qemu_net_args(nic='rtl8139')

	def test_not_with_a_tap(self):
		with self.assertRaises(HarnessError):
			qemu.qemu_net_args(tap='tap0', netdev='user')

	def test_tap_and_user_unchanged(self):
		self.assertEqual(qemu.qemu_net_args()[:2], ['-netdev', 'user,id=n0'])
		self.assertIn('tap,id=n0,ifname=tap0,script=no,downscript=no',
			      qemu.qemu_net_args(tap='tap0'))

	def test_relay_netdev(self):
		relay = impair.Relay.__new__(impair.Relay)
		relay.port, relay.qemu_port = 40001, 40002
		self.assertEqual(relay.netdev(), 'socket,udp=127.0.0.1:40001,'
				 'localaddr=127.0.0.1:40002')


class RelayProcessTest(unittest.TestCase):
	"""The relay process starts in a TestNet, obeys and reports counts.

	It needs root, ip netns and /dev/net/tun.
	"""

	def test_down_up_and_counts(self):
		import cifsroot_net as net
		with net.TestNet() as tnet:
			relay = impair.Relay(tnet, loss=0.5, seed=2)
			down = relay.down(0.3)
			up = relay.wait_up(5)
			self.assertGreaterEqual(up - down, 0.3)
			self.assertIn(TO, relay.command('stats', 'stats'))
			final = relay.stop()
			pid = relay.proc.pid
		self.assertTrue(final['final'])
		self.assertEqual(final[FROM]['forwarded'], 0)
		self.assertFalse(tnet.exists())
		with self.assertRaises(ProcessLookupError):
			os.kill(pid, 0)


if __name__ == '__main__':
	unittest.main()
