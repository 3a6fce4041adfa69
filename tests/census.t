#!/bin/bash
# exitbench census in VMs (where /dev/kvm works; make check runs it inside
# exitbench lab otherwise): the rows the issue names, each in its own VM:
# hlt at CPL3 -> #GP; sgdt at CPL3 no fault (the guest's own GDT base), #GP
# with UMIP set by the guest; popf at CPL3 keeps IF; cpuid exits to KVM, by
# KVM's own counters (and, with --trace, by its exit reason).
. "$(dirname "$0")/lib.sh"

if ! have_kvm; then
	echo "1..0 # SKIP /dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	exit 0
fi

J=$TMP/c.json
run census --only hlt,sgdt,sgdt_umip,popf,cpuid --iterations 50 --warmup 5 --json "$J" -q
ok $([ "$RC" -eq 0 ]; echo $?) "census of five rows: exit 0 ($ERR)"
cell() { # cell ROW RING PERL-FIELD
	json "$J" "(grep { \$_->{name} eq '$1' } @{\$j->{rows}})[0]{cpl$2}$3"
}
ok $([ "$(cell hlt 3 '{code}')" = "#GP" ] && [ "$(cell hlt 3 '{vector}')" = 13 ]; echo $?) \
	"hlt at CPL3: the guest's handler saw #GP ($(cell hlt 3 '{code}'))"
ok $([ "$(cell hlt 0 '{code}')" = vmm ]; echo $?) "hlt at CPL0: exits to the VMM ($(cell hlt 0 '{code}'))"
ok $([ "$(cell sgdt 3 '{code}')" = none ] && [ "$(cell sgdt 3 '{faults_per_iteration}')" = 0 ] &&
	[ "$(cell sgdt 3 '{observed}{equivalent} ? 1 : 0')" = 1 ]; echo $?) \
	"sgdt at CPL3 without UMIP: no fault, the guest's own GDT ($(cell sgdt 3 '{observed}{text}'))"
if [ "$(cell sgdt_umip 3 '{status}')" = skipped ]; then
	skip "sgdt with UMIP: $(cell sgdt_umip 3 '{reason}')"
else
	ok $([ "$(cell sgdt_umip 3 '{code}')" = "#GP" ] || [ "$(cell sgdt_umip 3 '{code}')" = "kvm+#GP" ]; echo $?) \
		"sgdt at CPL3 with UMIP set by the guest: #GP ($(cell sgdt_umip 3 '{code}'))"
	ok $([ "$(cell sgdt_umip 0 '{code}')" = none ]; echo $?) "sgdt at CPL0 with UMIP: no fault"
fi
ok $([ "$(cell popf 3 '{code}')" = none ] &&
	[ "$(cell popf 3 '{observed}{raw}[0] & 0x200')" = "$(cell popf 3 '{observed}{raw}[1] & 0x200')" ]; echo $?) \
	"popf at CPL3 leaves IF unchanged ($(cell popf 3 '{observed}{text}'))"
for ring in 0 3; do
	ex=$(cell cpuid $ring '{exits_per_iteration}')
	ok $([ "$(cell cpuid $ring '{code}')" = kvm ] &&
		perl -e "exit !($ex > 0.95 && $ex < 1.05)"; echo $?) \
		"cpuid at CPL$ring exits to KVM: KVM's exits counter moved $ex per run"
done
run census --only cpuid --ring 0 --iterations 20 --warmup 2 --trace --json "$TMP/t.json" -q
terr=$(json "$TMP/t.json" '$j->{rows}[1]{cpl0}{exit_reasons}{error}')
if [ -n "$terr" ] && [ "$terr" != undef ]; then
	skip "--trace: no tracing here: $terr"
else
	n=$(json "$TMP/t.json" 'my $c = $j->{rows}[1]{cpl0}{exit_reasons}{counts}; ($c->{cpuid} // 0) + ($c->{CPUID} // 0)')
	ok $([ "$RC" -eq 0 ] && [ "$n" -ge 23 ]; echo $?) \
		"--trace: kvm_exit saw cpuid's exit reason $n times (23 runs of the row)"
fi
done_testing
