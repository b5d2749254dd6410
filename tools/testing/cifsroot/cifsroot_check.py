# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test, each a named line in a KTAP-like tally that ends
# with "N passed, N failed".
#
# The kernel is built once and every boot uses it; the boots that only
# differ in what they judge share one run of QEMU.

import glob
import os
import re
import shutil
import stat

import cifsroot_fsprobe as fsprobe
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
import cifsroot_kernel as kernel
from cifsroot_common import (BASES, PROTOCOLS, once, once_per_base, out_dir,
			     using_base, using_protocol)
from cifsroot_judge import (console_problems, guest_seconds, guest_values,
			    kunit_declared, ktap_plan_errors, parse_ktap,
			    printed_password, sha256)

HERE = os.path.dirname(os.path.abspath(__file__))
KUNIT_SUITE = 'cifsroot'


class Failed(Exception):
	"""A check did not hold; the message says what was seen."""


def expect(cond, msg):
	if not cond:
		raise Failed(msg)


# ---------------------------------------------------------------- setup

@once_per_base
def kernel_image():
	return kernel.build()


@once_per_base
def debug_image():
	"""The test kernel under KASAN, UBSAN, lockdep and the atomic-sleep
	check (configs/debug.config)."""
	return kernel.build(name='debug')


# guest/probes.sh's settings in the debug kernel's boot
DEBUG_PROBES = 'rounds=1\nappends=100\n'


class MainBoot:
	"""The boot that most checks judge: rootfs, smbd, QEMU, once.

	`name` 'main' boots the test kernel; 'debug' the debug kernel, with
	its own share and log, and a tenth of the appends in one round
	(DEBUG_PROBES), as each costs ten times as much there.
	"""

	def __init__(self, name='main'):
		self.name = name
		self.dir = out_dir('check')
		self.share = os.path.join(self.dir, 'share' if name == 'main'
					  else name + '-share')
		self.log = os.path.join(self.dir, name + '-boot.log')
		self.result = None
		self.values = {}
		self.output = None

	def run(self):
		image = kernel_image() if self.name == 'main' else debug_image()
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
		if self.name == 'debug':
			with open(os.path.join(run_dir, 'probe.conf'), 'w') as f:
				f.write(DEBUG_PROBES)
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


@once
def debug_boot():
	boot = MainBoot('debug')
	boot.run()
	return boot


# ---------------------------------------------------------------- tests


def test_boot_root(boot=None):
	"""cifs on /, /sbin/init from the share, the password never printed."""
	boot = boot or main_boot()
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
	"""A 0640 file chowned to 1000:1000 in the guest is 1000:1000 and
	0640 on both sides: the change of owner leaves the mode alone."""
	boot = main_boot()
	seen = boot.need('owned')
	expect(seen == '1000:1000 640', 'guest shows ' + seen)
	path = boot.path('owned')
	server = f'{owner(path)} {stat.S_IMODE(os.stat(path).st_mode):o}'
	expect(server == '1000:1000 640', 'server has ' + server)


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


# A root that cannot be mounted for good panics this soon (guest seconds).
# It takes about 2.5 s under TCG, DHCP included, and 5 s on a loaded
# machine; an error wrongly retried would spend the 90 s budget of
# root_net_retry() (and print "retrying in", which is checked on its own).
PANIC_BOUND = 30


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
	       '1000:1000', f'server has {owner(boot.path("dev1000"))} '
	       + stat.filemode(st.st_mode))


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


def test_wrong_share():
	"""A wrong share name ends in our named panic, at once."""
	return panic_boot('wrong-share',
			  'VFS: Unable to mount root fs via cifs on //10.0.2.2/nosuch: '
			  'error -6 (share not found; check the share name',
			  share='nosuch')


def test_wrong_password():
	"""A wrong password ends in our named panic, at once."""
	return panic_boot('wrong-password',
			  'VFS: Unable to mount root fs via cifs on //10.0.2.2/root: '
			  'error -13 (access denied; check username and password)',
			  password='wrong')


# ------------------------------------------------ the private test network


# What a debug kernel prints at boot: the checks are on.
DEBUG_BANNERS = (('KASAN', 'KernelAddressSanitizer initialized'),
		 ('lockdep', 'Lock dependency validator'))


def expect_debug_kernel(console):
	"""The console is a debug kernel's, with no report in it."""
	missing = [name for name, banner in DEBUG_BANNERS
		   if banner not in console]
	expect(not missing, 'not a debug kernel: no ' + ', '.join(missing)
	       + ' banner')
	hits = console_problems(console)
	expect(not hits, 'debug reports:\n' + '\n'.join(hits[:20]))


def test_kunit_debug():
	"""The parser suite passes again in the debug kernel."""
	log_path = os.path.join(out_dir('check'), 'kunit-debug.log')
	res = qemu.boot(debug_image(),
			 'console=ttyS0 kunit.filter_glob=cifsroot '
			 'kunit_shutdown=reboot panic=-1', log_path, timeout=600)
	expect(parse_ktap(res.console, KUNIT_SUITE),
	       'no KTAP results: ' + qemu.explain_failure(res))
	note = judge_kunit(res.console)
	expect_debug_kernel(res.console)
	return note + ', under KASAN, UBSAN and lockdep'


def test_debug_boot():
	"""The main boot's guest checks pass in the debug kernel, whose
	console stays clean."""
	boot = debug_boot()
	test_boot_root(boot)
	lines = (boot.output or '').splitlines()
	probes = [line for line in lines if line.startswith('probe ')]
	failed = [line for line in probes if ': fail' in line]
	expect(probes and not failed, f'{len(failed)} of {len(probes)} probe '
	       'lines failed, the first: ' + (failed or ['none ran'])[0])
	expect_debug_kernel(boot.result.console)
	return (f'guest checks and {len(probes)} probe lines passed in '
		f'{boot.result.elapsed:.0f} s, no KASAN, UBSAN or lockdep '
		'report')


def boot_logs():
	"""The console logs of the boots in out/check, of every base and
	protocol."""
	logs = []
	for name in BASES:
		for proto in PROTOCOLS:
			with using_base(name), using_protocol(proto):
				logs += sorted(glob.glob(os.path.join(
					out_dir('check'), '*.log')))
	return logs


def test_consoles():
	"""No boot of this run, on any base and protocol, printed BUG, Oops, WARNING, KASAN
	or UBSAN."""
	logs = boot_logs()
	if not logs:
		return 'no boots in this run'
	hits = []
	for path in logs:
		with open(path, errors='replace') as f:
			for line in console_problems(f.read()):
				hits.append(f'{os.path.relpath(path, out_dir())}: '
					    f'{line}')
	expect(not hits, '\n'.join(hits[:40]))
	return f'{len(logs)} consoles clean'


TESTS = [
	('boot: cifs on / and /sbin/init from the share', test_boot_root),
	('boot: a file written by the guest is on the share', test_write),
	('security: a password in cifsroot= is *** in /proc/cmdline',
	 test_cmdline_password),
	('kunit: the cifsroot= parser suite passes', test_kunit),
	('posix: guest chown 1000:1000 holds on the server, mode 0640 kept',
	 test_owner_from_guest),
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

# After the network boots (cifsroot_netboot.py) and the security tests
# (cifsroot_security.py).
LATE_TESTS = [
	('panic: a wrong share ends in the named panic', test_wrong_share),
	('panic: a wrong password ends in the named panic', test_wrong_password),
	('kunit: the parser suite passes under KASAN, UBSAN and lockdep',
	 test_kunit_debug),
	('debug: the main boot passes under KASAN, UBSAN and lockdep',
	 test_debug_boot),
]

# Judges every boot above, so it runs last.
FINAL_TESTS = [
	('console: no boot printed BUG, Oops, WARNING, KASAN, UBSAN',
	 test_consoles),
]
