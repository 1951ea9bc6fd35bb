/* fakekthread.c: a user process posing as the kernel's swap daemon.
 * Sets its comm to "kswapd0" (the name of a real kernel thread that also
 * runs in the sample) and rewrites its command line to "[kswapd0]", then
 * sleeps. Unlike the real one it has an mm, an executable and parent pid 1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
	struct timespec ts = { 600, 0 };
	int fd;

	if (fork() > 0)
		_exit(0);
	setsid();
	if (chdir("/") != 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	prctl(PR_SET_NAME, "kswapd0", 0, 0, 0);
	memset(start, 0, (size_t)(end - start));
	strncpy(start, "[kswapd0]", (size_t)(end - start));
	for (;;)
		nanosleep(&ts, NULL);
	return 0;
}
