#!/bin/bash
# exitbench lab --cpu intel: Debian's kernel under bochs (VT-x with EPT), the
# real kvm_intel, exitbench's checks and core classes on the VMX exit paths.
# bochs counts one TSC tick per emulated instruction: the round trips are
# instruction counts, exact enough that null and cpuid have no spread.
. "$(dirname "$0")/lib.sh"

command -v bochs-bin >/dev/null || {
	echo "Bail out! bochs-bin missing: scripts/install-deps.sh installs bochs"
	exit 1
}
cd "$TMP" || exit 1
run lab --cpu intel --timeout 1200 -- sh -c "
	$EXITBENCH check --tap >check.tap 2>&1
	$EXITBENCH run --quick --no-perf -q --class null,cpuid,pio_user,hlt_user --json intel.json"
ok $([ "$RC" -eq 0 ] && [ -s intel.json ]; echo $?) \
	"one bochs boot: run exits 0 and its JSON comes back (rc $RC: $(tail -n 2 <<<"$ERR"))"
ok $(grep -q "^# .* checks: .* 0 failed" check.tap 2>/dev/null; echo $?) \
	"check on kvm_intel: nothing failed ($(grep '^# .* checks:' check.tap 2>/dev/null))"
ok $(grep -q "^ok .* - hypercall" check.tap 2>/dev/null; echo $?) "hypercall by vmcall reaches the VMM"
[ -s intel.json ] || { done_testing; exit; }
ok $([ "$(json intel.json '$j->{host}{kvm}{backend}')" = vmx ] &&
	[ "$(json intel.json '$j->{host}{lab}{emulator}')" = bochs ]; echo $?) \
	"the result says vmx under bochs"
ok $([ "$(json intel.json '$j->{units}')" = emulated_instructions ]; echo $?) \
	"units: emulated instructions, never ticks or time"
for c in null cpuid pio_user hlt_user; do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	ok $([ "$(json intel.json "$q->{verified} ? 1 : 0")" = 1 ]; echo $?) \
		"$c verified on kvm_intel ($(json intel.json "$q->{reason}"))"
done
for c in null cpuid; do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	p10=$(json intel.json "$q->{stats}{p10}")
	med=$(json intel.json "$q->{stats}{median}")
	ok $([ "$p10" = "$med" ]; echo $?) "$c: p10 = median = $med instructions (exact)"
done
done_testing
