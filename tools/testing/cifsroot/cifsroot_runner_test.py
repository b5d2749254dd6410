#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_runner.py: results, and re-judging saved logs.

import contextlib
import io
import json
import os
import shutil
import tempfile
import unittest

import cifsroot_runner as runner
import cifsroot_table as table

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')


class ResultTest(unittest.TestCase):
	def test_ktap_of_a_pass_and_a_failure(self):
		ok = runner.Result(1, 'boot: it boots', True, 2.4, 'fine')
		self.assertEqual(ok.ktap(), 'ok 1 - boot: it boots (2s) # fine')
		bad = runner.Result(2, 'x', False, 0.0, 'one\ntwo')
		self.assertEqual(bad.ktap(), 'not ok 2 - x (0s)\n# one\n# two')


class GapTest(unittest.TestCase):
	"""A known gap of SMB3 is TODO while it fails as known, else fails."""

	def setUp(self):
		self.saved = dict(table.GAPS)
		table.GAPS.clear()
		table.GAPS['posix: it'] = table.Gap('stored as a file', 'Samba')
		self.name = table.PREFIX + 'posix: it'

	def tearDown(self):
		table.GAPS.clear()
		table.GAPS.update(self.saved)

	def run_one(self, fn):
		out = io.StringIO()
		with contextlib.redirect_stdout(out):
			status = runner.report([(self.name, fn)])
		return status, out.getvalue()

	def test_known_failure_is_todo(self):
		def fn():
			raise runner.check.Failed('the symlink is stored as a file')
		status, out = self.run_one(fn)
		self.assertEqual(status, 0, out)
		self.assertIn(f'not ok 1 - {self.name} (0s) # TODO Samba', out)
		self.assertIn('# 1 known gaps of SMB3', out)
		self.assertTrue(out.endswith('0 passed, 0 failed\n'), out)

	def test_other_failure_fails(self):
		def fn():
			raise runner.check.Failed('the boot hung')
		status, out = self.run_one(fn)
		self.assertEqual(status, 1)
		self.assertIn('failed otherwise than the known gap', out)
		self.assertIn('0 passed, 1 failed', out)

	def test_a_gap_that_passes_fails(self):
		status, out = self.run_one(lambda: 'fine')
		self.assertEqual(status, 1)
		self.assertIn('a known gap of SMB3 passed', out)

	def test_a_racy_gap_that_passes_stays_todo(self):
		table.GAPS['posix: it'] = table.Gap('lost', 'a race', racy=True)
		status, out = self.run_one(lambda: 'fine')
		self.assertEqual(status, 0)
		self.assertIn('# TODO a race (not seen in this run)', out)

	def test_same_test_on_smb1_is_not_a_gap(self):
		self.assertIsNone(table.gap(table.TABLE_BASE + ': posix: it'))


class ClusterGapTest(unittest.TestCase):
	"""The SMB3 moveip test's recorded failure (test_data/
	cluster-moveip-smb3.txt: a create failed with EBADF) is its known
	gap; a cluster that did not move the address is not."""

	NAME = table.PREFIX + runner.failover.MOVEIP_TEST

	def judge(self, detail):
		return table.judge_gap(table.gap(self.NAME), False, detail)[0]

	def test_recorded_failure_is_todo(self):
		with open(os.path.join(DATA, 'cluster-moveip-smb3.txt')) as f:
			self.assertEqual(self.judge(f.read()), 'todo')

	def test_rename_failure_is_todo(self):
		detail = ("mv: can't rename '/meta/f504': No such file or "
			  'directory\nmeta: rename 504 failed')
		self.assertEqual(self.judge(detail), 'todo')

	def test_no_takeover_fails(self):
		detail = ("10.55.0.22 not on node 0 after 60s: "
			  "{'10.55.0.21': 0, '10.55.0.22': -1}")
		self.assertEqual(self.judge(detail), 'fail')


class TableTest(unittest.TestCase):
	def test_cells(self):
		R = runner.Result
		results = [R(1, '6.12: a', True, 0), R(2, table.PREFIX + 'a', True, 0),
			   R(3, '6.12: b', True, 0),
			   R(4, table.PREFIX + 'b', False, 0, 'x', 'Samba'),
			   R(5, '6.12: c', False, 0)]
		self.assertEqual(table.rows(results, ['a', 'b', 'c']),
				 [('a', 'yes', 'yes'), ('b', 'yes', 'no'),
				  ('c', 'FAILED', 'not run')])
		lines = table.render(results, ['a', 'b', 'c'])
		self.assertIn('# gap: b: Samba', lines)

	def test_no_table_without_smb3(self):
		results = [runner.Result(1, '6.12: a', True, 0)]
		self.assertEqual(table.render(results, ['a']), [])


class JudgeTest(unittest.TestCase):
	def setUp(self):
		self.dir = tempfile.mkdtemp()

	def tearDown(self):
		shutil.rmtree(self.dir)

	def judge(self):
		out = io.StringIO()
		path = os.path.join(self.dir, 'results.json')
		with contextlib.redirect_stdout(out):
			status = runner.judge(self.dir, path)
		with open(path) as f:
			return status, out.getvalue(), json.load(f)

	def test_recorded_console_passes(self):
		shutil.copy(os.path.join(DATA, 'kunit-console.txt'),
			    os.path.join(self.dir, 'boot.log'))
		status, out, results = self.judge()
		self.assertEqual(status, 0, out)
		self.assertEqual([r['ok'] for r in results], [True, True])
		self.assertIn('2 passed, 0 failed', out)

	def test_a_kernel_report_fails_its_log(self):
		with open(os.path.join(DATA, 'kunit-console.txt')) as f:
			text = f.read()
		with open(os.path.join(self.dir, 'boot.log'), 'w') as f:
			f.write(text + '[ 9.0] BUG: kernel NULL pointer dereference\n')
		status, out, results = self.judge()
		self.assertEqual(status, 1)
		self.assertFalse(results[0]['ok'])
		self.assertIn('NULL pointer', results[0]['detail'])


if __name__ == '__main__':
	unittest.main()
