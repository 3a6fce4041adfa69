# exitbench report: the generation chart.  Published VM-exit costs by year,
# one series per quantity (hardware / kvm / unknown: never joined), and every
# measured run at its microarchitecture's year.  Run by `exitbench report`:
#   gnuplot -c generations.gp DATA OUTBASE "F0 F1 F2 F3 F4 F5" CLASSES
# DATA: six blocks (gnuplot index 0..5) of year, cycles, label:
#   0 published hardware  1 published kvm  2 published unknown
#   3 measured, hardware backend, verified   4 same, unverified
#   5 measured on a software backend (not hardware): hollow markers
# Fi is 1 when block i has points (only those get a legend entry).
datafile = ARG1
outbase = ARG2
has = ARG3
classes = ARG4
t(i, s) = word(has, i + 1) eq "1" ? s : ""

set logscale y
set grid xtics ytics mytics
set xlabel "year (published: as the source gives it; measured: launch year of the microarchitecture)"
set ylabel "cycles (TSC ticks) per VM-exit round trip"
set xtics 2 nomirror
set mxtics 2
set key inside top left Left reverse box opaque width 1
set rmargin 44
set title sprintf("VM-exit cost across CPU generations: published figures and exitbench runs (classes %s, net median)", classes)
set offsets 1, 1, 0, 0

png = strstrt(GPVAL_TERMINALS, " pngcairo ") > 0 ? "pngcairo" : "png"
c_hw = "#1f5fbf"; c_kvm = "#2a9d3a"; c_unk = "#7f7f7f"; c_meas = "#d62728"; c_sw = "#ff7f0e"

set terminal @png noenhanced size 1400, 800
set output outbase.".png"
plot \
  datafile index 0 using 1:2 with points pt 9 ps 1.4 lc rgb c_hw \
	title t(0, "published, quantity hardware: bare VM entry+exit round trip"), \
  '' index 1 using 1:2 with points pt 5 ps 1.2 lc rgb c_kvm \
	title t(1, "published, quantity kvm: KVM round trip"), \
  '' index 2 using 1:2 with points pt 7 ps 1.2 lc rgb c_unk \
	title t(2, "published, quantity unknown (not stated by the source)"), \
  '' index 3 using 1:2 with points pt 13 ps 2.2 lc rgb c_meas \
	title t(3, "measured (exitbench, KVM round trip), VT-x/AMD-V backend"), \
  '' index 4 using 1:2 with points pt 2 ps 2.2 lw 2 lc rgb c_meas \
	title t(4, "measured, VT-x/AMD-V backend, UNVERIFIED class"), \
  '' index 5 using 1:2 with points pt 12 ps 2.2 lw 2 lc rgb c_sw \
	title t(5, "measured (software backend, not hardware): hollow"), \
  '' index 0 using 1:2:3 with labels left offset 0.8, -0.8 font ",8" tc rgb c_hw notitle, \
  '' index 1 using 1:2:3 with labels left offset 1, 0 font ",8" tc rgb c_kvm notitle, \
  '' index 2 using 1:2:3 with labels right offset -0.8, 0.8 font ",8" tc rgb c_unk notitle, \
  '' index 3 using 1:2:3 with labels left offset 1.5, 0 font ",9" tc rgb c_meas notitle, \
  '' index 4 using 1:2:3 with labels left offset 1.5, 0 font ",9" tc rgb c_meas notitle, \
  '' index 5 using 1:2:3 with labels left offset 1.5, 0 font ",9" tc rgb c_sw notitle

set terminal svg noenhanced size 1400, 800 dynamic background rgb "white"
set output outbase.".svg"
replot
