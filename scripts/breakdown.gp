# exitbench report: host-side breakdown of the round trip, stacked bars,
# one bar per run and class, each part labelled with its median; a black
# bar marks the median of the whole round trip (the medians of the parts
# need not add up to it).  Run by `exitbench report`:
#   gnuplot -c breakdown.gp DATA OUTBASE NPARTS
# DATA: label, then each part's median TSC ticks ("-": no such part), then
# the round trip's median.
datafile = ARG1
outbase = ARG2
n = int(ARG3)
part(i) = valid(i) ? column(i) : 0
top(i) = sum [k=2:i] part(k)
short(s) = strstrt(s, "_") ? s[1:strstrt(s, "_") - 1] : s

set datafile missing "-"
set key autotitle columnhead
set style data histogram
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.4
set grid ytics
set ylabel "cycles (TSC ticks) per iteration"
set xlabel "run and class"
set xtics rotate by 30 right scale 0 nomirror
set lmargin at screen 0.30
set rmargin at screen 0.70
set bmargin at screen 0.42
set key at screen 0.715, screen 0.92 left top Left reverse box
set title "exitbench: where the round trip goes (host-side breakdown, median of each part;\nlabels: exit = guest to VMM, vmm = in the VMM, entry = VMM to guest)"
set yrange [0:*]
set offsets 0.3, 0.6, 0, 0

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"

set terminal @png noenhanced size 1300, 800
set output outbase.".png"
plot for [i=2:n+1] datafile using i:xtic(1) title columnhead(i), \
     for [i=2:n+1] '' using ($0 + 0.22):(top(i) - part(i) / 2):(valid(i) ? sprintf("%s %.0f", short(columnhead(i)), column(i)) : "") \
	with labels left font ",8" notitle, \
     '' using ($0 - 0.3):(column(n + 2)):(0.6):(0) with vectors nohead lw 2 dt 2 \
	lc rgb "black" title "median, whole round trip", \
     '' using ($0 - 0.3):(column(n + 2)):(sprintf("whole %.0f", column(n + 2))) \
	with labels left offset 0, 0.6 font ",8" notitle

set terminal svg noenhanced size 1300, 800 dynamic background rgb "white"
set output outbase.".svg"
replot
