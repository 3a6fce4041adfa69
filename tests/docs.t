#!/bin/bash
# docs/classes.md carries the class table exactly as `exitbench list --md`.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
"$EXITBENCH" list --md >"$TMP/table.md"
ok $(grep -qxFf "$TMP/table.md" "$top/docs/classes.md" &&
	[ "$(grep -cxFf "$TMP/table.md" "$top/docs/classes.md")" -eq "$(wc -l <"$TMP/table.md")" ]; echo $?) \
	"docs/classes.md has every line of 'exitbench list --md'"
ok $([ "$(grep -c '^| `' "$top/docs/classes.md")" -eq "$(grep -c '^| `' "$TMP/table.md")" ]; echo $?) \
	"docs/classes.md has no stale class rows"
done_testing
