#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The file system probe tests of the main `make check` boot: each judges
# the lines fsprobe printed in the guest (guest/probes.sh) and, where it
# matters, what the server stored.

import errno
import os

import cifsroot_check as check
from cifsroot_fsprobe import (APPEND_OPTIONS, INVALID_NAMES, failed_names,
			      listed, probe_lines, show, valid_names, verdict)


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


def test_fstat_mode():
	"""An open file's fstat() shows its mode, as its stat() does."""
	return probe('fstatmode', 'fstatmode')


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
	('posix: fstat of a file opened afresh shows its mode 0644, 0600, '
	 '0750', test_fstat_mode),
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
