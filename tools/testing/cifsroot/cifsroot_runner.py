#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The `make check` runner: the tests of every group in order, as KTAP,
# ending with "N passed, N failed". The groups know nothing of each other
# or of this module, so the imports have no cycle:
#
#   cifsroot_check   series gates, docs, the main boot, net, panics
#   cifsroot_probes  fsprobe's probes in the main boot
#   cifsroot_faults  faults of the server and the network
#   cifsroot_debian  a Debian system with systemd on the root

import glob
import os
import time
import traceback

import cifsroot_check as check
import cifsroot_debian as debian
import cifsroot_faults as faults
import cifsroot_probes as probes
from cifsroot_common import HarnessError, out_dir

# (name, function) in the order they run; the console scan judges every
# boot of the run, so it comes last.
TESTS = (check.TESTS + probes.TESTS + check.NET_TESTS + faults.TESTS +
	 debian.TESTS)
FINAL_TESTS = check.FINAL_TESTS


def main(only=''):
	"""Run the tests whose name contains `only`; 0 when all passed."""
	for path in glob.glob(os.path.join(out_dir('check'), '*.log')):
		os.unlink(path)
	selected = [(n, f) for n, f in TESTS if only in n] + FINAL_TESTS
	print('KTAP version 1')
	print(f'1..{len(selected)}')
	passed = failed = 0
	for i, (name, fn) in enumerate(selected, 1):
		t0 = time.monotonic()
		try:
			note = fn()
			ok, detail = True, note or ''
		except (check.Failed, HarnessError) as e:
			ok, detail = False, str(e)
		except Exception:	# a bug in the test: report it, go on
			ok, detail = False, traceback.format_exc()
		took = time.monotonic() - t0
		if ok:
			passed += 1
		else:
			failed += 1
		print(f'{"ok" if ok else "not ok"} {i} - {name} ({took:.0f}s)'
		      + (f' # {detail}' if ok and detail else ''), flush=True)
		if not ok:
			for line in detail.splitlines():
				print('# ' + line)
	print(f'{passed} passed, {failed} failed', flush=True)
	return 1 if failed else 0
