// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the cifsroot= parser: fs/cifs/cifsroot.c compiled
 * as it is, against the shims in include/, with invariants that must hold
 * for every input.
 *
 * Input: one flags byte, then up to five fields separated by NUL bytes:
 *
 *	flags arg \0 dhcp \0 boot_server \0 client \0 credentials file
 *
 * Bit n of the flags says whether field n is given at all (NULL when not,
 * and when the input ends before it). The boot server and the client are
 * dotted quads in the kernel (%pI4): a field that is not one is turned into
 * one from its first bytes. The credentials file is the rest of the input,
 * NUL bytes included, and is parsed as cifs_root_data() would when the
 * parse succeeded.
 */

#undef CONFIG_CIFS_ROOT_KUNIT_TEST
#include "../../../../fs/cifs/cifsroot.c"

#include <stdint.h>

/* Never in fixed text, never a key: seen in a message only if leaked. */
#define CANARY "S3cr3t!Pw"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "cifsroot_fuzz: %s:%d: invariant failed: %s\n", \
			__FILE__, __LINE__, #cond);			\
		fprintf(stderr, "cifsroot_fuzz: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		dump_input();						\
		abort();						\
	}								\
} while (0)

static const char *cur_field[5];
static size_t cur_len[5];

static void dump_field(const char *name, const char *s, size_t len)
{
	size_t i;

	fprintf(stderr, "  %-12s ", name);
	if (!s) {
		fputs("NULL\n", stderr);
		return;
	}
	fputc('"', stderr);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c >= 0x20 && c <= 0x7e)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
}

static void dump_input(void)
{
	static const char *const names[] = {
		"arg", "dhcp", "boot_server", "client", "credentials",
	};
	size_t i;

	fputs("cifsroot_fuzz: input:\n", stderr);
	for (i = 0; i < 5; i++)
		dump_field(names[i], cur_field[i], cur_len[i]);
}

static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Share and path as cifs_root_check_share() promises them. */
static bool valid_share(const char *s)
{
	const char *c = s;

	if (!*s || *s == '/' || s[strlen(s) - 1] == '/')
		return false;
	for (;;) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (strcspn(c, cifs_root_bad_name_chars) < n)
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

/*
 * The option list as the 6.1 client reads it
 * (smb3_fs_context_parse_monolithic()): items end at a single comma, a
 * doubled comma is a comma inside the item, an empty item ends the list.
 * For each item, @pos maps its bytes back to offsets in @s.
 */
struct citem {
	char text[8192];
	size_t pos[8192];
	size_t len;
	size_t eq;	/* offset of the first '=', or len */
};

static size_t client_next(const char *s, size_t n, size_t p,
			  struct citem *it)
{
	size_t i = p;

	it->len = 0;
	if (p >= n || s[p] == ',')
		return n + 1;
	while (i < n) {
		if (s[i] == ',') {
			if (i + 1 < n && s[i + 1] == ',') {
				it->pos[it->len] = i;
				it->text[it->len++] = ',';
				i += 2;
				continue;
			}
			break;
		}
		it->pos[it->len] = i;
		it->text[it->len++] = s[i++];
	}
	it->text[it->len] = '\0';
	it->eq = strcspn(it->text, "=");
	return i < n ? i + 1 : n;
}

/* The client's loop itself, on a copy, to check client_next() against. */
static void client_literal_check(const char *s)
{
	size_t n = strlen(s), p = 0;
	char *copy = strdup(s), *options = copy, *key;
	static struct citem it;

	CHECK(copy, "out of memory");
	while ((key = strsep(&options, ",")) != NULL) {
		size_t len;

		if (*key == 0)
			break;
		while (options && options[0] == ',') {
			len = strlen(key);
			memmove(key + len, options, strlen(options) + 1);
			options = strchr(options, ',');
			if (options)
				*options++ = 0;
		}
		p = client_next(s, n, p, &it);
		CHECK(p <= n && !strcmp(it.text, key),
		      "client model: item '%s', client '%s' in '%s'", it.text,
		      key, s);
	}
	CHECK(client_next(s, n, p, &it) > n,
	      "client model: more items than the client reads in '%s'", s);
	free(copy);
}

static bool client_is_password(const struct citem *it)
{
	return it->eq < it->len &&
	       ((it->eq == 4 && !memcmp(it->text, "pass", 4)) ||
		(it->eq == 8 && !memcmp(it->text, "password", 8)));
}

/* Another byte in place of @c that keeps it printable and not , or =. */
static char other_byte(char c)
{
	if (c < 0x20 || c > 0x7e || c == ',' || c == '=')
		return c;
	return c == 'x' ? 'y' : 'x';
}

/*
 * cifs_root_mask() as cifs_root_data() calls it: the output must not
 * change when the bytes of the password, as the client reads @opts, do.
 */
static void check_mask(const char *opts)
{
	static char out[sizeof(cifs_root.opts) + 3], out2[sizeof(out)];
	static char changed[sizeof(cifs_root.opts)];
	static struct citem it;
	size_t n = strlen(opts), p = 0, i, passwords = 0;

	CHECK(n < sizeof(changed), "options of %zu bytes", n);
	client_literal_check(opts);
	memcpy(changed, opts, n + 1);
	while ((p = client_next(opts, n, p, &it)) <= n) {
		if (!client_is_password(&it))
			continue;
		passwords++;
		for (i = it.eq + 1; i < it.len; i++)
			changed[it.pos[i]] = other_byte(changed[it.pos[i]]);
	}
	CHECK(passwords <= 1, "%zu passwords in '%s'", passwords, opts);

	memset(out, 0xa5, sizeof(out));
	cifs_root_mask(opts, out, sizeof(out));
	CHECK(terminated(out, sizeof(out)), "mask output not terminated");
	memset(out2, 0xa5, sizeof(out2));
	cifs_root_mask(changed, out2, sizeof(out2));
	CHECK(!strcmp(out, out2),
	      "mask shows the password: '%s' gives '%s', '%s' gives '%s'",
	      opts, out, changed, out2);
}

/* Every key of a parsed option list: valid, given once, not ours. */
static void check_opts_keys(const char *opts)
{
	const char *end = opts + strlen(opts), *o;
	char key[CIFS_ROOT_KEY_MAX + 1];
	size_t len, i;

	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		CHECK(cifs_root_valid_key(o, len), "bad key in '%s'", opts);
		cifs_root_option_key(o, len, key);
		CHECK(strcmp(key, CIFS_ROOT_OPT_RETRY) &&
		      strcmp(key, CIFS_ROOT_OPT_CREDS),
		      "'%s' passed to the client in '%s'", key, opts);
		for (i = 0; i < ARRAY_SIZE(cifs_root_reserved); i++)
			CHECK(strcmp(key, cifs_root_reserved[i]),
			      "reserved '%s' in '%s'", key, opts);
		CHECK(!cifs_root_list_has(o + len, end, key),
		      "'%s' twice in '%s'", key, opts);
	}
}

/*
 * The client splits options as smb3_fs_context_parse_monolithic() does:
 * at commas, a doubled comma joining the next text to the item, stopping
 * at an empty item. It must see exactly our items, each with its doubled
 * commas made single.
 */
static void check_client_split(const char *opts)
{
	const char *end = opts + strlen(opts), *o;
	char *buf = strdup(opts), *options = buf, *key, *want;
	size_t len, n = 0, i;

	for (o = opts; (o = cifs_root_next_item(o, end, &len)); o += len) {
		key = strsep(&options, ",");
		CHECK(key && *key, "client stops before item %zu of '%s'", n,
		      opts);
		while (options && options[0] == ',') {
			/* strcpy(key + strlen(key), options), without overlap */
			memmove(key + strlen(key), options, strlen(options) + 1);
			options = strchr(options, ',');
			if (options)
				*options++ = 0;
		}
		want = strndup(o, len);
		for (i = 0; want[i]; i++)
			if (want[i] == ',' && want[i + 1] == ',')
				memmove(want + i + 1, want + i + 2,
					strlen(want + i + 2) + 1);
		CHECK(!strcmp(key, want), "client reads '%s' for '%s' in '%s'",
		      key, want, opts);
		free(want);
		n++;
	}
	CHECK(!options || !strsep(&options, ","),
	      "client reads more than %zu items in '%s'", n, opts);
	free(buf);
}

/*
 * /proc/cmdline: with the argument between other parameters, scrubbing
 * leaves those alone and every password value of it "*", "**" or "***".
 */
static void check_scrub(const char *arg)
{
	static const char head[] = "root=/dev/cifs cifsroot=", tail[] = " quiet";
	size_t n = strlen(arg), len, i;
	char key[CIFS_ROOT_KEY_MAX + 1];
	const char *o, *end, *eq;
	char *buf;

	for (i = 0; i < n; i++)		/* the kernel's isspace(): 0xa0 too */
		if (isspace(arg[i]) || arg[i] == '"')
			return;	/* split and quoted as the kernel does: not here */
	buf = malloc(sizeof(head) + n + sizeof(tail));
	CHECK(buf, "out of memory");
	sprintf(buf, "%s%s%s", head, arg, tail);
	cifs_root_scrub(buf);
	n = strlen(buf);
	CHECK(!strncmp(buf, head, sizeof(head) - 1) && n >= sizeof(head) +
	      sizeof(tail) - 2 && !strcmp(buf + n - strlen(tail), tail),
	      "scrub changed other parameters: '%s'", buf);
	end = buf + n - strlen(tail);
	for (o = buf + sizeof(head) - 1;
	     (o = cifs_root_next_item(o, end, &len)); o += len) {
		eq = memchr(o, '=', len);
		cifs_root_option_key(o, len, key);
		if (!eq || !cifs_root_secret(key))
			continue;
		CHECK(o + len - eq - 1 <= 3, "scrubbed value over 3 bytes: '%s'",
		      buf);
		for (i = 1; eq + i < o + len; i++)
			CHECK(eq[i] == '*', "password shown: '%s'", buf);
	}
	free(buf);
}

static void check_error(int ret, const struct cifs_root_cfg *cfg)
{
	CHECK(ret == -EINVAL, "error %d", ret);
	CHECK(terminated(cfg->why, sizeof(cfg->why)), "why not terminated");
	CHECK(cfg->why[0], "no reason given");
	CHECK(!strstr(cfg->why, CANARY), "why shows a value: %s", cfg->why);
}

static void check_success(const struct cifs_root_cfg *cfg)
{
	struct in6_addr a6;
	const char *end;
	size_t n;

	CHECK(!cfg->why[0], "success with a reason: %.128s", cfg->why);
	CHECK(terminated(cfg->unc, sizeof(cfg->unc)), "unc not terminated");
	CHECK(terminated(cfg->opts, sizeof(cfg->opts)), "opts not terminated");
	CHECK(terminated(cfg->server, sizeof(cfg->server)),
	      "server not terminated");
	CHECK(terminated(cfg->share, sizeof(cfg->share)),
	      "share not terminated");
	CHECK(terminated(cfg->creds, sizeof(cfg->creds)),
	      "creds not terminated");
	n = strlen(cfg->unc);
	CHECK(n <= CIFS_ROOT_UNC_MAX, "unc of %zu bytes", n);
	CHECK(!strncmp(cfg->unc, "//", 2), "unc '%s'", cfg->unc);
	CHECK(printable(cfg->unc), "unc not printable");
	CHECK(printable(cfg->opts), "opts not printable");
	CHECK(printable(cfg->creds), "creds not printable");
	CHECK(!cfg->creds[0] || cfg->creds[0] == '/', "creds '%s'", cfg->creds);
	CHECK(cfg->budget <= CIFS_ROOT_BUDGET_MAX_S, "budget %u", cfg->budget);
	CHECK(n == 3 + strlen(cfg->server) + strlen(cfg->share) &&
	      !strncmp(cfg->unc + 2, cfg->server, strlen(cfg->server)) &&
	      cfg->unc[2 + strlen(cfg->server)] == '/' &&
	      !strcmp(cfg->unc + 3 + strlen(cfg->server), cfg->share),
	      "unc '%s' is not //'%s'/'%s'", cfg->unc, cfg->server, cfg->share);
	if (cfg->family == AF_INET)
		CHECK(cifs_root_parse_ipv4(cfg->server, strlen(cfg->server)),
		      "IPv4 server '%s'", cfg->server);
	else
		CHECK(cfg->family == AF_INET6 &&
		      in6_pton(cfg->server, -1, a6.s6_addr, -1, &end) == 1 &&
		      !*end, "family %d, server '%s'", cfg->family,
		      cfg->server);
	CHECK(valid_share(cfg->share), "share '%s'", cfg->share);
	CHECK(cfg->opts[0] && cfg->opts[0] != ',' &&
	      cfg->opts[strlen(cfg->opts) - 1] != ',' &&
	      !strstr(cfg->opts, ",,,"), "empty item in '%s'", cfg->opts);
	check_client_split(cfg->opts);
	check_opts_keys(cfg->opts);
	check_mask(cfg->opts);
}

/*
 * The values of options, other than ours, must not change the outcome:
 * then no message can show one. @s is changed in place; the UNC part and
 * the values of retry= and credentials=, which are checked, are kept.
 */
static void change_values(char *s)
{
	char key[CIFS_ROOT_KEY_MAX + 1];
	char *o = strchr(s, ','), *eq;
	size_t len, i;

	while (o) {
		o++;
		len = strcspn(o, ",");
		eq = memchr(o, '=', len);
		if (eq && eq - o <= CIFS_ROOT_KEY_MAX) {
			cifs_root_option_key(o, len, key);
			if (!strcmp(key, CIFS_ROOT_OPT_RETRY) ||
			    !strcmp(key, CIFS_ROOT_OPT_CREDS))
				eq = NULL;
		}
		if (eq)
			for (i = eq + 1 - o; i < len; i++)
				o[i] = other_byte(o[i]);
		o = o[len] ? o + len : NULL;
	}
}

static void check_values_unseen(const struct cifs_root_source *src,
				int ret, const struct cifs_root_cfg *cfg)
{
	static struct cifs_root_cfg cfg2;
	struct cifs_root_source src2 = *src;
	char *arg = src->arg ? strdup(src->arg) : NULL;
	char *dhcp = src->dhcp ? strdup(src->dhcp) : NULL;
	int ret2;

	if (arg)
		change_values(arg);
	if (dhcp)
		change_values(dhcp);
	src2.arg = arg;
	src2.dhcp = dhcp;
	ret2 = cifs_root_parse(&src2, &cfg2);
	CHECK(ret2 == ret && !strcmp(cfg2.why, cfg->why) &&
	      !strcmp(cfg2.unc, cfg->unc),
	      "an option value changes the outcome: %d '%s' '%s', then %d '%s' '%s'",
	      ret, cfg->why, cfg->unc, ret2, cfg2.why, cfg2.unc);
	free(arg);
	free(dhcp);
}

/*
 * A parsed root given back as cifsroot= alone parses to itself: the
 * defaults are then the user's, in the same place.
 */
static void check_fixed_point(const struct cifs_root_cfg *cfg)
{
	static struct cifs_root_cfg cfg2;
	struct cifs_root_source src2 = { 0 };
	static char arg[CIFS_ROOT_UNC_MAX + 3 + sizeof(cfg->opts)];
	int unc, ret;

	if (strchr(cfg->share, '%') || strlen(cfg->opts) > CIFS_ROOT_OPTS_MAX)
		return;
	if (cfg->family == AF_INET6)
		unc = snprintf(arg, sizeof(arg), "//[%s]/%s", cfg->server,
			       cfg->share);
	else
		unc = snprintf(arg, sizeof(arg), "//%s/%s", cfg->server,
			       cfg->share);
	if (unc > CIFS_ROOT_UNC_MAX)
		return;
	snprintf(arg + unc, sizeof(arg) - unc, ",%s", cfg->opts);
	src2.arg = arg;
	ret = cifs_root_parse(&src2, &cfg2);
	CHECK(!ret && !strcmp(cfg2.unc, cfg->unc) &&
	      !strcmp(cfg2.opts, cfg->opts),
	      "'%s' parses to %d '%s' '%s' '%s'", arg, ret, cfg2.why,
	      cfg2.unc, cfg2.opts);
}

/* The credentials file's settings, as the client reads them afterwards. */
static void check_creds_values(const char *text, size_t size,
			       const char *opts)
{
	static struct citem it;
	const char *line, *eol, *end = text + size;
	char key[CIFS_ROOT_KEY_MAX + 1];
	size_t n = strlen(opts), p, len, found;

	for (line = text; line < end; line = eol + (eol < end)) {
		const char *eq;

		eol = memchr(line, '\n', end - line);
		if (!eol)
			eol = end;
		len = eol - line;
		if (len && line[len - 1] == '\r')
			len--;
		if (!len || line[0] == '#')
			continue;
		eq = memchr(line, '=', len);
		CHECK(eq && eq - line <= CIFS_ROOT_KEY_MAX,
		      "accepted line '%.*s'", (int)len, line);
		cifs_root_option_key(line, len, key);
		found = 0;
		for (p = 0; (p = client_next(opts, n, p, &it)) <= n;) {
			if (it.eq != strlen(key) || memcmp(it.text, key, it.eq))
				continue;
			found++;
			CHECK(it.len - it.eq - 1 == (size_t)(line + len - eq - 1) &&
			      !memcmp(it.text + it.eq + 1, eq + 1, it.len - it.eq - 1),
			      "client reads %s '%s', file has '%.*s'", key,
			      it.text + it.eq + 1, (int)(line + len - eq - 1),
			      eq + 1);
		}
		CHECK(found == 1, "client reads %s %zu times", key, found);
	}
}

/* Change the printable bytes of every value in a credentials file. */
static void change_creds_values(char *text, size_t size)
{
	char *line, *eol, *end = text + size, *eq, *v;
	size_t len;

	for (line = text; line < end; line = eol + (eol < end)) {
		eol = memchr(line, '\n', end - line);
		if (!eol)
			eol = end;
		len = eol - line;
		if (len && line[len - 1] == '\r')
			len--;
		eq = memchr(line, '=', len);
		if (!len || line[0] == '#' || !eq)
			continue;
		for (v = eq + 1; v < line + len; v++)
			*v = other_byte(*v);
	}
}

static void check_creds(const struct cifs_root_cfg *parsed,
			const char *text, size_t size)
{
	static struct cifs_root_cfg cfg, cfg2;
	char *copy;
	int ret, ret2;

	cfg = *parsed;
	ret = cifs_root_parse_creds(&cfg, text, size);
	CHECK(terminated(cfg.why, sizeof(cfg.why)), "why not terminated");
	CHECK(terminated(cfg.opts, sizeof(cfg.opts)), "opts not terminated");
	CHECK(!strncmp(cfg.opts, parsed->opts, strlen(parsed->opts)),
	      "options before the file changed: '%s'", cfg.opts);
	if (ret) {
		CHECK(ret == -EINVAL, "error %d", ret);
		CHECK(cfg.why[0], "no reason given");
		CHECK(!strstr(cfg.why, CANARY), "why shows a value: %s",
		      cfg.why);
	} else {
		CHECK(!cfg.why[0], "success with a reason: %s", cfg.why);
		CHECK(printable(cfg.opts), "opts not printable");
		CHECK(strlen(cfg.opts) - strlen(parsed->opts) <=
		      2 * CIFS_ROOT_CREDS_MAX,
		      "file adds %zu bytes",
		      strlen(cfg.opts) - strlen(parsed->opts));
		check_creds_values(text, size, cfg.opts);
		check_mask(cfg.opts);
	}

	/* the values do not change whether it parses, nor what it says */
	copy = malloc(size ? size : 1);
	CHECK(copy, "out of memory");
	memcpy(copy, text, size);
	change_creds_values(copy, size);
	cfg2 = *parsed;
	ret2 = cifs_root_parse_creds(&cfg2, copy, size);
	CHECK(ret2 == ret && !strcmp(cfg2.why, cfg.why),
	      "a value in the file changes the outcome: %d '%s', then %d '%s'",
	      ret, cfg.why, ret2, cfg2.why);
	free(copy);
}

/* A field as the caller passes it: its own allocation, for ASan. */
static char *field_dup(const uint8_t *p, size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/* As %pI4 prints an address: the field if it is one, else its bytes. */
static char *field_quad(const uint8_t *p, size_t len)
{
	unsigned char b[4] = { 0 };
	char *s = malloc(sizeof("255.255.255.255"));

	if (!s)
		return NULL;
	if (len < sizeof("255.255.255.255") &&
	    cifs_root_parse_ipv4((const char *)p, len)) {
		memcpy(s, p, len);
		s[len] = '\0';
		return s;
	}
	memcpy(b, p, len < 4 ? len : 4);
	snprintf(s, sizeof("255.255.255.255"), "%u.%u.%u.%u", b[0], b[1],
		 b[2], b[3]);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cifs_root_cfg cfg, again;
	struct cifs_root_source src = { 0 };
	const uint8_t *p, *end = data + size, *nul;
	char *f[5] = { NULL };
	size_t len[5] = { 0 };
	unsigned int flags, i;
	int ret;

	if (!size)
		return 0;
	flags = data[0];
	p = data + 1;
	for (i = 0; i < 5 && p <= end; i++) {
		size_t raw;

		nul = i < 4 ? memchr(p, '\0', end - p) : NULL;
		raw = (nul ? nul : end) - p;
		if (flags & (1U << i)) {
			if (i == 2 || i == 3)
				f[i] = field_quad(p, raw);
			else
				f[i] = field_dup(p, raw);
			if (!f[i])
				goto out;
			len[i] = i == 4 ? raw : strlen(f[i]);
		}
		if (!nul)
			break;
		p += raw + 1;
	}
	for (i = 0; i < 5; i++) {
		cur_field[i] = f[i];
		cur_len[i] = len[i];
	}
	src.arg = f[0];
	src.dhcp = f[1];
	src.boot_server = f[2];
	src.client = f[3];

	memset(&cfg, 0xa5, sizeof(cfg));
	ret = cifs_root_parse(&src, &cfg);
	if (ret) {
		check_error(ret, &cfg);
		CHECK(!cfg.unc[0], "unc '%.256s' on error", cfg.unc);
		CHECK(!cfg.opts[0], "opts on error");
	} else {
		check_success(&cfg);
	}

	/* a pure function: the same answer from a dirty result */
	memset(&again, 0x5a, sizeof(again));
	CHECK(cifs_root_parse(&src, &again) == ret &&
	      !strcmp(again.why, cfg.why) && !strcmp(again.unc, cfg.unc) &&
	      !strcmp(again.opts, cfg.opts) && again.budget == cfg.budget,
	      "second parse differs");

	if (f[0])
		check_scrub(f[0]);
	check_values_unseen(&src, ret, &cfg);
	if (!ret) {
		check_fixed_point(&cfg);
		if (f[4])
			check_creds(&cfg, f[4], len[4]);
	}
out:
	for (i = 0; i < 5; i++) {
		free(f[i]);
		cur_field[i] = NULL;
	}
	return 0;
}
