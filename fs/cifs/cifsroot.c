// SPDX-License-Identifier: GPL-2.0
/*
 * SMB root file system: the cifsroot= boot parameter.
 *
 * cifsroot=//<server>/<share>[/<path>...][,<option>[,<option>...]]
 *
 * The argument is parsed once, strictly, into the UNC the client mounts and
 * the option string it is given. Nothing half-parsed is ever mounted: any
 * error is reported in one line and the boot stops with a panic that names
 * it. See Documentation/filesystems/cifs/cifsroot.rst.
 */

#define pr_fmt(fmt) "cifsroot: " fmt

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/inet.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/root_dev.h>
#include <linux/string.h>

/* Longest "//server/share/path" accepted, in bytes. */
#define CIFS_ROOT_UNC_MAX	256
/* Longest option list accepted after the UNC, in bytes. */
#define CIFS_ROOT_OPTS_MAX	1024
/* Longest key of one option ("echo_interval" is 13). */
#define CIFS_ROOT_KEY_MAX	32
/* Room for the defaults in front of the user's options. */
#define CIFS_ROOT_DEFAULTS_MAX	64

/* Retry policy: exponential backoff within a total budget. */
#define CIFS_ROOT_DELAY_MIN_MS	250
#define CIFS_ROOT_DELAY_MAX_MS	4000
#define CIFS_ROOT_BUDGET_S	90

/**
 * struct cifs_root_cfg - a parsed cifsroot= argument
 * @server: the server address as text (a dotted quad)
 * @share: the share name followed by the optional sub-path
 * @unc: what the client mounts, "//@server/@share"
 * @opts: the option string the client is given: our defaults that the
 *	user did not replace, then the user's options in their order
 * @why: on error, what is wrong, without any option value (a value may
 *	be a password)
 */
struct cifs_root_cfg {
	char server[sizeof("255.255.255.255")];
	char share[CIFS_ROOT_UNC_MAX + 1];
	char unc[CIFS_ROOT_UNC_MAX + 1];
	char opts[CIFS_ROOT_DEFAULTS_MAX + CIFS_ROOT_OPTS_MAX + 1];
	char why[96];
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
 * rootfs: tells the client this mount is the root file system.
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
	{ "rootfs", "rootfs" },
};

/* Keys that name the same client setting; the second is canonical. */
static const char *const cifs_root_aliases[][2] __initconst = {
	{ "ver", "vers" },
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

/* Characters SMB does not allow in share and path names. */
static const char cifs_root_bad_name_chars[] __initconst = "\\:*?\"<>|";

static __printf(2, 3) bool __init cifs_root_fail(struct cifs_root_cfg *cfg,
						 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(cfg->why, sizeof(cfg->why), fmt, args);
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

/* Check "share[/path...]"; a trailing '/' is dropped. */
static bool __init cifs_root_parse_share(struct cifs_root_cfg *cfg,
					 const char *s, size_t len)
{
	size_t i, start = 0;

	if (len && s[len - 1] == '/')
		len--;
	if (!len)
		return cifs_root_fail(cfg, "no share name after the server");
	for (i = 0; i <= len; i++) {
		size_t n = i - start;

		if (i < len && s[i] != '/') {
			if (strchr(cifs_root_bad_name_chars, s[i]))
				return cifs_root_fail(cfg,
					"character '%c' not allowed in share or path",
					s[i]);
			continue;
		}
		if (!n)
			return cifs_root_fail(cfg, "empty share or path component");
		if ((n == 1 && s[start] == '.') ||
		    (n == 2 && s[start] == '.' && s[start + 1] == '.'))
			return cifs_root_fail(cfg,
				"'.' and '..' are not allowed in the path");
		start = i + 1;
	}
	memcpy(cfg->share, s, len);
	cfg->share[len] = '\0';
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
	size_t n = eq ? eq - opt : len;

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

/* Iterate over the non-empty items of a comma-separated list. */
static const char *__init cifs_root_next_item(const char *s,
					      const char *end, size_t *len)
{
	const char *comma;

	while (s < end && *s == ',')
		s++;
	if (s >= end)
		return NULL;
	comma = memchr(s, ',', end - s);
	*len = (comma ? comma : end) - s;
	return s;
}

/* Does the user's option list name the setting @key? */
static bool __init cifs_root_user_has(const char *opts, const char *end,
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

static bool __init cifs_root_check_options(struct cifs_root_cfg *cfg,
					   const char *opts, const char *end)
{
	char key[CIFS_ROOT_KEY_MAX + 1];
	unsigned int n = 0;
	const char *o;
	size_t len, i;

	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		n++;
		if (!cifs_root_valid_key(o, len))
			return cifs_root_fail(cfg,
				"option %u: key must be 1-%d of a-z, 0-9, _",
				n, CIFS_ROOT_KEY_MAX);
	}
	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		cifs_root_option_key(o, len, key);
		for (i = 0; i < ARRAY_SIZE(cifs_root_reserved); i++)
			if (!strcmp(key, cifs_root_reserved[i]))
				return cifs_root_fail(cfg,
					"option '%s' is set from the server and share",
					key);
		if (cifs_root_user_has(o + len, end, key))
			return cifs_root_fail(cfg, "option '%s' given twice",
					      key);
	}
	return true;
}

/* Our defaults the user did not replace, then the user's options. */
static void __init cifs_root_build_options(struct cifs_root_cfg *cfg,
					   const char *opts, const char *end)
{
	char *p = cfg->opts, *lim = cfg->opts + sizeof(cfg->opts);
	const char *o;
	size_t len, i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_defaults); i++)
		if (!cifs_root_user_has(opts, end, cifs_root_defaults[i].key))
			p += scnprintf(p, lim - p, "%s%s", p == cfg->opts ? "" : ",",
				       cifs_root_defaults[i].opt);
	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len)
		p += scnprintf(p, lim - p, "%s%.*s", p == cfg->opts ? "" : ",",
			       (int)len, o);
}

/**
 * cifs_root_parse() - parse a cifsroot= argument
 * @arg: the argument, "//server/share[/path][,options]"
 * @cfg: filled with the result; on error only @cfg->why is meaningful
 *
 * A pure function: it reads nothing but @arg and writes nothing but @cfg.
 *
 * Return: 0, -EINVAL for malformed input or -ENAMETOOLONG when a part is
 * over its limit; @cfg->why then says what is wrong.
 */
static int __init cifs_root_parse(const char *arg, struct cifs_root_cfg *cfg)
{
	const char *server, *share, *opts, *end;
	size_t i, len;

	memset(cfg, 0, sizeof(*cfg));
	if (!arg || !*arg) {
		cifs_root_fail(cfg, "empty argument");
		return -EINVAL;
	}
	len = strlen(arg);
	end = arg + len;
	for (i = 0; i < len; i++) {
		if (arg[i] < 0x20 || arg[i] > 0x7e) {
			cifs_root_fail(cfg,
				       "byte 0x%02x at offset %zu is not printable ASCII",
				       (unsigned char)arg[i], i);
			return -EINVAL;
		}
	}
	if (strncmp(arg, "//", 2)) {
		cifs_root_fail(cfg, "must start with //<server>/<share>");
		return -EINVAL;
	}
	opts = strchrnul(arg, ',');
	if (opts - arg > CIFS_ROOT_UNC_MAX) {
		cifs_root_fail(cfg, "//server/share longer than %d bytes",
			       CIFS_ROOT_UNC_MAX);
		return -ENAMETOOLONG;
	}
	if (end - opts > CIFS_ROOT_OPTS_MAX + 1) {
		cifs_root_fail(cfg, "options longer than %d bytes",
			       CIFS_ROOT_OPTS_MAX);
		return -ENAMETOOLONG;
	}

	server = arg + 2;
	share = memchr(server, '/', opts - server);
	if (!share)
		share = opts;
	if (share == server) {
		cifs_root_fail(cfg, "no server before the share");
		return -EINVAL;
	}
	if (!cifs_root_parse_ipv4(server, share - server)) {
		cifs_root_fail(cfg, "server is not an IPv4 address a.b.c.d");
		return -EINVAL;
	}
	memcpy(cfg->server, server, share - server);
	if (share < opts)
		share++;
	if (!cifs_root_parse_share(cfg, share, opts - share))
		return -EINVAL;
	snprintf(cfg->unc, sizeof(cfg->unc), "//%s/%s", cfg->server,
		 cfg->share);

	if (*opts)
		opts++;
	if (!cifs_root_check_options(cfg, opts, end))
		return -EINVAL;
	cifs_root_build_options(cfg, opts, end);
	return 0;
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
		const char *eq = memchr(o, '=', len);
		bool secret;

		cifs_root_option_key(o, len, key);
		secret = eq && !strcmp(key, "password");
		p += scnprintf(p, buf + size - p, "%s%.*s%s",
			       p == buf ? "" : ",",
			       (int)(secret ? eq + 1 - o : len), o,
			       secret ? "***" : "");
	}
}

static struct cifs_root_cfg cifs_root __initdata;
/* The options as logged: one password value may grow to "***". */
static char cifs_root_logged_opts[sizeof(cifs_root.opts) + 3] __initdata;
static int cifs_root_err __initdata = -ENOENT;

static int __init cifs_root_setup(char *arg)
{
	ROOT_DEV = Root_CIFS;
	cifs_root_err = cifs_root_parse(arg, &cifs_root);
	if (cifs_root_err)
		pr_err("invalid cifsroot=: %s\n", cifs_root.why);
	return 1;
}
__setup("cifsroot=", cifs_root_setup);

/**
 * cifs_root_data() - what to mount as the SMB root
 * @dev: set to the UNC, "//server/share[/path]"
 * @opts: set to the mount options
 *
 * Return: 0, or a negative errno when cifsroot= was missing or invalid
 * (already reported).
 */
int __init cifs_root_data(char **dev, char **opts)
{
	if (cifs_root_err == -ENOENT)
		pr_err("root=/dev/cifs needs cifsroot=//<server>/<share>\n");
	if (cifs_root_err)
		return cifs_root_err;
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
};

static bool __init cifs_root_permanent(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
	case -EKEYEXPIRED:
	case -ENXIO:
	case -ENOENT:
	case -ENOTDIR:
	case -EOPNOTSUPP:
	case -EINVAL:
	case -ENODEV:
		return true;
	}
	return false;
}

static unsigned long cifs_root_deadline __initdata;
static unsigned int cifs_root_delay_ms __initdata;

/**
 * cifs_root_retry() - decide whether to try the SMB root mount again
 * @err: the error of the last attempt
 *
 * Errors that retrying cannot fix end at once; others are retried with an
 * exponential backoff until the budget is spent. Sleeps before returning
 * true.
 *
 * Return: true to try again.
 */
bool __init cifs_root_retry(int err)
{
	if (cifs_root_permanent(err))
		return false;
	if (!cifs_root_delay_ms) {
		cifs_root_deadline = jiffies + CIFS_ROOT_BUDGET_S * HZ;
		cifs_root_delay_ms = CIFS_ROOT_DELAY_MIN_MS;
	}
	if (time_after(jiffies + msecs_to_jiffies(cifs_root_delay_ms),
		       cifs_root_deadline))
		return false;
	pr_info_ratelimited("%s: error %d, retrying in %u ms\n", cifs_root.unc,
			    err, cifs_root_delay_ms);
	msleep(cifs_root_delay_ms);
	cifs_root_delay_ms = min(cifs_root_delay_ms * 2, CIFS_ROOT_DELAY_MAX_MS);
	return true;
}

/**
 * cifs_root_panic() - stop the boot with one message naming the failure
 * @err: the last error of the mount, or of cifsroot= itself
 */
void __init __noreturn cifs_root_panic(int err)
{
	const char *what = "unexpected error", *check = "the cifs: messages above";
	size_t i;

	if (!cifs_root.unc[0])
		panic("cifsroot: no valid cifsroot= (%s): check the kernel command line\n",
		      cifs_root.why[0] ? cifs_root.why : "missing");
	for (i = 0; i < ARRAY_SIZE(cifs_root_hints); i++) {
		if (cifs_root_hints[i].err == err) {
			what = cifs_root_hints[i].what;
			check = cifs_root_hints[i].check;
			break;
		}
	}
	panic("cifsroot: cannot mount root: server %s, share %s: error %d (%s); check %s\n",
	      cifs_root.server, cifs_root.share, err, what, check);
}

#if IS_ENABLED(CONFIG_CIFS_ROOT_KUNIT_TEST)
#include "cifsroot_test.c"
#endif
