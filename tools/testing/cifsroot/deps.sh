#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the harness needs, if any is missing.
set -eu

PACKAGES="linux-source-6.1 linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev
ccache sparse python3 python3-ply python3-git python3-sphinx python3-sphinx-rtd-theme perl git xz-utils cpio kmod samba smbclient
qemu-system-x86 busybox-static dnsmasq-base iproute2 unifdef clang
libclang-rt-14-dev gnuplot-nox debootstrap nfs-ganesha nfs-ganesha-vfs ctdb iptables"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: run as root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
