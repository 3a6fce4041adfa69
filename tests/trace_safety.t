#!/bin/bash
# exitbench trace set-up (issue 13): what is needed is said first, Ctrl-C
# during set-up never launches the COMMAND, the --record file does not leak
# into the COMMAND, tracefs left mounted is said.  Needs no /dev/kvm (the
# kvm module's tracepoints are enough); the root parts skip otherwise.
. "$(dirname "$0")/lib.sh"
tracefs_dir() { awk '$3 == "tracefs" { print $2; exit }' /proc/mounts; }

if [ "$(id -u)" -ne 0 ]; then
	expect_usage "trace as non-root" "trace: tracing needs root or CAP_SYS_ADMIN" trace -d 0.1
	done_testing
	exit
fi
# As nobody, through a copy of the binary nobody may run.
chmod 755 "$TMP"
cp "$EXITBENCH" "$TMP/exitbench"
setpriv --reuid 65534 --regid 65534 --clear-groups "$TMP/exitbench" trace -d 0.1 -- touch "$TMP/nobody" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && [ "$(grep -c . "$TMP/err")" -eq 1 ] &&
	grep -q "^exitbench: trace: tracing needs root or CAP_SYS_ADMIN .* running as uid 65534" "$TMP/err" &&
	[ ! -e "$TMP/nobody" ]; echo $?) "as uid 65534: exit 2, one line saying root or CAP_SYS_ADMIN is needed (rc $rc: $(cat "$TMP/err"))"
if [ ! -d /sys/module/kvm ]; then
	skip "no kvm module: no kvm tracepoints"
	done_testing
	exit
fi
mounted_before=$(tracefs_dir)

# Ctrl-C while the session is being set up (seconds here): the COMMAND,
# forked and waiting, must not start.
"$EXITBENCH" trace -- touch "$TMP/launched" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 200); do pgrep -P $pid >/dev/null && break; sleep 0.01; done
kill -INT $pid
wait $pid
rc=$?
ok $([ ! -e "$TMP/launched" ] && [ $rc -eq 2 ] &&
	grep -q "interrupted by signal 2 while setting up tracing; command touch not started" "$TMP/err"; echo $?) \
	"Ctrl-C during set-up: exit 2, the COMMAND never ran (rc $rc: $(tail -1 "$TMP/err"))"
ok $([ "$(tracefs_dir)" = "$mounted_before" ] && { [ -z "$mounted_before" ] ||
	! ls "$mounted_before/instances" | grep -q "^exitbench-$pid-"; }; echo $?) \
	"Ctrl-C during set-up: no instance left, tracefs as it was"

# --record is opened close-on-exec: the COMMAND does not inherit it.
run trace --record "$TMP/rec.txt" -- sh -c 'ls -l /proc/$$/fd'
ok $([ "$RC" -eq 0 ] && ! grep -q "rec.txt" <<<"$OUT"; echo $?) \
	"--record's file is not open in the COMMAND (rc $RC)"

# tracefs mounted by trace, an instance created meanwhile by someone else:
# tracefs stays mounted, and trace says so.
if [ -z "$mounted_before" ]; then
	run trace -- sh -c 'mkdir /sys/kernel/tracing/instances/exitbench-test-other'
	ok $([ "$RC" -eq 0 ] && grep -q "left tracefs mounted on /sys/kernel/tracing: 1 other instance" <<<"$ERR"; echo $?) \
		"tracefs left mounted for another instance: said on stderr (rc $RC)"
	rmdir /sys/kernel/tracing/instances/exitbench-test-other
	umount /sys/kernel/tracing
else
	skip "tracefs already mounted: trace does not mount it"
fi
done_testing
