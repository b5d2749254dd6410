#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_ctdb: ctdb's machine-readable output, recorded
# from the test cluster (test_data/ctdb-*.txt, Debian's ctdb 4.17), and
# what a node runs its commands in, on the host or in the Samba tree.

import os
import unittest

import cifsroot_ctdb as ctdb
import cifsroot_smbd as samba

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')


def recorded(name):
	with open(os.path.join(DATA, name)) as f:
		return f.read()


class Machine(unittest.TestCase):
	def test_status(self):
		rows = ctdb.parse_machine(recorded('ctdb-status.txt'))
		self.assertEqual([r['Node'] for r in rows], ['0', '1'])
		self.assertEqual(rows[1]['IP'], ctdb.PRIVATE[1])
		self.assertEqual(rows[0]['ThisNode'], 'Y')

	def test_ip(self):
		# after node 1 died: node 0 holds both addresses
		rows = ctdb.parse_machine(recorded('ctdb-ip.txt'))
		self.assertEqual({r['Public IP']: r['Node'] for r in rows},
				 {ctdb.PUBLIC[0]: '0', ctdb.PUBLIC[1]: '0'})

	def test_nothing(self):
		self.assertEqual(ctdb.parse_machine(''), [])
		self.assertEqual(ctdb.parse_machine('connect() failed\n'), [])


class NodesOk(unittest.TestCase):
	STATUS = recorded('ctdb-status.txt')

	def test_healthy(self):
		self.assertTrue(ctdb.nodes_ok(self.STATUS, [0, 1]))
		self.assertTrue(ctdb.nodes_ok(self.STATUS, [0]))

	# every flag of the recorded header but PartiallyOnline (a node
	# with an interface down still serves)
	FLAGS = ('Disconnected', 'Unknown', 'Banned', 'Disabled', 'Unhealthy',
		 'Stopped', 'Inactive')

	def test_flags(self):
		for flag in self.FLAGS:
			rows = self.STATUS.splitlines()
			header = rows[0].strip('|').split('|')
			cells = rows[2].strip('|').split('|')
			cells[header.index(flag)] = '1'
			rows[2] = '|' + '|'.join(cells) + '|'
			text = '\n'.join(rows) + '\n'
			self.assertTrue(ctdb.nodes_ok(text, [0]), flag)
			self.assertFalse(ctdb.nodes_ok(text, [0, 1]), flag)

	def test_missing_node(self):
		self.assertFalse(ctdb.nodes_ok(self.STATUS, [0, 2]))
		self.assertFalse(ctdb.nodes_ok('', [0]))


class Node(unittest.TestCase):
	class FakeCluster:
		class FakeNet:
			name = 'cifsroot-1-0'
		tnet = FakeNet()
		tmp = '/tmp/cifsroot-ctdb-x'
		share_dir = '/tmp/share'
		tree = None

	def prefix(self, tree=None):
		"""Node 1's prefix and the script it runs, the cluster in
		`tree`."""
		cluster = self.FakeCluster()
		cluster.tree = tree
		cmd = ctdb.Node(cluster, 1).prefix()
		self.assertEqual(cmd[:4], ['ip', 'netns', 'exec', 'cifsroot-1-0-n1'])
		return cmd, cmd[cmd.index('-c') + 1]

	def test_prefix(self):
		cmd, script = self.prefix()
		for target, sub in ctdb.BINDS:
			self.assertIn(f'mount --bind /tmp/cifsroot-ctdb-x/node1/{sub} '
				      f'{target}', script)
		self.assertNotIn(samba.TREE_SHARE, script)
		self.assertTrue(script.endswith('exec "$@"'))

	def test_prefix_in_tree(self):
		# over SMB3: the node's directories and the share in the tree
		cmd, script = self.prefix('/cache/trixie-x')
		self.assertEqual(cmd[-1], '/cache/trixie-x')
		for target, sub in ctdb.BINDS:
			self.assertIn(f'mount --bind /tmp/cifsroot-ctdb-x/node1/{sub} '
				      f'"$0"{target}', script)
		self.assertIn(f'mount --bind /tmp/share "$0"{samba.TREE_SHARE}',
			      script)
		self.assertTrue(script.endswith('exec chroot "$0" "$@"'))

	def test_conf(self):
		conf = ctdb.ctdb_conf('/tmp/n0')
		self.assertIn('location = file:/tmp/n0/ctdb.log', conf)
		self.assertIn('realtime scheduling = false', conf)


if __name__ == '__main__':
	unittest.main()
