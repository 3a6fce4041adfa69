#!/bin/bash
# exitbench census: the file-level commands everywhere (--list, --from,
# compare of census files, the schema), and where /dev/kvm works, the rows
# the issue names, each in its own VM: hlt at CPL3 -> #GP; sgdt at CPL3 no
# fault (the guest's own GDT base), #GP with UMIP set by the guest; popf at
# CPL3 keeps IF; cpuid exits to KVM, by KVM's own counters.
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
perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->decode(<STDIN>);
	for (@{$j->{rows}}) { $_->{cpl3}{outcome} = "exit_kvm" if $_->{name} eq "sgdt" }
	print JSON::PP->new->encode($j)' <"$FIX" >"$TMP/changed.json"
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

if ! have_kvm; then
	skip "/dev/kvm missing or not accessible: no census VM here ($(ls -l /dev/kvm 2>&1))"
	done_testing
	exit
fi

J=$TMP/c.json
run census --only hlt,sgdt,sgdt_umip,popf,cpuid --iterations 50 --warmup 5 --json "$J" -q
ok $([ "$RC" -eq 0 ]; echo $?) "census of five rows: exit 0 ($ERR)"
cell() { # cell ROW RING PERL-FIELD
	json "$J" "(grep { \$_->{name} eq '$1' } @{\$j->{rows}})[0]{cpl$2}$3"
}
ok $([ "$(cell hlt 3 '{code}')" = "#GP" ] && [ "$(cell hlt 3 '{vector}')" = 13 ]; echo $?) \
	"hlt at CPL3: the guest's handler saw #GP ($(cell hlt 3 '{code}'))"
ok $([ "$(cell hlt 0 '{code}')" = vmm ]; echo $?) "hlt at CPL0: exits to the VMM ($(cell hlt 0 '{code}'))"
ok $([ "$(cell sgdt 3 '{code}')" = none ] && [ "$(cell sgdt 3 '{faults_per_iteration}')" = 0 ] &&
	[ "$(cell sgdt 3 '{observed}{equivalent} ? 1 : 0')" = 1 ]; echo $?) \
	"sgdt at CPL3 without UMIP: no fault, the guest's own GDT ($(cell sgdt 3 '{observed}{text}'))"
if [ "$(cell sgdt_umip 3 '{status}')" = skipped ]; then
	skip "sgdt with UMIP: $(cell sgdt_umip 3 '{reason}')"
else
	ok $([ "$(cell sgdt_umip 3 '{code}')" = "#GP" ] || [ "$(cell sgdt_umip 3 '{code}')" = "kvm+#GP" ]; echo $?) \
		"sgdt at CPL3 with UMIP set by the guest: #GP ($(cell sgdt_umip 3 '{code}'))"
	ok $([ "$(cell sgdt_umip 0 '{code}')" = none ]; echo $?) "sgdt at CPL0 with UMIP: no fault"
fi
ok $([ "$(cell popf 3 '{code}')" = none ] &&
	[ "$(cell popf 3 '{observed}{raw}[0] & 0x200')" = "$(cell popf 3 '{observed}{raw}[1] & 0x200')" ]; echo $?) \
	"popf at CPL3 leaves IF unchanged ($(cell popf 3 '{observed}{text}'))"
for ring in 0 3; do
	ex=$(cell cpuid $ring '{exits_per_iteration}')
	ok $([ "$(cell cpuid $ring '{code}')" = kvm ] &&
		perl -e "exit !($ex > 0.95 && $ex < 1.05)"; echo $?) \
		"cpuid at CPL$ring exits to KVM: KVM's exits counter moved $ex per run"
done
run census --only cpuid --ring 0 --iterations 20 --warmup 2 --trace --json "$TMP/t.json" -q
terr=$(json "$TMP/t.json" '$j->{rows}[1]{cpl0}{exit_reasons}{error}')
if [ -n "$terr" ] && [ "$terr" != undef ]; then
	skip "--trace: no tracing here: $terr"
else
	n=$(json "$TMP/t.json" 'my $c = $j->{rows}[1]{cpl0}{exit_reasons}{counts}; ($c->{cpuid} // 0) + ($c->{CPUID} // 0)')
	ok $([ "$RC" -eq 0 ] && [ "$n" -ge 23 ]; echo $?) \
		"--trace: kvm_exit saw cpuid's exit reason $n times (23 runs of the row)"
fi
done_testing
