#!/bin/bash
# exitbench check: every exit-path check runs and passes, or is skipped with
# `unsupported: <why>` (never a silent pass); exit 0; --tap parses and carries
# the notes; --inject makes exactly the targeted check fail with expected vs
# got and exit 1, and cannot turn a skip into a pass; bad options exit 2.
. "$(dirname "$0")/lib.sh"

# The one skip that is the backend's rather than a missing capability: KVM's
# instruction emulator never performs vmcall/vmmcall (it re-patches it, or
# with KVM_X86_QUIRK_FIX_HYPERCALL_INSN disabled raises #UD), and on a
# backend that is neither VT-x nor AMD-V CPL0 guest code runs in it.
HC_LACKS='unsupported: the hypercall instruction (vmcall|vmmcall) does not reach KVM on this backend: (guest #UD|KVM_EXIT_INTERNAL_ERROR \(emulation failure\)) at RIP 0x[0-9a-f]+$'
NOTE_RE='note: KVM_SET_CPUID2 (adjusted leaf 0x[0-9a-f]+\.[0-9]+ e[abcd]x 0x[0-9a-f]{8} -> 0x[0-9a-f]{8}|dropped leaf 0x[0-9a-f]+\.[0-9]+|added leaf 0x[0-9a-f]+\.[0-9]+)$'

# The text of check N's line in OUT (status word and name cut off).
line_of() {
	printf '%s\n' "$OUT" | grep -E "^(PASS|FAIL|SKIP)  $1 "
}

# Option errors need no KVM.
expect_usage "--only unknown" "--only: unknown check 'nosuch' (checks: cpuid" check --only nosuch
expect_usage "--only one unknown among good" "unknown check 'bogus'" check --only pio-in,bogus
expect_usage "--inject unknown" "--inject: unknown check 'nosuch'" check --inject nosuch
expect_usage "--inject outside --only" "--inject cpuid: that check is not selected" \
	check --only pio-in --inject cpuid
expect_usage "stray argument" "unexpected argument 'extra'" check extra
expect_usage "--timeout 0" "--timeout: 0 is out of range" check --timeout 0
expect_usage "missing KVM device" "open $TMP/nokvm: No such file or directory" \
	check --kvm "$TMP/nokvm"

run check --help
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q -- "--inject NAME"; echo $?) "check --help"
run check --list
NAMES=$(printf '%s\n' "$OUT" | awk '/^[a-z]/ {print $1}')
ok $([ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$NAMES" | wc -l)" -ge 14 ]; echo $?) \
	"check --list names the checks ($(echo $NAMES))"

if ! have_kvm; then
	skip "/dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	done_testing
	exit
fi

# The full run: one line per check, the exit status says whether any failed.
run check
BASE_OUT=$OUT
BASE_RC=$RC
backend=$(printf '%s\n' "$OUT" | sed -n 's/^exitbench check: backend \([a-z]*\) .*/\1/p')
nlines=$(printf '%s\n' "$OUT" | grep -cE '^(PASS|FAIL|SKIP)  ')
nfail=$(printf '%s\n' "$OUT" | grep -cE '^FAIL  ')
ok $([ "$nlines" -eq "$(printf '%s\n' "$NAMES" | wc -l)" ]; echo $?) \
	"check: one line per check ($nlines)"
ok $({ [ "$nfail" -eq 0 ] && [ "$BASE_RC" -eq 0 ]; } || { [ "$nfail" -gt 0 ] && [ "$BASE_RC" -eq 1 ]; }
	echo $?) "check: exit status $BASE_RC agrees with $nfail failed checks ($ERR)"
ok $([ -n "$backend" ]; echo $?) "check: output labelled with the backend ($backend)"
hw=$([ "$backend" = vmx ] || [ "$backend" = svm ]; echo $?)
for n in $NAMES; do
	line=$(printf '%s\n' "$BASE_OUT" | grep -E "^(PASS|FAIL|SKIP)  $n ")
	reason=$(printf '%s' "${line#SKIP  }" | sed -E 's/^[a-z-]+ +//; s/; note: .*//')
	if [ "$n" = hypercall ] && [ "$hw" -ne 0 ]; then
		ok $(printf '%s' "$line" | grep -q '^SKIP' &&
			printf '%s' "$reason" | grep -qE "$HC_LACKS|^unsupported: KVM_CAP_"
			echo $?) "hypercall on backend $backend: skipped as unsupported, not passed: ${line:-no line}"
		continue
	fi
	case "$line" in
	PASS*) ok 0 "$n passes: ${line#PASS  }" ;;
	SKIP*)
		ok $(printf '%s' "$reason" | grep -q "^unsupported: KVM_CAP_"; echo $?) \
			"$n skipped only for a missing capability: ${line#SKIP  }"
		;;
	*) ok 1 "$n passes or is skipped as unsupported on $backend: ${line:-no line}" ;;
	esac
done
ok $([ "$BASE_RC" -eq 0 ] && [ "$nfail" -eq 0 ]; echo $?) \
	"check exits 0 on backend $backend, no check failed (rc $BASE_RC, $nfail failed)"

# cpuid-features: every register KVM_SET_CPUID2 changed is a note on its line
# (informational: the check compares with KVM's table) and a TAP `# note:`.
notes=$(printf '%s\n' "$BASE_OUT" | grep -E '^(PASS|FAIL|SKIP)  cpuid-features ' |
	sed 's/; note: /\nnote: /g' | grep '^note: ')
bad=$(printf '%s\n' "$notes" | grep . | grep -cvE "$NOTE_RE")
changed=$(printf '%s\n' "$notes" | grep -E 'adjusted' |
	awk '{ if ($(NF-2) == $NF) n++ } END { print n + 0 }')
ok $([ "$bad" -eq 0 ] && [ "$changed" -eq 0 ]; echo $?) \
	"cpuid-features: $(printf '%s\n' "$notes" | grep -c .) notes, each naming a register KVM changed ($bad malformed, $changed unchanged)"

# --tap is TAP: a plan, one test per check, the same failures as above.
"$EXITBENCH" check --tap >"$TMP/tap" 2>"$TMP/err"
RC=$?
tap=$(perl -MTAP::Parser -e 'open my $f, "<", $ARGV[0] or die; local $/; my $t = <$f>;
	my $p = TAP::Parser->new({tap => $t}); my $n = 0; while (my $r = $p->next) { $n++ if $r->is_test }
	printf "%s %d %d %s", $p->plan, scalar($p->parse_errors), $n, join(",", $p->failed) || "none"' \
	"$TMP/tap")
set -- $tap
want_failed=$(printf '%s\n' "$BASE_OUT" | grep -E '^(PASS|FAIL|SKIP)  ' | grep -nE '^FAIL' |
	cut -d: -f1 | paste -sd, -)
ok $([ "$1" = "1..$nlines" ] && [ "$2" -eq 0 ] && [ "$3" -eq "$nlines" ]; echo $?) \
	"--tap parses: plan $1, $2 parse errors, $3 tests"
ok $([ "$4" = "${want_failed:-none}" ] && [ "$RC" -eq "$BASE_RC" ]; echo $?) \
	"--tap: failed tests $4 match the plain run (${want_failed:-none}), exit $RC"
tap_notes=$(awk '/^(ok|not ok) [0-9]+ - / { name = $0; sub(/^(ok|not ok) [0-9]+ - /, "", name)
	sub(/ #.*/, "", name); next } /^# note: / && name == "cpuid-features" { sub(/^# /, ""); print }' \
	"$TMP/tap")
ok $([ "$tap_notes" = "$notes" ]; echo $?) \
	"--tap: cpuid-features' notes are '# note:' lines, the same as the plain run's"

run check --only pio-in,hlt
ok $([ "$(printf '%s\n' "$OUT" | grep -E '^(PASS|FAIL|SKIP)  ' | awk '{print $2}' | paste -sd, -)" = pio-in,hlt ]
	echo $?) "--only pio-in,hlt runs those two, in that order"

# --inject: the targeted check fails, naming expected and got; nothing else
# changes.  A skipped check stays skipped, with the same reason: an injection
# that could not be applied never turns into a pass.
base_fails=$(printf '%s\n' "$BASE_OUT" | awk '/^FAIL  / {print $2}' | sort | paste -sd, -)
for n in $NAMES; do
	base=$(printf '%s\n' "$BASE_OUT" | grep -E "^(PASS|FAIL|SKIP)  $n ")
	case "$base" in
	SKIP*)
		run check --only "$n" --inject "$n"
		line=$(line_of "$n")
		ok $([ "$RC" -eq 0 ] && [ "${line%%; note: *}" = "${base%%; note: *}" ] &&
			printf '%s' "$line" | grep -q "; note: --inject $n was not applied: the check was skipped$"
			echo $?) "--inject $n: still skipped, not passed (rc $RC): ${line#SKIP  }"
		continue
		;;
	PASS*) ;;
	*)
		skip "--inject $n: $n does not pass here without injection"
		continue
		;;
	esac
	run check --inject "$n"
	line=$(line_of "$n")
	fails=$(printf '%s\n' "$OUT" | awk '/^FAIL  / {print $2}' | sort | paste -sd, -)
	want=$(printf '%s\n' ${base_fails//,/ } "$n" | grep . | sort | paste -sd, -)
	ok $([ "$RC" -eq 1 ] && [ "$fails" = "$want" ]; echo $?) \
		"--inject $n: exit 1 and exactly $n fails beyond the baseline (rc $RC, failed: $fails)"
	ok $(printf '%s' "$line" | grep -q "^FAIL" && printf '%s' "$line" | grep -q "expected" &&
		printf '%s' "$line" | grep -qE "(got|saw|holds|has|read) "; echo $?) \
		"--inject $n: the reason names expected and got: ${line#FAIL  }"
done

# A VMM busy between two KVM_RUNs (a step handler that waits): the
# watchdog's signal lands in userspace, and only immediate_exit, set by the
# VMM library's kick, stops the next KVM_RUN.  Without it, check hangs.
timeout 30 "$EXITBENCH" check --only test-hang-vmm --timeout 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 1 ] && grep -q "test-hang-vmm.*watchdog: no DONE within 1 s" "$TMP/out"; echo $?) \
	"a VMM stuck between two KVM_RUNs: the watchdog ends check, exit 1 (rc $rc: $(grep hang "$TMP/out"))"

done_testing
