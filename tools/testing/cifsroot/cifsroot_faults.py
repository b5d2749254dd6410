#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Fault tests of the SMB root: the server crashes and comes back during a
# write, the network loses and delays frames, the link goes down for a while,
# the server never appears. They run in the private test network of
# cifsroot_net.py and are judged like the tests of cifsroot_check.py.
#
# The relay and the dropping server are processes of their own
# (cifsroot_relay.py); the Relay and Dropper classes of cifsroot_impair.py
# start, read and stop them.

import hashlib
import os
import re
import shutil
import time

import cifsroot_check as check
import cifsroot_fsprobe as fsprobe
import cifsroot_qemu as qemu
import cifsroot_rootfs as rootfs
import cifsroot_net as net
import cifsroot_netboot as netboot
import cifsroot_relay as relay_proc
from cifsroot_impair import Dropper, Relay, relay_summary
from cifsroot_common import out_dir
from cifsroot_judge import console_problems, guest_seconds, guest_values

# Written and read by the guest: SUM is its SHA-256 of the data, DONE the
# end of the write, READBACK its SHA-256 of the file read back from the
# server after dropping the page cache.
MAKE_DATA = '''grep ' / ' /proc/mounts | sed 's/^/root: /'
mkdir -p /mnt && mount -t tmpfs tmpfs /mnt || exit 1
dd if=/dev/urandom of=/mnt/data bs=1M count={mib} 2>/dev/null || exit 1
echo "sum: $(sha256sum </mnt/data | cut -d' ' -f1)"
'''


CHUNKED_WRITE = '''echo "fault: write started"
i=0
while [ $i -lt {mib} ]; do
	dd if=/mnt/data of={path} bs=1M skip=$i seek=$i count=1 \\
		conv=notrunc 2>/mnt/err || {{
		echo "fault: dd $i failed: $(grep -v records /mnt/err)"; exit 1; }}
	sync || {{ echo "fault: sync $i failed"; exit 1; }}
	echo "fault: chunk $i"
	i=$((i + 1))
done
echo "fault: write done"
'''


PLAIN_WRITE = '''echo "fault: write started"
cp /mnt/data {path} && sync || {{ echo "fault: write failed"; exit 1; }}
echo "fault: write done"
'''


READ_BACK = '''echo 3 >/proc/sys/vm/drop_caches || exit 1
echo "readback: $(sha256sum <{path} | cut -d' ' -f1)"
'''


START_LINE = 'fault: write started'


DONE_LINE = 'fault: write done'


LINE_POLL = 0.05


def fault_rootfs(name, script):
	"""A fresh rootfs in out/check/`name` running `script`."""
	dest = rootfs.make_rootfs(os.path.join(out_dir('check'), name))
	rootfs.write_file(os.path.join(dest, 'etc', 'cifsroot', 'run'), script,
			 0o755)
	return dest


def fault_append(smbd, options=''):
	"""The command line mounting `smbd`'s root on 10.55.0.1."""
	return netboot.net_append(f'//{net.HOST4}/root,username=root,'
				f'password={smbd.password}' + options)


def sha256_file(path):
	"""The SHA-256 of a file as hex, or None if it is missing."""
	h = hashlib.sha256()
	try:
		with open(path, 'rb') as f:
			for block in iter(lambda: f.read(1 << 20), b''):
				h.update(block)
	except FileNotFoundError:
		return None
	return h.hexdigest()


def line_time(lines, text, after=0.0):
	"""The arrival time of the first console line with `text` after
	`after`, or None."""
	for t, line in list(lines):
		if t >= after and text in line:
			return t
	return None


def wait_line(boot, text, timeout, after=0.0):
	"""Wait for a console line with `text`; its arrival time.

	Fails when QEMU ends or `timeout` seconds pass first.
	"""
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		t = line_time(boot.lines, text, after)
		if t is not None:
			return t
		if not boot.running():
			t = line_time(boot.lines, text, after)
			if t is not None:
				return t
			check.expect(False, f'no "{text}" line: '
				     + qemu.explain_failure(boot.wait()))
		time.sleep(LINE_POLL)
	boot.kill()
	check.expect(False, f'no "{text}" line in {timeout}s: '
		     + qemu.explain_failure(boot.wait()))


def judge_data(res, path, readback=False):
	"""The guest's run ended well and its SHA-256 is the server's.

	Returns the checksum.
	"""
	output, status = qemu.command_output(res.console)
	check.expect(status == 0, f'run script status {status}: '
		     + qemu.explain_failure(res))
	values = guest_values(output)
	want = values.get('sum', '')
	check.expect(re.fullmatch(r'[0-9a-f]{64}', want),
		     'no guest checksum: ' + qemu.explain_failure(res))
	if readback:
		check.expect(values.get('readback') == want,
			     f'guest read back {values.get("readback")}, '
			     f'wrote {want}')
	got = sha256_file(path)
	check.expect(got == want, f'server has {got}, guest wrote {want}')
	problems = console_problems(res.console)
	check.expect(not problems, 'console:\n' + '\n'.join(problems[:20]))
	return want


def chunk_times(lines):
	"""The arrival times of the "fault: chunk N" lines."""
	return [t for t, line in list(lines) if 'fault: chunk ' in line]


SMBD_KILL_MIB = 64


SMBD_KILL_AFTER_CHUNK = 3


SMBD_DOWN_SECONDS = 3


FAULT_TIMEOUT = 600


def fault_image():
	"""The kernel the fault tests boot: the debug kernel, so that the
	reconnect, retry and abort paths run under KASAN, UBSAN and lockdep."""
	return check.debug_image()


def test_smbd_restart():
	"""smbd is killed and restarted during a 64 MiB write; nothing is lost."""
	mib = SMBD_KILL_MIB
	share = fault_rootfs('fault-smbd', MAKE_DATA.format(mib=mib) +
			     CHUNKED_WRITE.format(mib=mib, path='/big'))
	with net.TestNet() as tnet, tnet.smbd(share) as smbd:
		tnet.start_dnsmasq()
		boot = netboot.net_boot(tnet, 'fault-smbd', fault_append(smbd),
					image=fault_image())
		started = wait_line(boot, START_LINE, FAULT_TIMEOUT)
		wait_line(boot, f'fault: chunk {SMBD_KILL_AFTER_CHUNK}',
			  FAULT_TIMEOUT)
		killed_at = time.monotonic()
		procs = smbd.kill()
		time.sleep(SMBD_DOWN_SECONDS)
		smbd.start()
		done = wait_line(boot, DONE_LINE, FAULT_TIMEOUT)
		res = boot.wait()
	check.expect(started < killed_at < smbd.started < done,
		     f'write started {started:.2f}, smbd killed '
		     f'{killed_at:.2f}, ready {smbd.started:.2f}, write done '
		     f'{done:.2f}: not in that order')
	before = [t for t in chunk_times(res.lines) if t < killed_at]
	after = [t for t in chunk_times(res.lines) if t > smbd.started]
	check.expect(len(before) < mib and after,
		     f'{len(before)} chunks before the kill, {len(after)} '
		     'after the restart')
	digest = judge_data(res, os.path.join(share, 'big'))
	size = os.path.getsize(os.path.join(share, 'big'))
	check.expect(size == mib << 20, f'/big has {size} bytes')
	return (f'killed {procs} smbd processes after {len(before)} of '
		f'{mib} MiB, back {smbd.started - killed_at:.1f} s later; '
		f'write done {done - smbd.started:.1f} s after; '
		f'sha256 {digest[:16]}')


# A hard SMB1 root, and on it a soft SMB1 mount, an SMB 3.1.1 mount (soft)
# and a second hard SMB1 mount of the same share, each on its own
# connection to a second smbd on another port. That smbd is killed (down:
# connections are refused), then a server that takes connections and
# drops every negotiate stands in for it, then smbd comes back. The root's
# smbd stays up: a root whose server refuses connections for long keeps
# the guest busy reconnecting (its connects do not block), which is not
# what this test is about. The guest runs from a tmpfs all the same;
# "op NAME: begin" and "op NAME: end rc=N err=TEXT" lines time every
# operation on the host's clock.
RESTART_RUN = '''mkdir -p /t && mount -t tmpfs tmpfs /t || exit 1
cp /bin/busybox /bin/fsprobe /etc/cifsroot/restart.sh \\
	/etc/cifsroot/creds /t/ || exit 1
exec /t/busybox sh /t/restart.sh
'''


RESTART_SCRIPT = r'''mkdir /t/bin
for a in sh cat echo mv stat sleep rm umount mkdir tr ls grep sed; do
	/t/busybox ln -s /t/busybox /t/bin/$a
done
PATH=/t/bin:/t
read -r src opts < /t/creds
op() {
	name=$1
	shift
	echo "op $name: begin"
	if out=$(sh -c "$*" 2>&1); then
		echo "op $name: end rc=0"
	else
		echo "op $name: end rc=$? err=$(echo "$out" | tr '\n' ' ')"
	fi
}
mkdir -p /t/soft /t/v3 /t/hard
fsprobe mount "$src" /t/soft "$opts,vers=1.0,soft,nosharesock" || exit 1
fsprobe mount "$src" /t/v3 "$opts,vers=3.1.1,soft,nosharesock" || exit 1
fsprobe mount "$src" /t/hard "$opts,vers=1.0,hard,nosharesock" || exit 1
grep ' /t/' /proc/mounts | sed 's/,pass[^,]*//; s/^/mount: /'
echo v3 > /t/v3/v3-file && echo v3 > /t/v3/v3-down || exit 1
echo soft > /t/soft/soft-file || exit 1
sleep 2
echo "restart: ready"
sleep 3
# down: the server refuses connections
op soft-down "echo x > /t/soft/soft-down-new" &
op v3-down-open "cat /t/v3/v3-file" &
op v3-down-stat "stat /t/v3/v3-down" &
op v3-down-rename "mv /t/v3/v3-down /t/v3/v3-down-renamed" &
wait
echo "restart: down done"
sleep 6
# the server takes connections and drops the negotiate
op hard-drop "echo x > /t/hard/hard-probe" &
hard=$!
op soft-drop "echo x > /t/soft/soft-drop-new"
sleep 8
op hard-umount "umount -f /t/hard"
wait $hard
echo "restart: drop done"
# wait for the server to come back
n=0
until cat /t/soft/soft-file >/dev/null 2>&1 || [ $n -ge 60 ]; do
	n=$((n + 1))
	sleep 1
done
op v3-after-open "cat /t/v3/v3-file"
op v3-after-stat "stat /t/v3/v3-file"
op v3-after-rename "mv /t/v3/v3-file /t/v3/v3-renamed"
op soft-after "echo x > /t/soft/soft-after"
op root-after "ls /etc/cifsroot"
umount /t/soft
umount /t/v3
umount /t/hard 2>/dev/null
echo "restart: done"
'''


RESTART_TIMEOUT = 400


# The port of the smbd that is killed; the root's stays up
RESTART_PORT = 4445


# The dropper stands in for the server this long at least
DROP_SECONDS = 30


# A soft operation fails within this long: one 10 s wait for the
# reconnect, and a negotiate
SOFT_BOUND = 25


# After umount -f, a hard operation stuck in its retries ends this soon
UMOUNT_BOUND = 15


EAGAIN_TEXT = 'Resource temporarily unavailable'


OP_LINE = re.compile(r'op ([a-z0-9-]+): (begin|end)(?: rc=(\d+))?'
		     r'(?: err=(.*))?')


def op_lines(lines):
	"""{name: {begin, end, rc, err}} from the "op" lines of a boot."""
	ops = {}
	for t, line in list(lines):
		m = OP_LINE.search(line)
		if not m:
			continue
		op = ops.setdefault(m.group(1), {})
		if m.group(2) == 'begin':
			op['begin'] = t
		else:
			op['end'] = t
			op['rc'] = int(m.group(3) or 0)
			op['err'] = (m.group(4) or '').strip()
	return ops


def judge_restart(ops, killed, dropper):
	"""What went wrong in the ops of test_restart_soft_smb3, as [str].

	`killed` is when smbd was killed and `dropper` (start, stop) when
	the dropping server ran, on the host's clock.
	"""
	errors = []

	def get(name):
		op = ops.get(name)
		if not op or 'end' not in op or 'begin' not in op:
			errors.append(f'{name}: did not end')
			return None
		return op

	# a soft SMB1 mount may give EAGAIN when a negotiate is dropped, as
	# it always did; the others may not
	for name, op in sorted(ops.items()):
		if EAGAIN_TEXT in op.get('err', '') and \
		   not name.startswith('soft-'):
			errors.append(f'{name}: EAGAIN ({op["err"]})')
	for name in ('soft-down', 'soft-drop'):
		op = get(name)
		if not op:
			continue
		if op['rc'] == 0:
			errors.append(f'{name}: succeeded without a server')
		if op['end'] - op['begin'] > SOFT_BOUND:
			errors.append(f'{name}: took {op["end"] - op["begin"]:.1f}'
				      f' s, more than {SOFT_BOUND} s')
		if op['end'] > dropper[1]:
			errors.append(f'{name}: ended after the server was back')
	for name in ('v3-down-open', 'v3-down-stat', 'v3-down-rename'):
		op = get(name)
		if op and op['begin'] < killed:
			errors.append(f'{name}: began before smbd was killed')
	umount, hard = get('hard-umount'), get('hard-drop')
	if umount and hard:
		if hard['rc'] == 0:
			errors.append('hard-drop: succeeded without a server')
		if hard['end'] < umount['begin']:
			errors.append(f'hard-drop: a hard mount failed before '
				      f'umount -f: {hard["err"]}')
		late = hard['end'] - umount['begin']
		if late > UMOUNT_BOUND:
			errors.append(f'hard-drop: ended {late:.1f} s after '
				      'umount -f')
		if hard['end'] > dropper[1]:
			errors.append('hard-drop: umount -f did not end it '
				      'before the server was back')
	for name in ('v3-after-open', 'v3-after-stat', 'v3-after-rename',
		     'soft-after', 'root-after'):
		op = get(name)
		if op and op['rc'] != 0:
			errors.append(f'{name}: failed after the restart: '
				      f'{op["err"]}')
	return errors


def restart_share():
	"""The rootfs of test_restart_soft_smb3, fsprobe and script in it."""
	share = fault_rootfs('fault-restart', RESTART_RUN)
	rootfs.write_file(os.path.join(share, 'etc', 'cifsroot', 'restart.sh'),
			 RESTART_SCRIPT, 0o755)
	shutil.copyfile(fsprobe.build(), os.path.join(share, 'bin', 'fsprobe'))
	os.chmod(os.path.join(share, 'bin', 'fsprobe'), 0o755)
	return share


def test_restart_soft_smb3():
	"""Soft SMB1 and SMB 3.1.1 mounts fail as before while the server is
	gone; hard SMB1 ones back off, and umount -f ends their retries."""
	share = restart_share()
	with net.TestNet() as tnet, tnet.smbd(share) as smbd, \
	     tnet.smbd(share, port=RESTART_PORT,
		       interfaces=(net.HOST4,)) as other:
		fd = os.open(os.path.join(share, 'etc', 'cifsroot', 'creds'),
			     os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
		with os.fdopen(fd, 'w') as f:
			f.write(other.mount_line(net.HOST4))
		tnet.start_dnsmasq()
		boot = netboot.net_boot(tnet, 'fault-restart', fault_append(smbd),
					image=fault_image())
		wait_line(boot, 'restart: ready', RESTART_TIMEOUT)
		killed = time.monotonic()
		other.kill()
		wait_line(boot, 'restart: down done', RESTART_TIMEOUT)
		dropper = Dropper(tnet, net.HOST4, other.port)
		wait_line(boot, 'restart: drop done', RESTART_TIMEOUT)
		left = dropper.started + DROP_SECONDS - time.monotonic()
		if left > 0:
			time.sleep(left)
		stopped = dropper.stop()
		other.start()
		wait_line(boot, 'restart: done', RESTART_TIMEOUT)
		res = boot.wait()
	output, status = qemu.command_output(res.console)
	check.expect(status == 0, f'run script status {status}: '
		     + qemu.explain_failure(res))
	ops = op_lines(res.lines)
	errors = judge_restart(ops, killed, (dropper.started, stopped))
	span = stopped - dropper.started
	smb1 = dropper.drops(relay_proc.SMB1)
	smb2 = dropper.drops(relay_proc.SMB2)
	problems = console_problems(res.console)
	if problems:
		errors.append('console:\n' + '\n'.join(problems[:20]))
	summary = ', '.join(
		f'{n} {o.get("end", 0) - o.get("begin", 0):.1f} s rc={o.get("rc")}'
		+ (f' ({o["err"][:60]})' if o.get('err') else '')
		for n, o in sorted(ops.items()))
	check.expect(not errors, '\n'.join(errors) + '\nops: ' + summary
		     + f'\n{len(smb1)} SMB1 and {len(smb2)} SMB2 negotiates '
		     f'dropped in {span:.1f} s')

	def took(name):
		return ops[name]['end'] - ops[name]['begin']
	return (f'soft SMB1 failed in {took("soft-down"):.1f} s (down) and '
		f'{took("soft-drop"):.1f} s (dropper); SMB 3.1.1 failed in '
		f'{took("v3-down-open"):.1f} s ({ops["v3-down-open"]["err"]}) '
		f'and worked after; umount -f ended a hard op in '
		f'{ops["hard-drop"]["end"] - ops["hard-umount"]["begin"]:.1f} s; '
		f'{len(smb1)} SMB1 and {len(smb2)} SMB2 negotiates dropped in '
		f'{span:.1f} s')


# 8 MiB lose about 500 SMB frames each way at 5 %: enough to go through
# retransmits many times, at half the time of 16 MiB in the debug kernel
LOSSY_MIB = 8


LOSS = 0.05


DELAY_MS = 20


LOSSY_SEED = 5


def test_lossy_link():
	"""Boot, write and read 8 MiB with 5 % loss and 20 ms delay."""
	share = fault_rootfs('fault-lossy', MAKE_DATA.format(mib=LOSSY_MIB) +
			     PLAIN_WRITE.format(path='/data') +
			     READ_BACK.format(path='/data'))
	with net.TestNet() as tnet, tnet.smbd(share) as smbd:
		tnet.start_dnsmasq()
		relay = Relay(tnet, loss=LOSS, delay_ms=DELAY_MS,
			      seed=LOSSY_SEED)
		res = qemu.boot(fault_image(), fault_append(smbd),
				 os.path.join(out_dir('check'),
					      'fault-lossy.log'),
				 timeout=FAULT_TIMEOUT, net=tnet,
				 netdev=relay.netdev())
		stats = relay.stop()
	netboot.judge_net_boot(res, f'//{net.HOST4}/root', [smbd.password])
	digest = judge_data(res, os.path.join(share, 'data'), readback=True)
	lost = sum(stats[d]['smb_lost'] for d in relay_proc.DIRECTIONS)
	check.expect(lost, 'the relay lost no SMB frame: '
		     + relay_summary(stats))
	# frames the relay itself dropped would be loss the test did not ask for
	dropped = sum(stats[d]['overflow'] + stats[d]['errors']
		      for d in relay_proc.DIRECTIONS)
	check.expect(not dropped, 'the relay overflowed or failed: '
		     + relay_summary(stats))
	started = line_time(res.lines, START_LINE)
	done = line_time(res.lines, DONE_LINE)
	read = line_time(res.lines, 'readback: ')
	return (f'{LOSSY_MIB} MiB written in {done - started:.1f} s, read '
		f'back in {read - done:.1f} s, sha256 {digest[:16]}; relay: '
		f'{relay_summary(stats)}')


OUTAGE_MIB = 32


OUTAGE_AFTER_CHUNK = 3


OUTAGE_SECONDS = 10


def test_link_outage():
	"""The link goes down for 10 s during a 32 MiB write; nothing is lost."""
	mib = OUTAGE_MIB
	share = fault_rootfs('fault-outage', MAKE_DATA.format(mib=mib) +
			     CHUNKED_WRITE.format(mib=mib, path='/data') +
			     READ_BACK.format(path='/data'))
	with net.TestNet() as tnet, tnet.smbd(share) as smbd:
		tnet.start_dnsmasq()
		relay = Relay(tnet)
		boot = qemu.start_boot(
			fault_image(), fault_append(smbd),
			os.path.join(out_dir('check'), 'fault-outage.log'),
			timeout=FAULT_TIMEOUT, net=tnet,
			netdev=relay.netdev())
		started = wait_line(boot, START_LINE, FAULT_TIMEOUT)
		wait_line(boot, f'fault: chunk {OUTAGE_AFTER_CHUNK}',
			  FAULT_TIMEOUT)
		down = relay.down(OUTAGE_SECONDS)
		up = relay.wait_up(OUTAGE_SECONDS + 10)
		done = wait_line(boot, DONE_LINE, FAULT_TIMEOUT)
		res = boot.wait()
		stats = relay.stop()
	check.expect(started < down < up < done,
		     f'write started {started:.2f}, link down {down:.2f}, up '
		     f'{up:.2f}, write done {done:.2f}: not in that order')
	check.expect(up - down >= OUTAGE_SECONDS - 0.1,
		     f'the link was down {up - down:.1f} s')
	before = [t for t in chunk_times(res.lines) if t < down]
	after = [t for t in chunk_times(res.lines) if t > up]
	check.expect(len(before) < mib and after,
		     f'{len(before)} chunks before the outage, {len(after)} '
		     'after it')
	dropped = sum(stats[d]['down'] for d in relay_proc.DIRECTIONS)
	check.expect(dropped, 'no frame was dropped while the link was down')
	digest = judge_data(res, os.path.join(share, 'data'), readback=True)
	return (f'down {up - down:.1f} s after {len(before)} of {mib} MiB; '
		f'write done {done - up:.1f} s after it came back; {dropped} '
		f'frames dropped; sha256 {digest[:16]}')


NO_SERVER_RETRY = 15


NO_SERVER_PANIC = ('VFS: Unable to mount root fs via cifs on //10.55.0.1/root: '
		   'error ')


RETRY_LINE = re.compile(r'^\[\s*(\d+\.\d+)\] VFS: .*retrying in ')


# printk_ratelimit defaults: a burst of 10 per 5 s
RATELIMIT_BURST = 10


RATELIMIT_INTERVAL = 5.0


def retry_times(console):
	"""The guest times of the "retrying in" lines."""
	times = []
	for line in console.splitlines():
		m = RETRY_LINE.match(line)
		if m:
			times.append(float(m.group(1)))
	return times


def worst_burst(times, interval):
	"""The most of `times` that fall in any window of `interval` s."""
	most = 0
	for i, t in enumerate(times):
		most = max(most, sum(1 for u in times[i:] if u < t + interval))
	return most


def test_no_server():
	"""No server at all: retry=15 spends its budget, then the named panic."""
	with net.TestNet() as tnet:
		tnet.start_dnsmasq()
		res = netboot.net_boot(tnet, 'fault-noserver', netboot.net_append(
			f'//{net.HOST4}/root,username=root,password=unused,'
			f'retry={NO_SERVER_RETRY}'), image=fault_image()).wait()
	check.expect(not res.timed_out, 'QEMU did not exit: '
		     + qemu.explain_failure(res))
	at = guest_seconds(res.console, NO_SERVER_PANIC)
	check.expect(at is not None, 'no named panic: '
		     + qemu.explain_failure(res))
	check.expect(NO_SERVER_RETRY <= at < 60,
		     f'panic at {at:.2f} s of guest time')
	times = retry_times(res.console)
	check.expect(times, 'no "retrying in" line: '
		     + qemu.explain_failure(res))
	span = at - times[0]
	check.expect(len(times) * 0.1 < span,
		     f'{len(times)} retry lines in {span:.2f} s')
	# the budget ends it: the panic follows within 5 s of it running out
	check.expect(span <= NO_SERVER_RETRY + 5,
		     f'panic {span:.2f} s after the first retry, budget '
		     f'{NO_SERVER_RETRY} s')
	burst = worst_burst(times, RATELIMIT_INTERVAL)
	check.expect(burst <= RATELIMIT_BURST,
		     f'{burst} retry lines within {RATELIMIT_INTERVAL} s')
	panic = [line for line in res.console.splitlines()
		 if NO_SERVER_PANIC in line][0]
	error = re.search(r'error (-?\d+)', panic).group(1)
	return (f'panic at {at:.2f} s (error {error}) after {len(times)} '
		f'retry lines, at most {burst} in {RATELIMIT_INTERVAL:.0f} s')


TESTS = [
	('fault: smbd killed and restarted during a 64 MiB write',
	 test_smbd_restart),
	('fault: soft SMB1 and SMB 3.1.1 mounts across a server restart',
	 test_restart_soft_smb3),
	('fault: boot, write, read with 5 % loss and 20 ms delay',
	 test_lossy_link),
	('fault: the link is down for 10 s during a write', test_link_outage),
	('fault: no server, retry=15, then the named panic', test_no_server),
]
