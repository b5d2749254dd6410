// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the cifsroot= parser. Included from cifsroot.c so that
 * the tests call the static parse function directly.
 */

#include <kunit/test.h>

/* the defaults after rootfs, then all of them */
#define T "rootfs,iocharset=utf8,nomapposix"
#define D "vers=1.0,unix,hard,serverino,setuids," T
/* the defaults of the older SMB root, which users may still give */
#define OLD "vers=1.0,cifsacl,mfsymlinks,rsize=1048576,wsize=65536,uid=0,gid=0,hard,rootfs"

struct cifs_root_test_case {
	const char *name;
	struct cifs_root_source src;
	int err;
	const char *unc;
	const char *opts;
	unsigned int budget;	/* BUDGET(seconds) to check it */
};

#define BUDGET(s)	((s) + 1)

#define OK(n, i, u, o)	{ .name = n, .src.arg = i, .unc = u, .opts = o }
#define BAD(n, i)	{ .name = n, .src.arg = i, .err = -EINVAL }
/* a case with DHCP input: root path @d, boot server @b, client @c */
#define SRC(i, d, b, c)	.src = { .arg = i, .dhcp = d, .boot_server = b, \
				 .client = c }

static const struct cifs_root_test_case cifs_root_test_cases[] = {
	/* servers and shares */
	OK("plain", "//10.0.2.2/root", "//10.0.2.2/root", D),
	OK("zero address", "//0.0.0.0/s", "//0.0.0.0/s", D),
	OK("top address", "//255.255.255.255/s", "//255.255.255.255/s", D),
	OK("single zero octets", "//10.0.0.1/s", "//10.0.0.1/s", D),
	OK("three digit octets", "//192.168.100.200/s",
	   "//192.168.100.200/s", D),
	OK("space in share", "//1.2.3.4/my share", "//1.2.3.4/my share", D),
	OK("punctuation in share", "//1.2.3.4/a-b_c.d$", "//1.2.3.4/a-b_c.d$",
	   D),
	/* sub-paths */
	OK("sub-path", "//1.2.3.4/s/sub", "//1.2.3.4/s/sub", D),
	OK("deep sub-path", "//1.2.3.4/s/a/b/c", "//1.2.3.4/s/a/b/c", D),
	OK("trailing slash dropped", "//1.2.3.4/s/", "//1.2.3.4/s", D),
	OK("sub-path trailing slash", "//1.2.3.4/s/sub/", "//1.2.3.4/s/sub",
	   D),
	OK("dots inside names", "//1.2.3.4/s/a..b/.c", "//1.2.3.4/s/a..b/.c",
	   D),
	/* options */
	OK("credentials", "//1.2.3.4/s,username=u,password=p",
	   "//1.2.3.4/s", D ",username=u,password=p"),
	OK("port", "//1.2.3.4/s,port=4450", "//1.2.3.4/s", D ",port=4450"),
	OK("sec none", "//1.2.3.4/s,sec=none", "//1.2.3.4/s", D ",sec=none"),
	OK("password with space and quote", "//1.2.3.4/s,password=a b\"c",
	   "//1.2.3.4/s", D ",password=a b\"c"),
	OK("value with equals", "//1.2.3.4/s,password=a=b", "//1.2.3.4/s",
	   D ",password=a=b"),
	OK("rsize passes once", "//1.2.3.4/s,rsize=65536", "//1.2.3.4/s",
	   D ",rsize=65536"),
	OK("wsize passes once", "//1.2.3.4/s,wsize=65536", "//1.2.3.4/s",
	   D ",wsize=65536"),
	OK("uid and gid pass", "//1.2.3.4/s,uid=0,gid=0", "//1.2.3.4/s",
	   D ",uid=0,gid=0"),
	OK("mfsymlinks on request", "//1.2.3.4/s,mfsymlinks", "//1.2.3.4/s",
	   D ",mfsymlinks"),
	/* the older SMB root's line, as its users wrote it, still mounts */
	OK("the older SMB root's defaults", "//1.2.3.4/s," OLD, "//1.2.3.4/s",
	   "unix,serverino,setuids,iocharset=utf8,nomapposix," OLD),
	OK("user order kept", "//1.2.3.4/s,sec=none,port=1,sign", "//1.2.3.4/s",
	   D ",sec=none,port=1,sign"),
	OK("key with digits and underscore", "//1.2.3.4/s,echo_interval=5",
	   "//1.2.3.4/s", D ",echo_interval=5"),
	BAD("key unknown to the client",
	    "//1.2.3.4/s,abcdefghijklmnopqrstuvwxyz012345=1"),
	BAD("unknown flag", "//1.2.3.4/s,bogus"),
	OK("no of a negatable flag", "//1.2.3.4/s,nobrl", "//1.2.3.4/s",
	   D ",nobrl"),
	BAD("no of a plain flag", "//1.2.3.4/s,nosign"),
	/* a single comma ends a password: the tail is not an option */
	BAD("comma in a password", "//1.2.3.4/s,password=a,secret"),
	BAD("comma in a password before an option",
	    "//1.2.3.4/s,password=a,secret,port=1"),
	OK("doubled comma in a password", "//1.2.3.4/s,password=a,,b,port=1",
	   "//1.2.3.4/s", D ",password=a,,b,port=1"),
	BAD("doubled comma ends a value", "//1.2.3.4/s,password=a,,"),
	BAD("value then empty items", "//1.2.3.4/s,password=a,,,port=1"),
	OK("doubled comma after a flag", "//1.2.3.4/s,sign,,port=1",
	   "//1.2.3.4/s", D ",sign,port=1"),
	/* user options replace defaults */
	OK("vers replaces default", "//1.2.3.4/s,vers=3.1.1", "//1.2.3.4/s",
	   "unix,hard,serverino,setuids," T ",vers=3.1.1"),
	/* ver= is the mount helper's version, not the dialect */
	OK("ver keeps vers", "//1.2.3.4/s,ver=1", "//1.2.3.4/s", D ",ver=1"),
	OK("same vers as default", "//1.2.3.4/s,vers=1.0", "//1.2.3.4/s",
	   "unix,hard,serverino,setuids," T ",vers=1.0"),
	OK("nounix replaces unix", "//1.2.3.4/s,nounix", "//1.2.3.4/s",
	   "vers=1.0,hard,serverino,setuids," T ",nounix"),
	OK("linux replaces unix", "//1.2.3.4/s,linux", "//1.2.3.4/s",
	   "vers=1.0,hard,serverino,setuids," T ",linux"),
	OK("nolinux replaces unix", "//1.2.3.4/s,nolinux", "//1.2.3.4/s",
	   "vers=1.0,hard,serverino,setuids," T ",nolinux"),
	OK("posix replaces unix", "//1.2.3.4/s,posix", "//1.2.3.4/s",
	   "vers=1.0,hard,serverino,setuids," T ",posix"),
	OK("soft replaces hard", "//1.2.3.4/s,soft", "//1.2.3.4/s",
	   "vers=1.0,unix,serverino,setuids," T ",soft"),
	OK("nohard replaces hard", "//1.2.3.4/s,nohard", "//1.2.3.4/s",
	   "vers=1.0,unix,serverino,setuids," T ",nohard"),
	OK("noserverino replaces", "//1.2.3.4/s,noserverino", "//1.2.3.4/s",
	   "vers=1.0,unix,hard,setuids," T ",noserverino"),
	OK("nosetuids replaces", "//1.2.3.4/s,nosetuids", "//1.2.3.4/s",
	   "vers=1.0,unix,hard,serverino," T ",nosetuids"),
	OK("rootfs not doubled", "//1.2.3.4/s,rootfs", "//1.2.3.4/s",
	   "vers=1.0,unix,hard,serverino,setuids,iocharset=utf8,nomapposix,rootfs"),
	OK("iocharset replaces utf8", "//1.2.3.4/s,iocharset=iso8859-1",
	   "//1.2.3.4/s",
	   "vers=1.0,unix,hard,serverino,setuids,rootfs,nomapposix,iocharset=iso8859-1"),
	OK("mapposix replaces nomapposix", "//1.2.3.4/s,mapposix",
	   "//1.2.3.4/s",
	   "vers=1.0,unix,hard,serverino,setuids,rootfs,iocharset=utf8,mapposix"),
	OK("several replaced", "//1.2.3.4/s,soft,vers=2.1,nounix",
	   "//1.2.3.4/s", "serverino,setuids," T ",soft,vers=2.1,nounix"),
	/* empty items */
	OK("trailing comma", "//1.2.3.4/s,", "//1.2.3.4/s", D),
	OK("only commas", "//1.2.3.4/s,,,", "//1.2.3.4/s", D),
	OK("empty items ignored", "//1.2.3.4/s,,sign,,port=1,",
	   "//1.2.3.4/s", D ",sign,port=1"),
	/* malformed arguments */
	{ .name = "null", .src.arg = NULL, .err = -EINVAL },
	BAD("empty", ""),
	BAD("bare slash", "/"),
	BAD("two slashes", "//"),
	BAD("no server", "///share"),
	BAD("no share", "//1.2.3.4"),
	BAD("slash but no share", "//1.2.3.4/"),
	BAD("no share before options", "//1.2.3.4/,port=1"),
	BAD("no share, only options", "//1.2.3.4,port=1"),
	BAD("single slash", "/1.2.3.4/s"),
	BAD("no slashes", "1.2.3.4/s"),
	BAD("backslashes", "\\\\1.2.3.4\\s"),
	BAD("leading space", " //1.2.3.4/s"),
	/* malformed servers */
	BAD("octet over 255", "//256.1.1.1/s"),
	BAD("three octets", "//1.2.3/s"),
	BAD("five octets", "//1.2.3.4.5/s"),
	BAD("letter in octet", "//1a2.3.4.5/s"),
	BAD("leading zero", "//01.2.3.4/s"),
	BAD("leading zero last octet", "//1.2.3.04/s"),
	BAD("four digit octet", "//1.2.3.1000/s"),
	BAD("trailing dot", "//1.2.3.4./s"),
	BAD("leading dot", "//.1.2.3.4/s"),
	BAD("empty octet", "//1..2.3/s"),
	BAD("minus sign", "//-1.2.3.4/s"),
	BAD("plus sign", "//+1.2.3.4/s"),
	BAD("space in server", "//1.2.3.4 /s"),
	BAD("host name", "//server/s"),
	BAD("hex address", "//0x7f.0.0.1/s"),
	/* malformed shares and paths */
	BAD("empty component", "//1.2.3.4/s//sub"),
	BAD("dot-dot component", "//1.2.3.4/s/../x"),
	BAD("dot component", "//1.2.3.4/s/./x"),
	BAD("share is dot-dot", "//1.2.3.4/.."),
	BAD("colon in share", "//1.2.3.4/s:x"),
	BAD("star in path", "//1.2.3.4/s/a*"),
	BAD("backslash in path", "//1.2.3.4/s\\x"),
	BAD("non-ASCII byte", "//1.2.3.4/s\xc3\xa9"),
	BAD("control byte", "//1.2.3.4/s\tx"),
	BAD("DEL byte", "//1.2.3.4/s\x7f"),
	BAD("non-ASCII in option", "//1.2.3.4/s,password=\xff"),
	/* malformed options */
	BAD("uppercase key", "//1.2.3.4/s,Vers=1.0"),
	BAD("space before key", "//1.2.3.4/s, vers=1.0"),
	BAD("empty key", "//1.2.3.4/s,=x"),
	BAD("key of 33 bytes",
	    "//1.2.3.4/s,abcdefghijklmnopqrstuvwxyz0123456=1"),
	BAD("quote in key", "//1.2.3.4/s,\"vers\"=1.0"),
	BAD("duplicate key", "//1.2.3.4/s,vers=1.0,vers=2.0"),
	BAD("flag and its negation", "//1.2.3.4/s,unix,nounix"),
	BAD("alias duplicate", "//1.2.3.4/s,user=a,username=b"),
	BAD("hard and soft", "//1.2.3.4/s,hard,soft"),
	BAD("duplicate password", "//1.2.3.4/s,password=secret,pass=secret"),
	BAD("unc is ours", "//1.2.3.4/s,unc=//5.6.7.8/x"),
	BAD("source is ours", "//1.2.3.4/s,source=//5.6.7.8/x"),
	BAD("ip is ours", "//1.2.3.4/s,ip=5.6.7.8"),
	BAD("addr is ours", "//1.2.3.4/s,addr=5.6.7.8"),
	BAD("prefixpath is ours", "//1.2.3.4/s,prefixpath=/x"),
	/* IPv6 servers */
	OK("ipv6", "//[fd00::1]/s", "//fd00::1/s", D),
	OK("ipv6 loopback", "//[::1]/s/sub", "//::1/s/sub", D),
	OK("ipv6 full", "//[fd00:1:2:3:4:5:6:7]/s", "//fd00:1:2:3:4:5:6:7/s",
	   D),
	OK("ipv6 with ipv4 tail", "//[::ffff:1.2.3.4]/s",
	   "//::ffff:1.2.3.4/s", D),
	OK("ipv6 upper case", "//[FD00::A]/s", "//FD00::A/s", D),
	BAD("ipv6 without brackets", "//fd00::1/s"),
	BAD("ipv6 unclosed", "//[fd00::1/s"),
	BAD("ipv6 empty brackets", "//[]/s"),
	BAD("ipv6 triple colon", "//[fd00:::1]/s"),
	BAD("ipv6 two double colons", "//[fd00::1::2]/s"),
	BAD("ipv6 with zone", "//[fe80::1%eth0]/s"),
	BAD("ipv6 trailing text", "//[fd00::1]x/s"),
	BAD("ipv4 in brackets", "//[1.2.3.4]/s"),
	BAD("ipv6 bad hex", "//[fd00::g]/s"),
	/* per-client paths */
	{ "client address", SRC("//1.2.3.4/roots/%s", NULL, NULL, "10.0.0.7"),
	  .unc = "//1.2.3.4/roots/10.0.0.7", .opts = D },
	{ "client address as share", SRC("//1.2.3.4/%s", NULL, NULL, "10.0.0.7"),
	  .unc = "//1.2.3.4/10.0.0.7", .opts = D },
	{ "client address twice", SRC("//1.2.3.4/r/%s/%s", NULL, NULL, "10.0.0.7"),
	  .unc = "//1.2.3.4/r/10.0.0.7/10.0.0.7", .opts = D },
	{ "literal percent", SRC("//1.2.3.4/a%%b", NULL, NULL, "10.0.0.7"),
	  .unc = "//1.2.3.4/a%b", .opts = D },
	{ "client address from dhcp path",
	  SRC(NULL, "//1.2.3.4/roots/%s", NULL, "10.0.0.7"),
	  .unc = "//1.2.3.4/roots/10.0.0.7", .opts = D },
	BAD("client address unknown", "//1.2.3.4/roots/%s"),
	{ "percent other", SRC("//1.2.3.4/a%d", NULL, NULL, "10.0.0.7"),
	  .err = -EINVAL },
	{ "percent at end", SRC("//1.2.3.4/a%", NULL, NULL, "10.0.0.7"),
	  .err = -EINVAL },
	{ "percent in server", SRC("//1.2.3.%s/a", NULL, NULL, "10.0.0.7"),
	  .err = -EINVAL },
	/* DHCP root path and boot server */
	{ "dhcp root path", SRC(NULL, "//10.0.0.1/root,username=u", NULL, NULL),
	  .unc = "//10.0.0.1/root", .opts = D ",username=u" },
	{ "dhcp path on boot server", SRC(NULL, "/root", "10.0.0.1", NULL),
	  .unc = "//10.0.0.1/root", .opts = D },
	{ "dhcp path, empty cifsroot=", SRC("", "//10.0.0.1/r", NULL, NULL),
	  .unc = "//10.0.0.1/r", .opts = D },
	{ "command line options override dhcp",
	  SRC(",password=right,port=2", "//10.0.0.1/r,username=u,port=1",
	      NULL, NULL),
	  .unc = "//10.0.0.1/r", .opts = D ",username=u,password=right,port=2" },
	/* the network may not give secrets or name files to read */
	{ "dhcp password refused",
	  SRC(NULL, "//10.0.0.1/r,password=secret", NULL, NULL), .err = -EINVAL },
	{ "dhcp pass refused", SRC(NULL, "//10.0.0.1/r,pass=secret", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp password refused under command line",
	  SRC(",password=p", "//10.0.0.1/r,password=secret", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp credentials refused",
	  SRC(NULL, "//10.0.0.1/r,credentials=/c", NULL, NULL), .err = -EINVAL },
	{ "dhcp cred refused", SRC("", "//10.0.0.1/r,cred=/c", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp option replaces default",
	  SRC(NULL, "//10.0.0.1/r,vers=2.0", NULL, NULL),
	  .unc = "//10.0.0.1/r", .opts = "unix,hard,serverino,setuids," T ",vers=2.0" },
	{ "both replace defaults", SRC(",soft", "//10.0.0.1/r,nounix", NULL, NULL),
	  .unc = "//10.0.0.1/r", .opts = "vers=1.0,serverino,setuids," T ",nounix,soft" },
	{ "command line share ignores dhcp",
	  SRC("//1.2.3.4/s", "//5.6.7.8/x,port=9", NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D },
	{ "command line share ignores other dhcp path",
	  SRC("//1.2.3.4/s", "10.0.0.1:/export", NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D },
	{ "command line path on boot server", SRC("/s,port=1", NULL, "10.0.0.1", NULL),
	  .unc = "//10.0.0.1/s", .opts = D ",port=1" },
	{ "boot server with sub-path", SRC("/s/a/%s", NULL, "10.0.0.1", "10.0.0.9"),
	  .unc = "//10.0.0.1/s/a/10.0.0.9", .opts = D },
	{ "command line path beats dhcp server",
	  SRC("/s", "//5.6.7.8/x", "10.0.0.1", NULL),
	  .unc = "//10.0.0.1/s", .opts = D },
	BAD("path without boot server", "/s"),
	{ "bare slash on boot server", SRC("/", NULL, "10.0.0.1", NULL),
	  .err = -EINVAL },
	{ "nothing at all", SRC(NULL, NULL, NULL, NULL), .err = -EINVAL },
	{ "only options, no dhcp", SRC(",port=1", NULL, NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp nfs path", SRC(NULL, "10.0.0.1:/export", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp bad server", SRC(NULL, "//1a2.3.4.5/s", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp non-ASCII", SRC(NULL, "//1.2.3.4/s\xe9", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp duplicate option",
	  SRC(NULL, "//1.2.3.4/s,port=1,port=2", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp reserved option", SRC(NULL, "//1.2.3.4/s,ip=5.6.7.8", NULL, NULL),
	  .err = -EINVAL },
	{ "dhcp only options", SRC(NULL, ",port=1", "10.0.0.1", NULL),
	  .err = -EINVAL },
	/* retry budget */
	{ "default budget", SRC("//1.2.3.4/s", NULL, NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D, .budget = BUDGET(90) },
	{ "retry budget", SRC("//1.2.3.4/s,retry=30", NULL, NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D, .budget = BUDGET(30) },
	{ "no retries", SRC("//1.2.3.4/s,retry=0,port=1", NULL, NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D ",port=1", .budget = BUDGET(0) },
	{ "longest budget", SRC("//1.2.3.4/s,retry=86400", NULL, NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D, .budget = BUDGET(86400) },
	{ "command line retry beats dhcp",
	  SRC(",retry=7", "//1.2.3.4/s,retry=5", NULL, NULL),
	  .unc = "//1.2.3.4/s", .opts = D, .budget = BUDGET(7) },
	BAD("budget over a day", "//1.2.3.4/s,retry=86401"),
	BAD("budget not a number", "//1.2.3.4/s,retry=abc"),
	BAD("budget negative", "//1.2.3.4/s,retry=-1"),
	BAD("budget without value", "//1.2.3.4/s,retry"),
	BAD("noretry", "//1.2.3.4/s,noretry"),
	BAD("budget too long", "//1.2.3.4/s,retry=000000000000001"),
	BAD("budget twice", "//1.2.3.4/s,retry=1,retry=2"),
	/* credentials file */
	OK("credentials file", "//1.2.3.4/s,credentials=/etc/creds", "//1.2.3.4/s",
	   D),
	OK("cred alias", "//1.2.3.4/s,cred=/c", "//1.2.3.4/s", D),
	BAD("credentials relative", "//1.2.3.4/s,credentials=etc/creds"),
	BAD("credentials empty", "//1.2.3.4/s,credentials="),
	BAD("credentials without value", "//1.2.3.4/s,credentials"),
	BAD("credentials twice", "//1.2.3.4/s,cred=/a,credentials=/b"),
};

static void cifs_root_test_desc(const struct cifs_root_test_case *t,
				char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cifs_root, cifs_root_test_cases, cifs_root_test_desc);

static struct cifs_root_cfg cifs_root_test_cfg;

static void __init cifs_root_test_parse(struct kunit *test)
{
	const struct cifs_root_test_case *t = test->param_value;
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	int err = cifs_root_parse(&t->src, cfg);

	KUNIT_EXPECT_EQ_MSG(test, err, t->err, "input: %s, dhcp: %s",
			    t->src.arg, t->src.dhcp);
	if (t->err) {
		KUNIT_EXPECT_NE_MSG(test, cfg->why[0], '\0', "no reason given");
		KUNIT_EXPECT_NULL_MSG(test, strstr(cfg->why, "secret"),
				      "reason shows a value: %s", cfg->why);
		return;
	}
	KUNIT_EXPECT_STREQ(test, cfg->unc, t->unc);
	KUNIT_EXPECT_STREQ(test, cfg->opts, t->opts);
	if (t->budget)
		KUNIT_EXPECT_EQ(test, BUDGET(cfg->budget), t->budget);
}

static int __init cifs_root_test_arg(const char *arg,
				     struct cifs_root_cfg *cfg)
{
	struct cifs_root_source src = { .arg = arg };

	return cifs_root_parse(&src, cfg);
}

/* Fill @buf with "//1.2.3.4/" and a share making @len bytes in all. */
static char *cifs_root_test_unc(struct kunit *test, size_t len)
{
	char *buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 's', len);
	memcpy(buf, "//1.2.3.4/", 10);
	return buf;
}

static void __init cifs_root_test_unc_limit(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	char *at = cifs_root_test_unc(test, CIFS_ROOT_UNC_MAX);
	char *over = cifs_root_test_unc(test, CIFS_ROOT_UNC_MAX + 1);

	KUNIT_EXPECT_EQ(test, cifs_root_test_arg(at, cfg), 0);
	KUNIT_EXPECT_STREQ(test, cfg->unc, at);
	KUNIT_EXPECT_EQ(test, cifs_root_test_arg(over, cfg), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(cfg->why, "256"));
}

/* "//1.2.3.4/s," then options of @len bytes: "sec=xxx...". */
static char *cifs_root_test_opts(struct kunit *test, size_t len)
{
	char *buf = kunit_kzalloc(test, len + 13, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	strscpy(buf, "//1.2.3.4/s,sec=", len + 13);
	memset(buf + 16, 'x', len - 4);
	return buf;
}

static void __init cifs_root_test_opts_limit(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	char *at = cifs_root_test_opts(test, CIFS_ROOT_OPTS_MAX);
	char *over = cifs_root_test_opts(test, CIFS_ROOT_OPTS_MAX + 1);

	KUNIT_EXPECT_EQ(test, cifs_root_test_arg(at, cfg), 0);
	KUNIT_EXPECT_STREQ(test, cfg->opts + strlen(D ","), at + 12);
	KUNIT_EXPECT_EQ(test, cifs_root_test_arg(over, cfg), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(cfg->why, "1024"));
}

/* %s expansions that take the UNC over its limit are rejected. */
static void __init cifs_root_test_expand_limit(struct kunit *test)
{
	struct cifs_root_source src = { .client = "255.255.255.255" };
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	char *arg = kunit_kzalloc(test, CIFS_ROOT_UNC_MAX + 1, GFP_KERNEL);
	size_t n;

	KUNIT_ASSERT_NOT_NULL(test, arg);
	/* "//1.2.3.4/" (10) + 15 * "%s/" (45): 10 + 15 * 16 = 250 bytes */
	strscpy(arg, "//1.2.3.4/", CIFS_ROOT_UNC_MAX + 1);
	for (n = 0; n < 15; n++)
		strcat(arg, "%s/");
	src.arg = arg;
	KUNIT_EXPECT_EQ(test, cifs_root_parse(&src, cfg), 0);
	KUNIT_EXPECT_EQ(test, strlen(cfg->unc), (size_t)249);
	strcat(arg, "%s");
	KUNIT_EXPECT_EQ(test, cifs_root_parse(&src, cfg), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(cfg->why, "256"));
}

/* Found by the fuzzer: a file over the limit is refused, not parsed. */
static void __init cifs_root_test_creds_limit(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	char *text = kunit_kzalloc(test, CIFS_ROOT_CREDS_MAX + 2, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, text);
	memset(text, '#', CIFS_ROOT_CREDS_MAX + 1);
	memset(cfg, 0, sizeof(*cfg));
	KUNIT_EXPECT_EQ(test, cifs_root_parse_creds(cfg, text,
						    CIFS_ROOT_CREDS_MAX), 0);
	KUNIT_EXPECT_EQ(test, cifs_root_parse_creds(cfg, text,
						    CIFS_ROOT_CREDS_MAX + 1),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(cfg->why, "1024"));
}

static void __init cifs_root_test_creds_path(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;

	KUNIT_EXPECT_EQ(test, cifs_root_test_arg("//1.2.3.4/s,cred=/etc/c", cfg),
			0);
	KUNIT_EXPECT_STREQ(test, cfg->creds, "/etc/c");
	KUNIT_EXPECT_EQ(test, cifs_root_test_arg("//1.2.3.4/s", cfg), 0);
	KUNIT_EXPECT_STREQ(test, cfg->creds, "");
}

static void __init cifs_root_test_reparse(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;

	/* an error after a success leaves nothing of the first behind */
	KUNIT_EXPECT_EQ(test, cifs_root_test_arg("//1.2.3.4/s,port=1", cfg), 0);
	KUNIT_EXPECT_EQ(test, cifs_root_test_arg("//1.2.3/s", cfg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, cfg->unc, "");
	KUNIT_EXPECT_STREQ(test, cfg->opts, "");
}

static const struct {
	const char *in;
	const char *out;
} cifs_root_test_masks[] = {
	{ "vers=1.0,unix", "vers=1.0,unix" },
	{ "username=u,password=secret", "username=u,password=***" },
	{ "pass=secret,port=1", "pass=***,port=1" },
	{ "password=", "password=***" },
	{ "password2=secret,port=1", "password2=***,port=1" },
	{ "password=a=b,c", "password=***,c" },
	{ "nopassword,passwords=x", "nopassword,passwords=x" },
	{ "vers=1.0,password=a,,b,,c,port=1", "vers=1.0,password=***,port=1" },
	/* found by the fuzzer: a doubled comma in another value */
	{ "username=a,,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,password=p",
	  "username=a,,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,password=***" },
};

static void __init cifs_root_test_mask(struct kunit *test)
{
	char buf[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_test_masks); i++) {
		cifs_root_mask(cifs_root_test_masks[i].in, buf, sizeof(buf));
		KUNIT_EXPECT_STREQ(test, buf, cifs_root_test_masks[i].out);
	}
}

static const struct {
	const char *name;
	const char *text;
	const char *opts;	/* what is appended, or NULL for an error */
} cifs_root_test_creds[] = {
	{ "all three", "username=u\npassword=p\ndomain=d\n",
	  ",username=u,password=p,domain=d" },
	{ "short keys, CRLF", "user=u\r\npass=p\r\ndom=d",
	  ",username=u,password=p,domain=d" },
	{ "comments and blank lines", "# creds\n\nusername=u\n\n",
	  ",username=u" },
	{ "comma doubled", "password=a,b\n", ",password=a,,b" },
	{ "two commas", "password=a,,b\n", NULL },
	{ "comma at the end", "password=a,\n", NULL },
	{ "space and equals kept", "password= a=b\n", ",password= a=b" },
	{ "empty file", "", "" },
	{ "empty password", "password=\n", ",password=" },
	{ "unknown key", "uid=0\n", NULL },
	{ "no equals", "username\n", NULL },
	{ "leading space", " username=u\n", NULL },
	{ "repeated key", "username=a\nuser=b\n", NULL },
	{ "already in options", "username=u\npassword=p\n", NULL },
	{ "control byte", "password=a\tb\n", NULL },
	{ "non-ASCII", "password=\xc3\xa9\n", NULL },
};

static void __init cifs_root_test_parse_creds(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_test_creds); i++) {
		const char *base = strcmp(cifs_root_test_creds[i].name,
					  "already in options") ?
				   "vers=1.0" : "vers=1.0,pass=x";
		const char *want = cifs_root_test_creds[i].opts;
		const char *text = cifs_root_test_creds[i].text;
		int err;

		memset(cfg, 0, sizeof(*cfg));
		strscpy(cfg->opts, base, sizeof(cfg->opts));
		err = cifs_root_parse_creds(cfg, text, strlen(text));
		KUNIT_EXPECT_EQ_MSG(test, err, want ? 0 : -EINVAL, "%s",
				    cifs_root_test_creds[i].name);
		if (want)
			KUNIT_EXPECT_STREQ_MSG(test, cfg->opts + strlen(base),
					       want, "%s",
					       cifs_root_test_creds[i].name);
		else
			KUNIT_EXPECT_NE(test, cfg->why[0], '\0');
	}
}

/* What is wrong is named by its place, never by the byte: it may be secret. */
static void __init cifs_root_test_why_hides_bytes(struct kunit *test)
{
	static const char *const in[] = {
		"//1.2.3.4/s,password=ab\xe9", "//1.2.3.4/s,password=a\x7f",
		"//1.2.3.4/s,password=\x01", "//1.2.3.4/s,password=a,\xe9z",
	};
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		KUNIT_EXPECT_EQ(test, cifs_root_test_arg(in[i], cfg), -EINVAL);
		KUNIT_EXPECT_NOT_NULL(test, strstr(cfg->why, "offset"));
		KUNIT_EXPECT_NULL_MSG(test, strstr(cfg->why, "0x"), "%s",
				      cfg->why);
		KUNIT_EXPECT_NULL_MSG(test, strpbrk(cfg->why, "\xe9\x7f\x01"),
				      "%s", cfg->why);
	}
}

static const struct {
	const char *in;
	const char *out;
} cifs_root_test_scrubs[] = {
	{ "root=/dev/cifs cifsroot=//1.2.3.4/s,password=secret,port=1 quiet",
	  "root=/dev/cifs cifsroot=//1.2.3.4/s,password=***,port=1 quiet" },
	{ "cifsroot=//1.2.3.4/s,pass=ab", "cifsroot=//1.2.3.4/s,pass=**" },
	{ "cifsroot=//1.2.3.4/s,password=", "cifsroot=//1.2.3.4/s,password=" },
	{ "cifsroot=\"//1.2.3.4/s,password=a secret\" ro",
	  "cifsroot=\"//1.2.3.4/s,password=***\" ro" },
	{ "\"cifsroot=//1.2.3.4/s,password=a secret\" ro",
	  "\"cifsroot=//1.2.3.4/s,password=***\" ro" },
	{ "cifsroot=//1.2.3.4/s,password=a,,secret,username=u",
	  "cifsroot=//1.2.3.4/s,password=***,username=u" },
	{ "cifsroot=//1.2.3.4/s,password2=secret",
	  "cifsroot=//1.2.3.4/s,password2=***" },
	{ "cifsroot=,password=secret1  cifsroot=,pass=secret2",
	  "cifsroot=,password=***  cifsroot=,pass=***" },
	{ "nfsroot=/x,password=p xcifsroot=,password=p",
	  "nfsroot=/x,password=p xcifsroot=,password=p" },
	{ "cifsroot=//1.2.3.4/s,username=password,port=1",
	  "cifsroot=//1.2.3.4/s,username=password,port=1" },
	{ "", "" },
};

/* /proc/cmdline shows no password of cifsroot=. */
static void __init cifs_root_test_scrub(struct kunit *test)
{
	char buf[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_test_scrubs); i++) {
		strscpy(buf, cifs_root_test_scrubs[i].in, sizeof(buf));
		cifs_root_scrub(buf);
		KUNIT_EXPECT_STREQ(test, buf, cifs_root_test_scrubs[i].out);
	}
}

static const struct {
	const char *arg;
	int family;
	const char *server;
	unsigned int budget;
} cifs_root_test_preparses[] = {
	{ "//10.0.0.2/r", AF_INET, "10.0.0.2", 90 },
	{ "//[fd55::1]/r,retry=5", AF_INET6, "fd55::1", 5 },
	{ "//10.0.0.2/%s,retry=0", AF_INET, "10.0.0.2", 0 },
	{ "/r,retry=7", 0, "", 7 },
	{ ",retry=600", 0, "", 600 },
	{ "//10.0.0.2/r,retry=x", AF_INET, "10.0.0.2", 90 },
	{ "//host/r", 0, "", 90 },
	{ "//10.0.0.2/r,password=a,b", 0, "", 90 },
	{ NULL, 0, "", 90 },
};

/* What ipconfig learns of cifsroot= before the root is parsed. */
static void __init cifs_root_test_preparse(struct kunit *test)
{
	struct cifs_root_cfg *cfg = &cifs_root_test_cfg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cifs_root_test_preparses); i++) {
		cifs_root_preparse(cifs_root_test_preparses[i].arg, cfg);
		KUNIT_EXPECT_EQ_MSG(test, cfg->family,
				    cifs_root_test_preparses[i].family, "%s",
				    cifs_root_test_preparses[i].arg);
		KUNIT_EXPECT_STREQ(test, cfg->server,
				   cifs_root_test_preparses[i].server);
		KUNIT_EXPECT_EQ(test, cfg->budget,
				cifs_root_test_preparses[i].budget);
	}
}

static struct kunit_case cifs_root_test_cases_run[] __refdata = {
	KUNIT_CASE_PARAM(cifs_root_test_parse, cifs_root_gen_params),
	KUNIT_CASE(cifs_root_test_unc_limit),
	KUNIT_CASE(cifs_root_test_opts_limit),
	KUNIT_CASE(cifs_root_test_expand_limit),
	KUNIT_CASE(cifs_root_test_creds_limit),
	KUNIT_CASE(cifs_root_test_creds_path),
	KUNIT_CASE(cifs_root_test_reparse),
	KUNIT_CASE(cifs_root_test_mask),
	KUNIT_CASE(cifs_root_test_parse_creds),
	KUNIT_CASE(cifs_root_test_why_hides_bytes),
	KUNIT_CASE(cifs_root_test_scrub),
	KUNIT_CASE(cifs_root_test_preparse),
	{}
};

static struct kunit_suite cifs_root_test_suite = {
	.name = "cifsroot",
	.test_cases = cifs_root_test_cases_run,
};

kunit_test_init_section_suites(&cifs_root_test_suite);
