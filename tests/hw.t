#!/bin/bash
# exitbench hw and the exitbench_hw module (docs/hw.md).  Needs root, a CPU
# with VT-x/AMD-V and the module built for the running kernel (`make hw`):
# it runs for real in `exitbench lab` (QEMU's emulated AMD CPU; make check runs
# it there, where kvm_amd is loaded: Linux 6.1's KVM holds AMD-V only while a
# VM exists).
# On a CPU without VT-x/AMD-V it checks the module's refusal line instead;
# while another hypervisor holds the CPU, that refusal line.  Checks: per-exit
# samples for cpuid, vmcall/vmmcall, out with exact exit counts; the JSON's
# quantity; the module gone afterwards; 100 load/run/unload rounds without a
# kernel warning; the refusal while a KVM VM holds VT-x/AMD-V.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KO=${HW_MODULE:-$ROOT/build/hw/exitbench_hw.ko}
BAD='WARNING|BUG|Oops|soft lockup|hard LOCKUP|Call Trace|general protection|RCU stall'

expect_usage "--exit unknown" "--exit: unknown exit 'nosuch'" hw --exit nosuch
expect_usage "--samples 0" "--samples: 0 is out of range" hw --samples 0
expect_usage "no device" "open $TMP/nodev: No such file or directory (load the module" \
	hw --device "$TMP/nodev"
expect_usage "--load of a missing file" "open $TMP/no.ko: No such file or directory" \
	hw --load "$TMP/no.ko"

# The generation chart: a result with quantity "hardware round trip" goes to
# an `exitbench hw` series, the same run as a KVM round trip to a KVM series,
# never the other way round.  The fixture: the committed run made bare-metal
# and verified, so that the chart places it.
BASE=$ROOT/results/hosts/emerald-rapids/vm-2026-11-28T13-49-11Z.json
perl -MCpanel::JSON::XS -e 'local $/; my $j = Cpanel::JSON::XS->new->decode(<STDIN>);
	$j->{host}{kvm}{nested} = Cpanel::JSON::XS::false; $j->{host}{kvm}{hypervisor} = "";
	$j->{host}{kvm}{backend} = "svm"; $j->{host}{platform} = "bare-metal";
	$_->{verified} = Cpanel::JSON::XS::true for @{$j->{classes}};
	print Cpanel::JSON::XS->new->encode($j)' <"$BASE" >"$TMP/kvmfix.json"
perl -MCpanel::JSON::XS -e 'local $/; my $j = Cpanel::JSON::XS->new->decode(<STDIN>);
	$j->{quantity} = "hardware round trip"; $j->{host}{hostname} = "hwfixture";
	print Cpanel::JSON::XS->new->encode($j)' <"$TMP/kvmfix.json" >"$TMP/hwfix.json"
run report "$TMP/kvmfix.json" "$TMP/hwfix.json" -o "$TMP/rep" --scripts "$ROOT/scripts" --quiet
series() { # LABEL-PREFIX: the titles of the blocks holding that run's cpuid point
	awk -v p="\"$1 " '/^year cycles / {t = $0} index($0, p) && /: cpuid"/ {print t}' \
		"$TMP/rep/plots/generations.dat" | sort -u
}
ok $([ "$RC" -eq 0 ] && [ "$(series hwfixture)" = 'year cycles "measured by exitbench hw (hardware round trip, net median), bare-metal VT-x/AMD-V: cpuid"' ]; echo $?) \
	"chart: quantity hardware on the exitbench hw series ($(series hwfixture); $ERR)"
ok $([ "$RC" -eq 0 ] && [ "$(series vm)" = 'year cycles "measured by exitbench (net median), bare-metal VT-x/AMD-V: cpuid"' ]; echo $?) \
	"chart: the same run as a KVM round trip on the KVM series ($(series vm))"

# The decomposition: the same host with both quantities gets one row per
# KVM class, with KVM's share and, for pio_user, the VMM legs.
perl -MCpanel::JSON::XS -e 'local $/; my $j = Cpanel::JSON::XS->new->decode(<STDIN>);
	$j->{quantity} = "hardware round trip"; $j->{started_utc} = "2026-11-28T14:00:00Z";
	my ($c) = grep { $_->{name} eq "cpuid" } @{$j->{classes}};
	$j->{classes} = [grep { $_->{name} =~ /^(null|cpuid)$/ } @{$j->{classes}}];
	push @{$j->{classes}}, {%$c, name => "out"};
	print Cpanel::JSON::XS->new->encode($j)' <"$TMP/kvmfix.json" >"$TMP/hwsame.json"
run report "$TMP/kvmfix.json" "$TMP/hwsame.json" -o "$TMP/rep2" --scripts "$ROOT/scripts" --quiet
rows=$(sed -n '/^## Hardware round trip and KVM/,/^## Latency/p' "$TMP/rep2/README.md" | grep -c '^| vm ')
legs=$(grep '`out` | [0-9]* | `pio_user` | [0-9]* | [0-9-]* | ' "$TMP/rep2/README.md" |
	grep 'exit_leg [0-9]' | grep 'vmm_handling [0-9]' | grep -c 'entry_leg [0-9]')
ok $([ "$RC" -eq 0 ] && [ "$rows" -eq 3 ] && [ "$legs" -eq 1 ]; echo $?) \
	"report: hw and KVM runs of one host split per class (rows $rows of 3, pio_user legs $legs)"

loaded() { grep -q '^exitbench_hw ' /proc/modules; }

finish() { # skip the rest with one reason
	skip "$1"
	done_testing
	exit $?
}

[ "$(id -u)" -eq 0 ] || finish "not root: loading the module needs root (run inside \`exitbench lab --no-kvm\`)"
[ -e /proc/modules ] || finish "this kernel cannot load modules (no /proc/modules): run inside \`exitbench lab --no-kvm\`"
built_for() { modinfo -F vermagic "$KO" 2>/dev/null | cut -d' ' -f1; }
if [ "$(built_for)" != "$(uname -r)" ] && [ -z "${HW_MODULE:-}" ] &&
	[ -f "/lib/modules/$(uname -r)/build/Makefile" ]; then
	make -C "$ROOT" hw KDIR="/lib/modules/$(uname -r)/build" >"$TMP/make-hw" 2>&1 ||
		cat "$TMP/make-hw" >&2
fi
[ -f "$KO" ] || finish "no module at $KO and no headers to build it for $(uname -r) (make hw)"
built_for=$(built_for)
[ "$built_for" = "$(uname -r)" ] ||
	finish "$KO is built for ${built_for:-an unknown kernel}, this is $(uname -r) (make hw KDIR=...)"
loaded && finish "exitbench_hw is already loaded: this test loads and unloads its own"

if ! grep -qwE 'svm|vmx' /proc/cpuinfo; then
	# Not an environment with VT-x/AMD-V: the module must say so, in one line.
	expect_usage "no VT-x/AMD-V: the module refuses" "no \(AMD-V\|VT-x\): CPUID" \
		hw --load "$KO" --quick
	ok $(! loaded; echo $?) "the module is unloaded after the refusal"
	finish "no svm/vmx flag in /proc/cpuinfo: only the refusal is testable here"
fi

echo "exitbench tests/hw.t: start" >/dev/kmsg
run hw --load "$KO" --exit cpuid --samples 10 --quiet
if [ "$RC" -eq 2 ] && printf '%s' "$ERR" | grep -q "is in use on CPU"; then
	ok $([ "$(printf '%s\n' "$ERR" | grep -c .)" -eq 1 ]; echo $?) "held by another hypervisor: one line ($ERR)"
	finish "another hypervisor holds VT-x/AMD-V (KVM with a VM running?): $ERR"
fi

run hw --load "$KO" --samples 2000 --json "$TMP/r.json"
ok $([ "$RC" -eq 0 ]; echo $?) "hw --load --samples 2000 --json: exit 0 (got $RC: $ERR)"
ok $(! loaded; echo $?) "the module is unloaded afterwards"
printf '%s\n' "$OUT" | sed 's/^/# /'
if [ -s "$TMP/r.json" ]; then
	ok $([ "$(json "$TMP/r.json" '$j->{quantity}')" = "hardware round trip" ]; echo $?) \
		"JSON quantity is \"hardware round trip\""
	ok $([ "$(json "$TMP/r.json" '$j->{host}{kvm}{module}')" = exitbench_hw ]; echo $?) \
		"JSON host.kvm.module is exitbench_hw"
	for c in null cpuid vmcall out; do
		got=$(json "$TMP/r.json" "join ' ', map { \"\$_->{stats}{n} \$_->{verified} \" . (\$_->{stats}{min} > 0 ? 1 : 0) . ' ' . (\$_->{batch}{n} > 0 ? 1 : 0) } grep { \$_->{name} eq '$c' } @{\$j->{classes}}")
		ok $([ "$got" = "2000 1 1 1" ]; echo $?) \
			"$c: 2000 samples, exit count exact, min > 0, a batch mean (n verified min>0 batch: $got)"
	done
else
	skip "no JSON written"
fi

fails=0
ROUNDS=${HW_ROUNDS:-100}
for i in $(seq "$ROUNDS"); do
	"$EXITBENCH" hw --load "$KO" --exit cpuid,out --samples 10 --warmup 1 --quiet \
		>"$TMP/loop" 2>&1 || { fails=$((fails + 1)); cat "$TMP/loop" >&2; }
	loaded && { fails=$((fails + 1)); echo "round $i left the module loaded" >&2; }
done
ok $([ "$fails" -eq 0 ]; echo $?) "$ROUNDS rounds of load, measure, unload ($fails failed; HW_ROUNDS sets it)"
warn=$(dmesg | sed -n '/exitbench tests\/hw.t: start/,$p' | grep -E "$BAD")
ok $([ -z "$warn" ]; echo $?) "no kernel warning since the test started ($warn)"

# A KVM VM holds VT-x/AMD-V (Linux 6.1 turns it on with the first VM).
# (have_kvm also makes this a VM test: make check runs it inside exitbench lab.)
VENDOR=$(grep -qw svm /proc/cpuinfo && echo kvm_amd || echo kvm_intel)
[ -e /dev/kvm ] || { modprobe "$VENDOR" 2>/dev/null && LOADED_KVM=1; }
if have_kvm && command -v python3 >/dev/null; then
	python3 -c 'import os, fcntl, time, sys
kvm = os.open("/dev/kvm", os.O_RDWR); vm = fcntl.ioctl(kvm, 0xAE01, 0)  # KVM_CREATE_VM
open(sys.argv[1], "w").close(); time.sleep(60)' "$TMP/vm-up" &
	holder=$!
	for _ in $(seq 100); do [ -e "$TMP/vm-up" ] && break; sleep 0.1; done
	expect_usage "a KVM VM holds the CPU: refused" "is in use on CPU [0-9]*.*rmmod $VENDOR" \
		hw --load "$KO" --exit cpuid --samples 10
	kill "$holder"
	wait "$holder" 2>/dev/null
	ok $(! loaded; echo $?) "the module is unloaded after the refusal"
else
	skip "no /dev/kvm (modprobe $VENDOR failed) or no python3: refusal under KVM not tested"
fi
[ -n "${LOADED_KVM:-}" ] && modprobe -r "$VENDOR" 2>/dev/null
done_testing
