# exitbench report: the generation chart.  Published VM-exit costs by year,
# one series per quantity and class (never joined), and every measured run
# of a verified class at its microarchitecture's year, one series per class.
# Run by `exitbench report`:
#   gnuplot -c generations.gp DATA OUTBASE STYLES CLASSES
# DATA: one block (gnuplot index) per series, each starting with a title
# line "year cycles TITLE", then rows of year, cycles, label (measured rows
# only; published rows have ""); after the series a last block of
# "year NaN NAMES": the microarchitectures of each year, for the top axis.
# STYLES: one word per series, "pointtype:pointsize:#colour".
datafile = ARG1
outbase = ARG2
styles = ARG3
classes = ARG4
n = words(styles)
field(w, k) = k == 1 ? w[1:strstrt(w, ":") - 1] : \
	k == 2 ? (w[strstrt(w, ":") + 1:])[1:strstrt(w[strstrt(w, ":") + 1:], ":") - 1] : \
	(w[strstrt(w, ":") + 1:])[strstrt(w[strstrt(w, ":") + 1:], ":") + 1:]
pt(i) = int(field(word(styles, i + 1), 1))
ps(i) = real(field(word(styles, i + 1), 2))
lc(i) = field(word(styles, i + 1), 3)

set key autotitle columnhead
set datafile missing "NaN"
set logscale y
set grid xtics ytics mytics
set xlabel "year: launch year of the microarchitecture"
set ylabel "cycles (TSC ticks) per VM-exit round trip"
set xtics 2 nomirror
set mxtics 2
set link x2
set x2tics rotate by 90 left font ",8" scale 0.5 nomirror
set key outside right top Left reverse box opaque width 1 font ",9"
set label 99 sprintf("VM-exit cost across CPU generations: published figures by quantity and class, exitbench runs (classes %s, net median, verified only)", classes) at screen 0.5, screen 0.975 center font ",11"
set offsets 1, 1, 0, 0
set tmargin 12

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"

set terminal @png noenhanced size 1500, 850
set output outbase.".png"
plot for [i=0:n-1] datafile index i using 1:2 with points pt pt(i) ps ps(i) lw 2 \
	lc rgb lc(i) title columnhead(3), \
     for [i=0:n-1] '' index i using 1:2:3 with labels right offset -1.8, 0 font ",9" \
	tc rgb lc(i) notitle, \
     '' index n using 1:(NaN):x2tic(3) notitle

set terminal svg noenhanced size 1500, 850 dynamic background rgb "white"
set output outbase.".svg"
replot
