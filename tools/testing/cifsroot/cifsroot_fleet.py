#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Many clients on one server, as a diskless lab boots them: N guests start
# at once against one smbd, each from its own directory of the one share,
# cifsroot=//<host>/root/%s (%s is the client's IPv4 address). Each QEMU
# has a user network of its own, 10.0.<10+k>.0/24 (guest .15, host .2), so
# that the clients have different addresses; all of them reach the one
# smbd on 127.0.0.1. Once init runs, guest/fleet.sh unpacks the busybox
# rootfs tar, writes a few hundred small files, syncs, removes it all and
# powers off.
#
# For each client: the host's seconds from QEMU's start to /sbin/init, to
# the end of the work, and the work itself; for smbd: its CPU seconds and
# its peak memory over the run (every smbd process, sampled), and the
# host's CPU busy share, which tells a saturated host from a slow server.

import os
import shutil
import statistics
import threading
import time

import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_smbd as samba
from cifsroot_common import HarnessError, log, out_dir
from cifsroot_common import run as run_command

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'guest', 'fleet.sh')
MEMORY = 128			# MiB per guest: eight fit in 1 GiB
TIMEOUT = 1200
SAMPLE_EVERY = 0.5
CLK_TCK = os.sysconf('SC_CLK_TCK')
MARK = 'bench: mark '
DONE = 'bench: done'
INIT = 'Run /sbin/init as init process'


def subnet(k):
	"""Client k's user network (k from 0)."""
	return f'10.0.{10 + k}.0/24'


def guest_addr(k):
	return f'10.0.{10 + k}.15'


def host_addr(k):
	return f'10.0.{10 + k}.2'


def first_at(lines, text, since):
	"""Host seconds from `since` to the first (time, line) with `text`."""
	return next((at - since for at, line in lines if text in line), None)


def client_figures(lines, t0):
	"""One client's figures from its console's (host time, line) pairs
	and its QEMU's start `t0`: init, done and work seconds."""
	init = first_at(lines, INIT, t0)
	done = first_at(lines, DONE, t0)
	start = first_at(lines, MARK + 'work-start', t0)
	end = first_at(lines, MARK + 'work-end', t0)
	work = end - start if None not in (start, end) and end > start else None
	return {'init': init, 'work': work, 'done': done}


# ------------------------------------------------------- processes, CPU

def proc_ticks_rss(pid):
	"""(CPU ticks, RSS KiB) of process `pid`, or None once gone."""
	try:
		with open(f'/proc/{pid}/stat') as f:
			fields = f.read().rpartition(')')[2].split()
		with open(f'/proc/{pid}/status') as f:
			rss = next((int(line.split()[1]) for line in f
				    if line.startswith('VmRSS:')), 0)
	except (OSError, ValueError, StopIteration):
		return None
	# fields[0] is proc(5)'s field 3: utime is field 14, stime 15
	return int(fields[11]) + int(fields[12]), rss


def host_busy():
	"""(busy, total) jiffies of all CPUs, from /proc/stat."""
	with open('/proc/stat') as f:
		values = [int(v) for v in f.readline().split()[1:]]
	idle = values[3] + (values[4] if len(values) > 4 else 0)
	return sum(values) - idle, sum(values)


class Sampler:
	"""Samples smbd's processes (its process group) while the clients
	run: CPU ticks per pid (the last seen counts, as a child's ticks go
	with it), the peak of their summed RSS, and the host's busy share."""

	def __init__(self, pgid):
		self.pgid = pgid
		self.ticks = {}
		self.base_ticks = {}
		self.base_rss = 0
		self.peak_rss = 0
		self.stopping = threading.Event()
		self.thread = threading.Thread(target=self.loop, daemon=True)
		self.host0 = None
		self.host1 = None

	def sample(self):
		total = 0
		for pid in samba.group_members(self.pgid):
			got = proc_ticks_rss(pid)
			if got is None:
				continue
			self.ticks[pid] = max(self.ticks.get(pid, 0), got[0])
			total += got[1]
		self.peak_rss = max(self.peak_rss, total)
		return total

	def __enter__(self):
		self.base_rss = self.sample()
		self.base_ticks = dict(self.ticks)
		self.peak_rss = self.base_rss
		self.host0 = host_busy()
		self.thread.start()
		return self

	def loop(self):
		while not self.stopping.wait(SAMPLE_EVERY):
			self.sample()

	def __exit__(self, *exc):
		self.stopping.set()
		self.thread.join()
		self.sample()
		self.host1 = host_busy()
		return False

	def figures(self, clients):
		"""smbd's CPU seconds and peak memory above idle, in all and per
		client, and the host's busy share over the run."""
		ticks = sum(t - self.base_ticks.get(pid, 0)
			    for pid, t in self.ticks.items())
		cpu = ticks / CLK_TCK
		mem = max(0, self.peak_rss - self.base_rss) / 1024
		busy = total = None
		if self.host0 and self.host1:
			busy = self.host1[0] - self.host0[0]
			total = self.host1[1] - self.host0[1]
		return {'smbd_cpu_s': cpu, 'smbd_cpu_s_per_client': cpu / clients,
			'smbd_mem_mib': mem,
			'smbd_mem_mib_per_client': mem / clients,
			'smbd_idle_mib': self.base_rss / 1024,
			'host_busy': busy / total if total else None}


# ------------------------------------------------------------ the run

def prepare(share, tar, clients):
	"""`clients` busybox roots in `share`, one per client address, each
	with the tar and guest/fleet.sh as its run script."""
	shutil.rmtree(share, ignore_errors=True)
	os.makedirs(share)
	for k in range(clients):
		root = rootfs.make_rootfs(os.path.join(share, guest_addr(k)))
		os.makedirs(os.path.join(root, 'bench'))
		shutil.copyfile(tar, os.path.join(root, 'bench', 'rootfs.tar'))
		script = os.path.join(root, 'etc', 'cifsroot', 'run')
		shutil.copyfile(SCRIPT, script)
		os.chmod(script, 0o755)


def boot_all(image, smbd, clients, logs):
	"""Start `clients` QEMUs at once; wait for all; their (t0, lines)."""
	handles = []
	try:
		for k in range(clients):
			source = smbd.source(host=host_addr(k), share='root/%s')
			handles.append(qemu.start_boot(
				image, qemu.cmdline_for(source),
				os.path.join(logs, f'fleet-{clients}-{k}.log'),
				timeout=TIMEOUT, netdev='user,net=' + subnet(k),
				memory=MEMORY))
		results = [h.wait() for h in handles]
	finally:
		for h in handles:
			h.kill()
	return [(h.t0, r) for h, r in zip(handles, results)]


def run_clients(image, tar, clients):
	"""One run of `clients` guests at once; its figures."""
	share = os.path.join(out_dir('bench'), 'fleet-share')
	prepare(share, tar, clients)
	logs = out_dir('bench', 'logs')
	with samba.Smbd(share) as smbd:
		with Sampler(smbd.proc.pid) as sampler:
			t0 = time.monotonic()
			booted = boot_all(image, smbd, clients, logs)
			wall = time.monotonic() - t0
	per_client = []
	for k, (start, res) in enumerate(booted):
		figures = client_figures(res.lines, start)
		if figures['done'] is None:
			log(f'fleet: client {k + 1} of {clients} did not finish: '
			    + qemu.explain_failure(res))
		per_client.append(figures)
	server = sampler.figures(clients)
	return {'clients': clients, 'wall_s': wall, 'per_client': per_client,
		'memory_mib': MEMORY, **server}


def knee(runs, key='done', limit=1.5):
	"""The smallest client count whose median `key` is `limit` times
	that of the fewest clients, or None."""
	def median(run):
		found = stats(column(run, key))
		return found[0] if found else None

	base = median(runs[0]) if runs else None
	if not base:
		return None
	for run in runs[1:]:
		value = median(run)
		if value is not None and value >= limit * base:
			return run['clients']
	return None


def check_counts(counts):
	"""Client counts as given, each 1 to 8 (the subnets and memory)."""
	if not counts or any(n < 1 or n > 8 for n in counts):
		raise HarnessError(f'fleet: client counts 1 to 8, not {counts}')
	return sorted(set(counts))


# ------------------------------------------------------------ the report

def stats(values):
	"""(median, min, max) of the numbers in `values` (None skipped), or
	None when there are none."""
	vals = [v for v in values if v is not None]
	if not vals:
		return None
	return statistics.median(vals), min(vals), max(vals)


def fmt_stats(values):
	"""'median (min–max)' of `values`, '-' without any."""
	s = stats(values)
	if s is None:
		return '-'
	return f'{s[0]:.1f} ({s[1]:.1f}–{s[2]:.1f})'


def column(run, key):
	return [c[key] for c in run['per_client']]


def finished(run):
	"""How many of the run's clients finished their work."""
	return sum(c['done'] is not None for c in run['per_client'])


def run_line(run):
	"""One run in a line, for the log."""
	busy = run['host_busy']
	return (f'{finished(run)}/{run["clients"]} finished; init '
		f'{fmt_stats(column(run, "init"))} s, done '
		f'{fmt_stats(column(run, "done"))} s; smbd '
		f'{run["smbd_cpu_s"]:.1f} CPU s, +{run["smbd_mem_mib"]:.0f} MiB; '
		'host busy ' + (f'{busy:.0%}' if busy is not None else '-'))


def table(runs):
	"""The runs as a markdown table, one row per client count."""
	rows = ['| clients | finished | QEMU start to /sbin/init, s: median '
		'(min–max) | work, s | QEMU start to done, s | smbd CPU s per '
		'client | smbd MiB per client (idle smbd) | host CPU busy |',
		'|---|---|---|---|---|---|---|---|']
	for run in runs:
		busy = run['host_busy']
		rows.append(
			f'| {run["clients"]} | {finished(run)} | '
			f'{fmt_stats(column(run, "init"))} | '
			f'{fmt_stats(column(run, "work"))} | '
			f'{fmt_stats(column(run, "done"))} | '
			f'{run["smbd_cpu_s_per_client"]:.2f} | '
			f'{run["smbd_mem_mib_per_client"]:.1f} '
			f'({run["smbd_idle_mib"]:.0f}) | '
			+ (f'{busy:.0%}' if busy is not None else '-') + ' |')
	return '\n'.join(rows) + '\n'


def report(runs, cpus):
	"""The results.md section of the many-clients runs."""
	found = knee(runs)
	if found is None:
		where = ('no knee: the median time to done stayed under 1.5 '
			 'times that of the fewest clients')
	else:
		run = next(r for r in runs if r['clients'] == found)
		smbd_share = (run['smbd_cpu_s'] / (run['wall_s'] * cpus)
			      if run['wall_s'] else 0)
		where = (f'knee at {found} clients: the median time to done '
			 'reached 1.5 times that of the fewest; the host\'s '
			 f'{cpus} CPUs were {run["host_busy"]:.0%} busy and smbd '
			 f'used {smbd_share:.0%} of them')
	return '\n'.join([
		'## Many clients on one server', '',
		'N guests (QEMU, TCG, ' f'{MEMORY} MiB each) started at once '
		'against one smbd, each from its own directory of one share '
		'(`cifsroot=//10.0.<10+k>.2/root/%s`, its own user network); '
		'the work is an untar of the busybox rootfs, 200 small files, '
		'sync and removal. Times are the host\'s, from each QEMU\'s '
		'start. smbd\'s CPU and memory are summed over its processes, '
		'above the idle server. `clients.png` draws the curve.', '',
		table(runs), '', where[0].upper() + where[1:] + '.', ''])


def chart_data(runs):
	"""Data lines: clients, median and max of init and of done."""
	lines = []
	for run in runs:
		init = stats(column(run, 'init'))
		done = stats(column(run, 'done'))
		if init is None or done is None:
			continue
		lines.append(f'{run["clients"]} {init[0]:.2f} {init[2]:.2f} '
			     f'{done[0]:.2f} {done[2]:.2f}')
	return '\n'.join(lines) + '\n'


def chart_script(data_path, png_path, title):
	"""A gnuplot script: seconds against clients, four lines."""
	return f'''set terminal pngcairo size 900,540 font "sans,10"
set output "{png_path}"
set title "{title}"
set xlabel "clients booting at once"
set ylabel "seconds from QEMU start"
set logscale x 2
set xtics (1, 2, 4, 8)
set yrange [0:*]
set grid
set key top left
plot "{data_path}" using 1:2 with linespoints title "/sbin/init, median", \\
     "{data_path}" using 1:3 with linespoints title "/sbin/init, slowest", \\
     "{data_path}" using 1:4 with linespoints title "work done, median", \\
     "{data_path}" using 1:5 with linespoints title "work done, slowest"
'''


def chart(runs, out, title):
	"""clients.png in `out` (gnuplot), or None without gnuplot."""
	data = os.path.join(out, 'clients.dat')
	with open(data, 'w') as f:
		f.write(chart_data(runs))
	script = os.path.join(out, 'clients.gnuplot')
	png = os.path.join(out, 'clients.png')
	with open(script, 'w') as f:
		f.write(chart_script(data, png, title))
	if not shutil.which('gnuplot'):
		log('gnuplot missing (make deps installs gnuplot-nox): '
		    'no clients.png')
		return None
	run_command(['gnuplot', script], capture=True)
	return png
