#!/bin/bash
# JSON Schemas (docs/schema/*.schema.json, draft 2020-12): each is a valid
# schema, the committed result files and fixtures validate against theirs,
# documents that break the format fail, and every key the schemas name is
# documented. The JSON the suite writes is checked where it is written
# (tests/lib.sh: run and queue_json, checked at done_testing).
. "$(dirname "$0")/lib.sh"
S=$T_SRC/docs/schema
V=$T_SRC/scripts/validate-json

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	skip "python3-jsonschema not installed (scripts/install-deps.sh)"
	done_testing
	exit
fi

for f in "$S"/*.schema.json; do
	python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' "$f" 2>"$TMP/e"
	ok $? "$(basename "$f") is a draft 2020-12 schema $(head -c 200 "$TMP/e")"
done

results=$(find "$T_SRC/results/hosts" "$T_SRC/tests/data" -name '*.json' | sort)
ok $([ -n "$results" ]; echo $?) "result files to check: $(echo "$results" | wc -l)"
valid_json $results

run compare --json "$TMP/cmp.json" "$T_SRC/tests/data/compare/base.json" \
	"$T_SRC/tests/data/compare/new.json"
ok $([ -s "$TMP/cmp.json" ]; echo $?) "compare --json wrote a document (exit $RC)"

# A run under bochs (lab --cpu intel) counts emulated instructions: its
# document validates (the same file with that unit and no ns).
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
	$j->{units} = "emulated_instructions";
	$_->{stats} and $_->{stats}{median_ns} = undef for @{$j->{classes}};
	print JSON::PP->new->encode($j)' "$T_SRC/tests/data/compare/base.json" >"$TMP/bochs.json"
valid_json "$TMP/bochs.json"

# Documents that must fail: one change each to a valid file, checked in one call.
base=$T_SRC/tests/data/compare/base.json
n_bad=0
declare -A what
broken() { # DESCRIPTION SOURCE PERL-EDIT
	n_bad=$((n_bad + 1))
	what[$n_bad]=$1
	perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die; my $j = decode_json(<$f>);
		eval $ARGV[1]; die $@ if $@; print JSON::PP->new->encode($j)' "$2" "$3" >"$TMP/bad$n_bad.json"
}
broken "another schema name" "$base" '$j->{schema} = "exitbench/2"'
broken "a status outside the four" "$base" '$j->{classes}[0]{status} = "fine"'
broken "1000 quantiles" "$base" 'pop @{$j->{classes}[1]{quantiles}}'
broken "an ok class without stats" "$base" 'delete $j->{classes}[1]{stats}'
broken "a median as a string" "$base" '$j->{classes}[1]{stats}{median} = "536"'
broken "ring 4" "$base" '$j->{classes}[0]{ring} = 4'
broken "units in cycles (a unit no run writes)" "$base" '$j->{units} = "cycles"'
broken "no host" "$base" 'delete $j->{host}'
broken "a compare verdict outside slower/faster/same" "$TMP/cmp.json" '$j->{classes}[0]{verdict} = "worse"'
broken "a compared class without its interval" "$TMP/cmp.json" 'delete $j->{classes}[0]{ci95}'
"$V" "$S" $(seq -f "$TMP/bad%g.json" 1 $n_bad) >"$TMP/why" 2>&1
rc=$?
ok $([ $rc -eq 1 ]; echo $?) "broken documents: validate-json exits 1 (got $rc)"
for i in $(seq 1 $n_bad); do
	why=$(grep -F "$TMP/bad$i.json: " "$TMP/why" | head -1 | cut -c 1-160)
	ok $([ -n "$why" ]; echo $?) "rejected: ${what[$i]} (${why#$TMP/})"
done

# Every property the exitbench/1 schema names is in docs/json-schema.md.
missing=$(python3 -c 'import json, sys
def walk(o):
    if isinstance(o, dict):
        for k, v in o.get("properties", {}).items():
            yield k
            yield from walk(v)
        for v in o.values():
            if isinstance(v, (dict, list)):
                yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)
doc = open(sys.argv[2]).read()
print(" ".join(sorted(k for k in set(walk(json.load(open(sys.argv[1])))) if "`" + k not in doc and "." + k + "`" not in doc and ", " + k not in doc)))' \
	"$S/exitbench-1.schema.json" "$T_SRC/docs/json-schema.md")
ok $([ -z "$missing" ]; echo $?) "every key of exitbench-1.schema.json is in docs/json-schema.md (missing: $missing)"
done_testing
