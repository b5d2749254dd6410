#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the cifsroot= parser (fs/cifs/cifsroot.c) with libFuzzer.

Builds tools/testing/cifsroot/fuzz/ with clang (ASan, UBSan, libFuzzer)
outside the checkout, makes the seed corpus from the KUnit table, and runs
the target for a while on one job, or (--smoke) once over every seed and
every input in fuzz/regress/ (past findings, kept to stay fixed).
Prints one summary line. Crashing inputs are kept in out/fuzz/; the exit
status is 1 when there is one, 2 when the harness itself failed.

	python3 tools/testing/cifsroot/cifsroot_fuzz.py [--seconds N | --smoke]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FUZZ = os.path.join(HERE, 'fuzz')
FINDINGS = ('crash-', 'leak-', 'timeout-', 'oom-', 'slow-unit-')


class FuzzError(Exception):
	"""The harness could not build or run the target."""


def cache_dir():
	"""Where the target, its seeds and its growing corpus live."""
	base = os.environ.get('CIFSROOT_CACHE') or os.path.join(
		os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
		'cifsroot')
	path = os.path.join(base, 'fuzz')
	os.makedirs(path, exist_ok=True)
	return path


def out_dir():
	"""out/fuzz/ in the checkout: the log and the crashing inputs."""
	path = os.path.join(REPO, 'out', 'fuzz')
	os.makedirs(path, exist_ok=True)
	return path


def need_tools():
	"""Fail with the packages to install when clang or make is missing."""
	clang = shutil.which('clang') or shutil.which('clang-14')
	if not clang:
		raise FuzzError('clang not found: install the Debian package clang '
				'(clang-14 on Debian 12), which brings libFuzzer')
	if not shutil.which('make'):
		raise FuzzError('make not found: install the Debian package make')
	return clang


def client_parameters():
	"""The client's fs_context.c, whose option table the parser checks."""
	import cifsroot_kernel as kernel
	tree = kernel.fetch()
	return os.path.join(tree, kernel.client_dir(tree), 'fs_context.c')


def build(build_dir):
	"""Build the target and write the seeds; returns the target's path."""
	params = client_parameters()
	for goal in ('all', 'seeds'):
		res = subprocess.run(['make', '-s', '-C', FUZZ, f'O={build_dir}',
				      f'FS_CONTEXT={params}', goal],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, text=True)
		if res.returncode:
			raise FuzzError(f'make {goal} failed:\n{res.stdout.strip()}')
	return os.path.join(build_dir, 'cifsroot_fuzz')


def findings(path):
	"""The names of the inputs libFuzzer kept for reproduction."""
	return {n for n in os.listdir(path) if n.startswith(FINDINGS)}


def stats(log, corpus):
	"""Executions, exec/s, corpus size, coverage and features of a run."""
	def last(pattern, default=0):
		found = re.findall(pattern, log, re.M)
		return int(found[-1]) if found else default

	out = {
		'execs': last(r'^stat::number_of_executed_units:\s*(\d+)'),
		'rate': last(r'^stat::average_exec_per_sec:\s*(\d+)'),
		'cov': last(r'\bcov: (\d+)'),
		'ft': last(r'\bft: (\d+)'),
		'corpus': last(r'\bcorp: (\d+)/'),
	}
	if corpus and os.path.isdir(corpus):
		out['corpus'] = len(os.listdir(corpus))
	return out


def run(target, build_dir, seconds, smoke):
	"""Run libFuzzer; returns (exit status, log text, corpus dir)."""
	arts = out_dir()
	seeds = os.path.join(build_dir, 'seeds')
	args = [target, f'-artifact_prefix={arts}/', '-print_final_stats=1',
		'-timeout=10', '-rss_limit_mb=2048']
	if smoke:
		corpus = None
		args += ['-runs=0', seeds, os.path.join(FUZZ, 'regress')]
		limit = 300
	else:
		corpus = os.path.join(build_dir, 'corpus')
		os.makedirs(corpus, exist_ok=True)
		args += [f'-dict={os.path.join(FUZZ, "cifsroot.dict")}',
			 f'-max_total_time={seconds}', '-max_len=4096',
			 corpus, seeds, os.path.join(FUZZ, 'regress')]
		limit = seconds + 300
	env = dict(os.environ)
	env.pop('CIFSROOT_FUZZ_LOG', None)
	env.setdefault('ASAN_OPTIONS', 'abort_on_error=1:detect_leaks=1')
	env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
	try:
		res = subprocess.run(args, cwd=arts, env=env, text=True,
				     errors='replace', stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, timeout=limit)
	except subprocess.TimeoutExpired as e:
		raise FuzzError(f'libFuzzer did not stop within {limit}s') from e
	with open(os.path.join(arts, 'fuzz.log'), 'w') as f:
		f.write(' '.join(args) + '\n' + res.stdout)
	return res.returncode, res.stdout, corpus


def excerpt(log):
	"""What a finding is: the error, the parser's frames, the input."""
	keep = re.compile(r'invariant failed|^cifsroot_fuzz: |^  \S+\s+(NULL|")|'
			  r'ERROR: |runtime error|^(READ|WRITE) of size|'
			  r'^SUMMARY|overflows this variable|Test unit written')
	frame = re.compile(r'^\s+#\d+ .* in (?!fuzzer::|__asan|__sanitizer|'
			   r'__interceptor|__libc|__pthread|raise|abort|_start|main\b)')
	lines = [ln for ln in log.splitlines()
		 if keep.search(ln) or frame.search(ln)]
	if not lines:
		lines = [ln for ln in log.splitlines() if ln.strip()][-30:]
	return [re.sub(r' \(BuildId: [0-9a-f]+\)', '', ln) for ln in lines[:60]]


def describe(path):
	"""The fields of a fuzz input, as the target splits it."""
	names = ('arg', 'dhcp', 'boot_server', 'client', 'credentials')
	with open(path, 'rb') as f:
		data = f.read()
	if not data:
		return ['  (empty input)']
	flags, rest = data[0], data[1:]
	fields = rest.split(b'\0', 4)
	out = []
	for n, name in enumerate(names):
		if not flags & (1 << n) or n >= len(fields):
			out.append(f'  {name:12} NULL')
			continue
		note = ' (made a dotted quad)' if n in (2, 3) else ''
		out.append(f'  {name:12} {fields[n]!r}{note}')
	return out


def main(argv=None):
	"""Build, run, summarize; the exit status says whether it found any."""
	ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	ap.add_argument('--seconds', type=int, default=60,
			help='how long to fuzz (default 60)')
	ap.add_argument('--smoke', action='store_true',
			help='only build and run every seed once')
	opts = ap.parse_args(argv)
	if opts.seconds < 1:
		ap.error('--seconds must be at least 1')

	t0 = time.monotonic()
	try:
		need_tools()
		build_dir = cache_dir()
		target = build(build_dir)
		before = findings(out_dir())
		status, log, corpus = run(target, build_dir, opts.seconds,
					  opts.smoke)
	except FuzzError as e:
		print(f'fuzz: {e}', file=sys.stderr)
		return 2

	new = sorted(findings(out_dir()) - before)
	s = stats(log, corpus)
	mode = 'smoke' if opts.smoke else f'{opts.seconds}s'
	print(f'fuzz ({mode}, {time.monotonic() - t0:.0f}s): '
	      f'{s["execs"]} executions, {s["rate"]} exec/s, '
	      f'corpus {s["corpus"]}, cov {s["cov"]}, ft {s["ft"]}, '
	      f'{len(new)} findings')
	if new or status:
		print('\n'.join(excerpt(log)), file=sys.stderr)
		for name in new:
			path = os.path.join(out_dir(), name)
			print(f'fuzz: finding {os.path.relpath(path, REPO)}; '
			      f'reproduce with {target} {path}',
			      file=sys.stderr)
			print('\n'.join(describe(path)), file=sys.stderr)
		if not new:
			print(f'fuzz: libFuzzer exited with {status}; see '
			      'out/fuzz/fuzz.log', file=sys.stderr)
		return 1
	return 0


if __name__ == '__main__':
	sys.exit(main())
