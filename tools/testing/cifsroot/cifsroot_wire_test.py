#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of cifsroot_wire: the guest program against the host's ends,
# both on this machine's loopback.

import os
import subprocess
import tempfile
import unittest

import cifsroot_wire as wire
from cifsroot_common import HarnessError

MIB = 4


class WireTest(unittest.TestCase):
	"""guest/wire.c against Ends, on 127.0.0.1."""

	@classmethod
	def setUpClass(cls):
		cls.tmp = tempfile.TemporaryDirectory()
		cls.binary = os.path.join(cls.tmp.name, 'wire')
		subprocess.run(['gcc', '-O2', '-Wall', '-Wextra', '-Werror',
				'-o', cls.binary, wire.SOURCE], check=True)

	@classmethod
	def tearDownClass(cls):
		cls.tmp.cleanup()

	def wire(self, *args):
		return subprocess.run([self.binary, *map(str, args)], text=True,
				      capture_output=True, timeout=60)

	def test_both_ways(self):
		with wire.Ends(MIB << 20) as ends:
			out = [self.wire(d, '127.0.0.1', port, MIB)
			       for d, port in (('send', ends.sink_port),
					       ('send', ends.sink_port),
					       ('recv', ends.source_port))]
		self.assertEqual([o.returncode for o in out], [0, 0, 0])
		found = wire.results(''.join(o.stdout for o in out))
		self.assertEqual((len(found['send']), len(found['recv'])), (2, 1))
		self.assertTrue(all(v > 0 for v in found['send']))
		self.assertEqual(ends.received, [MIB << 20] * 2)
		self.assertEqual(ends.sent, [MIB << 20])

	def test_short_transfer_fails(self):
		with wire.Ends(MIB << 20) as ends:
			out = self.wire('recv', '127.0.0.1', ends.source_port,
					MIB * 2)
		self.assertEqual(out.returncode, 1)
		self.assertIn('wire: error: the host closed early', out.stdout)
		with self.assertRaises(HarnessError):
			ends.check(1)

	def test_usage(self):
		self.assertEqual(self.wire('send', '127.0.0.1', 1).returncode, 2)
		self.assertEqual(self.wire('send', 'host', 1, 1).returncode, 2)

	def test_results(self):
		console = ('[ 1.0] x\nwire: send 67108864 bytes in 2.000000 s\r\n'
			   'wire: recv 67108864 bytes in 0.500000 s\n'
			   'wire: error: connect: Connection refused\n')
		self.assertEqual(wire.results(console),
				 {'send': [32.0], 'recv': [128.0]})

	def test_run_script(self):
		script = wire.run_script(1, 2, 64, 3)
		self.assertIn('/bin/wire send 10.0.2.2 1 64 || exit 1', script)
		self.assertIn('/bin/wire recv 10.0.2.2 2 64 || exit 1', script)
		self.assertEqual(script.count('-lt 3 ]'), 2)


if __name__ == '__main__':
	unittest.main()
