#!/bin/bash
# The binary names the source it was built from: --version prints what
# scripts/build-version.sh says of the tree now (make rebuilds the generated
# header whenever that changes), and the method version beside it.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/.." && pwd)

want=$(cd "$top" && scripts/build-version.sh | sed -n 's/^#define EXITBENCH_BUILD_VERSION "\(.*\)"$/\1/p')
method=$(sed -n 's/^#define EXITBENCH_METHOD_VERSION \([0-9]*\)$/\1/p' "$top/bench/version/version.h")
run --version
ok $([ "$RC" -eq 0 ] && grep -qx "method $method" <<<"$OUT" &&
	grep -q "^source $want (commit [0-9a-f]\{40\}" <<<"$OUT"; echo $?) \
	"--version: '$OUT' names the tree's build version '$want' and method $method"
if (cd "$top" && git rev-parse HEAD >/dev/null 2>&1); then
	head=$(cd "$top" && git describe --always --abbrev=12)
	ok $([ "${want%%+modified.*}" = "$head" ]; echo $?) "the build version starts with HEAD ($head)"
	if (cd "$top" && git diff --quiet HEAD -- minivmm bench trace guests Makefile scripts/build-version.sh &&
		[ -z "$(git ls-files --others --exclude-standard -- minivmm bench trace guests Makefile)" ]); then
		ok $([ "$want" = "$head" ]; echo $?) "a clean tree: no +modified"
	else
		ok $([[ "$want" == "$head+modified."* ]]; echo $?) "a changed tree: +modified.<sha> ($want)"
	fi
else
	skip "not a git tree: the build version is 'unknown'"
	skip "not a git tree"
fi
done_testing
