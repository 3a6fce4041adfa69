#!/bin/bash
# Perf counters around the timed loop: a number per iteration, or null with
# the reason (never a made-up zero); --no-perf turns them off; the cpuid
# median with and without counters comes from the same run.
. "$(dirname "$0")/lib.sh"

if ! have_kvm; then
	echo "1..0 # SKIP /dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	exit 0
fi

J=$TMP/p.json
run run --class cpuid,pio_user --quick -e task-clock --json "$J"
ok $([ "$RC" -eq 0 ]; echo $?) "run with perf counters exits 0 ($ERR)"
for c in null cpuid pio_user; do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	n=$(json "$J" "scalar @{$q->{perf}{events}}")
	ok $([ "$n" -eq 8 ]; echo $?) "$c: 7 default counters + task-clock ($n)"
	bad=$(json "$J" "join ',', map { \$_->{name} } grep { defined \$_->{value} ? defined \$_->{reason} : !(defined \$_->{reason} && length \$_->{reason}) } @{$q->{perf}{events}}")
	ok $([ -z "$bad" ]; echo $?) "$c: every counter is a value or null with a reason [$bad]"
	for sw in context-switches page-faults task-clock; do
		v=$(json "$J" "(map { \$_->{value} } grep { \$_->{name} eq '$sw' } @{$q->{perf}{events}})[0]")
		ok $([ "$v" != undef ]; echo $?) "$c: software counter $sw counted ($v)"
	done
	scopes=$(json "$J" "join ',', map { \$_->{scope} } grep { \$_->{name} eq 'cycles' } @{$q->{perf}{events}}")
	ok $([ "$scopes" = "guest,host" ]; echo $?) "$c: cycles split guest/host ($scopes)"
done
ok $(printf '%s' "$OUT" | grep -q "^perf counters per iteration" &&
	printf '%s' "$OUT" | grep -q "^perf overhead: cpuid median"; echo $?) "table shows counters and the perf overhead"
ok $([ "$(json "$J" '$j->{perf_overhead}{median_without_perf} > 0 ? 1 : 0')" = 1 ]; echo $?) \
	"JSON: cpuid median without perf from the same run"
# the timed pass is counter-free: counters and their median come from a pass of their own
ok $([ "$(json "$J" '$j->{options}{perf_mode}')" = pass ]; echo $?) "default perf mode: pass"
bad=$(json "$J" "join ',', map { \$_->{name} } grep { \$_->{status} eq 'ok' && !(\$_->{perf}{mode} eq 'pass' && \$_->{perf}{median} > 0 && \$_->{perf}{iterations} == \$_->{iterations}) } @{\$j->{classes}}")
ok $([ -z "$bad" ]; echo $?) "every class: perf.mode pass, the counted pass's median and iterations [$bad]"
ok $([ "$(json "$J" '$j->{perf_overhead}{median_without_perf} == (grep { $_->{name} eq "cpuid" } @{$j->{classes}})[0]{stats}{median} ? 1 : 0')" = 1 ]; echo $?) \
	"perf_overhead: the timed pass's cpuid median is the one without counters"
I=$TMP/inline.json
run run --class cpuid --quick --perf=inline --json "$I"
ok $([ "$RC" -eq 0 ] && [ "$(json "$I" '$j->{options}{perf_mode}')" = inline ] &&
	[ "$(json "$I" '(grep { $_->{name} eq "cpuid" } @{$j->{classes}})[0]{perf}{median} == (grep { $_->{name} eq "cpuid" } @{$j->{classes}})[0]{stats}{median} ? 1 : 0')" = 1 ]; echo $?) \
	"--perf=inline: counted around the timed loop itself ($ERR)"

N=$TMP/np.json
run run --class pio_user --quick --no-perf --json "$N"
ok $([ "$RC" -eq 0 ] && [ "$(json "$N" '(grep { exists $_->{perf} } @{$j->{classes}}) ? 1 : 0')" = 0 ] &&
	[ "$(json "$N" '$j->{options}{perf} ? 1 : 0')" = 0 ]; echo $?) "--no-perf: no counters"
run run --class pio_user --quick -e NO_SUCH_EVENT_X
ok $([ "$RC" -eq 2 ] && [ "$(printf '%s\n' "$ERR" | grep -c .)" -eq 1 ] &&
	printf '%s' "$ERR" | grep -q "unknown event 'NO_SUCH_EVENT_X'"; echo $?) "unknown event: exit 2, one line ($ERR)"

done_testing
