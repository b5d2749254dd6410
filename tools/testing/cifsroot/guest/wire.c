// SPDX-License-Identifier: GPL-2.0
/*
 * wire: raw TCP throughput between the guest and the host, the ceiling of
 * any file system on the emulated NIC. The bench builds it statically and
 * runs it in the guest against the host's sink and source
 * (cifsroot_wire.py):
 *
 *   wire send HOST PORT MIB	write MIB MiB of zeros to HOST:PORT
 *   wire recv HOST PORT MIB	read MIB MiB from HOST:PORT
 *
 * Each prints one line, "wire: <send|recv> <bytes> bytes in <seconds> s",
 * the time taken from connect() returning to the last byte written (and
 * the host's close seen) or read, by CLOCK_MONOTONIC; and exits 0, or
 * prints "wire: error: ..." and exits 1 (2 on bad usage).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)

static char buf[BUF_SIZE];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	printf("wire: error: %s: %s\n", what, strerror(errno));
	return 1;
}

static int transfer(int fd, int sending, long long total)
{
	long long done = 0;
	ssize_t n;

	while (done < total) {
		size_t want = total - done < BUF_SIZE ? total - done : BUF_SIZE;

		n = sending ? write(fd, buf, want) : read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(sending ? "write" : "read");
		if (n == 0) {
			errno = EPIPE;
			return fail("the host closed early");
		}
		done += n;
	}
	/* the host closes once it has every byte: wait for that */
	if (sending && (shutdown(fd, SHUT_WR) || read(fd, buf, 1) < 0))
		return fail("waiting for the host");
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	long long total;
	double t0, t;
	int fd, sending;

	if (argc != 5 || (strcmp(argv[1], "send") && strcmp(argv[1], "recv")))
		return 2;
	sending = !strcmp(argv[1], "send");
	total = atoll(argv[4]) * 1024 * 1024;
	addr.sin_port = htons(atoi(argv[3]));
	if (total <= 0 || inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fail("connect");
	t0 = now();
	if (transfer(fd, sending, total))
		return 1;
	t = now() - t0;
	close(fd);
	printf("wire: %s %lld bytes in %.6f s\n", argv[1], total, t);
	return 0;
}
