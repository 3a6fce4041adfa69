#!/bin/bash
# The part graph (docs/parts.txt) holds: the source tree keeps it, a
# forbidden #include is caught and named, docs/design.md shows the graph as
# it is written, and a test of one part links only that part's libraries.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
check=$top/scripts/check-parts

out=$("$check" "$top" 2>&1); rc=$?
ok $([ "$rc" -eq 0 ] && [ -z "$out" ]; echo $?) "the source tree keeps docs/parts.txt (rc $rc${out:+: $out})"

# A copy of the tree with one forbidden edge at a time.
copy() {
	rm -rf "$TMP/t" && mkdir -p "$TMP/t" &&
		(cd "$top" && cp -r docs lib minivmm trace guests bench "$TMP/t/")
}
forbid() { # DESCRIPTION FILE LINE PATTERN
	copy && printf '%s\n' "$3" >>"$TMP/t/$2"
	out=$("$check" "$TMP/t" 2>&1); rc=$?
	ok $([ "$rc" -eq 1 ] && grep -q "^$2:[0-9]*: $4" <<<"$out"; echo $?) "$1 (rc $rc: $out)"
}
forbid "trace/ including minivmm/ fails" trace/json.c '#include "minivmm/minivmm.h"' \
	"includes minivmm/minivmm.h: part trace may include its own headers and only: lib"
forbid "trace/ including bench/ fails" trace/report.c '#include "bench/result/result.h"' \
	"includes bench/result/result.h: part trace"
forbid "minivmm/ including bench/ fails" minivmm/vm.c '#include "bench/run/runner.h"' \
	"includes bench/run/runner.h: part minivmm"
forbid "minivmm/ including trace/ fails" minivmm/exit.c '#include "trace/trace.h"' \
	"includes trace/trace.h: part minivmm"
forbid "lib/ including anything of ours fails" lib/stats.c '#include "minivmm/minivmm.h"' \
	"includes minivmm/minivmm.h: part lib may include its own headers and nothing else"
forbid "compare including minivmm fails" bench/compare/compare.c '#  include "minivmm/minivmm.h"' \
	"includes minivmm/minivmm.h: part bench/compare"
forbid "an angle-bracket include of ours is checked too" trace/pair.c '#include <bench/cli.h>' \
	"includes bench/cli.h: part trace"
copy && sed -i 's|^trace: *lib$|trace: lib minivmmm|' "$TMP/t/docs/parts.txt"
out=$("$check" "$TMP/t" 2>&1); rc=$?
ok $([ "$rc" -eq 1 ] && grep -q "^docs/parts.txt: part trace names minivmmm, which is no part and no file" <<<"$out"; echo $?) \
	"a rule naming no part and no file fails (rc $rc: $out)"
copy && sed -i 's/$/\r/' "$TMP/t/docs/parts.txt"
out=$(cd "$TMP" && "$check" t 2>&1); rc=$?
ok $([ "$rc" -eq 0 ] && [ -z "$out" ]; echo $?) "a CRLF graph and a relative root read as they should (rc $rc: $out)"
copy && mkdir -p "$TMP/t/bench/newjob" && : >"$TMP/t/bench/newjob/x.c"
out=$("$check" "$TMP/t" 2>&1); rc=$?
ok $([ "$rc" -eq 1 ] && grep -q "^bench/newjob/x.c: in folder bench/newjob, which docs/parts.txt does not declare" <<<"$out"; echo $?) \
	"a folder that is no declared part fails (rc $rc: $out)"
copy && rm "$TMP/t/docs/parts.txt"
out=$("$check" "$TMP/t" 2>&1); rc=$?
ok $([ "$rc" -eq 2 ] && grep -q "cannot read" <<<"$out"; echo $?) "no graph: exit 2 ($out)"

# docs/design.md shows the graph as written: every rule line of parts.txt.
rules=$(grep -v '^#' "$top/docs/parts.txt" | grep . | tr -s ' \t' ' ')
shown=$(sed -n '/^<!-- parts.txt -->$/,/^<!-- end parts.txt -->$/p' "$top/docs/design.md" | grep -v '^<!--\|^```' | tr -s ' \t' ' ')
ok $([ -n "$rules" ] && [ "$rules" = "$shown" ]; echo $?) "docs/design.md shows docs/parts.txt's rules"

# The tests of one part link only its libraries (Makefile TEST_PARTS_*).
lines=$(make -s -C "$top" -n -B O="$TMP/b" "$TMP/b/tests/test_trace_pair.t" 2>/dev/null | grep -- '-o .*test_trace_pair.t')
ok $(grep -q 'parts/trace.a' <<<"$lines" && grep -q 'parts/lib.a' <<<"$lines" &&
	! grep -q 'parts/minivmm.a\|parts/bench.a' <<<"$lines"; echo $?) \
	"test_trace_pair links trace and lib only"
done_testing
