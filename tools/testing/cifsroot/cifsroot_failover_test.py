#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_failover that boot nothing: the command line of a
# guest of the cluster over each protocol.

import unittest

import cifsroot_ctdb as ctdb
import cifsroot_failover as failover
import cifsroot_smbd as samba


class FakeNode:
	def __init__(self, protocol):
		self.smbd = samba.Smbd('/tmp/share', password='pw', port=445,
				       protocol=protocol)


class FakeCluster:
	def __init__(self, protocol):
		self.client_dirs = protocol in ctdb.CLIENT_DIR_PROTOCOLS
		self.nodes = [FakeNode(protocol), FakeNode(protocol)]


def cifsroot(line):
	"""The value of cifsroot= in a command line."""
	return [w for w in line.split() if w.startswith('cifsroot=')][0][9:]


class ClusterAppend(unittest.TestCase):
	def test_smb1(self):
		# the guest's directory as a prefix path, no protocol options
		line = failover.cluster_append(FakeCluster('smb1'), 1)
		self.assertEqual(cifsroot(line), f'//{ctdb.PUBLIC[1]}/root/%s,'
				 'port=445,username=root,password=pw')

	def test_smb3(self):
		# [root] is the guest's directory; SMB 3.1.1
		line = failover.cluster_append(FakeCluster('smb3'), 0)
		self.assertEqual(cifsroot(line), f'//{ctdb.PUBLIC[0]}/root,'
				 'port=445,username=root,password=pw,'
				 'vers=3.1.1')


if __name__ == '__main__':
	unittest.main()
