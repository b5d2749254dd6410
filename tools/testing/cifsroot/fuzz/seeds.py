#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for cifsroot_fuzz from the KUnit tables of the parser.

Reads fs/cifs/cifsroot_test.c, takes the inputs of its OK(), BAD() and
SRC() cases, its credentials files and its mask inputs, and writes one
seed file per input in the fuzz target's format:

	flags arg \\0 dhcp \\0 boot_server \\0 client \\0 credentials file

where bit n of the flags byte says that field n is given (not NULL).

Usage: seeds.py TEST_C OUT_DIR
"""

import os
import re
import sys

# Never in a message and never a key: the fuzz target looks for it.
CANARY = b'S3cr3t!Pw'

SIMPLE_ESCAPES = {
	'n': 10, 't': 9, 'r': 13, 'v': 11, 'f': 12, 'a': 7, 'b': 8,
	'\\': 92, '"': 34, "'": 39, '?': 63,
}


class ParseError(Exception):
	"""The test file is not what this script understands."""


def unescape(body):
	"""Bytes of the body of one C string literal, escapes resolved."""
	out = bytearray()
	i = 0
	while i < len(body):
		c = body[i]
		if c != '\\':
			out += c.encode()
			i += 1
			continue
		i += 1
		if i >= len(body):
			raise ParseError('backslash at the end of a literal')
		c = body[i]
		if c in SIMPLE_ESCAPES:
			out.append(SIMPLE_ESCAPES[c])
			i += 1
		elif c == 'x':
			m = re.match(r'[0-9a-fA-F]+', body[i + 1:])
			if not m:
				raise ParseError('\\x without hex digits')
			out.append(int(m.group(0), 16) & 0xff)
			i += 1 + len(m.group(0))
		elif c in '01234567':
			m = re.match(r'[0-7]{1,3}', body[i:])
			out.append(int(m.group(0), 8) & 0xff)
			i += len(m.group(0))
		else:
			raise ParseError(f'unknown escape \\{c}')
	return bytes(out)


TOKEN = re.compile(r'''
	(?P<str>"(?:[^"\\\n]|\\.)*")
	| (?P<chr>'(?:[^'\\\n]|\\.)*')
	| (?P<comment>/\*.*?\*/|//[^\n]*)
	| (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
	| (?P<punct>[(){},])
	| (?P<space>\s+)
	| (?P<other>.)
''', re.S | re.X)


def tokens(text):
	"""(kind, value) pairs of C tokens, comments and spaces dropped."""
	for m in TOKEN.finditer(text):
		kind = m.lastgroup
		if kind in ('space', 'comment'):
			continue
		yield kind, m.group(kind)


def arguments(toks, i, macros):
	"""The arguments of the call whose '(' is toks[i].

	Returns (args, index after ')'); an argument is bytes (adjacent
	literals and macros that stand for literals joined), None for NULL,
	or the text of anything else.
	"""
	args, cur, depth = [], [], 0
	i += 1
	while i < len(toks):
		kind, val = toks[i]
		if val in '({' and kind == 'punct':
			depth += 1
		elif val in ')}' and kind == 'punct':
			if depth == 0:
				args.append(value(cur, macros))
				return args, i + 1
			depth -= 1
		elif val == ',' and depth == 0:
			args.append(value(cur, macros))
			cur = []
			i += 1
			continue
		cur.append((kind, val))
		i += 1
	raise ParseError('unclosed macro call')


def value(toks, macros):
	"""One argument: bytes when made of literals only, None for NULL."""
	if toks == [('ident', 'NULL')]:
		return None
	out = b''
	for kind, val in toks:
		if kind == 'str':
			out += unescape(val[1:-1])
		elif kind == 'ident' and val in macros:
			out += macros[val]
		else:
			return ' '.join(v for _, v in toks)
	return out


def string_macros(text):
	"""#define NAME "literal" ... macros, such as the defaults D."""
	macros = {}
	for m in re.finditer(r'^#define\s+(\w+)\s+((?:"(?:[^"\\\n]|\\.)*"\s*)+)$',
			     text, re.M):
		macros[m.group(1)] = b''.join(
			unescape(s[1:-1])
			for s in re.findall(r'"(?:[^"\\\n]|\\.)*"', m.group(2)))
	return macros


def table(toks, name):
	"""The tokens inside the braces of the array called @name."""
	for i, (kind, val) in enumerate(toks):
		if kind == 'ident' and val == name and \
				i + 3 < len(toks) and toks[i + 1][1] == '[':
			j = i
			while toks[j][1] != '{':
				j += 1
			depth, k = 0, j
			while True:
				if toks[k][1] == '{':
					depth += 1
				elif toks[k][1] == '}':
					depth -= 1
					if depth == 0:
						return toks[j + 1:k]
				k += 1
	return []


def entries(body, macros):
	"""The literal fields of each { ... } entry of a table, in order."""
	out, i = [], 0
	while i < len(body):
		if body[i][1] == '{':
			args, i = arguments(body, i, macros)
			out.append([a for a in args if not isinstance(a, str)])
		else:
			i += 1
	return out


def seed(arg=None, dhcp=None, server=None, client=None, creds=None):
	"""One input in the fuzz target's format."""
	fields = [arg, dhcp, server, client, creds]
	flags = sum(1 << n for n, f in enumerate(fields) if f is not None)
	return bytes([flags]) + b'\0'.join(f or b'' for f in fields)


def cases(text):
	"""Every seed the test file yields: (name, bytes) pairs."""
	macros = string_macros(text)
	toks = list(tokens(text))
	out = []
	for i, (kind, val) in enumerate(toks):
		if kind != 'ident' or val not in ('OK', 'BAD', 'SRC') or \
				i + 1 >= len(toks) or toks[i + 1][1] != '(':
			continue
		if i > 0 and toks[i - 1][1] == 'define':
			continue
		args, _ = arguments(toks, i + 1, macros)
		if val == 'SRC':
			if len(args) != 4:
				raise ParseError(f'SRC with {len(args)} arguments')
			src = [a if not isinstance(a, str) else None for a in args]
			out.append((f'src{len(out)}', seed(*src)))
		elif len(args) >= 2 and not isinstance(args[1], str):
			name = args[0] if isinstance(args[0], bytes) else b''
			out.append((name.decode('latin-1'), seed(args[1])))
	# { .name = "null", .src.arg = NULL, ... }: nothing given at all
	out.append(('nothing', seed()))

	for row in entries(table(toks, 'cifs_root_test_masks'), macros):
		if row and row[0] is not None:
			out.append(('mask', seed(b'//1.2.3.4/s,' + row[0])))
	for row in entries(table(toks, 'cifs_root_test_creds'), macros):
		if len(row) >= 2 and row[1] is not None:
			out.append(('creds', seed(b'//1.2.3.4/s', creds=row[1])))

	# values the target looks for in messages and in masked options
	out += [
		('canary password', seed(b'//1.2.3.4/s,password=' + CANARY)),
		('canary twice', seed(b'//1.2.3.4/s,password=' + CANARY +
				      b',pass=' + CANARY)),
		('canary bad key', seed(b'//1.2.3.4/s,Password=' + CANARY)),
		('canary dhcp', seed(b',password=' + CANARY,
				     b'//1.2.3.4/s,username=' + CANARY)),
		('canary creds', seed(b'//1.2.3.4/s,vers=3.0', creds=b'user=u\n'
				      b'password=' + CANARY + b',x,,y\n'
				      b'domain=d,\n')),
		('canary creds bad', seed(b'//1.2.3.4/s', creds=b'password=' +
					  CANARY + b'\nbad=' + CANARY + b'\n')),
		('ipv6 client', seed(b'//[::ffff:10.0.0.1]/r/%s', None,
				     b'10.0.0.1', b'10.0.0.9')),
	]
	return out


def main(argv):
	"""Write the seeds; print how many."""
	if len(argv) != 3:
		print(__doc__.strip().splitlines()[-1], file=sys.stderr)
		return 2
	with open(argv[1], encoding='latin-1') as f:
		text = f.read()
	try:
		seeds = cases(text)
	except ParseError as e:
		print(f'seeds.py: {argv[1]}: {e}', file=sys.stderr)
		return 1
	if len(seeds) < 50:
		print(f'seeds.py: only {len(seeds)} inputs found in {argv[1]}',
		      file=sys.stderr)
		return 1
	os.makedirs(argv[2], exist_ok=True)
	for name in os.listdir(argv[2]):
		if name.startswith('kunit-'):
			os.unlink(os.path.join(argv[2], name))
	for n, (name, data) in enumerate(seeds):
		slug = re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')
		with open(os.path.join(argv[2], f'kunit-{n:03d}-{slug}'),
			  'wb') as f:
			f.write(data)
	print(f'{len(seeds)} seeds from {os.path.basename(argv[1])}')
	return 0


if __name__ == '__main__':
	sys.exit(main(sys.argv))
