#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The bench's Debian figures on each root: `find / -xdev | xargs stat`
# over a fresh copy of make check's Debian 12 tree, and boot to
# multi-user.target, for our SMB root, the older upstream SMB root (the
# reference kernel) and NFS root (nfs-ganesha, cifsroot_nfs.py). The same
# copy of the tree and the same QEMU command serve every root.

import contextlib
import os
import re
import time

import cifsroot_debian as debian
import cifsroot_nfs as nfs
import cifsroot_qemu as qemu
import cifsroot_smbd as samba
from cifsroot_common import log, out_dir
from cifsroot_judge import printk_lines
from cifsroot_rootfs import write_file

# (name, kernel, server) of the roots: the kernel is the bench's 'ours'
# or 'reference'; the server 'smb' (Samba) or 'nfs' (ganesha)
ROOTS = (('smb', 'ours', 'smb'), ('older-smb', 'reference', 'smb'),
	 ('nfs', 'ours', 'nfs'))
# nfsroot's options: the NFS mode whose transfers are the larger
NFS_OPTIONS = 'rsize=1048576,wsize=1048576'

FIND = '/usr/local/sbin/cifsroot-find'
FIND_TIMEOUT = 900
FIND_SCRIPT = '''#!/bin/sh
# Written by the cifsroot bench: init of a boot that times
# find / -xdev | xargs stat over this tree, then waits to be stopped.
mount -t proc proc /proc
echo on > /proc/sys/kernel/printk_devkmsg
echo "bench: mark find-start" > /dev/kmsg
n=$(find / -xdev -print0 | xargs -0 stat -c . | wc -l)
echo "bench: mark find-end" > /dev/kmsg
echo "bench: find $n files"
while :; do sleep 60; done
'''
FOUND = re.compile(r'bench: find (\d+) files')


@contextlib.contextmanager
def served(server, share):
	"""The kernel command line booting `share` from `server`."""
	if server == 'nfs':
		with nfs.Ganesha(share) as ganesha:
			yield nfs.cmdline(ganesha.port, NFS_OPTIONS)
	else:
		with samba.Smbd(share) as smbd:
			yield qemu.cmdline(smbd)


def fresh_tree(name):
	"""A fresh copy of the Debian tree for one boot."""
	share = os.path.join(out_dir('bench'), 'debian-' + name)
	debian.copy_tree(debian.debian_tree(), share)
	return share


def boot_until(image, append, log_path, timeout, done):
	"""Boot, stop QEMU once `done(lines, t0)` is not None; its value and
	the BootResult (None when the boot never got there)."""
	handle = qemu.start_boot(image, append, log_path, timeout=timeout,
				 memory=debian.MEMORY)
	value = None
	with handle:
		while handle.running():
			value = done(list(handle.lines), handle.t0)
			if value is not None:
				break
			time.sleep(0.2)
		handle.kill()
		res = handle.wait()
	if value is None:
		value = done(res.lines, handle.t0)
	return value, res


def find_result(lines, _t0=None):
	"""(seconds by the guest's printk times, files) of the find, or None
	before its last line."""
	text = '\n'.join(line for _, line in lines)
	found = FOUND.search(text)
	if not found:
		return None
	marks = {}
	for at, line in printk_lines(text):
		for name in ('find-start', 'find-end'):
			if line.strip().endswith('bench: mark ' + name):
				marks.setdefault(name, at)
	if len(marks) != 2:
		return None, int(found.group(1))
	return marks['find-end'] - marks['find-start'], int(found.group(1))


def find_boot(name, image, server, number):
	"""(seconds, files) of find | xargs stat on `name`'s root."""
	share = fresh_tree(name)
	write_file(os.path.join(share, FIND.lstrip('/')), FIND_SCRIPT, 0o755)
	with served(server, share) as append:
		value, res = boot_until(
			image, f'{append} init={FIND}',
			os.path.join(out_dir('bench', 'logs'),
				     f'find-{name}-{number}.log'),
			FIND_TIMEOUT, find_result)
	if value is None or value[0] is None:
		log(f'find on {name}: no figure: ' + qemu.explain_failure(res))
		return None, None
	return value


def target_boot(name, image, server, number):
	"""QEMU start to multi-user.target, Debian on `name`'s root."""
	share = fresh_tree(name)
	with served(server, share) as append:
		value, res = boot_until(
			image, f'{append} {debian.CMDLINE_OPTIONS}',
			os.path.join(out_dir('bench', 'logs'),
				     f'debian-{name}-{number}.log'),
			debian.BOOT_TIMEOUT, debian.time_to_target)
	if value is None:
		log(f'debian on {name}: no multi-user.target: '
		    + qemu.explain_failure(res))
	return value
