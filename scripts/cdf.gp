# exitbench report: latency CDF of one class, a line per run, from the
# 1001 quantiles each result file keeps, zoomed to the body (p1 to p99 of
# the runs); each run's title gives its tails (min, max).  Run by
# `exitbench report`:
#   gnuplot -c cdf.gp DATA OUTBASE CLASS NRUNS "HW1 HW2 ..." "V1 V2 ..." LO HI PLATFORM
# DATA: fraction, then per run the TSC ticks at that quantile.
# HWi is 1 for a run on bare metal (solid line), 0 for any other platform
# (dashed).  Vi is 0 where the class is UNVERIFIED in that run (dotted,
# thin, and its title says so).  LO, HI: the x range (lowest p1, highest p99);
# log scale only when HI/LO > 20.
datafile = ARG1
outbase = ARG2
cls = ARG3
n = int(ARG4)
hw = ARG5
ver = ARG6
lo = real(ARG7)
hi = real(ARG8)
platform = ARG9
dash(i) = word(ver, i) eq "0" ? 3 : word(hw, i) eq "1" ? 1 : 2
width(i) = word(ver, i) eq "0" ? 1.5 : 2
unverified = strstrt(" ".ver." ", " 0 ") > 0

set datafile missing "NaN"
logx = hi / lo > 20
if (logx) { set logscale x }
set format x "%.0f"
set grid xtics mxtics ytics
set xrange [lo / 1.02:hi * 1.02]
set yrange [0:1]
set ytics 0.1
set xlabel sprintf("cycles (TSC ticks) per iteration, raw round trip (%sshown: p1 to p99 of the runs, %.0f to %.0f; tails in the key)", logx ? "log scale; " : "", lo, hi)
set ylabel "fraction of iterations at or below x"
set key bmargin left Left reverse vertical font ",9"
set bmargin 5 + n
set title sprintf("exitbench: latency CDF of class %s, platform %s%s", cls, platform, unverified ? "\n(dotted: UNVERIFIED in that run: the round trip is not shown to hold the exit)" : "")

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"
h = 600 + 20 * n

set terminal @png noenhanced size 1300, h
set output outbase.".png"
plot for [i=1:n] datafile using (column(i+1)):1 with lines lw width(i) lc i \
	dt dash(i) title columnhead(i+1)

set terminal svg noenhanced size 1300, h dynamic background rgb "white"
set output outbase.".svg"
replot
