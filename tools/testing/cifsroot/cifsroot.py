#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cifsroot harness: build the patched kernel, serve a busybox root file
# system from Samba, boot QEMU from it and judge what happened.
#
# Each step can be called by name:
#   cifsroot.py fetch|strip|apply|series|build|rootfs|boot|check|judge

import argparse
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cifsroot_kernel as kernel  # noqa: E402
from cifsroot_common import HarnessError, cache_lock, log  # noqa: E402


def terminated(signum, frame):
	raise KeyboardInterrupt(f'signal {signum}')


def main(argv):
	p = argparse.ArgumentParser(description=__doc__)
	sub = p.add_subparsers(dest='step', required=True)
	sub.add_parser('fetch', help='extract the base tree into the cache')
	sub.add_parser('strip', help='remove the older SMB root (tag base)')
	sub.add_parser('apply', help='commit our overlay as a series on base')
	sub.add_parser('series', help='export the series to out/series')
	sub.add_parser('build', help='configure and build the test kernel')
	sub.add_parser('rootfs', help='make the busybox root file system')
	b = sub.add_parser('boot', help='boot QEMU from a local Samba share')
	b.add_argument('--cmd', default=os.environ.get('CMD', ''),
		       help='run this in the guest and exit with its status')
	c = sub.add_parser('check', help='run every test')
	c.add_argument('-k', dest='only', default='',
		       help='run only the tests whose name contains this')
	c.add_argument('--json', metavar='FILE',
		       help='also write the results to FILE as JSON')
	j = sub.add_parser('judge', help='re-judge the consoles a run left')
	j.add_argument('dir', nargs='?', default='out/check',
		       help='where the run left them (default out/check)')
	j.add_argument('--json', metavar='FILE',
		       help='also write the results to FILE as JSON')
	args = p.parse_args(argv)
	# SIGTERM (timeout, CI) unwinds like ^C, so that every smbd, QEMU,
	# relay and network namespace of the run is stopped on the way out
	signal.signal(signal.SIGTERM, terminated)
	if args.step == 'judge':	# reads saved logs only
		return run_step(args)
	with cache_lock():
		return run_step(args)


def run_step(args):
	try:
		if args.step == 'fetch':
			kernel.fetch()
		elif args.step == 'strip':
			kernel.strip()
		elif args.step == 'apply':
			kernel.apply()
		elif args.step == 'series':
			kernel.series()
		elif args.step == 'build':
			kernel.build()
		elif args.step == 'rootfs':
			import cifsroot_rootfs as rootfs
			rootfs.make_rootfs()
		elif args.step == 'boot':
			import cifsroot_qemu as qemu
			return qemu.interactive_boot(args.cmd)
		elif args.step == 'check':
			import cifsroot_runner as runner
			return runner.main(args.only, args.json)
		elif args.step == 'judge':
			import cifsroot_runner as runner
			return runner.judge(args.dir, args.json)
	except HarnessError as e:
		log('error: ' + str(e))
		return 1
	except KeyboardInterrupt as e:
		log(f'interrupted ({e or "^C"}): what the run started is stopped')
		return 130
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
