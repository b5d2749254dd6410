# SPDX-License-Identifier: GPL-2.0
#
# Kernel tree steps of the cifsroot harness: fetch the base tree, strip the
# older SMB root from it, apply our overlay as a git series, export the
# series, configure and build.
#
# Everything slow lives in the cache directory (see cifsroot_common.cache_dir),
# never in the checkout: the extracted tree is kept as a git repository whose
# commits are made with fixed dates, so applying an unchanged overlay yields
# the same commit and the build tree is left untouched (no rebuild).

import glob
import hashlib
import os
import re
import shutil
import sys

from cifsroot_common import (REPO, cache_dir, log, run, step, HarnessError)

SOURCE_PACKAGE = 'linux-source-6.1'
SOURCE_TARBALL = '/usr/src/linux-source-6.1.tar.xz'
SERIES_DIR = os.path.join(REPO, 'tools', 'testing', 'cifsroot', 'series')
CONFIG_DIR = os.path.join(REPO, 'tools', 'testing', 'cifsroot', 'configs')

# Fixed identity and dates keep the generated commits reproducible.
GIT_ENV = {
	'GIT_AUTHOR_NAME': 'cifsroot maintainers',
	'GIT_AUTHOR_EMAIL': 'cifsroot@example.org',
	'GIT_COMMITTER_NAME': 'cifsroot maintainers',
	'GIT_COMMITTER_EMAIL': 'cifsroot@example.org',
	'GIT_AUTHOR_DATE': '2026-01-01T00:00:00+0000',
	'GIT_COMMITTER_DATE': '2026-01-01T00:00:00+0000',
}

# The older upstream SMB root, as found in the base tree. Each entry is an
# exact text that must be present once; strip fails loudly when the base
# changes so that nothing is removed by guesswork.
STRIP_FILES = [
	'fs/smb/client/cifsroot.c',
	'Documentation/filesystems/cifs/cifsroot.rst',
]

STRIP_EDITS = [
	('fs/smb/client/Makefile',
	 '\ncifs-$(CONFIG_CIFS_ROOT) += cifsroot.o\n', ''),
	('fs/smb/client/Kconfig',
	 '\nconfig CIFS_ROOT\n'
	 '\tbool "SMB root file system (Experimental)"\n'
	 '\tdepends on CIFS=y && IP_PNP\n'
	 '\thelp\n'
	 '\t  Enables root file system support over SMB protocol.\n'
	 '\n'
	 '\t  Most people say N here.\n', ''),
	('include/linux/root_dev.h',
	 '\tRoot_CIFS = MKDEV(UNNAMED_MAJOR, 254),\n', ''),
	('Documentation/filesystems/cifs/index.rst', '   cifsroot\n', ''),
	('init/do_mounts.c',
	 ' *\t10) /dev/cifs represents Root_CIFS (0xfe)\n', ''),
	('init/do_mounts.c',
	 '\tif (strcmp(name, "/dev/cifs") == 0)\n\t\treturn Root_CIFS;\n', ''),
	('init/do_mounts.c',
	 '#ifdef CONFIG_CIFS_ROOT\n\n'
	 'extern int cifs_root_data(char **dev, char **opts);\n', None),
	('init/do_mounts.c',
	 '#ifdef CONFIG_CIFS_ROOT\n'
	 '\tif (ROOT_DEV == Root_CIFS) {\n'
	 '\t\tif (!mount_cifs_root())\n'
	 '\t\t\tprintk(KERN_ERR "VFS: Unable to mount root fs via SMB.\\n");\n'
	 '\t\treturn;\n'
	 '\t}\n'
	 '#endif\n', ''),
	('net/ipv4/ipconfig.c',
	 '\t\t    (ROOT_DEV == Root_NFS || ROOT_DEV == Root_CIFS)) {\n',
	 '\t\t    ROOT_DEV == Root_NFS) {\n'),
	('net/ipv4/ipconfig.c',
	 '#if defined(CONFIG_ROOT_NFS) || defined(CONFIG_CIFS_ROOT)\n'
	 '\t    (root_server_addr == NONE &&\n'
	 '\t     ic_servaddr == NONE &&\n'
	 '\t     (ROOT_DEV == Root_NFS || ROOT_DEV == Root_CIFS)) ||\n',
	 '#ifdef CONFIG_ROOT_NFS\n'
	 '\t    (root_server_addr == NONE &&\n'
	 '\t     ic_servaddr == NONE &&\n'
	 '\t     ROOT_DEV == Root_NFS) ||\n'),
	('net/ipv4/ipconfig.c',
	 '#ifdef CONFIG_CIFS_ROOT\n'
	 '\t\t\tif (ROOT_DEV == Root_CIFS) {\n'
	 '\t\t\t\tpr_err("IP-Config: Retrying forever (CIFS root)...\\n");\n'
	 '\t\t\t\tgoto try_try_again;\n'
	 '\t\t\t}\n'
	 '#endif\n', ''),
]

# What may still mention the feature after stripping: the CIFS client's
# own `rootfs` mount option is guarded by CONFIG_CIFS_ROOT.
STRIP_ALLOWED = {'fs/smb/client/fs_context.c'}


def git(tree, *args, capture=False, check=True):
	env = dict(os.environ, **GIT_ENV)
	return run(['git', '-C', tree] + list(args), env=env,
		   capture=capture, check=check)


def package_version():
	out = run(['dpkg-query', '-W', '-f=${Version}', SOURCE_PACKAGE],
		  capture=True, check=False)
	if out.returncode != 0 or not out.stdout.strip():
		raise HarnessError(f'{SOURCE_PACKAGE} is not installed '
				   '(make deps installs it)')
	return out.stdout.strip()


def tree_dir():
	"""The git repository holding the base tree (and the build checkout)."""
	return os.path.join(cache_dir(), 'linux-' + package_version())


def apply_dir():
	"""A second work tree of the same repository used to make commits."""
	return tree_dir() + '-apply'


def client_dir(tree):
	"""Where the base keeps its CIFS client: our fs/cifs/ maps here."""
	for d in ('fs/smb/client', 'fs/cifs'):
		if os.path.isdir(os.path.join(tree, d)):
			return d
	raise HarnessError('no CIFS client directory in ' + tree)


def map_path(tree, path):
	if path.startswith('fs/cifs/'):
		return client_dir(tree) + path[len('fs/cifs'):]
	return path


def rev(tree, name):
	out = git(tree, 'rev-parse', '--verify', '-q', name + '^{commit}',
		  capture=True, check=False)
	return out.stdout.strip() if out.returncode == 0 else None


@step('fetch')
def fetch():
	"""Extract linux-source into the cache once, as a git repository."""
	tree = tree_dir()
	if rev(tree, 'refs/tags/pristine'):
		log(f'base tree cached in {tree}')
		return tree
	if os.path.exists(tree):
		shutil.rmtree(tree)
	tmp = tree + '.tmp'
	shutil.rmtree(tmp, ignore_errors=True)
	os.makedirs(tmp)
	log(f'extracting {SOURCE_TARBALL}')
	run(['tar', '-C', tmp, '-xf', SOURCE_TARBALL])
	top = os.listdir(tmp)
	if len(top) != 1:
		raise HarnessError('unexpected layout of ' + SOURCE_TARBALL)
	os.rename(os.path.join(tmp, top[0]), tree)
	os.rmdir(tmp)
	log('committing the pristine tree')
	git(tree, 'init', '-q')
	git(tree, 'config', 'gc.auto', '0')
	git(tree, 'add', '-A', '-f')
	git(tree, 'commit', '-q', '-m', 'Debian ' + SOURCE_PACKAGE + ' '
	    + package_version())
	git(tree, 'tag', 'pristine')
	return tree


def ensure_apply_tree():
	tree = tree_dir()
	wt = apply_dir()
	if not os.path.isdir(os.path.join(wt, '.git')) and \
	   not os.path.isfile(os.path.join(wt, '.git')):
		shutil.rmtree(wt, ignore_errors=True)
		git(tree, 'worktree', 'prune')
		git(tree, 'worktree', 'add', '-q', '--detach', wt, 'pristine')
	return wt


def edit(wt, path, old, new):
	full = os.path.join(wt, path)
	with open(full) as f:
		text = f.read()
	count = text.count(old)
	if count != 1:
		raise HarnessError(f'{path}: expected text found {count} times:\n'
				   + old)
	with open(full, 'w') as f:
		f.write(text.replace(old, new))


def strip_do_mounts_block(wt):
	"""Remove the whole `#ifdef CONFIG_CIFS_ROOT` mount_cifs_root block."""
	path = os.path.join(wt, 'init/do_mounts.c')
	with open(path) as f:
		text = f.read()
	start = text.index('#ifdef CONFIG_CIFS_ROOT\n\nextern int cifs_root_data')
	end = text.index('#endif\n', start) + len('#endif\n')
	# also drop the blank line that separated the block from its neighbour
	if text[end:end + 1] == '\n':
		end += 1
	with open(path, 'w') as f:
		f.write(text[:start] + text[end:])


@step('strip')
def strip():
	"""Remove the older SMB root; the result is tagged `base`."""
	tree = fetch()
	wt = ensure_apply_tree()
	git(wt, 'checkout', '-q', '-f', '--detach', 'pristine')
	git(wt, 'clean', '-q', '-fdx')
	for path in STRIP_FILES:
		git(wt, 'rm', '-q', path)
	for path, old, new in STRIP_EDITS:
		if new is None:
			strip_do_mounts_block(wt)
		else:
			edit(wt, path, old, new)
	git(wt, 'commit', '-q', '-a', '-m',
	    'Remove the older SMB root file system support\n\n'
	    'The base for the cifsroot series: its own SMB root replaces it.')
	git(wt, 'tag', '-f', 'base')
	leftovers = strip_leftovers(wt)
	if leftovers:
		raise HarnessError('the stripped tree still mentions the old '
				   'feature:\n' + '\n'.join(leftovers))
	log('stripped tree tagged base: ' + rev(tree, 'base')[:12])
	return wt


def strip_leftovers(wt, commit='base'):
	"""Lines of `commit` naming the old feature, other than the allowed."""
	out = git(wt, 'grep', '-n', '-e', 'CIFS_ROOT', '-e', 'Root_CIFS',
		  '-e', 'cifsroot', commit, '--', '.',
		  capture=True, check=False)
	# 1 is "no match"; anything else but a match is git failing
	if out.returncode not in (0, 1):
		raise HarnessError(f'git grep failed ({out.returncode}): '
				   + out.stderr[-500:])
	bad = []
	for line in out.stdout.splitlines():
		path = line.split(':')[1]
		if path not in STRIP_ALLOWED:
			bad.append(line)
	return bad


def read_series():
	"""The series: one message file per commit, in file name order.

	Each file starts with a `Files:` line listing the overlay paths that
	make up the commit, a blank line, then the commit message.
	"""
	commits = []
	for msg in sorted(glob.glob(os.path.join(SERIES_DIR, '*.msg'))):
		with open(msg) as f:
			head, _, message = f.read().partition('\n\n')
		if not head.startswith('Files:'):
			raise HarnessError(msg + ': first line must be Files:')
		files = head[len('Files:'):].split()
		for path in files:
			if not os.path.exists(os.path.join(REPO, path)):
				raise HarnessError(f'{msg}: no such file {path}')
		commits.append((os.path.basename(msg), files, message))
	if not commits:
		raise HarnessError('empty series in ' + SERIES_DIR)
	return commits


def apply_fragment(wt, src, dest):
	"""Insert a fragment holding only our entries into a base file."""
	with open(src) as f:
		frag = f.read()
	full = os.path.join(wt, dest)
	with open(full) as f:
		text = f.read()
	if os.path.basename(dest) == 'MAINTAINERS':
		frag = frag.replace('\tfs/cifs/', '\t' + client_dir(wt) + '/')
		text = insert_maintainers(text, frag)
	else:
		# Kconfig and Makefile entries: after the last existing entry
		text = text.rstrip('\n') + '\n\n' + frag.lstrip('\n')
	with open(full, 'w') as f:
		f.write(text)


def insert_maintainers(text, frag):
	"""Put our section where get_maintainer.pl's alphabetic order wants it."""
	title = frag.splitlines()[0]
	sections = re.finditer(r'\n\n([A-Z0-9][^\n]*)\n[A-Z]:\t', text)
	for m in sections:
		if m.group(1) > title:
			pos = m.start() + 2
			return text[:pos] + frag.rstrip('\n') + '\n\n' + text[pos:]
	raise HarnessError('no place for the MAINTAINERS entry')


def apply_patch(wt, src):
	with open(src) as f:
		text = f.read()
	client = client_dir(wt)
	text = text.replace(' a/fs/cifs/', ' a/' + client + '/')
	text = text.replace(' b/fs/cifs/', ' b/' + client + '/')
	run(['git', '-C', wt, 'apply', '--index', '-'], input=text)


FRAGMENTS = ('Kconfig', 'Makefile', 'MAINTAINERS')


@step('apply')
def apply():
	"""Commit the overlay as a series on `base`; returns the head commit."""
	strip_wt = strip() if not rev(tree_dir(), 'base') else None
	wt = strip_wt or ensure_apply_tree()
	git(wt, 'checkout', '-q', '-f', '--detach', 'base')
	git(wt, 'clean', '-q', '-fdx')
	for name, files, message in read_series():
		for path in files:
			src = os.path.join(REPO, path)
			if path.endswith('.patch'):
				apply_patch(wt, src)
				continue
			dest = map_path(wt, path)
			if os.path.basename(path) in FRAGMENTS:
				apply_fragment(wt, src, dest)
			else:
				os.makedirs(os.path.dirname(os.path.join(wt, dest)),
					    exist_ok=True)
				shutil.copyfile(src, os.path.join(wt, dest))
			git(wt, 'add', '-f', dest)
		git(wt, 'commit', '-q', '-m', message)
		log('applied ' + name)
	head = rev(wt, 'HEAD')
	git(wt, 'update-ref', 'refs/heads/series', head)
	return head


def series_commits():
	tree = tree_dir()
	out = git(tree, 'rev-list', '--reverse', 'base..series', capture=True)
	return out.stdout.split()


@step('series')
def series():
	"""Export the series with a cover letter and checkpatch every patch."""
	apply()
	tree = tree_dir()
	outdir = os.path.join(REPO, 'out', 'series')
	shutil.rmtree(outdir, ignore_errors=True)
	os.makedirs(outdir)
	cover = os.path.join(SERIES_DIR, 'cover-letter.txt')
	git(tree, 'format-patch', '-q', '--cover-letter', '-o', outdir,
	    'base..series')
	if os.path.exists(cover):
		fill_cover_letter(outdir, cover)
	patches = sorted(glob.glob(os.path.join(outdir, '*.patch')))
	log(f'{len(patches)} files in {os.path.relpath(outdir, REPO)}')
	return patches


def fill_cover_letter(outdir, cover):
	with open(cover) as f:
		subject, _, body = f.read().partition('\n\n')
	path = glob.glob(os.path.join(outdir, '0000-*.patch'))[0]
	with open(path) as f:
		text = f.read()
	text = text.replace('*** SUBJECT HERE ***', subject.strip())
	text = text.replace('*** BLURB HERE ***', body.strip())
	with open(path, 'w') as f:
		f.write(text)


def checkpatch(patch):
	"""Run checkpatch --strict on one patch; returns (ok, output)."""
	tree = tree_dir()
	# checkpatch runs scripts/spdxcheck.py with the python3 on PATH: it
	# needs Debian's, which has python3-ply and python3-git.
	env = dict(os.environ, PATH='/usr/bin:/bin:' + os.environ['PATH'])
	# The base tree is a tarball committed once: it has no upstream
	# history, so every upstream commit id (of a backport's "commit <id>
	# upstream" line, of a Fixes: tag) is unknown to it.
	out = run([os.path.join(tree, 'scripts', 'checkpatch.pl'), '--strict',
		   '--ignore', 'UNKNOWN_COMMIT_ID', patch], cwd=tree, env=env,
		  capture=True, check=False)
	return out.returncode == 0 and not out.stdout.strip(), out.stdout


def in_base(word):
	"""Whether `word` occurs as a whole word in the base tree's sources."""
	out = git(tree_dir(), 'grep', '-q', '-w', '-F', word, 'base', '--',
		  '*.c', '*.h', capture=True, check=False)
	return out.returncode == 0


def build_dir(name='ours'):
	return os.path.join(cache_dir(), 'build-' + name)


def kmake(tree, out, *targets, capture=False, check=True, basedir=None):
	"""make in `tree` with O=`out` through ccache.

	With `basedir`, ccache rewrites absolute paths under it to relative
	ones, so that trees laid out alike under it share cached objects.
	"""
	ccache = os.path.join(cache_dir(), 'ccache')
	env = dict(os.environ, CCACHE_DIR=ccache, KBUILD_BUILD_TIMESTAMP='',
		   KBUILD_BUILD_USER='cifsroot', KBUILD_BUILD_HOST='cifsroot')
	if basedir:
		env['CCACHE_BASEDIR'] = basedir
	jobs = str(os.cpu_count() or 1)
	cmd = ['make', '-s', '-C', tree, 'O=' + out, 'ARCH=x86_64',
	       'CC=ccache gcc', 'HOSTCC=ccache gcc', '-j' + jobs] + list(targets)
	return run(cmd, env=env, capture=capture, check=check)


@step('configure')
def configure(tree, out, fragments=('cifsroot.config',), basedir=None):
	"""tinyconfig plus our fragments, merged with merge_config.sh."""
	os.makedirs(out, exist_ok=True)
	frags = [os.path.join(CONFIG_DIR, f) for f in fragments]
	wanted = os.path.join(out, '.config.wanted')
	text = ''
	for f in frags:
		with open(f) as fh:
			text += fh.read()
	old = None
	if os.path.exists(wanted):
		with open(wanted) as fh:
			old = fh.read()
	if old == text and os.path.exists(os.path.join(out, '.config')):
		log('configuration unchanged')
		return
	kmake(tree, out, 'tinyconfig', capture=True, basedir=basedir)
	env = dict(os.environ, ARCH='x86_64')
	run([os.path.join(tree, 'scripts', 'kconfig', 'merge_config.sh'),
	     '-m', '-O', out, os.path.join(out, '.config')] + frags,
	    cwd=tree, env=env, capture=True)
	kmake(tree, out, 'olddefconfig', basedir=basedir)
	missing = config_missing(out, frags)
	if missing:
		raise HarnessError('options the kernel did not take:\n  '
				   + '\n  '.join(missing))
	with open(wanted, 'w') as fh:
		fh.write(text)


def config_missing(out, frags):
	"""Lines of the fragments the .config does not have.

	A later fragment's line for a symbol replaces an earlier one's; "# X
	is not set" holds when X is not set, whether or not the line is there.
	"""
	with open(os.path.join(out, '.config')) as f:
		have = set(line.strip() for line in f)
	wanted = {}
	for frag in frags:
		with open(frag) as f:
			for line in f:
				line = line.strip()
				m = re.match(r'(?:# )?(CONFIG_\w+)(?:=| is not set$)',
					     line)
				if m:
					wanted[m.group(1)] = line
	missing = []
	for sym, line in wanted.items():
		if line.endswith(' is not set'):
			if any(h.startswith(sym + '=') for h in have):
				missing.append(line)
		elif line not in have:
			missing.append(line)
	return missing


# The kernels the harness builds: name -> config fragments.
KERNELS = {
	'ours': ('cifsroot.config',),
	'debug': ('cifsroot.config', 'debug.config'),
	'nocifsroot': ('cifsroot.config', 'nocifsroot.config'),
}


@step('build')
def build(commit=None, name='ours'):
	"""Check `commit` (default: the series head) out and build bzImage."""
	tree = tree_dir()
	commit = commit or apply()
	if rev(tree, 'HEAD') != commit:
		git(tree, 'checkout', '-q', '-f', '--detach', commit)
	out = build_dir(name)
	configure(tree, out, KERNELS[name])
	kmake(tree, out, 'bzImage')
	image = os.path.join(out, 'arch', 'x86', 'boot', 'bzImage')
	log('kernel: ' + image)
	return image


# ------------------------------------------------------------ series gates

def series_files(tree, suffix='.c'):
	"""Files the series touches that end with `suffix`, at its head."""
	out = git(tree, 'diff', '--name-only', 'base', 'series', capture=True)
	return [f for f in out.stdout.split() if f.endswith(suffix)]


def checkout(tree, commit):
	if rev(tree, 'HEAD') != rev(tree, commit):
		git(tree, 'checkout', '-q', '-f', '--detach', commit)


@step('build every commit')
def built_before(record, commit, config_id):
	"""Whether `record` (lines "<commit> <config id>") has this build."""
	try:
		with open(record) as f:
			return f'{commit} {config_id}' in f.read().split('\n')
	except FileNotFoundError:
		return False


def note_built(record, commit, config_id):
	with open(record, 'a') as f:
		f.write(f'{commit} {config_id}\n')


def build_each_commit():
	"""Build bzImage at every commit of the series; returns failures and
	how many commits were built in this run.

	The configuration is the test kernel's, taken from the series head
	and restored before each commit, so that a symbol missing at an early
	commit does not stay dropped for the later ones. A commit id pins its
	whole tree, so a commit that built with the same configuration and
	compiler before (recorded in the build directory) is not built again.
	"""
	tree = tree_dir()
	head = apply()
	out = build_dir('bisect')
	checkout(tree, head)
	configure(tree, out, KERNELS['ours'])
	with open(os.path.join(out, '.config')) as f:
		config = f.read()
	# the configuration and the compiler identify a build of a commit
	compiler = run(['gcc', '--version'], capture=True).stdout
	config_id = hashlib.sha256((config + compiler).encode()).hexdigest()[:16]
	record = os.path.join(out, 'built-commits')
	failures = []
	built = 0
	try:
		for commit in series_commits():
			if built_before(record, commit, config_id):
				continue
			built += 1
			checkout(tree, commit)
			with open(os.path.join(out, '.config'), 'w') as f:
				f.write(config)
			kmake(tree, out, 'olddefconfig', capture=True)
			res = kmake(tree, out, 'bzImage', capture=True, check=False)
			subject = git(tree, 'log', '-1', '--format=%s', commit,
				      capture=True).stdout.strip()
			log(f'{commit[:12]} {subject}: '
			    + ('ok' if res.returncode == 0 else 'FAILED'))
			if res.returncode:
				failures.append(f'{subject}:\n'
						+ (res.stdout + res.stderr)[-3000:])
			else:
				note_built(record, commit, config_id)
	finally:
		checkout(tree, head)
		with open(os.path.join(out, '.config'), 'w') as f:
			f.write(config)
	return failures, built


@step('kconfig')
def kconfig_with(extra):
	"""The test kernel's configuration with `extra` lines merged last.

	Made at the series head in its own build directory; returns the
	resulting .config as a set of lines.
	"""
	tree = tree_dir()
	checkout(tree, apply())
	out = build_dir('kconfig')
	os.makedirs(out, exist_ok=True)
	frag = os.path.join(out, 'extra.config')
	with open(frag, 'w') as f:
		f.write(''.join(line + '\n' for line in extra))
	kmake(tree, out, 'tinyconfig', capture=True)
	run([os.path.join(tree, 'scripts', 'kconfig', 'merge_config.sh'),
	     '-m', '-O', out, os.path.join(out, '.config'),
	     os.path.join(CONFIG_DIR, 'cifsroot.config'), frag],
	    cwd=tree, env=dict(os.environ, ARCH='x86_64'), capture=True)
	kmake(tree, out, 'olddefconfig', capture=True)
	with open(os.path.join(out, '.config')) as f:
		return set(line.strip() for line in f)


def warnings_of(tree, out, objects):
	"""sparse (C=2) and W=1 warnings of `objects`, without line numbers."""
	if not shutil.which('sparse'):
		raise HarnessError('sparse is not installed (Debian package '
				   'sparse)')
	found = set()
	for obj in objects:
		# an object that is up to date would not show its warnings
		if os.path.exists(os.path.join(out, obj)):
			os.unlink(os.path.join(out, obj))
		res = kmake(tree, out, 'W=1', 'C=2', obj, capture=True,
			    check=False)
		if res.returncode != 0:
			raise HarnessError(f'make W=1 C=2 {obj} failed '
					   f'({res.returncode}):\n' +
					   (res.stdout + res.stderr)[-2000:])
		for line in (res.stdout + res.stderr).splitlines():
			if 'warning:' not in line and 'error:' not in line:
				continue
			found.add(re.sub(r':\d+(:\d+)?:', ':', line.strip()))
	return found


@step('sparse and W=1')
def new_warnings():
	"""Warnings in the files the series touches that the base lacks."""
	tree = tree_dir()
	head = apply()
	out = build_dir('bisect')
	objects = [f[:-2] + '.o' for f in series_files(tree)
		   if not f.endswith('_test.c')]
	try:
		checkout(tree, 'base')
		before = warnings_of(tree, out, [o for o in objects if
			 os.path.exists(os.path.join(tree, o[:-2] + '.c'))])
	finally:
		checkout(tree, head)
	after = warnings_of(tree, out, objects)
	return sorted(after - before), objects


# kernel-doc -v warnings that upstream has since made no-ops: a function
# without parameters has its description before its first section.
KERNEL_DOC_IGNORED = ('contents before sections',)


def kernel_doc(paths):
	"""scripts/kernel-doc -v -none on `paths`; returns its warnings.

	-v is 6.1's -Wall: it adds the missing return value descriptions.
	"""
	tree = tree_dir()
	res = run([os.path.join(tree, 'scripts', 'kernel-doc'), '-v', '-none']
		  + paths, cwd=tree, capture=True, check=False)
	out = (res.stdout + res.stderr).splitlines()
	if res.returncode not in (0, 1) and not out:
		raise HarnessError(f'kernel-doc exited {res.returncode}')
	return [line for line in out
		if re.search(r'\b(warning|error)\b', line, re.I) and
		not re.match(r'\d+ warnings?$', line.strip()) and
		not any(i in line for i in KERNEL_DOC_IGNORED)]


def maintainers(patch):
	"""What scripts/get_maintainer.pl names for a patch."""
	tree = tree_dir()
	res = run([os.path.join(tree, 'scripts', 'get_maintainer.pl'),
		   '--no-git', '--no-git-fallback', '--no-rolestats', patch],
		  cwd=tree, capture=True, check=False)
	return res.stdout.splitlines()


@step('kunit.py')
def kunit_tool():
	"""Run our suite the way kernel developers run every suite:
	tools/testing/kunit/kunit.py over the client's .kunitconfig (UML)."""
	tree = tree_dir()
	checkout(tree, apply())
	env = dict(os.environ, CCACHE_DIR=os.path.join(cache_dir(), 'ccache'))
	res = run([sys.executable, 'tools/testing/kunit/kunit.py', 'run',
		   '--kunitconfig=' + client_dir(tree),
		   '--build_dir=' + build_dir('kunit'),
		   '--make_options', 'CC=ccache gcc',
		   '--jobs', str(os.cpu_count() or 1)],
		  cwd=tree, env=env, capture=True, check=False)
	return res.returncode, res.stdout + res.stderr


@step('htmldocs')
def htmldocs(sphinxdirs='filesystems'):
	"""Build the documentation of `sphinxdirs`; returns (output, html dir)."""
	tree = tree_dir()
	checkout(tree, apply())
	out = build_dir('docs')
	# Debian's sphinx-build and its python3 (with the theme)
	env = dict(os.environ, PATH='/usr/bin:/bin:' + os.environ['PATH'])
	res = run(['make', '-C', tree, 'O=' + out, 'SPHINXDIRS=' + sphinxdirs,
		   'htmldocs'], env=env, capture=True, check=False)
	html = os.path.join(out, 'Documentation', 'output', sphinxdirs)
	return res.returncode, res.stdout + res.stderr, html
