#!/bin/bash
# exitbench lab: a real boot of Debian's kernel in QEMU (TCG, or KVM with
# nesting where the host offers it), its KVM module, the host's files.
. "$(dirname "$0")/lib.sh"

command -v qemu-system-x86_64 >/dev/null || {
	echo "Bail out! qemu-system-x86_64 missing: scripts/install-deps.sh installs it"
	exit 1
}
ls /boot/vmlinuz-* >/dev/null 2>&1 || {
	echo "Bail out! no kernel in /boot: scripts/install-deps.sh installs linux-image-amd64"
	exit 1
}
cd "$TMP" || exit 1

# Usage and environment errors: one line, exit 2, no boot.
expect_usage "no COMMAND" "no COMMAND" lab
expect_usage "bad --accel" "expected auto, kvm or tcg" lab --accel fast -- true
expect_usage "bad --param" "MODULE.NAME=VALUE" lab --param npt=0 -- true
expect_usage "missing kernel" "open kernel image /nonexistent/bzImage: No such file" \
	lab --kernel /nonexistent/bzImage -- true
echo 'not a kernel' >"$TMP/notakernel"
expect_usage "a file that is no bzImage" "not a bzImage" lab --kernel "$TMP/notakernel" -- true
expect_usage "modules tree without the release" "no lib/modules/" lab --modules "$TMP" -- true
PATH=/nonexistent "$EXITBENCH" lab -- true >"$TMP/out" 2>"$TMP/err"
RC=$?
ok $([ "$RC" -eq 2 ] && [ "$(grep -c . "$TMP/err")" -eq 1 ] &&
	grep -q "qemu-system-x86_64 not found or not working" "$TMP/err"; echo $?) \
	"no QEMU in PATH: exit 2, one line (rc $RC: $(cat "$TMP/err"))"

# One boot: status, stdout and stderr apart, the environment, a file written in
# the current directory, the KVM module with a parameter from --param.
export LAB_T_VALUE="a 'quoted' value"
run lab --param kvm.halt_poll_ns=1234 -- sh -c '
	echo "out: $LAB_T_VALUE"; echo "err line" >&2
	echo written-in-the-guest >from-guest.txt
	echo "kvm: $(ls -l /dev/kvm | cut -c1) $(cat /sys/module/kvm/parameters/halt_poll_ns)"
	echo "root: $(touch /usr/lab-t 2>&1 >/dev/null | grep -c Read-only)"
	exit 7'
ok $([ "$RC" -eq 7 ]; echo $?) "COMMAND's exit status passes through (got $RC: $ERR)"
ok $(grep -qx "out: a 'quoted' value" <<<"$OUT"; echo $?) "stdout and the caller's environment"
ok $(grep -qx "err line" <<<"$ERR" && ! grep -q "err line" <<<"$OUT"; echo $?) \
	"stderr apart from stdout"
ok $([ "$(cat "$TMP/from-guest.txt" 2>&1)" = written-in-the-guest ]; echo $?) \
	"a file written in the current directory appears on the host"
ok $(grep -qx "kvm: c 1234" <<<"$OUT"; echo $?) \
	"/dev/kvm is there and --param reached the module ($(grep kvm: <<<"$OUT"))"
ok $(grep -qx "root: 1" <<<"$OUT"; echo $?) "the host's root is read-only in the guest"
ok $(grep -qE "^exitbench lab: .* in QEMU .*(TCG, emulated|KVM, nested)" <<<"$ERR"; echo $?) \
	"stderr says which accelerator and why"

# --no-kvm: no module loaded (exitbench hw needs the CPU's SVM free).
run lab --no-kvm -- sh -c '[ ! -e /dev/kvm ] && [ ! -d /sys/module/kvm ]'
ok $([ "$RC" -eq 0 ]; echo $?) "--no-kvm loads no KVM module (rc $RC: $ERR)"

# A hung command: the timeout ends it, the log has the vCPUs' registers.
run lab --timeout 15 --keep-log "$TMP/hang.log" -- sleep 1000
lines=$(printf '%s\n' "$ERR" | grep -c "did not finish")
ok $([ "$RC" -eq 2 ] && [ "$lines" -eq 1 ] &&
	grep -q "sleep did not finish in 15 s; see $TMP/hang.log" <<<"$ERR"; echo $?) \
	"--timeout: exit 2, one line naming the log (rc $RC: $ERR)"
ok $(grep -q "info registers" "$TMP/hang.log" && grep -qE "RIP=[0-9a-f]{16}" "$TMP/hang.log"
	echo $?) "the log holds the vCPU registers from QEMU's monitor"

# A guest kernel that dies: its console line, not a hang.
run lab --timeout 120 -- sh -c 'echo c >/proc/sysrq-trigger'
ok $([ "$RC" -eq 2 ] && grep -q "the guest stopped before COMMAND finished: .*Kernel panic" \
	<<<"$ERR"; echo $?) "a guest kernel panic: exit 2 with its console line (rc $RC: $ERR)"

# A KVM module that refuses a parameter: the lab says which and why.
run lab --param kvm_amd.npt=banana --param kvm_intel.ept=banana -- true
ok $([ "$RC" -eq 2 ] && grep -q "^exitbench lab: modprobe kvm_" <<<"$ERR"; echo $?) \
	"a module that does not load: exit 2, modprobe's words (rc $RC: $ERR)"
done_testing
