#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# NFS root as the bench's peer: Debian's nfs-ganesha (VFS backend) exports
# a directory over NFSv4.1/TCP on 127.0.0.1, on a port of its own, and the
# guest boots from it with root=/dev/nfs (QEMU user networking reaches the
# host at 10.0.2.2). The host kernel has no nfsd.

import os
import shutil
import signal
import subprocess
import tempfile
import time

from cifsroot_common import HarnessError, log, popen, signal_group
from cifsroot_rootfs import write_file
from cifsroot_smbd import free_port, port_open, tail

# The path the export is mounted by (its NFSv4 pseudo path)
PSEUDO = '/root'
START_TIMEOUT = 30


def config(path, port, state):
	"""ganesha.conf exporting `path` as PSEUDO on 127.0.0.1:`port`.

	NFSv4 only, without a grace period (the first opens would wait for
	it), NLM and RQUOTA; root is not squashed, as the root's owners are
	the guest's. `state` holds the recovery directory.
	"""
	return f'''NFS_CORE_PARAM {{
	Protocols = 4;
	NFS_Port = {port};
	Bind_addr = 127.0.0.1;
	Enable_NLM = false;
	Enable_RQUOTA = false;
}}
NFSV4 {{
	Graceless = true;
	RecoveryRoot = "{state}";
}}
NFS_KRB5 {{
	Active_krb5 = false;
}}
EXPORT {{
	Export_Id = 1;
	Path = "{path}";
	Pseudo = {PSEUDO};
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	Protocols = 4;
	Transports = TCP;
	FSAL {{
		Name = VFS;
	}}
}}
'''


def cmdline(port, options=''):
	"""The kernel command line mounting the export on `port` as root."""
	opts = ','.join(o for o in ('vers=4.1', 'tcp', f'port={port}',
				    options) if o)
	return (f'console=ttyS0 root=/dev/nfs rw ip=dhcp '
		f'nfsroot=10.0.2.2:{PSEUDO},{opts} panic=-1')


class Ganesha:
	"""ganesha.nfsd exporting `path` while the block runs."""

	def __init__(self, path):
		self.path = os.path.abspath(path)
		self.port = None
		self.proc = None
		self.tmp = None
		self.log_path = None

	def __enter__(self):
		self.start()
		return self

	def __exit__(self, *exc):
		self.stop()
		return False

	def start(self):
		"""Write the config, start ganesha.nfsd and wait for its port."""
		if not os.path.isdir(self.path):
			raise HarnessError('no directory ' + self.path)
		self.tmp = tempfile.mkdtemp(prefix='cifsroot-nfs-')
		state = os.path.join(self.tmp, 'recovery')
		os.makedirs(state)
		self.port = free_port()
		conf = os.path.join(self.tmp, 'ganesha.conf')
		self.log_path = os.path.join(self.tmp, 'ganesha.log')
		write_file(conf, config(self.path, self.port, state))
		cmd = ['ganesha.nfsd', '-F', '-f', conf, '-L', self.log_path,
		       '-p', os.path.join(self.tmp, 'ganesha.pid'),
		       '-N', 'NIV_EVENT']
		self.proc = popen(cmd, stdin=subprocess.DEVNULL,
				  stdout=subprocess.DEVNULL,
				  stderr=subprocess.STDOUT,
				  start_new_session=True)
		deadline = time.monotonic() + START_TIMEOUT
		while not port_open(self.port):
			status = self.proc.poll()
			if status is not None or time.monotonic() > deadline:
				how = f'exited ({status})' if status is not None \
					else f'not listening after {START_TIMEOUT}s'
				text = tail(self.log_path)
				self.stop()
				raise HarnessError(f'ganesha.nfsd {how}:\n'
						   + text)
			time.sleep(0.05)
		log(f'ganesha serving {self.path} as 10.0.2.2:{PSEUDO} on '
		    f'port {self.port}')

	def stop(self):
		"""SIGTERM ganesha.nfsd, SIGKILL it if it lingers."""
		if self.proc is not None:
			signal_group(self.proc.pid, signal.SIGTERM)
			try:
				self.proc.wait(timeout=10)
			except subprocess.TimeoutExpired:
				signal_group(self.proc.pid, signal.SIGKILL)
				self.proc.wait()
			self.proc = None
		if self.tmp:
			shutil.rmtree(self.tmp, ignore_errors=True)
			self.tmp = None
