// SPDX-License-Identifier: GPL-2.0
/*
 * SMB root file system: the cifsroot= boot parameter.
 *
 * cifsroot=[//<server>|/]<share>[/<path>...][,<option>[,<option>...]]
 *
 * The argument, or the root path that DHCP supplied, is parsed once,
 * strictly, into the UNC the client mounts and the option string it is
 * given. Nothing half-parsed is ever mounted: any error is reported in one
 * line and the boot stops with a panic that names it.
 * See Documentation/filesystems/cifs/cifsroot.rst.
 */

#define pr_fmt(fmt) "cifsroot: " fmt

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/init.h>
#include <linux/init_syscalls.h>
#include <linux/kernel.h>
#include <linux/kernel_read_file.h>
#include <linux/kstrtox.h>
#include <linux/mount.h>
#include <linux/printk.h>
#include <linux/root_dev.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <net/ipconfig.h>

#include "fs_context.h"

/* Longest "//server/share/path" accepted, in bytes, after %s is expanded. */
#define CIFS_ROOT_UNC_MAX	256
/* Longest option list accepted from one source, in bytes. */
#define CIFS_ROOT_OPTS_MAX	1024
/* Longest key of one option ("echo_interval" is 13). */
#define CIFS_ROOT_KEY_MAX	32
/* Room for the defaults in front of the user's options. */
#define CIFS_ROOT_DEFAULTS_MAX	96
/* Longest server address: an IPv6 address with an IPv4 tail. */
#define CIFS_ROOT_SERVER_MAX	45
/* Longest credentials file and path to it, in bytes. */
#define CIFS_ROOT_CREDS_MAX	1024
#define CIFS_ROOT_CREDS_PATH_MAX	128

/*
 * How long init/do_mounts.c retries errors that may go away (its backoff
 * is capped at 1 s), unless the retry= option says otherwise.
 */
#define CIFS_ROOT_BUDGET_S	90
#define CIFS_ROOT_BUDGET_MAX_S	86400

/**
 * struct cifs_root_source - what the SMB root is chosen from
 * @arg: the cifsroot= argument, or NULL
 * @dhcp: the root path DHCP supplied (option 17), or NULL
 * @boot_server: the boot server ipconfig learned, as a dotted quad, or
 *	NULL; the server of a UNC that starts with a single '/'
 * @client: this machine's IPv4 address as a dotted quad, or NULL; what %s
 *	in the share or path stands for
 */
struct cifs_root_source {
	const char *arg;
	const char *dhcp;
	const char *boot_server;
	const char *client;
};

/**
 * struct cifs_root_cfg - a parsed SMB root
 * @family: AF_INET or AF_INET6
 * @server: the server address as text, without brackets
 * @share: the share name followed by the optional sub-path
 * @unc: what the client mounts, "//@server/@share"
 * @opts: the option string the client is given: our defaults that the
 *	user did not replace, then the DHCP options that the command line
 *	did not replace, then the command line's, each in their order
 * @budget: how long to retry errors that may go away, in seconds
 * @creds: the credentials file to read username, password and domain from
 *	(in the initramfs), or ""
 * @why: on error, what is wrong, without any option value (a value may
 *	be a password)
 */
struct cifs_root_cfg {
	int family;
	char server[CIFS_ROOT_SERVER_MAX + 1];
	char share[CIFS_ROOT_UNC_MAX + 1];
	char unc[CIFS_ROOT_UNC_MAX + 1];
	char opts[CIFS_ROOT_DEFAULTS_MAX + 2 * CIFS_ROOT_OPTS_MAX +
		  2 * CIFS_ROOT_CREDS_MAX + 2];
	unsigned int budget;
	char creds[CIFS_ROOT_CREDS_PATH_MAX];
	char why[128];
};

/*
 * One comma-separated source: its UNC part and its options. A source from
 * the network (@untrusted) may not carry secrets or name files to read.
 */
struct cifs_root_list {
	const char *name;
	bool untrusted;
	const char *unc, *unc_end;
	const char *opts, *end;
};

/*
 * Our defaults, each with the keys that replace it. The reasons:
 *
 * vers=1.0: the 6.1 client offers the POSIX (UNIX) extensions only with
 *	SMB1; they are what make a share behave like a local root.
 * unix: owners, modes, device nodes, fifos, sockets, symlinks and hard
 *	links are stored as such on the server. Mounting fails rather than
 *	lying about them if the server does not offer the extensions.
 * hard: a root file system must not return EIO because the server
 *	restarted; requests wait for it to come back.
 * serverino: inode numbers come from the server, so hard links share one
 *	and tools that compare inode numbers work.
 * setuids: a new file belongs to the process that creates it (and to the
 *	group of a setgid directory), not to the account the share is
 *	mounted with: daemons running as their own users need that.
 * rootfs: tells the client this mount is the root file system.
 * iocharset=utf8: names are UTF-8 on Linux; the client's default, the
 *	NLS default codepage, would store "é" as two characters.
 * nomapposix: names are stored as typed, ":*?" and the rest included;
 *	with the POSIX path names of the extensions the server takes every
 *	byte but '/' and NUL, so nothing needs mapping to private-use
 *	characters.
 *
 * Deliberately absent: uid=/gid= (they force every owner to one value),
 * mfsymlinks (symlinks are native with the extensions) and rsize/wsize
 * (the client negotiates its maxima with the server).
 */
struct cifs_root_default {
	const char *opt;
	const char *key;
};

static const struct cifs_root_default cifs_root_defaults[] __initconst = {
	{ "vers=1.0", "vers" },
	{ "unix", "unix" },
	{ "hard", "hard" },
	{ "serverino", "serverino" },
	{ "setuids", "setuids" },
	{ "rootfs", "rootfs" },
	{ "iocharset=utf8", "iocharset" },
	{ "nomapposix", "mapposix" },
};

/* Keys that name the same client setting; the second is canonical. */
static const char *const cifs_root_aliases[][2] __initconst = {
	{ "linux", "unix" },
	{ "posix", "unix" },
	{ "soft", "hard" },
	{ "user", "username" },
	{ "pass", "password" },
	{ "dom", "domain" },
	{ "dirmode", "dir_mode" },
	{ "modefromsid", "modesid" },
	{ "idsfromsid", "setuidfromacl" },
	{ "ignorecase", "nocase" },
	{ "forcemand", "forcemandatorylock" },
	{ "signloosely", "ignore_signature" },
	{ "esize", "min_enc_offload" },
	{ "cred", "credentials" },
};

/* Keys that cifsroot= itself decides from the UNC. */
static const char *const cifs_root_reserved[] __initconst = {
	"unc", "source", "prefixpath", "ip", "addr",
};

/* Our own options, consumed here and not given to the client. */
#define CIFS_ROOT_OPT_RETRY	"retry"
#define CIFS_ROOT_OPT_CREDS	"credentials"

/* Options a root path from the network may not set. */
static const char *const cifs_root_local_only[] __initconst = {
	"password", "password2", "credentials",
};

/* Characters SMB does not allow in share and path names. */
static const char cifs_root_bad_name_chars[] __initconst = "\\:*?\"<>|";

/* Record what is wrong, prefixed with where it came from; returns false. */
static __printf(3, 4) bool __init cifs_root_fail(struct cifs_root_cfg *cfg,
						 const char *origin,
						 const char *fmt, ...)
{
	va_list args;
	int n;

	n = scnprintf(cfg->why, sizeof(cfg->why), "%s: ", origin);
	va_start(args, fmt);
	vsnprintf(cfg->why + n, sizeof(cfg->why) - n, fmt, args);
	va_end(args);
	return false;
}

/*
 * A strict dotted quad: four decimal octets 0-255, no sign, no leading
 * zero (inet_aton() would read "010" as octal 8), nothing else.
 */
static bool __init cifs_root_parse_ipv4(const char *s, size_t len)
{
	unsigned int octets = 0, val = 0, digits = 0;
	size_t i;

	for (i = 0; i <= len; i++) {
		if (i < len && isdigit(s[i])) {
			if (digits == 1 && val == 0)
				return false;
			val = val * 10 + (s[i] - '0');
			if (++digits > 3 || val > 255)
				return false;
			continue;
		}
		if (!digits || (i < len && s[i] != '.'))
			return false;
		octets++;
		val = 0;
		digits = 0;
	}
	return octets == 4;
}

/* [IPv6] with nothing else inside the brackets; no zone. */
static bool __init cifs_root_parse_ipv6(const char *s, size_t len)
{
	struct in6_addr addr;
	const char *end;

	if (len < 2 || len - 2 > CIFS_ROOT_SERVER_MAX)
		return false;
	if (s[0] != '[' || s[len - 1] != ']')
		return false;
	return in6_pton(s + 1, len - 2, addr.s6_addr, -1, &end) == 1 &&
	       end == s + len - 1;
}

/*
 * Copy @s to @cfg->share with %s replaced by the client's address and %%
 * by %; a trailing '/' is dropped.
 */
static bool __init cifs_root_expand(struct cifs_root_cfg *cfg,
				    const char *origin, const char *s,
				    size_t len, const char *client)
{
	char *p = cfg->share, *lim = cfg->share + sizeof(cfg->share);
	size_t i;

	for (i = 0; i < len && p < lim - 1; i++) {
		if (s[i] != '%') {
			*p++ = s[i];
			continue;
		}
		if (++i < len && s[i] == '%') {
			*p++ = '%';
		} else if (i < len && s[i] == 's') {
			if (!client)
				return cifs_root_fail(cfg, origin,
					"%%s needs the client's IPv4 address (ip=)");
			if (strlen(client) >= (size_t)(lim - p))
				break;
			p += strscpy(p, client, lim - p);
		} else {
			return cifs_root_fail(cfg, origin,
				"'%%' must be followed by s or %%");
		}
	}
	if (i < len || p - cfg->share + 3 + strlen(cfg->server) >
			CIFS_ROOT_UNC_MAX)
		return cifs_root_fail(cfg, origin,
				      "//server/share longer than %d bytes",
				      CIFS_ROOT_UNC_MAX);
	if (p > cfg->share && p[-1] == '/')
		p--;
	*p = '\0';
	return true;
}

/* Check the share and path in @cfg->share. */
static bool __init cifs_root_check_share(struct cifs_root_cfg *cfg,
					 const char *origin)
{
	const char *s = cfg->share;
	size_t i, start = 0, len = strlen(s);

	if (!len)
		return cifs_root_fail(cfg, origin, "no share name");
	for (i = 0; i <= len; i++) {
		size_t n = i - start;

		if (i < len && s[i] != '/') {
			if (strchr(cifs_root_bad_name_chars, s[i]))
				return cifs_root_fail(cfg, origin,
					"character '%c' not allowed in share or path",
					s[i]);
			continue;
		}
		if (!n)
			return cifs_root_fail(cfg, origin,
					      "empty share or path component");
		if ((n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.'))
			return cifs_root_fail(cfg, origin,
				"'.' and '..' are not allowed in the path");
		start = i + 1;
	}
	return true;
}

static const char *__init cifs_root_canonical_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_aliases); i++)
		if (!strcmp(key, cifs_root_aliases[i][0]))
			return cifs_root_aliases[i][1];
	return key;
}

/*
 * The setting an option names, so that "nounix", "linux" and "unix" are
 * seen as one: the key without its value, without a "no" prefix, with
 * aliases folded.
 */
static void __init cifs_root_option_key(const char *opt, size_t len, char *key)
{
	const char *eq = memchr(opt, '=', len);
	size_t n = min_t(size_t, eq ? eq - opt : len, CIFS_ROOT_KEY_MAX);

	if (n > 2 && !memcmp(opt, "no", 2) && !eq) {
		opt += 2;
		n -= 2;
	}
	memcpy(key, opt, n);
	key[n] = '\0';
	strscpy(key, cifs_root_canonical_key(key), CIFS_ROOT_KEY_MAX + 1);
}

static bool __init cifs_root_valid_key(const char *opt, size_t len)
{
	const char *eq = memchr(opt, '=', len);
	size_t i, n = eq ? eq - opt : len;

	if (!n || n > CIFS_ROOT_KEY_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!islower(opt[i]) && !isdigit(opt[i]) && opt[i] != '_')
			return false;
	return true;
}

/*
 * Iterate over the non-empty items of a comma-separated list. As for the
 * client, a doubled comma inside a value is a comma of the value, so that
 * "password=a,,b" is one item; cifs_root_split() refuses a value that
 * would end in one, which the client would read differently.
 */
static const char *__init cifs_root_next_item(const char *s,
					      const char *end, size_t *len)
{
	const char *p;

	while (s < end && *s == ',')
		s++;
	if (s >= end)
		return NULL;
	for (p = s; p < end && *p != ','; p++)
		if (p + 3 < end && p[1] == ',' && p[2] == ',' &&
		    p[3] != ',' && memchr(s, '=', p + 1 - s))
			p += 2;
	*len = p - s;
	return s;
}

/*
 * Is @opt (@n bytes, without "=value") a setting of the client, or
 * "no" and one that the client lets "no" negate?
 */
static bool __init cifs_root_client_key(const char *opt, size_t n)
{
	const struct fs_parameter_spec *p;
	bool no = n > 2 && !memcmp(opt, "no", 2);

	for (p = smb3_fs_parameters; p->name; p++) {
		size_t len = strlen(p->name);

		if (len == n && !memcmp(p->name, opt, n))
			return true;
		if (no && (p->flags & fs_param_neg_with_no) && len == n - 2 &&
		    !memcmp(p->name, opt + 2, n - 2))
			return true;
	}
	return false;
}

/* Is the key of @opt one of the client's, or one of our own options? */
static bool __init cifs_root_known_key(const char *opt, size_t len)
{
	const char *eq = memchr(opt, '=', len);
	size_t n = eq ? eq - opt : len;

	return (n == strlen(CIFS_ROOT_OPT_RETRY) &&
		!memcmp(opt, CIFS_ROOT_OPT_RETRY, n)) ||
	       cifs_root_client_key(opt, n);
}

/* Does the option list name the setting @key? */
static bool __init cifs_root_list_has(const char *opts, const char *end,
				      const char *key)
{
	char other[CIFS_ROOT_KEY_MAX + 1];
	const char *o;
	size_t len;

	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		cifs_root_option_key(o, len, other);
		if (!strcmp(key, other))
			return true;
	}
	return false;
}

/* Split one source into UNC and options and check what is in it. */
static bool __init cifs_root_split(struct cifs_root_cfg *cfg,
				   struct cifs_root_list *l, const char *s)
{
	char key[CIFS_ROOT_KEY_MAX + 1];
	unsigned int n = 0;
	const char *o;
	size_t len, i;

	l->unc = s;
	l->end = s + strlen(s);
	for (o = s; o < l->end; o++)
		if (*o < 0x20 || *o > 0x7e)
			return cifs_root_fail(cfg, l->name,
				"byte at offset %zu is not printable ASCII",
				(size_t)(o - s));
	l->unc_end = strchrnul(s, ',');
	l->opts = *l->unc_end ? l->unc_end + 1 : l->unc_end;
	if (l->unc_end - l->unc > CIFS_ROOT_UNC_MAX)
		return cifs_root_fail(cfg, l->name,
				      "//server/share longer than %d bytes",
				      CIFS_ROOT_UNC_MAX);
	if (l->end - l->opts > CIFS_ROOT_OPTS_MAX)
		return cifs_root_fail(cfg, l->name,
				      "options longer than %d bytes",
				      CIFS_ROOT_OPTS_MAX);

	for (o = l->opts; (o = cifs_root_next_item(o, l->end, &len)); o += len) {
		n++;
		if (!cifs_root_valid_key(o, len))
			return cifs_root_fail(cfg, l->name,
				"option %u: key must be 1-%d of a-z, 0-9, _",
				n, CIFS_ROOT_KEY_MAX);
		if (memchr(o, '=', len) && o + len + 1 < l->end &&
		    o[len + 1] == ',')
			return cifs_root_fail(cfg, l->name,
				"option %u: a value may not end in a comma",
				n);
		/* not named: it may be the tail of a password */
		if (!cifs_root_known_key(o, len))
			return cifs_root_fail(cfg, l->name,
				"option %u: not a cifs option (a comma in a value must be doubled)",
				n);
	}
	for (o = l->opts; (o = cifs_root_next_item(o, l->end, &len)); o += len) {
		cifs_root_option_key(o, len, key);
		for (i = 0; i < ARRAY_SIZE(cifs_root_reserved); i++)
			if (!strcmp(key, cifs_root_reserved[i]))
				return cifs_root_fail(cfg, l->name,
					"option '%s' is set from the server and share",
					key);
		for (i = 0; l->untrusted && i < ARRAY_SIZE(cifs_root_local_only); i++)
			if (!strcmp(key, cifs_root_local_only[i]))
				return cifs_root_fail(cfg, l->name,
					"option '%s' is only taken from the command line",
					key);
		if (cifs_root_list_has(o + len, l->end, key))
			return cifs_root_fail(cfg, l->name,
					      "option '%s' given twice", key);
	}
	return true;
}

/* Server, share and path from the UNC part of @l. */
static bool __init cifs_root_parse_unc(struct cifs_root_cfg *cfg,
				       const struct cifs_root_list *l,
				       const struct cifs_root_source *src)
{
	const char *s = l->unc, *share;
	size_t len;

	if (*s != '/')
		return cifs_root_fail(cfg, l->name,
				      "must start with //<server>/<share> or /<share>");
	if (s[1] == '/') {
		s += 2;
		share = memchr(s, '/', l->unc_end - s);
		if (!share)
			share = l->unc_end;
		len = share - s;
		if (!len)
			return cifs_root_fail(cfg, l->name,
					      "no server before the share");
		if (cifs_root_parse_ipv4(s, len)) {
			cfg->family = AF_INET;
			memcpy(cfg->server, s, len);
		} else if (cifs_root_parse_ipv6(s, len)) {
			cfg->family = AF_INET6;
			memcpy(cfg->server, s + 1, len - 2);
		} else {
			return cifs_root_fail(cfg, l->name,
				"server is not an IPv4 address or an [IPv6] address");
		}
		s = share;
	} else {
		if (!src->boot_server)
			return cifs_root_fail(cfg, l->name,
				"no server: give //<server>/<share>, or a boot server by DHCP or ip=");
		cfg->family = AF_INET;
		strscpy(cfg->server, src->boot_server, sizeof(cfg->server));
	}
	if (s < l->unc_end)
		s++;
	if (!cifs_root_expand(cfg, l->name, s, l->unc_end - s, src->client) ||
	    !cifs_root_check_share(cfg, l->name))
		return false;
	/* cifs_root_expand() checked the length; never truncate silently */
	if (snprintf(cfg->unc, sizeof(cfg->unc), "//%s/%s", cfg->server,
		     cfg->share) >= sizeof(cfg->unc))
		return cifs_root_fail(cfg, l->name,
				      "//server/share longer than %d bytes",
				      CIFS_ROOT_UNC_MAX);
	return true;
}

/* Take our own options out of the list: they are not the client's. */
static void __init cifs_root_set_budget(struct cifs_root_cfg *cfg,
					const char *origin, const char *val,
					size_t len)
{
	char num[12];

	cfg->budget = UINT_MAX;
	if (val && len < sizeof(num)) {
		memcpy(num, val, len);
		num[len] = '\0';
		if (kstrtouint(num, 10, &cfg->budget))
			cfg->budget = UINT_MAX;
	}
	if (cfg->budget > CIFS_ROOT_BUDGET_MAX_S)
		cifs_root_fail(cfg, origin,
			       "retry= takes seconds from 0 to %d",
			       CIFS_ROOT_BUDGET_MAX_S);
}

static void __init cifs_root_set_creds(struct cifs_root_cfg *cfg,
				       const char *origin, const char *val,
				       size_t len)
{
	if (!val || !len || *val != '/')
		cifs_root_fail(cfg, origin,
			       "credentials= takes an absolute path");
	else if (len >= sizeof(cfg->creds))
		cifs_root_fail(cfg, origin,
			       "credentials= path longer than %d bytes",
			       CIFS_ROOT_CREDS_PATH_MAX - 1);
	else
		memcpy(cfg->creds, val, len);
}

/*
 * Take our own options out of the list: they are not the client's.
 * Returns true when @o was ours; @cfg->why is set when it was bad.
 */
static bool __init cifs_root_own_option(struct cifs_root_cfg *cfg,
					const char *origin, const char *o,
					size_t len)
{
	char key[CIFS_ROOT_KEY_MAX + 1];
	const char *eq = memchr(o, '=', len);
	const char *val = eq ? eq + 1 : NULL;
	size_t n = eq ? len - (eq + 1 - o) : 0;

	cifs_root_option_key(o, len, key);
	if (!strcmp(key, CIFS_ROOT_OPT_RETRY))
		cifs_root_set_budget(cfg, origin, val, n);
	else if (!strcmp(key, CIFS_ROOT_OPT_CREDS))
		cifs_root_set_creds(cfg, origin, val, n);
	else
		return false;
	return true;
}

static void __init cifs_root_append(struct cifs_root_cfg *cfg, char **p,
				    const char *o, size_t len)
{
	char *lim = cfg->opts + sizeof(cfg->opts);

	*p += scnprintf(*p, lim - *p, "%s%.*s", *p == cfg->opts ? "" : ",",
			(int)len, o);
}

/*
 * Our defaults that neither source replaced, then the DHCP options (@base,
 * or NULL) that the command line (@top) did not replace, then the
 * command line's.
 */
static bool __init cifs_root_build_options(struct cifs_root_cfg *cfg,
					   const struct cifs_root_list *base,
					   const struct cifs_root_list *top)
{
	const struct cifs_root_list *lists[] = { base, top };
	char key[CIFS_ROOT_KEY_MAX + 1];
	char *p = cfg->opts;
	const char *o;
	size_t len, i;

	cfg->budget = CIFS_ROOT_BUDGET_S;
	for (i = 0; i < ARRAY_SIZE(cifs_root_defaults); i++) {
		if ((base && cifs_root_list_has(base->opts, base->end,
						cifs_root_defaults[i].key)) ||
		    (top && cifs_root_list_has(top->opts, top->end,
					       cifs_root_defaults[i].key)))
			continue;
		cifs_root_append(cfg, &p, cifs_root_defaults[i].opt,
				 strlen(cifs_root_defaults[i].opt));
	}
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		const struct cifs_root_list *l = lists[i];

		if (!l)
			continue;
		for (o = l->opts; (o = cifs_root_next_item(o, l->end, &len));
		     o += len) {
			cifs_root_option_key(o, len, key);
			if (l == base && top &&
			    cifs_root_list_has(top->opts, top->end, key))
				continue;
			if (cifs_root_own_option(cfg, l->name, o, len)) {
				if (cfg->why[0])
					return false;
				continue;
			}
			cifs_root_append(cfg, &p, o, len);
		}
	}
	return true;
}

/**
 * cifs_root_parse() - choose and parse the SMB root
 * @src: the cifsroot= argument and what ipconfig learned
 * @cfg: filled with the result; on error only @cfg->why is meaningful
 *
 * A pure function: it reads nothing but @src and writes nothing but @cfg.
 * When cifsroot= names a share, it is used alone; otherwise the DHCP root
 * path supplies the share and options, and options given on the command
 * line replace the DHCP ones of the same setting.
 *
 * Return: 0, or -EINVAL when the input is malformed or over a limit;
 * @cfg->why then says what is wrong.
 */
static int __init cifs_root_parse(const struct cifs_root_source *src,
				  struct cifs_root_cfg *cfg)
{
	struct cifs_root_list cmd = { .name = "cifsroot=" };
	struct cifs_root_list dhcp = { .name = "DHCP root path",
				       .untrusted = true };
	const struct cifs_root_list *unc;
	bool from_dhcp;

	memset(cfg, 0, sizeof(*cfg));
	if (src->arg && !cifs_root_split(cfg, &cmd, src->arg))
		return -EINVAL;
	from_dhcp = !src->arg || cmd.unc == cmd.unc_end;
	if (from_dhcp) {
		if (!src->dhcp || !*src->dhcp) {
			cifs_root_fail(cfg, "cifsroot=",
				       src->arg ? "no share, and DHCP gave no root path" :
				       "missing, and DHCP gave no root path");
			return -EINVAL;
		}
		if (!cifs_root_split(cfg, &dhcp, src->dhcp))
			return -EINVAL;
	}
	unc = from_dhcp ? &dhcp : &cmd;
	if (unc->unc == unc->unc_end) {
		cifs_root_fail(cfg, unc->name, "no //<server>/<share>");
		return -EINVAL;
	}
	if (!cifs_root_parse_unc(cfg, unc, src) ||
	    !cifs_root_build_options(cfg, from_dhcp ? &dhcp : NULL,
				     src->arg ? &cmd : NULL)) {
		cfg->unc[0] = '\0';
		cfg->opts[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

/* Does the canonical @key hold a secret? */
static bool __init cifs_root_secret(const char *key)
{
	return !strcmp(key, "password") || !strcmp(key, "password2");
}

/**
 * cifs_root_preparse() - what the network configuration needs to know early
 * @arg: the cifsroot= argument, or NULL
 * @cfg: filled with the server (@cfg->family 0 when cifsroot= names none)
 *	and the retry budget; nothing else is meaningful
 *
 * Called when cifsroot= is seen, before ipconfig runs: with a server
 * named, ipconfig needs no DHCP server; the budget bounds its retries.
 * Errors are left for cifs_root_parse() to report.
 */
static void __init cifs_root_preparse(const char *arg,
				      struct cifs_root_cfg *cfg)
{
	struct cifs_root_list l = { .name = "cifsroot=" };
	struct cifs_root_source src = { .arg = arg };
	char key[CIFS_ROOT_KEY_MAX + 1];
	const char *o, *eq;
	size_t len;

	memset(cfg, 0, sizeof(*cfg));
	cfg->budget = CIFS_ROOT_BUDGET_S;
	if (arg && cifs_root_split(cfg, &l, arg)) {
		/* the server is set before %s would need the client */
		if (l.unc[0] == '/' && l.unc[1] == '/')
			cifs_root_parse_unc(cfg, &l, &src);
		cfg->why[0] = '\0';
		for (o = l.opts; (o = cifs_root_next_item(o, l.end, &len));
		     o += len) {
			cifs_root_option_key(o, len, key);
			eq = memchr(o, '=', len);
			if (!strcmp(key, CIFS_ROOT_OPT_RETRY))
				cifs_root_set_budget(cfg, l.name,
						     eq ? eq + 1 : NULL,
						     eq ? len - (eq + 1 - o) : 0);
		}
	}
	if (cfg->why[0])
		cfg->budget = CIFS_ROOT_BUDGET_S;
	cfg->why[0] = '\0';
}

/*
 * Overwrite a value in place with "***" (a shorter one with as many '*'),
 * moving the rest of the string; returns the new length of the value.
 */
static size_t __init cifs_root_blank(char *val, size_t len)
{
	size_t n = min_t(size_t, len, 3);

	memset(val, '*', n);
	memmove(val + n, val + len, strlen(val + len) + 1);
	return n;
}

/**
 * cifs_root_scrub() - hide the passwords of cifsroot= in a command line
 * @cmdline: a kernel command line, changed in place
 *
 * Replaces the value of every password option of every cifsroot=
 * parameter by "***", so that /proc/cmdline does not show it to every
 * local user. Parameters are split as the kernel splits them: at spaces
 * outside double quotes.
 */
static void __init cifs_root_scrub(char *cmdline)
{
	static const char param[] = "cifsroot=";
	char key[CIFS_ROOT_KEY_MAX + 1];
	char *p = cmdline, *tok, *end, *o, *eq;
	bool quoted;
	size_t len;

	while (*p) {
		p = skip_spaces(p);
		tok = p;
		for (quoted = false; *p && (quoted || !isspace(*p)); p++)
			if (*p == '"')
				quoted = !quoted;
		end = p;
		if (*tok == '"')
			tok++;
		if (strncmp(tok, param, sizeof(param) - 1))
			continue;
		tok += sizeof(param) - 1;
		if (end > tok && end[-1] == '"')
			end--;
		for (o = tok; (o = (char *)cifs_root_next_item(o, end, &len));
		     o += len) {
			size_t vlen, shift;

			eq = memchr(o, '=', len);
			cifs_root_option_key(o, len, key);
			if (!eq || !cifs_root_secret(key))
				continue;
			eq++;
			vlen = o + len - eq;
			shift = vlen - cifs_root_blank(eq, vlen);
			len -= shift;
			end -= shift;
			p -= shift;
		}
	}
}

/*
 * Copy @opts to @buf with the value of every password option replaced by
 * "***", for messages. @buf is as large as @opts or larger.
 */
static void __init cifs_root_mask(const char *opts, char *buf, size_t size)
{
	const char *end = opts + strlen(opts), *o;
	char key[CIFS_ROOT_KEY_MAX + 1];
	char *p = buf;
	size_t len;

	*buf = '\0';
	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		const char *eq;
		bool secret;

		eq = memchr(o, '=', len);
		cifs_root_option_key(o, len, key);
		secret = eq && cifs_root_secret(key);
		p += scnprintf(p, buf + size - p, "%s%.*s%s",
			       p == buf ? "" : ",",
			       (int)(secret ? eq + 1 - o : len), o,
			       secret ? "***" : "");
	}
}

/* The settings a credentials file may hold, as canonical keys. */
static const char *const cifs_root_creds_keys[] __initconst = {
	"username", "password", "domain",
};

/*
 * Append the settings of a credentials file in mount.cifs's format
 * ("username=", "password=", "domain=" and their short forms, one a line,
 * '#' comments) to @cfg->opts. A comma in a value is doubled, which the
 * client reads as one comma. A setting the options already have, or that
 * the file repeats, is an error.
 */
static int __init cifs_root_parse_creds(struct cifs_root_cfg *cfg,
					const char *text, size_t size)
{
	const char *line, *eol, *end = text + size, *base = cfg->opts;
	const char *base_end = base + strlen(base);
	char *p = cfg->opts + strlen(cfg->opts);
	char *lim = cfg->opts + sizeof(cfg->opts) - 1;
	char key[CIFS_ROOT_KEY_MAX + 1];
	unsigned int n = 0, seen = 0;
	size_t i;

	if (size > CIFS_ROOT_CREDS_MAX) {
		cifs_root_fail(cfg, "credentials file", "longer than %d bytes",
			       CIFS_ROOT_CREDS_MAX);
		return -EINVAL;
	}
	for (line = text; line < end; line = eol + (eol < end)) {
		const char *eq, *v;
		size_t len;

		eol = memchr(line, '\n', end - line);
		if (!eol)
			eol = end;
		n++;
		len = eol - line;
		if (len && line[len - 1] == '\r')
			len--;
		if (!len || line[0] == '#')
			continue;
		eq = memchr(line, '=', len);
		if (!eq || !cifs_root_valid_key(line, len)) {
			cifs_root_fail(cfg, "credentials file",
				       "line %u is not key=value", n);
			return -EINVAL;
		}
		cifs_root_option_key(line, len, key);
		for (i = 0; i < ARRAY_SIZE(cifs_root_creds_keys); i++)
			if (!strcmp(key, cifs_root_creds_keys[i]))
				break;
		if (i == ARRAY_SIZE(cifs_root_creds_keys)) {
			cifs_root_fail(cfg, "credentials file",
				       "line %u: unknown key '%s'", n, key);
			return -EINVAL;
		}
		if ((seen & BIT(i)) || cifs_root_list_has(base, base_end, key)) {
			cifs_root_fail(cfg, "credentials file",
				       "line %u: '%s' given twice", n, key);
			return -EINVAL;
		}
		seen |= BIT(i);
		p += scnprintf(p, lim - p, ",%s=", key);
		for (v = eq + 1; v < line + len; v++) {
			if (*v < 0x20 || *v > 0x7e) {
				cifs_root_fail(cfg, "credentials file",
					       "line %u: value is not printable ASCII",
					       n);
				return -EINVAL;
			}
			if (p + 2 >= lim) {
				cifs_root_fail(cfg, "credentials file",
					       "longer than %d bytes",
					       CIFS_ROOT_CREDS_MAX);
				return -EINVAL;
			}
			/* the client could not read it back */
			if (*v == ',' && (v + 1 == line + len || v[1] == ',')) {
				cifs_root_fail(cfg, "credentials file",
					       "line %u: value ends in a comma or has two in a row",
					       n);
				return -EINVAL;
			}
			*p++ = *v;
			if (*v == ',')
				*p++ = ',';
		}
		*p = '\0';
	}
	return 0;
}

/* Read the credentials file from the initramfs, then remove it there. */
static int __init cifs_root_read_creds(struct cifs_root_cfg *cfg)
{
	void *buf = NULL;
	ssize_t size;
	int err;

	size = kernel_read_file_from_path(cfg->creds, 0, &buf,
					  CIFS_ROOT_CREDS_MAX, NULL,
					  READING_UNKNOWN);
	if (size < 0) {
		cifs_root_fail(cfg, "credentials file",
			       "cannot read %s (error %zd; at most %d bytes)",
			       cfg->creds, size, CIFS_ROOT_CREDS_MAX);
		return size;
	}
	err = cifs_root_parse_creds(cfg, buf, size);
	memzero_explicit(buf, size);
	vfree(buf);
	init_unlink(cfg->creds);
	return err;
}

/* The budget applies before cifsroot= is parsed, or without it. */
static struct cifs_root_cfg cifs_root __initdata = {
	.budget = CIFS_ROOT_BUDGET_S,
};

/* The options as logged: one password value may grow to "***". */
static char cifs_root_logged_opts[sizeof(cifs_root.opts) + 3] __initdata;
static char *cifs_root_arg __initdata;

/*
 * Tell the network configuration and the mount loop what they need before
 * the root is mounted: the server, if cifsroot= names it (then no DHCP
 * server is needed), and how long to retry.
 */
static void __init cifs_root_publish(void)
{
	root_net_budget = cifs_root.budget;
	if (cifs_root.family == AF_INET)
		root_server_addr = in_aton(cifs_root.server);
	else if (cifs_root.family == AF_INET6)
		in6_pton(cifs_root.server, -1, root_server_addr6.s6_addr, -1,
			 NULL);
}

static int __init cifs_root_setup(char *arg)
{
	ROOT_DEV = Root_CIFS;
	cifs_root_arg = arg;
	cifs_root_preparse(arg, &cifs_root);
	cifs_root_publish();
	cifs_root_scrub(saved_command_line);
	return 1;
}
__setup("cifsroot=", cifs_root_setup);

/**
 * cifs_root_data() - what to mount as the SMB root
 * @dev: set to the UNC, "//server/share[/path]"
 * @opts: set to the mount options
 *
 * Parses cifsroot= together with what ipconfig learned from DHCP; called
 * by init/do_mounts.c once the network is configured. The server is also
 * left in root_server_addr or root_server_addr6, for the route check.
 *
 * Return: 0, or -EINVAL when no valid root could be made (reported).
 */
int __init cifs_root_data(char **dev, char **opts)
{
	char client[sizeof("255.255.255.255")], server[sizeof(client)];
	struct cifs_root_source src = { .arg = cifs_root_arg };
	int err;

	if (root_server_path[0])
		src.dhcp = root_server_path;
	if (ic_myaddr != htonl(INADDR_NONE)) {
		snprintf(client, sizeof(client), "%pI4", &ic_myaddr);
		src.client = client;
	}
	if (root_server_addr != htonl(INADDR_NONE)) {
		snprintf(server, sizeof(server), "%pI4", &root_server_addr);
		src.boot_server = server;
	}
	err = cifs_root_parse(&src, &cifs_root);
	if (!err && cifs_root.creds[0])
		err = cifs_root_read_creds(&cifs_root);
	/* nothing else reads it, and it may hold a user name */
	memzero_explicit(root_server_path, strlen((char *)root_server_path));
	if (err) {
		pr_err("invalid root: %s\n", cifs_root.why);
		return err;
	}
	cifs_root_publish();
	cifs_root_mask(cifs_root.opts, cifs_root_logged_opts,
		       sizeof(cifs_root_logged_opts));
	pr_info("mounting %s with %s\n", cifs_root.unc, cifs_root_logged_opts);
	*dev = cifs_root.unc;
	*opts = cifs_root.opts;
	return 0;
}

/* What an error from the client means and what to check. */
struct cifs_root_hint {
	int err;
	const char *what;
	const char *check;
};

static const struct cifs_root_hint cifs_root_hints[] __initconst = {
	{ -EACCES, "access denied", "username and password" },
	{ -EKEYEXPIRED, "account expired or disabled",
	  "the account on the server" },
	{ -ENXIO, "share not found", "the share name on the server" },
	{ -ENOENT, "path not found", "the path after the share name" },
	{ -ENOTDIR, "path is not a directory", "the path after the share name" },
	{ -EOPNOTSUPP, "dialect, signing or UNIX extensions refused",
	  "that the server allows NT1 with unix extensions, and signing" },
	{ -EINVAL, "invalid mount option", "the cifs: messages above" },
	{ -ECONNREFUSED, "connection refused", "that smbd runs and the port" },
	{ -ECONNABORTED, "server not reachable",
	  "that the server is up and reachable" },
	{ -EHOSTDOWN, "server not reachable",
	  "that the server is up and reachable" },
	{ -EHOSTUNREACH, "no route to server", "the network and address" },
	{ -ENETUNREACH, "no route to server", "the network and address" },
	{ -ETIMEDOUT, "timed out", "that the server is up and reachable" },
	{ -EADDRNOTAVAIL, "no usable address of our own",
	  "the network configuration (ip=, router advertisements)" },
	{ -EAFNOSUPPORT, "address family not supported",
	  "that the kernel has IPv6 built in (CONFIG_IPV6=y)" },
};

static char cifs_root_hint_buf[128] __initdata;

/**
 * cifs_root_hint() - what a failed SMB root mount means and what to check
 * @err: the error of the mount
 *
 * Return: "<what>; check <what to check>" for the panic message, or NULL
 * for an error the client does not explain.
 */
const char *__init cifs_root_hint(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_hints); i++) {
		if (cifs_root_hints[i].err == err) {
			snprintf(cifs_root_hint_buf, sizeof(cifs_root_hint_buf),
				 "%s; check %s", cifs_root_hints[i].what,
				 cifs_root_hints[i].check);
			return cifs_root_hint_buf;
		}
	}
	return NULL;
}

#if IS_ENABLED(CONFIG_CIFS_ROOT_KUNIT_TEST)
#include "cifsroot_test.c"
#endif
