#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Debian trees made with debootstrap from Debian's mirror and cached under
# the harness cache, each named by a hash of its recipe: the suite, the
# mirror, the packages and the text of the script that tweaks the tree
# afterwards. Changing any of them builds a new tree and removes the old.
#
#   bookworm + systemd   the Debian system the Debian boots copy to a share
#   trixie + samba       Samba 4.22, run from the tree in a chroot beside
#                        the host's 4.17 (cifsroot_smbd.Smbd), and its
#                        ctdb (cifsroot_ctdb.Cluster over SMB3)

import dataclasses
import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import time

from cifsroot_common import HarnessError, cache_dir, log, run

MIRROR = 'http://deb.debian.org/debian'
DEBOOTSTRAP_TIMEOUT = 3600


@dataclasses.dataclass(frozen=True)
class Recipe:
	"""What a cached tree is made of. `script` is the path of a shell
	script run on the host with the tree as $1 after debootstrap, or
	None."""
	suite: str
	packages: tuple
	script: str = None
	mirror: str = MIRROR

	def script_text(self):
		if self.script is None:
			return None
		with open(self.script) as f:
			return f.read()


def recipe_text(suite, mirror, packages, tweak=None, name=None):
	"""The recipe of a tree as text; its hash names the tree. `tweak` is
	the text of the script run after debootstrap (`name` its file)."""
	text = (f'debootstrap --variant=minbase '
		f'--include={",".join(packages)} {suite} {mirror}\n')
	if tweak is not None:
		text += f'--- {name}\n{tweak}'
	return text


def recipe_key(text):
	"""The short hash of a recipe that names its tree."""
	return hashlib.sha256(text.encode()).hexdigest()[:16]


def text_of(recipe):
	return recipe_text(recipe.suite, recipe.mirror, recipe.packages,
			   recipe.script_text(),
			   recipe.script and os.path.basename(recipe.script))


def trees_dir():
	"""Where the cached trees live."""
	path = os.path.join(cache_dir(), 'debian')
	os.makedirs(path, exist_ok=True)
	return path


def debootstrap(recipe, dest, log_path):
	"""Run debootstrap of `recipe` into `dest`, its output to a log."""
	cmd = ['debootstrap', '--variant=minbase',
	       '--include=' + ','.join(recipe.packages), recipe.suite, dest,
	       recipe.mirror]
	log('debootstrap: ' + ' '.join(cmd))
	with open(log_path, 'w') as logf:
		try:
			res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
					     stdout=logf, stderr=subprocess.STDOUT,
					     timeout=DEBOOTSTRAP_TIMEOUT)
		except subprocess.TimeoutExpired:
			raise HarnessError(f'debootstrap took more than '
					   f'{DEBOOTSTRAP_TIMEOUT}s; see {log_path}')
	if res.returncode != 0:
		with open(log_path, errors='replace') as f:
			last = ''.join(f.readlines()[-30:])
		raise HarnessError(f'debootstrap failed ({res.returncode}):\n'
				   + last)


def build_tree(recipe, final):
	"""Build the tree of `recipe` next to `final`, then rename it there.

	A tree is only ever complete under its final name: debootstrap and
	the tweak script run in a temporary directory beside it.
	"""
	tmp = final + '.tmp'
	shutil.rmtree(tmp, ignore_errors=True)
	os.makedirs(tmp)
	os.chmod(tmp, 0o755)
	t0 = time.monotonic()
	log_path = final + '.log'
	try:
		debootstrap(recipe, tmp, log_path)
		if recipe.script:
			run(['sh', recipe.script, tmp], capture=True)
		with open(final + '.recipe', 'w') as f:
			f.write(text_of(recipe))
		os.rename(tmp, final)
	except BaseException:
		shutil.rmtree(tmp, ignore_errors=True)
		raise
	log(f'debootstrap: tree built in {time.monotonic() - t0:.0f}s: '
	    f'{final}')
	prune_trees(recipe.suite, final)


def prune_trees(suite, keep):
	"""Remove the trees of `suite`'s other recipes and their logs."""
	for old in glob.glob(os.path.join(trees_dir(), suite + '-*')):
		if old.startswith(keep):
			continue
		log('debootstrap: removing the tree of an older recipe, ' + old)
		if os.path.isdir(old):
			shutil.rmtree(old, ignore_errors=True)
		else:
			os.unlink(old)


def cached_tree(recipe):
	"""The cached tree of `recipe`, built when missing.

	A lock keeps two runs from building it at the same time.
	"""
	final = os.path.join(trees_dir(),
			     f'{recipe.suite}-{recipe_key(text_of(recipe))}')
	if os.path.isdir(final):
		return final
	with open(os.path.join(trees_dir(), '.lock'), 'w') as lock:
		fcntl.flock(lock, fcntl.LOCK_EX)
		if not os.path.isdir(final):
			build_tree(recipe, final)
	return final
