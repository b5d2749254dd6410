#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The security tests of the SMB root: credentials from an initramfs, a
# kernel without CONFIG_CIFS_ROOT, and signing: required by the server,
# refused by it, and a read response changed on the wire.

import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time

import cifsroot_fsprobe as fsprobe
import cifsroot_kernel as kernel
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
from cifsroot_check import expect, kernel_image, net_rootfs, panic_boot
from cifsroot_common import out_dir
from cifsroot_judge import guest_values, session_signing, signing_complaints


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
			f.write(smbd.mount_line(options='sign,forcemandatorylock,'
						'nosharesock'))
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


def test_signing_refused():
	"""sign against a Samba with signing disabled: the named panic, not
	an unsigned root."""
	return panic_boot('signing-refused',
			  'VFS: Unable to mount root fs via cifs on //10.0.2.2/root: '
			  'error -95', options='sign',
			  settings='\tserver signing = disabled\n')


TESTS = [
	('security: credentials from the initramfs, password never shown',
	 test_credentials),
	('security: sign against a Samba that requires signing', test_signing),
	('security: sign against a Samba with signing disabled ends in the '
	 'named panic', test_signing_refused),
	('security: without CONFIG_CIFS_ROOT, cifsroot= stays out of init\'s '
	 'environment', test_no_cifsroot_env),
	('security: sign rejects a changed read response',
	 test_signing_tampered),
]
