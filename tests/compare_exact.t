#!/bin/bash
# compare of instruction counts (bochs, units emulated_instructions): a body
# without spread is compared exactly, one instruction is a verdict; files of
# other units are never compared.
. "$(dirname "$0")/lib.sh"

D=$(dirname "$0")/data/compare
# exact FILE.in FILE.out CPUID-COUNT: every class a constant count (null 12,
# cpuid as given, the rest 3410), units emulated_instructions.
exact() {
	perl -MCpanel::JSON::XS -e '
		local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		$j->{units} = "emulated_instructions";
		for my $c (@{$j->{classes}}) {
			my $v = $c->{name} eq "null" ? 12 : $c->{name} eq "cpuid" ? $ARGV[2] + 0 : 3410;
			$c->{stats}{$_} = $v for qw(min p1 p10 median p90 p99 max mean);
			$c->{stats}{stddev} = 0; $c->{stats}{median_ci95} = [$v, $v];
			$c->{quantiles} = [($v) x 1001]; delete $c->{samples};
			$c->{net_median} = $v - 12 if defined $c->{net_median};
		}
		open my $o, ">", $ARGV[1] or die; print $o Cpanel::JSON::XS->new->encode($j)' \
		"$1" "$2" "$3"
}
exact "$D/base.json" "$TMP/b.json" 976
exact "$D/new.json" "$TMP/same.json" 976
exact "$D/new.json" "$TMP/plus1.json" 977

run compare "$TMP/b.json" "$TMP/same.json"
ok $([ "$RC" -eq 0 ] && grep -qE "^cpuid .* same .*exact count" <<<"$OUT"; echo $?) \
	"equal counts: same, exit 0, marked exact (rc $RC: $ERR)"
run compare "$TMP/b.json" "$TMP/plus1.json"
ok $([ "$RC" -eq 1 ] && grep -qE "^cpuid +976 +977 +\+1 .* slower .*exact count" <<<"$OUT"; echo $?) \
	"one more instruction on cpuid's path: slower, exit 1 (rc $RC: $(grep cpuid <<<"$OUT"))"
ok $(grep -qE "^pio_user .* same" <<<"$OUT"; echo $?) "the unchanged classes stay same"
run compare "$D/base.json" "$TMP/plus1.json" --force
ok $([ "$RC" -eq 2 ] && grep -q "units" <<<"$ERR"; echo $?) \
	"TSC ticks against instruction counts: refused even with --force (rc $RC: $ERR)"
done_testing
