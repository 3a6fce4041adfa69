#!/bin/bash
# Bad input gets one clear line and exit status 2; --help works.
. "$(dirname "$0")/lib.sh"

expect_usage "unknown class" "unknown class 'nosuch'" run --class nosuch
expect_usage "--samples 0" "--samples: 0 is out of range" run --samples 0
expect_usage "--perf=bogus" "--perf: 'bogus' is not pass or inline" run --perf=bogus
expect_usage "--loop bogus" "--loop: 'bogus' is not straight or indirect" run --loop bogus
expect_usage "--samples abc" "--samples: 'abc' is not a number" run --samples abc
expect_usage "--samples -5" "--samples: '-5' is not a number" run --samples -5
expect_usage "--samples too large" "out of range" run --samples 100000000000
expect_usage "--ring 2" "--ring: 2 is not 0 or 3" run --ring 2
expect_usage "--timer bogus" "--timer: 'bogus'" run --timer bogus
expect_usage "unwritable --json" "cannot write /nonexistent-dir/r.json" \
	run --quick --json /nonexistent-dir/r.json
expect_usage "unwritable --csv" "cannot write" run --quick --csv /proc/no/such.csv
expect_usage "missing KVM device" "open $TMP/nokvm: No such file or directory" \
	run --quick --kvm "$TMP/nokvm"
expect_usage "unknown command" "unknown command 'frobnicate'" frobnicate
expect_usage "stray argument" "unexpected argument 'extra'" run extra

run run --help
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q -- "--samples N"; echo $?) "run --help"
run --help
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "run "; echo $?) "--help lists commands"
run list
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "^pio_user" &&
	! printf '%s' "$OUT" | grep -q "test_hang"; echo $?) "list shows classes, hides test ones"
run info
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "^backend:" &&
	printf '%s' "$OUT" | grep -q "^microarch:"; echo $?) "info prints backend and microarch"

done_testing
