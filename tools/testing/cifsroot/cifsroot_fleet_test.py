#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_fleet: the figures of the many-clients run, and
# its sampler on a real process group of this machine.

import subprocess
import sys
import unittest

import cifsroot_fleet as fleet
from cifsroot_common import HarnessError


def lines(*pairs):
	return [(at, text) for at, text in pairs]


class FiguresTest(unittest.TestCase):
	"""A client's figures come from its console's host times."""

	def test_client(self):
		console = lines((10.5, '[ 0.1] Linux version 6.1'),
				(13.0, '[ 2.0] Run /sbin/init as init process'),
				(14.0, '[ 3.0] bench: mark work-start'),
				(20.0, '[ 9.0] bench: mark work-end'),
				(20.5, 'bench: done'))
		self.assertEqual(fleet.client_figures(console, 10.0),
				 {'init': 3.0, 'work': 6.0, 'done': 10.5})

	def test_unfinished(self):
		console = lines((13.0, 'Run /sbin/init as init process'),
				(14.0, 'bench: mark work-start'))
		self.assertEqual(fleet.client_figures(console, 10.0),
				 {'init': 3.0, 'work': None, 'done': None})

	def run_of(self, clients, done):
		return {'clients': clients,
			'per_client': [{'done': d} for d in done]}

	def test_knee(self):
		runs = [self.run_of(1, [10]), self.run_of(2, [11, 12]),
			self.run_of(4, [16, 17, 30, 18])]
		self.assertEqual(fleet.knee(runs), 4)
		self.assertIsNone(fleet.knee(runs[:2]))
		self.assertIsNone(fleet.knee([self.run_of(1, [None])]))

	def test_addresses(self):
		self.assertEqual((fleet.subnet(0), fleet.guest_addr(7),
				  fleet.host_addr(7)),
				 ('10.0.10.0/24', '10.0.17.15', '10.0.17.2'))

	def test_counts(self):
		self.assertEqual(fleet.check_counts([8, 1, 2, 2]), [1, 2, 8])
		for bad in ([], [0], [9]):
			with self.assertRaises(HarnessError):
				fleet.check_counts(bad)


def fleet_run(clients, init, done, busy=0.99, cpu=2.0):
	return {'clients': clients, 'wall_s': max(d or 0 for d in done),
		'per_client': [{'init': i, 'work': 1.0, 'done': d}
			       for i, d in zip(init, done)],
		'memory_mib': fleet.MEMORY, 'smbd_cpu_s': cpu,
		'smbd_cpu_s_per_client': cpu / clients, 'smbd_mem_mib': 8.0,
		'smbd_mem_mib_per_client': 8.0 / clients, 'smbd_idle_mib': 40.0,
		'host_busy': busy}


class ReportTest(unittest.TestCase):
	"""The many-clients table, its knee and its chart data."""

	RUNS = [fleet_run(1, [3.0], [10.0], busy=0.5),
		fleet_run(2, [3.0, 4.0], [11.0, 13.0]),
		fleet_run(4, [6.0, 7.0, 8.0, None], [20.0, 22.0, 24.0, None],
			  cpu=4.0)]

	def test_table(self):
		rows = fleet.table(self.RUNS).splitlines()
		self.assertEqual(len(rows), 5)
		self.assertEqual(rows[4], '| 4 | 3 | 7.0 (6.0–8.0) | '
				 '1.0 (1.0–1.0) | 22.0 (20.0–24.0) | 1.00 | '
				 '2.0 (40) | 99% |')

	def test_report_names_the_knee(self):
		text = fleet.report(self.RUNS, 2)
		self.assertIn('Knee at 4 clients: the median time to done '
			      'reached 1.5 times that of the fewest; the '
			      "host's 2 CPUs were 99% busy and smbd used 8% "
			      'of them.', text)
		self.assertIn('No knee', fleet.report(self.RUNS[:2], 2))

	def test_chart_data(self):
		self.assertEqual(fleet.chart_data(self.RUNS).splitlines(),
				 ['1 3.00 3.00 10.00 10.00',
				  '2 3.50 4.00 12.00 13.00',
				  '4 7.00 8.00 22.00 24.00'])


# A group leader whose child spends 1.5 s of CPU and exits, as smbd's
# children do when their client leaves
SPIN = """import os, sys, time
time.sleep(0.3)
pid = os.fork()
if pid == 0:
	t = time.process_time()
	while time.process_time() - t < 1.5:
		pass
	os._exit(0)
os.waitpid(pid, 0)
print('spun', flush=True)
time.sleep(30)
"""


class SamplerTest(unittest.TestCase):
	"""The sampler counts the CPU of a process group that exits."""

	def test_cpu_of_a_busy_group(self):
		leader = subprocess.Popen(
			[sys.executable, '-c', SPIN], start_new_session=True,
			stdout=subprocess.PIPE, text=True)
		try:
			with fleet.Sampler(leader.pid) as sampler:
				self.assertEqual(leader.stdout.readline(),
						 'spun\n')
			got = sampler.figures(2)
		finally:
			leader.kill()
			leader.wait()
			leader.stdout.close()
		self.assertGreater(got['smbd_cpu_s'], 0.9)
		self.assertLess(got['smbd_cpu_s'], 5)
		self.assertAlmostEqual(got['smbd_cpu_s_per_client'],
				       got['smbd_cpu_s'] / 2)
		self.assertGreater(got['smbd_idle_mib'], 1)
		self.assertTrue(0 < got['host_busy'] <= 1)


if __name__ == '__main__':
	unittest.main()
