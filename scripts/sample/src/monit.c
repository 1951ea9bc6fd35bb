/* monit.c: benign process supervisor in the sample (the trigger, not a
 * planted process). It serves a status page on 127.0.0.1:2812 (monit's
 * port) from its main thread, and two checker threads walk /proc every
 * 0.6-1.2 s: for each process they read /proc/PID/stat and check it is alive
 * with kill(PID, 0). One of those liveness checks runs into the rootkit's
 * kill hook. Runs in the foreground (an inittab respawn entry). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile long alive[4];

static void *checker(void *arg)
{
	long id = (long)arg;
	char path[64], buf[512];

	for (;;) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		long n = 0;

		while (d && (e = readdir(d)) != NULL) {
			int pid, fd;

			if (!isdigit((unsigned char)e->d_name[0]))
				continue;
			pid = atoi(e->d_name);
			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			fd = open(path, O_RDONLY);
			if (fd >= 0) {
				if (read(fd, buf, sizeof(buf)) < 0)
					buf[0] = 0;
				close(fd);
			}
			if (kill(pid, 0) == 0)
				n++;
		}
		if (d)
			closedir(d);
		alive[id] = n;
		usleep(600000 + id * 600000);
	}
	return NULL;
}

int main(void)
{
	struct sockaddr_in a;
	pthread_t t;
	int s, c, one = 1;
	long i;

	for (i = 0; i < 2; i++)
		pthread_create(&t, NULL, checker, (void *)i);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(2812);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		for (;;)
			pause();
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c >= 0) {
			dprintf(c, "HTTP/1.0 200 OK\r\n\r\nmonit: %ld processes alive\n", alive[0]);
			close(c);
		}
	}
}
