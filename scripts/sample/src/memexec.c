/* memexec.c: fileless loader used by the sample's intruder.
 * Copies FILE into an anonymous memfd named NAME and executes it from there
 * (fexecve), with argv[0] set to ARGV0, so the running program has no file on
 * disk: /proc/PID/exe reads "/memfd:NAME (deleted)".
 * usage: memexec FILE NAME ARGV0 [ARG...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int in, mfd;

	if (argc < 4) {
		fprintf(stderr, "usage: memexec FILE NAME ARGV0 [ARG...]\n");
		return 2;
	}
	in = open(argv[1], O_RDONLY);
	mfd = memfd_create(argv[2], 0);
	if (in < 0 || mfd < 0)
		return 1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, n) != n)
			return 1;
	close(in);
	fexecve(mfd, argv + 3, environ);
	perror("fexecve");
	return 1;
}
