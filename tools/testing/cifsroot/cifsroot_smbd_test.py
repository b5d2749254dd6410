#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_smbd that start no server: the commands that run
# Samba's programs with bind mounts, on the host or in the Samba tree, and
# the share's path in smb.conf.

import unittest

import cifsroot_smbd as samba

BINDS = {'/etc/ctdb': '/tmp/n 0/etc', '/srv/share': '/tmp/share'}


def script(cmd):
	"""The shell script of an `unshare ... sh -c <script>` command."""
	return cmd[cmd.index('-c') + 1]


class BindLines(unittest.TestCase):
	def test_host(self):
		self.assertEqual(samba.bind_lines(BINDS), [
			'mkdir -p /etc/ctdb',
			"mount --bind '/tmp/n 0/etc' /etc/ctdb",
			'mkdir -p /srv/share',
			'mount --bind /tmp/share /srv/share'])

	def test_under_root(self):
		lines = samba.bind_lines({'/srv/share': '/tmp/share'}, '"$0"')
		self.assertEqual(lines, ['mkdir -p "$0"/srv/share',
					 'mount --bind /tmp/share "$0"/srv/share'])

	def test_none(self):
		self.assertEqual(samba.bind_lines({}), [])


class Commands(unittest.TestCase):
	def test_with_binds(self):
		cmd = samba.with_binds(BINDS, ['ctdb', 'status'])
		self.assertEqual(cmd[:4], ['unshare', '--mount', '--propagation',
					   'private'])
		self.assertEqual(cmd[-3:], ['sh', 'ctdb', 'status'])
		self.assertEqual(script(cmd).splitlines(),
				 ['set -e'] + samba.bind_lines(BINDS) +
				 ['exec "$@"'])

	def test_in_tree(self):
		cmd = samba.in_tree('/cache/trixie', BINDS, ['smbd'])
		self.assertEqual(cmd[-2:], ['/cache/trixie', 'smbd'])
		lines = script(cmd).splitlines()
		self.assertEqual(lines[1:4], ['mount -t proc proc "$0/proc"',
					      'mount --bind /dev "$0/dev"',
					      'mount --bind /tmp "$0/tmp"'])
		self.assertEqual(lines[4:-1], samba.bind_lines(BINDS, '"$0"'))
		self.assertEqual(lines[-1], 'exec chroot "$0" "$@"')

	def test_host_samba_has_no_tree(self):
		self.assertIsNone(samba.server_tree('smb1'))


class SharePath(unittest.TestCase):
	def config(self, subdir=None):
		smbd = samba.Smbd('/tmp/share', protocol='smb1')
		if subdir is not None:
			smbd.subdir = subdir
		smbd.tmp = '/tmp/state'
		smbd.port = 445
		return smbd.config()

	def test_whole(self):
		self.assertIn('\tpath = /tmp/share\n', self.config())

	def test_client_dir(self):
		self.assertIn('\tpath = /tmp/share/%I\n', self.config('/%I'))


if __name__ == '__main__':
	unittest.main()
