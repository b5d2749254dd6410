// SPDX-License-Identifier: GPL-2.0
/*
 * fsprobe: file system behaviours a local disk has and a root file system
 * on SMB must keep. The harness builds it statically and runs it in the
 * guest; every command prints one "<key>: <value>" line, "ok ..." when the
 * behaviour held, and exits 0 (1 when it did not hold, 2 on bad usage).
 *
 *   fsprobe append FILE WRITERS LINES [rwf|reopen]
 *	WRITERS processes open FILE each with O_APPEND (or write it with
 *	pwritev2(RWF_APPEND), or open and close it for every line, as a
 *	shell's >> does) and add LINES lines of 8 bytes; then every line
 *	must be there once, none torn.
 *   fsprobe unlinked DIR [OTHER]
 *	fstat, write and read on open files whose name was unlinked, a
 *	tmpfile(), and with OTHER (the same directory through another
 *	mount) fstat, ftruncate, fchmod, fchown and futimens on a file
 *	renamed away by that other client.
 *   fsprobe flock FILE [OTHER]
 *	the errno of flock(LOCK_NB) and fcntl(F_SETLK) on a lock that
 *	another process holds through the same mount, and of flock(LOCK_NB)
 *	through OTHER, another mount of the same file.
 *   fsprobe replace DIR
 *	dpkg's way of updating a file: write FILE-new, link FILE to
 *	FILE-old, rename FILE-new over FILE, while the old FILE is still
 *	open; opening FILE must then read the new data.
 *   fsprobe xattr FILE
 *	user.* round trip; what security.capability does.
 *   fsprobe mknames DIR LIST / fsprobe lsnames DIR
 *	create the names in LIST (one hex-encoded name per line); list DIR
 *	with each name hex-encoded. mknames prints the errno of any that
 *	failed.
 *   fsprobe mount SOURCE DIR OPTIONS
 *	mount(2) a cifs file system (busybox mount rewrites cifs options).
 *   fsprobe special DIR / creator DIR
 *	mode checks of device nodes and fifos; objects of uid 65534 in a
 *	sticky directory are its own, with their modes.
 *   fsprobe posixopen DIR
 *	uid 65534 opens with the access mode 3, then makes objects as for
 *	creator: they must still be its own, with their modes.
 *   fsprobe modes DIR
 *	root makes files, directories, a fifo and devices with set-id,
 *	sticky and write bits; the modes must come back exactly.
 *   fsprobe atime FILE
 *	an atime set before the mtime must read back from the server.
 *   fsprobe dirtimes DIR
 *	creating, linking, renaming and removing entries moves their
 *	directory's mtime, and stat() shows it at once.
 *   fsprobe hold FCNTL FLOCK GO END
 *	hold write locks of bytes 0-9 and 100-109 of FCNTL with
 *	fcntl(F_SETLK) and an exclusive flock() of FLOCK; print
 *	"hold: locked", wait until
 *	GO exists, write a byte to both files and fsync them, print
 *	"hold: used", and release the locks once END exists.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef RWF_APPEND
#define RWF_APPEND 0x00000010
#endif

#define LINE_LEN 8

static const char *key;
static int failures;
static char why[2048];

/* Record a behaviour that did not hold; finish() prints them all. */
static void fail(const char *fmt, ...)
{
	size_t len = strlen(why);
	va_list ap;

	if (failures++ && len < sizeof(why) - 2) {
		strcpy(why + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, sizeof(why) - len, fmt, ap);
	va_end(ap);
}

static int finish(const char *note)
{
	if (failures)
		printf("%s: fail %s\n", key, why);
	else
		printf("%s: ok%s%s\n", key, note ? " " : "", note ? note : "");
	fflush(stdout);
	return failures ? 1 : 0;
}

/* One line: writer letter, line number, newline: "a000123\n". */
static void make_line(char *buf, int writer, unsigned int n)
{
	snprintf(buf, LINE_LEN + 1, "%c%06u\n", 'a' + writer % 26, n % 1000000);
}

enum append_mode { APPEND_OPEN, APPEND_RWF, APPEND_REOPEN };

static int append_writer(const char *path, int writer, int lines,
			 enum append_mode mode)
{
	int flags = O_WRONLY | O_CREAT | (mode == APPEND_RWF ? 0 : O_APPEND);
	char buf[LINE_LEN + 1];
	struct iovec iov;
	int fd = -1, i;
	ssize_t n;

	for (i = 0; i < lines; i++) {
		if (fd < 0)
			fd = open(path, flags, 0644);
		if (fd < 0)
			return 1;
		make_line(buf, writer, i);
		iov.iov_base = buf;
		iov.iov_len = LINE_LEN;
		if (mode == APPEND_RWF)
			n = pwritev2(fd, &iov, 1, -1, RWF_APPEND);
		else
			n = write(fd, buf, LINE_LEN);
		if (n != LINE_LEN)
			return 1;
		if (mode == APPEND_REOPEN) {
			if (close(fd))
				return 1;
			fd = -1;
		}
	}
	return fd >= 0 && close(fd) ? 1 : 0;
}

static int cmd_append(int argc, char **argv)
{
	int writers, lines, w, status, torn = 0, lost = 0;
	enum append_mode mode = APPEND_OPEN;
	char *seen, buf[LINE_LEN + 1] = "";
	struct stat st;
	pid_t pid;
	FILE *f;

	key = "append";
	if (argc < 3)
		return 2;
	writers = atoi(argv[1]);
	lines = atoi(argv[2]);
	if (argc > 3 && !strcmp(argv[3], "rwf"))
		mode = APPEND_RWF;
	else if (argc > 3 && !strcmp(argv[3], "reopen"))
		mode = APPEND_REOPEN;
	else if (argc > 3)
		return 2;
	if (writers < 1 || writers > 26 || lines < 1 || lines > 999999)
		return 2;
	unlink(argv[0]);
	for (w = 0; w < writers; w++) {
		pid = fork();
		if (pid == 0)
			_exit(append_writer(argv[0], w, lines, mode));
	}
	for (w = 0; w < writers; w++) {
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail("a writer failed");
	}
	if (stat(argv[0], &st))
		fail("stat: %s", strerror(errno));
	seen = calloc((size_t)writers * lines, 1);
	f = fopen(argv[0], "r");
	if (!f || !seen)
		fail("open: %s", strerror(errno));
	while (f && fread(buf, 1, LINE_LEN, f) == LINE_LEN) {
		int wr = buf[0] - 'a', n;
		char want[LINE_LEN + 1];

		n = atoi(buf + 1);
		make_line(want, wr, n);
		if (wr < 0 || wr >= writers || n < 0 || n >= lines ||
		    memcmp(buf, want, LINE_LEN))
			torn++;
		else
			seen[wr * lines + n]++;
	}
	for (w = 0; w < writers * lines; w++)
		lost += seen && seen[w] != 1;
	if (lost || torn || st.st_size != (off_t)writers * lines * LINE_LEN)
		fail("%d of %d lines lost or doubled, %d torn, size %lld",
		     lost, writers * lines, torn, (long long)st.st_size);
	if (f)
		fclose(f);
	free(seen);
	snprintf(buf, sizeof(buf), "%d", writers * lines);
	return finish(buf);
}

typedef long long (*stat_field)(const struct stat *st);

/* Check one fstat field after an f*() call on a file without a name. */
static void fcheck(int fd, const char *what, int rc, stat_field got_of,
		   long long want)
{
	struct stat st;

	if (rc) {
		fail("%s: %s", what, strerror(errno));
		return;
	}
	if (fstat(fd, &st)) {
		fail("fstat after %s: %s", what, strerror(errno));
		return;
	}
	if (got_of(&st) != want)
		fail("%s: fstat shows %lld, not %lld", what, got_of(&st), want);
}

static long long size_of(const struct stat *st) { return st->st_size; }
static long long mode_of(const struct stat *st) { return st->st_mode & 07777; }
static long long uid_of(const struct stat *st) { return st->st_uid; }
static long long mtime_of(const struct stat *st) { return st->st_mtim.tv_sec; }

/* An open file whose name is gone keeps its data and attributes. */
static void unlinked_io(int fd, const char *how, int writable)
{
	char what[64], buf[16];

	snprintf(what, sizeof(what), "fstat (%s)", how);
	fcheck(fd, what, 0, size_of, 10);
	if (writable) {
		snprintf(what, sizeof(what), "write (%s)", how);
		fcheck(fd, what, pwrite(fd, "abc", 3, 10) == 3 ? 0 : -1,
		       size_of, 13);
	}
	if (pread(fd, buf, 10, 0) != 10 || memcmp(buf, "0123456789", 10))
		fail("read (%s): %s", how, strerror(errno));
}

static int open_unlinked(const char *dir, const char *name, int flags)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "0123456789", 10) != 10) {
		fail("create %s: %s", path, strerror(errno));
		return -1;
	}
	if (flags != O_RDWR) {
		close(fd);
		fd = open(path, flags);
	}
	if (fd < 0 || unlink(path)) {
		fail("unlink %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

/* f*() calls on an open file whose name another client changed */
static void renamed_ops(int fd, const char *how)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1200000000, 0 } };
	char what[64];

	snprintf(what, sizeof(what), "fstat (%s)", how);
	fcheck(fd, what, 0, size_of, 10);
	snprintf(what, sizeof(what), "ftruncate (%s)", how);
	fcheck(fd, what, ftruncate(fd, 3), size_of, 3);
	snprintf(what, sizeof(what), "fchmod (%s)", how);
	fcheck(fd, what, fchmod(fd, 0600), mode_of, 0600);
	snprintf(what, sizeof(what), "fchown (%s)", how);
	fcheck(fd, what, fchown(fd, 1000, 1000), uid_of, 1000);
	snprintf(what, sizeof(what), "futimens (%s)", how);
	fcheck(fd, what, futimens(fd, ts), mtime_of, 1200000000);
}

static int cmd_unlinked(int argc, char **argv)
{
	char path[4096], other[4096], buf[16];
	FILE *tmp;
	int fd;

	key = "unlinked";
	if (argc < 1)
		return 2;
	fd = open_unlinked(argv[0], "unlinked-rw", O_RDWR);
	if (fd >= 0) {
		unlinked_io(fd, "O_RDWR", 1);
		close(fd);
	}
	fd = open_unlinked(argv[0], "unlinked-ro", O_RDONLY);
	if (fd >= 0) {
		unlinked_io(fd, "O_RDONLY", 0);
		close(fd);
	}
	/* glibc's tmpfile() is mkstemp() + unlink() where O_TMPFILE fails */
	setenv("TMPDIR", argv[0], 1);
	tmp = tmpfile();
	if (!tmp || fputs("tmpfile data\n", tmp) < 0 || fflush(tmp))
		fail("tmpfile: %s", strerror(errno));
	else if (fseek(tmp, 0, SEEK_SET) || !fgets(buf, sizeof(buf), tmp))
		fail("tmpfile read: %s", strerror(errno));
	else
		fcheck(fileno(tmp), "tmpfile", 0, size_of, 13);
	if (tmp)
		fclose(tmp);
	if (argc > 1) {
		/* another client renames the open file away */
		snprintf(path, sizeof(path), "%s/renamed-away", argv[0]);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, "0123456789", 10) != 10)
			fail("create %s: %s", path, strerror(errno));
		snprintf(path, sizeof(path), "%s/renamed-away", argv[1]);
		snprintf(other, sizeof(other), "%s/renamed-away-now", argv[1]);
		if (fd >= 0 && rename(path, other))
			fail("rename through the other mount: %s",
			     strerror(errno));
		if (fd >= 0) {
			renamed_ops(fd, "renamed away");
			close(fd);
		}
	}
	return finish(argc > 1 ? "with a rename by another client" : NULL);
}

/* Take a lock in a child, which holds it until told to go. */
static pid_t hold_lock(const char *path, int use_flock, int *go)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int ready[2], release[2];
	char c;
	pid_t pid;

	if (pipe(ready) || pipe(release))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CREAT, 0644);

		if (fd < 0 || (use_flock ? flock(fd, LOCK_EX) :
			       fcntl(fd, F_SETLK, &fl)))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		if (read(release[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	if (read(ready[0], &c, 1) != 1) {
		fail("the holder of %s could not lock it", path);
		return -1;
	}
	*go = release[1];
	return pid;
}

static void release_lock(pid_t pid, int go)
{
	if (pid <= 0)
		return;
	if (write(go, "x", 1) != 1)
		fail("release: %s", strerror(errno));
	close(go);
	waitpid(pid, NULL, 0);
}

static void try_lock(const char *held, const char *path, int use_flock,
		     const char *what)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int go, fd, rc, err;
	pid_t pid;

	pid = hold_lock(held, use_flock, &go);
	if (pid < 0)
		return;
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fail("open %s: %s", path, strerror(errno));
		release_lock(pid, go);
		return;
	}
	rc = use_flock ? flock(fd, LOCK_EX | LOCK_NB) : fcntl(fd, F_SETLK, &fl);
	err = errno;
	if (!rc)
		fail("%s: got a lock another process holds", what);
	else if (err != EWOULDBLOCK)
		fail("%s: %s, not EWOULDBLOCK/EAGAIN", what, strerror(err));
	release_lock(pid, go);
	/* once released, the lock is there to take */
	rc = use_flock ? flock(fd, LOCK_EX | LOCK_NB) : fcntl(fd, F_SETLK, &fl);
	if (rc)
		fail("%s after release: %s", what, strerror(errno));
	close(fd);
}

static int cmd_flock(int argc, char **argv)
{
	char other[4096];

	key = "flock";
	if (argc < 1)
		return 2;
	close(open(argv[0], O_RDWR | O_CREAT, 0644));
	try_lock(argv[0], argv[0], 1, "flock, one mount");
	try_lock(argv[0], argv[0], 0, "fcntl, one mount");
	if (argc > 1) {
		snprintf(other, sizeof(other), "%s", argv[1]);
		try_lock(argv[0], other, 1, "flock, two mounts");
	}
	return finish(argc > 1 ? "one mount and two" : "one mount");
}

static int write_whole(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd)) {
		fail("write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

static int cmd_replace(int argc, char **argv)
{
	char file[4096], new[4096], old[4096], data[4096], buf[4096];
	int round, held, fd;
	ssize_t n;

	key = "replace";
	if (argc < 1)
		return 2;
	snprintf(file, sizeof(file), "%s/status", argv[0]);
	snprintf(new, sizeof(new), "%s/status-new", argv[0]);
	snprintf(old, sizeof(old), "%s/status-old", argv[0]);
	memset(data, 'x', 3000);
	if (write_whole(file, data, 3000))
		return finish(NULL);
	/* a reader that keeps the file it opened first */
	held = open(file, O_RDONLY);
	for (round = 1; round <= 3 && !failures; round++) {
		snprintf(data + 3000, 100, "round %d\n", round);
		if (write_whole(new, data, strlen(data)))
			break;
		unlink(old);
		if (link(file, old))
			fail("link, round %d: %s", round, strerror(errno));
		if (rename(new, file))
			fail("rename, round %d: %s", round, strerror(errno));
		fd = open(file, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
		if (n != (ssize_t)strlen(data) || memcmp(buf, data, n))
			fail("round %d: read %zd bytes, not the %zu bytes of the new file",
			     round, n, strlen(data));
		if (fd >= 0)
			close(fd);
	}
	if (held >= 0)
		close(held);
	return finish("3 rounds");
}

static int cmd_xattr(int argc, char **argv)
{
	/* VFS_CAP_REVISION_2, cap_net_raw (13) permitted and effective */
	static const unsigned char cap[20] = {
		0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00,
	};
	char buf[256], note[128];
	ssize_t n;

	key = "xattr";
	if (argc < 1)
		return 2;
	close(open(argv[0], O_WRONLY | O_CREAT, 0644));
	if (setxattr(argv[0], "user.cifsroot", "value-1", 7, 0))
		fail("setxattr user.cifsroot: %s", strerror(errno));
	n = getxattr(argv[0], "user.cifsroot", buf, sizeof(buf));
	if (!failures && (n != 7 || memcmp(buf, "value-1", 7)))
		fail("getxattr user.cifsroot: %s", n < 0 ? strerror(errno) :
		     "other value");
	n = listxattr(argv[0], buf, sizeof(buf));
	if (!failures && (n < 0 || !memmem(buf, n, "user.cifsroot", 14)))
		fail("listxattr has no user.cifsroot");
	if (!failures && setxattr(argv[0], "user.cifsroot", "value-2", 7,
				  XATTR_REPLACE))
		fail("replace user.cifsroot: %s", strerror(errno));
	if (!failures && setxattr(argv[0], "user.removed", "x", 1, 0))
		fail("setxattr user.removed: %s", strerror(errno));
	if (!failures && removexattr(argv[0], "user.removed"))
		fail("removexattr: %s", strerror(errno));
	if (!failures && getxattr(argv[0], "user.removed", buf, 1) >= 0)
		fail("user.removed is still there");
	/* security.capability must either work or be refused cleanly */
	if (!setxattr(argv[0], "security.capability", cap, sizeof(cap), 0))
		snprintf(note, sizeof(note), "security.capability stored");
	else if (errno == EOPNOTSUPP)
		snprintf(note, sizeof(note), "security.capability EOPNOTSUPP");
	else
		fail("security.capability: %s", strerror(errno));
	return finish(note);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int cmd_mknames(int argc, char **argv)
{
	char line[1024], name[512], path[4096];
	int made = 0, i, fd;
	size_t len;
	FILE *list;

	key = "mknames";
	if (argc < 2)
		return 2;
	list = fopen(argv[1], "r");
	if (!list) {
		fail("%s: %s", argv[1], strerror(errno));
		return finish(NULL);
	}
	while (fgets(line, sizeof(line), list)) {
		len = strcspn(line, "\n") / 2;
		for (i = 0; i < (int)len && i < (int)sizeof(name) - 1; i++)
			name[i] = hexval(line[2 * i]) << 4 |
				  hexval(line[2 * i + 1]);
		name[i] = '\0';
		snprintf(path, sizeof(path), "%s/%s", argv[0], name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			printf("mkname: %.*s %s\n", (int)(2 * len), line,
			       strerrorname_np(errno));
			continue;
		}
		close(fd);
		made++;
	}
	fclose(list);
	snprintf(line, sizeof(line), "%d made", made);
	return finish(line);
}

static int cmd_lsnames(int argc, char **argv)
{
	struct dirent *de;
	const char *p;
	DIR *d;

	key = "lsnames";
	if (argc < 1)
		return 2;
	d = opendir(argv[0]);
	if (!d) {
		fail("%s: %s", argv[0], strerror(errno));
		return finish(NULL);
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		printf("lsname: ");
		for (p = de->d_name; *p; p++)
			printf("%02x", (unsigned char)*p);
		printf("\n");
	}
	closedir(d);
	return finish(NULL);
}

/* Run fn(arg) as uid and gid 65534 in a child; returns its status. */
static int as_nobody(int (*fn)(const char *arg), const char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The errno of opening @path for reading, 0 when it opened. */
static int open_errno(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Device nodes and fifos are local objects: their mode is checked by the
 * client whatever the mount says (run on a noperm mount).
 */
static int cmd_special(int argc, char **argv)
{
	static const struct {
		const char *name;
		mode_t mode;
		int want;
	} nodes[] = {
		{ "fifo-0600", S_IFIFO | 0600, EACCES },
		{ "null-0600", S_IFCHR | 0600, EACCES },
		{ "fifo-0666", S_IFIFO | 0666, 0 },
		{ "null-0666", S_IFCHR | 0666, 0 },
	};
	char path[4096];
	size_t i;
	int got;

	key = "special";
	if (argc < 1)
		return 2;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[0], nodes[i].name);
		unlink(path);
		if (mknod(path, nodes[i].mode, makedev(1, 3)) ||
		    chmod(path, nodes[i].mode & 07777)) {
			fail("%s: %s", nodes[i].name, strerror(errno));
			continue;
		}
		got = as_nobody(open_errno, path);
		if (got != nodes[i].want)
			fail("uid 65534 opening %s: %s, not %s", nodes[i].name,
			     got ? strerror(got) : "opened",
			     nodes[i].want ? strerror(nodes[i].want) : "opened");
	}
	return finish("mode checked for uid 65534");
}

static int creator_make(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/setuid", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 04755);
	if (fd < 0 || close(fd))
		return 1;
	snprintf(path, sizeof(path), "%s/setgid", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 02755);
	if (fd < 0 || close(fd))
		return 2;
	snprintf(path, sizeof(path), "%s/dir", dir);
	if (mkdir(path, 0775))
		return 2;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0640))
		return 3;
	snprintf(path, sizeof(path), "%s/link", dir);
	if (symlink("target", path))
		return 4;
	return 0;
}

/* Drop the client's caches, so that what follows reads the server's. */
static void drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "3\n", 2) != 2)
		fail("drop_caches: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * Objects made by uid 65534 in the sticky directory @dir: each belongs to
 * it with its full mode, set-id bits included, and a symlink's owner is the
 * link's own, never its target's (a root-owned file).
 */
static void check_creator(const char *dir)
{
	static const struct {
		const char *name;
		mode_t mode;
	} made[] = {
		{ "setuid", S_IFREG | 04755 },
		{ "setgid", S_IFREG | 02755 },
		{ "dir", S_IFDIR | 0775 },
		{ "fifo", S_IFIFO | 0640 },
		{ "link", S_IFLNK | 0777 },
	};
	char path[4096];
	struct stat st;
	size_t i;
	int rc;

	mkdir(dir, 01777);
	if (chmod(dir, 01777))
		fail("chmod %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/target", dir);
	if (write_whole(path, "root's\n", 7) || chmod(path, 0600))
		fail("target: %s", strerror(errno));
	umask(0);
	rc = as_nobody(creator_make, dir);
	if (rc)
		fail("uid 65534 could not make object %d", rc);
	/* what the server keeps, not what the client cached */
	drop_caches();
	for (i = 0; !rc && i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, made[i].name);
		if (lstat(path, &st)) {
			fail("%s: %s", made[i].name, strerror(errno));
			continue;
		}
		if (st.st_uid != 65534 || st.st_gid != 65534 ||
		    (!S_ISLNK(st.st_mode) && st.st_mode != made[i].mode))
			fail("%s: %u:%u %o, not 65534:65534 %o", made[i].name,
			     st.st_uid, st.st_gid, st.st_mode, made[i].mode);
	}
	snprintf(path, sizeof(path), "%s/target", dir);
	if (!stat(path, &st) && (st.st_uid || st.st_gid))
		fail("the symlink's target became %u:%u", st.st_uid, st.st_gid);
}

static int cmd_creator(int argc, char **argv)
{
	key = "creator";
	if (argc < 1)
		return 2;
	check_creator(argv[0]);
	return finish("setuid and setgid files, directory, fifo, symlink");
}

/*
 * Open @dir/odd with the access mode 3 (O_WRONLY | O_RDWR), which Linux
 * defines as "check for read and write permission, no reading or writing"
 * (open(2)), made and then existing; exits with the errno of the first
 * open that failed.
 */
static int odd_opens(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/odd", dir);
	fd = open(path, O_WRONLY | O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	fd = open(path, O_WRONLY | O_RDWR);
	if (fd < 0)
		return errno;
	if (write(fd, "x", 1) != -1 || errno != EBADF)
		return 200;
	close(fd);
	return 0;
}

/*
 * An unprivileged process opens files with the access mode 3, as it may:
 * the opens behave as on a local disk, and objects that uid 65534 makes
 * afterwards are still its own with their exact modes (POSIX opens and
 * creates stay on for the mount).
 */
static int cmd_posixopen(int argc, char **argv)
{
	char path[4096];
	int rc;

	key = "posixopen";
	if (argc < 1)
		return 2;
	mkdir(argv[0], 01777);
	if (chmod(argv[0], 01777))
		fail("chmod %s: %s", argv[0], strerror(errno));
	rc = as_nobody(odd_opens, argv[0]);
	if (rc == 200)
		fail("a file opened with O_WRONLY | O_RDWR could be written");
	else if (rc)
		fail("uid 65534 opening with O_WRONLY | O_RDWR: %s",
		     strerror(rc));
	snprintf(path, sizeof(path), "%s/after", argv[0]);
	check_creator(path);
	return finish("O_WRONLY | O_RDWR opened as on a local disk, then "
		      "setuid and setgid files, directory, fifo, symlink of "
		      "uid 65534");
}

/* Create the regular file @path with @mode; 0 or -1 with errno set. */
static int make_file(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	return fd < 0 ? -1 : close(fd);
}

/*
 * Objects that root makes with every kind of mode bit, as dpkg and
 * mknod(1) do: the modes and device numbers must come back exactly,
 * from the server. Prints "mode NAME OCTAL" for each, for the harness to
 * compare with the server's own view.
 */
static int cmd_modes(int argc, char **argv)
{
	static const struct {
		const char *name;
		mode_t mode;
		dev_t dev;
	} objs[] = {
		{ "setuid", S_IFREG | 04755, 0 },
		{ "setgid", S_IFREG | 02755, 0 },
		{ "setuid-setgid", S_IFREG | 06711, 0 },
		{ "group-write", S_IFREG | 0664, 0 },
		{ "all-write", S_IFREG | 0666, 0 },
		{ "sticky-file", S_IFREG | 01644, 0 },
		{ "dir-setgid", S_IFDIR | 02775, 0 },
		{ "dir-sticky", S_IFDIR | 01777, 0 },
		{ "fifo", S_IFIFO | 0666, 0 },
		{ "char", S_IFCHR | 0620, 0x0403 },
		{ "block", S_IFBLK | 0660, 0x0700 },
	};
	char path[4096];
	struct stat st;
	size_t i;
	int rc;

	key = "modes";
	if (argc < 1)
		return 2;
	mkdir(argv[0], 0755);
	umask(0);
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		mode_t mode = objs[i].mode;
		dev_t dev = makedev(objs[i].dev >> 8, objs[i].dev & 0xff);

		snprintf(path, sizeof(path), "%s/%s", argv[0], objs[i].name);
		/* mkdir(2) takes no set-group-ID bit: chmod sets it */
		if (S_ISDIR(mode))
			rc = mkdir(path, mode & 07777) ||
			     chmod(path, mode & 07777);
		else if (S_ISREG(mode))
			rc = make_file(path, mode & 07777);
		else
			rc = mknod(path, mode, dev);
		if (rc)
			fail("%s: %s", objs[i].name, strerror(errno));
	}
	drop_caches();
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		dev_t dev = makedev(objs[i].dev >> 8, objs[i].dev & 0xff);

		snprintf(path, sizeof(path), "%s/%s", argv[0], objs[i].name);
		if (lstat(path, &st)) {
			fail("%s: %s", objs[i].name, strerror(errno));
			continue;
		}
		printf("mode %s %o\n", objs[i].name, st.st_mode);
		if (st.st_mode != objs[i].mode)
			fail("%s: %o, not %o", objs[i].name, st.st_mode,
			     objs[i].mode);
		if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) &&
		    st.st_rdev != dev)
			fail("%s: device %u:%u", objs[i].name,
			     major(st.st_rdev), minor(st.st_rdev));
	}
	return finish("set-id, sticky, group and other write, fifo, devices");
}

/*
 * Files of modes 0644, 0600 and 0750, opened after the client's caches
 * were dropped: fstat() of the open file and stat() of its name show the
 * mode the file was made with, as systemd, sshd and sudo check modes with
 * fstat().
 */
static int cmd_fstatmode(int argc, char **argv)
{
	static const mode_t modes[] = { 0644, 0600, 0750 };
	char path[4096];
	struct stat st, fst;
	size_t i;
	int fd;

	key = "fstatmode";
	if (argc < 1)
		return 2;
	mkdir(argv[0], 0755);
	umask(0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%03o", argv[0], modes[i]);
		if (make_file(path, modes[i]))
			fail("make %03o: %s", modes[i], strerror(errno));
	}
	drop_caches();
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(path, sizeof(path), "%s/%03o", argv[0], modes[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			fail("open %03o: %s", modes[i], strerror(errno));
			continue;
		}
		if (fstat(fd, &fst) || stat(path, &st))
			fail("%03o: %s", modes[i], strerror(errno));
		else if ((fst.st_mode & 07777) != modes[i] ||
			 (st.st_mode & 07777) != modes[i])
			fail("%03o: fstat %03o, stat %03o", modes[i],
			     fst.st_mode & 07777, st.st_mode & 07777);
		close(fd);
	}
	return finish("0644, 0600 and 0750 read back through an open file");
}

/*
 * A file's atime set before its mtime, as tar, cp -p and touch -a do:
 * after the client's caches are dropped, stat() must read it back.
 */
static int cmd_atime(int argc, char **argv)
{
	struct timespec times[2];
	struct stat st;

	key = "atime";
	if (argc < 1)
		return 2;
	if (write_whole(argv[0], "atime\n", 6))
		return finish(NULL);
	times[0].tv_sec = 1000000000;	/* 2001-09-09, atime */
	times[0].tv_nsec = 0;
	times[1].tv_sec = 1500000000;	/* 2017-07-14, mtime */
	times[1].tv_nsec = 0;
	if (utimensat(AT_FDCWD, argv[0], times, 0))
		fail("utimensat: %s", strerror(errno));
	drop_caches();
	if (stat(argv[0], &st))
		fail("stat: %s", strerror(errno));
	else if (st.st_atime != times[0].tv_sec ||
		 st.st_mtime != times[1].tv_sec)
		fail("atime %lld and mtime %lld, not %lld and %lld",
		     (long long)st.st_atime, (long long)st.st_mtime,
		     (long long)times[0].tv_sec, (long long)times[1].tv_sec);
	return finish("atime before mtime read back");
}

/* Wait until @path exists, looking every 0.2 s. */
static void wait_for(const char *path)
{
	const struct timespec tick = { .tv_nsec = 200000000 };
	struct stat st;

	while (stat(path, &st))
		nanosleep(&tick, NULL);
}

/*
 * Open @path and lock all of it with flock(), or bytes 0-9 and 100-109
 * with fcntl(): two locks, which a client must keep apart. -1 on error.
 */
static int open_locked(const char *path, int use_flock)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_len = 10 };
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	int rc = fd < 0;

	if (!rc && use_flock) {
		rc = flock(fd, LOCK_EX | LOCK_NB);
	} else if (!rc) {
		rc = fcntl(fd, F_SETLK, &fl);
		fl.l_start = 100;
		rc = rc || fcntl(fd, F_SETLK, &fl);
	}
	if (rc) {
		fail("lock %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Locks held while the server goes away and comes back (another node of
 * a cluster takes over its address): the harness checks on the server
 * that both are held again once the files have been used.
 */
static int cmd_hold(int argc, char **argv)
{
	int fds[2], i;

	key = "hold";
	if (argc < 4)
		return 2;
	for (i = 0; i < 2; i++)
		fds[i] = open_locked(argv[i], i);
	if (failures)
		return finish(NULL);
	printf("hold: locked\n");
	wait_for(argv[2]);
	for (i = 0; i < 2; i++) {
		if (pwrite(fds[i], "x", 1, 0) != 1 || fsync(fds[i]))
			fail("use %s: %s", argv[i], strerror(errno));
	}
	printf("hold: used\n");
	wait_for(argv[3]);
	for (i = 0; i < 2; i++)
		close(fds[i]);
	return finish("both locks held until the end");
}

/* What one entry operation does in the directory @d. */
static int dir_op(int op, const char *d)
{
	char a[4096], b[4096];

	snprintf(a, sizeof(a), "%s/new", d);
	snprintf(b, sizeof(b), "%s/old", d);
	switch (op) {
	case 0:
		return make_file(a, 0644);
	case 1:
		return mkdir(a, 0755);
	case 2:
		return symlink("target", a);
	case 3:
		return mkfifo(a, 0644);
	case 4:
		return link(b, a);
	case 5:
		return rename(b, a);
	default:
		return unlink(b);
	}
}

/*
 * Each operation that adds or removes an entry moves its directory's mtime,
 * and stat() shows it at once, as on a local disk: the directory's
 * attributes were cached just before (well within actimeo), and the server
 * stamps the change at least 50 ms later.
 */
static int cmd_dirtimes(int argc, char **argv)
{
	static const char * const ops[] = {
		"create", "mkdir", "symlink", "mknod", "link", "rename",
		"unlink",
	};
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct stat before, after;
	char d[2048], old[4096];
	size_t i;

	key = "dirtimes";
	if (argc < 1)
		return 2;
	mkdir(argv[0], 0755);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(d, sizeof(d), "%s/%s", argv[0], ops[i]);
		snprintf(old, sizeof(old), "%s/old", d);
		if (mkdir(d, 0755) || make_file(old, 0644)) {
			fail("%s: %s", d, strerror(errno));
			continue;
		}
		nanosleep(&pause, NULL);
		if (stat(d, &before)) {
			fail("stat %s: %s", d, strerror(errno));
			continue;
		}
		nanosleep(&pause, NULL);
		if (dir_op(i, d)) {
			fail("%s: %s", ops[i], strerror(errno));
			continue;
		}
		if (stat(d, &after)) {
			fail("stat %s: %s", d, strerror(errno));
			continue;
		}
		if (after.st_mtim.tv_sec < before.st_mtim.tv_sec ||
		    (after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		     after.st_mtim.tv_nsec <= before.st_mtim.tv_nsec))
			fail("%s: the directory's mtime stayed %lld.%09ld",
			     ops[i], (long long)before.st_mtim.tv_sec,
			     before.st_mtim.tv_nsec);
	}
	return finish("create, mkdir, symlink, mknod, link, rename, unlink "
		      "move the directory's mtime at once");
}

static int cmd_mount(int argc, char **argv)
{
	key = "mount";
	if (argc < 3)
		return 2;
	mkdir(argv[1], 0755);
	if (mount(argv[0], argv[1], "cifs", 0, argv[2]))
		fail("%s: %s", argv[1], strerror(errno));
	return finish(argv[1]);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "append", cmd_append },
		{ "unlinked", cmd_unlinked },
		{ "flock", cmd_flock },
		{ "replace", cmd_replace },
		{ "xattr", cmd_xattr },
		{ "mknames", cmd_mknames },
		{ "lsnames", cmd_lsnames },
		{ "mount", cmd_mount },
		{ "special", cmd_special },
		{ "creator", cmd_creator },
		{ "posixopen", cmd_posixopen },
		{ "modes", cmd_modes },
		{ "fstatmode", cmd_fstatmode },
		{ "atime", cmd_atime },
		{ "dirtimes", cmd_dirtimes },
		{ "hold", cmd_hold },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: fsprobe append|unlinked|flock|replace|xattr|mknames|lsnames|mount|special|creator|posixopen|modes|fstatmode|atime|dirtimes|hold ...\n");
	return 2;
}
