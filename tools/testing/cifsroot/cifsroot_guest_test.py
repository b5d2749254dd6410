#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the guest side that need no kernel: the busybox root file system
# and a real smbd serving it, checked with smbclient.

import os
import shutil
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cifsroot_common import REPO, HarnessError  # noqa: E402
import cifsroot_qemu as qemu  # noqa: E402
import cifsroot_rootfs as rootfs  # noqa: E402
import cifsroot_smbd as samba  # noqa: E402


class RootfsFixture:
	"""A busybox rootfs in a temporary directory for the whole class."""

	@classmethod
	def setUpClass(cls):
		cls.tmp = tempfile.mkdtemp(prefix='cifsroot-test-')
		cls.root = rootfs.make_rootfs(os.path.join(cls.tmp, 'root'))

	@classmethod
	def tearDownClass(cls):
		shutil.rmtree(cls.tmp, ignore_errors=True)


class RootfsTest(RootfsFixture, unittest.TestCase):
	"""make_rootfs builds a bootable busybox tree."""

	def path(self, rel):
		return os.path.join(self.root, rel)

	def test_init_is_our_script(self):
		st = os.lstat(self.path('sbin/init'))
		self.assertTrue(stat.S_ISREG(st.st_mode))
		self.assertTrue(st.st_mode & stat.S_IXUSR)
		with open(self.path('sbin/init')) as f:
			text = f.read()
		self.assertTrue(text.startswith('#!/bin/sh\n'))
		self.assertIn(rootfs.START_MARK, text)
		self.assertIn(rootfs.EXIT_MARK, text)

	def test_applets_link_to_busybox(self):
		busybox = os.path.realpath(self.path('bin/busybox'))
		for applet in ('bin/sh', 'bin/mount', 'sbin/reboot',
			       'usr/bin/setsid', 'bin/cttyhack'):
			link = self.path(applet)
			self.assertTrue(os.path.islink(link), applet)
			target = os.readlink(link)
			self.assertFalse(os.path.isabs(target), applet)
			self.assertEqual(os.path.realpath(link), busybox,
					 applet)

	def test_busybox_is_static_copy(self):
		st = os.lstat(self.path('bin/busybox'))
		self.assertTrue(stat.S_ISREG(st.st_mode))
		self.assertTrue(st.st_mode & stat.S_IXUSR)
		with open(self.path('bin/busybox'), 'rb') as f:
			elf = f.read()
		self.assertTrue(elf.startswith(b'\x7fELF'))
		self.assertNotIn(b'ld-linux', elf[:4096])

	def test_accounts(self):
		with open(self.path('etc/passwd')) as f:
			passwd = f.read()
		self.assertIn('root:x:0:0:', passwd)
		self.assertIn('user:x:1000:1000:user:/home/user:', passwd)
		self.assertIn(':65534:65534:', passwd)
		with open(self.path('etc/group')) as f:
			group = f.read()
		self.assertIn('nogroup:x:65534:', group)
		st = os.stat(self.path('home/user'))
		self.assertEqual((st.st_uid, st.st_gid), (1000, 1000))

	def test_directories(self):
		for d in ('dev', 'proc', 'sys', 'root', 'etc', 'run', 'var'):
			self.assertTrue(os.path.isdir(self.path(d)), d)
		mode = stat.S_IMODE(os.stat(self.path('tmp')).st_mode)
		self.assertEqual(mode, 0o1777)

	def test_remakes_from_scratch(self):
		other = os.path.join(self.tmp, 'again')
		rootfs.make_rootfs(other)
		with open(os.path.join(other, 'stale'), 'w') as f:
			f.write('x')
		rootfs.make_rootfs(other)
		self.assertFalse(os.path.exists(os.path.join(other, 'stale')))

	def test_refuses_dangerous_dest(self):
		for dest in ('/', REPO, os.path.dirname(REPO)):
			with self.assertRaises(HarnessError):
				rootfs.check_dest(dest)


class SmbdTest(RootfsFixture, unittest.TestCase):
	"""A private smbd serves the share over SMB1 with UNIX extensions."""

	def test_serves_and_stops(self):
		with samba.Smbd(self.root) as smbd:
			state = smbd.tmp
			pid = smbd.proc.pid
			out = smbd.smbclient('ls').stdout
			self.assertIn('sbin', out)
			self.assertIn('etc', out)
		self.assertFalse(os.path.exists(state))
		with self.assertRaises(ProcessLookupError):
			os.kill(pid, 0)
		self.assertFalse(samba.port_open(smbd.port))

	def test_unix_extensions(self):
		with samba.Smbd(self.root) as smbd:
			out = smbd.smbclient('posix; ls').stdout
		self.assertIn('Server supports CIFS extensions', out)

	def test_writes_reach_the_disk(self):
		src = os.path.join(self.tmp, 'hello')
		with open(src, 'w') as f:
			f.write('hello from smbclient\n')
		with samba.Smbd(self.root) as smbd:
			smbd.smbclient(f'put {src} tmp/hello; posix; '
				       'mkdir tmp/dir; chmod 0750 tmp/dir')
		with open(os.path.join(self.root, 'tmp', 'hello')) as f:
			self.assertEqual(f.read(), 'hello from smbclient\n')
		mode = os.stat(os.path.join(self.root, 'tmp', 'dir')).st_mode
		self.assertEqual(stat.S_IMODE(mode), 0o750)

	def test_wrong_password_is_refused(self):
		with samba.Smbd(self.root) as smbd:
			smbd.password = 'not-' + smbd.password
			res = smbd.smbclient('ls', check=False)
		self.assertNotEqual(res.returncode, 0)

	def test_cmdline(self):
		smbd = samba.Smbd(self.root, password='pw')
		smbd.port = 4455
		line = qemu.cmdline(smbd, options='vers=1.0')
		self.assertIn('root=/dev/cifs', line)
		self.assertIn('cifsroot=//10.0.2.2/root,port=4455,'
			      'username=root,password=pw,vers=1.0 ', line)
		self.assertTrue(line.startswith('console=ttyS0 '))
		self.assertTrue(line.endswith(' panic=-1'))


class BootTest(unittest.TestCase):
	"""A Boot stamps console lines as they come and kills at the timeout."""

	def setUp(self):
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-test-')
		self.log = os.path.join(self.tmp, 'console.log')

	def tearDown(self):
		shutil.rmtree(self.tmp, ignore_errors=True)

	def test_lines_are_stamped(self):
		cmd = ['sh', '-c', 'echo one; sleep 0.5; printf "two\\r\\n"']
		res = qemu.Boot(cmd, self.log, timeout=30).wait()
		self.assertFalse(res.timed_out)
		self.assertEqual(res.status, 0)
		self.assertEqual(res.console, 'one\ntwo\n')
		self.assertEqual([text for _, text in res.lines], ['one', 'two'])
		gap = res.lines[1][0] - res.lines[0][0]
		self.assertGreater(gap, 0.3)
		with open(self.log, 'rb') as f:
			self.assertEqual(f.read(), b'one\ntwo\r\n')

	def test_killed_at_timeout(self):
		cmd = ['sh', '-c', 'echo up; exec sleep 60']
		boot = qemu.Boot(cmd, self.log, timeout=1)
		res = boot.wait()
		self.assertTrue(res.timed_out)
		self.assertLess(res.elapsed, 10)
		self.assertIsNotNone(boot.proc.returncode)
		self.assertEqual(res.lines[0][1], 'up')

	def test_tap_needs_testnet(self):
		with self.assertRaises(HarnessError):
			qemu.start_boot('bzImage', 'console=ttyS0', self.log,
					 tap='tap0')


class ConsoleTest(unittest.TestCase):
	"""The run script's output and status are found in the console."""

	def test_command_output(self):
		console = ('[ 1.0] VFS: Mounted root\n'
			   'cifsroot-init: started\n'
			   'line 1\nline 2\n'
			   'cifsroot-exit: 3\n')
		self.assertEqual(qemu.command_output(console),
				 ('line 1\nline 2', 3))

	def test_init_report(self):
		console = ('[ 1.0] Run /sbin/init as init process\n'
			   'cifsroot-init: started\n'
			   '//10.0.2.2/root / cifs rw 0 0\n'
			   '[ 2.9] reboot: Restarting system\n')
		self.assertEqual(qemu.init_report(console),
				 '//10.0.2.2/root / cifs rw 0 0')
		self.assertIsNone(qemu.init_report('Kernel panic\n'))

	def test_no_exit_line(self):
		console = 'cifsroot-init: started\nKernel panic\n'
		self.assertEqual(qemu.command_output(console), (None, None))


if __name__ == '__main__':
	unittest.main()
