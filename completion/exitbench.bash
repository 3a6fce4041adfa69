# bash completion for exitbench(1).
# Every word comes from the binary being completed: subcommands from
# `exitbench --help`, options from `exitbench CMD --help`, class names from
# `exitbench list --all`, check names from `exitbench check --list`.

_exitbench_commands()
{
	"$1" --help 2>/dev/null | awk '/^  [a-z]+  / { print $1 }'
}

_exitbench_options()
{
	"$1" "$2" --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

# The names in the first column of a listing, rows that start at column 0.
_exitbench_names()
{
	"$@" 2>/dev/null | awk 'NR > 1 && /^[a-z]/ { print $1 }'
}

# Completes the last item of a comma-separated list from the words in $1.
_exitbench_list()
{
	local head="" last=$cur
	if [[ $cur == *,* ]]; then
		head=${cur%,*},
		last=${cur##*,}
	fi
	local w
	COMPREPLY=()
	for w in $1; do
		[[ $w == "$last"* ]] && COMPREPLY+=("$head$w")
	done
	type compopt &>/dev/null && compopt -o nospace
}

_exitbench()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local exe=${words[0]} cmd=${words[1]}

	if ((cword == 1)); then
		COMPREPLY=($(compgen -W "$(_exitbench_commands "$exe") --help --version" -- "$cur"))
		return
	fi
	case $prev in
	-c | --class | --gen-class)
		_exitbench_list "all $(_exitbench_names "$exe" list --all)"
		return
		;;
	--only)
		_exitbench_list "$(_exitbench_names "$exe" check --list)"
		return
		;;
	-o | --output | --hosts | --scripts | --modules | --save)
		declare -F _filedir >/dev/null && _filedir -d
		return
		;;
	--json | --csv | --md | --record | -p | --published | --base | --new | --kvm | --kernel | --keep-log)
		declare -F _filedir >/dev/null && _filedir
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_exitbench_options "$exe" "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	compare | report) declare -F _filedir >/dev/null && _filedir json ;;
	esac
}
complete -F _exitbench exitbench
