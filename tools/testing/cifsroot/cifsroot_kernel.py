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

from cifsroot_common import (REPO, base, base_suffix, cache_dir, log, out_dir,
			     run, step, HarnessError)

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

# The older upstream SMB root, as found in each base tree. An edit is
# (path, old text, new text): the old text must be there exactly once.
# An edit whose new text is None removes the block from the old text up
# to and including the end marker Block_END names for that file.
# strip fails loudly when a base changes, so nothing goes by guesswork.
KCONFIG_CIFS_ROOT = ('\nconfig CIFS_ROOT\n'
		     '\tbool "SMB root file system (Experimental)"\n'
		     '\tdepends on CIFS=y && IP_PNP\n'
		     '\thelp\n'
		     '\t  Enables root file system support over SMB protocol.\n'
		     '\n'
		     '\t  Most people say N here.\n')

IPCONFIG_EDITS = [
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

# The same in both bases.
CLIENT_EDITS = [
	('fs/smb/client/Makefile',
	 '\ncifs-$(CONFIG_CIFS_ROOT) += cifsroot.o\n', ''),
	('fs/smb/client/Kconfig', KCONFIG_CIFS_ROOT, ''),
	('include/linux/root_dev.h',
	 '\tRoot_CIFS = MKDEV(UNNAMED_MAJOR, 254),\n', ''),
]

STRIP = {
	'6.1': {
		'files': ['fs/smb/client/cifsroot.c',
			  'Documentation/filesystems/cifs/cifsroot.rst'],
		'edits': CLIENT_EDITS + [
			('Documentation/filesystems/cifs/index.rst',
			 '   cifsroot\n', ''),
			('init/do_mounts.c',
			 ' *\t10) /dev/cifs represents Root_CIFS (0xfe)\n', ''),
			('init/do_mounts.c',
			 '\tif (strcmp(name, "/dev/cifs") == 0)\n'
			 '\t\treturn Root_CIFS;\n', ''),
			('init/do_mounts.c',
			 '#ifdef CONFIG_CIFS_ROOT\n\n'
			 'extern int cifs_root_data(char **dev, char **opts);\n',
			 None),
			('init/do_mounts.c',
			 '#ifdef CONFIG_CIFS_ROOT\n'
			 '\tif (ROOT_DEV == Root_CIFS) {\n'
			 '\t\tif (!mount_cifs_root())\n'
			 '\t\t\tprintk(KERN_ERR "VFS: Unable to mount root fs '
			 'via SMB.\\n");\n'
			 '\t\treturn;\n'
			 '\t}\n'
			 '#endif\n', ''),
		] + IPCONFIG_EDITS,
		'block_end': '#endif\n',
	},
	'6.12': {
		'files': ['fs/smb/client/cifsroot.c',
			  'Documentation/filesystems/smb/cifsroot.rst'],
		'edits': CLIENT_EDITS + [
			('Documentation/filesystems/smb/index.rst',
			 '   cifsroot\n', ''),
			('init/do_mounts.c',
			 '#ifdef CONFIG_CIFS_ROOT\n\n'
			 '#define CIFSROOT_TIMEOUT_MIN\t5\n', None),
			('init/do_mounts.c',
			 '\tcase Root_CIFS:\n\t\tmount_cifs_root();\n'
			 '\t\tbreak;\n', ''),
			('init/do_mounts.c',
			 '\tif (strcmp(root_device_name, "/dev/cifs") == 0)\n'
			 '\t\treturn Root_CIFS;\n', ''),
		] + IPCONFIG_EDITS,
		'block_end': '#endif /* CONFIG_CIFS_ROOT */\n',
	},
}

# What may still mention the feature after stripping: the CIFS client's
# own `rootfs` mount option is guarded by CONFIG_CIFS_ROOT.
STRIP_ALLOWED = {'fs/smb/client/fs_context.c'}


def git(tree, *args, capture=False, check=True):
	env = dict(os.environ, **GIT_ENV)
	return run(['git', '-C', tree] + list(args), env=env,
		   capture=capture, check=check)


def source_package():
	"""The Debian package holding the current base's source."""
	return 'linux-source-' + base()


def source_tarball():
	return f'/usr/src/{source_package()}.tar.xz'


def package_version():
	out = run(['dpkg-query', '-W', '-f=${Version}', source_package()],
		  capture=True, check=False)
	if out.returncode != 0 or not out.stdout.strip():
		raise HarnessError(f'{source_package()} is not installed '
				   '(make deps installs it)')
	return out.stdout.strip()


def tree_dir():
	"""The git repository holding the base tree (and the build checkout)."""
	return os.path.join(cache_dir(), 'linux-' + package_version())


def apply_dir():
	"""A second work tree of the same repository used to make commits."""
	return tree_dir() + '-apply'


def docs_dir(tree):
	"""Where the base keeps the CIFS documentation: our
	Documentation/filesystems/cifs/ maps here."""
	for d in ('Documentation/filesystems/cifs',
		  'Documentation/filesystems/smb'):
		if os.path.isdir(os.path.join(tree, d)):
			return d
	raise HarnessError('no CIFS documentation directory in ' + tree)


def client_dir(tree):
	"""Where the base keeps its CIFS client: our fs/cifs/ maps here."""
	for d in ('fs/smb/client', 'fs/cifs'):
		if os.path.isdir(os.path.join(tree, d)):
			return d
	raise HarnessError('no CIFS client directory in ' + tree)


def map_path(tree, path):
	"""Where overlay path `path` goes in the base tree `tree`."""
	for ours, theirs in (('fs/cifs', client_dir),
			     ('Documentation/filesystems/cifs', docs_dir)):
		if path.startswith(ours + '/'):
			return theirs(tree) + path[len(ours):]
	return path


def overlay_file(path):
	"""The overlay file for `path` on the current base: bases/<base>/
	holds the files that differ on a base other than the default."""
	other = os.path.join(REPO, 'bases', base(), path)
	return other if os.path.exists(other) else os.path.join(REPO, path)


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
	log(f'extracting {source_tarball()}')
	run(['tar', '-C', tmp, '-xf', source_tarball()])
	top = os.listdir(tmp)
	if len(top) != 1:
		raise HarnessError('unexpected layout of ' + source_tarball())
	os.rename(os.path.join(tmp, top[0]), tree)
	os.rmdir(tmp)
	log('committing the pristine tree')
	git(tree, 'init', '-q')
	git(tree, 'config', 'gc.auto', '0')
	git(tree, 'add', '-A', '-f')
	git(tree, 'commit', '-q', '-m', 'Debian ' + source_package() + ' '
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


def strip_block(wt, path, first, last):
	"""Remove the block from `first` to `last` (the old mount_cifs_root)."""
	path = os.path.join(wt, path)
	with open(path) as f:
		text = f.read()
	if text.count(first) != 1:
		raise HarnessError(f'{path}: expected text found '
				   f'{text.count(first)} times:\n' + first)
	start = text.index(first)
	end = text.index(last, start) + len(last)
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
	recipe = STRIP[base()]
	for path in recipe['files']:
		git(wt, 'rm', '-q', path)
	for path, old, new in recipe['edits']:
		if new is None:
			strip_block(wt, path, old, recipe['block_end'])
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
	make up the commit, optionally a `Bases:` line naming the only bases
	that need the commit, a blank line, then the commit message. The
	commits of the current base are returned.
	"""
	commits = []
	for msg in sorted(glob.glob(os.path.join(SERIES_DIR, '*.msg'))):
		msg = overlay_file(os.path.relpath(msg, REPO))
		with open(msg) as f:
			head, _, message = f.read().partition('\n\n')
		fields = dict(line.split(':', 1) for line in head.splitlines())
		if not head.startswith('Files:') or \
		   set(fields) - {'Files', 'Bases'}:
			raise HarnessError(msg + ': the header is a Files: line '
					   'and an optional Bases: line')
		if 'Bases' in fields and base() not in fields['Bases'].split():
			continue
		files = fields['Files'].split()
		for path in files:
			if not os.path.exists(overlay_file(path)):
				raise HarnessError(f'{msg}: no such file {path}')
		commits.append((os.path.basename(msg), files, message))
	if not commits:
		raise HarnessError('empty series in ' + SERIES_DIR)
	return commits


def apply_fragment(wt, src, dest):
	"""Insert a fragment holding only our entries into a base file."""
	with open(src) as f:
		frag = base_text(wt, f.read())
	full = os.path.join(wt, dest)
	with open(full) as f:
		text = f.read()
	if os.path.basename(dest) == 'MAINTAINERS':
		frag = re.sub(r'^(F:\t)(\S+)',
			      lambda m: m.group(1) + map_path(wt, m.group(2)),
			      frag, flags=re.M)
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


def base_text(wt, text):
	"""An overlay file's text with the documentation's directory of the
	base `wt` in its references to Documentation/filesystems/cifs/."""
	ours = 'Documentation/filesystems/cifs/'
	return text.replace(ours, map_path(wt, ours + 'x')[:-1])


def apply_patch(wt, src):
	with open(src) as f:
		text = base_text(wt, f.read())
	ours = 'fs/cifs/'
	theirs = map_path(wt, ours + 'x')[:-1]
	text = text.replace(' a/' + ours, ' a/' + theirs)
	text = text.replace(' b/' + ours, ' b/' + theirs)
	run(['git', '-C', wt, 'apply', '--index', '-'], input=text)


FRAGMENTS = ('Kconfig', 'Makefile', 'MAINTAINERS')


def copy_file(wt, src, dest):
	full = os.path.join(wt, dest)
	os.makedirs(os.path.dirname(full), exist_ok=True)
	with open(src) as f:
		text = base_text(wt, f.read())
	with open(full, 'w') as f:
		f.write(text)
	shutil.copymode(src, full)


@step('apply')
def apply():
	"""Commit the overlay as a series on `base`; returns the head commit."""
	strip_wt = strip() if not rev(tree_dir(), 'base') else None
	wt = strip_wt or ensure_apply_tree()
	git(wt, 'checkout', '-q', '-f', '--detach', 'base')
	git(wt, 'clean', '-q', '-fdx')
	for name, files, message in read_series():
		for path in files:
			src = overlay_file(path)
			if path.endswith('.patch'):
				apply_patch(wt, src)
				continue
			dest = map_path(wt, path)
			if os.path.basename(path) in FRAGMENTS:
				apply_fragment(wt, src, dest)
			else:
				copy_file(wt, src, dest)
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


@step('pristine form')
def pristine_form():
	"""The series as upstream receives it: on the pristine tree, which
	still has the older SMB root (branch `pristine-series`).

	A commit whose diff applies there is taken as it is. One that does
	not (it changes what the older root has: its files, its lines in
	do_mounts.c and ipconfig.c) takes the files it touches as the series
	has them at that commit, so that it replaces the older code; its
	message says so (pristine_message()). Both forms must end in the
	same tree.
	"""
	head = apply()
	tree = tree_dir()
	wt = ensure_apply_tree()
	git(wt, 'checkout', '-q', '-f', '--detach', 'pristine')
	git(wt, 'clean', '-q', '-fdx')
	commits = series_commits()
	for (name, _, message), commit in zip(read_series(), commits):
		diff = git(tree, 'diff', '--binary', commit + '~1', commit,
			   capture=True).stdout
		res = run(['git', '-C', wt, 'apply', '--index', '-'],
			  input=diff, capture=True, check=False)
		if res.returncode:
			replace_files(wt, commit)
			message = pristine_message(message, os.path.join(
				SERIES_DIR, 'pristine', name))
		git(wt, 'commit', '-q', '-m', message)
	if git(wt, 'diff', '--quiet', head, 'HEAD', check=False).returncode:
		raise HarnessError('the pristine form does not end in the '
				   'tree of the series')
	git(wt, 'update-ref', 'refs/heads/pristine-series', rev(wt, 'HEAD'))
	return rev(wt, 'HEAD')


def pristine_message(message, path):
	"""`message` for a commit that replaces the older SMB root's code:
	`path` (series/pristine/<name>.msg) holds the subject and the
	paragraphs that go before the trailers."""
	if not os.path.exists(path):
		raise HarnessError(f'{os.path.relpath(path, REPO)}: the commit '
				   'changes the older SMB root; say how')
	with open(path) as f:
		subject, _, extra = f.read().strip('\n').partition('\n\n')
	body = message.partition('\n\n')[2]
	at = body.index('\nSigned-off-by:') + 1
	return (subject + '\n\n' + body[:at] + extra + '\n\n' + body[at:])


def replace_files(wt, commit):
	"""Take the files `commit` touches as they are at `commit`."""
	out = git(wt, 'diff', '--name-only', commit + '~1', commit,
		  capture=True).stdout.split()
	for path in out:
		if git(wt, 'cat-file', '-e', f'{commit}:{path}',
		       check=False).returncode == 0:
			git(wt, 'checkout', commit, '--', path)
		else:
			git(wt, 'rm', '-q', '--ignore-unmatch', path)


@step('series')
def series():
	"""Export the series with a cover letter to out/[<base>/]series/,
	and its pristine form to out/[<base>/]series-pristine/."""
	apply()
	pristine_form()
	tree = tree_dir()
	patches = []
	for form, commits in (('stripped', 'base..series'),
			      ('pristine', 'pristine..pristine-series')):
		outdir = out_dir('series' if form == 'stripped'
				 else 'series-pristine')
		shutil.rmtree(outdir, ignore_errors=True)
		os.makedirs(outdir)
		git(tree, 'format-patch', '-q', '--cover-letter', '-o', outdir,
		    commits)
		fill_cover_letter(outdir, form)
		found = sorted(glob.glob(os.path.join(outdir, '*.patch')))
		log(f'{len(found)} files in {os.path.relpath(outdir, REPO)}')
		if form == 'stripped':
			patches = found
	return patches


def pristine_patches():
	"""The pristine form's patch files, as series() wrote them."""
	return sorted(glob.glob(os.path.join(out_dir('series-pristine'),
					     '*.patch')))


def am_check(start, patches):
	"""git am `patches` on `start` in the apply work tree; HarnessError
	unless they apply and end in the series head's tree."""
	wt = ensure_apply_tree()
	git(wt, 'checkout', '-q', '-f', '--detach', start)
	git(wt, 'clean', '-q', '-fdx')
	res = git(wt, 'am', '-q', *patches, capture=True, check=False)
	if res.returncode:
		git(wt, 'am', '--abort', check=False, capture=True)
		raise HarnessError(f'git am on {start} failed:\n'
				   + (res.stdout + res.stderr)[-2000:])
	if git(wt, 'diff', '--quiet', 'series', 'HEAD',
	       check=False).returncode:
		raise HarnessError(f'git am on {start} does not end in the '
				   'tree of the series')


def patch_id(patch):
	"""git patch-id of a patch file: equal for equal changes."""
	with open(patch) as f:
		out = run(['git', 'patch-id', '--stable'], input=f.read(),
			  capture=True).stdout
	return out.split()[0] if out.strip() else None


def cover_letter(form):
	"""The cover letter's text for this base and `form`: cover-letter.txt
	with <<FORM>> and <<BASE>> filled from cover-<form>.txt and
	cover-<base>.txt."""
	def read(name):
		with open(os.path.join(SERIES_DIR, name)) as f:
			return f.read().strip('\n')
	text = read('cover-letter.txt')
	text = text.replace('<<FORM>>', read(f'cover-{form}.txt'))
	text = text.replace('<<BASE>>', read(f'cover-{base()}.txt'))
	return base_text(tree_dir(), text)


def fill_cover_letter(outdir, form):
	subject, _, body = cover_letter(form).partition('\n\n')
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
	# upstream" line, of a Fixes: tag) is unknown to it, and for the
	# same reason the commit that introduced a bug cannot be named here
	# unless it is known: 6.12's checkpatch asks for a Fixes: tag beside
	# Cc: stable (MISSING_FIXES_TAG), which six client fixes lack.
	out = run([os.path.join(tree, 'scripts', 'checkpatch.pl'), '--strict',
		   '--ignore', 'UNKNOWN_COMMIT_ID,MISSING_FIXES_TAG', patch],
		  cwd=tree, env=env, capture=True, check=False)
	return out.returncode == 0 and not out.stdout.strip(), out.stdout


def in_base(word):
	"""Whether `word` occurs as a whole word in the base tree's sources."""
	out = git(tree_dir(), 'grep', '-q', '-w', '-F', word, 'base', '--',
		  '*.c', '*.h', capture=True, check=False)
	return out.returncode == 0


def build_dir(name='ours'):
	"""build-<name>, build-<name>-<base> for a base but the default."""
	return os.path.join(cache_dir(), 'build-' + name + base_suffix())


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


def fragments(name):
	"""The config fragments of kernel `name` on the current base: its
	own, then the base's (configs/<base>.config)."""
	return KERNELS[name] + (base() + '.config',)


@step('build')
def build(commit=None, name='ours'):
	"""Check `commit` (default: the series head) out and build bzImage."""
	tree = tree_dir()
	commit = commit or apply()
	if rev(tree, 'HEAD') != commit:
		git(tree, 'checkout', '-q', '-f', '--detach', commit)
	out = build_dir(name)
	configure(tree, out, fragments(name))
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
	configure(tree, out, fragments('ours'))
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
	     os.path.join(CONFIG_DIR, 'cifsroot.config'),
	     os.path.join(CONFIG_DIR, base() + '.config'), frag],
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
	checkout(tree, head)
	# made by build_each_commit() on the default base, by this elsewhere
	configure(tree, out, fragments('ours'))
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
