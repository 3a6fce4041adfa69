# exitbench report: latency CDF of one class, a line per run, from the
# 1001 quantiles each result file keeps.  Run by `exitbench report`:
#   gnuplot -c cdf.gp DATA OUTBASE CLASS NRUNS "HW1 HW2 ..."
# DATA: fraction, then per run the TSC ticks at that quantile.
# HWi is 1 for a hardware backend (solid line), 0 for any other backend
# (dashed line, titled "software backend, not hardware").
datafile = ARG1
outbase = ARG2
cls = ARG3
n = int(ARG4)
hw = ARG5
dash(i) = word(hw, i) eq "1" ? 1 : 2

set datafile missing "NaN"
set logscale x
set grid xtics mxtics ytics
set yrange [0:1]
set ytics 0.1
set xlabel "cycles (TSC ticks) per iteration, raw round trip (log scale)"
set ylabel "fraction of iterations at or below x"
set key bmargin left Left reverse vertical
set bmargin 4 + n
set title sprintf("exitbench: latency CDF of class %s", cls)

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"
h = 600 + 20 * n

set terminal @png noenhanced size 1000, h
set output outbase.".png"
plot for [i=1:n] datafile using (column(i+1)):1 with lines lw 2 lc i \
	dt dash(i) title columnhead(i+1)

set terminal svg noenhanced size 1000, h dynamic background rgb "white"
set output outbase.".svg"
replot
