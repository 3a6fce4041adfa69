#!/bin/bash
# exitbench report never loses or half-writes its outputs (issue 13): a
# missing --hosts directory or an empty set of runs is exit 2 with every
# output untouched; the outputs are replaced as a set (stale plots go);
# SIGTERM while gnuplot draws leaves no staging directory and the old
# outputs.  Input: the SYNTHETIC fixture tests/data/compare/base.json.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
base=$top/tests/data/compare/base.json
out=$TMP/results
mkdir -p "$TMP/hosts/h" "$TMP/empty"
cp "$base" "$TMP/hosts/h/run.json"

# tree DIR: every file under DIR with its checksum (what "untouched" compares)
tree() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }

report() { run report --no-published --scripts "$top/scripts" -o "$out" -q "$@"; }

report --all --hosts "$TMP/hosts"
ok $([ "$RC" -eq 0 ] && [ -s "$out/README.md" ] && ls "$out/plots" | grep -q '\.dat$'; echo $?) \
	"a first report (rc $RC: $ERR)"
touch "$out/plots/stale-run.png"
before=$(tree "$out")

report --all --hosts "$TMP/hosts-typo"
ok $([ "$RC" -eq 2 ] && [ "$(grep -c . <<<"$ERR")" -eq 1 ] &&
	grep -q "hosts directory $TMP/hosts-typo: No such file or directory" <<<"$ERR"; echo $?) \
	"--hosts a typo: exit 2, one line naming it (rc $RC: $ERR)"
ok $([ "$before" = "$(tree "$out")" ]; echo $?) "--hosts a typo: every output untouched"

report --all --hosts "$TMP/empty"
ok $([ "$RC" -eq 2 ] && grep -q "no result file (\*.json) under $TMP/empty" <<<"$ERR"; echo $?) \
	"an empty hosts directory: exit 2 (rc $RC: $ERR)"
ok $([ "$before" = "$(tree "$out")" ]; echo $?) "an empty hosts directory: every output untouched"

# A gnuplot that fails on the second plot: the set stays the old one.
cat >"$TMP/gnuplot-fails" <<EOF
#!/bin/sh
n=\$(cat "$TMP/count" 2>/dev/null || echo 0); echo \$((n + 1)) >"$TMP/count"
[ "\$n" -ge 1 ] && { echo "synthetic failure" >&2; exit 1; }
exec /usr/bin/gnuplot "\$@"
EOF
chmod +x "$TMP/gnuplot-fails"
if [ -x /usr/bin/gnuplot ]; then
	GNUPLOT=$TMP/gnuplot-fails report --all --hosts "$TMP/hosts"
	ok $([ "$RC" -eq 2 ] && [ "$before" = "$(tree "$out")" ]; echo $?) \
		"the second plot fails: exit 2, every output untouched (rc $RC)"
else
	skip "no gnuplot"
fi

# SIGTERM while gnuplot runs: no staging directory left, outputs untouched.
cat >"$TMP/gnuplot-hangs" <<EOF
#!/bin/sh
echo \$\$ >"$TMP/gnuplot-pid"
exec sleep 60
EOF
chmod +x "$TMP/gnuplot-hangs"
GNUPLOT=$TMP/gnuplot-hangs "$EXITBENCH" report --no-published --scripts "$top/scripts" -o "$out" -q \
	--all --hosts "$TMP/hosts" >"$TMP/out" 2>"$TMP/err" &
pid=$!
for _ in $(seq 100); do [ -s "$TMP/gnuplot-pid" ] && break; sleep 0.1; done
kill -TERM $pid
wait $pid
rc=$?
ok $([ $rc -eq 143 ] && [ -z "$(ls -A "$out" | grep '^\.exitbench-report')" ] &&
	! kill -0 "$(cat "$TMP/gnuplot-pid")" 2>/dev/null; echo $?) \
	"SIGTERM while gnuplot runs: dies of SIGTERM (rc $rc), gnuplot ended, no staging directory left"
ok $([ "$before" = "$(tree "$out")" ]; echo $?) "SIGTERM while gnuplot runs: every output untouched"
ok $(grep -q "interrupted by signal 15 while gnuplot drew" "$TMP/err"; echo $?) "SIGTERM: one line says so"

report --all --hosts "$TMP/hosts"
ok $([ "$RC" -eq 0 ] && [ ! -e "$out/plots/stale-run.png" ] && [ -s "$out/README.md" ] &&
	[ -z "$(ls -A "$out" | grep '^\.exitbench-report')" ]; echo $?) \
	"a new report replaces plots/ as a set: a stale plot is gone, no stage left"
done_testing
