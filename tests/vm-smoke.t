#!/bin/bash
# The sanitizer build's VM paths in one pass (make check's ASan round inside
# exitbench lab): every check, every class once, JSON written and read back.
# ASan and UBSan abort on the first error, so a clean exit is the proof.
. "$(dirname "$0")/lib.sh"

have_kvm || { echo "1..0 # SKIP /dev/kvm missing: $(ls -l /dev/kvm 2>&1)"; exit 0; }
run check --tap
ok $([ "$RC" -eq 0 ]; echo $?) "check passes (rc $RC: $(tail -n 1 <<<"$ERR"))"
J=$TMP/all.json
run run --class all --samples 200 --warmup 20 --no-perf -q --json "$J"
ok $([ "$RC" -le 1 ] && ! grep -qE "AddressSanitizer|runtime error" <<<"$ERR"; echo $?) \
	"run --class all: no sanitizer report (rc $RC)"
n=$(json "$J" 'scalar grep { $_->{status} eq "ok" } @{$j->{classes}}')
ok $([ "$n" -gt 10 ]; echo $?) "$n classes measured"
run report "$J" -o "$TMP/report"
ok $([ "$RC" -eq 0 ] && [ -s "$TMP/report/README.md" ]; echo $?) \
	"report reads the file back and writes its tables (rc $RC: $ERR)"
done_testing
