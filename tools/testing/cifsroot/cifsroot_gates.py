#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The gates a maintainer applies before reading the code, and the docs:
# checkpatch, every commit builds, sparse and W=1, kernel-doc, get_maintainer,
# Kconfig, kunit.py, htmldocs, the fuzz smoke run, and the docs checked
# against the code and the tests' smb.conf.

import calendar
import os
import re
import shutil
import subprocess
import sys
import time

import cifsroot_smbd as samba
import cifsroot_table as table
import cifsroot_kernel as kernel
from cifsroot_check import HERE, declared_results, expect
from cifsroot_common import HarnessError, out_dir
from cifsroot_judge import (checkpatch_verdict, message_shape,
			    smb_conf_settings)


def test_harness():
	"""The harness's own unit tests."""
	res = subprocess.run([sys.executable, '-m', 'unittest', 'discover'],
			     cwd=HERE, capture_output=True, text=True)
	expect(res.returncode == 0, res.stderr[-3000:])
	m = re.search(r'^Ran (\d+) tests?', res.stderr, re.M)
	expect(m and int(m.group(1)) >= 100,
	       'unittest discover ran too few tests:\n' + res.stderr[-500:])
	return m.group(0)


def test_strip():
	"""The stripped base has no trace of the older SMB root."""
	kernel.apply()
	left = kernel.strip_leftovers(kernel.tree_dir())
	expect(not left, 'left in the base:\n' + '\n'.join(left))


def test_checkpatch():
	"""Every patch of the series passes checkpatch --strict, and so does
	every patch of its pristine form that differs."""
	patches = [p for p in kernel.series()
		   if not os.path.basename(p).startswith('0000-')]
	expect(len(patches) >= 3, f'only {len(patches)} patches')
	ours = {kernel.patch_id(p) for p in patches}
	patches += [p for p in kernel.pristine_patches()
		    if not os.path.basename(p).startswith('0000-') and
		    kernel.patch_id(p) not in ours]
	# checkpatch looks __setup names up in the tree's kernel-parameters.txt
	kernel.checkout(kernel.tree_dir(), 'series')
	bad = []
	for patch in patches:
		ok, out = kernel.checkpatch(patch)
		why = checkpatch_verdict(out, kernel.in_base)
		if why:
			bad.append(os.path.basename(patch) + ':\n' + why)
	expect(not bad, '\n'.join(bad))


def test_git_am():
	"""The exported series applies with git am on the stripped base, and
	its pristine form on the pristine tree; both end in the same tree."""
	stripped = [p for p in kernel.series()
		    if not os.path.basename(p).startswith('0000-')]
	pristine = [p for p in kernel.pristine_patches()
		    if not os.path.basename(p).startswith('0000-')]
	kernel.am_check('base', stripped)
	kernel.am_check('pristine', pristine)
	replaced = len({kernel.patch_id(p) for p in pristine} -
		       {kernel.patch_id(p) for p in stripped})
	return (f'{len(stripped)} patches on the stripped base; on the '
		f'pristine tree, {replaced} of them replace the older SMB root')


def test_each_commit_builds():
	"""The kernel builds at every commit of the series."""
	failures, built = kernel.build_each_commit()
	expect(not failures, '\n'.join(failures))
	total = len(kernel.series_commits())
	return (f'{total} commits build: {built} built in this run, '
		f'{total - built} built before with the same configuration')


def test_head_builds():
	"""The kernel builds at the head of the series (every commit is
	built on the default base)."""
	kernel.build()
	return f'the head of {len(kernel.series_commits())} commits builds'


def test_new_warnings():
	"""No sparse or W=1 warning in the touched files that the base lacks."""
	new, objects = kernel.new_warnings()
	expect(not new, '\n'.join(new))
	return f'{len(objects)} objects checked'


def test_kernel_doc():
	"""scripts/kernel-doc -v (6.1's -Wall) finds nothing to say about our C
	files."""
	paths = [p for p in kernel.series_files(kernel.tree_dir())
		 if 'cifsroot' in p]
	expect(paths, 'no cifsroot files in the series')
	warnings = kernel.kernel_doc(paths)
	expect(not warnings, '\n'.join(warnings))


def test_kconfig_needs_smb1():
	"""CIFS_ROOT cannot be enabled without SMB1, its default dialect."""
	legacy = 'CONFIG_CIFS_ALLOW_INSECURE_LEGACY'
	with_smb1 = kernel.kconfig_with([legacy + '=y'])
	expect('CONFIG_CIFS_ROOT=y' in with_smb1,
	       'CIFS_ROOT not enabled even with SMB1')
	without = kernel.kconfig_with(['# %s is not set' % legacy])
	expect(f'# {legacy} is not set' in without, 'SMB1 stayed enabled')
	expect('CONFIG_CIFS_ROOT=y' not in without,
	       'CIFS_ROOT=y without SMB1: every boot would fail to mount')
	return 'CIFS_ROOT=y with SMB1, not set without'


def test_maintainers():
	"""get_maintainer.pl names our entry for every patch of our files."""
	ours = 'cifsroot@example.org'
	named = 0
	for patch in kernel.series():
		with open(patch) as f:
			text = f.read()
		if 'cifsroot' not in ''.join(re.findall(r'^\+\+\+ .*$', text,
							re.M)):
			continue
		who = kernel.maintainers(patch)
		expect(any(ours in w for w in who),
		       f'{os.path.basename(patch)}: ' + ', '.join(who))
		named += 1
	expect(named, 'no patch touches our files')
	return f'named for {named} patches'


def test_kunit_tool():
	"""kunit.py run over the client's .kunitconfig passes our suite."""
	status, out = kernel.kunit_tool()
	m = re.search(r'Testing complete\. Ran (\d+) tests?: passed: (\d+)(.*)',
		      out)
	expect(status == 0 and m, 'kunit.py failed:\n' + out[-3000:])
	want = declared_results()[0]
	expect(int(m.group(1)) == want and int(m.group(2)) == want and
	       not m.group(3).strip(),
	       f'{m.group(0).strip()}; cifsroot_test.c declares {want}')
	return m.group(0).strip()


def test_htmldocs():
	"""The filesystems docs build without a warning from our page, and the
	cifs index links to it."""
	status, out, html = kernel.htmldocs()
	# Documentation/filesystems/cifs or, from 6.6, .../smb
	docs = os.path.basename(kernel.docs_dir(kernel.tree_dir()))
	ours = [l for l in out.splitlines() if f'{docs}/cifsroot.rst' in l]
	expect(status == 0, 'htmldocs failed:\n' + out[-3000:])
	expect(not ours, '\n'.join(ours))
	page = os.path.join(html, docs, 'cifsroot.html')
	expect(os.path.exists(page), 'no ' + page)
	with open(os.path.join(html, docs, 'index.html')) as f:
		expect('cifsroot.html' in f.read(),
		       f'{docs}/index.html has no link')


def test_fuzz_smoke():
	"""The libFuzzer target (ASan+UBSan) runs every seed and past finding."""
	res = subprocess.run([sys.executable,
			      os.path.join(HERE, 'cifsroot_fuzz.py'), '--smoke'],
			     capture_output=True, text=True)
	out = res.stdout + res.stderr
	expect(res.returncode == 0, out[-3000:])
	return out.strip().splitlines()[-1] if out.strip() else ''


def code_messages(path, prefix='cifsroot: '):
	"""The format strings of the messages a C file prints, or the lines
	a .patch file adds (with no prefix: the core files have no pr_fmt)."""
	with open(path) as f:
		text = f.read()
	if path.endswith('.patch'):
		prefix = ''
		text = '\n'.join(line[1:] for line in text.splitlines()
				  if line.startswith('+') and
				  not line.startswith('+++'))
	calls = re.finditer(r'\b(pr_[a-z_]+|panic)\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)',
			    text)
	msgs = []
	for m in calls:
		fmt = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
		fmt = fmt.replace('\\n', '')
		if m.group(1).startswith('pr_'):
			fmt = prefix + fmt
		msgs.append(fmt)
	return msgs


def code_reasons(path):
	"""The reasons cifs_root_fail() records, printf conversions as '*'."""
	with open(path) as f:
		text = f.read()
	calls = re.finditer(r'cifs_root_fail\(\s*cfg,\s*[^,]+,\s*'
			    r'((?:"(?:[^"\\]|\\.)*"\s*)+)', text)
	reasons = set()
	for m in calls:
		fmt = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
		parts = [re.sub(r'%[-+ #0]*[0-9]*[hlzt]*[a-zA-Z]', '*', p)
			 for p in fmt.split('%%')]
		fmt = re.sub(r'<[^>]+>', '*', '%'.join(parts))
		reasons.add(fmt.replace('\\"', '"'))
	return reasons


def doc_reasons(path):
	"""The reasons listed in the docs' table of them, <...> as '*'."""
	with open(path) as f:
		text = f.read()
	table = text[text.index('   * - Reason\n'):]
	table = table[:table.index('\n\n', table.index('* - ``'))]
	return {re.sub(r'<[^>]+>', '*', r) for r in
		re.findall(r'^\s*\* - ``(.+?)``\s*$', table, re.M)}


def hint_errors(path):
	"""The errnos of cifs_root_hints[], as '-13' strings."""
	with open(path) as f:
		text = f.read()
	table = text[text.index('cifs_root_hints[]'):]
	table = table[:table.index('};')]
	names = re.findall(r'\{ -(E[A-Z]+),', table)
	codes = {'EACCES': 13, 'EKEYEXPIRED': 127, 'ENXIO': 6, 'ENOENT': 2,
		 'ENOTDIR': 20, 'EOPNOTSUPP': 95, 'EINVAL': 22,
		 'ECONNREFUSED': 111, 'ECONNABORTED': 103, 'EHOSTDOWN': 112,
		 'EHOSTUNREACH': 113, 'ENETUNREACH': 101, 'ETIMEDOUT': 110,
		 'EADDRNOTAVAIL': 99, 'EAFNOSUPPORT': 97}
	unknown = [n for n in names if n not in codes]
	if unknown:
		raise HarnessError('errno values unknown to the harness: '
				   + ', '.join(unknown))
	return {f'-{codes[n]}' for n in names}


def test_doc_reasons():
	"""Every reason of "invalid root" and every error of the failed mount
	is explained in the troubleshooting section."""
	c_file = os.path.join(kernel.REPO, 'fs/cifs/cifsroot.c')
	rst = os.path.join(kernel.REPO,
			   'Documentation/filesystems/cifs/cifsroot.rst')
	code, doc = code_reasons(c_file), doc_reasons(rst)
	expect(len(code) >= 20, f'only {len(code)} reasons found in the code')
	missing = sorted(code - doc)
	expect(not missing, 'reasons not in the docs:\n' + '\n'.join(missing))
	with open(rst) as f:
		text = f.read()
	row = text[text.index('``VFS: Unable to mount root fs via <fs> on <unc>'):]
	row = row[:row.index('\n\n')]
	errors = hint_errors(c_file)
	undocumented = sorted(e for e in errors
			      if not re.search(r'``' + e + r'``', row))
	expect(not undocumented, 'errors not in the docs: '
	       + ', '.join(undocumented))
	return (f'{len(code)} reasons and {len(errors)} errors, all '
		'explained')


def doc_messages(path):
	"""The messages listed in the Troubleshooting table of a .rst file."""
	with open(path) as f:
		text = f.read()
	table = text[text.index('Troubleshooting\n'):]
	return re.findall(r'^\s*\* - ``(.+?)``\s*$', table, re.M)


def doc_smb_conf(path):
	"""The Samba configuration the documentation recommends."""
	with open(path) as f:
		text = f.read()
	start = text.index('A minimal Samba configuration, as used by the tests::')
	lines = text[start:].splitlines()[2:]
	block = []
	for line in lines:
		if line and not line.startswith('    '):
			break
		block.append(line)
	return smb_conf_settings('\n'.join(block))


def test_doc_smb_conf():
	"""The tests' smb.conf has every setting of the documented one."""
	doc = doc_smb_conf(os.path.join(
		kernel.REPO, 'Documentation/filesystems/cifs/cifsroot.rst'))
	smbd = samba.Smbd('/srv/none')
	smbd.tmp, smbd.port = '/tmp/none', 445
	ours = smb_conf_settings(smbd.config())
	expect(len(doc) >= 4, f'only {len(doc)} settings found in the docs')
	differ = [f'[{sec}] {key} = {val} (tests: {ours.get((sec, key))})'
		  for (sec, key), val in sorted(doc.items())
		  if key != 'path' and ours.get((sec, key)) != val]
	# the share section is the documented one, nothing more
	share = smbd.share.lower()
	extra = [f'[{sec}] {key} = {val}'
		 for (sec, key), val in sorted(ours.items())
		 if sec == share and key != 'path' and (sec, key) not in doc]
	expect(not differ and not extra, 'the tests serve other settings:\n'
	       + '\n'.join(differ + [e + ' (not in the docs)' for e in extra]))
	return (f'{len(doc)} documented settings, all in the tests\' '
		'smb.conf; its share section has no other')


# The UNIX extensions' times of a file, as smbclient's "posix; stat" shows
SMBCLIENT_TIME = re.compile(r'^(Access|Modify|Change): (\d{4}-\d\d-\d\d '
			    r'\d\d:\d\d:\d\d)', re.M)


def test_doc_ctime():
	"""Samba sends the mtime in the UNIX extensions' change-time field, as
	the POSIX differences table says: a chmod moves the server's ctime
	but not the one it sends."""
	share = os.path.join(out_dir('check'), 'ctime')
	shutil.rmtree(share, ignore_errors=True)
	os.makedirs(share)
	path = os.path.join(share, 'file')
	with open(path, 'w') as f:
		f.write('ctime\n')
	os.utime(path, (1000000000, 1000000000))	# 2001-09-09 01:46:40
	os.chmod(path, 0o600)				# ctime: now
	real = os.stat(path).st_ctime
	with samba.Smbd(share) as smbd:
		res = subprocess.run(
			['smbclient', f'//127.0.0.1/{smbd.share}', '-p',
			 str(smbd.port), '-m', 'NT1',
			 '--option=client min protocol=NT1', '-A', '/dev/stdin',
			 '-c', 'posix; stat file'],
			input=f'username={smbd.user}\npassword={smbd.password}\n',
			capture_output=True, text=True, timeout=60)
	times = dict(SMBCLIENT_TIME.findall(res.stdout))
	expect('Change' in times, 'no Change line from smbclient:\n'
	       + (res.stdout + res.stderr)[-1000:])
	sent = calendar.timegm(time.strptime(times['Change'],
					     '%Y-%m-%d %H:%M:%S'))
	# smbclient rounds the fraction: within 1 s of the mtime, years from
	# the ctime
	expect(abs(sent - 1000000000) <= 1,
	       f'Samba sent the change time {times["Change"]} for a file with '
	       f'mtime 2001-09-09 01:46:40 and ctime {stamp(real)}: it no '
	       'longer sends the mtime; update the POSIX differences of '
	       'cifsroot.rst')
	return (f'change time sent after a chmod: {times["Change"]}, the '
		f'mtime; the server\'s ctime: {stamp(real)}')


def stamp(t):
	return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t))


# The patches to core files whose messages users see.
CORE_PATCHES = ['init/do_mounts-net-retry.patch', 'init/do_mounts.c.patch',
		'net/ipv4/ipconfig.c.patch']


def test_doc_messages():
	"""Every message our C code prints is in the troubleshooting table:
	cifsroot.c's and those the init/ and net/ patches add."""
	code = [m for path in ['fs/cifs/cifsroot.c'] + CORE_PATCHES
		for m in code_messages(os.path.join(kernel.REPO, path))]
	doc = {message_shape(m) for m in doc_messages(os.path.join(
		kernel.REPO, 'Documentation/filesystems/cifs/cifsroot.rst'))}
	expect(code, 'no messages found in cifsroot.c')
	missing = [m for m in code if message_shape(m) not in doc]
	expect(not missing, 'not in the troubleshooting table:\n'
	       + '\n'.join(missing))
	return f'{len(code)} messages documented'


def test_doc_smb3_table():
	"""cifsroot.rst's SMB3 table says what the known gaps of make check
	(cifsroot_table.GAPS) say."""
	rst = os.path.join(kernel.REPO,
			   'Documentation/filesystems/cifs/cifsroot.rst')
	with open(rst) as f:
		text = f.read()
	want = table.docs_table()
	expect(want in text, 'the table of "SMB3.1.1 and the POSIX '
	       'extensions" differs from cifsroot_table.GAPS; it should read:\n'
	       + want)
	gaps = sum(name in table.GAPS for name, _ in table.TESTS)
	return f'{len(table.TESTS)} rows, {gaps} of them gaps of SMB3'


# The gates that depend on the base: they run again on every other base,
# where the head alone is built.
BASE_TESTS = [
	('strip: the base has no trace of the older SMB root', test_strip),
	('series: every patch is checkpatch --strict clean', test_checkpatch),
	('series: both forms apply with git am', test_git_am),
	('series: the kernel builds at the head', test_head_builds),
	('series: no new sparse or W=1 warnings', test_new_warnings),
	('series: kernel-doc is clean on our files', test_kernel_doc),
	('series: get_maintainer.pl names our entry', test_maintainers),
	('series: Kconfig keeps CIFS_ROOT off without SMB1',
	 test_kconfig_needs_smb1),
	('kunit.py: the suite passes over our .kunitconfig', test_kunit_tool),
	('docs: htmldocs builds our page, linked from the cifs index',
	 test_htmldocs),
]

# On the default base, every commit is built instead of the head alone.
TESTS = [('harness unit tests', test_harness)] + [
	('series: the kernel builds at every commit', test_each_commit_builds)
	if fn is test_head_builds else (name, fn)
	for name, fn in BASE_TESTS] + [
	('fuzz: seeds and past findings pass under ASan and UBSan',
	 test_fuzz_smoke),
	('docs: every message is in the troubleshooting table',
	 test_doc_messages),
	('docs: every reason of an invalid root and every error of a failed '
	 'mount is explained', test_doc_reasons),
	('docs: the tests\' smb.conf has every setting of the documented one',
	 test_doc_smb_conf),
	('docs: Samba sends the mtime as the UNIX change time, as the POSIX '
	 'differences table says', test_doc_ctime),
	('docs: the SMB3 table lists the known gaps of make check',
	 test_doc_smb3_table),
]
