#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_bench_debian: reading the find boot's console.

import unittest

import cifsroot_bench_debian as bench_debian


def lines(text):
	return [(0.0, line) for line in text.splitlines()]


class FindTest(unittest.TestCase):
	"""The find figure comes from its marks' printk times."""

	def test_result(self):
		console = ('[    4.000000] Run /sbin/init as init process\n'
			   '[    4.500000] bench: mark find-start\r\n'
			   '[   34.750000] bench: mark find-end\n'
			   'bench: find 10234 files\n')
		self.assertEqual(bench_debian.find_result(lines(console)),
				 (30.25, 10234))

	def test_not_yet(self):
		self.assertIsNone(bench_debian.find_result(lines(
			'[    4.500000] bench: mark find-start\n')))

	def test_marks_missing(self):
		self.assertEqual(bench_debian.find_result(lines(
			'bench: find 3 files\n')), (None, 3))

	def test_script(self):
		self.assertIn('find / -xdev -print0 | xargs -0 stat -c . | wc -l',
			      bench_debian.FIND_SCRIPT)
		self.assertTrue(bench_debian.FIND_SCRIPT.startswith('#!/bin/sh\n'))


if __name__ == '__main__':
	unittest.main()
