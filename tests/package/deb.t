#!/bin/bash
# The Debian package (make deb-test builds it first; ~1-2 min on 2 cores):
# its dependencies, apt can install it, and the binary unpacked with dpkg -x
# runs from another directory with the package's own data: `report` builds
# tables and plots. Not part of make check (it needs the .deb).
# DEB: the package to test (default: the newest exitbench_*_amd64.deb here).
. "$(dirname "$0")/../lib.sh"
DEB=${DEB:-$(ls -t "$T_SRC"/exitbench_*_amd64.deb 2>/dev/null | head -1)}
if [ ! -f "$DEB" ]; then
	skip "no exitbench_*.deb: make deb-test builds one"
	done_testing
	exit
fi
echo "# testing $DEB"

info=$(dpkg-deb -f "$DEB" Depends Recommends)
for dep in libjansson4 libtracefs1 libtraceevent1 libpfm4 libcsv3 gnuplot-nox; do
	grep -q "^Depends:.*\b$dep\b" <<<"$info"
	ok $? "Depends: $dep"
done
for rec in qemu-system-x86 busybox-static linux-image-amd64; do
	grep -q "^Recommends:.*\b$rec\b" <<<"$info"
	ok $? "Recommends: $rec"
done
ver=$(dpkg-deb -f "$DEB" Version)
ok $([ "$ver" = "$(awk -F'[()]' 'NR == 1 { print $2 }' "$T_SRC/debian/changelog")" ]; echo $?) \
	"version $ver is debian/changelog's"

apt-get -s -q install "$DEB" >"$TMP/apt" 2>&1
ok $? "apt-get install ./$(basename "$DEB") resolves its dependencies (simulated: $(tail -1 "$TMP/apt"))"

R=$TMP/root
dpkg -x "$DEB" "$R"
ok $? "dpkg -x unpacks it"
for f in usr/bin/exitbench usr/share/exitbench/scripts/classes.gp usr/share/exitbench/published.csv \
	usr/share/exitbench/schema/exitbench-1.schema.json usr/share/man/man1/exitbench-run.1.gz \
	usr/share/bash-completion/completions/exitbench; do
	ok $([ -s "$R/$f" ]; echo $?) "installs /$f"
done
man -l "$R/usr/share/man/man1/exitbench-run.1.gz" 2>/dev/null | grep -q "exitbench-run - measure"
ok $? "man exitbench-run renders"

# From another directory, with the package's data only.
mkdir -p "$TMP/elsewhere" && cd "$TMP/elsewhere" || exit 2
export EXITBENCH_DATADIR=$R/usr/share/exitbench
v=$("$R/usr/bin/exitbench" --version)
ok $(grep -q "^method [0-9]" <<<"$v" && grep -q "^data $EXITBENCH_DATADIR (EXITBENCH_DATADIR)" <<<"$v"; echo $?) \
	"--version: $(tr '\n' ';' <<<"$v")"
RESULT=$(ls "$T_SRC"/results/hosts/*/*.json | head -1)
"$R/usr/bin/exitbench" report "$RESULT" -o out/ >"$TMP/rep.out" 2>"$TMP/rep.err"
rc=$?
ok $([ $rc -eq 0 ] && [ -s out/README.md ]; echo $?) \
	"report $(basename "$RESULT") -o out/: tables (exit $rc: $(head -c 300 "$TMP/rep.err"))"
if command -v gnuplot >/dev/null; then
	n=$(ls out/plots/*.png 2>/dev/null | wc -l)
	ok $([ "$n" -gt 0 ]; echo $?) "report: $n PNG plots in out/plots/"
else
	skip "gnuplot not installed: no plots to check"
fi
grep -q "published.csv line" out/plots/generations.dat 2>/dev/null
ok $? "report: the package's published.csv is on the generation chart"

# The data missing: one line naming where it looked, exit 2.
EXITBENCH_DATADIR=$TMP/nowhere "$R/usr/bin/exitbench" report "$RESULT" -o out2/ >/dev/null 2>"$TMP/err"
rc=$?
ok $([ $rc -eq 2 ] && [ "$(grep -c . "$TMP/err")" -eq 1 ] && grep -q "$TMP/nowhere" "$TMP/err"; echo $?) \
	"EXITBENCH_DATADIR without data: exit 2, one line naming it ($rc: $(cat "$TMP/err"))"
unset EXITBENCH_DATADIR
if [ ! -e /usr/share/exitbench ]; then
	"$R/usr/bin/exitbench" report "$RESULT" -o out3/ >/dev/null 2>"$TMP/err"
	rc=$?
	ok $([ $rc -eq 2 ] && grep -q "/usr/share/exitbench" "$TMP/err"; echo $?) \
		"not installed, not in a source tree: exit 2 naming /usr/share/exitbench ($(cat "$TMP/err"))"
else
	skip "/usr/share/exitbench exists here (package installed)"
fi

if command -v lintian >/dev/null; then
	lintian "$DEB" >"$TMP/lintian" 2>/dev/null
	errs=$(grep '^E:' "$TMP/lintian" | tr '\n' ';')
	ok $([ -z "$errs" ]; echo $?) "lintian: no errors ($errs)"
	grep '^W:' "$TMP/lintian" | sed 's/^/# /'
else
	skip "lintian not installed"
fi
done_testing
