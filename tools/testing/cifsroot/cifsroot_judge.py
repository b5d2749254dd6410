#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Pure parsers of what a run leaves behind: consoles (printk times, KTAP,
# kernel reports, the guest's "key: value" lines), checkpatch reports and
# smb.conf text. No kernel, no boot, no server: the test groups and the
# bench judge with these, and their unit tests feed them recorded logs.

import hashlib
import re

PRINTK_LINE = re.compile(r'^\[\s*(\d+\.\d+)\] (.*)$')


def printk_lines(console):
	"""(printk seconds, text) of each console line with a printk time."""
	found = []
	for line in console.splitlines():
		m = PRINTK_LINE.match(line.strip('\r'))
		if m:
			found.append((float(m.group(1)), m.group(2)))
	return found


def ktap_suite(console, suite):
	"""The console's lines without printk times, and the index of the
	last "# Subtest: `suite`" line among them (None if there is none)."""
	lines = [re.sub(r'^\[\s*\d+\.\d+\] ', '', line)
		 for line in console.splitlines()]
	start = None
	for i, line in enumerate(lines):
		if re.match(r'\s*# Subtest: ' + re.escape(suite) + r'\s*$', line):
			start = i
	return lines, start


def parse_ktap(console, suite):
	"""Leaf results of a KUnit suite in a console log.

	Returns a list of (ok, name) for every test case and parameter of the
	suite (results of subtests that have their own results are left out).
	"""
	lines, start = ktap_suite(console, suite)
	if start is None:
		return []
	parents = set()
	leaves = []
	for line in lines[start + 1:]:
		m = re.match(r'\s*# Subtest: (.+?)\s*$', line)
		if m:
			parents.add(m.group(1))
			continue
		m = re.match(r'(\s*)(not ok|ok) \d+ (?:- )?(.+?)\s*(#.*)?$', line)
		if not m:
			continue
		if not m.group(1):
			break		# the suite's own result, at the top level
		name = m.group(3)
		if name in parents:
			continue
		# a skipped case did not run: it is not a pass
		ok = m.group(2) == 'ok' and 'SKIP' not in (m.group(4) or '')
		leaves.append((ok, name))
	return leaves


def ktap_plan_errors(console, suite):
	"""Where the KTAP of `suite` does not add up, as [str].

	The suite's "1..N" plan must match its numbered case results, and a
	parameterised case's results must be numbered 1..total, total being
	what its "# name: pass:P fail:F skip:S total:T" line says.
	"""
	lines, start = ktap_suite(console, suite)
	if start is None:
		return [f'no suite {suite}']
	indent = len(lines[start]) - len(lines[start].lstrip())
	plan, cases, params, errors = None, [], {}, []
	numbers = []
	for line in lines[start + 1:]:
		depth = len(line) - len(line.lstrip())
		text = line.strip()
		m = re.match(r'1\.\.(\d+)$', text)
		if m and depth == indent and plan is None:
			plan = int(m.group(1))
			continue
		m = re.match(r'(?:not ok|ok) (\d+) (?:- )?(.+?)\s*(#.*)?$', text)
		if m and depth < indent:
			break
		if m and depth == indent:
			cases.append((int(m.group(1)), m.group(2)))
		elif m:
			numbers.append(int(m.group(1)))
		m = re.match(r'# (\S+): pass:\d+ fail:\d+ skip:\d+ total:(\d+)$',
			     text)
		if m and depth == indent:
			params[m.group(1)] = (int(m.group(2)), numbers)
			numbers = []
	if plan is None:
		errors.append('no 1..N plan')
	elif [n for n, _ in cases] != list(range(1, plan + 1)):
		errors.append(f'plan 1..{plan}, {len(cases)} case results')
	for name, (total, seen) in sorted(params.items()):
		if seen != list(range(1, total + 1)):
			errors.append(f'{name}: total {total}, {len(seen)} '
				      'results')
	return errors


def kunit_declared(source):
	"""(cases, parameters): the KUNIT_CASE entries of a KUnit test file,
	and the entries of its parameter array (KUNIT_ARRAY_PARAM)."""
	cases = len(re.findall(r'^\tKUNIT_CASE(?:_PARAM)?\(', source, re.M))
	m = re.search(r'KUNIT_ARRAY_PARAM\(\w+, (\w+),', source)
	params = 0
	if m:
		body = re.search(r'\b' + m.group(1) + r'\[\] = \{\n(.*?)\n\};',
				 source, re.S)
		params = len(re.findall(r'^\t(?:[A-Z][A-Z0-9_]*\(|\{)',
					body.group(1), re.M)) if body else 0
	return cases, params


def guest_values(output):
	"""The "<key>: <value>" lines printed by guest/checks.sh."""
	values = {}
	for line in (output or '').splitlines():
		key, sep, value = line.partition(': ')
		if sep and re.fullmatch(r'[a-z]+', key):
			values[key] = value.strip()
	return values


def printed_password(console, password):
	"""Lines other than the kernel's echo of its command line showing it."""
	return [line for line in console.splitlines()
		if password in line and 'ommand line: ' not in line]


def checkpatch_verdict(output, known=lambda name: False):
	"""None when a checkpatch --strict report is clean, else why not.

	The only CHECK tolerated is CamelCase for a name the patch did not
	choose: one `known` to the base tree (the CIFS client's CIFSSMB*
	functions), or a Root_* name of include/linux/root_dev.h, which
	follows that header's convention.
	"""
	m = re.search(r'total: (\d+) errors, (\d+) warnings, (\d+) checks', output)
	if not m:
		return 'no checkpatch summary:\n' + output[-2000:]
	if int(m.group(1)) or int(m.group(2)):
		return output
	for line in output.splitlines():
		if not line.startswith('CHECK:'):
			continue
		name = re.match(r'CHECK: Avoid CamelCase: <(\w+)>', line)
		if not name or not (name.group(1).startswith('Root_') or
				    known(name.group(1))):
			return output
	return None


def sha256(path):
	"""The SHA-256 of a file, in hex."""
	h = hashlib.sha256()
	with open(path, 'rb') as f:
		for block in iter(lambda: f.read(1 << 16), b''):
			h.update(block)
	return h.hexdigest()


def guest_seconds(console, text):
	"""The printk time of the first console line containing `text`."""
	for at, line in printk_lines(console):
		if text in line:
			return at
	return None



def signing_complaints(console):
	"""The kernel lines saying a signed response did not verify."""
	return [line for line in console.splitlines()
		if 'signature verification' in line]


# smbstatus's name for a session whose session setup has not finished
AUTH_IN_PROGRESS = '(auth in progress)'


def session_signing(samples, dialect='NT1'):
	"""The signing degree each authenticated session settled on.

	`samples` are smbstatus sessions taken one after another, each a
	dict with 'id', 'username', 'dialect' and 'signing'. smbd records a
	session before its session setup finishes, and for a moment after
	it with no signing degree, so a session counts once it was seen in
	two samples after authenticating, with the degree of its last one.
	Returns ({id: degree} of those, number of sessions seen only once).
	"""
	seen = {}
	for s in samples:
		if s['dialect'] != dialect or s['username'] == AUTH_IN_PROGRESS:
			continue
		seen.setdefault(s['id'], []).append(s['signing'])
	settled = {k: v[-1] for k, v in seen.items() if len(v) > 1}
	return settled, len(seen) - len(settled)


# What no boot may print.
CONSOLE_PROBLEMS = ('BUG:', 'Oops', 'WARNING:', 'KASAN', 'UBSAN',
		    'general protection', 'Call Trace:',
		    'blocked for more than',	# hung task
		    'rcu: INFO:', 'self-detected stall',
		    'soft lockup', 'hard LOCKUP')


def console_problems(console):
	"""Lines of a console log that show a kernel bug or sanitizer report."""
	return [line for line in console.splitlines()
		if any(p in line for p in CONSOLE_PROBLEMS)]


def message_shape(msg):
	"""A message with its printf conversions or <placeholders> as '*'."""
	return re.sub(r'%[-+ #0]*[0-9]*(?:\.[0-9*]+)?[hlzt]*[a-zA-Z]|<[^>]+>',
		      '*', msg)


def smb_conf_settings(text):
	"""{(section, key): value} of smb.conf text, keys and values as
	Samba compares them (case and spaces folded)."""
	settings = {}
	section = None
	for line in text.splitlines():
		line = line.strip()
		if not line or line[0] in '#;':
			continue
		m = re.match(r'\[(.+)\]$', line)
		if m:
			section = m.group(1).lower()
			continue
		key, sep, value = line.partition('=')
		if sep and section:
			settings[(section, ' '.join(key.lower().split()))] = \
				value.strip().lower()
	return settings
