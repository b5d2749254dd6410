# SPDX-License-Identifier: GPL-2.0
#
# The file system probes of the main `make check` boot: what a Debian
# userspace expects of its root and a local disk gives. guest/fsprobe.c
# runs in the guest (built here, statically); guest/probes.sh runs it and
# prints "probe <name>: <key>: ok|fail ..." lines; this module builds it,
# prepares the share before the boot and parses those lines
# (cifsroot_probes.py holds the tests that judge them).

import os
import shutil

from cifsroot_common import log, out_dir, run

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, 'guest', 'fsprobe.c')
SCRIPT = os.path.join(HERE, 'guest', 'probes.sh')

# Option sets of the second mounts that append (see probes.sh)
APPEND_OPTIONS = ('cache=none', 'nosetuids', 'cifsacl',
		  'cifsacl,mfsymlinks,rsize=1048576,wsize=65536,uid=0,gid=0')

NAME_MAX = 255


def build():
	"""Compile fsprobe statically for the guest; returns its path."""
	dest = os.path.join(out_dir('check'), 'fsprobe')
	run(['gcc', '-static', '-O2', '-Wall', '-Wextra', '-Werror',
	     '-o', dest, SOURCE], capture=True)
	return dest


# ---------------------------------------------------------------- names

def utf8_byte_chars():
	"""Characters whose UTF-8 forms hold every byte valid UTF-8 can hold.

	Those are 0x80-0xbf as continuation bytes and 0xc2-0xf4 as lead
	bytes; 0xc0, 0xc1 and 0xf5-0xff never occur in valid UTF-8.
	"""
	chars = [chr(c) for c in range(0x80, 0xc0)]	# c2 80 .. c2 bf
	chars += [chr((lead & 0x1f) << 6 | 0x15) for lead in range(0xc2, 0xe0)]
	for lead in range(0xe0, 0xf0):
		cp = (lead & 0x0f) << 12 | 0xa15
		if 0xd800 <= cp < 0xe000:	# no surrogates: ED 80-9F only
			cp -= 0x800
		chars.append(chr(cp))
	for lead in range(0xf0, 0xf5):
		chars.append(chr(max((lead & 0x07) << 18, 0x10000) | 0xf600))
	return chars


def chunks(chars, limit=NAME_MAX):
	"""Names of at most `limit` UTF-8 bytes made of `chars` in order."""
	names, cur = [], b''
	for ch in chars:
		enc = ch.encode()
		if len(cur) + len(enc) > limit:
			names.append(cur)
			cur = b''
		cur += enc
	return names + ([cur] if cur else [])


def valid_names():
	"""Names valid on Linux and in UTF-8 that must survive as typed.

	Every byte 0x01-0x7f but '/', alone and amid text; the characters
	SMB reserves; names Windows would change (trailing dot or space,
	device names); case pairs; NFC and NFD forms; multibyte UTF-8 with
	every byte it can hold, characters beyond the BMP; names of
	NAME_MAX bytes.
	"""
	names = [b'b%02x-' % c + bytes([c]) + b'-e'
		 for c in range(1, 0x80) if c != ord('/')]
	names += [bytes([c]) for c in range(1, 0x80)
		  if c != ord('/') and c != ord('.')]
	names += [n.encode() for n in (
		'a:b', 'star*', 'what?', 'say"hi"', '<tag>', 'pi|pe', 'back\\slash',
		'trailing.', 'trailing ', ' leading', '..dots', 'CON', 'aux.txt',
		'nul', 'Case', 'case', 'héllo-ü', 'e\u0301-nfd', '\u00e9-nfc',
		'日本語のファイル', 'emoji-\U0001f600\U0001f680',
		'private-\uf029\uf03a', 'bom-\ufeff', 'max-\U0010fffd',
	)]
	names += chunks(utf8_byte_chars())
	names.append(b'x' * NAME_MAX)
	names.append('日'.encode() * (NAME_MAX // 3))
	names.append('\U0001f600'.encode() * (NAME_MAX // 4))
	return names


# Names Linux allows but that are not UTF-8: what they do is measured and
# documented, and they must never come back changed.
INVALID_NAMES = (b'\xff', b'latin1-caf\xe9', b'cut-\xc3', b'overlong-\xc0\xaf',
		 b'surrogate-\xed\xa0\x80')


def name_list(names):
	return ''.join(n.hex() + '\n' for n in names)


# ---------------------------------------------------------------- setup

def prepare(share, smbd, host):
	"""Put fsprobe, its script and inputs in `share` for the next boot.

	`host` is the server address as the guest reaches it; the second
	mount of probes.sh logs in as `smbd`'s user.
	"""
	probe = build()
	shutil.copyfile(probe, os.path.join(share, 'bin', 'fsprobe'))
	os.chmod(os.path.join(share, 'bin', 'fsprobe'), 0o755)
	run_dir = os.path.join(share, 'etc', 'cifsroot')
	shutil.copyfile(SCRIPT, os.path.join(run_dir, 'probes'))
	other = os.path.join(run_dir, 'other')
	fd = os.open(other, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
	with os.fdopen(fd, 'w') as f:
		f.write(smbd.mount_line(host))
	os.makedirs(os.path.join(share, 'mnt'), exist_ok=True)
	check = os.path.join(share, 'check')
	os.makedirs(check, exist_ok=True)
	with open(os.path.join(check, 'names.list'), 'w') as f:
		f.write(name_list(valid_names() + list(INVALID_NAMES)))
	server = os.path.join(os.fsencode(check), b'names-server')
	os.makedirs(server, exist_ok=True)
	for name in valid_names():
		with open(os.path.join(server, name), 'wb'):
			pass
	log(f'fsprobe: {len(valid_names())} names made on the server')


# ---------------------------------------------------------------- judging

def probe_lines(output):
	"""{probe name: [fsprobe lines]} from the guest's output."""
	probes = {}
	for line in (output or '').splitlines():
		if not line.startswith('probe '):
			continue
		name, sep, rest = line[len('probe '):].partition(': ')
		if sep:
			probes.setdefault(name, []).append(rest)
	return probes


def verdict(lines, key):
	"""The "<key>: ok|fail ..." lines of one probe: (all ok, text).

	A probe that ran more than once is ok when every round was; the
	text is that of the first failed round, or of the last one.
	"""
	ok, text = None, None
	for line in lines or ():
		k, sep, rest = line.partition(': ')
		if not sep or k != key or rest.split(' ')[0] not in ('ok', 'fail'):
			continue
		if ok is not False:
			text = rest
		ok = (ok is not False) and rest.startswith('ok')
	return ok, text


def listed(lines):
	"""The names an lsnames probe printed, as bytes."""
	return {bytes.fromhex(line[len('lsname: '):])
		for line in lines or () if line.startswith('lsname: ')}


def failed_names(lines):
	"""{name: errno name} for the names mknames could not create."""
	failed = {}
	for line in lines or ():
		if line.startswith('mkname: '):
			hexname, _, err = line[len('mkname: '):].partition(' ')
			failed[bytes.fromhex(hexname)] = err
	return failed


def show(name):
	return repr(name)[2:-1][:60]
