#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The busybox root file system the guest boots: init, users, applets, and
# the markers init prints around the run script.

import os
import shutil

from cifsroot_common import HarnessError, REPO, log, out_dir, run, step


HERE = os.path.dirname(os.path.abspath(__file__))


GUEST_INIT = os.path.join(HERE, 'guest', 'init')


BUSYBOX = '/bin/busybox'


START_MARK = 'cifsroot-init: started'


EXIT_MARK = 'cifsroot-exit:'


ROOTFS_DIRS = {
	'bin': 0o755, 'sbin': 0o755, 'usr/bin': 0o755, 'usr/sbin': 0o755,
	'dev': 0o755, 'proc': 0o555, 'sys': 0o555, 'tmp': 0o1777,
	'root': 0o700, 'etc': 0o755, 'etc/cifsroot': 0o755,
	'home': 0o755, 'home/user': 0o755, 'run': 0o755, 'var': 0o755,
}


PASSWD = ('root:x:0:0:root:/root:/bin/sh\n'
	  'user:x:1000:1000:user:/home/user:/bin/sh\n'
	  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')


GROUP = ('root:x:0:\n'
	 'user:x:1000:\n'
	 'nogroup:x:65534:\n')


def default_share():
	"""Where `make rootfs` and `make boot` keep the guest's root."""
	return os.path.join(out_dir('boot'), 'share')


def check_dest(dest):
	"""Refuse to wipe anything that is not a dedicated rootfs directory."""
	real = os.path.realpath(dest)
	if real == '/' or REPO.startswith(real + os.sep) or real == REPO:
		raise HarnessError(f'refusing to use {dest} for a rootfs')
	return real


def write_file(path, text, mode=0o644):
	"""Write `text` to `path` and give it `mode`."""
	with open(path, 'w') as f:
		f.write(text)
	os.chmod(path, mode)


def busybox_applets():
	"""Applet paths relative to / (bin/ls, usr/sbin/...), from busybox."""
	out = run([BUSYBOX, '--list-full'], capture=True)
	return [line.strip().lstrip('/') for line in out.stdout.splitlines()
		if line.strip()]


def link_applets(dest):
	"""One relative symlink per applet, so they resolve on any server."""
	count = 0
	for applet in busybox_applets():
		if applet in ('bin/busybox', 'sbin/init'):
			continue
		path = os.path.join(dest, applet)
		os.makedirs(os.path.dirname(path), exist_ok=True)
		target = os.path.relpath('/' + BUSYBOX.lstrip('/'),
					 os.path.dirname('/' + applet))
		if os.path.lexists(path):
			os.unlink(path)
		os.symlink(target, path)
		count += 1
	return count


@step('rootfs')
def make_rootfs(dest=None):
	"""Create a busybox root file system in `dest` (wiped first)."""
	dest = check_dest(dest or default_share())
	if not os.path.exists(BUSYBOX):
		raise HarnessError(BUSYBOX + ' missing: install busybox-static')
	shutil.rmtree(dest, ignore_errors=True)
	os.makedirs(dest)
	os.chmod(dest, 0o755)
	for d, mode in ROOTFS_DIRS.items():
		os.makedirs(os.path.join(dest, d), exist_ok=True)
		os.chmod(os.path.join(dest, d), mode)
	os.chown(os.path.join(dest, 'home', 'user'), 1000, 1000)
	shutil.copy2(BUSYBOX, os.path.join(dest, 'bin', 'busybox'))
	os.chmod(os.path.join(dest, 'bin', 'busybox'), 0o755)
	count = link_applets(dest)
	shutil.copyfile(GUEST_INIT, os.path.join(dest, 'sbin', 'init'))
	os.chmod(os.path.join(dest, 'sbin', 'init'), 0o755)
	write_file(os.path.join(dest, 'etc', 'passwd'), PASSWD)
	write_file(os.path.join(dest, 'etc', 'group'), GROUP)
	log(f'rootfs in {dest}: busybox with {count} applets')
	return dest
