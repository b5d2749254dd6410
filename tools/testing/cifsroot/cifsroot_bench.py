#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cifsroot bench: our SMB root against the older upstream one, built from
# the same Debian tree with the same configuration, booted from the same
# Samba with the same QEMU command line, one after the other.
#
# The two kernels are built in their own git worktrees of the cached tree
# (never in the tree the other harness steps check out), laid out alike
# under the cache so that ccache shares the objects they have in common.
#
# It also weighs encryption for the SMB3 root: the workload boot of the
# 6.12 test kernel over SMB3.1.1 + POSIX (Samba 4.22), without and with
# the client's `seal`, alternating.
#
# And it boots our kernel from NFS root, the peer an admin would pick:
# the same workload from nfs-ganesha over NFSv4.1 (cifsroot_nfs.py), with
# nfsroot's default rsize/wsize and with 1 MiB, beside our SMB root's
# figures of the pairs.
#
#   cifsroot_bench.py [--pairs N] [--seal N] [--nfs N] [--debian N]
#                     [--build-only]
#
# Results: out/bench/results.json, out/bench/results.md, out/bench/ratios.png

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_bench_debian as bench_debian  # noqa: E402
import cifsroot_debian as debian  # noqa: E402
import cifsroot_fleet as fleet  # noqa: E402
import cifsroot_kernel as kernel  # noqa: E402
import cifsroot_nfs as nfs  # noqa: E402
import cifsroot_qemu as qemu  # noqa: E402
import cifsroot_rootfs as rootfs  # noqa: E402
import cifsroot_smbd as samba  # noqa: E402
import cifsroot_wire as wire  # noqa: E402
from cifsroot_judge import guest_seconds as printk_time  # noqa: E402
from cifsroot_judge import printk_lines  # noqa: E402
from cifsroot_common import (HarnessError, cache_dir, cache_lock, log,  # noqa: E402
			     out_dir, run, step, using_base)

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH_SCRIPT = os.path.join(HERE, 'guest', 'bench.sh')
FRAGMENTS = ('bench.config',)
KERNEL_NAMES = ('reference', 'ours')

MIB = 64
FILES = 2000
LATE_SERVER_DELAY = 12		# as cifsroot_check.late_server_gap
WORKLOAD_TIMEOUT = 600
LATE_TIMEOUT = 180
PANIC_TIMEOUT = 180

# key, label, unit, which way is better
FIGURES = (
	('boot', 'boot to /sbin/init', 's', 'lower'),
	('mount', 'mount latency (IP-Config to Mounted root)', 's', 'lower'),
	('late', 'late server: smbd ready to Mounted root', 's', 'lower'),
	('panic', 'missing share: boot to panic', 's', 'lower'),
	('write', f'sequential write {MIB} MiB, fsync', 'MiB/s', 'higher'),
	('read', f'sequential read {MIB} MiB, cold cache', 'MiB/s', 'higher'),
	('create', f'create {FILES} files', 'ops/s', 'higher'),
	('stat', f'stat {FILES} files, cold cache', 'ops/s', 'higher'),
	('unlink', f'unlink {FILES} files', 'ops/s', 'higher'),
	('metadata', 'create + stat + unlink', 'ops/s', 'higher'),
	('untar', 'unpack the busybox rootfs tar', 's', 'lower'),
)

# Targets: a figure's key -> (what is compared, limit, description)
TARGETS = {
	'boot': ('ratio', 1.0, 'ratio <= 1.00'),
	'mount': ('ratio', 1.0, 'ratio <= 1.00'),
	'late': ('ours', 1.0, 'ours <= 1 s'),
	'panic': ('ours', 5.0, 'ours <= 5 s'),
	'write': ('ratio', 1.0, 'ratio >= 1.00'),
	'read': ('ratio', 1.0, 'ratio >= 1.00'),
	'create': ('ratio', 1.0, 'ratio >= 1.00'),
	'stat': ('ratio', 1.0, 'ratio >= 1.00'),
	'unlink': ('ratio', 1.0, 'ratio >= 1.00'),
	'metadata': ('ratio', 1.0, 'ratio >= 1.00'),
	'untar': ('ratio', 1.0, 'ratio <= 1.00'),
}

# The seal comparison: its base, and (name, root options) of its two modes
SEAL_BASE = '6.12'
SEAL_MODES = (('smb3', ''), ('smb3-seal', 'seal'))
SEAL_KEYS = ('boot', 'mount', 'write', 'read', 'create', 'stat', 'unlink',
	     'metadata', 'untar')

# The NFS root peer: (name, nfsroot options) of its two modes
NFS_MODES = (('nfs', ''), ('nfs-1m', 'rsize=1048576,wsize=1048576'))
NFS_KEYS = SEAL_KEYS

# The NIC the wire's goal is on, and the share of the wire it sets for
# sequential write (guest to host) and read
VIRTIO = 'virtio-net-pci'
WIRE_GOAL = 0.8
WIRE_WAYS = (('write', 'send'), ('read', 'recv'))

MARK = 'bench: mark '
MOUNT = 'bench: mount '


# ------------------------------------------------------------ pure parts

def summary(values):
	"""Median, min, max and count of the numbers in `values` (None skipped)."""
	vals = [v for v in values if v is not None]
	if not vals:
		return {'median': None, 'min': None, 'max': None, 'n': 0}
	return {'median': statistics.median(vals), 'min': min(vals),
		'max': max(vals), 'n': len(vals)}


def ratio(ours, reference):
	"""ours / reference, or None when either is missing or reference is 0."""
	if ours is None or reference in (None, 0):
		return None
	return ours / reference


def marks_of(stamped):
	"""{mark name: time} of the "bench: mark" lines in (time, text) pairs."""
	marks = {}
	for at, line in stamped:
		_, found, name = line.partition(MARK)
		if found and name.strip():
			marks.setdefault(name.strip(), at)
	return marks


def parse_marks(console):
	"""{mark name: printk time} of the guest's "bench: mark" lines."""
	return marks_of(printk_lines(console))


def phase_seconds(marks, phase):
	"""Seconds between <phase>-start and <phase>-end, None if unmarked."""
	start = marks.get(phase + '-start')
	end = marks.get(phase + '-end')
	if start is None or end is None or end <= start:
		return None
	return end - start


def per_second(amount, seconds):
	"""amount / seconds, None without a duration."""
	return amount / seconds if seconds else None


def phase_figures(marks):
	"""Throughput, metadata and unpack figures from the phase marks."""
	phases = {p: phase_seconds(marks, p) for p in
		  ('write', 'read', 'create', 'stat', 'unlink', 'untar')}
	meta = [phases[p] for p in ('create', 'stat', 'unlink')]
	return {
		'write': per_second(MIB, phases['write']),
		'read': per_second(MIB, phases['read']),
		'create': per_second(FILES, phases['create']),
		'stat': per_second(FILES, phases['stat']),
		'unlink': per_second(FILES, phases['unlink']),
		'metadata': per_second(3 * FILES, sum(meta))
		if None not in meta else None,
		'untar': phases['untar'],
	}


def workload_figures(console):
	"""The figures one workload boot gives, from its printk times."""
	ip = printk_time(console, 'IP-Config: Complete')
	mounted = printk_time(console, 'VFS: Mounted root')
	figures = {
		'boot': printk_time(console, 'Run /sbin/init as init process'),
		'mount': mounted - ip if None not in (ip, mounted) else None,
	}
	figures.update(phase_figures(parse_marks(console)))
	return figures


def host_figures(lines):
	"""The workload boot's figures timed by the host, from (time, line).

	Boot is counted from the kernel's first line ("Linux version"), as
	the host cannot see when the guest's clock started.
	"""
	def first(text):
		return next((at for at, line in lines if text in line), None)

	def between(a, b):
		return b - a if None not in (a, b) else None

	figures = {
		'boot': between(first('Linux version'),
				first('Run /sbin/init as init process')),
		'mount': between(first('IP-Config: Complete'),
				 first('VFS: Mounted root')),
	}
	figures.update(phase_figures(marks_of(lines)))
	return figures


def guest_clock(console):
	"""The guest's last clocksource, and whether it gave up on the TSC.

	Under TCG on a loaded host the TSC calibration may fail; the guest
	then keeps time with jiffies (4 ms steps at HZ=250), which is coarser
	and follows the timer ticks QEMU manages to deliver.
	"""
	source = None
	for _, line in printk_lines(console):
		_, found, rest = line.partition('Switched to clocksource ')
		if found:
			source = rest.strip()
	unstable = 'Marking TSC unstable' in console or \
		"Marking clocksource 'tsc' as unstable" in console
	return {'clocksource': source, 'tsc_unstable': unstable}


def guest_errors(console):
	"""The "bench: error:" lines the guest printed."""
	return [line.strip() for line in console.splitlines()
		if 'bench: error:' in line]


def mount_line(console):
	"""How the guest had / mounted (its /proc/mounts line), or None."""
	for line in console.splitlines():
		_, found, rest = line.partition(MOUNT)
		if found:
			return rest.strip()
	return None


def mount_options(line, secrets=()):
	"""The options field of a /proc/mounts line, secrets masked."""
	if not line:
		return None
	fields = line.split()
	opts = fields[3] if len(fields) > 3 else line
	for secret in secrets:
		opts = opts.replace(secret, '***')
	return opts


def panic_line(console):
	"""(printk time, message) of the first kernel panic, or (None, None)."""
	for at, line in printk_lines(console):
		_, found, msg = line.partition('Kernel panic - not syncing: ')
		if found:
			return at, msg.strip()
	return None, None


def host_gap(lines, text, since):
	"""Host seconds from `since` to the first console line with `text`."""
	for at, line in lines:
		if text in line:
			return at - since
	return None


def target_verdict(key, ours, rat):
	"""(description, met) of a figure's target; met None when unknown."""
	if key not in TARGETS:
		return None, None
	what, limit, desc = TARGETS[key]
	value = ours if what == 'ours' else rat
	if value is None:
		return desc, None
	better = dict((f[0], f[3]) for f in FIGURES)[key]
	if what == 'ours' or better == 'lower':
		return desc, value <= limit
	return desc, value >= limit


def figure_entry(key, samples, part=None):
	"""One figure: summaries per kernel, ratio of medians, its target.

	With `part`, the values come from that sub-dict of each sample
	(the host-clock cross-check keeps its figures under 'host').
	"""
	label, unit, better = next(f[1:] for f in FIGURES if f[0] == key)
	entry = {'key': key, 'label': label, 'unit': unit, 'better': better}
	for name in KERNEL_NAMES:
		values = [(s.get(part) or {} if part else s).get(key)
			  for s in samples.get(name, [])]
		entry[name] = dict(summary(values), values=values)
	entry['ratio'] = ratio(entry['ours']['median'],
			       entry['reference']['median'])
	entry['target'], entry['met'] = target_verdict(
		key, entry['ours']['median'], entry['ratio'])
	return entry


def fmt(value, digits=2):
	"""A number for the table, '-' when missing."""
	if value is None:
		return '-'
	if abs(value) >= 100:
		return f'{value:.0f}'
	return f'{value:.{digits}f}'


def fmt_summary(s):
	"""median (min-max) of a summary."""
	if s['median'] is None:
		return '-'
	return f'{fmt(s["median"])} ({fmt(s["min"])}–{fmt(s["max"])})'


def markdown_table(figures):
	"""The results as a markdown table, one row per figure."""
	rows = ['| figure | unit | reference: median (min–max) | '
		'ours: median (min–max) | ours/ref | better | target |',
		'|---|---|---|---|---|---|---|']
	for f in figures:
		met = {True: 'met', False: 'MISSED', None: '?'}[f['met']]
		target = f'{f["target"]}: {met}' if f['target'] else ''
		rows.append(f'| {f["label"]} | {f["unit"]} | '
			    f'{fmt_summary(f["reference"])} | '
			    f'{fmt_summary(f["ours"])} | '
			    f'{fmt(f["ratio"])} | {f["better"]} | {target} |')
	return '\n'.join(rows) + '\n'


def mode_entry(key, samples, names):
	"""A figure's label, unit and better way, and a summary of its values
	in the samples of each of `names`."""
	label, unit, better = next(f[1:] for f in FIGURES if f[0] == key)
	entry = {'key': key, 'label': label, 'unit': unit, 'better': better}
	for name in names:
		values = [s.get(key) for s in samples.get(name, [])]
		entry[name] = dict(summary(values), values=values)
	return entry


def modes_section(title, intro, modes, mount_options, table):
	"""A results.md section comparing `modes`, with their mount options."""
	text = [title, '', intro + ' Mounted / with:', '']
	for name, _ in modes:
		text.append(f'- {name}: {mount_options.get(name)}')
	return '\n'.join(text + ['', table])


def seal_entry(key, samples):
	"""One figure of the seal comparison: a summary per mode and the
	ratio of the medians, sealed over plain."""
	entry = mode_entry(key, samples, [name for name, _ in SEAL_MODES])
	plain, sealed = (entry[name]['median'] for name, _ in SEAL_MODES)
	entry['ratio'] = ratio(sealed, plain)
	return entry


def seal_table(figures):
	"""The seal comparison as a markdown table, one row per figure."""
	rows = ['| figure | unit | SMB3: median (min–max) | '
		'SMB3 + seal: median (min–max) | seal/plain | better |',
		'|---|---|---|---|---|---|']
	for f in figures:
		rows.append(f'| {f["label"]} | {f["unit"]} | '
			    f'{fmt_summary(f[SEAL_MODES[0][0]])} | '
			    f'{fmt_summary(f[SEAL_MODES[1][0]])} | '
			    f'{fmt(f["ratio"])} | {f["better"]} |')
	return '\n'.join(rows) + '\n'


def nfs_entry(key, samples, smb):
	"""One figure of the NFS comparison: a summary per NFS mode and of
	our SMB root (`smb`, the samples of the pairs), and the ratio of the
	medians, ours over NFS with 1 MiB transfers."""
	entry = mode_entry(key, dict(samples, smb=smb),
			   ['smb'] + [name for name, _ in NFS_MODES])
	entry['ratio'] = ratio(entry['smb']['median'],
			       entry[NFS_MODES[1][0]]['median'])
	return entry


def nfs_table(figures):
	"""The NFS comparison as a markdown table, one row per figure."""
	rows = ['| figure | unit | SMB root (ours): median (min–max) | '
		'NFS root: median (min–max) | NFS root, 1 MiB: median '
		'(min–max) | SMB/NFS 1 MiB | better |',
		'|---|---|---|---|---|---|---|']
	for f in figures:
		rows.append(f'| {f["label"]} | {f["unit"]} | '
			    f'{fmt_summary(f["smb"])} | '
			    f'{fmt_summary(f[NFS_MODES[0][0]])} | '
			    f'{fmt_summary(f[NFS_MODES[1][0]])} | '
			    f'{fmt(f["ratio"])} | {f["better"]} |')
	return '\n'.join(rows) + '\n'


def nfs_report(peer):
	"""The results.md section of the NFS comparison."""
	return modes_section(
		'## NFS root as a peer',
		f'Our kernel booted from {peer["server"]} over NFSv4.1/TCP, '
		f'{peer["boots"]} boots per mode, beside our SMB root\'s '
		'boots of the pairs.', NFS_MODES, peer['mount_options'],
		nfs_table(peer['figures']))


def wire_rows(wire_figures, samples):
	"""Per NIC and way, the wire's MiB/s beside our SMB root's sequential
	figure on that NIC (`samples`: NIC -> workload samples of ours), the
	share of the wire it reaches, and on VIRTIO the goal's verdict."""
	rows = []
	for nic, ways in wire_figures.items():
		for key, way in WIRE_WAYS:
			smb = summary([s.get(key) for s in samples.get(nic, [])])
			share = ratio(smb['median'], ways[way]['median'])
			goal = None
			if nic == VIRTIO and share is not None:
				goal = share >= WIRE_GOAL
			rows.append({'nic': nic, 'key': key, 'way': way,
				     'wire': ways[way], 'smb': smb,
				     'share': share, 'goal': goal})
	return rows


def wire_table(rows):
	"""The wire comparison as a markdown table."""
	text = ['| NIC | figure | wire, MiB/s: median (min–max) | SMB root '
		'(ours), MiB/s | SMB/wire | goal |', '|---|---|---|---|---|---|']
	for r in rows:
		way = 'guest to host' if r['way'] == 'send' else 'host to guest'
		goal = {True: 'met', False: 'MISSED', None: ''}[r['goal']]
		if r['goal'] is not None:
			goal = f'>= {WIRE_GOAL:.2f}: {goal}'
		text.append(f'| {r["nic"]} | {r["key"]} ({way}) | '
			    f'{fmt_summary(r["wire"])} | {fmt_summary(r["smb"])} | '
			    f'{fmt(r["share"])} | {goal} |')
	return '\n'.join(text) + '\n'


def wire_report(results):
	"""The results.md section of the wire, with our root beside it."""
	rounds = results['wire'][qemu.NICS[0]]['send']['n']
	return '\n'.join([
		'## The wire', '',
		f'Raw TCP from the guest to the host and back, {MIB} MiB per '
		f'transfer, {rounds} each way per NIC (`guest/wire.c` against '
		'`cifsroot_wire.Ends`), beside our SMB root\'s sequential '
		'write and read on the same NIC (e1000: the pairs\' boots; '
		f'{VIRTIO}: its own boots).', '',
		wire_table(results['wire_rows'])])


def debian_report(results):
	"""The results.md section of the Debian tree on each root."""
	find = results.get('find') or {}
	target = {'smb': results.get('debian'),
		  'nfs': results.get('debian_nfs')}
	rows = ['| root | kernel | find / -xdev \\| xargs stat, s: median '
		'(min–max) | files | QEMU start to multi-user.target, s |',
		'|---|---|---|---|---|']
	for name, kernel_name, _ in bench_debian.ROOTS:
		files = sorted({n for n in find.get(name, {}).get('files', [])
				if n is not None})
		boot = target.get(name)
		rows.append(f'| {name} | {kernel_name} | '
			    + (fmt_summary(find[name]) if name in find else '-')
			    + f' | {", ".join(map(str, files)) or "-"} | '
			    + (fmt_summary(boot) if boot else '-') + ' |')
	return '\n'.join([
		'## The Debian tree on each root', '',
		'A fresh copy of make check\'s Debian 12 tree per boot, 1 GiB '
		'guests. find runs as init, timed by the guest\'s printk times; '
		'multi-user.target is timed from QEMU\'s start by the host. '
		f'NFS root mounts with {bench_debian.NFS_OPTIONS}.', '',
		'\n'.join(rows), ''])


def goals(results):
	"""(goal, verdict, detail) of the goals the bench reports: every
	figure at or better than the better NFS mode; write and read at
	WIRE_GOAL of the wire on VIRTIO."""
	found = []
	for f in (results.get('nfs') or {}).get('figures', []):
		peers = [f[name]['median'] for name, _ in NFS_MODES
			 if f[name]['median'] is not None]
		ours = f['smb']['median']
		if not peers or ours is None:
			found.append((f'{f["key"]}: at or better than NFS root',
				      None, 'not measured'))
			continue
		best = min(peers) if f['better'] == 'lower' else max(peers)
		met = ours <= best if f['better'] == 'lower' else ours >= best
		found.append((f'{f["key"]}: at or better than NFS root', met,
			      f'ours {fmt(ours)}, NFS {fmt(best)} {f["unit"]}'))
	for r in results.get('wire_rows', []):
		if r['nic'] == VIRTIO:
			found.append((f'{r["key"]} on {VIRTIO}: {WIRE_GOAL:.0%} of '
				      'the wire', r['goal'],
				      f'{fmt(r["share"])} of the wire'))
	return found


def goals_report(found):
	"""The results.md section of the goals."""
	text = ['## Goals', '', '| goal | verdict | measured |',
		'|---|---|---|']
	for goal, met, detail in found:
		verdict = {True: 'met', False: 'MISSED', None: '?'}[met]
		text.append(f'| {goal} | {verdict} | {detail} |')
	return '\n'.join(text) + '\n'


def seal_report(seal):
	"""The results.md section of the seal comparison."""
	return modes_section(
		f'## SMB3.1.1 + POSIX on {seal["base"]}: the cost of seal',
		f'The workload boot of the {seal["base"]} test kernel from '
		f'{seal["samba"]}, {seal["boots"]} boots per mode, alternating.',
		SEAL_MODES, seal['mount_options'], seal_table(seal['figures']))


def markdown_report(results):
	"""results.md: where, with what, the table and the mount options."""
	m = results['machine']
	text = [f'# cifsroot bench, {results["date"]}', '',
		f'- machine: {m["cpus"]} cores, {m["memory_gib"]} GiB, '
		f'{m["cpu"]}, accelerator {m["accel"]}',
		f'- QEMU: {results["qemu"]}',
		f'- Samba: {results["samba"]}',
		f'- pairs: {results["pairs"]} (reference and ours alternate)',
		f'- .config of both kernels equal: {results["config_equal"]}']
	for name in KERNEL_NAMES:
		k = results['kernels'][name]
		text.append(f'- {name}: commit {k["commit"][:12]}, '
			    f'mounted / with {k["mount_options"]}')
	text += ['', markdown_table(results['figures']), '',
		 'The workload boot timed on the host instead, from the arrival '
		 'of its console lines (a cross-check of the guest clock; boot '
		 'counts from the "Linux version" line):', '',
		 markdown_table(results['host_figures']), '',
		 'Guest clocksources: ' + ', '.join(
			 f'{n}: {results["kernels"][n]["clocksources"]}'
			 for n in KERNEL_NAMES)]
	if results.get('debian'):
		text += ['', 'Debian 12 (debootstrap minbase + systemd-sysv) on '
			 'our root, QEMU start to multi-user.target, '
			 f'{results["debian"]["n"]} boots: '
			 f'{fmt_summary(results["debian"])} s']
	if results.get('find') or results.get('debian_nfs'):
		text += ['', debian_report(results)]
	if results.get('seal'):
		text += ['', seal_report(results['seal'])]
	if results.get('nfs'):
		text += ['', nfs_report(results['nfs'])]
	if results.get('wire'):
		text += ['', wire_report(results)]
	if results.get('clients'):
		text += ['', fleet.report(results['clients'],
					  results['machine']['cpus'])]
	found = goals(results)
	if found:
		text += ['', goals_report(found)]
	return '\n'.join(text) + '\n'


def gnuplot_data(figures):
	"""Data lines for the chart: index, quoted label, ratio."""
	lines = []
	for i, f in enumerate(figures):
		if f['ratio'] is None:
			continue
		arrow = 'lower' if f['better'] == 'lower' else 'higher'
		label = f'{f["key"]} ({arrow} better)'
		lines.append(f'{i} "{label}" {f["ratio"]:.4f}')
	return '\n'.join(lines) + '\n'


def gnuplot_script(data_path, png_path, title):
	"""A gnuplot script drawing the ratios as bars, log scale, 1 marked."""
	return f'''set terminal pngcairo size 1100,560 font "sans,10"
set output "{png_path}"
set title "{title}"
set ylabel "ours / reference (median), log scale"
set logscale y
set yrange [0.02:5]
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -35 nomirror
set grid ytics
set key off
plot "{data_path}" using 1:3:xtic(2) with boxes lc rgb "#3a6ea5", \\
     1 with lines lc rgb "#c03030" lw 2, \\
     "{data_path}" using 1:3:(sprintf("%.2f", $3)) with labels offset 0,0.8
'''


# ------------------------------------------------------------ builds

def bench_cache(*parts):
	"""The bench's part of the cache: <cache>/bench/<name>/{src,build}."""
	return os.path.join(cache_dir(), 'bench', *parts)


def worktree(name, commit):
	"""A git worktree of the cached tree at `commit`, for `name` only."""
	tree = kernel.tree_dir()
	src = bench_cache(name, 'src')
	if not os.path.exists(os.path.join(src, '.git')):
		shutil.rmtree(src, ignore_errors=True)
		os.makedirs(os.path.dirname(src), exist_ok=True)
		kernel.git(tree, 'worktree', 'prune')
		kernel.git(tree, 'worktree', 'add', '-q', '--detach', src,
			   commit)
	elif kernel.rev(src, 'HEAD') != commit:
		kernel.git(src, 'checkout', '-q', '-f', '--detach', commit)
	return src


def ccache_counts():
	"""ccache's hit and miss counters (the cache is shared)."""
	env = dict(os.environ, CCACHE_DIR=os.path.join(cache_dir(), 'ccache'))
	res = run(['ccache', '--print-stats'], env=env, capture=True,
		  check=False)
	counts = {}
	for line in res.stdout.splitlines():
		key, _, value = line.partition('\t')
		if value.strip().isdigit():
			counts[key] = int(value)
	hits = counts.get('direct_cache_hit', 0) + \
		counts.get('preprocessed_cache_hit', 0)
	return {'hits': hits, 'misses': counts.get('cache_miss', 0)}


def build_kernel(name, commit):
	"""Configure and build `name` at `commit`; returns its build record."""
	src = worktree(name, commit)
	out = bench_cache(name, 'build')
	before = ccache_counts()
	t0 = time.monotonic()
	log(f'building {name} ({commit[:12]}) in {src}')
	kernel.configure(src, out, FRAGMENTS, basedir=cache_dir())
	kernel.kmake(src, out, 'bzImage', basedir=cache_dir())
	seconds = time.monotonic() - t0
	after = ccache_counts()
	record = {'commit': commit, 'image': os.path.join(
			  out, 'arch', 'x86', 'boot', 'bzImage'),
		  'config': os.path.join(out, '.config'),
		  'seconds': round(seconds, 1),
		  'ccache_hits': after['hits'] - before['hits'],
		  'ccache_misses': after['misses'] - before['misses']}
	log(f'{name}: built in {seconds:.1f}s, ccache '
	    f'{record["ccache_hits"]} hits, {record["ccache_misses"]} misses '
	    '(counters shared with any concurrent build)')
	return record


def config_body(path):
	"""A .config without its comment header (which names the version)."""
	with open(path) as f:
		return [line for line in f if not line.startswith('#') or
			line.startswith('# CONFIG_')]


@step('bench kernels')
def build_kernels():
	"""Both kernels: ours at the series head, the reference at pristine."""
	commits = {'ours': kernel.apply(),
		   'reference': kernel.rev(kernel.tree_dir(), 'pristine')}
	builds = {}
	for name in ('ours', 'reference'):
		builds[name] = build_kernel(name, commits[name])
	equal = config_body(builds['ours']['config']) == \
		config_body(builds['reference']['config'])
	log('.config of both kernels ' + ('equal' if equal else 'DIFFER'))
	return builds, equal


# ------------------------------------------------------------ boots

def versions():
	"""QEMU's and Samba's versions, as they print them."""
	qemu_v = run(['qemu-system-x86_64', '--version'], capture=True)
	samba_v = run(['smbd', '--version'], capture=True)
	return qemu_v.stdout.splitlines()[0].strip(), samba_v.stdout.strip()


def machine():
	"""What the bench ran on."""
	mem = 0
	with open('/proc/meminfo') as f:
		for line in f:
			if line.startswith('MemTotal:'):
				mem = int(line.split()[1]) / (1024 * 1024)
	cpu = platform.processor() or platform.machine()
	with open('/proc/cpuinfo') as f:
		for line in f:
			if line.startswith('model name'):
				cpu = line.partition(':')[2].strip()
				break
	return {'cpus': os.cpu_count(), 'memory_gib': round(mem),
		'cpu': cpu, 'accel': qemu.accelerator(),
		'host_kernel': platform.release()}


def make_tar(path):
	"""A tar of a fresh busybox rootfs, for the guest to unpack."""
	src = rootfs.make_rootfs(os.path.join(out_dir('bench'), 'tar-src'))
	run(['tar', '-C', src, '--numeric-owner', '--format=ustar', '-cf',
	     path, '.'])
	shutil.rmtree(src)
	log(f'rootfs tar: {os.path.getsize(path) // 1024} KiB')
	return path


def fresh_share(name, tar=None):
	"""A fresh busybox rootfs for one boot, with the workload if `tar`."""
	share = rootfs.make_rootfs(os.path.join(out_dir('bench'),
					       'share-' + name))
	if tar:
		os.makedirs(os.path.join(share, 'bench'))
		shutil.copyfile(tar, os.path.join(share, 'bench', 'rootfs.tar'))
		run_script = os.path.join(share, 'etc', 'cifsroot', 'run')
		shutil.copyfile(BENCH_SCRIPT, run_script)
		os.chmod(run_script, 0o755)
	return share


def boot_log(name, kind, pair):
	return os.path.join(out_dir('bench', 'logs'), f'{kind}-{name}-{pair}.log')


def workload_boot(name, image, tar, pair, protocol=None, options='',
		  nic=qemu.NICS[0]):
	"""Boot figures and the workload figures of one boot, the root
	mounted with `protocol` (the harness's by default) and `options`,
	the guest on the emulated NIC `nic`."""
	share = fresh_share(name, tar)
	with samba.Smbd(share, protocol=protocol) as smbd:
		res = qemu.boot(image, qemu.cmdline(smbd, options=options),
				 boot_log(name, 'workload', pair),
				 timeout=WORKLOAD_TIMEOUT, nic=nic)
		password = smbd.password
	return workload_result(name, res, [password])


def nfs_workload_boot(name, image, tar, number, options=''):
	"""The workload boot with the root on NFS, nfsroot `options` added."""
	share = fresh_share(name, tar)
	with nfs.Ganesha(share) as server:
		res = qemu.boot(image, nfs.cmdline(server.port, options),
				 boot_log(name, 'workload', number),
				 timeout=WORKLOAD_TIMEOUT)
	return workload_result(name, res)


def workload_result(name, res, secrets=()):
	"""(figures, mount options) of a workload boot's BootResult."""
	figures = workload_figures(res.console)
	figures['host'] = host_figures(res.lines)
	figures['clock'] = guest_clock(res.console)
	errors = guest_errors(res.console)
	if 'bench: done' not in res.console or errors:
		log(f'{name}: workload incomplete: {errors} '
		    + qemu.explain_failure(res))
	opts = mount_options(mount_line(res.console), secrets)
	return figures, opts


def late_boot(name, image, pair):
	"""Seconds from smbd ready (started 12 s after QEMU) to Mounted root."""
	share = fresh_share(name)
	with samba.Smbd(share, port=samba.free_port(), start=False) as smbd:
		boot = qemu.start_boot(image, qemu.cmdline(smbd),
					boot_log(name, 'late', pair),
					timeout=LATE_TIMEOUT)
		time.sleep(max(0.0, boot.t0 + LATE_SERVER_DELAY -
			       time.monotonic()))
		smbd.start()
		res = boot.wait()
		gap = host_gap(res.lines, 'VFS: Mounted root', smbd.started)
	if gap is None:
		log(f'{name}: late server never mounted: '
		    + qemu.explain_failure(res))
	return gap


def panic_boot(name, image, pair):
	"""Printk seconds to the panic when the share does not exist."""
	share = os.path.join(out_dir('bench'), 'share-empty')
	os.makedirs(share, exist_ok=True)
	with samba.Smbd(share) as smbd:
		source = smbd.source(share='nosuch')
		res = qemu.boot(image, qemu.cmdline_for(source),
				 boot_log(name, 'missing', pair),
				 timeout=PANIC_TIMEOUT)
	at, msg = panic_line(res.console)
	if at is None:
		log(f'{name}: no panic: ' + qemu.explain_failure(res))
	return at, msg


def one_kernel_round(name, image, tar, pair, pairs, samples, info):
	"""The three boots of one kernel in one pair; appends its sample."""
	t0 = time.monotonic()
	figures, opts = workload_boot(name, image, tar, pair)
	info['mount_options'].add(opts)
	figures['late'] = late_boot(name, image, pair)
	at, msg = panic_boot(name, image, pair)
	figures['panic'] = at
	info['panic_messages'].add(msg)
	samples[name].append(figures)
	shown = ', '.join(f'{k} {fmt(v)}' for k, v in figures.items()
			  if not isinstance(v, dict))
	log(f'pair {pair}/{pairs} {name} ({time.monotonic() - t0:.0f}s): '
	    + shown)


@step('bench boots')
def run_pairs(builds, pairs):
	"""`pairs` rounds, reference then ours in each; returns the samples."""
	tar = make_tar(os.path.join(out_dir('bench'), 'rootfs.tar'))
	samples = {name: [] for name in KERNEL_NAMES}
	info = {name: {'mount_options': set(), 'panic_messages': set()}
		for name in KERNEL_NAMES}
	for pair in range(1, pairs + 1):
		for name in KERNEL_NAMES:
			one_kernel_round(name, builds[name]['image'], tar, pair,
					 pairs, samples, info[name])
	return samples, info


def samba_version(protocol):
	"""The version of the Samba that serves `protocol`."""
	share = os.path.join(out_dir('bench'), 'share-empty')
	os.makedirs(share, exist_ok=True)
	with samba.Smbd(share, protocol=protocol) as smbd:
		res = run(smbd.command(['smbd', '--version']), capture=True)
	return res.stdout.strip()


@step('bench seal')
def seal_boots(tar, boots):
	"""The workload boot over SMB3 without and with seal, `boots` each."""
	with using_base(SEAL_BASE):
		image = kernel.build()
	samples = {name: [] for name, _ in SEAL_MODES}
	mounts = {name: set() for name, _ in SEAL_MODES}
	for number in range(1, boots + 1):
		for name, options in SEAL_MODES:
			t0 = time.monotonic()
			figures, opts = workload_boot(name, image, tar, number,
						      protocol='smb3',
						      options=options)
			samples[name].append(figures)
			mounts[name].add(opts)
			shown = ', '.join(f'{k} {fmt(figures.get(k))}'
					  for k in SEAL_KEYS)
			log(f'seal {number}/{boots} {name} '
			    f'({time.monotonic() - t0:.0f}s): {shown}')
	sealed = joined(mounts[SEAL_MODES[1][0]]) or ''
	if 'seal' not in sealed.split(','):
		raise HarnessError('the sealed boots did not mount / with seal: '
				   + sealed)
	return {'base': SEAL_BASE, 'boots': boots,
		'samba': samba_version('smb3'),
		'mount_options': {name: joined(mounts[name])
				  for name, _ in SEAL_MODES},
		'figures': [seal_entry(k, samples) for k in SEAL_KEYS],
		'samples': samples}


def ganesha_version():
	"""nfs-ganesha's version, as Debian has it installed."""
	res = run(['dpkg-query', '-W', '-f', '${Version}', 'nfs-ganesha'],
		  capture=True)
	return 'nfs-ganesha ' + res.stdout.strip()


def nfs4_mounted(options):
	"""Whether every boot's mount options (the options field of
	/proc/mounts, which leaves out the type) say NFS version 4."""
	return bool(options) and all(
		o and any(f.startswith('vers=4') for f in o.split(','))
		for o in options)


@step('bench nfs')
def nfs_boots(image, tar, boots, smb):
	"""Our kernel's workload boot from NFS root, `boots` per mode,
	against `smb`, the samples of our SMB root."""
	samples = {name: [] for name, _ in NFS_MODES}
	mounts = {name: set() for name, _ in NFS_MODES}
	for number in range(1, boots + 1):
		for name, options in NFS_MODES:
			t0 = time.monotonic()
			figures, opts = nfs_workload_boot(name, image, tar,
							  number, options)
			samples[name].append(figures)
			mounts[name].add(opts)
			shown = ', '.join(f'{k} {fmt(figures.get(k))}'
					  for k in NFS_KEYS)
			log(f'nfs {number}/{boots} {name} '
			    f'({time.monotonic() - t0:.0f}s): {shown}')
	for name, _ in NFS_MODES:
		if not nfs4_mounted(mounts[name]):
			raise HarnessError(f'the {name} boots did not mount / over '
					   'NFSv4: ' + str(joined(mounts[name])))
	return {'boots': boots, 'server': ganesha_version(),
		'mount_options': {name: joined(mounts[name])
				  for name, _ in NFS_MODES},
		'figures': [nfs_entry(k, samples, smb) for k in NFS_KEYS],
		'samples': samples}


@step('bench virtio')
def virtio_boots(image, tar, boots):
	"""Our kernel's workload boot on virtio-net, `boots` times."""
	samples = []
	for number in range(1, boots + 1):
		figures, _ = workload_boot(VIRTIO, image, tar, number,
					   nic=VIRTIO)
		samples.append(figures)
		log(f'virtio {number}/{boots}: ' + ', '.join(
			f'{k} {fmt(figures.get(k))}' for k in NFS_KEYS))
	return samples


@step('bench wire')
def wire_boots(image, rounds):
	"""Raw TCP guest to host and back on each NIC, `rounds` each way."""
	found = wire.measure(image, rounds, MIB, out_dir('bench', 'logs'))
	return {nic: {way: dict(summary(v), values=v)
		      for way, v in ways.items()}
		for nic, ways in found.items()}


@step('bench clients')
def fleet_runs(image, tar, counts):
	"""N guests at once against one smbd, for each N of `counts`."""
	runs = []
	for clients in counts:
		t0 = time.monotonic()
		runs.append(fleet.run_clients(image, tar, clients))
		log(f'clients {clients} ({time.monotonic() - t0:.0f}s): '
		    + fleet.run_line(runs[-1]))
	return runs


def debian_boot(image, number):
	"""QEMU start to multi-user.target, booting a copy of the Debian tree.

	The tree is cifsroot_debian's (cached by recipe); QEMU is stopped
	once systemd reports the target. None if it never does.
	"""
	share = os.path.join(out_dir('bench'), 'debian-share')
	debian.copy_tree(debian.debian_tree(), share)
	with samba.Smbd(share) as smbd:
		append = qemu.cmdline(smbd) + ' ' + debian.CMDLINE_OPTIONS
		handle = qemu.start_boot(image, append,
					  boot_log('ours', 'debian', number),
					  timeout=debian.BOOT_TIMEOUT,
					  memory=debian.MEMORY)
		with handle:
			while handle.running() and debian.time_to_target(
					list(handle.lines), handle.t0) is None:
				time.sleep(0.2)
			handle.kill()
			res = handle.wait()
	return debian.time_to_target(res.lines, handle.t0)


@step('bench find')
def find_boots(builds, boots):
	"""find / -xdev | xargs stat over the Debian tree on each root of
	bench_debian.ROOTS, `boots` times each."""
	found = {}
	for number in range(1, boots + 1):
		for name, kernel_name, server in bench_debian.ROOTS:
			seconds, files = bench_debian.find_boot(
				name, builds[kernel_name]['image'], server, number)
			entry = found.setdefault(name, {'values': [], 'files': []})
			entry['values'].append(seconds)
			entry['files'].append(files)
			log(f'find {number}/{boots} {name}: '
			    f'{fmt(seconds)} s, {files} files')
	return {name: dict(summary(e['values']), **e)
		for name, e in found.items()}


@step('bench debian on NFS')
def debian_nfs_boots(image, boots):
	"""Our kernel booting Debian 12 from NFS root, `boots` times."""
	times = []
	for number in range(1, boots + 1):
		seconds = bench_debian.target_boot('nfs', image, 'nfs', number)
		log(f'debian on NFS {number}/{boots}: multi-user.target after '
		    + (f'{seconds:.1f}s' if seconds is not None else 'never'))
		times.append(seconds)
	return summary(times)


@step('bench debian')
def debian_boots(image, boots):
	"""Our kernel booting Debian 12 with systemd, `boots` times."""
	times = []
	for number in range(1, boots + 1):
		seconds = debian_boot(image, number)
		log(f'debian boot {number}/{boots}: multi-user.target after '
		    + (f'{seconds:.1f}s' if seconds is not None else 'never'))
		times.append(seconds)
	return summary(times)


# ------------------------------------------------------------ output

HOST_KEYS = ('boot', 'mount', 'write', 'read', 'create', 'stat', 'unlink', 'metadata', 'untar')


def clock_counts(samples):
	"""How many boots kept time with which clocksource ("tsc: 3, ...")."""
	counts = {}
	for s in samples:
		clock = s.get('clock') or {}
		name = clock.get('clocksource') or 'unknown'
		if clock.get('tsc_unstable'):
			name += ' (TSC unstable)'
		counts[name] = counts.get(name, 0) + 1
	return ', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))


def joined(values):
	"""A set of strings as one string (None left out)."""
	vals = sorted(v for v in values if v)
	return ' | '.join(vals) if vals else None


def write_outputs(results):
	"""results.json, results.md and ratios.png in out/bench/."""
	out = out_dir('bench')
	with open(os.path.join(out, 'results.json'), 'w') as f:
		json.dump(results, f, indent=1)
	with open(os.path.join(out, 'results.md'), 'w') as f:
		f.write(markdown_report(results))
	if any(f['ratio'] is not None for f in results['figures']):
		chart(results, out)
	log('results in ' + os.path.relpath(out, os.getcwd()))
	print(markdown_table(results['figures']), flush=True)
	if results.get('seal'):
		print(seal_table(results['seal']['figures']), flush=True)
	if results.get('nfs'):
		print(nfs_table(results['nfs']['figures']), flush=True)
	if results.get('wire'):
		print(wire_table(results['wire_rows']), flush=True)
	if results.get('clients'):
		print(fleet.table(results['clients']), flush=True)
		fleet.chart(results['clients'], out,
			    f'cifsroot: clients booting at once from one smbd, '
			    f'{results["machine"]["cpus"]} host CPUs, '
			    f'{results["machine"]["accel"]}')
	found = goals(results)
	if found:
		print(goals_report(found), flush=True)


def chart(results, out):
	"""ratios.png: the ratios of the pairs as bars (gnuplot)."""
	data = os.path.join(out, 'ratios.dat')
	with open(data, 'w') as f:
		f.write(gnuplot_data(results['figures']))
	png = os.path.join(out, 'ratios.png')
	title = (f'cifsroot: ours / reference, {results["pairs"]} pairs, '
		 f'{results["qemu"].split("(")[0].strip()}, '
		 f'Samba {results["samba"].split()[-1]}')
	script = os.path.join(out, 'ratios.gnuplot')
	with open(script, 'w') as f:
		f.write(gnuplot_script(data, png, title))
	if shutil.which('gnuplot'):
		run(['gnuplot', script], capture=True)
	else:
		log('gnuplot missing (make deps installs gnuplot-nox): '
		    'no ratios.png')


def results_of(builds, equal, samples, info, pairs, programs):
	"""Everything results.json holds; `programs` are QEMU's and Samba's
	versions (versions())."""
	qemu_version, samba_version = programs
	kernels = {}
	for name in KERNEL_NAMES:
		b = builds[name]
		kernels[name] = {
			'commit': b['commit'], 'build_seconds': b['seconds'],
			'ccache_hits': b['ccache_hits'],
			'ccache_misses': b['ccache_misses'],
			'mount_options': joined(info[name]['mount_options']),
			'panic_message': joined(info[name]['panic_messages']),
			'clocksources': clock_counts(samples[name])}
	figures = [figure_entry(f[0], samples) for f in FIGURES]
	host_figures = [figure_entry(f[0], samples, 'host') for f in FIGURES
			if f[0] in HOST_KEYS]
	for f in figures:
		f['qemu'], f['samba'] = qemu_version, samba_version
		f['mount_options'] = {n: kernels[n]['mount_options']
				      for n in KERNEL_NAMES}
	return {'date': time.strftime('%Y-%m-%d %H:%M %Z'),
		'machine': machine(), 'qemu': qemu_version,
		'samba': samba_version,
		'pairs': pairs, 'config_equal': equal, 'kernels': kernels,
		'figures': figures, 'host_figures': host_figures,
		'samples': samples}


def main(argv):
	p = argparse.ArgumentParser(
		description='our SMB root against the older upstream one')
	p.add_argument('--pairs', type=int, default=5,
		       help='boots of each kernel per figure (default 5)')
	p.add_argument('--build-only', action='store_true',
		       help='build both kernels and stop')
	p.add_argument('--debian', type=int, default=3,
		       help='boots of Debian with our kernel (default 3, 0: none)')
	p.add_argument('--nfs', type=int, default=3,
		       help='boots of our kernel from NFS root per mode '
		       '(default 3, 0: none)')
	p.add_argument('--seal', type=int, default=3,
		       help='SMB3 boots without and with seal (default 3, '
		       '0: none)')
	p.add_argument('--find', type=int, default=2,
		       help='find | xargs stat boots of the Debian tree per '
		       'root (default 2, 0: none)')
	p.add_argument('--virtio', type=int, default=3,
		       help='workload boots of our kernel on virtio-net '
		       '(default 3, 0: none)')
	p.add_argument('--wire', type=int, default=3,
		       help='raw TCP transfers each way per NIC (default 3, '
		       '0: none)')
	p.add_argument('--clients', default='1,2,4,8',
		       help='client counts booted at once from one smbd '
		       '(default 1,2,4,8; empty: none)')
	args = p.parse_args(argv)
	args.clients = fleet.check_counts(
		[int(n) for n in args.clients.split(',') if n.strip()]) \
		if args.clients.strip() else []
	with cache_lock():
		return bench(args)


def peers(args, image, ours, results):
	"""The wire, our root on virtio-net and many clients, into
	`results`; `ours` are our kernel's samples of the pairs (e1000)."""
	tar = os.path.join(out_dir('bench'), 'rootfs.tar')
	if args.wire:
		results['wire'] = wire_boots(image, args.wire)
		by_nic = {qemu.NICS[0]: ours}
		if args.virtio:
			by_nic[VIRTIO] = virtio_boots(image, tar, args.virtio)
		results['virtio_samples'] = by_nic.get(VIRTIO, [])
		results['wire_rows'] = wire_rows(results['wire'], by_nic)
	if args.clients:
		results['clients'] = fleet_runs(image, tar, args.clients)
		results['knee'] = fleet.knee(results['clients'])


def bench(args):
	try:
		builds, equal = build_kernels()
		if args.build_only:
			return 0
		samples, info = run_pairs(builds, args.pairs)
		results = results_of(builds, equal, samples, info, args.pairs,
				     versions())
		if args.debian:
			results['debian'] = debian_boots(
				builds['ours']['image'], args.debian)
			results['debian_nfs'] = debian_nfs_boots(
				builds['ours']['image'], args.debian)
		if args.find:
			results['find'] = find_boots(builds, args.find)
		if args.nfs:
			results['nfs'] = nfs_boots(
				builds['ours']['image'],
				os.path.join(out_dir('bench'), 'rootfs.tar'),
				args.nfs, samples['ours'])
		if args.seal:
			results['seal'] = seal_boots(
				os.path.join(out_dir('bench'), 'rootfs.tar'),
				args.seal)
		peers(args, builds['ours']['image'], samples['ours'], results)
		write_outputs(results)
	except HarnessError as e:
		log('error: ' + str(e))
		return 1
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
