# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test, each a named line in a KTAP-like tally that ends
# with "N passed, N failed".
#
# The kernel is built once and every boot uses it; the boots that only
# differ in what they judge share one run of QEMU.

import glob
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import threading
import time

import cifsroot_fsprobe as fsprobe
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
import cifsroot_kernel as kernel
from cifsroot_common import once, out_dir
from cifsroot_judge import (console_problems, guest_seconds, guest_values,
			    kunit_declared, ktap_plan_errors, parse_ktap,
			    printed_password, session_signing, sha256,
			    signing_complaints)

HERE = os.path.dirname(os.path.abspath(__file__))
KUNIT_SUITE = 'cifsroot'


class Failed(Exception):
	"""A check did not hold; the message says what was seen."""


def expect(cond, msg):
	if not cond:
		raise Failed(msg)


# ---------------------------------------------------------------- setup

@once
def kernel_image():
	return kernel.build()


class MainBoot:
	"""The boot that most checks judge: rootfs, smbd, QEMU, once."""

	def __init__(self):
		self.dir = out_dir('check')
		self.share = os.path.join(self.dir, 'share')
		self.log = os.path.join(self.dir, 'main-boot.log')
		self.result = None
		self.values = {}
		self.output = None

	def run(self):
		image = kernel_image()
		rootfs.make_rootfs(self.share)
		check_dir = os.path.join(self.share, 'check')
		os.makedirs(check_dir)
		preset = os.path.join(check_dir, 'preset')
		with open(preset, 'w') as f:
			f.write('made on the server\n')
		os.chown(preset, 1234, 5678)
		run_dir = os.path.join(self.share, 'etc', 'cifsroot')
		shutil.copyfile(os.path.join(HERE, 'guest', 'checks.sh'),
				os.path.join(run_dir, 'run'))
		self.token = os.urandom(8).hex()
		with open(os.path.join(run_dir, 'token'), 'w') as f:
			f.write(self.token + '\n')
		with samba.Smbd(self.share) as smbd:
			self.password = smbd.password
			fsprobe.prepare(self.share, smbd, samba.HOST_ADDR)
			self.result = qemu.boot(image, qemu.cmdline(smbd),
						 self.log, timeout=600)
		self.output, self.status = qemu.command_output(
			self.result.console)
		self.values = guest_values(self.output)

	def need(self, key):
		if key not in self.values:
			raise Failed(f'the guest printed no "{key}:" line; '
				     + qemu.explain_failure(self.result))
		return self.values[key]

	def path(self, name):
		return os.path.join(self.share, 'check', name)


@once
def main_boot():
	boot = MainBoot()
	boot.run()
	return boot


# ---------------------------------------------------------------- tests


def test_boot_root():
	"""cifs on /, /sbin/init from the share, the password never printed."""
	boot = main_boot()
	expect(rootfs.START_MARK in boot.result.console,
	       'init never started: ' + qemu.explain_failure(boot.result))
	root = boot.need('root')
	expect(re.search(r'^//10\.0\.2\.2/root / cifs ', root),
	       'root is not cifs: ' + root)
	expect('cifsroot-init: token ' + boot.token in boot.result.console,
	       'init did not read the token from the share')
	steps = [line for line in (boot.output or '').splitlines()
		 if line.startswith('checks: failed: ')]
	expect(boot.status == 0 and not steps,
	       f'guest checks exited {boot.status}: ' + '; '.join(steps))
	shown = printed_password(boot.result.console, boot.password)
	expect(not shown, f'the password was printed: {shown[:1]}')


def test_cmdline_password():
	"""A password given in cifsroot= shows as *** in /proc/cmdline."""
	boot = main_boot()
	cmdline = boot.need('cmdline')
	expect('cifsroot=' in cmdline, 'no cifsroot= in /proc/cmdline')
	expect(boot.password not in cmdline, 'the password is in /proc/cmdline')
	expect('password=***' in cmdline, 'no password=*** in /proc/cmdline')
	return 'password=*** in /proc/cmdline'


def test_write():
	"""A file the guest writes is on the share, same bytes, after poweroff."""
	boot = main_boot()
	want = boot.need('written')
	path = boot.path('written.bin')
	expect(os.path.exists(path), 'written.bin is not on the share')
	size = os.path.getsize(path)
	expect(size == 512 * 1024, f'written.bin has {size} bytes on the server')
	expect(sha256(path) == want, 'SHA-256 differs between guest and server')


def test_kunit():
	"""The KUnit suite of the parser ran in the boot and passed."""
	boot = main_boot()
	return judge_kunit(boot.result.console)


def declared_results():
	"""(results, cases, parameters) of cifsroot_test.c's suite: its
	cases, a parameterised one giving a result per parameter instead."""
	with open(os.path.join(kernel.REPO, 'fs/cifs/cifsroot_test.c')) as f:
		cases, params = kunit_declared(f.read())
	return (cases - 1 + params if params else cases), cases, params


def judge_kunit(console):
	"""Every case that cifsroot_test.c declares ran and passed."""
	want, cases, params = declared_results()
	leaves = parse_ktap(console, KUNIT_SUITE)
	failed = [name for ok, name in leaves if not ok]
	expect(leaves, f'no KTAP results of suite {KUNIT_SUITE}')
	expect(not failed, 'failed or skipped: ' + ', '.join(failed))
	errors = ktap_plan_errors(console, KUNIT_SUITE)
	expect(not errors, 'KTAP does not add up: ' + '; '.join(errors))
	expect(cases and len(leaves) == want,
	       f'{len(leaves)} results, cifsroot_test.c declares {want} '
	       f'({cases} cases, {params} parameters)')
	return f'{len(leaves)} cases passed, as declared'


def owner(path):
	st = os.lstat(path)
	return f'{st.st_uid}:{st.st_gid}'


def test_owner_from_guest():
	"""A file chowned to 1000:1000 in the guest is 1000:1000 on both sides."""
	boot = main_boot()
	seen = boot.need('owned')
	expect(seen == '1000:1000', 'guest shows ' + seen)
	expect(owner(boot.path('owned')) == '1000:1000',
	       'server has ' + owner(boot.path('owned')))


def test_owner_from_server():
	"""A file the server stores as 1234:5678 shows as 1234:5678."""
	seen = main_boot().need('preset')
	expect(seen == '1234:5678', 'guest shows ' + seen)


def test_symlink():
	"""A symlink made in the guest is a real symlink on the server."""
	boot = main_boot()
	expect(boot.need('symlink') == 'target-of-link',
	       'guest reads ' + boot.need('symlink'))
	path = boot.path('symlink')
	expect(os.path.islink(path), 'not a symlink on the server: '
	       + stat.filemode(os.lstat(path).st_mode))
	expect(os.readlink(path) == 'target-of-link',
	       'server link points to ' + os.readlink(path))


def test_special_files():
	"""A setuid bit, a fifo, a character device and a hard link survive."""
	boot = main_boot()
	errors = []
	if boot.need('setuid') != '4755':
		errors.append('guest setuid mode ' + boot.need('setuid'))
	if os.stat(boot.path('setuid')).st_mode & 0o7777 != 0o4755:
		errors.append('server setuid mode %o' %
			      os.stat(boot.path('setuid')).st_mode)
	if boot.need('fifo') != 'fifo':
		errors.append('guest fifo is ' + boot.need('fifo'))
	if not stat.S_ISFIFO(os.lstat(boot.path('fifo')).st_mode):
		errors.append('server fifo is not a fifo')
	if not boot.need('chardev').endswith('character special file 1:3'):
		errors.append('guest chardev is ' + boot.need('chardev'))
	st = os.lstat(boot.path('chardev'))
	if not stat.S_ISCHR(st.st_mode) or \
	   (os.major(st.st_rdev), os.minor(st.st_rdev)) != (1, 3):
		errors.append('server chardev is not character device 1:3')
	src, dst = boot.need('hardlink').split()
	if src != dst or not src.endswith(':2'):
		errors.append('guest hard link inodes ' + boot.need('hardlink'))
	a, b = os.lstat(boot.path('hardsrc')), os.lstat(boot.path('hardlink'))
	if a.st_ino != b.st_ino or a.st_nlink != 2:
		errors.append('server hard link is not one inode with 2 links')
	expect(not errors, '; '.join(errors))


NET_RUN = """grep ' / ' /proc/mounts | sed 's/^/root: /'
echo "markers: $(ls / | grep '^marker-' | tr '\\n' ' ')"
"""


def net_rootfs(dest, marker=None):
	"""A rootfs whose run script reports the root and its markers."""
	rootfs.make_rootfs(dest)
	with open(os.path.join(dest, 'etc', 'cifsroot', 'run'), 'w') as f:
		f.write(NET_RUN)
	if marker:
		with open(os.path.join(dest, 'marker-' + marker), 'w') as f:
			f.write(marker + '\n')
	return dest


# A root that cannot be mounted for good panics this soon (guest seconds);
# it takes about 2.5 s under TCG, DHCP included.
PANIC_BOUND = 5


def panic_boot(name, want, share=None, password=None, options='',
	       settings=''):
	"""Boot a root that cannot be mounted; expect the named panic, fast."""
	image = kernel_image()
	share_dir = os.path.join(out_dir('check'), 'share-panic')
	os.makedirs(share_dir, exist_ok=True)
	log_path = os.path.join(out_dir('check'), name + '.log')
	with samba.Smbd(share_dir, settings=settings) as smbd:
		if password:
			smbd.password = password	# what the guest sends
		source = smbd.source(share=share, options=options)
		res = qemu.boot(image, qemu.cmdline_for(source), log_path,
				 timeout=180)
	expect(not res.timed_out, 'no panic: ' + qemu.explain_failure(res))
	expect(want in res.console, 'no named panic: '
	       + qemu.explain_failure(res))
	expect('No working init found' not in res.console,
	       'the boot went on past the failed mount')
	expect('retrying in' not in res.console,
	       'a permanent error was retried')
	expect(not printed_password(res.console, password or smbd.password),
	       'the password was printed')
	at = guest_seconds(res.console, want)
	expect(at is not None and at <= PANIC_BOUND,
	       f'panic at {at} s of guest time, bound {PANIC_BOUND} s')
	return f'panic {at:.2f} s into the boot'


def test_creator_owner():
	"""Files, directories, fifos and symlinks of uid 65534 belong to it."""
	boot = main_boot()
	seen = boot.need('nowned').split()
	expect(seen == ['65534:65534'] * 4,
	       'guest shows file, dir, fifo, symlink as ' + ' '.join(seen))
	server = [owner(boot.path(n)) for n in ('nfile', 'ndir', 'nfifo',
						   'nlink')]
	expect(server == ['65534:65534'] * 4,
	       'server has file, dir, fifo, symlink as ' + ' '.join(server))
	expect(os.path.islink(boot.path('nlink')) and
	       stat.S_ISFIFO(os.lstat(boot.path('nfifo')).st_mode),
	       'the symlink or fifo is not one on the server')


def test_device_owner():
	"""A device node chowned to 1000:1000 by root is 1000:1000 on both sides."""
	boot = main_boot()
	expect(boot.need('devnode') == '1000:1000',
	       'guest shows ' + boot.need('devnode'))
	st = os.lstat(boot.path('dev1000'))
	expect(stat.S_ISCHR(st.st_mode) and owner(boot.path('dev1000')) ==
	       '1000:1000', 'server has ' + owner(boot.path('dev1000')))


def test_setgid_group():
	"""A file of uid 65534 in a setgid directory of group 1000 gets it."""
	boot = main_boot()
	expect(boot.need('nsetgid') == '65534:1000',
	       'guest shows ' + boot.need('nsetgid'))
	on_server = owner(os.path.join(boot.path('setgid'), 'nfile'))
	expect(on_server == '65534:1000', 'server has ' + on_server)


def test_permissions():
	"""Uid 65534 cannot read root's 0600 file and can write its own."""
	boot = main_boot()
	expect(boot.need('nrootonly') == 'denied',
	       "uid 65534 read root's 0600 file")
	expect(boot.need('nmine') == 'written',
	       'uid 65534 could not write its own 0600 file')
	st = os.lstat(boot.path('nmine'))
	expect(st.st_mode & 0o777 == 0o600 and owner(boot.path('nmine')) ==
	       '65534:65534', 'server has %o %s' % (st.st_mode & 0o777,
						  owner(boot.path('nmine'))))


def make_cpio(src, dest):
	"""An uncompressed newc cpio of the directory `src`, as an initrd."""
	files = subprocess.run(['find', '.'], cwd=src, capture_output=True,
			       text=True, check=True).stdout
	with open(dest, 'wb') as out:
		subprocess.run(['cpio', '--quiet', '-o', '-H', 'newc'], cwd=src,
			       input=files.encode(), stdout=out, check=True)
	return dest


def test_credentials():
	"""credentials= from the initramfs: a real account's password is in
	neither /proc/cmdline nor the console."""
	work = os.path.join(out_dir('check'), 'credentials')
	shutil.rmtree(work, ignore_errors=True)
	share = net_rootfs(os.path.join(work, 'share'))
	with open(os.path.join(share, 'etc', 'cifsroot', 'run'), 'a') as f:
		f.write('echo "cmdline: $(cat /proc/cmdline)"\n')
	initramfs = os.path.join(work, 'initramfs')
	os.makedirs(os.path.join(initramfs, 'etc'))
	with samba.Smbd(share, user='root') as smbd:
		creds = os.path.join(initramfs, 'etc', 'cifs-credentials')
		with open(creds, 'w') as f:
			f.write(f'# the boot account\nusername={smbd.user}\n'
				f'password={smbd.password}\n')
		os.chmod(creds, 0o600)
		initrd = make_cpio(initramfs, os.path.join(work, 'creds.cpio'))
		source = (f'//{samba.HOST_ADDR}/root,port={smbd.port},'
			  'credentials=/etc/cifs-credentials')
		res = qemu.boot(kernel_image(), qemu.cmdline_for(source),
				 os.path.join(out_dir('check'), 'credentials.log'),
				 timeout=180, initrd=initrd)
	values = guest_values(qemu.command_output(res.console)[0])
	expect(values.get('root', '').startswith('//10.0.2.2/root / cifs '),
	       'not mounted: ' + qemu.explain_failure(res))
	expect('credentials=' in values.get('cmdline', ''),
	       'no command line seen in the guest')
	expect(smbd.password not in values['cmdline'],
	       'the password is in /proc/cmdline')
	expect(smbd.password not in res.console, 'the password was printed')
	expect('password=***' in res.console, 'no masked mount line')


def test_no_cifsroot_env():
	"""A kernel without CONFIG_CIFS_ROOT keeps cifsroot= (and its
	password) out of init's environment."""
	work = os.path.join(out_dir('check'), 'nocifsroot')
	shutil.rmtree(work, ignore_errors=True)
	initramfs = os.path.join(work, 'initramfs')
	os.makedirs(os.path.join(initramfs, 'bin'))
	os.makedirs(os.path.join(initramfs, 'proc'))
	shutil.copy2(rootfs.BUSYBOX, os.path.join(initramfs, 'bin', 'busybox'))
	with open(os.path.join(initramfs, 'init'), 'w') as f:
		f.write('#!/bin/busybox sh\n'
			'/bin/busybox mount -t proc proc /proc\n'
			'/bin/busybox echo "environ: $(/bin/busybox tr \'\\0\' \' \''
			' < /proc/1/environ)"\n'
			'/bin/busybox reboot -f\n')
	os.chmod(os.path.join(initramfs, 'init'), 0o755)
	initrd = make_cpio(initramfs, os.path.join(work, 'init.cpio'))
	secret = 'env-' + secrets.token_hex(6)
	image = kernel.build(name='nocifsroot')
	res = qemu.boot(image, 'console=ttyS0 panic=-1 '
			 f'cifsroot=//10.0.2.2/root,password={secret}',
			 os.path.join(work, 'boot.log'), timeout=120,
			 initrd=initrd)
	env = [line for t, line in res.lines if 'environ: ' in line]
	expect(env and 'TERM=linux' in env[0], 'init printed no environment: '
	       + qemu.explain_failure(res))
	expect('cifsroot=' not in env[0] and secret not in env[0],
	       'cifsroot= is in init\'s environment')
	expect('cifsroot= ignored' in res.console, 'no line about cifsroot=')
	return env[0].strip()


SIGN_RUN = """set -e
grep ' / ' /proc/mounts | sed 's/^/root: /'
dd if=/dev/urandom of=/sign-data bs=64k count=64 2>/dev/null
sync
echo 3 > /proc/sys/vm/drop_caches
echo "sum: $(sha256sum /sign-data | cut -d' ' -f1)"
echo "debugdata: $(grep 'Dialect' /proc/fs/cifs/DebugData | tr -s ' ')"
echo "listed: $(ls -lR /bin /sbin /etc | wc -l)"
exec 3>/sign-oplock
echo one >&3
exec 4>>/sign-oplock
echo two >&4
exec 3>&- 4>&-
echo "oplock: $(cat /sign-oplock | tr '\\n' ' ')"
read -r src opts < /etc/cifsroot/signlock
mkdir -p /mnt
fsprobe mount "$src" /mnt/lk "$opts" >/dev/null && fsprobe flock /mnt/lk/sign-lock
umount /mnt/lk 2>/dev/null || true
echo "breaks: $(grep -o 'Oplocks breaks: [0-9]*' /proc/fs/cifs/Stats)"
"""


def test_signing():
	"""The sign option works against a Samba that requires signing.

	The guest reads back a 4 MiB file it wrote, after dropping its page
	cache, lists directories, opens one file twice and takes locks on a
	second mount with forcemandatorylock: read responses come through
	the async read path, the listings through transact2, the second
	open breaks the oplock of the first, whose release has no response,
	and the locks go through LOCKING_ANDX rather than the POSIX locks of
	the UNIX extensions. The run script stops at the first failed
	command. The client must say it signs, smbstatus must show the
	guest's sessions signed while it runs, and no response may fail
	verification.
	"""
	share = net_rootfs(os.path.join(out_dir('check'), 'signing'))
	with open(os.path.join(share, 'etc', 'cifsroot', 'run'), 'w') as f:
		f.write(SIGN_RUN)
	shutil.copyfile(fsprobe.build(), os.path.join(share, 'bin', 'fsprobe'))
	os.chmod(os.path.join(share, 'bin', 'fsprobe'), 0o755)
	with samba.Smbd(share, settings='\tserver signing = mandatory\n') \
			as smbd:
		lock = os.path.join(share, 'etc', 'cifsroot', 'signlock')
		fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
		with os.fdopen(fd, 'w') as f:
			f.write(smbd.mount_line(options='vers=1.0,sign,'
						'forcemandatorylock,nosharesock'))
		boot = qemu.start_boot(kernel_image(),
				       qemu.cmdline(smbd, options='sign'),
				       os.path.join(out_dir('check'),
						    'signing.log'), timeout=180)
		# the server's side: the guest's sessions while it runs
		seen = []
		while boot.running():
			seen += smbd.sessions()
			time.sleep(0.5)
		res = boot.wait()
	output, status = qemu.command_output(res.console)
	values = guest_values(output)
	settled, once = session_signing(seen)
	degrees = sorted(map(str, settled.values()))
	expect(degrees and set(degrees) == {'full'}, 'smbstatus showed the '
	       f'guest\'s SMB1 sessions signed: {degrees or "none seen"}')
	root = values.get('root', '')
	expect(root.startswith('//10.0.2.2/root / cifs ') and status == 0,
	       'not mounted: ' + qemu.explain_failure(res))
	# our own message, not the kernel's echo of its command line
	expect(re.search(r'cifsroot: mounting //\S+ with \S*\bsign\b',
			 res.console), 'the root was not mounted with sign')
	expect(values.get('debugdata', '').endswith(' signed'),
	       'the client does not sign: DebugData has "'
	       + values.get('debugdata', '') + '"')
	with open(os.path.join(share, 'sign-data'), 'rb') as f:
		want = hashlib.sha256(f.read()).hexdigest()
	expect(values.get('sum') == want,
	       f'read back {values.get("sum")}, the server has {want}')
	expect(values.get('flock'), 'the lock probe on the second mount '
	       'did not run')
	expect(values.get('oplock') == 'one two',
	       'two opens of one file read "' + values.get('oplock', '') + '"')
	complaints = signing_complaints(res.console)
	expect(not complaints, f'{len(complaints)} responses failed signature '
	       'verification, the first: ' + (complaints or [''])[0])
	return (f'signed mount ran init (smbstatus: {len(settled)} SMB1 '
		f'sessions signed, {once} seen once), read back 4 MiB, listed '
		f'{values.get("listed")} entries, {values.get("breaks")}, '
		f'locks with forcemandatorylock: {values.get("flock")}; '
		'0 signature complaints')


TAMPER_MARKER = b'TAMPERME'
SMB_COM_READ_ANDX = 0x2e


def tamper_read_response(payload, marker=TAMPER_MARKER):
	"""`payload` (one SMB1 PDU) with the first `marker` in the data of a
	READ_ANDX response changed by one bit, or None if it has none."""
	if payload[:4] != b'\xffSMB' or payload[4] != SMB_COM_READ_ANDX:
		return None
	at = payload.find(marker, 32)
	if at < 0:
		return None
	out = bytearray(payload)
	out[at] ^= 0x01
	return bytes(out)


class TamperProxy:
	"""A TCP relay on a free loopback port in front of `port` that
	changes one bit of the first READ_ANDX response holding the marker:
	the server signed it, so the client must reject it."""

	def __init__(self, port):
		self.target = port
		self.listener = socket.create_server(('127.0.0.1', 0))
		self.port = self.listener.getsockname()[1]
		self.tampered = 0
		self.lock = threading.Lock()
		self.threads = []
		self.socks = []

	def __enter__(self):
		t = threading.Thread(target=self.accept, daemon=True)
		t.start()
		self.threads.append(t)
		return self

	def __exit__(self, *exc):
		self.listener.close()
		for sock in self.socks:
			try:
				sock.close()
			except OSError:
				pass

	def accept(self):
		while True:
			try:
				client, _ = self.listener.accept()
			except OSError:
				return
			server = socket.create_connection(('127.0.0.1', self.target))
			self.socks += [client, server]
			for args in ((client, server, False), (server, client, True)):
				t = threading.Thread(target=self.pump, args=args,
						     daemon=True)
				t.start()
				self.threads.append(t)

	@staticmethod
	def read_exact(sock, n):
		data = b''
		while len(data) < n:
			chunk = sock.recv(n - len(data))
			if not chunk:
				raise EOFError
			data += chunk
		return data

	def pump(self, src, dst, responses):
		try:
			while True:
				if not responses:
					data = src.recv(65536)
					if not data:
						break
					dst.sendall(data)
					continue
				head = self.read_exact(src, 4)
				size = int.from_bytes(head[1:], 'big')
				payload = self.read_exact(src, size)
				with self.lock:
					changed = None if self.tampered else \
						tamper_read_response(payload)
					if changed:
						self.tampered += 1
						payload = changed
				dst.sendall(head + payload)
		except (OSError, EOFError):
			pass
		for sock in (src, dst):
			try:
				sock.shutdown(socket.SHUT_RDWR)
			except OSError:
				pass


TAMPER_RUN = """grep ' / ' /proc/mounts | sed 's/^/root: /'
echo "sum: $(sha256sum /tamper-data | cut -d' ' -f1)"
"""


def test_signing_tampered():
	"""A signed read response changed on the wire is rejected.

	A relay between the guest and a Samba that requires signing flips
	one bit in the data of the first read response carrying a marker
	file. The client must reject that response (and read the page again)
	rather than hand the changed data to the reader.
	"""
	share = net_rootfs(os.path.join(out_dir('check'), 'signing-tampered'))
	with open(os.path.join(share, 'etc', 'cifsroot', 'run'), 'w') as f:
		f.write(TAMPER_RUN)
	data = TAMPER_MARKER * (256 * 1024 // len(TAMPER_MARKER))
	with open(os.path.join(share, 'tamper-data'), 'wb') as f:
		f.write(data)
	want = hashlib.sha256(data).hexdigest()
	with samba.Smbd(share, settings='\tserver signing = mandatory\n') \
			as smbd, TamperProxy(smbd.port) as proxy:
		source = smbd.source(port=proxy.port, options='sign')
		res = qemu.boot(kernel_image(), qemu.cmdline_for(source),
				 os.path.join(out_dir('check'),
					      'signing-tampered.log'),
				 timeout=180)
	output, status = qemu.command_output(res.console)
	values = guest_values(output)
	expect(values.get('root', '').startswith('//10.0.2.2/root / cifs ')
	       and status == 0, 'not mounted: ' + qemu.explain_failure(res))
	expect(proxy.tampered == 1, f'{proxy.tampered} responses changed')
	expect(values.get('sum') == want,
	       f'the guest read changed data: {values.get("sum")}, want {want}')
	rejected = [line for line in signing_complaints(res.console)
		    if 'rejected' in line]
	expect(rejected, 'no rejection was logged')
	return (f'1 changed read response rejected ({rejected[0].strip()}); '
		'the file read back intact')


def test_wrong_share():
	"""A wrong share name ends in our named panic, at once."""
	return panic_boot('wrong-share',
			  'cifsroot: cannot mount root: server 10.0.2.2, share '
			  'nosuch: error -6 (share not found)', share='nosuch')


def test_signing_refused():
	"""sign against a Samba with signing disabled: the named panic, not
	an unsigned root."""
	return panic_boot('signing-refused',
			  'cifsroot: cannot mount root: server 10.0.2.2, share '
			  'root: error -95', options='sign',
			  settings='\tserver signing = disabled\n')


def test_wrong_password():
	"""A wrong password ends in our named panic, at once."""
	return panic_boot('wrong-password',
			  'cifsroot: cannot mount root: server 10.0.2.2, share '
			  'root: error -13 (access denied)', password='wrong')


# ------------------------------------------------ the private test network


@once
def sanitizer_image():
	return kernel.build(name='sanitizers')


def test_kunit_sanitizers():
	"""The parser suite passes again in a kernel with KASAN and UBSAN."""
	log_path = os.path.join(out_dir('check'), 'kunit-sanitizers.log')
	res = qemu.boot(sanitizer_image(),
			 'console=ttyS0 kunit.filter_glob=cifsroot '
			 'kunit_shutdown=reboot panic=-1', log_path, timeout=600)
	expect(parse_ktap(res.console, KUNIT_SUITE),
	       'no KTAP results: ' + qemu.explain_failure(res))
	note = judge_kunit(res.console)
	hits = console_problems(res.console)
	expect(not hits, 'sanitizer reports:\n' + '\n'.join(hits[:20]))
	return note + ', under KASAN and UBSAN'


def test_consoles():
	"""No boot of this run printed BUG, Oops, WARNING, KASAN or UBSAN."""
	logs = sorted(glob.glob(os.path.join(out_dir('check'), '*.log')))
	if not logs:
		return 'no boots in this run'
	hits = []
	for path in logs:
		with open(path, errors='replace') as f:
			for line in console_problems(f.read()):
				hits.append(f'{os.path.basename(path)}: {line}')
	expect(not hits, '\n'.join(hits[:40]))
	return f'{len(logs)} consoles clean'


TESTS = [
	('boot: cifs on / and /sbin/init from the share', test_boot_root),
	('boot: a file written by the guest is on the share', test_write),
	('security: a password in cifsroot= is *** in /proc/cmdline',
	 test_cmdline_password),
	('kunit: the cifsroot= parser suite passes', test_kunit),
	('posix: guest chown 1000:1000 holds on the server', test_owner_from_guest),
	('posix: server owner 1234:5678 shows in the guest', test_owner_from_server),
	('posix: a guest symlink is a real symlink on the server', test_symlink),
	('posix: setuid, fifo, char device, hard link survive', test_special_files),
	('owner: uid 65534 owns its file, directory, fifo, symlink',
	 test_creator_owner),
	('owner: a device node chowned to 1000:1000', test_device_owner),
	('owner: a setgid directory of group 1000 passes its group',
	 test_setgid_group),
	('owner: 0600 keeps uid 65534 out of root files, not its own',
	 test_permissions),
]

# After the network boots (cifsroot_netboot.py).
SECURITY_TESTS = [
	('security: credentials from the initramfs, password never shown',
	 test_credentials),
	('security: sign against a Samba that requires signing', test_signing),
	('security: sign against a Samba with signing disabled ends in the '
	 'named panic', test_signing_refused),
	('security: without CONFIG_CIFS_ROOT, cifsroot= stays out of init\'s '
	 'environment', test_no_cifsroot_env),
	('security: sign rejects a changed read response',
	 test_signing_tampered),
	('panic: a wrong share ends in the named panic', test_wrong_share),
	('panic: a wrong password ends in the named panic', test_wrong_password),
	('kunit: the parser suite passes under KASAN and UBSAN',
	 test_kunit_sanitizers),
]

# Judges every boot above, so it runs last.
FINAL_TESTS = [
	('console: no boot printed BUG, Oops, WARNING, KASAN, UBSAN',
	 test_consoles),
]
