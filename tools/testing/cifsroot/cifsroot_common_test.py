#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_common.py.

import os
import unittest

from cifsroot_common import HarnessError, once, run

HERE = os.path.dirname(os.path.abspath(__file__))


class OnceTest(unittest.TestCase):
	def test_result_is_kept(self):
		calls = []

		@once
		def fixture():
			calls.append(1)
			return 'built'
		self.assertEqual(fixture(), 'built')
		self.assertEqual(fixture(), 'built')
		self.assertEqual(len(calls), 1)

	def test_failure_is_replayed_not_retried(self):
		calls = []

		@once
		def fixture():
			calls.append(1)
			raise HarnessError('smbd did not start')
		for _ in range(3):
			with self.assertRaisesRegex(HarnessError, 'did not start'):
				fixture()
		self.assertEqual(len(calls), 1)

	def test_once_per_base(self):
		from cifsroot_common import BASES, base, using_base
		calls = []

		@once
		def fixture():
			calls.append(base())
			return 'kernel of ' + base()
		self.assertEqual(fixture(), 'kernel of ' + BASES[0])
		with using_base(BASES[1]):
			self.assertEqual(fixture(), 'kernel of ' + BASES[1])
			self.assertEqual(fixture(), 'kernel of ' + BASES[1])
		self.assertEqual(fixture(), 'kernel of ' + BASES[0])
		self.assertEqual(calls, list(BASES[:2]))


	def test_once_per_protocol_and_kernel_per_base(self):
		from cifsroot_common import (PROTOCOLS, once_per_base,
					     protocol, using_protocol)
		boots, kernels = [], []

		@once
		def boot():
			boots.append(protocol())

		@once_per_base
		def kernel():
			kernels.append(protocol())
		for name in PROTOCOLS + PROTOCOLS:
			with using_protocol(name):
				boot()
				kernel()
		self.assertEqual(boots, list(PROTOCOLS))
		self.assertEqual(kernels, [PROTOCOLS[0]])


class BaseTest(unittest.TestCase):
	def test_out_dir_of_another_protocol(self):
		from cifsroot_common import (BASES, PROTOCOLS, REPO, out_dir,
					     using_base, using_protocol)
		with using_base(BASES[1]), using_protocol(PROTOCOLS[1]):
			self.assertEqual(out_dir('check'), os.path.join(
				REPO, 'out', BASES[1], PROTOCOLS[1], 'check'))

	def test_unknown_protocol(self):
		from cifsroot_common import using_protocol
		with self.assertRaisesRegex(HarnessError, 'PROTOCOL=smb9'):
			with using_protocol('smb9'):
				pass

	def test_out_dir_of_another_base(self):
		from cifsroot_common import BASES, REPO, out_dir, using_base
		self.assertEqual(out_dir('check'),
				 os.path.join(REPO, 'out', 'check'))
		with using_base(BASES[1]):
			self.assertEqual(out_dir('check'), os.path.join(
				REPO, 'out', BASES[1], 'check'))

	def test_unknown_base(self):
		from cifsroot_common import using_base
		with self.assertRaisesRegex(HarnessError, 'the bases are'):
			with using_base('2.4'):
				pass


class MissingProgramTest(unittest.TestCase):
	def test_names_the_package(self):
		with self.assertRaisesRegex(HarnessError,
					    'smbd-nope is not installed'):
			run(['smbd-nope', '--version'])

	def test_known_program(self):
		from cifsroot_common import missing_program
		self.assertIn('Debian package samba',
			      str(missing_program(['/usr/sbin/smbd'])))


class CacheLockTest(unittest.TestCase):
	def test_second_run_waits(self):
		import os
		import subprocess
		import sys
		import tempfile
		import time
		from cifsroot_common import cache_lock
		with tempfile.TemporaryDirectory() as d:
			env = dict(os.environ, CIFSROOT_CACHE=d)
			os.environ['CIFSROOT_CACHE'] = d
			try:
				with cache_lock():
					child = subprocess.Popen(
						[sys.executable, '-c',
						 'from cifsroot_common import cache_lock\n'
						 'with cache_lock(): print("got it")'],
						env=env, cwd=HERE,
						stdout=subprocess.PIPE,
						stderr=subprocess.PIPE, text=True)
					time.sleep(0.5)
					self.assertIsNone(child.poll())
				out, err = child.communicate(timeout=10)
			finally:
				del os.environ['CIFSROOT_CACHE']
		self.assertTrue(out.endswith('got it\n'), out)
		self.assertIn('waiting for the cache, held by pid', err + out)


def import_graph(directory):
	"""{module: modules of the harness it imports}, at any depth."""
	import glob
	import os
	import re
	graph = {}
	for path in glob.glob(os.path.join(directory, 'cifsroot*.py')):
		with open(path) as f:
			src = f.read()
		found = re.findall(r'^\s*(?:import (cifsroot_\w+)|'
				   r'from (cifsroot_\w+) import)', src, re.M)
		graph[os.path.basename(path)[:-3]] = {a or b for a, b in found}
	return graph


def cycle_of(graph):
	"""One import cycle of `graph` as a list of modules, or None."""
	def visit(node, path):
		for dep in sorted(graph.get(node, ())):
			if dep in path:
				return path[path.index(dep):] + [dep]
			found = visit(dep, path + [dep])
			if found:
				return found
		return None
	for node in sorted(graph):
		found = visit(node, [node])
		if found:
			return found
	return None


class ImportGraphTest(unittest.TestCase):
	def test_no_cycle(self):
		import os
		graph = import_graph(os.path.dirname(os.path.abspath(__file__)))
		self.assertIn('cifsroot_runner', graph)
		self.assertIsNone(cycle_of(graph))

	def test_a_cycle_is_found(self):
		graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}
		self.assertEqual(cycle_of(graph), ['a', 'b', 'c', 'a'])


class BuiltRecordTest(unittest.TestCase):
	def test_a_commit_is_known_only_with_its_configuration(self):
		import os
		import tempfile
		import cifsroot_kernel as kernel
		with tempfile.TemporaryDirectory() as d:
			record = os.path.join(d, 'built-commits')
			self.assertFalse(kernel.built_before(record, 'c1', 'k1'))
			kernel.note_built(record, 'c1', 'k1')
			self.assertTrue(kernel.built_before(record, 'c1', 'k1'))
			self.assertFalse(kernel.built_before(record, 'c1', 'k2'))
			self.assertFalse(kernel.built_before(record, 'c2', 'k1'))


if __name__ == '__main__':
	unittest.main()
