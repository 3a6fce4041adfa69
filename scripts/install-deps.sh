#!/bin/sh
# Installs the Debian packages exitbench needs, only those missing.
# Idempotent: with everything present it runs no apt-get at all.
# `install-deps.sh hw` adds the kernel headers that `make hw` needs.
# With the argument "fuzz" also what make fuzz needs (clang's libFuzzer);
# make check and make bench never ask for it.
set -eu

PKGS="gcc libc6-dev make pkg-config binutils libjansson-dev libtracefs-dev libtraceevent-dev \
libpfm4-dev gnuplot-nox perl qemu-system-x86 cppcheck clang-format \
linux-image-amd64 busybox-static libcpanel-json-xs-perl \
bochs bochsbios grub-pc-bin grub-common xorriso mtools \
scdoc python3-jsonschema dpkg-dev debhelper fakeroot lintian ansible-core libcsv-dev"
[ "${1:-}" = hw ] && PKGS="$PKGS linux-headers-amd64"
[ "${1:-}" = fuzz ] && PKGS="$PKGS clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing; run as root or install them" >&2
	exit 2
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi
