# exitbench report: per-class round trip of one microarchitecture's runs,
# median bars with p10-p90 whiskers (log scale).  Run by `exitbench report`:
#   gnuplot -c bars.gp DATA OUTBASE MICROARCH NRUNS "HW1 HW2 ..."
# DATA: class, then per run median p10 p90 (first line: column titles).
# HWi is 1 for a hardware backend (vmx/svm: solid bar), 0 for any other
# backend (hatched bar, titled "software backend, not hardware").
datafile = ARG1
outbase = ARG2
microarch = ARG3
n = int(ARG4)
hw = ARG5
fill(i) = word(hw, i) eq "1" ? 3 : 4

set datafile missing "NaN"
set style data histogram
set style histogram errorbars gap 2 lw 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics mytics
set ylabel "cycles (TSC ticks) per iteration"
set xlabel "exit class (raw round trip; null = timing overhead)"
set xtics rotate by 40 right scale 0 nomirror
set key bmargin left Left reverse vertical height 1.5
set title sprintf("exitbench: VM-exit round trip per class, %s (bar: median, whisker: p10-p90)", microarch)

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"
w = 900 + 60 * n
h = 620 + 20 * n

set terminal @png noenhanced size w, h
set output outbase.".png"
plot for [i=1:n] datafile using (column(3*i-1)):(column(3*i)):(column(3*i+1)):xtic(1) \
	title columnhead(3*i-1) fs pattern fill(i) lc i

set terminal svg noenhanced size w, h dynamic background rgb "white"
set output outbase.".svg"
replot
