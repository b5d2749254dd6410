#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the private test network: the namespace comes and goes, dnsmasq
# offers addresses with the root path and boot server, smbd answers on
# 10.55.0.1 and fd55::1. They need root, ip netns and /dev/net/tun.

import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_qemu as qemu  # noqa: E402
from cifsroot_guest_test import RootfsFixture  # noqa: E402
import cifsroot_net as net  # noqa: E402

ROOT_PATH = '//10.55.0.1/root,username=root,password=pw'


class Boom(Exception):
	pass


def process_gone(pid):
	"""Whether no process has `pid` any more."""
	try:
		os.kill(pid, 0)
	except ProcessLookupError:
		return True
	return False


class TestNetTest(unittest.TestCase):
	"""The namespace and its bridge come up and go away."""

	def test_up_and_gone(self):
		with net.TestNet() as tn:
			self.assertTrue(tn.exists())
			out = tn.run(['ip', 'addr', 'show', net.BRIDGE],
				     capture=True).stdout
			self.assertIn('inet 10.55.0.1/24', out)
			self.assertIn('inet6 fd55::1/64', out)
			self.assertNotIn('tentative', out.split('fd55::1')[1]
					 .split('\n')[0])
			tap = tn.add_tap()
			self.assertEqual(tap, 'tap0')
			self.assertEqual(tn.add_tap(), 'tap1')
			out = tn.run(['ip', 'link', 'show', tap], capture=True)
			self.assertIn('master br0', out.stdout)
			tmp = tn.tmp
		self.assertFalse(tn.exists())
		self.assertFalse(os.path.exists(tmp))

	def test_unique_names(self):
		with net.TestNet() as a, net.TestNet() as b:
			self.assertNotEqual(a.name, b.name)
			self.assertTrue(a.exists() and b.exists())

	def test_gone_when_body_raises(self):
		with self.assertRaises(Boom):
			with net.TestNet() as tn:
				tn.start_dnsmasq()
				pid = tn.dnsmasq.pid
				raise Boom()
		self.assertFalse(tn.exists())
		self.assertTrue(process_gone(pid))

	def test_kills_its_boots(self):
		with net.TestNet() as tn:
			boot = qemu.Boot(tn.prefix() + ['sleep', '60'], None,
					  timeout=120)
			tn.adopt(boot)
		self.assertIsNotNone(boot.proc.returncode)
		self.assertFalse(tn.exists())

	def test_close_after_partial_setup(self):
		tn = net.TestNet()
		tn.close()
		tn.tmp = tempfile.mkdtemp(prefix='cifsroot-test-')
		tn.close()
		self.assertIsNone(tn.tmp)

	def test_mac(self):
		self.assertEqual(net.mac(0), '52:54:00:55:00:00')
		self.assertEqual(net.mac(17), '52:54:00:55:00:11')


class DnsmasqTest(unittest.TestCase):
	"""dnsmasq in the namespace offers what the kernel's ipconfig needs."""

	def test_offer(self):
		hosts = {net.mac(1): '10.55.0.10'}
		with net.TestNet() as tn:
			tn.start_dnsmasq(hosts=hosts, root_path=ROOT_PATH)
			fixed = tn.dhcp_offer(net.mac(1))
			pooled = tn.dhcp_offer(net.mac(2))
			pid = tn.dnsmasq.pid
		self.assertTrue(process_gone(pid))
		self.assertEqual(fixed['yiaddr'], '10.55.0.10')
		self.assertEqual(fixed['siaddr'], net.HOST4)
		self.assertEqual(bytes.fromhex(fixed['options']['17']).decode(),
				 ROOT_PATH)
		host = int(pooled['yiaddr'].rsplit('.', 1)[1])
		self.assertTrue(pooled['yiaddr'].startswith('10.55.0.'))
		self.assertTrue(100 <= host <= 200, pooled['yiaddr'])
		self.assertEqual(pooled['siaddr'], net.HOST4)

	def test_no_root_path(self):
		with net.TestNet() as tn:
			tn.start_dnsmasq(ra=False)
			offer = tn.dhcp_offer(net.mac(3))
		self.assertNotIn('17', offer['options'])
		self.assertEqual(offer['siaddr'], net.HOST4)


class NetSmbdTest(RootfsFixture, unittest.TestCase):
	"""smbd in the namespace serves the share on 10.55.0.1 and fd55::1."""

	def test_answers_on_both_addresses(self):
		with net.TestNet() as tn:
			tn.start_dnsmasq()
			with tn.smbd(self.root) as smbd:
				self.assertEqual(smbd.port, 445)
				for host in (net.HOST4, net.HOST6):
					out = smbd.smbclient('ls', host=host)
					self.assertIn('sbin', out.stdout, host)
				pid = smbd.proc.pid
			self.assertTrue(process_gone(pid))

	def test_late_start(self):
		with net.TestNet() as tn:
			with tn.smbd(self.root, start=False) as smbd:
				self.assertIsNone(smbd.proc)
				self.assertFalse(smbd.listening())
				before = time.monotonic()
				smbd.start()
				self.assertGreaterEqual(smbd.started, before)
				self.assertTrue(smbd.listening())

	def test_stopped_by_testnet(self):
		with net.TestNet() as tn:
			smbd = tn.smbd(self.root)
			smbd.start()
			pid = smbd.proc.pid
		self.assertTrue(process_gone(pid))
		self.assertIsNone(smbd.tmp)


if __name__ == '__main__':
	unittest.main()
