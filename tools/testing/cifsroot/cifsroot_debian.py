#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# A Debian 12 system on the SMB root: the Debian boot tests of `make check`.
#
# A minbase debootstrap of bookworm with systemd is cached under the harness
# cache, named by a hash of its recipe, and copied with cp -a to a fresh
# share for every run. The copy boots twice with systemd as init. In the
# first boot a unit of ours (guest/cifsroot-check.service running
# guest/debian-check.sh) adds a user, installs a package from a repository
# the harness serves over HTTP, appends to one log from two processes and
# powers off; the second boot looks for all of it. The unit prints
# "cifsroot-check <key>: <value>" lines on the console, judged here
# together with what the server stored.

import argparse
import functools
import glob
import hashlib
import http.server
import os
import re
import shutil
import sys
import threading
import time
import uuid
from email.utils import formatdate

import cifsroot_check as check
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
import cifsroot_trees as trees
from cifsroot_common import HarnessError, log, once, out_dir, run

HERE = os.path.dirname(os.path.abspath(__file__))

GUEST_DIR = os.path.join(HERE, 'guest')
TREE_SCRIPT = os.path.join(GUEST_DIR, 'debian-tree.sh')
CHECK_SCRIPT = os.path.join(GUEST_DIR, 'debian-check.sh')
CHECK_UNIT = os.path.join(GUEST_DIR, 'cifsroot-check.service')

# The recipe of the cached tree (with TREE_SCRIPT's text)
SUITE = 'bookworm'
MIRROR = trees.MIRROR
PACKAGES = (
	'systemd-sysv',		# systemd as /sbin/init
	'udev',			# device units, such as ttyS0's for its getty
	'dbus',			# the system bus of systemd-logind
)

# Units that may fail, each because it cannot work in a diskless VM: unit
# name -> why. Any other failed unit fails the test.
ALLOWED_FAILURES = {
}

MEMORY = 1024			# MiB; systemd and apt want more than busybox
BOOT_TIMEOUT = 600		# seconds per boot, QEMU killed after that
# What the kernel prints last on a poweroff: with ACPI it switches QEMU
# off after "Power down"; without, the poweroff becomes a halt, which
# 6.12 words differently.
POWER_DOWN = ('reboot: Power down', 'reboot: System halted',
	      'reboot: Power off not available: System halted instead')
POWER_DOWN_GRACE = 5		# seconds QEMU gets to exit by itself
# Kernel command line words beyond qemu.cmdline(): udev must not rename
# eth0, which carries the root; systemd shows unit status on the console,
# where the harness times "Reached target ... Multi-User System".
CMDLINE_OPTIONS = 'net.ifnames=0 systemd.show_status=1'

USER = 'cifsuser'
PACKAGE = 'cifsroot-hello'
VERSION = '1.0'
APPENDERS = ('a', 'b')
APPEND_COUNT = 1000
APPEND_PAD = '0123456789abcdef' * 3

# The check script's lines: "cifsroot-check <key>: <value>"
PREFIX = 'cifsroot-check '
VALUE_RE = re.compile(r'.*' + re.escape(PREFIX) + r'([a-z][a-z0-9-]*): ?(.*)$')
ANSI_RE = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')
TARGET_RE = re.compile(r'Reached target .*Multi-User System')


# ---------------------------------------------------------------- parsing

def plain(text):
	"""Console text without colour escapes and carriage returns."""
	return ANSI_RE.sub('', text).replace('\r', '')


def report_values(console, phase):
	"""The "<key>: <value>" lines the check script printed in `phase`.

	They may follow other text on a console line (the getty's login
	prompt has no newline); only the part from the last PREFIX on
	counts. The
	report of a phase runs from its "begin" to its "end" line; without an
	"end" the script did not finish and the dict lacks that key.
	"""
	values = None
	for line in plain(console).splitlines():
		m = VALUE_RE.match(line)
		if not m:
			continue
		key, value = m.group(1), m.group(2).strip()
		if key == 'begin':
			values = {} if value == str(phase) else None
		if values is not None:
			values.setdefault(key, value)
			if key == 'end':
				break
	return values or {}


def status_value(value):
	"""(status, output) of a "<status> <output>" value; status None if
	the value does not start with one."""
	head, _, rest = (value or '').partition(' ')
	if not head.isdigit():
		return None, value or ''
	return int(head), rest


def time_to_target(lines, t0):
	"""Seconds from `t0` to the console line of multi-user.target.

	`lines` holds (time.monotonic(), text) per console line, as a Boot
	records them; None when the target was never reached.
	"""
	for stamp, text in lines:
		if TARGET_RE.search(plain(text)):
			return stamp - t0
	return None


def unexpected_failures(failed, allowed=None):
	"""The failed units (a space-separated list) not allowed to fail."""
	allowed = ALLOWED_FAILURES if allowed is None else allowed
	return [unit for unit in failed.split() if unit not in allowed]


def state_problem(values, allowed=None):
	"""Why the system state of a report is not acceptable, or None.

	`running` with no failed unit is; so is `degraded` when every failed
	unit is allowed to fail.
	"""
	state = values.get('state', '')
	failed = values.get('failed', '')
	bad = unexpected_failures(failed, allowed)
	if state == 'running' and not failed:
		return None
	if state == 'degraded' and failed and not bad:
		return None
	return (f'systemctl is-system-running says "{state}"; failed units: '
		+ (failed or 'none') +
		(f'; not allowed to fail: {" ".join(bad)}' if bad else ''))


def append_problems(text, writers=APPENDERS, count=APPEND_COUNT,
		    pad=APPEND_PAD):
	"""What is wrong with the appenders' log, as a list of sentences.

	Each writer appends "<writer> <nnnn> <pad>" for nnnn = 1..count. Every
	line must be whole, and each writer's numbers must appear once each,
	in order.
	"""
	problems = []
	if text and not text.endswith('\n'):
		problems.append('the log does not end with a newline')
	pattern = re.compile(r'(\S) (\d{4}) ' + re.escape(pad))
	seen = {w: [] for w in writers}
	torn = []
	for n, line in enumerate(text.splitlines(), 1):
		m = pattern.fullmatch(line)
		if m and m.group(1) in seen:
			seen[m.group(1)].append(int(m.group(2)))
		else:
			torn.append(n)
	if torn:
		problems.append(f'{len(torn)} torn lines (line {torn[0]} first)')
	want = list(range(1, count + 1))
	for w in writers:
		if seen[w] == want:
			continue
		missing = sorted(set(want) - set(seen[w]))
		extra = len(seen[w]) - len(set(seen[w]))
		problems.append(f'writer {w}: {len(seen[w])} lines, '
				f'{len(missing)} missing, {extra} repeated'
				+ ('' if missing or extra else ', out of order'))
	return problems


# ---------------------------------------------------------------- the tree

RECIPE = trees.Recipe(SUITE, PACKAGES, TREE_SCRIPT, MIRROR)


def recipe_text(suite=SUITE, mirror=MIRROR, packages=PACKAGES, tweak=None):
	"""The recipe of the cached tree as text; its hash names the tree."""
	if tweak is None:
		tweak = RECIPE.script_text()
	return trees.recipe_text(suite, mirror, packages, tweak,
				 os.path.basename(TREE_SCRIPT))


recipe_key = trees.recipe_key


def debian_tree():
	"""The cached tree of the recipe, built when missing."""
	return trees.cached_tree(RECIPE)


def copy_tree(tree, share):
	"""A fresh copy of `tree` at `share`: owners, modes, devices, xattrs."""
	share = rootfs.check_dest(share)
	shutil.rmtree(share, ignore_errors=True)
	t0 = time.monotonic()
	run(['cp', '-a', tree, share])
	log(f'debian: tree copied to {share} in {time.monotonic() - t0:.0f}s')
	return share


# ------------------------------------------------------- the package repository

def write_text(path, text, mode=0o644):
	"""Write `text` to `path`, making its directory, and give it `mode`."""
	os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
	rootfs.write_file(path, text, mode)


def build_package(work, token):
	"""Build PACKAGE with dpkg-deb; returns the .deb's path.

	Its program prints the run's token, so the guest's output shows it
	runs this very package.
	"""
	root = os.path.join(work, 'pkg')
	shutil.rmtree(root, ignore_errors=True)
	write_text(os.path.join(root, 'DEBIAN', 'control'),
		   f'Package: {PACKAGE}\n'
		   f'Version: {VERSION}\n'
		   'Architecture: all\n'
		   'Maintainer: cifsroot maintainers <cifsroot@example.org>\n'
		   'Description: cifsroot Debian boot test package\n'
		   ' Installed by the Debian boot test of cifsroot from the\n'
		   ' local repository of the test.\n')
	write_text(os.path.join(root, 'usr', 'bin', PACKAGE),
		   f'#!/bin/sh\necho "{PACKAGE} {token}"\n', 0o755)
	write_text(os.path.join(root, 'usr', 'share', 'doc', PACKAGE,
				'README'), 'A test package of cifsroot.\n')
	deb = os.path.join(work, 'repo', f'{PACKAGE}_{VERSION}_all.deb')
	os.makedirs(os.path.dirname(deb), exist_ok=True)
	run(['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', root, deb],
	    capture=True)
	return deb


def release_text(files, date=None):
	"""A Release file listing `files` ({name: bytes}) by SHA-256."""
	lines = ['Origin: cifsroot', 'Label: cifsroot', 'Suite: local',
		 'Codename: local',
		 'Date: ' + (date or formatdate(usegmt=True)), 'SHA256:']
	for name, data in sorted(files.items()):
		lines.append(f' {hashlib.sha256(data).hexdigest()} '
			     f'{len(data)} {name}')
	return '\n'.join(lines) + '\n'


def build_repo(work, token):
	"""A flat repository with PACKAGE in `work`/repo; returns its path."""
	repo = os.path.join(work, 'repo')
	shutil.rmtree(repo, ignore_errors=True)
	build_package(work, token)
	packages = run(['dpkg-scanpackages', '--multiversion', '.'],
		       capture=True, cwd=repo).stdout
	if f'Package: {PACKAGE}' not in packages:
		raise HarnessError('dpkg-scanpackages did not list ' + PACKAGE)
	write_text(os.path.join(repo, 'Packages'), packages)
	write_text(os.path.join(repo, 'Release'),
		   release_text({'Packages': packages.encode()}))
	return repo


def fetched(requests, name):
	"""Whether `requests` ((path, status) pairs) got file `name` whole."""
	return any(os.path.basename(path) == name and status == 200
		   for path, status in requests)


class RepoServer:
	"""An HTTP server of `directory` on 127.0.0.1, on a free port.

	`requests` records (path, status) of every request it answered.
	"""

	def __init__(self, directory):
		self.directory = directory
		self.requests = []
		self.httpd = None
		self.thread = None
		self.port = None

	def __enter__(self):
		requests = self.requests

		class Handler(http.server.SimpleHTTPRequestHandler):
			def log_request(self, code='-', size='-'):
				requests.append((self.path, int(code)))

			def log_message(self, *args):
				pass

		handler = functools.partial(Handler, directory=self.directory)
		self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
							     handler)
		self.port = self.httpd.server_address[1]
		self.thread = threading.Thread(target=self.httpd.serve_forever,
					       daemon=True)
		self.thread.start()
		log(f'debian: repository served on 127.0.0.1:{self.port}')
		return self

	def __exit__(self, *exc):
		self.httpd.shutdown()
		self.httpd.server_close()
		self.thread.join()
		return False


# ---------------------------------------------------------------- the boots

def install_checks(share, port, token, machine_id):
	"""Put the check unit, its script, the run's token, a machine ID and
	the test's repository (instead of Debian's) into the share."""
	etc = os.path.join(share, 'etc')
	shutil.copyfile(CHECK_SCRIPT, os.path.join(share, 'usr', 'local',
						   'sbin', 'cifsroot-check'))
	os.chmod(os.path.join(share, 'usr', 'local', 'sbin', 'cifsroot-check'),
		 0o755)
	unit = os.path.join(etc, 'systemd', 'system', 'cifsroot-check.service')
	shutil.copyfile(CHECK_UNIT, unit)
	os.chmod(unit, 0o644)
	wants = os.path.join(etc, 'systemd', 'system',
			     'multi-user.target.wants')
	os.makedirs(wants, exist_ok=True)
	os.symlink('/etc/systemd/system/cifsroot-check.service',
		   os.path.join(wants, 'cifsroot-check.service'))
	write_text(os.path.join(etc, 'cifsroot', 'token'), token + '\n')
	write_text(os.path.join(etc, 'machine-id'), machine_id + '\n', 0o444)
	for path in glob.glob(os.path.join(etc, 'apt', 'sources.list.d', '*')):
		os.unlink(path)
	write_text(os.path.join(etc, 'apt', 'sources.list'),
		   f'deb [trusted=yes] http://{samba.HOST_ADDR}:{port}/ ./\n')


def set_phase(share, phase):
	"""Tell the check script which boot comes next."""
	write_text(os.path.join(share, 'etc', 'cifsroot', 'phase'), f'{phase}\n')


def powered_down(text):
	"""Whether console text shows the kernel's last words of a poweroff."""
	return any(mark in text for mark in POWER_DOWN)


def console_has_power_down(handle, start):
	"""Index past the console lines searched and whether one from
	`start` on shows the end of a poweroff."""
	lines = handle.lines
	end = len(lines)
	return end, any(powered_down(line) for _, line in lines[start:end])


def boot_to_poweroff(image, append, log_path, timeout=BOOT_TIMEOUT):
	"""Boot and wait for the guest to power off; (BootResult, t0).

	Without ACPI the kernel cannot switch QEMU off but halts: once it
	printed one of POWER_DOWN, QEMU gets POWER_DOWN_GRACE seconds to exit,
	then is killed. A boot that never gets there is killed at `timeout`.
	"""
	handle = qemu.start_boot(image, append, log_path, timeout=timeout,
				  memory=MEMORY)
	with handle:
		searched, down = 0, None
		deadline = handle.t0 + timeout
		while handle.running() and time.monotonic() < deadline:
			if down is None:
				searched, seen = console_has_power_down(
					handle, searched)
				down = time.monotonic() if seen else None
			elif time.monotonic() > down + POWER_DOWN_GRACE:
				handle.kill()
				break
			time.sleep(0.2)
		return handle.wait(), handle.t0


class Phase:
	"""One boot of the Debian share and the report of its checks."""

	def __init__(self, number, result, t0, log_path):
		self.number = number
		self.result = result
		self.log_path = log_path
		self.values = report_values(result.console, number)
		self.target = time_to_target(result.lines, t0)
		self.powered_off = powered_down(result.console)

	def need(self, key):
		"""The value of `key`; Failed when the guest never printed it."""
		if key not in self.values:
			raise check.Failed(
				f'boot {self.number}: the guest printed no '
				f'"{key}:" line; {self.why()}')
		return self.values[key]

	def why(self):
		"""How the boot ended, in short, with its last console lines."""
		res = self.result
		how = 'timed out' if res.timed_out else \
			f'QEMU exited ({res.status})'
		last = '\n'.join(plain(res.console).splitlines()[-8:])
		return (f'{how} after {res.elapsed:.0f}s, see {self.log_path}; '
			f'last console lines:\n{last}')

	def finished(self):
		"""Whether the checks ran to their end and the guest powered off."""
		return 'end' in self.values and self.powered_off


class DebianBoots:
	"""Two boots of one fresh copy of the cached Debian tree.

	The share, the repository and the console logs go to `where`.
	"""

	def __init__(self, image, where):
		self.image = image
		self.where = where
		self.dir = os.path.join(where, 'debian')
		self.share = os.path.join(self.dir, 'share')
		self.token = os.urandom(8).hex()
		self.machine_id = uuid.uuid4().hex
		self.phases = {}
		self.requests = []

	def run(self):
		"""Build what is missing, then boot twice."""
		tree = debian_tree()
		repo = build_repo(self.dir, self.token)
		with RepoServer(repo) as server:
			copy_tree(tree, self.share)
			install_checks(self.share, server.port, self.token,
				       self.machine_id)
			with samba.Smbd(self.share) as smbd:
				append = qemu.cmdline(smbd) + ' ' + CMDLINE_OPTIONS
				for number in (1, 2):
					phase = self.boot(number, append)
					if not phase.finished():
						break
			self.requests = list(server.requests)

	def boot(self, number, append):
		"""Boot phase `number`; keep and return its Phase."""
		set_phase(self.share, number)
		log_path = os.path.join(self.where, f'debian-boot{number}.log')
		result, t0 = boot_to_poweroff(self.image, append, log_path)
		phase = self.phases[number] = Phase(number, result, t0, log_path)
		when = f'{phase.target:.1f}s' if phase.target else 'never'
		log(f'debian: boot {number}: multi-user.target after {when}, '
		    f'{result.elapsed:.0f}s in all')
		return phase

	def phase(self, number):
		"""Phase `number`; Failed if it did not run to its poweroff."""
		if number > 1:
			self.phase(number - 1)
		phase = self.phases.get(number)
		if phase is None:
			raise check.Failed(f'boot {number} did not run')
		if not phase.finished():
			raise check.Failed(
				f'boot {number}: the checks did not finish and '
				f'power off; {phase.why()}')
		return phase

	def path(self, *parts):
		"""A path in the share."""
		return os.path.join(self.share, *parts)


# The kernel the boots use and where their files go: those of `make check`
# unless main() says otherwise
_image = None
_where = None


@once
def debian_boots():
	"""The two boots every test of this file judges, run once."""
	boots = DebianBoots(_image or check.kernel_image(),
			    _where or out_dir('check'))
	boots.run()
	return boots


# ---------------------------------------------------------------- tests

def expect(cond, msg):
	check.expect(cond, msg)


def test_multi_user():
	"""systemd is init, reaches multi-user.target; nothing failed that may
	not."""
	boots = debian_boots()
	notes = []
	for number in (1, 2):
		phase = boots.phases.get(number) or boots.phase(number)
		expect(phase.target is not None,
		       f'boot {number}: no "Reached target ... Multi-User System" '
		       f'line; {phase.why()}')
		expect(phase.need('token') == boots.token,
		       f'boot {number}: the token is not this run\'s')
		expect(phase.need('pid1') in ('/usr/lib/systemd/systemd',
					      '/lib/systemd/systemd'),
		       f'boot {number}: pid 1 is {phase.need("pid1")}')
		expect(re.match(r'//10\.0\.2\.2/root / cifs ', phase.need('root')),
		       f'boot {number}: root is {phase.need("root")}')
		problem = state_problem(phase.values)
		expect(problem is None, f'boot {number} (multi-user.target '
		       f'after {phase.target:.0f}s): {problem}')
		notes.append(f'{phase.target:.0f}s')
	first = boots.phases[1].values
	allowed = first.get('failed', '')
	analyze = re.search(r'\S+\.target reached after .+? in userspace',
			    first.get('analyze', ''))
	return ('QEMU start to multi-user.target: ' + ', '.join(notes) +
		(f' (systemd-analyze: {analyze.group(0)})' if analyze else '') +
		(f'; failed as allowed: {allowed}' if allowed else ''))


def test_journal():
	"""journald writes to /var/log/journal on the root; boot 2 lists two
	boots and reads boot 1's entry."""
	boots = debian_boots()
	second = boots.phase(2)
	expect(second.need('machine-id') == boots.machine_id,
	       'the guest has machine ID ' + second.need('machine-id'))
	files = glob.glob(boots.path('var', 'log', 'journal', boots.machine_id,
				     '*.journal'))
	expect(files, f'no /var/log/journal/{boots.machine_id}/*.journal '
	       'on the server')
	expect(second.need('boots') == '2',
	       'journalctl --list-boots lists ' + second.need('boots'))
	expect(second.need('journal-mark') == '1',
	       'the entry boot 1 logged is found '
	       f'{second.need("journal-mark")} times')
	size = sum(os.path.getsize(f) for f in files)
	return f'{len(files)} journal files, {size >> 10} KiB'


def test_user():
	"""useradd -m and su work; the user's files are its own on both sides."""
	boots = debian_boots()
	first = boots.phase(1)
	for key in ('useradd', 'su'):
		status, out = status_value(first.need(key))
		expect(status == 0, f'{key} failed ({status}): {out}')
	ids, _, home = first.need('user').partition(' ')
	expect(re.fullmatch(r'[1-9]\d*:[1-9]\d*', ids) and home,
	       f'the user is "{first.need("user")}"')
	for phase in (first, boots.phase(2)):
		expect(phase.need('user') == first.need('user'),
		       f'boot {phase.number}: the user is "{phase.need("user")}"')
		expect(phase.need('owner').split() == [ids] * 3,
		       f'boot {phase.number}: home, file and directory are '
		       f'{phase.need("owner")}, want {ids}')
		expect(phase.need('made') == USER,
		       f'boot {phase.number}: the file holds '
		       f'"{phase.need("made")}"')
	uid, gid = (int(n) for n in ids.split(':'))
	home = boots.path(home.lstrip('/'))
	for path in (home, os.path.join(home, 'made'), os.path.join(home, 'dir')):
		st = os.lstat(path)
		expect((st.st_uid, st.st_gid) == (uid, gid),
		       f'{path} is {st.st_uid}:{st.st_gid} on the server, '
		       f'want {ids}')
	return f'{USER} is {ids}'


def test_apt():
	"""apt-get install from the local repository; dpkg --audit and apt-get
	check are clean after it and after the next boot."""
	boots = debian_boots()
	first = boots.phase(1)
	for key in ('apt-update', 'apt-install'):
		status, out = status_value(first.need(key))
		expect(status == 0, f'{key} failed ({status}): {out}')
	deb = f'{PACKAGE}_{VERSION}_all.deb'
	expect(fetched(boots.requests, deb),
	       f'the guest never fetched {deb}: {boots.requests}')
	for phase in (first, boots.phase(2)):
		where = f'boot {phase.number}: '
		expect(phase.need('package') == f'install ok installed {VERSION}',
		       where + 'dpkg-query says ' + phase.need('package'))
		expect(phase.need('hello') == f'{PACKAGE} {boots.token}',
		       where + 'the package printed ' + phase.need('hello'))
		expect(phase.need('audit') == '0',
		       where + 'dpkg --audit: ' + phase.need('audit'))
		expect(status_value(phase.need('apt-check'))[0] == 0,
		       where + 'apt-get check: ' + phase.need('apt-check'))
	return f'{len(boots.requests)} HTTP requests'


def test_appenders():
	"""Two processes appending 1000 lines each to one log lose nothing."""
	boots = debian_boots()
	first = boots.phase(1)
	path = boots.path('var', 'log', 'cifsroot-append.log')
	expect(os.path.exists(path), 'no append log on the server')
	with open(path, errors='replace') as f:
		problems = append_problems(f.read())
	want = str(APPEND_COUNT * len(APPENDERS))
	if first.need('appendlines') != want:
		problems.append(f'the guest counted {first.need("appendlines")} '
				f'lines, want {want}')
	if first.need('appendgood') != want:
		problems.append(f'the guest counted {first.need("appendgood")} '
				'whole lines')
	expect(not problems, '; '.join(problems))
	return f'{want} lines'


def test_second_boot():
	"""After systemctl poweroff a second boot sees the first's user,
	package and log."""
	boots = debian_boots()
	first, second = boots.phase(1), boots.phase(2)
	expect(not first.result.timed_out, 'boot 1 timed out')
	for key in ('user', 'owner', 'package', 'hello'):
		expect(first.need(key) == second.need(key),
		       f'{key}: boot 1 saw "{first.need(key)}", boot 2 '
		       f'"{second.need(key)}"')
	expect(second.need('appended') == first.need('appendlines'),
	       f'boot 2 sees {second.need("appended")} log lines, boot 1 '
	       f'wrote {first.need("appendlines")}')
	return (f'boots took {first.result.elapsed:.0f}s and '
		f'{second.result.elapsed:.0f}s')


TESTS = [
	('debian: systemd reaches multi-user.target', test_multi_user),
	('debian: journal on the root, two boots', test_journal),
	('debian: useradd and su, files owned by the user', test_user),
	('debian: apt-get install from a local repository, dpkg --audit and '
	 'apt-get check clean', test_apt),
	('debian: two appenders lose nothing', test_appenders),
	('debian: a second boot after poweroff sees the first', test_second_boot),
]


def main(argv):
	"""Run only the Debian boot tests, with a given kernel.

	Their files go to out/debian, apart from those of `make check`.
	"""
	global _image, _where
	p = argparse.ArgumentParser(description=main.__doc__)
	p.add_argument('--kernel', help='bzImage to boot (default: build)')
	args = p.parse_args(argv)
	_image = args.kernel and os.path.abspath(args.kernel)
	_where = out_dir('debian')
	failed = 0
	for name, fn in TESTS:
		t0 = time.monotonic()
		try:
			note = fn()
			print(f'ok - {name} ({time.monotonic() - t0:.0f}s)'
			      + (f' # {note}' if note else ''), flush=True)
		except (check.Failed, HarnessError) as e:
			failed += 1
			print(f'not ok - {name}', flush=True)
			for line in str(e).splitlines():
				print('# ' + line)
	return 1 if failed else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
