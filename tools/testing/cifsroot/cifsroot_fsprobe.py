# SPDX-License-Identifier: GPL-2.0
#
# The file system probes of the main `make check` boot: what a Debian
# userspace expects of its root and a local disk gives. guest/fsprobe.c
# runs in the guest (built here, statically); guest/probes.sh runs it and
# prints "probe <name>: <key>: ok|fail ..." lines; this module prepares
# the share before the boot and judges those lines and the server's view.

import errno
import os
import shutil

from cifsroot_common import LazyModule, log, out_dir, run

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, 'guest', 'fsprobe.c')
SCRIPT = os.path.join(HERE, 'guest', 'probes.sh')

# Option sets of the second mounts that append (see probes.sh)
APPEND_OPTIONS = ('cache=none', 'nosetuids', 'cifsacl',
		  'cifsacl,mfsymlinks,rsize=1048576,wsize=65536,uid=0,gid=0')

NAME_MAX = 255


def build():
	"""Compile fsprobe statically for the guest; returns its path."""
	dest = os.path.join(out_dir('check'), 'fsprobe')
	run(['gcc', '-static', '-O2', '-Wall', '-Wextra', '-Werror',
	     '-o', dest, SOURCE], capture=True)
	return dest


# ---------------------------------------------------------------- names

def utf8_byte_chars():
	"""Characters whose UTF-8 forms hold every byte valid UTF-8 can hold.

	Those are 0x80-0xbf as continuation bytes and 0xc2-0xf4 as lead
	bytes; 0xc0, 0xc1 and 0xf5-0xff never occur in valid UTF-8.
	"""
	chars = [chr(c) for c in range(0x80, 0xc0)]	# c2 80 .. c2 bf
	chars += [chr((lead & 0x1f) << 6 | 0x15) for lead in range(0xc2, 0xe0)]
	for lead in range(0xe0, 0xf0):
		cp = (lead & 0x0f) << 12 | 0xa15
		if 0xd800 <= cp < 0xe000:	# no surrogates: ED 80-9F only
			cp -= 0x800
		chars.append(chr(cp))
	for lead in range(0xf0, 0xf5):
		chars.append(chr(max((lead & 0x07) << 18, 0x10000) | 0xf600))
	return chars


def chunks(chars, limit=NAME_MAX):
	"""Names of at most `limit` UTF-8 bytes made of `chars` in order."""
	names, cur = [], b''
	for ch in chars:
		enc = ch.encode()
		if len(cur) + len(enc) > limit:
			names.append(cur)
			cur = b''
		cur += enc
	return names + ([cur] if cur else [])


def valid_names():
	"""Names valid on Linux and in UTF-8 that must survive as typed.

	Every byte 0x01-0x7f but '/', alone and amid text; the characters
	SMB reserves; names Windows would change (trailing dot or space,
	device names); case pairs; NFC and NFD forms; multibyte UTF-8 with
	every byte it can hold, characters beyond the BMP; names of
	NAME_MAX bytes.
	"""
	names = [b'b%02x-' % c + bytes([c]) + b'-e'
		 for c in range(1, 0x80) if c != ord('/')]
	names += [bytes([c]) for c in range(1, 0x80)
		  if c != ord('/') and c != ord('.')]
	names += [n.encode() for n in (
		'a:b', 'star*', 'what?', 'say"hi"', '<tag>', 'pi|pe', 'back\\slash',
		'trailing.', 'trailing ', ' leading', '..dots', 'CON', 'aux.txt',
		'nul', 'Case', 'case', 'héllo-ü', 'e\u0301-nfd', '\u00e9-nfc',
		'日本語のファイル', 'emoji-\U0001f600\U0001f680',
		'private-\uf029\uf03a', 'bom-\ufeff', 'max-\U0010fffd',
	)]
	names += chunks(utf8_byte_chars())
	names.append(b'x' * NAME_MAX)
	names.append('日'.encode() * (NAME_MAX // 3))
	names.append('\U0001f600'.encode() * (NAME_MAX // 4))
	return names


# Names Linux allows but that are not UTF-8: what they do is measured and
# documented, and they must never come back changed.
INVALID_NAMES = (b'\xff', b'latin1-caf\xe9', b'cut-\xc3', b'overlong-\xc0\xaf',
		 b'surrogate-\xed\xa0\x80')


def name_list(names):
	return ''.join(n.hex() + '\n' for n in names)


# ---------------------------------------------------------------- setup

def prepare(share, smbd, host):
	"""Put fsprobe, its script and inputs in `share` for the next boot.

	`host` is the server address as the guest reaches it; the second
	mount of probes.sh logs in as `smbd`'s user.
	"""
	probe = build()
	shutil.copyfile(probe, os.path.join(share, 'bin', 'fsprobe'))
	os.chmod(os.path.join(share, 'bin', 'fsprobe'), 0o755)
	run_dir = os.path.join(share, 'etc', 'cifsroot')
	shutil.copyfile(SCRIPT, os.path.join(run_dir, 'probes'))
	other = os.path.join(run_dir, 'other')
	fd = os.open(other, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	with os.fdopen(fd, 'w') as f:
		f.write(f'//{host}/{smbd.share} port={smbd.port},'
			f'username={smbd.user},password={smbd.password},'
			'vers=1.0\n')
	os.makedirs(os.path.join(share, 'mnt'), exist_ok=True)
	check = os.path.join(share, 'check')
	os.makedirs(check, exist_ok=True)
	with open(os.path.join(check, 'names.list'), 'w') as f:
		f.write(name_list(valid_names() + list(INVALID_NAMES)))
	server = os.path.join(os.fsencode(check), b'names-server')
	os.makedirs(server, exist_ok=True)
	for name in valid_names():
		with open(os.path.join(server, name), 'wb'):
			pass
	log(f'fsprobe: {len(valid_names())} names made on the server')


# ---------------------------------------------------------------- judging

def probe_lines(output):
	"""{probe name: [fsprobe lines]} from the guest's output."""
	probes = {}
	for line in (output or '').splitlines():
		if not line.startswith('probe '):
			continue
		name, sep, rest = line[len('probe '):].partition(': ')
		if sep:
			probes.setdefault(name, []).append(rest)
	return probes


def verdict(lines, key):
	"""The "<key>: ok|fail ..." lines of one probe: (all ok, text).

	A probe that ran more than once is ok when every round was; the
	text is that of the first failed round, or of the last one.
	"""
	ok, text = None, None
	for line in lines or ():
		k, sep, rest = line.partition(': ')
		if not sep or k != key or rest.split(' ')[0] not in ('ok', 'fail'):
			continue
		if ok is not False:
			text = rest
		ok = (ok is not False) and rest.startswith('ok')
	return ok, text


def listed(lines):
	"""The names an lsnames probe printed, as bytes."""
	return {bytes.fromhex(line[len('lsname: '):])
		for line in lines or () if line.startswith('lsname: ')}


def failed_names(lines):
	"""{name: errno name} for the names mknames could not create."""
	failed = {}
	for line in lines or ():
		if line.startswith('mkname: '):
			hexname, _, err = line[len('mkname: '):].partition(' ')
			failed[bytes.fromhex(hexname)] = err
	return failed


def show(name):
	return repr(name)[2:-1][:60]


# cifsroot_check imports this module: use it once a test runs
check = LazyModule('cifsroot_check')


def probe(name, key):
	"""The verdict of probe `name` in the main boot; fails unless ok."""
	boot = check.main_boot()
	lines = probe_lines(boot.output).get(name)
	ok, text = verdict(lines, key)
	check.expect(ok is not None, f'no "{key}:" result from probe {name}; '
		     + (' | '.join(lines or ()) or 'the probes did not run'))
	check.expect(ok, f'{name}: {text}')
	return text


def test_append():
	"""Two O_APPEND writers on the root lose and tear nothing."""
	return probe('append-root', 'append') + ', 3 rounds'


def test_rwf_append():
	"""Two pwritev2(RWF_APPEND) writers lose and tear nothing."""
	return probe('rwfappend-root', 'append')


def test_reopen_append():
	"""Writers that open, append and close per line, as >> does."""
	return probe('reopen-root', 'append') + ', 3 rounds'


def test_append_options():
	"""Appends stay whole on mounts with other options."""
	notes = [f'{opts}: {probe("append-" + opts, "append")}'
		 for opts in APPEND_OPTIONS]
	return '; '.join(notes)


def test_special_noperm():
	"""Device nodes and fifos keep their mode checks on a noperm mount."""
	return probe('special-noperm', 'special')


def test_creator():
	"""Objects of uid 65534 are its own with their set-id bits, the
	symlink's target untouched, in the guest and on the server."""
	note = probe('creator', 'creator')
	boot = check.main_boot()
	want = {'setuid': 0o104755, 'setgid': 0o102755, 'dir': 0o40775,
		'fifo': 0o10640}
	for name, mode in want.items():
		st = os.lstat(boot.path('probe/creator/' + name))
		check.expect((st.st_uid, st.st_gid, st.st_mode) ==
			     (65534, 65534, mode),
			     f'server: {name} is {st.st_uid}:{st.st_gid} '
			     f'{st.st_mode:o}, not 65534:65534 {mode:o}')
	st = os.lstat(boot.path('probe/creator/link'))
	check.expect(st.st_uid == 65534, f'server: link owned by {st.st_uid}')
	st = os.lstat(boot.path('probe/creator/target'))
	check.expect(st.st_uid == 0, f'server: target owned by {st.st_uid}')
	return note + '; the same on the server'


POSIX_OPEN_OFF = 'disabling posix open support'


def test_posix_open():
	"""O_WRONLY | O_RDWR from uid 65534 opens as on a local disk, and
	its objects made after it are still its own, with their modes."""
	note = probe('posixopen', 'posixopen')
	boot = check.main_boot()
	off = [line for line in boot.result.console.splitlines()
	       if POSIX_OPEN_OFF in line]
	check.expect(not off, 'the client turned POSIX opens off: ' +
		     (off[0].strip() if off else ''))
	for name in ('setuid', 'dir'):
		st = os.lstat(boot.path('probe/posixopen/after/' + name))
		check.expect((st.st_uid, st.st_gid) == (65534, 65534),
			     f'server: {name} is {st.st_uid}:{st.st_gid}')
	return note


# What fsprobe modes makes: name -> (mode, device) as the server keeps it
MODES = {
	'setuid': (0o104755, None), 'setgid': (0o102755, None),
	'setuid-setgid': (0o106711, None), 'group-write': (0o100664, None),
	'all-write': (0o100666, None), 'sticky-file': (0o101644, None),
	'dir-setgid': (0o42775, None), 'dir-sticky': (0o41777, None),
	'fifo': (0o10666, None), 'char': (0o20620, (4, 3)),
	'block': (0o60660, (7, 0)),
}


def test_modes():
	"""Set-id, sticky and write bits, fifos and devices keep their exact
	modes, in the guest and on the server (the documented smb.conf), on
	the root and on a nosetuids mount, which sends the create's mode
	alone."""
	notes = []
	for name in ('modes', 'modes-nosetuids'):
		notes.append(f'{name}: {probe(name, "modes")}')
	boot = check.main_boot()
	wrong = []
	for where in ('modes', 'modes-nosetuids'):
		for name, (mode, dev) in sorted(MODES.items()):
			st = os.lstat(boot.path(f'probe/{where}/{name}'))
			if st.st_mode != mode:
				wrong.append(f'{where}/{name} {st.st_mode:o}, '
					     f'not {mode:o}')
			if dev and (os.major(st.st_rdev),
				    os.minor(st.st_rdev)) != dev:
				wrong.append(f'{where}/{name} device '
					     f'{os.major(st.st_rdev)}:'
					     f'{os.minor(st.st_rdev)}')
	check.expect(not wrong, 'server: ' + '; '.join(wrong))
	return (f'{"; ".join(notes)}; {len(MODES)} objects each, the same '
		'on the server')


def test_atime():
	"""An atime before the mtime is read back from the server as set."""
	note = probe('atime', 'atime')
	st = os.stat(check.main_boot().path('probe/atime'))
	check.expect(int(st.st_atime) == 1000000000,
		     f'server: atime {st.st_atime}')
	return note + ', the same on the server'


def test_dirtimes():
	"""Entry operations move their directory's mtime at once."""
	return probe('dirtimes', 'dirtimes')


def test_unlinked():
	"""Open files whose name is gone are still reached through them."""
	return probe('unlinked', 'unlinked')


def test_locks():
	"""Lock conflicts give EWOULDBLOCK, as flock(2) and fcntl(2) say."""
	return probe('flock', 'flock')


def test_replace():
	"""A file renamed over one that is open reads as the new file."""
	return probe('replace', 'replace')


def test_xattr():
	"""user.* xattrs round-trip and are stored as such on the server."""
	note = probe('xattr', 'xattr')
	path = check.main_boot().path('probe/xattr')
	try:
		value = os.getxattr(path, 'user.cifsroot')
	except OSError as e:
		raise check.Failed(f'server: no user.cifsroot on {path}: {e}')
	check.expect(value == b'value-2', f'server: user.cifsroot is {value!r}')
	return note


def test_guest_names():
	"""Names made in the guest are stored byte for byte on the server."""
	boot = check.main_boot()
	probes = probe_lines(boot.output)
	probe('mknames', 'mknames')
	failed = failed_names(probes.get('mknames'))
	want = set(valid_names())
	bad = [f'{show(n)}: {failed[n]}' for n in want if n in failed]
	check.expect(not bad, f'{len(bad)} valid names not made: '
		     + ', '.join(sorted(bad)[:10]))
	stored = set(os.listdir(os.fsencode(boot.path('names-guest'))))
	missing = want - stored
	check.expect(not missing, f'{len(missing)} names not stored as typed, '
		     'e.g. ' + ', '.join(sorted(show(n) for n in missing)[:10]))
	probe('lsnames-guest', 'lsnames')
	back = listed(probes.get('lsnames-guest'))
	check.expect(want <= back, 'the guest lists its names changed: '
		     + ', '.join(sorted(show(n) for n in want - back)[:10]))
	return f'{len(want)} names'


def test_server_names():
	"""Names made on the server show unchanged in the guest."""
	probe('lsnames-server', 'lsnames')
	seen = listed(probe_lines(check.main_boot().output)
		      .get('lsnames-server'))
	want = set(valid_names())
	check.expect(seen == want,
		     f'{len(want - seen)} missing, {len(seen - want)} unexpected: '
		     + ', '.join(sorted(show(n) for n in want ^ seen)[:10]))
	return f'{len(want)} names'


def test_invalid_names():
	"""Names that are not UTF-8 fail cleanly or come back unchanged."""
	boot = check.main_boot()
	probes = probe_lines(boot.output)
	failed = failed_names(probes.get('mknames'))
	stored = set(os.listdir(os.fsencode(boot.path('names-guest'))))
	back = listed(probes.get('lsnames-guest'))
	notes, bad = [], []
	for name in INVALID_NAMES:
		if name in failed:
			notes.append(f'{show(name)} {failed[name]}')
			check.expect(failed[name] == errno.errorcode[errno.EINVAL],
				     f'{show(name)}: {failed[name]}, not EINVAL')
		elif name in stored and name in back:
			notes.append(f'{show(name)} kept')
		else:
			bad.append(show(name))
	check.expect(not bad, 'made but changed: ' + ', '.join(bad))
	return '; '.join(notes)


TESTS = [
	('posix: two O_APPEND writers lose nothing', test_append),
	('posix: two RWF_APPEND writers lose nothing', test_rwf_append),
	('posix: two writers opening the file for each line lose nothing',
	 test_reopen_append),
	('posix: appends stay whole with cache=none, nosetuids, cifsacl',
	 test_append_options),
	('owner: a fifo and a device node of mode 0600 stay closed to uid '
	 '65534 on a noperm mount', test_special_noperm),
	('owner: uid 65534 creates setuid and setgid files, a directory, a '
	 'fifo and a symlink with their full mode; the link\'s target stays '
	 'root\'s',
	 test_creator),
	('owner: O_WRONLY | O_RDWR from uid 65534 opens as on a local disk '
	 'and leaves POSIX opens on: its later objects are its own, with '
	 'their modes', test_posix_open),
	('posix: set-id, sticky, group and other write bits, a fifo and '
	 'devices keep their exact modes on the server, also on a nosetuids '
	 'mount', test_modes),
	('posix: an atime set before the mtime reads back from the server',
	 test_atime),
	('posix: create, mkdir, symlink, mknod, link, rename and unlink move '
	 'their directory\'s mtime at once', test_dirtimes),
	('posix: unlinked open files and tmpfile(); fstat, ftruncate, '
	 'fchmod, fchown, futimens after another client renamed the file',
	 test_unlinked),
	('posix: lock conflicts return EWOULDBLOCK (flock, fcntl, two mounts)',
	 test_locks),
	('posix: dpkg\'s replace by rename, old file open: the name reads new',
	 test_replace),
	('xattr: user.* round-trips; security.capability refused cleanly',
	 test_xattr),
	('names: guest names stored byte for byte on the server',
	 test_guest_names),
	('names: server names show unchanged in the guest', test_server_names),
	('names: names that are not UTF-8 fail with EINVAL or stay unchanged',
	 test_invalid_names),
]
