#!/usr/bin/perl
# Writes the first seeds of make fuzz's corpora (tests/fuzz/README.md):
#   resultfile/seed-*: the SYNTHETIC compare fixture cut to two classes (one
#     with a small set of raw samples), compact; published/seed-*: the
#     header and first rows of results/published.csv; trace_records/seed-*:
#     the recorded records of tests/data/trace-records-*.txt, each as a
#     2-byte little-endian length and its bytes.
# Run from the source tree: perl tests/fuzz/seeds.pl
use strict;
use warnings;
use JSON::PP;

sub put { my ($f, $b) = @_; open my $o, '>', $f or die "$f: $!"; binmode $o; print $o $b; close $o }

# type-7 quantile of sorted values
sub q7 { my ($v, $q) = @_; my $h = (@$v - 1) * $q; my $lo = int($h);
	return $v->[-1] if $lo >= $#$v; return $v->[$lo] + ($h - $lo) * ($v->[$lo + 1] - $v->[$lo]) }

local $/;
open my $f, '<', 'tests/data/compare/base.json' or die; my $j = decode_json(<$f>);
my @keep = grep { $_->{name} eq 'null' || $_->{name} eq 'cpuid' } @{$j->{classes}};
$j->{classes} = \@keep;
for my $c (@keep) { $_ = 0 + sprintf('%.0f', $_) for @{$c->{quantiles}} }
my $enc = JSON::PP->new->canonical;
mkdir "tests/fuzz/$_" for qw(resultfile published trace_records);
put('tests/fuzz/resultfile/seed-two-classes.json', $enc->encode($j));
# cpuid from five raw samples: stats, quantiles and samples agree
my @s = (2000, 2010, 2020, 2100, 2500);
my $c = $keep[1];
$c->{samples} = [@s];
$c->{stats}{$_->[0]} = q7(\@s, $_->[1]) for ([min => 0], [p1 => .01], [p10 => .1], [median => .5],
	[p90 => .9], [p99 => .99], [max => 1]);
$c->{stats}{n} = $c->{iterations} = 5;
$c->{stats}{median_ci95} = [2000, 2500];
$c->{quantiles} = [map { 0 + sprintf('%.10g', q7(\@s, $_ / 1000)) } 0 .. 1000];
$c->{repeat} = {runs => 1, medians => [2020], spread => 0, spread_pct => 0};
put('tests/fuzz/resultfile/seed-raw-samples.json', $enc->encode($j));

open $f, '<', 'results/published.csv' or die; my @l = split /\n/, <$f>;
put('tests/fuzz/published/seed-head.csv', join("\n", @l[0 .. 6]) . "\n");

for my $name (qw(pvm synth)) {
	open $f, '<', "tests/data/trace-records-$name.txt" or die;
	my $out = '';
	for (split /\n/, <$f>) {
		next if /^#/ || !/\S/;
		my @w = split;
		my $b = pack('H*', $w[5]);
		$out .= pack('v', length $b) . $b;
	}
	put("tests/fuzz/trace_records/seed-$name.bin", $out);
}
