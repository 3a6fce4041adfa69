#!/usr/bin/perl
# Builds raw kvm_exit/kvm_entry records (this host's backend never fires
# them) from the recorded formats in trace-formats/: every field is put at
# the offset and size its format names.  Output: trace-records-synth.txt,
# one record a line, "<event> <cpu> <ts> <missed> <pid> <hex data>" (the
# format `exitbench trace --record` writes).  See trace-README.md.
use strict;
use warnings;
use File::Basename;

my $dir = dirname($0) . "/trace-formats";

sub format_of {
	my ($event) = @_;
	open(my $f, "<", "$dir/$event.format") or die "$dir/$event.format: $!";
	my (%field, $id, $size);
	while (my $line = <$f>) {
		$id = $1 if $line =~ /^ID: (\d+)/;
		if ($line =~ /field:.*?(\w+)(\[\d+\])?;\s*offset:(\d+);\s*size:(\d+);/) {
			$field{$1} = [$3, $4];
			$size = $3 + $4 if !defined $size || $3 + $4 > $size;
		}
	}
	return {id => $id, field => \%field, size => ($size + 7) & ~7};
}

my %fmt = map { $_ => format_of($_) } qw(kvm_exit kvm_entry);

sub record {
	my ($event, $cpu, $ts, $missed, $pid, %val) = @_;
	my $f = $fmt{$event};
	my $data = "\0" x $f->{size};
	$val{common_type} = $f->{id};
	$val{common_pid} = $pid;
	for my $name (keys %val) {
		my ($off, $size) = @{$f->{field}{$name} or die "$event has no field $name"};
		my $bytes = substr(pack("Q<", $val{$name}), 0, $size);
		substr($data, $off, $size) = $bytes;
	}
	printf "%s %d %d %d %d %s\n", $event, $cpu, $ts, $missed, $pid, unpack("H*", $data);
}

sub vexit { # cpu ts missed pid isa reason vcpu
	my ($cpu, $ts, $missed, $pid, $isa, $reason, $vcpu) = @_;
	record("kvm_exit", $cpu, $ts, $missed, $pid, exit_reason => $reason, isa => $isa,
		vcpu_id => $vcpu, guest_rip => 0xfff0);
}

sub ventry { # cpu ts missed pid vcpu
	my ($cpu, $ts, $missed, $pid, $vcpu) = @_;
	record("kvm_entry", $cpu, $ts, $missed, $pid, vcpu_id => $vcpu, rip => 0xfff0);
}

# VMX (isa 1), threads 100 and 101 of one VM; SVM (isa 2), thread 200.
ventry(1, 900, 0, 102, 2);               # entry without exit (trace start)
vexit(0, 1000, 0, 100, 1, 30, 0);        # IO_INSTRUCTION ...
vexit(1, 1100, 0, 101, 1, 12, 1);        # HLT ...
vexit(1, 1200, 0, 200, 2, 0x7b, 0);      # io (SVM) ...
ventry(1, 1400, 0, 200, 0);              # ... 200 ns
vexit(1, 1500, 0, 200, 2, 0x400, 0);     # npf ...
ventry(0, 1600, 0, 100, 0);              # ... IO_INSTRUCTION 600 ns
vexit(0, 2000, 0, 100, 1, 48, 0);        # EPT_VIOLATION ...
ventry(1, 2500, 0, 200, 0);              # ... npf 1000 ns
ventry(0, 2900, 0, 100, 0);              # ... EPT_VIOLATION 900 ns
vexit(0, 3000, 0, 100, 1, 30, 0);        # IO_INSTRUCTION ...
ventry(0, 3500, 0, 100, 0);              # ... 500 ns
vexit(0, 3600, 0, 100, 1, 0x80000021, 0); # INVALID_STATE FAILED_VMENTRY ...
ventry(0, 3700, 0, 100, 0);              # ... 100 ns
ventry(1, 5100, 0, 101, 1);              # ... HLT 4000 ns
vexit(0, 6000, 0, 100, 1, 30, 0);        # IO_INSTRUCTION whose entry is lost:
ventry(0, 6500, 3, 100, 0);              # 3 events lost before this one
vexit(1, 7000, 0, 101, 1, 30, 1);        # IO_INSTRUCTION without entry
vexit(1, 7100, 0, 101, 1, 30, 1);        # IO_INSTRUCTION ...
ventry(1, 7300, 0, 101, 1);              # ... 200 ns
vexit(1, 9000, 0, 200, 2, 0x78, 0);      # hlt (SVM), still pending at the end
