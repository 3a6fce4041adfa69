#!/bin/bash
# Every class of `run all`: exits the way its row says (KVM's counters and
# our own), or is reported unsupported/failed with its reason; --ring 3
# really runs at CPL3; --repeat and --cpu are recorded.
. "$(dirname "$0")/lib.sh"

if ! have_kvm; then
	echo "1..0 # SKIP /dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	exit 0
fi

J=$TMP/all.json
run run --class all --samples 500 --warmup 50 --json "$J" -q
ok $([ "$RC" -le 1 ] && [ -s "$J" ]; echo $?) "run --class all completes (rc $RC)"
backend=$(json "$J" '$j->{host}{kvm}{backend}')
# Under QEMU's TCG (exitbench lab), what its emulated SVM does not intercept
# (docs/lab.md): such a class must then show exactly no exit, not pass.
tcg=$(json "$J" '($j->{host}{lab}{accel} // "") eq "tcg" ? 1 : 0')
tcg_gaps=" xsetbv "
n_listed=$("$EXITBENCH" list | grep -c '^[a-z]')
n_json=$(json "$J" 'scalar @{$j->{classes}}')
ok $([ "$((n_listed - 1))" -eq "$n_json" ]; echo $?) "JSON has every listed class ($n_json)"

for c in $(json "$J" 'join " ", map { $_->{name} } @{$j->{classes}}'); do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	st=$(json "$J" "$q->{status}")
	reason=$(json "$J" "$q->{reason}")
	case "$st" in
	ok)
		# verified must be exactly "every check within tolerance"
		v=$(json "$J" "$q->{verified} ? 1 : 0")
		all=$(json "$J" "(grep({ !\$_->{ok} } @{$q->{checks}}) ? 0 : 1)")
		ok $([ "$v" = "$all" ]; echo $?) "$c: verified=$v agrees with its checks"
		ok $([ "$(json "$J" "scalar @{$q->{quantiles}}")" = 1001 ]; echo $?) "$c: 1001 quantiles"
		vmm=$(json "$J" "(map { \$_->{expected_per_iteration} } grep { \$_->{stat} eq 'vmm_exits' } @{$q->{checks}})[0]")
		if [ "$vmm" = 1 ]; then
			# handled in our VMM: every backend must deliver the exit to us
			ok $([ "$(json "$J" "(map { \$_->{measured_per_iteration} } grep { \$_->{stat} eq 'vmm_exits' } @{$q->{checks}})[0]")" = 1 ]; echo $?) \
				"$c: our VMM saw one exit per iteration"
		elif [ "$vmm" = 0 ]; then
			ok $([ "$(json "$J" "(map { \$_->{measured_per_iteration} } grep { \$_->{stat} eq 'vmm_exits' } @{$q->{checks}})[0]")" = 0 ]; echo $?) \
				"$c: handled in KVM, never reached our VMM"
		fi
		if [ "$v" = 0 ] && [ "$backend" != vmx ] && [ "$backend" != svm ]; then
			skip "$c unverified on backend $backend: $reason"
		elif [ "$tcg" = 1 ] && [ "${tcg_gaps#* $c }" != "$tcg_gaps" ]; then
			ok $([ "$v" = 0 ] && [ "$(json "$J" "$q->{exits_per_iteration} < 0.05 ? 1 : 0")" = 1 ]
				echo $?) "$c: no exit under QEMU TCG, which does not intercept it ($reason)"
		elif [ "$backend" = vmx ] || [ "$backend" = svm ]; then
			ok $([ "$v" = 1 ]; echo $?) "$c verified on $backend ($reason)"
		fi
		;;
	skipped)
		ok $(printf '%s' "$reason" | grep -q '^unsupported: .'; echo $?) "$c skipped with its reason: $reason"
		;;
	failed)
		ok $([ -n "$reason" ] && [ "$reason" != undef ]; echo $?) "$c failed with its reason: $reason"
		;;
	*)
		ok 1 "$c: unexpected status '$st'"
		;;
	esac
done
# The table lists skipped classes with their reason too.
run run --class rdpmc,msr_user,xsetbv --quick
for c in rdpmc msr_user xsetbv; do
	line=$(printf '%s\n' "$OUT" | grep "^$c ")
	ok $([ -n "$line" ]; echo $?) "table has a line for $c: $line"
done

# --ring 3: the guest reports CS.RPL 3; privileged classes are skipped.
R3=$TMP/r3.json
run run --ring 3 --class null,rdtsc,mmio_user,hlt_user --quick --json "$R3"
for c in null rdtsc mmio_user; do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	st=$(json "$R3" "$q->{status}")
	if [ "$st" = ok ]; then
		ok $([ "$(json "$R3" "$q->{cpl}")" = 3 ]; echo $?) "--ring 3: $c ran at CPL3"
	else
		ok 1 "--ring 3: $c did not run: $(json "$R3" "$q->{reason}")"
	fi
done
q="(grep { \$_->{name} eq 'hlt_user' } @{\$j->{classes}})[0]"
ok $([ "$(json "$R3" "$q->{status}")" = skipped ] &&
	json "$R3" "$q->{reason}" | grep -q "needs CPL0"; echo $?) "--ring 3: hlt_user skipped (needs CPL0)"
R0=$TMP/r0.json
run run --class null --quick --json "$R0"
ok $([ "$(json "$R0" '$j->{classes}[0]{cpl}')" = 0 ]; echo $?) "--ring 0 (default): CPL0"

# --repeat and --cpu are recorded.
RP=$TMP/rep.json
run run --class null --quick --repeat 3 --cpu 0 --json "$RP"
ok $([ "$(json "$RP" '$j->{classes}[0]{repeat}{runs}')" = 3 ] &&
	[ "$(json "$RP" 'scalar @{$j->{classes}[0]{repeat}{medians}}')" = 3 ] &&
	[ "$(json "$RP" '$j->{options}{cpu}')" = 0 ]; echo $?) "--repeat 3 --cpu 0 recorded"
ok $([ "$(json "$RP" 'my @m = sort { $a <=> $b } @{$j->{classes}[0]{repeat}{medians}}; $m[1] == $j->{classes}[0]{stats}{median} ? 1 : 0')" = 1 ]; echo $?) \
	"--repeat: the result is the run with the middle median"
run run --class null --quick --cpu 1000
ok $([ "$RC" -eq 2 ] && printf '%s' "$ERR" | grep -q -- "--cpu 1000: not a CPU this process may run on"; echo $?) \
	"--cpu of a CPU that does not exist: exit 2 ($ERR)"

done_testing
