# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the cifsroot harness: where things live, logging with
# elapsed time, running commands.

import contextlib
import fcntl
import functools
import os
import subprocess
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
START = time.monotonic()


class HarnessError(Exception):
	"""A step failed; the message says what and what to check."""


# The kernel bases the series is kept for; the first is the default.
# BASE=6.12 (make boot, make series) or using_base() selects another.
BASES = ('6.1', '6.12')
_base = [os.environ.get('BASE') or BASES[0]]


def base():
	"""The kernel base the harness works on now."""
	if _base[0] not in BASES:
		raise HarnessError(f'BASE={_base[0]}: the bases are '
				   + ', '.join(BASES))
	return _base[0]


@contextlib.contextmanager
def _setting(cell, value, check):
	"""Set the one-item list `cell` to `value` inside the block; check()
	refuses a value that is not one of its own."""
	old = cell[0]
	cell[0] = value
	try:
		check()
		yield
	finally:
		cell[0] = old


def using_base(name):
	"""Work on base `name` inside the block."""
	return _setting(_base, name, base)


# The protocols the root is mounted with; the first is the default.
# PROTOCOL=smb3 (make boot) or using_protocol() selects the other:
#   smb1  SMB1 with the UNIX extensions, served by the host's Samba
#   smb3  SMB3.1.1 with the POSIX extensions, served by Samba 4.22 from a
#         Debian 13 tree (cifsroot_smbd.py)
PROTOCOLS = ('smb1', 'smb3')
_protocol = [os.environ.get('PROTOCOL') or PROTOCOLS[0]]


def protocol():
	"""The protocol the harness mounts the root with now."""
	if _protocol[0] not in PROTOCOLS:
		raise HarnessError(f'PROTOCOL={_protocol[0]}: the protocols '
				   'are ' + ', '.join(PROTOCOLS))
	return _protocol[0]


def using_protocol(name):
	"""Mount the root with protocol `name` inside the block."""
	return _setting(_protocol, name, protocol)


def base_suffix():
	"""'' for the default base, '-6.12' for another (cache names)."""
	return '' if base() == BASES[0] else '-' + base()


def cache_dir():
	"""Slow, reusable things (kernel tree, ccache, builds) live here."""
	default = os.path.join(os.environ.get('XDG_CACHE_HOME') or
			       os.path.expanduser('~/.cache'), 'cifsroot')
	path = os.environ.get('CIFSROOT_CACHE') or default
	os.makedirs(path, exist_ok=True)
	return path


def out_dir(*parts):
	"""Per-checkout output (logs, rootfs, series): out/ in the checkout,
	out/<base>/ for a base other than the default, and in it <protocol>/
	for a protocol other than the default."""
	top = [] if base() == BASES[0] else [base()]
	top += [] if protocol() == PROTOCOLS[0] else [protocol()]
	path = os.path.join(REPO, 'out', *top, *parts)
	os.makedirs(path, exist_ok=True)
	return path


def log(msg):
	print(f'[{time.monotonic() - START:7.1f}s] {msg}', flush=True)


@contextlib.contextmanager
def cache_lock():
	"""Hold the cache for one run: two runs would check different commits
	out in the same kernel tree. A second run waits for the first."""
	path = os.path.join(cache_dir(), 'lock')
	with open(path, 'a+') as f:
		try:
			fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
		except BlockingIOError:
			f.seek(0)
			holder = f.read().strip() or 'another run'
			log(f'waiting for the cache, held by {holder}')
			fcntl.flock(f, fcntl.LOCK_EX)
		f.seek(0)
		f.truncate()
		f.write(f'pid {os.getpid()}\n')
		f.flush()
		try:
			yield
		finally:
			f.seek(0)
			f.truncate()
			fcntl.flock(f, fcntl.LOCK_UN)


def step(name):
	"""Decorate a named harness step: announce it and its elapsed time."""
	def wrap(fn):
		@functools.wraps(fn)
		def inner(*args, **kwargs):
			t0 = time.monotonic()
			log(f'{name} ...')
			try:
				return fn(*args, **kwargs)
			finally:
				log(f'{name} done in {time.monotonic() - t0:.1f}s')
		inner.step_name = name
		return inner
	return wrap


# The Debian package of each program the harness runs (deps.sh installs
# them), for the one line that says what is missing.
PACKAGE_OF = {
	'qemu-system-x86_64': 'qemu-system-x86', 'smbd': 'samba',
	'smbpasswd': 'samba', 'smbclient': 'smbclient',
	'smbstatus': 'samba', 'dnsmasq': 'dnsmasq-base', 'ip': 'iproute2',
	'busybox': 'busybox-static', 'debootstrap': 'debootstrap',
	'sparse': 'sparse', 'gcc': 'build-essential',
	'make': 'build-essential', 'clang': 'clang', 'ccache': 'ccache',
	'git': 'git', 'gnuplot': 'gnuplot-nox', 'cpio': 'cpio',
	'xz': 'xz-utils', 'unifdef': 'unifdef',
	'ganesha.nfsd': 'nfs-ganesha',
}


class SetUp:
	"""A context manager of something set up in steps: entering calls
	setup(), leaving calls close(), which also runs when setup() fails part
	way and must undo however far it got."""

	def __enter__(self):
		try:
			self.setup()
		except BaseException:
			self.close()
			raise
		return self

	def __exit__(self, *exc):
		self.close()
		return False


def missing_program(cmd):
	"""HarnessError naming the package of a program that is not there."""
	prog = os.path.basename(cmd[0])
	package = PACKAGE_OF.get(prog)
	where = f'Debian package {package}' if package else 'its package'
	return HarnessError(f'{prog} is not installed: install {where} '
			    '(make deps does)')


def popen(cmd, **kwargs):
	"""subprocess.Popen that names the package of a missing program."""
	try:
		return subprocess.Popen(cmd, **kwargs)
	except FileNotFoundError:
		raise missing_program(cmd) from None


def signal_group(pgid, sig):
	"""Send `sig` to process group `pgid` if it still has members."""
	try:
		os.killpg(pgid, sig)
	except ProcessLookupError:
		pass


def run(cmd, check=True, capture=False, input=None, **kwargs):
	"""Run a command; on failure raise with its output."""
	try:
		res = subprocess.run(cmd, text=True, input=input,
				     stdout=subprocess.PIPE if capture else None,
				     stderr=subprocess.PIPE if capture else None,
				     **kwargs)
	except FileNotFoundError:
		if kwargs.get('cwd') and not os.path.isdir(kwargs['cwd']):
			raise
		raise missing_program(cmd) from None
	if check and res.returncode != 0:
		detail = ''
		if capture:
			detail = '\n' + (res.stdout or '') + (res.stderr or '')
		raise HarnessError(f'command failed ({res.returncode}): '
				   f'{" ".join(cmd)}{detail[-4000:]}')
	return res


def _once(fn, key):
	done = {}

	@functools.wraps(fn)
	def wrapper():
		k = key()
		if k not in done:
			try:
				done[k] = (fn(), None)
			except Exception as e:  # noqa: BLE001 - replayed below
				done[k] = (None, e)
		result, error = done[k]
		if error is not None:
			raise error
		return result
	return wrapper


def once(fn):
	"""Run fn() once; later calls return its result or raise its error.

	For fixtures that many tests share (a boot): a failed one fails every
	test that needs it without being run again, which functools.lru_cache
	does not do (it caches no exception). Once per kernel base and
	protocol: a fixture of one is not another's.
	"""
	return _once(fn, lambda: (base(), protocol()))


def once_per_base(fn):
	"""once(), for a fixture that every protocol shares: a kernel."""
	return _once(fn, base)
