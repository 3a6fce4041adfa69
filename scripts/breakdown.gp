# exitbench report: host-side breakdown of the round trip, stacked bars,
# one bar per run and class.  Run by `exitbench report`:
#   gnuplot -c breakdown.gp DATA OUTBASE NPARTS
# DATA: label, then each part's median TSC ticks ("-": no such part).
datafile = ARG1
outbase = ARG2
n = int(ARG3)

set datafile missing "-"
set style data histogram
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set grid ytics
set ylabel "cycles (TSC ticks) per iteration"
set xlabel "run and class"
set xtics rotate by 30 right scale 0 nomirror
set lmargin at screen 0.30
set rmargin at screen 0.78
set bmargin at screen 0.42
set key outside right top Left reverse box
set title "exitbench: where the round trip goes (host-side breakdown, median of each part)"
set yrange [0:*]

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"

set terminal @png noenhanced size 1200, 800
set output outbase.".png"
plot for [i=2:n+1] datafile using i:xtic(1) title columnhead(i)

set terminal svg noenhanced size 1200, 800 dynamic background rgb "white"
set output outbase.".svg"
replot
