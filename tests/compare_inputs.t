#!/bin/bash
# exitbench compare against bad and hostile inputs (issue 13): outputs over
# inputs, duplicate inputs, files that contradict themselves, per-class
# noise floors, one-line messages before any output.  Inputs are the
# SYNTHETIC fixture pair in tests/data/compare/, edited.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
base=$top/tests/data/compare/base.json
new=$top/tests/data/compare/new.json

# edit FILE OUT PERL: OUT is FILE with PERL applied to $j (the decoded document);
# scale($j, CLASS, F) multiplies every tick value of CLASS by F.
edit() {
	perl -MCpanel::JSON::XS -e 'sub scale { my ($j, $n, $f) = @_;
		for my $c (grep { $_->{name} eq $n } @{$j->{classes}}) {
			$c->{stats}{$_} *= $f for qw(min max median p1 p10 p90 p99 mean stddev);
			$_ *= $f for @{$c->{stats}{median_ci95}}, @{$c->{quantiles}}, @{$c->{repeat}{medians}};
		} }
		local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		eval $ARGV[2]; die $@ if $@; open my $o, ">", $ARGV[1] or die;
		print $o Cpanel::JSON::XS->new->canonical->encode($j)' "$1" "$2" "$3"
}

# ---- data loss ----
cp "$base" "$TMP/b.json"
cp "$new" "$TMP/n.json"
sum=$(md5sum <"$TMP/b.json")
expect_usage "--json over the base file" "same file as the input" \
	compare "$TMP/b.json" "$TMP/n.json" --json "$TMP/b.json"
ok $([ "$sum" = "$(md5sum <"$TMP/b.json")" ] && [ -z "$OUT" ]; echo $?) \
	"--json over the base file: the base is intact, nothing printed"
ln -s b.json "$TMP/link.json"
expect_usage "--json through a symlink to the base" "same file as the input" \
	compare "$TMP/b.json" "$TMP/n.json" --json "$TMP/link.json"
ln "$TMP/n.json" "$TMP/hard.json"
expect_usage "--json on a hard link of the new file" "same file as the input" \
	compare "$TMP/b.json" "$TMP/n.json" --json "$TMP/hard.json"
expect_usage "--json a directory, before any table" "cannot write $TMP: a directory" \
	compare "$TMP/b.json" "$TMP/n.json" --json "$TMP"
ok $([ -z "$OUT" ]; echo $?) "--json a directory: nothing printed"

# ---- duplicate inputs ----
expect_usage "the same file twice on a side" "the same file as --base" \
	compare --base "$base" --base "$base" --base "$base" --new "$new"
expect_usage "a copy on a side" "the same content as --new" \
	compare --base "$base" --new "$new" --new "$TMP/n.json"

# ---- files that contradict themselves ----
expect_usage "a directory as input" "^exitbench: $TMP: a directory, not a result file$" \
	compare "$TMP" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{stats}{median} = 100; $j->{classes}[1]{repeat}{medians} = [100]'
expect_usage "a median far below its quantiles" "m.json: classes\[1\].stats.median: outside \[min, max\]" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{stats}{median} = 2500; $j->{classes}[1]{repeat}{medians} = [2500]'
expect_usage "a median that is not the quantiles' middle" "m.json: classes\[1\].quantiles: .* disagree with stats" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" 'my $c = $j->{classes}[1]; $c->{samples} = [map { $_ + 0 } (25000) x $c->{stats}{n}]'
expect_usage "raw samples that disagree with stats" "m.json: classes\[1\].samples: .* disagree with stats" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{stats}{median} = 0'
expect_usage "a zero median: one prefix" "m.json: classes\[1\].stats.median: 0 ticks" \
	compare "$TMP/m.json" "$new"
ok $(grep -c 'class cpuid: class cpuid' <<<"$ERR" | grep -q '^0$'; echo $?) "a zero median: no doubled prefix"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{stats}{p10} = -5'
expect_usage "negative ticks" "m.json: classes\[1\].stats.p10: -5 is not a tick count" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{quantiles}[0] = -1'
expect_usage "a negative quantile" "m.json: classes\[1\].quantiles: entry 0: -1 is not a tick count" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{stats}{max} = 1e19'
expect_usage "ticks of 2^63 or more" "m.json: classes\[1\].stats.max: .* is not a tick count in \[0, 2^63)" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{classes}[1]{iterations} = 9000000000000000000'
expect_usage "a count that overflows" "m.json: classes\[1\].iterations: .* out of range" \
	compare "$TMP/m.json" "$new"
edit "$base" "$TMP/m.json" '$j->{host}{cpu}{microarch_year} = 99999999999'
expect_usage "a year that does not fit" "m.json: host.cpu.microarch_year: 99999999999 is not a year" \
	compare "$TMP/m.json" "$new"

# ---- each class its own noise floor ----
# Three base runs whose mmio_user spreads 33% ((max - min) / median) (a noisy class); pio_user is
# steady and 20% slower in new: a noisy class must not hide it.
for i in 1 2 3; do
	edit "$base" "$TMP/b$i.json" "scale(\$j, 'mmio_user', 1 + 0.2 * ($i - 1)); \$j->{started_utc} =~ s/:00Z/:0${i}Z/"
	edit "$new" "$TMP/n$i.json" "\$j->{started_utc} =~ s/:00Z/:0${i}Z/; scale(\$j, 'cpuid', 1 + 0.001 * $i)"
done
run compare --json "$TMP/floor.json" --base "$TMP/b1.json" --base "$TMP/b2.json" --base "$TMP/b3.json" \
	--new "$TMP/n1.json" --new "$TMP/n2.json" --new "$TMP/n3.json"
ok $([ "$RC" -eq 1 ] && grep -q '^pio_user .* slower$' <<<"$OUT"; echo $?) \
	"3+3 runs, mmio_user 33% noisy: pio_user still slower, exit 1 (rc $RC)"
ok $([ "$(json "$TMP/floor.json" 'join ",", map { sprintf "%s=%.0f", $_->{name}, $_->{threshold_used_pct} } @{$j->{classes}}')" = \
	"null=5,cpuid=5,pio_user=5,mmio_user=33" ]; echo $?) "each class's threshold: 5%, and mmio_user's own 33% floor"
done_testing
