#!/bin/bash
# exitbench trace -p <pid> of a real VMM: QEMU booting its firmware (SeaBIOS)
# with no disk.  QEMU starts paused (-S); the trace starts; then "cont".
. "$(dirname "$0")/lib.sh"

QEMU=${QEMU:-qemu-system-x86_64}
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "tracing needs root: running as uid $(id -u)"
have_kvm || skip_all "/dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
command -v "$QEMU" >/dev/null || skip_all "$QEMU not installed (Debian qemu-system-x86)"

MON=$TMP/mon DBG=$TMP/debugcon
"$QEMU" -accel kvm -display none -nodefaults -no-reboot -m 32 -S \
	-monitor unix:"$MON",server,nowait -debugcon file:"$DBG" \
	-global isa-debugcon.iobase=0x402 >"$TMP/qemu.out" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; wait $qpid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do
	[ -S "$MON" ] && break
	kill -0 $qpid 2>/dev/null || break
	sleep 0.1
done
[ -S "$MON" ] || skip_all "QEMU did not start: $(tr '\n' ' ' <"$TMP/qemu.out")"

monitor() { # COMMAND: one line to the QEMU monitor
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "monitor: $!";
		print $s "$ARGV[1]\n"; select(undef, undef, undef, 0.3); close $s' "$MON" "$1"
}

J=$TMP/q.json
# Inside exitbench lab this QEMU is itself emulated: SeaBIOS needs far longer
# to reach its debug port than on hardware.
secs=3
[ -n "${EXITBENCH_LAB:-}" ] && secs=30
"$EXITBENCH" trace -p $qpid -d $secs --json "$J" >"$TMP/out" 2>"$TMP/err" &
tpid=$!
for _ in $(seq 100); do
	grep -q "tracing kvm events" "$TMP/err" && break
	sleep 0.1
done
monitor cont
wait $tpid
RC=$?
ok $([ "$RC" -eq 0 ] && grep -q "^exitbench trace: .* of process $qpid" "$TMP/out"; echo $?) \
	"trace -p <QEMU pid>: exit 0, report for process $qpid (rc $RC: $(head -c 300 "$TMP/err"))"
ok $([ -s "$DBG" ]; echo $?) "the guest ran: SeaBIOS wrote $(wc -c <"$DBG") bytes to its debug port"
ok $([ "$(json "$J" '$j->{target}{pid}')" = "$qpid" ]; echo $?) "JSON names the traced pid"
queue_json "$J"
pio=$(json "$J" '$j->{events}{kvm_pio}{count}')
dbg=$(json "$J" "(map { \$_->{count} } grep { \$_->{k1} == 0x402 && \$_->{k2} == 1 } @{\$j->{causes}{kvm_pio}})[0] // 0")
ok $([ "$pio" -gt 0 ] && [ "$dbg" -gt 0 ]; echo $?) \
	"kvm_pio of QEMU's VM: $pio, of them $dbg writes to the debug port 0x402"
ok $([ "$dbg" -le "$(wc -c <"$DBG")" ]; echo $?) \
	"no more debug-port writes than bytes QEMU received ($dbg <= $(wc -c <"$DBG"))"
uexit=$(json "$J" '$j->{events}{kvm_userspace_exit}{count}')
ok $([ "$uexit" -gt 0 ]; echo $?) "kvm_userspace_exit to QEMU: $uexit"
done_testing
