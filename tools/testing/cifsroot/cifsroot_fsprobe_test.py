#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_fsprobe: the names it asks for and how it reads
# the probes' lines, on a recorded console (test_data/).

import os
import unittest

import cifsroot_fsprobe as fsprobe

HERE = os.path.dirname(os.path.abspath(__file__))


def recorded():
	with open(os.path.join(HERE, 'test_data', 'fsprobe-console.txt')) as f:
		return f.read()


class NamesTest(unittest.TestCase):

	def test_valid_names_are_utf8_and_fit(self):
		names = fsprobe.valid_names()
		self.assertEqual(len(names), len(set(names)))
		for name in names:
			name.decode('utf-8')
			self.assertNotIn(b'/', name)
			self.assertNotIn(b'\0', name)
			self.assertNotIn(name, (b'.', b'..'))
			self.assertLessEqual(len(name), fsprobe.NAME_MAX)

	def test_every_byte_utf8_can_hold(self):
		held = set(b''.join(fsprobe.valid_names()))
		never = {0, ord('/'), 0xc0, 0xc1} | set(range(0xf5, 0x100))
		self.assertEqual(held, set(range(0x100)) - never)

	def test_long_names(self):
		lengths = [len(n) for n in fsprobe.valid_names()]
		self.assertIn(fsprobe.NAME_MAX, lengths)

	def test_invalid_names_are_not_utf8(self):
		for name in fsprobe.INVALID_NAMES:
			with self.assertRaises(UnicodeDecodeError):
				name.decode('utf-8')

	def test_chunks_keep_characters_whole(self):
		chars = ['é'] * 200
		names = fsprobe.chunks(chars, limit=255)
		self.assertEqual([len(n) for n in names], [254, 146])
		self.assertEqual(b''.join(names).decode(), ''.join(chars))

	def test_name_list_is_hex(self):
		self.assertEqual(fsprobe.name_list([b':*?', b'\xc3\xa9']),
				 '3a2a3f\nc3a9\n')


class JudgeTest(unittest.TestCase):

	def setUp(self):
		self.probes = fsprobe.probe_lines(recorded())

	def test_probe_lines(self):
		self.assertIn('append-root', self.probes)
		self.assertEqual(len(self.probes['append-root']), 3)
		self.assertNotIn('CIFS', ' '.join(self.probes))

	def test_one_failed_round_fails(self):
		ok, text = fsprobe.verdict(self.probes['append-root'], 'append')
		self.assertFalse(ok)
		self.assertTrue(text.startswith('fail 593 of 2000'))

	def test_all_rounds_ok(self):
		ok, text = fsprobe.verdict(self.probes['rwfappend-root'], 'append')
		self.assertTrue(ok)
		self.assertEqual(text, 'ok 2000')

	def test_missing_verdict(self):
		self.assertEqual(fsprobe.verdict(None, 'append'), (None, None))
		self.assertEqual(fsprobe.verdict(self.probes['xattr'], 'append'),
				 (None, None))

	def test_listed_names(self):
		self.assertEqual(fsprobe.listed(self.probes['lsnames-server']),
				 {b':*?', 'é'.encode()})

	def test_failed_names(self):
		self.assertEqual(fsprobe.failed_names(self.probes['mknames']),
				 {b'\xff': 'EINVAL', b'latin1-caf\xe9': 'EINVAL'})


if __name__ == '__main__':
	unittest.main()
