#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the pure parts of cifsroot_bench: summaries and ratios,
# parsing what the guest prints, the markdown table and the chart data.

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_bench as bench  # noqa: E402

CONSOLE = '''[    0.000000] Linux version 6.1.0
[    1.500000] IP-Config: Complete:
[    1.500001]      device=eth0, hwaddr=52:54:00:12:34:56
[    1.750000] VFS: Mounted root (cifs filesystem) on device 0:14.
[    1.800000] Run /sbin/init as init process
cifsroot-init: started
bench: mount //10.0.2.2/root / cifs rw,vers=1.0,username=root,pw=s3cret 0 0
[    2.000000] bench: mark write-start
[    4.000000] bench: mark write-end
[    4.100000] bench: mark read-start
[    4.600000] bench: mark read-end
[    5.000000] bench: mark create-start
[    9.000000] bench: mark create-end
[   10.000000] bench: mark stat-start
[   11.000000] bench: mark stat-end
[   11.000000] bench: mark unlink-start
[   12.000000] bench: mark unlink-end
[   13.000000] bench: mark untar-start
[   16.500000] bench: mark untar-end
bench: done
cifsroot-exit: 0
'''


class Summaries(unittest.TestCase):
	def test_summary(self):
		s = bench.summary([3, 1, None, 2, 10])
		self.assertEqual((s['median'], s['min'], s['max'], s['n']),
				 (2.5, 1, 10, 4))

	def test_summary_odd(self):
		self.assertEqual(bench.summary([5, 1, 3])['median'], 3)

	def test_summary_empty(self):
		s = bench.summary([None, None])
		self.assertEqual((s['median'], s['n']), (None, 0))

	def test_ratio(self):
		self.assertAlmostEqual(bench.ratio(1.5, 3.0), 0.5)
		self.assertIsNone(bench.ratio(None, 3.0))
		self.assertIsNone(bench.ratio(1.0, 0))
		self.assertIsNone(bench.ratio(1.0, None))


class GuestOutput(unittest.TestCase):
	def test_printk_time(self):
		self.assertEqual(bench.printk_time(CONSOLE, 'Mounted root'),
				 1.75)
		self.assertIsNone(bench.printk_time(CONSOLE, 'nowhere'))

	def test_marks(self):
		marks = bench.parse_marks(CONSOLE)
		self.assertEqual(marks['write-start'], 2.0)
		self.assertEqual(marks['untar-end'], 16.5)
		self.assertEqual(bench.phase_seconds(marks, 'read'), 0.5)
		self.assertIsNone(bench.phase_seconds(marks, 'nosuch'))

	def test_marks_first_wins_and_crlf(self):
		text = ('[ 1.0] bench: mark a-start\r\n[ 2.0] bench: mark '
			'a-start\r\n[ 3.5] bench: mark a-end\r\n')
		self.assertEqual(bench.phase_seconds(bench.parse_marks(text),
						     'a'), 2.5)

	def test_workload_figures(self):
		f = bench.workload_figures(CONSOLE)
		self.assertAlmostEqual(f['boot'], 1.8)
		self.assertAlmostEqual(f['mount'], 0.25)
		self.assertAlmostEqual(f['write'], 32.0)
		self.assertAlmostEqual(f['read'], 128.0)
		self.assertAlmostEqual(f['create'], 500.0)
		self.assertAlmostEqual(f['stat'], 2000.0)
		self.assertAlmostEqual(f['unlink'], 2000.0)
		self.assertAlmostEqual(f['metadata'], 1000.0)
		self.assertAlmostEqual(f['untar'], 3.5)

	def test_workload_figures_unfinished(self):
		cut = CONSOLE[:CONSOLE.index('[    4.000000]')]
		f = bench.workload_figures(cut)
		self.assertIsNone(f['write'])
		self.assertIsNone(f['metadata'])
		self.assertAlmostEqual(f['boot'], 1.8)

	def test_mount_options(self):
		line = bench.mount_line(CONSOLE)
		self.assertTrue(line.startswith('//10.0.2.2/root / cifs'))
		self.assertEqual(bench.mount_options(line, ['s3cret']),
				 'rw,vers=1.0,username=root,pw=***')
		self.assertIsNone(bench.mount_options(None))

	def test_panic_line(self):
		text = ('[   95.123456] Kernel panic - not syncing: No working '
			'init found.  Try passing init= option to kernel.\n')
		at, msg = bench.panic_line(text)
		self.assertEqual(at, 95.123456)
		self.assertTrue(msg.startswith('No working init found'))
		self.assertEqual(bench.panic_line(CONSOLE), (None, None))

	def test_errors(self):
		self.assertEqual(bench.guest_errors(CONSOLE), [])
		self.assertEqual(bench.guest_errors('bench: error: f1 missing\n'),
				 ['bench: error: f1 missing'])

	def test_host_marks(self):
		lines = [(100.0, '[    2.0] bench: mark write-start'),
			 (101.6, '[    4.0] bench: mark write-end')]
		f = bench.phase_figures(bench.marks_of(lines))
		self.assertAlmostEqual(f['write'], 40.0)
		self.assertIsNone(f['untar'])

	def test_host_figures(self):
		lines = [(10.0, '[    0.0] Linux version 6.1'),
			 (12.0, '[    1.5] IP-Config: Complete:'),
			 (12.5, '[    1.9] VFS: Mounted root (cifs filesystem)'),
			 (13.0, '[    2.1] Run /sbin/init as init process'),
			 (14.0, '[    3.0] bench: mark untar-start'),
			 (16.0, '[    4.0] bench: mark untar-end')]
		f = bench.host_figures(lines)
		self.assertEqual((f['boot'], f['mount'], f['untar']),
				 (3.0, 0.5, 2.0))
		self.assertIsNone(bench.host_figures(lines[1:])['boot'])

	def test_guest_clock(self):
		text = ('[    0.040000] tsc: Marking TSC unstable due to could '
			'not calculate TSC khz\n[    0.424000] clocksource: '
			'Switched to clocksource refined-jiffies\n')
		self.assertEqual(bench.guest_clock(text),
				 {'clocksource': 'refined-jiffies',
				  'tsc_unstable': True})
		self.assertEqual(bench.guest_clock(CONSOLE),
				 {'clocksource': None, 'tsc_unstable': False})

	def test_clock_counts(self):
		tsc = {'clocksource': 'tsc', 'tsc_unstable': False}
		jif = {'clocksource': 'refined-jiffies', 'tsc_unstable': True}
		self.assertEqual(bench.clock_counts([{'clock': tsc},
						     {'clock': jif},
						     {'clock': tsc}, {}]),
				 'refined-jiffies (TSC unstable): 1, tsc: 2, '
				 'unknown: 1')

	def test_host_gap(self):
		lines = [(10.0, 'a'), (12.5, 'VFS: Mounted root (cifs)')]
		self.assertAlmostEqual(bench.host_gap(lines, 'Mounted root',
						      12.0), 0.5)
		self.assertIsNone(bench.host_gap(lines, 'nowhere', 0))


def samples(ref, ours, key='boot'):
	return {'reference': [{key: v} for v in ref],
		'ours': [{key: v} for v in ours]}


class Figures(unittest.TestCase):
	def test_entry_and_lower_target(self):
		e = bench.figure_entry('boot', samples([4, 2, 3], [1, 2, 1.5]))
		self.assertEqual(e['reference']['median'], 3)
		self.assertAlmostEqual(e['ratio'], 0.5)
		self.assertEqual((e['target'], e['met']), ('ratio <= 1.00', True))

	def test_higher_target(self):
		e = bench.figure_entry('write', samples([30, 32], [20, 22],
							'write'))
		self.assertAlmostEqual(e['ratio'], 21 / 31)
		self.assertFalse(e['met'])

	def test_absolute_target(self):
		e = bench.figure_entry('panic', samples([95], [0.9], 'panic'))
		self.assertTrue(e['met'])
		e = bench.figure_entry('late', samples([6], [None], 'late'))
		self.assertIsNone(e['met'])

	def test_markdown_table(self):
		figs = [bench.figure_entry('boot', samples([4, 2, 3], [1, 2])),
			bench.figure_entry('write', samples([150.5], [None],
							    'write'))]
		table = bench.markdown_table(figs).splitlines()
		self.assertEqual(len(table), 4)
		self.assertTrue(table[0].startswith('| figure | unit |'))
		self.assertEqual(table[2], '| boot to /sbin/init | s | '
				 '3.00 (2.00–4.00) | 1.50 (1.00–2.00) | 0.50 | '
				 'lower | ratio <= 1.00: met |')
		self.assertIn('| 150 (150–150) | - | - |', table[3])
		self.assertIn('ratio >= 1.00: ? |', table[3])

	def test_gnuplot_data(self):
		figs = [bench.figure_entry('boot', samples([2], [1])),
			bench.figure_entry('read', samples([2], [None], 'read')),
			bench.figure_entry('untar', samples([2], [3], 'untar'))]
		self.assertEqual(bench.gnuplot_data(figs),
				 '0 "boot (lower better)" 0.5000\n'
				 '2 "untar (lower better)" 1.5000\n')

	def test_host_part(self):
		s = {'reference': [{'write': 1, 'host': {'write': 10}}],
		     'ours': [{'write': 2, 'host': {'write': 30}}, {'write': 3}]}
		e = bench.figure_entry('write', s, 'host')
		self.assertEqual(e['ours']['values'], [30, None])
		self.assertAlmostEqual(e['ratio'], 3.0)

	def test_fmt(self):
		self.assertEqual(bench.fmt(None), '-')
		self.assertEqual(bench.fmt(1234.5), '1234')
		self.assertEqual(bench.fmt(0.123), '0.12')


class Seal(unittest.TestCase):
	SAMPLES = {'smb3': [{'write': 40.0}, {'write': 44.0}, {'write': 42.0}],
		   'smb3-seal': [{'write': 21.0}, {'write': None},
				 {'write': 20.0}]}

	def test_entry(self):
		e = bench.seal_entry('write', self.SAMPLES)
		self.assertEqual(e['smb3']['median'], 42.0)
		self.assertEqual((e['smb3-seal']['median'], e['smb3-seal']['n']),
				 (20.5, 2))
		self.assertAlmostEqual(e['ratio'], 20.5 / 42.0)

	def test_table(self):
		rows = bench.seal_table([bench.seal_entry(
			'write', self.SAMPLES)]).splitlines()
		self.assertEqual(len(rows), 3)
		self.assertEqual(rows[2], '| sequential write 64 MiB, fsync | '
				 'MiB/s | 42.00 (40.00–44.00) | '
				 '20.50 (20.00–21.00) | 0.49 | higher |')


class Nfs(unittest.TestCase):
	SMB = [{'write': 30.0}, {'write': 34.0}]
	SAMPLES = {'nfs': [{'write': 8.0}, {'write': 10.0}, {'write': 9.0}],
		   'nfs-1m': [{'write': 40.0}, {'write': None},
			      {'write': 36.0}]}

	def test_entry(self):
		e = bench.nfs_entry('write', self.SAMPLES, self.SMB)
		self.assertEqual((e['smb']['median'], e['smb']['n']), (32.0, 2))
		self.assertEqual(e['nfs']['median'], 9.0)
		self.assertEqual((e['nfs-1m']['median'], e['nfs-1m']['n']),
				 (38.0, 2))
		self.assertAlmostEqual(e['ratio'], 32.0 / 38.0)

	def test_entry_without_pairs(self):
		e = bench.nfs_entry('write', self.SAMPLES, [])
		self.assertIsNone(e['ratio'])

	def test_table(self):
		rows = bench.nfs_table([bench.nfs_entry(
			'write', self.SAMPLES, self.SMB)]).splitlines()
		self.assertEqual(len(rows), 3)
		self.assertEqual(rows[2], '| sequential write 64 MiB, fsync | '
				 'MiB/s | 32.00 (30.00–34.00) | '
				 '9.00 (8.00–10.00) | 38.00 (36.00–40.00) | '
				 '0.84 | higher |')

	# the options field of a recorded /proc/mounts line (2026-11-26)
	V41 = ('rw,relatime,vers=4.1,rsize=4096,wsize=4096,namlen=255,hard,'
	       'proto=tcp,port=35887,timeo=600,retrans=2,sec=sys,'
	       'clientaddr=10.0.2.15,local_lock=none,addr=10.0.2.2')

	def test_nfs4_mounted(self):
		self.assertTrue(bench.nfs4_mounted({self.V41}))
		self.assertFalse(bench.nfs4_mounted(
			{self.V41, self.V41.replace('vers=4.1', 'vers=3')}))
		self.assertFalse(bench.nfs4_mounted({None}))
		self.assertFalse(bench.nfs4_mounted(set()))


def wire_summary(values):
	return dict(bench.summary(values), values=values)


class Wire(unittest.TestCase):
	WIRE = {'e1000': {'send': wire_summary([20.0, 22.0, 21.0]),
			  'recv': wire_summary([60.0])},
		'virtio-net-pci': {'send': wire_summary([100.0]),
				   'recv': wire_summary([200.0])}}
	SAMPLES = {'e1000': [{'write': 10.5, 'read': 30.0}],
		   'virtio-net-pci': [{'write': 85.0, 'read': 100.0},
				      {'write': 79.0, 'read': 120.0}]}

	def test_rows(self):
		rows = bench.wire_rows(self.WIRE, self.SAMPLES)
		self.assertEqual([(r['nic'], r['key'], r['way']) for r in rows],
				 [('e1000', 'write', 'send'),
				  ('e1000', 'read', 'recv'),
				  ('virtio-net-pci', 'write', 'send'),
				  ('virtio-net-pci', 'read', 'recv')])
		self.assertEqual([r['share'] for r in rows],
				 [0.5, 0.5, 0.82, 0.55])
		self.assertEqual([r['goal'] for r in rows],
				 [None, None, True, False])

	def test_rows_without_virtio_boots(self):
		rows = bench.wire_rows(self.WIRE, {'e1000': []})
		self.assertEqual([r['share'] for r in rows], [None] * 4)
		self.assertEqual([r['goal'] for r in rows], [None] * 4)

	def test_table(self):
		rows = bench.wire_table(bench.wire_rows(
			self.WIRE, self.SAMPLES)).splitlines()
		self.assertEqual(len(rows), 6)
		self.assertEqual(rows[4], '| virtio-net-pci | write (guest to '
				 'host) | 100 (100–100) | 82.00 (79.00–85.00) | '
				 '0.82 | >= 0.80: met |')

	def test_goals(self):
		results = {'nfs': {'figures': [
			bench.nfs_entry('write', Nfs.SAMPLES, Nfs.SMB),
			bench.nfs_entry('untar', {'nfs': [{'untar': 2.0}],
						  'nfs-1m': [{'untar': 1.5}]},
					[{'untar': 1.4}]),
			bench.nfs_entry('read', {}, [])]},
			'wire_rows': bench.wire_rows(self.WIRE, self.SAMPLES)}
		found = bench.goals(results)
		self.assertEqual([(g, met) for g, met, _ in found], [
			('write: at or better than NFS root', False),
			('untar: at or better than NFS root', True),
			('read: at or better than NFS root', None),
			('write on virtio-net-pci: 80% of the wire', True),
			('read on virtio-net-pci: 80% of the wire', False)])
		self.assertEqual(found[0][2], 'ours 32.00, NFS 38.00 MiB/s')
		table = bench.goals_report(found)
		self.assertIn('| read on virtio-net-pci: 80% of the wire | '
			      'MISSED | 0.55 of the wire |', table)


class Debian(unittest.TestCase):
	def test_report(self):
		results = {'find': {'smb': dict(bench.summary([30.0, 32.0]),
						 values=[30.0, 32.0],
						 files=[10234, 10234]),
				    'nfs': dict(bench.summary([None]),
						values=[None], files=[None])},
			   'debian': bench.summary([29.0, 31.0]),
			   'debian_nfs': bench.summary([40.0])}
		rows = bench.debian_report(results).splitlines()
		self.assertIn('| smb | ours | 31.00 (30.00–32.00) | 10234 | '
			      '30.00 (29.00–31.00) |', rows)
		self.assertIn('| older-smb | reference | - | - | - |', rows)
		self.assertIn('| nfs | ours | - | - | 40.00 (40.00–40.00) |',
			      rows)


class Results(unittest.TestCase):
	def test_results_are_json(self):
		"""results.json takes everything results_of() returns."""
		build = {'commit': 'c' * 40, 'seconds': 1.0, 'ccache_hits': 1,
			 'ccache_misses': 0}
		info = {'mount_options': {'rw'}, 'panic_messages': {'p'}}
		results = bench.results_of(
			{'ours': build, 'reference': build}, True,
			samples([2], [1]), {'ours': info, 'reference': info}, 1,
			('QEMU emulator version 7.2.19', 'Version 4.17.12-Debian'))
		text = json.dumps(results)
		self.assertIn('"qemu": "QEMU emulator version 7.2.19"', text)
		self.assertIn('"samba": "Version 4.17.12-Debian"', text)


if __name__ == '__main__':
	unittest.main()
