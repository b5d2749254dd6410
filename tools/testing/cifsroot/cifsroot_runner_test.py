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

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')


class ResultTest(unittest.TestCase):
	def test_ktap_of_a_pass_and_a_failure(self):
		ok = runner.Result(1, 'boot: it boots', True, 2.4, 'fine')
		self.assertEqual(ok.ktap(), 'ok 1 - boot: it boots (2s) # fine')
		bad = runner.Result(2, 'x', False, 0.0, 'one\ntwo')
		self.assertEqual(bad.ktap(), 'not ok 2 - x (0s)\n# one\n# two')


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
