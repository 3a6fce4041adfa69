# Shared by the shell tests: TAP helpers and the binary under test.
# EXITBENCH (the binary) is set by `make check`; default: build/exitbench.
: "${EXITBENCH:=$(cd "$(dirname "$0")/.." && pwd)/build/exitbench}"
T_N=0
T_FAIL=0
TMP=$(mktemp -d /tmp/exitbench-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { # ok COND-STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAIL=$((T_FAIL + 1))
	fi
}

skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $1"
}

done_testing() {
	[ -d "$TMP/schema-queue" ] && valid_json "$TMP"/schema-queue/*
	echo "1..$T_N"
	[ "$T_FAIL" -eq 0 ]
}

# Runs the binary; sets OUT, ERR, RC. Every JSON file it wrote (--json F,
# --save[=DIR]) is queued for the schema check at done_testing (queue_json).
run() {
	: >"$TMP/.run-start" # a builtin: PATH may be emptied for the command
	"$EXITBENCH" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(<"$TMP/out") # builtins and command -p: a test may run this with PATH=/nonexistent
	ERR=$(<"$TMP/err")
	validate_written "$@"
}

T_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# queue_json FILE...: a copy of each, checked against its schema by
# done_testing in one call (one python start per test file: cheap under TCG).
queue_json() {
	local f
	mkdir -p "$TMP/schema-queue"
	for f; do
		[ -f "$f" ] || continue
		T_Q=$((${T_Q:-0} + 1))
		cp "$f" "$TMP/schema-queue/$T_Q-$(basename "$f")"
	done
}

# valid_json FILE...: one test line, each file valid against docs/schema by
# its "schema" member (scripts/validate-json, python3-jsonschema).
valid_json() {
	local why rc
	why=$("$T_SRC/scripts/validate-json" "$T_SRC/docs/schema" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 77 ]; then
		skip "schema check: $why"
		return
	fi
	ok $rc "schema: $(for f in "$@"; do basename "$f"; done | tr '\n' ' ')valid${why:+ ($why)}"
}

# The JSON files a command line that exited 0 or 1 wrote: --json F, --json=F,
# --save[=DIR] (files newer than the run's start), also a COMMAND's after --.
validate_written() {
	local files=() a prev="" rc=$RC
	[ "$RC" -le 1 ] || return 0
	for a in "$@"; do
		case $prev in --json) [ -f "$a" ] && files+=("$a") ;; esac
		case $a in
		--json=*) [ -f "${a#--json=}" ] && files+=("${a#--json=}") ;;
		--save=*) files+=($(find "${a#--save=}" -name '*.json' -newer "$TMP/.run-start" 2>/dev/null)) ;;
		--save) files+=($(find results -name '*.json' -newer "$TMP/.run-start" 2>/dev/null)) ;;
		esac
		prev=$a
	done
	[ ${#files[@]} -eq 0 ] || queue_json "${files[@]}"
	RC=$rc
}

# json FILE PERL-EXPR: evaluates EXPR with $j = decoded document; prints result.
json() {
	perl -MCpanel::JSON::XS -e 'local $/; open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!";
		my $j = Cpanel::JSON::XS->new->decode(<$f>); my $r = eval $ARGV[1]; die $@ if $@;
		print defined $r ? $r : "undef"' "$1" "$2"
}

# expect_usage DESCRIPTION PATTERN ARGS...: exit 2 and one stderr line matching PATTERN.
expect_usage() { # DESCRIPTION PATTERN ARGS...
	local desc=$1 pat=$2
	shift 2
	run "$@"
	lines=$(printf '%s\n' "$ERR" | command -p grep -c .)
	ok $([ "$RC" -eq 2 ] && [ "$lines" -eq 1 ] && printf '%s' "$ERR" | command -p grep -q -- "$pat"; echo $?) \
		"$desc: exit 2, one line matching '$pat' (got $RC: $ERR)"
}

# True where /dev/kvm works. Under make check (EXITBENCH_NEED_KVM set) it always
# should: the VM tests run natively or inside exitbench lab, so a missing
# /dev/kvm there stops the test instead of skipping it.
have_kvm() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && return 0
	if [ -n "${EXITBENCH_NEED_KVM:-}" ]; then
		echo "Bail out! /dev/kvm missing or not accessible under make check: $(ls -l /dev/kvm 2>&1)"
		exit 1
	fi
	return 1
}
