#!/bin/bash
# Bash completion (completion/exitbench.bash): subcommands, options and class
# names come from the binary, so they follow it without a copy in the script.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/.." && pwd)/completion/exitbench.bash

# complete WORDS...: COMPREPLY for the last word, one per line.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_exitbench; printf "%s\n" "${COMPREPLY[@]}"' sh "$SRC" "$EXITBENCH" "$@"
}

got=$(complete_words ru)
ok $([ "$got" = run ]; echo $?) "exitbench ru<TAB> completes to run (got: $got)"

got=$(complete_words "" | sort | tr '\n' ' ')
want=$("$EXITBENCH" --help | awk '/^  [a-z]+  / { print $1 }' | sort | tr '\n' ' ')
ok $([ -n "$want" ] && case "$got" in *"$want"*) true ;; *) false ;; esac; echo $?) \
	"every command of --help is offered (want $want; got $got)"

got=$(complete_words run --qu | sort | tr '\n' ' ')
ok $([ "$got" = "--quick --quiet " ]; echo $?) "run --qu<TAB>: --quick --quiet (got: $got)"

got=$(complete_words compare --thr)
ok $([ "$got" = --threshold ]; echo $?) "compare --thr<TAB>: --threshold (got: $got)"

want=$("$EXITBENCH" list --all | awk 'NR > 1 && /^[a-z]/ { print $1 }' | grep '^cp' | tr '\n' ' ')
got=$(complete_words run --class cp | tr '\n' ' ')
ok $([ -n "$want" ] && [ "$got" = "$want" ]; echo $?) "run --class cp<TAB>: $want(got: $got)"

got=$(complete_words run -c null,pio_u)
ok $([ "$got" = null,pio_user ]; echo $?) "a class list completes its last item (got: $got)"

# Not a copy: no class name is written into the script.
n=$("$EXITBENCH" list --all | awk 'NR > 1 && /^[a-z]/ { print $1 }' | grep -v '^null$' |
	grep -c -w -F -f - "$SRC")
ok $([ "$n" -eq 0 ]; echo $?) "the script names no class itself ($n lines do)"
done_testing
