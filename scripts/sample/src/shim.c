/* shim.c: one static binary behind the sample's masquerading daemons.
 * Unlike a hard link or a copy, it keeps its own path (/var/lib/.pkg/shim)
 * and only changes the names a process listing shows: the comm
 * (PR_SET_NAME) and the command line (argv rewritten in place). Each name
 * blocks in its own kernel path, like the daemon it imitates:
 *   sysl0gd      datagram UNIX socket on the abstract name "\0/dev/log"
 *                (recvmsg, like syslogd on /dev/log)
 *   dbus-daemom  listening abstract UNIX socket "\0/run/dbus/system_bus",
 *                epoll_wait on it (like dbus-daemon)
 *   udhcpcd      raw AF_PACKET socket with a classic BPF filter that passes
 *                only a "magic" UDP packet (port 53, payload starting 0x7255):
 *                a BPFDoor-style passive backdoor, like udhcpc's raw socket
 *   other        nanosleep loop
 * It detaches with one fork + setsid (reparented to init, no tty).
 * usage: shim NAME */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void rename_self(int argc, char **argv, const char *name, const char *shown)
{
	char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
	size_t room = (size_t)(end - start);

	prctl(PR_SET_NAME, name, 0, 0, 0);
	memset(start, 0, room);
	strncpy(start, shown, room);
}

static int unix_sock(int type, const char *abstract)
{
	struct sockaddr_un u;
	socklen_t len;
	int s = socket(AF_UNIX, type, 0);

	memset(&u, 0, sizeof(u));
	u.sun_family = AF_UNIX;
	strncpy(u.sun_path + 1, abstract, sizeof(u.sun_path) - 2);
	len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(abstract);
	if (s < 0 || bind(s, (struct sockaddr *)&u, len) != 0)
		return -1;
	return s;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "shim";
	char buf[2048];
	int fd, s;

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

	if (strcmp(name, "sysl0gd") == 0) {
		rename_self(argc, argv, name, "/sbin/sysl0gd -n");
		s = unix_sock(SOCK_DGRAM, "/dev/log");
		for (;;)
			if (s < 0 || recv(s, buf, sizeof(buf), 0) < 0)
				sleep(60);
	} else if (strcmp(name, "dbus-daemom") == 0) {
		struct epoll_event ev = { .events = EPOLLIN };
		int ep = epoll_create1(0);

		rename_self(argc, argv, name, "dbus-daemom --system --nofork");
		s = unix_sock(SOCK_STREAM, "/run/dbus/system_bus");
		if (s >= 0)
			listen(s, 16);
		ev.data.fd = s;
		epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
		for (;;)
			if (epoll_wait(ep, &ev, 1, -1) > 0) {
				int c = accept(s, NULL, NULL);

				if (c >= 0)
					close(c);
			}
	} else if (strcmp(name, "udhcpcd") == 0) {
		/* ip, udp, dport 53, payload[0..1] == 0x7255, else drop */
		struct sock_filter code[] = {
			{ 0x30, 0, 0, 0x00000009 },	/* ldb [9] (ip proto) */
			{ 0x15, 0, 6, 0x00000011 },	/* jeq #17 */
			{ 0xb1, 0, 0, 0x00000000 },	/* ldxb 4*([0]&0xf) */
			{ 0x48, 0, 0, 0x00000002 },	/* ldh [x+2] (dport) */
			{ 0x15, 0, 3, 0x00000035 },	/* jeq #53 */
			{ 0x48, 0, 0, 0x00000008 },	/* ldh [x+8] (payload) */
			{ 0x15, 0, 1, 0x00007255 },	/* jeq #0x7255 */
			{ 0x06, 0, 0, 0x0000ffff },	/* ret #65535 */
			{ 0x06, 0, 0, 0x00000000 },	/* ret #0 */
		};
		struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

		rename_self(argc, argv, name, "udhcpcd -b -i eth0");
		s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
		if (s >= 0)
			setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
		for (;;)
			if (s < 0 || recv(s, buf, sizeof(buf), 0) < 0)
				sleep(60);
	}
	rename_self(argc, argv, name, name);
	for (;;)
		sleep(3600);
	return 0;
}
