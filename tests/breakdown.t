#!/bin/bash
# The host-side breakdown of userspace exits: the legs of every recorded
# iteration add up to its round trip, and the JSON says where the TSC
# offset came from -- or why there is no breakdown.
. "$(dirname "$0")/lib.sh"

if ! have_kvm; then
	echo "1..0 # SKIP /dev/kvm missing or not accessible: $(ls -l /dev/kvm 2>&1)"
	exit 0
fi

J=$TMP/bd.json
run run --class pio_user,mmio_user,hlt_user --samples 300 --warmup 30 --raw --json "$J" -q
ok $([ "$RC" -eq 0 ]; echo $?) "run --raw exits 0 ($ERR)"
for c in pio_user mmio_user hlt_user; do
	q="(grep { \$_->{name} eq '$c' } @{\$j->{classes}})[0]"
	avail=$(json "$J" "$q->{breakdown}{available} ? 1 : 0")
	if [ "$avail" != 1 ]; then
		why=$(json "$J" "$q->{breakdown}{reason}")
		ok $([ -n "$why" ] && [ "$why" != undef ]; echo $?) "$c: no breakdown, says why: $why"
		continue
	fi
	ok $([ "$(json "$J" "$q->{breakdown}{offset_source}")" != undef ]; echo $?) \
		"$c: offset source $(json "$J" "$q->{breakdown}{offset_source}"), ratio source $(json "$J" "$q->{breakdown}{ratio_source}")"
	# sort(exit+handling+entry) against sort(round trips): per-iteration sums
	maxerr=$(json "$J" "my @s = sort { \$a <=> \$b } map { \$_->[0] + \$_->[1] + \$_->[2] } @{$q->{breakdown}{parts}};
		my @r = @{$q->{samples}}; my \$m = 0; for my \$i (0..\$#r) { my \$d = abs(\$s[\$i] - \$r[\$i]); \$m = \$d if \$d > \$m } \$m")
	ok $([ "$(json "$J" "scalar @{$q->{breakdown}{parts}}")" = 300 ] && [ "$maxerr" -le 3 ]; echo $?) \
		"$c: legs add up to the round trip on all 300 samples (max error $maxerr ticks)"
	ok $([ "$(json "$J" "(grep { \$_->[0] < 0 || \$_->[1] < 0 || \$_->[2] < 0 } @{$q->{breakdown}{parts}}) ? 0 : 1")" = 1 ]; echo $?) \
		"$c: no negative leg"
done
q="(grep { \$_->{name} eq 'null' } @{\$j->{classes}})[0]"
ok $([ "$(json "$J" "my \$c = $q; exists \$c->{breakdown} ? 1 : 0")" = 0 ]; echo $?) "null: no breakdown (not a userspace exit)"

done_testing
