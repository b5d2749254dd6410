#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_nfs: the ganesha.conf and the kernel command
# line of the NFS root peer.

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_nfs as nfs  # noqa: E402


class Config(unittest.TestCase):
	def test_export(self):
		conf = nfs.config('/srv/share', 40123, '/tmp/state')
		self.assertIn('\tNFS_Port = 40123;\n', conf)
		self.assertIn('\tBind_addr = 127.0.0.1;\n', conf)
		self.assertIn('\tPath = "/srv/share";\n', conf)
		self.assertIn('\tPseudo = /root;\n', conf)
		self.assertIn('\tSquash = No_Root_Squash;\n', conf)
		self.assertIn('\tGraceless = true;\n', conf)
		self.assertIn('\tRecoveryRoot = "/tmp/state";\n', conf)

	def test_braces_balance(self):
		conf = nfs.config('/srv/share', 1, '/s')
		self.assertEqual(conf.count('{'), conf.count('}'))


class Cmdline(unittest.TestCase):
	def test_default(self):
		self.assertEqual(nfs.cmdline(40123),
				 'console=ttyS0 root=/dev/nfs rw ip=dhcp '
				 'nfsroot=10.0.2.2:/root,vers=4.1,tcp,port=40123 '
				 'panic=-1')

	def test_options(self):
		self.assertIn('nfsroot=10.0.2.2:/root,vers=4.1,tcp,port=1,'
			      'rsize=1048576 ',
			      nfs.cmdline(1, 'rsize=1048576'))


if __name__ == '__main__':
	unittest.main()
