#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_failover that boot nothing: the command line of a
# guest of the cluster over each protocol, and how the host sees a lock
# that another process holds on a file of the share, as smbd's locks are
# seen.

import os
import subprocess
import sys
import tempfile
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


# Hold an fcntl() write lock of bytes argv[2].. (argv[3] bytes) of
# argv[1], say so, and keep it until stdin closes.
HOLDER = '''import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, int(sys.argv[3]),
	    int(sys.argv[2]))
print('held', flush=True)
sys.stdin.read()
'''


class ServerLocked(unittest.TestCase):
	def setUp(self):
		self.dir = tempfile.TemporaryDirectory()
		self.path = os.path.join(self.dir.name, 'f')
		with open(self.path, 'w') as f:
			f.write('x' * 200)

	def tearDown(self):
		self.dir.cleanup()

	def held_by_other(self, start, length):
		"""A process holding bytes `start`.. of the file."""
		proc = subprocess.Popen([sys.executable, '-c', HOLDER, self.path,
					 str(start), str(length)],
					stdin=subprocess.PIPE,
					stdout=subprocess.PIPE, text=True)
		self.addCleanup(proc.wait)
		self.addCleanup(proc.stdin.close)
		self.assertEqual(proc.stdout.readline(), 'held\n')
		return proc

	def test_nothing_held(self):
		self.assertFalse(failover.server_locked(self.path, 0, 0))

	def test_the_range_held(self):
		self.held_by_other(100, 10)
		self.assertTrue(failover.server_locked(self.path, 100, 10))
		self.assertTrue(failover.server_locked(self.path, 0, 0))
		self.assertTrue(failover.server_locked(self.path, 109, 1))

	def test_other_ranges_free(self):
		self.held_by_other(100, 10)
		self.assertFalse(failover.server_locked(self.path, 0, 10))
		self.assertFalse(failover.server_locked(self.path, 110, 10))

	def test_released_with_the_process(self):
		proc = self.held_by_other(0, 10)
		proc.stdin.close()
		proc.wait()
		self.assertFalse(failover.server_locked(self.path, 0, 10))

	def test_server_locks_names_every_lock(self):
		for name in failover.LOCK_FILES:
			with open(os.path.join(self.dir.name, name), 'w') as f:
				f.write('x' * 200)
		self.held_by_other_file('lock-fcntl', 0, 10)
		self.assertEqual(failover.server_locks(self.dir.name),
				 {'fcntl 0-9': True, 'fcntl 100-109': False,
				  'flock': False})

	def held_by_other_file(self, name, start, length):
		self.path = os.path.join(self.dir.name, name)
		return self.held_by_other(start, length)


class Hold(unittest.TestCase):
	def test_command_names_the_files(self):
		words = failover.HOLD.split()
		self.assertEqual(words[:2], ['/bin/fsprobe', 'hold'])
		self.assertEqual(words[2:4], ['/' + f for f in failover.LOCK_FILES])
		self.assertEqual({n for n, _, _ in failover.LOCKS.values()},
				 set(failover.LOCK_FILES))



if __name__ == '__main__':
	unittest.main()
