#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the pure logic of the Debian boot tests: the check script's
# report on the console, the time to multi-user.target, the judging of
# failed units and of the appenders' log, the tree's recipe and the
# repository's Release file.

import hashlib
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_debian as debian  # noqa: E402
import cifsroot_qemu as qemu  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test_data')


def recorded_console():
	"""A recorded console of a Debian boot (phase 1, shortened), as the
	harness reads it: the kernel without ACPI halts at the poweroff, the
	append log lost lines and apt-get install met a short read of dpkg's
	status file."""
	with open(os.path.join(DATA, 'debian-console.txt'), 'rb') as f:
		return qemu.console_text(f.read())


def stamped(console, t0=100.0, step=0.5):
	"""Console lines stamped as a Boot does, one every `step` seconds."""
	return [(t0 + i * step, line)
		for i, line in enumerate(console.splitlines())]


class ReportValuesTest(unittest.TestCase):
	def test_recorded_console(self):
		values = debian.report_values(recorded_console(), 1)
		self.assertEqual(values['begin'], '1')
		self.assertEqual(values['end'], '1')
		self.assertEqual(values['state'], 'degraded')
		self.assertEqual(values['failed'],
				 'e2scrub_reap.service systemd-sysctl.service')
		self.assertEqual(values['pid1'], '/usr/lib/systemd/systemd')
		self.assertEqual(values['useradd'], '0')	# after the prompt
		self.assertEqual(values['owner'], '1000:1000 1000:1000 1000:1000')
		self.assertEqual(debian.status_value(values['apt-install'])[0],
				 100)
		self.assertEqual(len(values), 26)

	def test_recorded_state(self):
		values = debian.report_values(recorded_console(), 1)
		self.assertIn('not allowed to fail: e2scrub_reap.service '
			      'systemd-sysctl.service',
			      debian.state_problem(values, {}))
		self.assertIsNone(debian.state_problem(
			values, dict.fromkeys(values['failed'].split(), 'why')))

	def test_recorded_poweroff(self):
		self.assertTrue(debian.powered_down(recorded_console()))
		self.assertFalse(debian.powered_down(
			recorded_console().replace('reboot:', '')))

	def test_poweroff_of_6_12(self):
		# as 6.12 ends a poweroff without ACPI (recorded 2026-11-26)
		self.assertTrue(debian.powered_down(
			'[   68.544250] reboot: Power off not available: System '
			'halted instead\n'))

	def test_after_a_login_prompt(self):
		console = ('cifsroot-check begin: 1\n'
			   'cifsroot-debian login: cifsroot-check state: '
			   'running\n'
			   'cifsroot-check end: 1\n')
		self.assertEqual(debian.report_values(console, 1)['state'],
				 'running')

	def test_colour_and_noise(self):
		console = ('\x1b[0;32mcifsroot-check begin: 2\x1b[0m\r\n'
			   '[   12.5] eth0: link up\n'
			   '[\x1b[0;32m  OK  \x1b[0m] Started x.service\n'
			   'cifsroot-check boots: 2\r\n')
		values = debian.report_values(console, 2)
		self.assertEqual(values, {'begin': '2', 'boots': '2'})

	def test_other_phase_is_ignored(self):
		console = ('cifsroot-check begin: 1\ncifsroot-check x: 1\n'
			   'cifsroot-check end: 1\n')
		self.assertEqual(debian.report_values(console, 2), {})

	def test_empty_value(self):
		console = 'cifsroot-check begin: 1\ncifsroot-check failed: \n'
		self.assertEqual(debian.report_values(console, 1)['failed'], '')

	def test_first_value_wins(self):
		console = ('cifsroot-check begin: 1\ncifsroot-check x: a\n'
			   'cifsroot-check x: b\n')
		self.assertEqual(debian.report_values(console, 1)['x'], 'a')


class StatusValueTest(unittest.TestCase):
	def test_status_and_output(self):
		self.assertEqual(debian.status_value('0 '), (0, ''))
		self.assertEqual(debian.status_value('100 E: no such package'),
				 (100, 'E: no such package'))

	def test_no_status(self):
		self.assertEqual(debian.status_value('oops'), (None, 'oops'))
		self.assertEqual(debian.status_value(None), (None, ''))


class TimeToTargetTest(unittest.TestCase):
	def test_recorded_console(self):
		lines = stamped(recorded_console())
		index = next(i for i, (_, text) in enumerate(lines)
			     if 'Multi-User System' in text)
		self.assertAlmostEqual(debian.time_to_target(lines, 99.0),
				       1.0 + index * 0.5)

	def test_colour_escapes(self):
		lines = [(5.0, '[\x1b[0;32m  OK  \x1b[0m] Reached target '
			  '\x1b[0;1;39mmulti-user.target\x1b[0m - '
			  'Multi-User System.')]
		self.assertEqual(debian.time_to_target(lines, 1.0), 4.0)

	def test_never_reached(self):
		lines = [(5.0, '[  OK  ] Reached target basic.target - '
			  'Basic System.')]
		self.assertIsNone(debian.time_to_target(lines, 1.0))


class StateProblemTest(unittest.TestCase):
	def test_running(self):
		self.assertIsNone(debian.state_problem(
			{'state': 'running', 'failed': ''}, {}))

	def test_degraded_with_allowed_units(self):
		allowed = {'a.service': 'why', 'b.mount': 'why'}
		self.assertIsNone(debian.state_problem(
			{'state': 'degraded', 'failed': 'a.service b.mount'},
			allowed))

	def test_degraded_with_another_unit(self):
		why = debian.state_problem(
			{'state': 'degraded', 'failed': 'a.service c.service'},
			{'a.service': 'why'})
		self.assertIn('not allowed to fail: c.service', why)

	def test_degraded_without_failed_units(self):
		self.assertIsNotNone(debian.state_problem(
			{'state': 'degraded', 'failed': ''}, {}))

	def test_starting(self):
		self.assertIn('"starting"', debian.state_problem(
			{'state': 'starting', 'failed': ''}, {}))

	def test_no_report(self):
		self.assertIsNotNone(debian.state_problem({}, {}))

	def test_allow_list_has_reasons(self):
		for unit, why in debian.ALLOWED_FAILURES.items():
			self.assertRegex(unit, r'^[\w@.\\-]+\.[a-z]+$')
			self.assertTrue(why.strip(), unit)


def append_log(lines):
	"""An appenders' log holding `lines`, (writer, number) each."""
	return ''.join(f'{w} {n:04d} {debian.APPEND_PAD}\n' for w, n in lines)


class AppendProblemsTest(unittest.TestCase):
	def whole(self):
		return [(w, n) for n in range(1, 1001) for w in 'ab']

	def test_interleaved_whole_log(self):
		self.assertEqual(debian.append_problems(append_log(self.whole())),
				 [])

	def test_lost_line(self):
		lines = self.whole()
		del lines[7]
		self.assertEqual(debian.append_problems(append_log(lines)),
				 ['writer b: 999 lines, 1 missing, 0 repeated'])

	def test_overwritten_line(self):
		text = append_log(self.whole())
		line = len(f'a 0001 {debian.APPEND_PAD}\n')
		torn = text[:line * 3 + 10] + text[line * 4 + 20:]
		problems = debian.append_problems(torn)
		self.assertIn('1 torn lines (line 4 first)', problems)

	def test_zeros_from_a_hole(self):
		text = append_log(self.whole())
		line = len(f'a 0001 {debian.APPEND_PAD}\n')
		holed = text[:line] + '\0' * line + text[line * 2:]
		self.assertIn('1 torn lines (line 2 first)',
			      debian.append_problems(holed))

	def test_out_of_order(self):
		lines = self.whole()
		lines[0], lines[2] = lines[2], lines[0]
		self.assertEqual(debian.append_problems(append_log(lines)),
				 ['writer a: 1000 lines, 0 missing, 0 repeated, '
				  'out of order'])

	def test_no_final_newline(self):
		self.assertIn('the log does not end with a newline',
			      debian.append_problems(
				      append_log(self.whole())[:-1]))

	def test_empty(self):
		self.assertEqual(len(debian.append_problems('')), 2)


class RecipeTest(unittest.TestCase):
	def test_key_follows_every_part(self):
		base = dict(suite='bookworm', mirror='http://m/debian',
			    packages=('a', 'b'), tweak='x\n')
		key = debian.recipe_key(debian.recipe_text(**base))
		for part, other in (('suite', 'trixie'), ('mirror', 'http://n'),
				    ('packages', ('a',)), ('tweak', 'y\n')):
			changed = dict(base, **{part: other})
			self.assertNotEqual(
				debian.recipe_key(debian.recipe_text(**changed)),
				key, part)
		self.assertEqual(debian.recipe_key(debian.recipe_text(**base)),
				 key)
		self.assertRegex(key, r'^[0-9a-f]{16}$')

	def test_command_in_recipe(self):
		text = debian.recipe_text(packages=('systemd-sysv', 'dbus'),
					  tweak='')
		self.assertIn('debootstrap --variant=minbase '
			      '--include=systemd-sysv,dbus bookworm', text)


class ReleaseTest(unittest.TestCase):
	def test_hashes(self):
		data = b'Package: x\n'
		text = debian.release_text({'Packages': data},
					   date='Thu, 01 Jan 2026 00:00:00 GMT')
		self.assertIn('Date: Thu, 01 Jan 2026 00:00:00 GMT\n', text)
		self.assertTrue(text.endswith(
			f'SHA256:\n {hashlib.sha256(data).hexdigest()} '
			f'{len(data)} Packages\n'))

	def test_fetched(self):
		requests = [('/./Release', 200), ('/./x_1.0_all.deb', 404),
			    ('/./y_1.0_all.deb', 200)]
		self.assertFalse(debian.fetched(requests, 'x_1.0_all.deb'))
		self.assertTrue(debian.fetched(requests, 'y_1.0_all.deb'))


class MemoryTest(unittest.TestCase):
	def memory(self, cmd):
		return cmd[cmd.index('-m') + 1]

	def test_debian_boots_get_more(self):
		self.assertEqual(self.memory(qemu.boot_command(
			'bzImage', 'console=ttyS0', memory=debian.MEMORY)), '1024')

	def test_default_unchanged(self):
		self.assertEqual(self.memory(qemu.boot_command(
			'bzImage', 'console=ttyS0')), '256')


if __name__ == '__main__':
	unittest.main()
