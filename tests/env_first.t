#!/bin/bash
# What can be checked without /dev/kvm is checked before it is opened, and a
# device that is not KVM is named as such (issue 13): one line, exit 2.
. "$(dirname "$0")/lib.sh"

expect_usage "run --kvm /dev/null" "^exitbench: /dev/null: not a KVM device" run --quick --kvm /dev/null
expect_usage "check --kvm /dev/null" "^exitbench: /dev/null: not a KVM device" check --kvm /dev/null
: >"$TMP/file"
expect_usage "run --kvm a regular file" "not a KVM device (a file, not a character device)" \
	run --quick --kvm "$TMP/file"
expect_usage "-e checked before /dev/kvm" "-e: unknown event 'no_such_event'" \
	run --quick --kvm "$TMP/nokvm" -e no_such_event
expect_usage "--cpu checked before /dev/kvm" "--cpu 1023: not a CPU this process may run on" \
	run --quick --kvm "$TMP/nokvm" --cpu 1023
expect_usage "--cpu2 checked before /dev/kvm" "--cpu2 1023: not a CPU this process may run on" \
	run --quick --kvm "$TMP/nokvm" --cpu2 1023
done_testing
