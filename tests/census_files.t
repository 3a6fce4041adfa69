#!/bin/bash
# exitbench census without a VM: --list, usage errors, --from (table, page,
# JSON again), compare of census files, the JSON Schema; from the committed
# census of the lab (tests/data/census/lab.json).  tests/census.t runs VMs.
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")" && pwd)/data/census/lab.json

run census --list
ok $([ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | grep -c .)" -ge 60 ] &&
	printf '%s' "$OUT" | grep -q '^sgdt_umip '; echo $?) "--list: every row, UMIP's too"
expect_usage "--ring 2" "--ring: '2' is not 0 or 3" census --ring 2
expect_usage "--only nosuch" "unknown row 'nosuch'" census --only nosuch
expect_usage "--from with --save" "--from renders a file" census --from "$FIX" --save

run census --from "$FIX" --md "$TMP/page.md" --json "$TMP/again.json"
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q '^hlt .* vmm .* #GP'; echo $?) \
	"--from: the table from a file (rc $RC)"
for s in "## How to read this page" "### Efficiency" "### Resource control" "### Equivalence" \
	"not hardware"; do
	ok $(grep -q "$s" "$TMP/page.md"; echo $?) "page has '$s'"
done
run compare "$FIX" "$TMP/again.json"
ok $([ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -q "no outcome changed"; echo $?) \
	"compare: a census and its re-written copy: nothing changed (rc $RC)"
perl -MCpanel::JSON::XS -e 'local $/; my $j = Cpanel::JSON::XS->new->decode(<STDIN>);
	for (@{$j->{rows}}) { $_->{cpl3}{outcome} = "exit_kvm" if $_->{name} eq "sgdt" }
	print Cpanel::JSON::XS->new->encode($j)' <"$FIX" >"$TMP/changed.json"
run compare "$FIX" "$TMP/changed.json"
ok $([ "$RC" -eq 1 ] && printf '%s' "$OUT" | grep -q "^sgdt .*CPL3 .*none .*-> kvm"; echo $?) \
	"compare: sgdt starts exiting at CPL3: exit 1, the row named (rc $RC: $OUT)"
run compare "$FIX" "$(dirname "$0")/data/compare/base.json"
ok $([ "$RC" -eq 2 ]; echo $?) "compare: a census against a run result is refused (rc $RC)"

if python3 -c 'import jsonschema' 2>/dev/null; then
	python3 - "$(dirname "$0")/../docs/schema/census.schema.json" "$FIX" "$TMP/again.json" \
		>"$TMP/schema" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.Draft202012Validator(schema).validate(json.load(open(f)))
PY
	ok $?  "census documents validate against docs/schema/census.schema.json ($(cat "$TMP/schema"))"
else
	skip "python3-jsonschema missing: schema not checked"
fi

done_testing
