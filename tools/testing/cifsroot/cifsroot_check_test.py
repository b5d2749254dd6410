#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the judging code of cifsroot_check.py.

import os
import unittest

import cifsroot_check as check
import cifsroot_gates as gates
import cifsroot_judge as judge
import cifsroot_security as security

KTAP = '''[    1.0] KTAP version 1
[    1.0] 1..2
[    1.0]     KTAP version 1
[    1.0]     # Subtest: other
[    1.0]     ok 1 unrelated
[    1.0] ok 1 other
[    1.1]     KTAP version 1
[    1.1]     # Subtest: cifsroot
[    1.1]     1..2
[    1.1]         KTAP version 1
[    1.1]         # Subtest: cifs_root_test_parse
[    1.1]         ok 1 plain
[    1.1]         not ok 2 bad one
[    1.1]     # cifs_root_test_parse: pass:1 fail:1 skip:0 total:2
[    1.1]     not ok 1 cifs_root_test_parse
[    1.1]     ok 2 cifs_root_test_unc_limit
[    1.1] not ok 2 cifsroot
'''


class ParseKtapTest(unittest.TestCase):
	def strip(self, text):
		return '\n'.join(line.split('] ', 1)[1] for line in
				 text.splitlines())

	def test_leaves_of_the_suite_only(self):
		leaves = judge.parse_ktap(self.strip(KTAP), 'cifsroot')
		self.assertEqual(leaves, [(True, 'plain'), (False, 'bad one'),
					  (True, 'cifs_root_test_unc_limit')])

	def test_printk_timestamps(self):
		leaves = judge.parse_ktap(KTAP, 'cifsroot')
		self.assertEqual(len(leaves), 3)

	def test_missing_suite(self):
		self.assertEqual(judge.parse_ktap(self.strip(KTAP), 'nosuch'), [])


def recorded(name):
	with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
			       'test_data', name)) as f:
		return f.read()


class KunitJudgeTest(unittest.TestCase):
	"""The KUnit judge on a recorded console, and on mutations of it."""

	def setUp(self):
		self.console = recorded('kunit-console.txt')

	def test_recorded_run_passes(self):
		self.assertIn('184 cases passed', check.judge_kunit(self.console))

	def test_plan_adds_up(self):
		self.assertEqual(judge.ktap_plan_errors(self.console, 'cifsroot'),
				 [])

	def test_skip_is_not_a_pass(self):
		console = self.console.replace(
			'ok 12 cifs_root_test_preparse',
			'ok 12 cifs_root_test_preparse # SKIP no server')
		with self.assertRaisesRegex(check.Failed, 'skipped'):
			check.judge_kunit(console)

	def test_missing_case_fails(self):
		console = '\n'.join(line for line in self.console.splitlines()
				    if not line.endswith('ok 5 three digit octets'))
		self.assertTrue(judge.ktap_plan_errors(console, 'cifsroot'))
		with self.assertRaises(check.Failed):
			check.judge_kunit(console)

	def test_short_plan_fails(self):
		console = self.console.replace('    1..12', '    1..13')
		with self.assertRaisesRegex(check.Failed, 'plan 1..13'):
			check.judge_kunit(console)

	def test_declared_counts(self):
		source = """static const struct t cases[] = {
	OK("a", 1),
	BAD("b",
	    2),
	{ .name = "c" },
};
KUNIT_ARRAY_PARAM(x, cases, desc);
static struct kunit_case c[] = {
	KUNIT_CASE_PARAM(test_parse, x_gen_params),
	KUNIT_CASE(test_other),
	{}
};
"""
		self.assertEqual(judge.kunit_declared(source), (2, 3))


class ConsoleProblemsTest(unittest.TestCase):
	def test_reports_are_caught(self):
		for line in ('[ 1.0] INFO: task sh:91 blocked for more than 120 '
			     'seconds.',
			     '[ 1.0] rcu: INFO: rcu_sched self-detected stall on '
			     'CPU',
			     '[ 1.0] Call Trace:',
			     '[ 1.0] watchdog: BUG: soft lockup - CPU#0 stuck',
			     '[ 1.0] WARNING: CPU: 0 PID: 1 at fs/x.c:1'):
			self.assertEqual(judge.console_problems(line), [line])

	def test_clean_console(self):
		console = recorded('kunit-console.txt')
		self.assertEqual(judge.console_problems(console), [])


class PrintedPasswordTest(unittest.TestCase):
	def test_command_line_echo_is_not_ours(self):
		console = ('Kernel command line: cifsroot=//a/b,password=pw\n'
			   'VFS: Unable to mount root fs via cifs on //a/b: error -13\n')
		self.assertEqual(judge.printed_password(console, 'pw'), [])

	def test_other_line_is_caught(self):
		console = 'cifsroot: options password=pw\n'
		self.assertEqual(len(judge.printed_password(console, 'pw')), 1)


class MessagesTest(unittest.TestCase):
	def test_shape_of_code_and_doc_agree(self):
		self.assertEqual(judge.message_shape('x %s: error %d in %zd %u ms'),
				 judge.message_shape('x <a>: error <n> in <b> <c> ms'))

	def test_code_messages(self):
		import tempfile
		with tempfile.NamedTemporaryFile('w', suffix='.c') as f:
			f.write('pr_err("bad %s\\n", x);\n'
				'panic("cifsroot: a "\n      "b %d\\n", 1);\n')
			f.flush()
			self.assertEqual(gates.code_messages(f.name),
					 ['cifsroot: bad %s', 'cifsroot: a b %d'])


class GuestValuesTest(unittest.TestCase):
	def test_values(self):
		out = 'root: //a/b / cifs rw 0 0\nnoise\nowned: 1000:1000\n'
		self.assertEqual(judge.guest_values(out),
				 {'root': '//a/b / cifs rw 0 0',
				  'owned': '1000:1000'})


class SigningTest(unittest.TestCase):
	HEAD = b'\xffSMB' + bytes([0x2e]) + bytes(55)

	def test_tamper_changes_one_bit_of_the_marker(self):
		pdu = self.HEAD + b'..TAMPERME..TAMPERME'
		out = security.tamper_read_response(pdu)
		self.assertEqual(out, self.HEAD + b'..UAMPERME..TAMPERME')

	def test_tamper_leaves_other_pdus(self):
		self.assertIsNone(security.tamper_read_response(self.HEAD + b'data'))
		self.assertIsNone(security.tamper_read_response(
			b'\xffSMB\x25' + bytes(55) + b'TAMPERME'))

	def test_complaints(self):
		console = ('[ 1.0] CIFS: VFS: \\10.0.2.2 SMB signature '
			   'verification returned error = -13\n[ 1.1] fine\n')
		self.assertEqual(len(judge.signing_complaints(console)), 1)


class DebugKernelTest(unittest.TestCase):
	"""The judge of a debug boot, on the head of a recorded console."""

	def setUp(self):
		path = os.path.join(os.path.dirname(__file__), 'test_data',
				    'debug-console-head.txt')
		with open(path) as f:
			self.console = f.read()

	def test_recorded_debug_console(self):
		check.expect_debug_kernel(self.console)

	def test_the_test_kernel_is_not_a_debug_kernel(self):
		console = '\n'.join(line for line in self.console.splitlines()
				    if 'kasan' not in line.lower()
				    and 'Lock dependency' not in line)
		with self.assertRaisesRegex(check.Failed,
					    'not a debug kernel: no KASAN, lockdep'):
			check.expect_debug_kernel(console)

	def test_a_report_fails(self):
		console = self.console + ('[   60.355668] BUG: KASAN: '
					  'use-after-free in __lock_acquire\n')
		with self.assertRaisesRegex(check.Failed, 'debug reports'):
			check.expect_debug_kernel(console)


class SessionSigningTest(unittest.TestCase):
	@staticmethod
	def sample(sid, degree, user='root', dialect='NT1'):
		return {'id': sid, 'username': user, 'dialect': dialect,
			'signing': degree}

	def test_transient_states_settle(self):
		# recorded from smbd 4.17 with server signing = mandatory
		samples = [self.sample('1', 'none', judge.AUTH_IN_PROGRESS),
			   self.sample('1', 'none'), self.sample('1', 'full'),
			   self.sample('2', 'none'),
			   self.sample('3', 'none', dialect='SMB3_11'),
			   self.sample('3', 'none', dialect='SMB3_11')]
		self.assertEqual(judge.session_signing(samples), ({'1': 'full'}, 1))

	def test_unsigned_session_shows(self):
		samples = [self.sample('1', 'full'), self.sample('2', 'none'),
			   self.sample('1', 'full'), self.sample('2', 'none')]
		self.assertEqual(judge.session_signing(samples),
				 ({'1': 'full', '2': 'none'}, 0))

	def test_nothing_authenticated(self):
		samples = [self.sample('1', 'none', judge.AUTH_IN_PROGRESS)] * 3
		self.assertEqual(judge.session_signing(samples), ({}, 0))


class CheckpatchVerdictTest(unittest.TestCase):
	def test_clean(self):
		self.assertIsNone(judge.checkpatch_verdict(
			'total: 0 errors, 0 warnings, 0 checks, 10 lines checked'))

	def test_root_dev_camelcase_tolerated(self):
		self.assertIsNone(judge.checkpatch_verdict(
			'CHECK: Avoid CamelCase: <Root_CIFS>\n'
			'total: 0 errors, 0 warnings, 1 checks, 10 lines checked'))

	def test_camelcase_of_the_base_tolerated(self):
		out = ('CHECK: Avoid CamelCase: <pTcon>\n'
		       'total: 0 errors, 0 warnings, 1 checks, 10 lines checked')
		self.assertIsNotNone(judge.checkpatch_verdict(out))
		self.assertIsNone(judge.checkpatch_verdict(
			out, lambda name: name == 'pTcon'))

	def test_other_check_fails(self):
		self.assertIsNotNone(judge.checkpatch_verdict(
			'CHECK: Alignment should match open parenthesis\n'
			'total: 0 errors, 0 warnings, 1 checks, 10 lines checked'))

	def test_warning_fails(self):
		self.assertIsNotNone(judge.checkpatch_verdict(
			'total: 0 errors, 1 warnings, 0 checks, 10 lines checked'))

	def test_no_summary_fails(self):
		self.assertIsNotNone(judge.checkpatch_verdict('Traceback'))


if __name__ == '__main__':
	unittest.main()
