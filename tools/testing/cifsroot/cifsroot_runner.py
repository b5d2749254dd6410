#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The `make check` runner: the tests of every group in order, as KTAP,
# ending with "N passed, N failed". The groups know nothing of each other
# or of this module, so the imports have no cycle:
#
#   cifsroot_gates   series gates, docs, kunit.py, the fuzz smoke run
#   cifsroot_check   the main boot and its checks, panics, the debug kernel
#   cifsroot_probes  fsprobe's probes in the main boot
#   cifsroot_netboot boots in a private network: DHCP, ip=, IPv6, late server
#   cifsroot_security credentials, CONFIG_CIFS_ROOT=n, signing
#   cifsroot_faults  faults of the server and the network (debug kernel)
#   cifsroot_debian  a Debian system with systemd on the root
#   cifsroot_table   the POSIX tests again over SMB3.1.1 + POSIX on 6.12,
#                    their known gaps and the table of both protocols
#
# judge() re-judges the consoles a run left in a directory, with no
# kernel, server or QEMU.

import dataclasses
import glob
import json
import os
import time
import traceback

import cifsroot_check as check
import cifsroot_debian as debian
import cifsroot_failover as failover
import cifsroot_faults as faults
import cifsroot_gates as gates
import cifsroot_netboot as netboot
import cifsroot_probes as probes
import cifsroot_security as security
import cifsroot_table as table
from cifsroot_common import (BASES, PROTOCOLS, HarnessError, using_base,
			     using_protocol)
from cifsroot_judge import console_problems, parse_ktap

# The tests that boot, or build, a kernel of the current base.
BOOT_TESTS = (check.TESTS + probes.TESTS + netboot.TESTS + security.TESTS +
	      check.LATE_TESTS + faults.TESTS + debian.TESTS)


def on_base(name, tests, proto=PROTOCOLS[0]):
	"""`tests` on base `name`, each named '<name>: <test>', or with a
	protocol other than the default '<name> <proto>: <test>'."""
	def wrap(fn):
		def run():
			with using_base(name), using_protocol(proto):
				return fn()
		return run
	prefix = name if proto == PROTOCOLS[0] else f'{name} {proto}'
	return [(f'{prefix}: {n}', wrap(f)) for n, f in tests]


# (name, function) in the order they run: every test on the default base
# and the cluster's tests, then the base's gates and every boot test on each other base, then the
# table's tests, three faults and two cluster tests over SMB3. The console
# scan judges every boot of the run, so it comes last.
TESTS = gates.TESTS + BOOT_TESTS + failover.TESTS + [
	t for other in BASES[1:]
	for t in on_base(other, gates.BASE_TESTS + BOOT_TESTS)] + on_base(
	table.TABLE_BASE, table.TESTS + table.FAULTS + failover.SMB3_TESTS,
	table.PROTOCOL)
FINAL_TESTS = check.FINAL_TESTS


@dataclasses.dataclass
class Result:
	"""The outcome of one test."""
	number: int
	name: str
	ok: bool
	seconds: float
	detail: str = ''
	todo: str = ''		# why it fails: a known gap

	def ktap(self):
		"""The result as KTAP lines."""
		line = (f'{"ok" if self.ok else "not ok"} {self.number} - '
			f'{self.name} ({self.seconds:.0f}s)')
		if self.todo:
			line += ' # TODO ' + self.todo
		elif self.ok:
			return line + (f' # {self.detail}' if self.detail else '')
		return '\n'.join([line] + ['# ' + d for d in
					   self.detail.splitlines()])


def run_test(number, name, fn):
	"""Run one test function; its Result."""
	t0 = time.monotonic()
	try:
		ok, detail = True, fn() or ''
	except (check.Failed, HarnessError) as e:
		ok, detail = False, str(e)
	except Exception:	# a bug in the test: report it, go on
		ok, detail = False, traceback.format_exc()
	seconds = time.monotonic() - t0
	known = table.gap(name)
	if known:
		verdict, text = table.judge_gap(known, ok, detail)
		if verdict == 'todo':
			return Result(number, name, False, seconds, detail, text)
		ok, detail = False, text
	return Result(number, name, ok, seconds, detail)


def report(tests, json_path=None):
	"""Run (name, fn) tests as KTAP; 0 when all passed."""
	print('KTAP version 1')
	print(f'1..{len(tests)}')
	results = []
	for i, (name, fn) in enumerate(tests, 1):
		results.append(run_test(i, name, fn))
		print(results[-1].ktap(), flush=True)
	for line in table.render(results, [n for n, _ in table.TESTS]):
		print(line)
	passed = sum(r.ok for r in results)
	gaps = sum(bool(r.todo) for r in results)
	failed = len(results) - passed - gaps
	if gaps:
		print(f'# {gaps} known gaps of SMB3 (TODO), neither passed nor '
		      'failed', flush=True)
	print(f'{passed} passed, {failed} failed', flush=True)
	if json_path:
		with open(json_path, 'w') as f:
			json.dump([dataclasses.asdict(r) for r in results], f,
				  indent=1)
	return 1 if failed else 0


def main(only='', json_path=None):
	"""Run the tests whose name contains `only`; 0 when all passed."""
	for path in check.boot_logs():
		os.unlink(path)
	selected = [(n, f) for n, f in TESTS if only in n] + FINAL_TESTS
	return report(selected, json_path)


def console_judges(path):
	"""(name, fn) judges of one saved console log."""
	name = os.path.basename(path)

	def read():
		with open(path, errors='replace') as f:
			return f.read()

	def clean():
		hits = console_problems(read())
		check.expect(not hits, '\n'.join(hits[:20]))
		return 'clean'
	judges = [(f'{name}: no kernel report', clean)]
	if parse_ktap(read(), check.KUNIT_SUITE):
		judges.append((f'{name}: the KUnit suite passed as declared',
			       lambda: check.judge_kunit(read())))
	return judges


def judge(directory, json_path=None):
	"""Re-judge the consoles of a past run in `directory` (out/check)."""
	logs = sorted(glob.glob(os.path.join(directory, '*.log')))
	if not logs:
		raise HarnessError(f'no *.log in {directory}')
	tests = [j for path in logs for j in console_judges(path)]
	return report(tests, json_path)
