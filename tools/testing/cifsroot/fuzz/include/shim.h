/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel for fs/cifs/cifsroot.c to compile and run in
 * userspace, after tools/testing/radix-tree and tools/include. Every header
 * cifsroot.c includes is a one-line file under include/ that includes this.
 *
 * What the parser's behaviour depends on is ported from the kernel with its
 * semantics (lib/ctype.c, lib/string.c, lib/vsprintf.c's scnprintf,
 * lib/kstrtox.c, net/core/utils.c). What only the boot path uses (sockets,
 * ROOT_DEV, ipconfig, jiffies, sleeping, reading files) aborts if called:
 * the fuzz target never calls it, so a call is a bug in the target.
 */
#ifndef CIFSROOT_SHIM_H
#define CIFSROOT_SHIM_H

/* Only libc headers that pull in no <linux/...> header we shadow. */
#include <asm/errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Types and compiler attributes */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint16_t __be16;
typedef uint32_t __be32;

#define __init
#define __initdata
#define __initconst
#define __refdata
#define __noreturn		__attribute__((__noreturn__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __maybe_unused		__attribute__((__unused__))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

/* include/linux/kconfig.h */
#define __ARG_PLACEHOLDER_1	0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option)	__is_defined(option)
#define IS_MODULE(option)	__is_defined(option##_MODULE)
#define IS_ENABLED(option)	(IS_BUILTIN(option) || IS_MODULE(option))

#define BIT(nr)			(1UL << (nr))
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#define min(x, y) ({				\
	__typeof__(x) _min1 = (x);		\
	__typeof__(y) _min2 = (y);		\
	_min1 < _min2 ? _min1 : _min2; })
#define max(x, y) ({				\
	__typeof__(x) _max1 = (x);		\
	__typeof__(y) _max2 = (y);		\
	_max1 > _max2 ? _max1 : _max2; })

#define min_t(type, x, y) ({			\
	type __x = (x);				\
	type __y = (y);				\
	__x < __y ? __x : __y; })

/* What the fuzz target must never reach. */
static inline __noreturn void cifsroot_shim_unreachable(const char *what)
{
	fprintf(stderr, "cifsroot shim: %s called: not part of the parser\n",
		what);
	abort();
}

/* include/linux/printk.h: silent unless CIFSROOT_FUZZ_LOG is set */
static inline __printf(1, 2) void cifsroot_shim_log(const char *fmt, ...)
{
	va_list args;

	if (!getenv("CIFSROOT_FUZZ_LOG"))
		return;
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
}

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_err(fmt, ...)	cifsroot_shim_log(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	cifsroot_shim_log(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	cifsroot_shim_log(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	cifsroot_shim_log(pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...) \
	cifsroot_shim_log(pr_fmt(fmt), ##__VA_ARGS__)

static inline __printf(1, 2) __noreturn void panic(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	fputs("Kernel panic - not syncing: ", stderr);
	vfprintf(stderr, fmt, args);
	va_end(args);
	abort();
}

/* include/linux/init.h: keep the setup function referenced, unused */
#define __setup(str, fn) \
	static int (*const __setup_##fn)(char *) __maybe_unused = fn

/* lib/ctype.c and include/linux/ctype.h */
#define _U	0x01	/* upper */
#define _L	0x02	/* lower */
#define _D	0x04	/* digit */
#define _C	0x08	/* cntrl */
#define _P	0x10	/* punct */
#define _S	0x20	/* white space (space/lf/tab) */
#define _X	0x40	/* hex digit */
#define _SP	0x80	/* hard space (0x20) */

static const unsigned char _ctype[] = {
_C,_C,_C,_C,_C,_C,_C,_C,				/* 0-7 */
_C,_C|_S,_C|_S,_C|_S,_C|_S,_C|_S,_C,_C,			/* 8-15 */
_C,_C,_C,_C,_C,_C,_C,_C,				/* 16-23 */
_C,_C,_C,_C,_C,_C,_C,_C,				/* 24-31 */
_S|_SP,_P,_P,_P,_P,_P,_P,_P,				/* 32-39 */
_P,_P,_P,_P,_P,_P,_P,_P,				/* 40-47 */
_D,_D,_D,_D,_D,_D,_D,_D,				/* 48-55 */
_D,_D,_P,_P,_P,_P,_P,_P,				/* 56-63 */
_P,_U|_X,_U|_X,_U|_X,_U|_X,_U|_X,_U|_X,_U,		/* 64-71 */
_U,_U,_U,_U,_U,_U,_U,_U,				/* 72-79 */
_U,_U,_U,_U,_U,_U,_U,_U,				/* 80-87 */
_U,_U,_U,_P,_P,_P,_P,_P,				/* 88-95 */
_P,_L|_X,_L|_X,_L|_X,_L|_X,_L|_X,_L|_X,_L,		/* 96-103 */
_L,_L,_L,_L,_L,_L,_L,_L,				/* 104-111 */
_L,_L,_L,_L,_L,_L,_L,_L,				/* 112-119 */
_L,_L,_L,_P,_P,_P,_P,_C,				/* 120-127 */
0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,			/* 128-143 */
0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,			/* 144-159 */
_S|_SP,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,	/* 160-175 */
_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,_P,	/* 176-191 */
_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,_U,	/* 192-207 */
_U,_U,_U,_U,_U,_U,_U,_P,_U,_U,_U,_U,_U,_U,_U,_L,	/* 208-223 */
_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,_L,	/* 224-239 */
_L,_L,_L,_L,_L,_L,_L,_P,_L,_L,_L,_L,_L,_L,_L,_L};	/* 240-255 */

#define __ismask(x) (_ctype[(int)(unsigned char)(x)])
#define isalnum(c)	((__ismask(c)&(_U|_L|_D)) != 0)
#define isalpha(c)	((__ismask(c)&(_U|_L)) != 0)
#define iscntrl(c)	((__ismask(c)&(_C)) != 0)
#define isgraph(c)	((__ismask(c)&(_P|_U|_L|_D)) != 0)
#define islower(c)	((__ismask(c)&(_L)) != 0)
#define isprint(c)	((__ismask(c)&(_P|_U|_L|_D|_SP)) != 0)
#define ispunct(c)	((__ismask(c)&(_P)) != 0)
#define isspace(c)	((__ismask(c)&(_S)) != 0)
#define isupper(c)	((__ismask(c)&(_U)) != 0)
#define isxdigit(c)	((__ismask(c)&(_D|_X)) != 0)
#define isascii(c)	(((unsigned char)(c))<=0x7f)
/* the kernel's isdigit() looks at the char value, not at the table */
static inline int isdigit(int c)
{
	return '0' <= c && c <= '9';
}

static inline unsigned char __tolower(unsigned char c)
{
	if (isupper(c))
		c -= 'A'-'a';
	return c;
}
#define tolower(c) __tolower(c)
static inline char _tolower(const char c)
{
	return c | 0x20;
}

/* lib/string.c */
/* lib/string_helpers.c */
static inline char *skip_spaces(const char *str)
{
	while (isspace(*str))
		++str;
	return (char *)str;
}

static inline ssize_t strscpy(char *dest, const char *src, size_t count)
{
	size_t res = 0;

	if (count == 0 || count > INT_MAX)
		return -E2BIG;
	while (count) {
		char c = src[res];

		dest[res] = c;
		if (!c)
			return res;
		res++;
		count--;
	}
	/* Hit buffer length without finding a NUL; force NUL-termination. */
	if (res)
		dest[res - 1] = '\0';
	return -E2BIG;
}

static inline char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

static inline void memzero_explicit(void *s, size_t count)
{
	memset(s, 0, count);
	__asm__ __volatile__("" : : "r"(s) : "memory");
}

/* lib/vsprintf.c: the conversions cifsroot.c uses print as in libc */
static inline __printf(3, 0) int vscnprintf(char *buf, size_t size,
					    const char *fmt, va_list args)
{
	int i;

	if (unlikely(!size))
		return 0;
	i = vsnprintf(buf, size, fmt, args);
	if (likely(i < (ssize_t)size))
		return i;
	return size - 1;
}

static inline __printf(3, 4) int scnprintf(char *buf, size_t size,
					   const char *fmt, ...)
{
	va_list args;
	int i;

	va_start(args, fmt);
	i = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return i;
}

/* lib/hexdump.c */
static inline int hex_to_bin(unsigned char ch)
{
	unsigned char cu = ch & 0xdf;
	return -1 +
		((ch - '0' +  1) & (unsigned)((ch - '9' - 1) & ('0' - 1 - ch)) >> 8) +
		((cu - 'A' + 11) & (unsigned)((cu - 'F' - 1) & ('A' - 1 - cu)) >> 8);
}

/* lib/kstrtox.c */
#define KSTRTOX_OVERFLOW	(1U << 31)

static inline const char *_parse_integer_fixup_radix(const char *s,
						     unsigned int *base)
{
	if (*base == 0) {
		if (s[0] == '0') {
			if (_tolower(s[1]) == 'x' && isxdigit(s[2]))
				*base = 16;
			else
				*base = 8;
		} else
			*base = 10;
	}
	if (*base == 16 && s[0] == '0' && _tolower(s[1]) == 'x')
		s += 2;
	return s;
}

static inline unsigned int _parse_integer_limit(const char *s,
						unsigned int base,
						unsigned long long *p,
						size_t max_chars)
{
	unsigned long long res;
	unsigned int rv;

	res = 0;
	rv = 0;
	while (max_chars--) {
		unsigned int c = *s;
		unsigned int lc = c | 0x20; /* don't tolower() this line */
		unsigned int val;

		if ('0' <= c && c <= '9')
			val = c - '0';
		else if ('a' <= lc && lc <= 'f')
			val = lc - 'a' + 10;
		else
			break;

		if (val >= base)
			break;
		/*
		 * Check for overflow only if we are within range of
		 * it in the max base we support (16)
		 */
		if (unlikely(res & (~0ull << 60))) {
			if (res > (ULLONG_MAX - val) / base)
				rv |= KSTRTOX_OVERFLOW;
		}
		res = res * base + val;
		rv++;
		s++;
	}
	*p = res;
	return rv;
}

static inline int _kstrtoull(const char *s, unsigned int base,
			     unsigned long long *res)
{
	unsigned long long _res;
	unsigned int rv;

	s = _parse_integer_fixup_radix(s, &base);
	rv = _parse_integer_limit(s, base, &_res, INT_MAX);
	if (rv & KSTRTOX_OVERFLOW)
		return -ERANGE;
	if (rv == 0)
		return -EINVAL;
	s += rv;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = _res;
	return 0;
}

static inline int kstrtoull(const char *s, unsigned int base,
			    unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return _kstrtoull(s, base, res);
}

static inline int kstrtouint(const char *s, unsigned int base,
			     unsigned int *res)
{
	unsigned long long tmp;
	int rv;

	rv = kstrtoull(s, base, &tmp);
	if (rv < 0)
		return rv;
	if (tmp != (unsigned int)tmp)
		return -ERANGE;
	*res = tmp;
	return 0;
}

/* Byte order (x86 is little-endian) */
#define htonl(x)	((__be32)__builtin_bswap32((u32)(x)))
#define ntohl(x)	((u32)__builtin_bswap32((__be32)(x)))
#define htons(x)	((__be16)__builtin_bswap16((u16)(x)))
#define ntohs(x)	((u16)__builtin_bswap16((__be16)(x)))

/* include/uapi/linux/in.h, in6.h, socket.h */
#define AF_INET		2
#define AF_INET6	10
#define SOCK_DGRAM	2
#define IPPROTO_UDP	17
#define INADDR_NONE	((unsigned long int)0xffffffff)
#define INET_ADDRSTRLEN		16
#define INET6_ADDRSTRLEN	48

typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char __data[128 - sizeof(unsigned short)];
} __attribute__((aligned(8)));

struct in_addr {
	__be32 s_addr;
};

struct sockaddr_in {
	sa_family_t sin_family;
	__be16 sin_port;
	struct in_addr sin_addr;
	unsigned char __pad[8];
};

struct in6_addr {
	union {
		u8 u6_addr8[16];
		__be16 u6_addr16[8];
		__be32 u6_addr32[4];
	} in6_u;
#define s6_addr		in6_u.u6_addr8
#define s6_addr16	in6_u.u6_addr16
#define s6_addr32	in6_u.u6_addr32
};

struct sockaddr_in6 {
	unsigned short sin6_family;
	__be16 sin6_port;
	__be32 sin6_flowinfo;
	struct in6_addr sin6_addr;
	u32 sin6_scope_id;
};

/* net/core/utils.c */
static inline __be32 in_aton(const char *str)
{
	unsigned int l;
	unsigned int val;
	int i;

	l = 0;
	for (i = 0; i < 4; i++)	{
		l <<= 8;
		if (*str != '\0') {
			val = 0;
			while (*str != '\0' && *str != '.' && *str != '\n') {
				val *= 10;
				val += *str - '0';
				str++;
			}
			l |= val;
			if (*str != '\0')
				str++;
		}
	}
	return htonl(l);
}

#define IN6PTON_XDIGIT		0x00010000
#define IN6PTON_DIGIT		0x00020000
#define IN6PTON_COLON_MASK	0x00700000
#define IN6PTON_COLON_1		0x00100000	/* single : requested */
#define IN6PTON_COLON_2		0x00200000	/* second : requested */
#define IN6PTON_COLON_1_2	0x00400000	/* :: requested */
#define IN6PTON_DOT		0x00800000	/* . */
#define IN6PTON_DELIM		0x10000000
#define IN6PTON_NULL		0x20000000	/* first/tail */
#define IN6PTON_UNKNOWN		0x40000000

static inline int xdigit2bin(char c, int delim)
{
	int val;

	if (c == delim || c == '\0')
		return IN6PTON_DELIM;
	if (c == ':')
		return IN6PTON_COLON_MASK;
	if (c == '.')
		return IN6PTON_DOT;

	val = hex_to_bin(c);
	if (val >= 0)
		return val | IN6PTON_XDIGIT | (val < 10 ? IN6PTON_DIGIT : 0);

	if (delim == -1)
		return IN6PTON_DELIM;
	return IN6PTON_UNKNOWN;
}

static inline int in4_pton(const char *src, int srclen, u8 *dst, int delim,
			   const char **end)
{
	const char *s;
	u8 *d;
	u8 dbuf[4];
	int ret = 0;
	int i;
	int w = 0;

	if (srclen < 0)
		srclen = strlen(src);
	s = src;
	d = dbuf;
	i = 0;
	while (1) {
		int c;
		c = xdigit2bin(srclen > 0 ? *s : '\0', delim);
		if (!(c & (IN6PTON_DIGIT | IN6PTON_DOT | IN6PTON_DELIM | IN6PTON_COLON_MASK))) {
			goto out;
		}
		if (c & (IN6PTON_DOT | IN6PTON_DELIM | IN6PTON_COLON_MASK)) {
			if (w == 0)
				goto out;
			*d++ = w & 0xff;
			w = 0;
			i++;
			if (c & (IN6PTON_DELIM | IN6PTON_COLON_MASK)) {
				if (i != 4)
					goto out;
				break;
			}
			goto cont;
		}
		w = (w * 10) + c;
		if ((w & 0xffff) > 255) {
			goto out;
		}
cont:
		if (i >= 4)
			goto out;
		s++;
		srclen--;
	}
	ret = 1;
	memcpy(dst, dbuf, sizeof(dbuf));
out:
	if (end)
		*end = s;
	return ret;
}

static inline int in6_pton(const char *src, int srclen, u8 *dst, int delim,
			   const char **end)
{
	const char *s, *tok = NULL;
	u8 *d, *dc = NULL;
	u8 dbuf[16];
	int ret = 0;
	int i;
	int state = IN6PTON_COLON_1_2 | IN6PTON_XDIGIT | IN6PTON_NULL;
	int w = 0;

	memset(dbuf, 0, sizeof(dbuf));

	s = src;
	d = dbuf;
	if (srclen < 0)
		srclen = strlen(src);

	while (1) {
		int c;

		c = xdigit2bin(srclen > 0 ? *s : '\0', delim);
		if (!(c & state))
			goto out;
		if (c & (IN6PTON_DELIM | IN6PTON_COLON_MASK)) {
			/* process one 16-bit word */
			if (!(state & IN6PTON_NULL)) {
				*d++ = (w >> 8) & 0xff;
				*d++ = w & 0xff;
			}
			w = 0;
			if (c & IN6PTON_DELIM) {
				/* We've processed last word */
				break;
			}
			/*
			 * COLON_1 => XDIGIT
			 * COLON_2 => XDIGIT|DELIM
			 * COLON_1_2 => COLON_2
			 */
			switch (state & IN6PTON_COLON_MASK) {
			case IN6PTON_COLON_2:
				dc = d;
				state = IN6PTON_XDIGIT | IN6PTON_DELIM;
				if (dc - dbuf >= sizeof(dbuf))
					state |= IN6PTON_NULL;
				break;
			case IN6PTON_COLON_1|IN6PTON_COLON_1_2:
				state = IN6PTON_XDIGIT | IN6PTON_COLON_2;
				break;
			case IN6PTON_COLON_1:
				state = IN6PTON_XDIGIT;
				break;
			case IN6PTON_COLON_1_2:
				state = IN6PTON_COLON_2;
				break;
			default:
				state = 0;
			}
			tok = s + 1;
			goto cont;
		}

		if (c & IN6PTON_DOT) {
			ret = in4_pton(tok ? tok : s, srclen + (int)(s - tok), d, delim, &s);
			if (ret > 0) {
				d += 4;
				break;
			}
			goto out;
		}

		w = (w << 4) | (0xff & c);
		state = IN6PTON_COLON_1 | IN6PTON_DELIM;
		if (!(w & 0xf000)) {
			state |= IN6PTON_XDIGIT;
		}
		if (!dc && d + 2 < dbuf + sizeof(dbuf)) {
			state |= IN6PTON_COLON_1_2;
			state &= ~IN6PTON_DELIM;
		}
		if (d + 2 >= dbuf + sizeof(dbuf)) {
			state &= ~(IN6PTON_COLON_1|IN6PTON_COLON_1_2);
		}
cont:
		if ((dc && d + 4 < dbuf + sizeof(dbuf)) ||
		    d + 4 == dbuf + sizeof(dbuf)) {
			state |= IN6PTON_DOT;
		}
		if (d >= dbuf + sizeof(dbuf)) {
			state &= ~(IN6PTON_XDIGIT|IN6PTON_COLON_MASK);
		}
		s++;
		srclen--;
	}

	i = 15; d--;

	if (dc) {
		while (d >= dc)
			dst[i--] = *d--;
		while (i >= dc - dbuf)
			dst[i--] = 0;
		while (i >= 0)
			dst[i--] = *d--;
	} else
		memcpy(dst, dbuf, sizeof(dbuf));

	ret = 1;
out:
	if (end)
		*end = s;
	return ret;
}

/* The boot path: sockets, ipconfig, ROOT_DEV, time, files. Never called. */
struct net {
	int unused;
};
static struct net init_net __maybe_unused;

struct socket {
	int unused;
};

static inline int sock_create_kern(struct net *net, int family, int type,
				   int proto, struct socket **res)
{
	cifsroot_shim_unreachable("sock_create_kern");
}

static inline int kernel_connect(struct socket *sock, struct sockaddr *addr,
				 int addrlen, int flags)
{
	cifsroot_shim_unreachable("kernel_connect");
}

static inline int kernel_getsockname(struct socket *sock,
				     struct sockaddr *addr)
{
	cifsroot_shim_unreachable("kernel_getsockname");
	return -EOPNOTSUPP;
}

static inline void sock_release(struct socket *sock)
{
	cifsroot_shim_unreachable("sock_release");
}

static dev_t ROOT_DEV __maybe_unused;
#define Root_CIFS	((0U << 20) | 254)

/* include/net/ipconfig.h */
static char root_server_path[256] __maybe_unused;
static __be32 ic_myaddr __maybe_unused = 0xffffffff;
static __be32 root_server_addr __maybe_unused = 0xffffffff;
static struct in6_addr root_server_addr6 __maybe_unused;
static char *saved_command_line __maybe_unused;

/* include/linux/root_dev.h and mount.h, as the series patches them */
static unsigned int root_net_budget __maybe_unused;
int cifs_root_data(char **dev, char **opts);
const char *cifs_root_hint(int err);

/* include/linux/jiffies.h, delay.h */
#define HZ		100
#define jiffies		(cifsroot_shim_unreachable("jiffies"), 0UL)
#define time_after(a, b)	((long)((b) - (a)) < 0)
static inline unsigned long msecs_to_jiffies(const unsigned int m)
{
	cifsroot_shim_unreachable("msecs_to_jiffies");
}
static inline void msleep(unsigned int msecs)
{
	cifsroot_shim_unreachable("msleep");
}

/* include/linux/kernel_read_file.h, vmalloc.h, init_syscalls.h, fs.h */
enum kernel_read_file_id {
	READING_UNKNOWN,
};

static inline ssize_t kernel_read_file_from_path(const char *path,
						 loff_t offset, void **buf,
						 size_t buf_size,
						 size_t *file_size,
						 enum kernel_read_file_id id)
{
	cifsroot_shim_unreachable("kernel_read_file_from_path");
}

static inline void vfree(const void *addr)
{
	cifsroot_shim_unreachable("vfree");
}

static inline int init_unlink(const char *pathname)
{
	cifsroot_shim_unreachable("init_unlink");
}

/* include/linux/err.h */
#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return unlikely(!ptr) || IS_ERR_VALUE((unsigned long)ptr);
}

/* include/linux/slab.h: real allocations, so ASan sees misuse */
typedef unsigned int gfp_t;
#define GFP_KERNEL	0U
static inline void *kmalloc(size_t size, gfp_t flags)
{
	return malloc(size ? size : 1);
}
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return calloc(1, size ? size : 1);
}
static inline void kfree(const void *p)
{
	free((void *)p);
}
static inline void kfree_sensitive(const void *p)
{
	free((void *)p);
}

/* include/linux/fs.h, file.h: reading files is not the parser's job */
struct file {
	int unused;
};
#ifndef O_RDONLY
#define O_RDONLY	00000000
#endif
static inline struct file *filp_open(const char *name, int flags,
				     unsigned short mode)
{
	cifsroot_shim_unreachable("filp_open");
}
static inline int filp_close(struct file *filp, void *id)
{
	cifsroot_shim_unreachable("filp_close");
}
static inline ssize_t kernel_read(struct file *file, void *buf, size_t count,
				  loff_t *pos)
{
	cifsroot_shim_unreachable("kernel_read");
}
static inline void fput(struct file *file)
{
	cifsroot_shim_unreachable("fput");
}

#endif /* CIFSROOT_SHIM_H */
