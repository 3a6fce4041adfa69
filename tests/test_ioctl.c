/* SPDX-License-Identifier: MIT */
/*
 * minivmm's two ioctl tiers (minivmm/ioctl.c), without KVM: the checked
 * tier passes results through and, on failure, records the request's name,
 * the object and errno; the raw tier records nothing; the named wrappers
 * go through the checked tier.  And outside minivmm/ no source calls
 * ioctl() on a VM or vCPU fd: a file there that calls ioctl() at all says
 * why its fd is none of those ("not a VM or vCPU fd").
 */
#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <unistd.h>

#include "minivmm/minivmm.h"
#include "tests/tap.h"

#define MARK "not a VM or vCPU fd"

static int ok_is(const char *want, const char *what)
{
	return ok(strcmp(eb_error(), want) == 0, "%s: '%s'", what, eb_error());
}

static void checked_tier(void)
{
	struct kvm_sys kvm = {.fd = -1, .path = "/nowhere/kvm"};
	struct vm vm = {.fd = -1};
	struct vcpu v = {.fd = open("/dev/null", O_RDONLY | O_CLOEXEC), .id = 1};
	struct kvm_regs regs;
	int p[2], n = 0;

	ok(pipe(p) == 0 && write(p[1], "abc", 3) == 3, "a pipe with 3 bytes");
	vm.fd = p[0];
	ok(vm_ioctl(&vm, FIONREAD, &n) == 0 && n == 3, "success: 0, the argument filled (%d)", n);
	close(p[0]);
	close(p[1]);
	vm.fd = -1;

	errno = 0;
	ok(vcpu_ioctl(&v, KVM_GET_REGS, &regs, " (try %d)", 7) == -1 && errno == ENOTTY,
	   "a failure returns -1, errno kept (%s)", strerror(errno));
	ok_is("KVM_GET_REGS (try 7) on vcpu 1: Inappropriate ioctl for device",
	      "vcpu: request, detail, vcpu id, strerror");
	ok(vm_ioctl(&vm, KVM_CREATE_IRQCHIP, NULL) == -1 && errno == EBADF, "vm: EBADF");
	ok_is("KVM_CREATE_IRQCHIP on vm: Bad file descriptor", "vm: request and object");
	ok(kvm_ioctl(&kvm, KVM_CREATE_VM, NULL) == -1, "system fd fails");
	ok_is("KVM_CREATE_VM on /nowhere/kvm: Bad file descriptor", "system: the device's path");
	ok(mvm_ioctl(-1, "vcpu0", KVM_GET_STATS_FD, NULL) == -1, "bare fd fails");
	ok_is("KVM_GET_STATS_FD on vcpu0: Bad file descriptor", "bare fd: the name given");

	eb_fail("marker");
	ok(vcpu_ioctl_raw(&v, KVM_GET_REGS, &regs) == -1 && errno == ENOTTY, "raw: -1, errno");
	ok_is("marker", "raw: nothing recorded");
	close(v.fd);
}

static void wrappers(void)
{
	struct vm vm = {.fd = -1};
	struct vcpu v = {.fd = -1, .id = 0};
	uint64_t bitmap[1];

	ok(vm_enable_cap(&vm, KVM_CAP_EXIT_HYPERCALL, 0x1000) == -1, "vm_enable_cap fails");
	ok_is("KVM_ENABLE_CAP KVM_CAP_EXIT_HYPERCALL (0x1000) on vm: Bad file descriptor",
	      "vm_enable_cap names the capability");
	ok(vm_get_dirty_log(&vm, 3, bitmap) == -1, "vm_get_dirty_log fails");
	ok_is("KVM_GET_DIRTY_LOG slot 3 on vm: Bad file descriptor", "vm_get_dirty_log: the slot");
	ok(vm_ioeventfd(&vm, 0xe8, 4, KVM_IOEVENTFD_FLAG_PIO, -1) == -1, "vm_ioeventfd fails");
	ok_is("KVM_IOEVENTFD port 0xe8 on vm: Bad file descriptor", "vm_ioeventfd: port");
	ok(vcpu_set_mp_state(&v, KVM_MP_STATE_RUNNABLE) == -1, "vcpu_set_mp_state fails");
	ok_is("KVM_SET_MP_STATE 0 on vcpu 0: Bad file descriptor", "vcpu_set_mp_state: the state");
}

/* ---- no bare ioctl() on VM or vCPU fds outside minivmm/ ---- */

static int bad_files;

/* Does a line call ioctl( itself (not some_ioctl( or a word in a comment)? */
static bool calls_ioctl(const char *line)
{
	for (const char *s = strstr(line, "ioctl"); s; s = strstr(s + 1, "ioctl")) {
		const char *e = s + 5;

		if (s > line && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
			continue;
		while (*e == ' ')
			e++;
		if (*e == '(')
			return true;
	}
	return false;
}

static int scan(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char line[1024];
	bool calls = false, marked = false;
	size_t n = strlen(path);
	FILE *fp;

	(void)st;
	(void)f;
	if (type != FTW_F || n < 2 || (strcmp(path + n - 2, ".c") && strcmp(path + n - 2, ".h")))
		return 0;
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		calls |= calls_ioctl(line);
		marked |= strstr(line, MARK) != NULL;
	}
	fclose(fp);
	if (calls && !marked) {
		bad_files++;
		diag("%s calls ioctl() without saying its fd is '" MARK "'", path);
	}
	return 0;
}

static void outside_minivmm(void)
{
	const char *top = getenv("TOP") ? getenv("TOP") : ".";
	const char *parts[] = {"bench", "trace", "lib"};
	char dir[4096];
	int scanned = 0;

	ok(calls_ioctl("\tif (ioctl(fd, X, &a) < 0)") && !calls_ioctl("vm_ioctl(vm, X, &a)") &&
	       !calls_ioctl("/* one ioctl per batch (see it) */"),
	   "the scanner tells a bare ioctl() from a wrapper and from prose");
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, parts[i]);
		if (access(dir, F_OK) == 0 && nftw(dir, scan, 16, FTW_PHYS) == 0)
			scanned++;
	}
	ok(scanned >= 2 && bad_files == 0,
	   "outside minivmm/: no bare ioctl() but on fds marked '" MARK "' (%d parts, %d files "
	   "unmarked)",
	   scanned, bad_files);
}

int main(void)
{
	checked_tier();
	wrappers();
	outside_minivmm();
	return tap_done();
}
