#!/bin/bash
# exitbench trace on the kernel's kvm:* tracepoints: usage errors, counts that
# agree with a run's own counters, tracefs left as it was after Ctrl-C.
. "$(dirname "$0")/lib.sh"

run trace --help
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q -- "--pid PID"; echo $?) "trace --help"
expect_usage "-d abc" "--duration: 'abc' is not a number" trace -d abc
expect_usage "-d 0" "--duration: 0 is out of range" trace -d 0
expect_usage "-p of no process" "--pid: no process 2147483646" trace -p 2147483646
expect_usage "-e nosuch" "--events: unknown event 'nosuch'" trace -e nosuch
expect_usage "-p and COMMAND" "exclude each other" trace -p 1 -- true
expect_usage "unwritable --json" "cannot write /nonexistent-dir/t.json" \
	trace --json /nonexistent-dir/t.json -d 1

if [ "$(id -u)" -ne 0 ]; then
	skip "tracing needs root (tracefs, kvm events): running as uid $(id -u)"
	done_testing
	exit
fi
if ! have_kvm; then
	skip "/dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	done_testing
	exit
fi

tracefs_dir() { awk '$3 == "tracefs" { print $2; exit }' /proc/mounts; }

# Not mounted: trace mounts tracefs for itself and unmounts it again.
if [ -z "$(tracefs_dir)" ]; then
	run trace -d 0.2
	ok $([ "$RC" -eq 0 ] && [ -z "$(tracefs_dir)" ]; echo $?) \
		"tracefs was not mounted: mounted for the trace and unmounted again (rc $RC)"
	mount -t tracefs nodev /sys/kernel/tracing && UNMOUNT_AT_END=1
fi
T=$(tracefs_dir)

# The kvm:* events to agree with a run's own counters: pio_user and mmio_user.
J=$TMP/t.json R=$TMP/r.json
run trace --json "$J" -- "$EXITBENCH" run --quick --no-perf --class pio_user,mmio_user --json "$R" -q
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "^Cause events by key"; echo $?) \
	"trace -- run --quick: exit 0, report printed (rc $RC: $ERR)"
ok $([ "$(json "$J" '$j->{schema}')" = exitbench-trace/1 ]; echo $?) "JSON schema exitbench-trace/1"
lost=$(json "$J" '$j->{lost}{ring_buffer} + $j->{lost}{markers}')
ok $([ "$lost" = 0 ]; echo $?) "no event lost ($lost)"
backend=$(json "$J" '$j->{host}{backend}')
agree() { # CLASS EVENT K1 K2
	local q="(grep { \$_->{name} eq '$1' } @{\$j->{classes}})[0]"
	local n=$(json "$R" "$q->{iterations} + $q->{warmup}")
	local got=$(json "$J" "(map { \$_->{count} } grep { \$_->{k1} == $3 && \$_->{k2} == $4 } @{\$j->{causes}{$2}})[0] // 0")
	ok $(perl -e 'exit !(abs($ARGV[0] - $ARGV[1]) <= 0.01 * $ARGV[1])' "$got" "$n"; echo $?) \
		"$1: $2 count $got = iterations + warm-up $n within 1%"
	# the run's own KVM stat: io_exits/mmio_exits where the kernel has them, else all exits
	local stat=$(json "$R" "my @s = map { \$_->{stat} } grep { \$_->{available} && \$_->{stat} ne 'vmm_exits' } @{$q->{checks}}; (grep({ \$_ ne 'exits' } @s), @s)[0]")
	local kvm=$(json "$R" "(map { \$_->{measured_per_iteration} } grep { \$_->{stat} eq '$stat' } @{$q->{checks}})[0]")
	local rate=$(perl -e 'printf "%.4f", $ARGV[0] / $ARGV[1]' "$got" "$n")
	if [ "$stat" = exits ]; then # every exit, not only this class's (tracing adds its own)
		ok $(perl -e 'exit !($ARGV[0] <= $ARGV[1] * 1.01)' "$rate" "$kvm"; echo $?) \
			"$1: tracepoint $rate per iteration vs KVM stat $stat $kvm (all exits)"
	else
		ok $(perl -e 'exit !(abs($ARGV[0] - $ARGV[1]) <= 0.01 * $ARGV[1])' "$rate" "$kvm"; echo $?) \
			"$1: tracepoint $rate per iteration = KVM stat $stat $kvm within 1%"
	fi
}
agree pio_user kvm_pio 0xe4 1
agree mmio_user kvm_mmio 0xc0000000 2
uio=$(json "$J" "(map { \$_->{count} } grep { \$_->{k1} == 2 && \$_->{k2} == 0 } @{\$j->{causes}{kvm_userspace_exit}})[0]")
pio=$(json "$J" '$j->{events}{kvm_pio}{count}')
ok $([ "$uio" = "$pio" ]; echo $?) "every kvm_pio went to userspace: KVM_EXIT_IO $uio = kvm_pio $pio"
if [ "$backend" = vmx ] || [ "$backend" = svm ]; then
	io=$(json "$J" "(map { \$_->{samples} } grep { \$_->{name} eq 'IO_INSTRUCTION' || \$_->{name} eq 'io' } @{\$j->{reasons}})[0] // 0")
	# at least pio_user's own (its iterations: --quick's, or fewer where the
	# time budget cut them on a loaded host)
	n=$(json "$R" "(map { \$_->{iterations} + \$_->{warmup} } grep { \$_->{name} eq 'pio_user' } @{\$j->{classes}})[0] // 0")
	ok $([ "$n" -gt 0 ] && [ "$io" -ge "$n" ] && [ "$(json "$J" '$j->{exit_durations} ? 1 : 0')" = 1 ]; echo $?) \
		"$backend: $io I/O exits with durations, at least pio_user's $n"
else
	ok $([ "$(json "$J" '$j->{exit_durations} ? 1 : 0')" = 0 ] &&
		printf '%s' "$OUT" | grep -q "kvm_exit/kvm_entry did not fire"; echo $?) \
		"backend $backend: no kvm_exit, said plainly, no durations"
fi

# The issue's own command: -d ends the trace (and the run, with SIGTERM);
# whatever pio_user/mmio_user the run finished agrees with the trace.
J=$TMP/t2.json R=$TMP/r2.json
run trace -d 2 --json "$J" -- "$EXITBENCH" run --quick --no-perf --json "$R" -q
# tracing goes on until the run has ended after its SIGTERM (10 s grace at most)
ok $([ "$RC" -eq 0 ] && [ "$(json "$J" 'my $s = $j->{trace}{seconds}; ($j->{target}{terminated} ? $s >= 2 && $s < 12 : $s < 2.5) ? 1 : 0')" = 1 ]; echo $?) \
	"trace -d 2 -- run --quick: exit 0, terminated $(json "$J" '$j->{target}{terminated} ? 1 : 0'), $(json "$J" '$j->{trace}{seconds}') s traced (rc $RC)"
for c in pio_user mmio_user; do
	if [ "$(json "$R" "(map { \$_->{status} } grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0] // ''")" = ok ] &&
		[ "$(json "$J" '$j->{lost}{ring_buffer} + $j->{lost}{markers}')" = 0 ]; then
		[ $c = pio_user ] && agree $c kvm_pio 0xe4 1 || agree $c kvm_mmio 0xc0000000 2
	else
		skip "$c did not finish within 2 s here, or events were lost"
	fi
done

# Ctrl-C: the instance is gone and the top-level tracing state is unchanged.
snapshot() {
	for f in tracing_on current_tracer trace_clock buffer_size_kb set_event set_event_pid \
		events/kvm/enable options/event-fork; do
		printf '%s: %s\n' "$f" "$(cat "$T/$f" 2>&1 | tr '\n' ' ')"
	done
	ls "$T/instances"
}
before=$(snapshot)
wait_tracing() { # ERRFILE: until the trace says it is tracing
	for _ in $(seq 100); do
		grep -q "tracing kvm events" "$1" && return 0
		sleep 0.1
	done
	return 1
}
"$EXITBENCH" trace >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
wait_tracing "$TMP/int.err"
inst=$(sed -n 's/.* in instance \([^;]*\).*/\1/p' "$TMP/int.err")
ok $([ -n "$inst" ] && [ -d "$T/instances/$inst" ] &&
	[ "$(cat "$T/instances/$inst/events/kvm/kvm_pio/enable")" = 1 ]; echo $?) \
	"while tracing: private instance $inst with kvm_pio enabled"
kill -INT "$pid"
wait "$pid"
RC=$?
ok $([ "$RC" -eq 0 ] && grep -q "^exitbench trace:" "$TMP/int.out"; echo $?) \
	"SIGINT: exit 0, report printed (rc $RC)"
ok $([ ! -e "$T/instances/$inst" ]; echo $?) "SIGINT: instance $inst removed"
after=$(snapshot)
ok $([ "$before" = "$after" ]; echo $?) "SIGINT: top-level tracing_on, tracer, clock, events unchanged"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") | sed 's/^/# /'

# SIGTERM sent to exitbench alone goes on to the COMMAND; all is removed.
# Ended by a signal, the trace is a success (0) whatever the signal did to it.
"$EXITBENCH" trace -- sleep 30 >"$TMP/term.out" 2>"$TMP/term.err" &
pid=$!
wait_tracing "$TMP/term.err"
inst=$(sed -n 's/.* in instance \([^;]*\).*/\1/p' "$TMP/term.err")
start=$(date +%s)
kill -TERM "$pid"
wait "$pid"
RC=$?
ok $([ "$RC" -eq 0 ] && grep -q "command killed by signal 15" "$TMP/term.out" &&
	[ $(($(date +%s) - start)) -lt 10 ] && [ ! -e "$T/instances/$inst" ]; echo $?) \
	"SIGTERM: passed to the command, which ended; instance removed (rc $RC)"
ok $([ "$before" = "$(snapshot)" ]; echo $?) "SIGTERM: top-level state unchanged"

# An instance left by an exitbench that died (kill -9) is removed by the next.
true &
dead=$!
wait $dead
ns=$(stat -L -c %i /proc/self/ns/pid)
mkdir "$T/instances/exitbench-$dead-0-$ns-1"
# ... but not one of another PID namespace, whose PID means nothing here.
mkdir "$T/instances/exitbench-$dead-0-$((ns + 1))-1"
run trace -d 0.2
ok $([ "$RC" -eq 0 ] && [ ! -e "$T/instances/exitbench-$dead-0-$ns-1" ] &&
	printf '%s' "$OUT" | grep -q "removed stale instance exitbench-$dead-0-$ns-1"; echo $?) \
	"a stale instance of a dead exitbench is removed and named"
ok $([ -d "$T/instances/exitbench-$dead-0-$((ns + 1))-1" ]; echo $?) \
	"an instance of another PID namespace is left alone"
rmdir "$T/instances/exitbench-$dead-0-$((ns + 1))-1"

[ -n "${UNMOUNT_AT_END:-}" ] && umount "$T"
done_testing
