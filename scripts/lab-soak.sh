#!/bin/sh
# make lab-soak: N lab boots in a row (default 20), each running exitbench
# check and a quick six-class run; every boot must end by itself. Prints one
# line per boot and the figures; exit 1 when any boot failed or hung.
set -u
EB=${EXITBENCH:-build/exitbench}
N=${LAB_SOAK_BOOTS:-20}
T=${LAB_SOAK_TIMEOUT:-180}
# in the current directory: the guest sees it (its /tmp is its own)
dir=$(mktemp -d "$PWD/.lab-soak.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
ok=0 hung=0 failed=0 times=""
for i in $(seq "$N"); do
	start=$(date +%s.%N)
	"$EB" lab --quiet --timeout "$T" --keep-log "$dir/boot$i.log" -- sh -c "
		$EB check --tap >/dev/null &&
		$EB run --quick --no-perf -q --class null,cpuid,pio_user,mmio_user,hlt_user,ept_fault \
			--json $dir/r$i.json >/dev/null" 2>"$dir/err$i"
	rc=$?
	wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	times="$times $wall"
	if grep -q "did not finish" "$dir/err$i"; then
		hung=$((hung + 1)) what="HUNG (log kept: soak-boot$i.log)"
		cp "$dir/boot$i.log" "soak-boot$i.log"
	elif [ "$rc" -ne 0 ]; then
		failed=$((failed + 1)) what="FAILED rc $rc: $(tail -n 1 "$dir/err$i")"
	else
		ok=$((ok + 1)) what=ok
	fi
	printf 'boot %2d: %5.1f s  %s\n' "$i" "$wall" "$what"
done
sorted=$(printf '%s\n' $times | sort -n)
printf 'lab-soak: %d boots: %d ok, %d hung, %d failed; wall min %.1f s, median %.1f s, max %.1f s\n' \
	"$N" "$ok" "$hung" "$failed" "$(echo "$sorted" | head -n 1)" \
	"$(echo "$sorted" | sed -n "$(((N + 1) / 2))p")" "$(echo "$sorted" | tail -n 1)"
[ "$ok" -eq "$N" ]
