#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The protocol table of `make check`: the tests of what the root does as a
# POSIX file system (the main boot, its probes, the Debian boots) run on
# the 6.12 base with SMB1 + the UNIX extensions, and again with SMB3.1.1 +
# the POSIX extensions against Samba 4.22. Each cell is a test result.
#
# A test that fails over SMB3 for a reason we know is a gap: GAPS names it,
# with the words its failure must contain and why it fails. A gap reports
# "# TODO" in KTAP and counts neither as passed nor as failed; a gap that
# fails otherwise, or passes, fails (so that GAPS and the docs' table are
# kept true), unless it is a race that a run may miss. Documentation/filesystems/cifs/cifsroot.rst has the table;
# a docs test checks it against GAPS.

import dataclasses
import re

import cifsroot_check as check
import cifsroot_debian as debian
import cifsroot_failover as failover
import cifsroot_faults as faults
import cifsroot_probes as probes

TABLE_BASE = '6.12'
PROTOCOL = 'smb3'
PREFIX = f'{TABLE_BASE} {PROTOCOL}: '
COLUMNS = ('SMB1 + UNIX', 'SMB3.1.1 + POSIX')

# What the root does as a POSIX file system: the tests of the table
TESTS = check.TESTS + probes.TESTS + debian.TESTS

# The faults that the SMB3 root meets too (in the debug kernel): a server
# restart, loss and a link outage; not rows of the table
FAULTS = [(n, f) for n, f in faults.TESTS
	  if f in (faults.test_smbd_restart, faults.test_lossy_link,
		   faults.test_link_outage)]


@dataclasses.dataclass(frozen=True)
class Gap:
	"""A known failure over SMB3: `failure` is a regular expression that
	the failure's text matches; `why` says what is at fault. A `racy`
	gap (a race that loses data) may not show in every run: its test
	passing is not news."""
	failure: str
	why: str
	racy: bool = False


# Why the gaps below fail
SETID = ('set-id and sticky bits are lost where the mode is not the '
	 'create\'s: Samba 4.22 keeps those of the mode in the create\'s POSIX '
	 'context, but applies only the 0777 bits of a chmod over SMB3 (the '
	 'client\'s mode ACE, S-1-5-88-3-<mode>, has all 07777: smbd log '
	 'level 10), and its chown(2), which gives a new object its '
	 'creator, clears them')
STORED = ('Samba 4.22 stores symlinks, fifos and device nodes made over '
	  'SMB3 as regular files carrying an NFS reparse point in the '
	  'user.SmbReparse xattr; the guest sees them as what they are')
REOPEN = ('writers that open, append and close per line, as >> does, '
	  'lost about one line in a few thousand over SMB3 (one 8-byte line '
	  'of 3000 in a CI run, size right): an append after a stale end of '
	  'file zeroed the line at the start of its folio. '
	  'The smb3-zero-point patch fixes that case; kept as a race that a run '
	  'may miss until runs show none')
RESENT = ('a request that the old node carried out but whose answer the '
	  'move of the address lost is sent again to the new node over SMB3 '
	  'and fails there: a rename with ENOENT (its source is gone), a '
	  'create with EBADF; 0019-smb1-resent-removal covers SMB1 renames '
	  'and deletes only. A race, though 3 runs of 3 failed')
GAPS = {
	failover.MOVEIP_TEST:
		Gap(r'meta: (create|rename|unlink) \d+ failed', RESENT,
		    racy=True),
	'posix: a guest symlink is a real symlink on the server':
		Gap(r'^not a symlink on the server: ', STORED),
	'posix: setuid, fifo, char device, hard link survive':
		Gap(r'^(server setuid mode \d+; )?server fifo is not a fifo; '
		    r'server chardev is not character device 1:3$', STORED),
	'owner: uid 65534 owns its file, directory, fifo, symlink':
		Gap(r'^the symlink or fifo is not one on the server$', STORED),
	'owner: a device node chowned to 1000:1000':
		Gap(r'^server has 1000:1000 -', STORED),
	'owner: uid 65534 creates setuid and setgid files, a directory, a '
	'fifo and a symlink with their full mode; the link\'s target stays '
	'root\'s':
		Gap(r'^server: setuid is 65534:65534 100755, not 65534:65534 '
		    r'104755$', SETID),
	'posix: set-id, sticky, group and other write bits, a fifo and '
	'devices keep their exact modes on the server, also on a nosetuids '
	'mount':
		Gap(r'^modes: fail dir-setgid: 40775, not 42775; dir-sticky: '
		    r'40777, not 41777$', SETID),
	'posix: unlinked open files and tmpfile(); fstat, ftruncate, '
	'fchmod, fchown, futimens after another client renamed the file':
		Gap(r'^unlinked: fail fchmod \(renamed away\): No such file',
		    'fchmod, fchown and futimens of a file another client '
		    'renamed go by its old name over SMB3, not by the open '
		    'handle (0008-unlinked-open-files covers SMB1)'),
	'names: guest names stored byte for byte on the server':
		Gap(r'^1 valid names not made: \S+: ENOENT$',
		    'a backslash in a name cannot be sent over SMB2/3, whose '
		    'path separator it is (SMB1 POSIX paths take it)'),
	'posix: two writers opening the file for each line lose nothing':
		Gap(r'^reopen-root: fail \d+ of \d+ lines lost or doubled, '
		    r'\d+ torn, size \d+$', REOPEN, racy=True),
	'debian: two appenders lose nothing':
		Gap(r'^(\d+ torn lines \(line \d+ first\); )?writer [ab]: \d+ '
		    r'lines, \d+ missing', REOPEN, racy=True),
}


def gap(name):
	"""The Gap of test `name` of this run ('6.12 smb3: <test>'), or None."""
	if not name.startswith(PREFIX):
		return None
	return GAPS.get(name[len(PREFIX):])


def judge_gap(found, ok, detail):
	"""(verdict, text) of a gap's test: verdict 'todo' when it failed as
	known, 'fail' when it passed or failed otherwise."""
	if ok and found.racy:
		return 'todo', found.why + ' (not seen in this run)'
	if ok:
		return 'fail', ('a known gap of SMB3 passed: take it out of '
				'cifsroot_table.GAPS and the docs\' table')
	if re.search(found.failure, detail):
		return 'todo', found.why
	return 'fail', (f'failed otherwise than the known gap '
			f'("{found.failure}"):\n{detail}')


def cell(result):
	"""The table's word for one Result, or None."""
	if result is None:
		return 'not run'
	if result.todo:
		return 'no'
	return 'yes' if result.ok else 'FAILED'


def rows(results, tests):
	"""(test, SMB1 cell, SMB3 cell) for each of `tests` (names)."""
	by_name = {r.name: r for r in results}
	smb1 = f'{TABLE_BASE}: '
	return [(t, cell(by_name.get(smb1 + t)), cell(by_name.get(PREFIX + t)))
		for t in tests]


def render(results, tests):
	"""The table as KTAP comment lines; [] when no SMB3 test ran."""
	table = rows(results, tests)
	if all(c == 'not run' for _, _, c in table):
		return []
	width = max(len(t) for t, _, _ in table)
	width = min(width, 72)
	lines = [f'# POSIX behaviour on {TABLE_BASE}: {" | ".join(COLUMNS)}']
	for name, a, b in table:
		lines.append(f'#   {name[:width]:{width}}  {a:7} {b}')
	gaps = [r for r in results if r.todo]
	for r in gaps:
		lines.append(f'# gap: {r.name[len(PREFIX):]}: {r.todo}')
	return lines


def docs_table():
	"""The table of cifsroot.rst, as GAPS says it is: a list-table of
	every test of the table, 'yes' or 'no: <why>' over SMB3."""
	lines = ['.. list-table::', '   :header-rows: 1', '',
		 '   * - Test (``make check``)', f'     - {COLUMNS[0]}',
		 f'     - {COLUMNS[1]}']
	for name, _ in TESTS:
		found = GAPS.get(name)
		lines += [f'   * - ``{name}``', '     - yes',
			  f'     - no: {found.why}' if found else '     - yes']
	return '\n'.join(lines) + '\n'
