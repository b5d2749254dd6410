# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the cifsroot harness: where things live, logging with
# elapsed time, running commands.

import functools
import os
import subprocess
import sys
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
START = time.monotonic()


class HarnessError(Exception):
	"""A step failed; the message says what and what to check."""


def cache_dir():
	"""Slow, reusable things (kernel tree, ccache, builds) live here."""
	default = os.path.join(os.environ.get('XDG_CACHE_HOME') or
			       os.path.expanduser('~/.cache'), 'cifsroot')
	path = os.environ.get('CIFSROOT_CACHE') or default
	os.makedirs(path, exist_ok=True)
	return path


def out_dir(*parts):
	"""Per-checkout output (logs, rootfs, series): out/ in the checkout."""
	path = os.path.join(REPO, 'out', *parts)
	os.makedirs(path, exist_ok=True)
	return path


def log(msg):
	print(f'[{time.monotonic() - START:7.1f}s] {msg}', flush=True)


def step(name):
	"""Decorate a named harness step: announce it and its elapsed time."""
	def wrap(fn):
		@functools.wraps(fn)
		def inner(*args, **kwargs):
			t0 = time.monotonic()
			log(f'{name} ...')
			try:
				return fn(*args, **kwargs)
			finally:
				log(f'{name} done in {time.monotonic() - t0:.1f}s')
		inner.step_name = name
		return inner
	return wrap


def run(cmd, check=True, capture=False, input=None, **kwargs):
	"""Run a command; on failure raise with its output."""
	res = subprocess.run(cmd, text=True, input=input,
			     stdout=subprocess.PIPE if capture else None,
			     stderr=subprocess.PIPE if capture else None,
			     **kwargs)
	if check and res.returncode != 0:
		detail = ''
		if capture:
			detail = '\n' + (res.stdout or '') + (res.stderr or '')
		raise HarnessError(f'command failed ({res.returncode}): '
				   f'{" ".join(cmd)}{detail[-4000:]}')
	return res


class LazyModule:
	"""A module imported when one of its names is first used.

	For modules that cifsroot_check imports while they need its helpers
	(Failed, expect, main_boot) only when a test runs.
	"""

	def __init__(self, name):
		self._name = name

	def __getattr__(self, attr):
		import importlib
		return getattr(importlib.import_module(self._name), attr)
