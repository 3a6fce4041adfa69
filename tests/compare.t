#!/bin/bash
# exitbench compare: the SYNTHETIC fixture pair in tests/data/compare/
# (written by `test_compare.t --write-fixtures`, hostname
# synthetic-compare-fixture: pio_user exactly 20% slower in new.json),
# refusals of files that differ, --force, several files per side, and two
# real quick runs of this host (docs/compare.md says what they show here).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
base=$top/tests/data/compare/base.json
new=$top/tests/data/compare/new.json

# edit FILE OUT PERL: OUT is FILE with PERL applied to $j (the decoded document)
edit() {
	perl -MCpanel::JSON::XS -e 'local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		eval $ARGV[2]; die $@ if $@; open my $o, ">", $ARGV[1] or die;
		print $o Cpanel::JSON::XS->new->encode($j)' "$1" "$2" "$3"
}


run compare "$base" "$new"
ok $([ "$RC" -eq 1 ] && [ "$(grep -c '  slower$' <<<"$OUT")" -eq 1 ] &&
	grep -q '^pio_user .* slower$' <<<"$OUT" && [ -z "$ERR" ]; echo $?) \
	"fixture pair: exactly pio_user slower, exit 1"
run compare --tap "$base" "$new"
ok $([ "$RC" -eq 1 ] && [ "$(head -1 <<<"$OUT")" = "1..4" ] &&
	[ "$(grep -c '^not ok' <<<"$OUT")" -eq 1 ] && grep -q '^not ok 3 - pio_user: slower' <<<"$OUT"; echo $?) \
	"--tap: one 'not ok', for pio_user"
run compare --json "$TMP/c.json" "$base" "$new"
ok $([ "$RC" -eq 1 ] && [ "$(json "$TMP/c.json" 'join ",", map { "$_->{name}=$_->{verdict}" } @{$j->{classes}}')" = \
	"null=same,cpuid=same,pio_user=slower,mmio_user=same" ]; echo $?) \
	"--json: the verdict of every class"
run compare "$base" "$base"
ok $([ "$RC" -eq 0 ] && [ "$(grep -c '  same' <<<"$OUT")" -eq 4 ]; echo $?) "a file against itself: all same, exit 0"

for f in 'host.hostname:$j->{host}{hostname} = "synthetic-elsewhere"' \
	'host.kvm.backend:$j->{host}{kvm}{backend} = "svm"' \
	'classes:pop @{$j->{classes}}'; do
	field=${f%%:*}
	edit "$new" "$TMP/other.json" "${f#*:}"
	run compare "$base" "$TMP/other.json"
	ok $([ "$RC" -eq 2 ] && [ -z "$OUT" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "^exitbench: not comparable: .* differ in $field " <<<"$ERR"; echo $?) \
		"different $field: exit 2, one line naming it"
done
# Builds are compared (with a note); methods and platforms never, --force or not.
edit "$new" "$TMP/build.json" '$j->{tool}{version} = "0.0-synthetic"; $j->{tool}{method_version} = 1'
run compare "$base" "$TMP/build.json"
ok $([ "$RC" -eq 1 ] && grep -q '^differs tool.version: ".*" .* vs "0.0-synthetic"' <<<"$OUT" &&
	grep -q '^pio_user .* slower$' <<<"$OUT"; echo $?) \
	"a different build (same method): compared, with a note (rc $RC)"
for f in 'tool.method_version:$j->{tool}{method_version} = 99' \
	'host.platform:$j->{host}{platform} = "nested"' \
	'host.platform:$j->{host}{kvm}{hypervisor} = "TCGTCGTCGTCG"' \
	'host.platform:$j->{host}{kvm}{backend} = "other"; $j->{host}{kvm}{module} = "kvm_pvm"'; do
	field=${f%%:*}
	edit "$new" "$TMP/other.json" "${f#*:}"
	for force in "" --force; do
		run compare $force "$base" "$TMP/other.json"
		ok $([ "$RC" -eq 2 ] && [ -z "$OUT" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
			grep -q "^exitbench: not comparable: .* differ in $field " <<<"$ERR"; echo $?) \
			"different $field (${f#*:}) ${force:-without --force}: exit 2, one line naming it"
	done
done
edit "$new" "$TMP/other.json" '$j->{host}{hostname} = "synthetic-elsewhere"'
run compare --force "$base" "$TMP/other.json"
ok $([ "$RC" -eq 1 ] && grep -q '^exitbench: warning: .* differ in host.hostname ' <<<"$ERR" &&
	grep -q '^pio_user .* slower$' <<<"$OUT"; echo $?) "--force: warns naming host.hostname, still compares"
edit "$new" "$TMP/kernel.json" '$j->{host}{kernel}{release} = "synthetic-2"'
run compare "$base" "$TMP/kernel.json"
ok $([ "$RC" -eq 1 ] && grep -q '^differs host.kernel.release: "synthetic" .* vs "synthetic-2"' <<<"$OUT"; echo $?) \
	"a different kernel is compared, and shown"
# Another run of each side (a copy is refused: it is not another run).
edit "$base" "$TMP/base2.json" '$j->{started_utc} = "2026-01-01T00:00:02Z"'
edit "$new" "$TMP/new2.json" '$j->{started_utc} = "2026-01-01T00:00:02Z"'
run compare --base "$base" --base "$TMP/base2.json" --new "$new" --new "$TMP/new2.json" --tap
ok $([ "$RC" -eq 1 ] && [ "$(grep -c '^not ok' <<<"$OUT")" -eq 1 ] && grep -q '^not ok 3 - pio_user' <<<"$OUT"; echo $?) \
	"two files per side: still exactly pio_user slower (the synthetic runs' spread is under 5%)"
# A new side made noisy (cpuid doubled in one new file) must not raise the
# noise floor and hide pio_user's slowdown: the floor comes from the base.
perl -MCpanel::JSON::XS -e 'local $/; open F, "<", $ARGV[0] or die; my $j = decode_json(<F>);
	for my $c (@{$j->{classes}}) { next unless $c->{name} eq "cpuid";
		$_ *= 2 for @{$c->{quantiles}}, @{$c->{repeat}{medians}};
		$c->{stats}{$_} *= 2 for qw(min max median p1 p10 p90 p99 mean) }
	open O, ">", $ARGV[1] or die; print O Cpanel::JSON::XS->new->encode($j)' "$new" "$TMP/noisy.json"
run compare --tap --base "$base" --base "$TMP/base2.json" --new "$new" --new "$TMP/noisy.json"
ok $([ "$RC" -eq 1 ] && grep -q '^not ok 3 - pio_user' <<<"$OUT"; echo $?) \
	"a noisy new side does not hide pio_user's slowdown (rc $RC)"
run compare "$base" "$TMP/missing.json"
ok $([ "$RC" -eq 2 ] && grep -q "missing.json: open: " <<<"$ERR"; echo $?) "a missing file: exit 2 naming it"
run compare "$base" "$new" --base "$base"
ok $([ "$RC" -eq 2 ] && grep -q 'not both' <<<"$ERR"; echo $?) "positional files and --base: exit 2"

if ! have_kvm; then
	skip "no /dev/kvm: two real runs"
	done_testing
	exit
fi
# Two runs, each of 3 rounds over every class (--repeat 3): each file then
# carries its own run-to-run spread, which the interval absorbs.
"$EXITBENCH" run --quick --repeat 3 --no-perf -q --json "$TMP/r1.json" 2>"$TMP/r1.err"
rc1=$?
"$EXITBENCH" run --quick --repeat 3 --no-perf -q --json "$TMP/r2.json" 2>"$TMP/r2.err"
rc2=$?
ok $([ $rc1 -ne 2 ] && [ $rc2 -ne 2 ] && [ -s "$TMP/r1.json" ] && [ -s "$TMP/r2.json" ]; echo $?) \
	"two real quick runs (exit $rc1, $rc2)"
queue_json "$TMP/r1.json" "$TMP/r2.json"
run compare --tap "$TMP/r1.json" "$TMP/r1.json"
ok $([ "$RC" -eq 0 ] && ! grep -q '^not ok' <<<"$OUT" && ! grep -q ': \(slower\|faster\)' <<<"$OUT"; echo $?) \
	"a real run against itself: every class same"
run compare --tap --json "$TMP/real.json" "$TMP/r1.json" "$TMP/r2.json"
n=$(json "$TMP/r1.json" 'scalar @{$j->{classes}}')
ok $([ "$RC" -le 1 ] && [ "$(head -1 <<<"$OUT")" = "1..$n" ] &&
	[ "$(grep -c '^\(not \)\?ok ' <<<"$OUT")" -eq "$n" ]; echo $?) \
	"two real runs are comparable (exit $RC${ERR:+: $(head -c 300 <<<"$ERR" | tr '\n' ' ')}): one TAP line per class ($n)"
differ=$(json "$TMP/real.json" 'join " ", map { "$_->{name}:$_->{verdict}:" . sprintf("%+.1f%%", $_->{change_pct}) }
	grep { $_->{compared} && $_->{verdict} ne "same" } @{$j->{classes}}')
[ -n "$differ" ] && echo "# not same: $differ"
# Each class is judged against its own floor: two runs of one build may
# still differ where a class moved between runs by more than it spread
# within one (ipi under TCG on a loaded host: +20%), but never by less.
beyond=$(json "$TMP/real.json" 'join " ", map { $_->{name} } grep { $_->{compared} &&
	$_->{verdict} ne "same" && abs($_->{change_pct}) < $_->{threshold_used_pct} } @{$j->{classes}}')
ok $([ "$RC" -le 1 ] && [ -z "$beyond" ]; echo $?) \
	"two real runs (--repeat 3 each): a class is flagged only beyond its own floor (${differ:-every class same})"
fl=$(json "$TMP/real.json" '$j->{noise_floor_pct}')
used=$(json "$TMP/real.json" '$j->{threshold_used_pct}')
ok $(perl -e 'exit !($ARGV[0] >= 0 && $ARGV[1] == ($ARGV[0] > 5 ? $ARGV[0] : 5))' "$fl" "$used"; echo $?) \
	"noise floor from the runs' own spread: $fl%, threshold used $used%"
run compare --no-noise-floor --json "$TMP/nf.json" "$TMP/r1.json" "$TMP/r2.json"
ok $([ "$RC" -le 1 ] && [ "$(json "$TMP/nf.json" '$j->{threshold_used_pct}')" = 5 ]; echo $?) \
	"--no-noise-floor: the threshold as given (5%)"
done_testing
