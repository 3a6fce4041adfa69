# exitbench report: the round trip of every class of one (platform,
# microarchitecture) group, dot and whisker: a row per class, per run a dot
# at the median (hollow: UNVERIFIED) and a whisker from p10 to p90; a class
# that failed, was skipped or did not run is a marked gap at the left edge.
# Run by `exitbench report`:
#   gnuplot -c classes.gp DATA OUTBASE MICROARCH NRUNS LEFT PLATFORM
# DATA: one block per run (first line: its title) of y median p10 p90
# verified gap, then a block of the class rows and names.  LEFT: where the
# gaps are marked (TSC ticks, left of every whisker).
datafile = ARG1
outbase = ARG2
microarch = ARG3
n = int(ARG4)
left = real(ARG5)
platform = ARG6

set datafile missing "NaN"
set logscale x
set grid xtics mxtics ytics
set xrange [left / 1.5:*]
set yrange [-0.7:*]
set offsets 0, 0, 0.7, 0
set ytics scale 0 nomirror
set xlabel "cycles (TSC ticks) per iteration, raw round trip (log scale; null = timing overhead)"
set key bmargin left Left reverse vertical
set bmargin 5 + n
set title sprintf("exitbench: VM-exit round trip per class, %s, platform %s\n(dot: median, hollow = UNVERIFIED; whisker: p10-p90; x at the left: no result)", microarch, platform)

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"
set terminal @png noenhanced size 1000, 10
rows = 0
stats datafile index n using 1 nooutput
rows = STATS_records
w = 1100
h = 260 + 26 * rows + 20 * n

set terminal @png noenhanced size w, h
set output outbase.".png"
plot for [i=0:n-1] datafile index i using 2:1:3:4 with xerrorbars pt 7 ps 0 lw 1.5 lc i + 1 \
	title columnhead(6), \
     for [i=0:n-1] '' index i using ($5 == 1 ? $2 : NaN):1 with points pt 7 ps 1.4 \
	lc i + 1 notitle, \
     for [i=0:n-1] '' index i using ($5 == 0 ? $2 : NaN):1 with points pt 6 ps 1.6 lw 2 \
	lc i + 1 notitle, \
     for [i=0:n-1] '' index i using (strcol(6) eq "" ? NaN : left):1 with points pt 2 \
	ps 1.4 lw 2 lc i + 1 notitle, \
     for [i=0:n-1] '' index i using (strcol(6) eq "" ? NaN : left):1:6 with labels left \
	offset 1.2, 0 font ",8" tc lt i + 1 notitle, \
     '' index n using (NaN):1:ytic(2) notitle

set terminal svg noenhanced size w, h dynamic background rgb "white"
set output outbase.".svg"
replot
