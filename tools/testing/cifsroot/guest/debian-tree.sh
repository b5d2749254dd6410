#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Post-debootstrap tweaks of the cached Debian tree of the Debian boot test,
# run on the host with the tree as $1. This text is part of the tree's
# recipe: changing it rebuilds the tree.
set -eu
t=$1

# debootstrap copies the host's names and resolver; the guest has its own
# name and no DNS (it reaches the host by address).
echo cifsroot-debian >"$t/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcifsroot-debian\n' >"$t/etc/hosts"
rm -f "$t/etc/resolv.conf"

# A persistent journal on the root (Debian 12 ships the directory; make
# sure of it with the owner and mode systemd-tmpfiles gives it).
mkdir -p "$t/var/log/journal"
chroot "$t" chgrp systemd-journal /var/log/journal
chmod 2755 "$t/var/log/journal"

# The harness writes the machine ID of each copy.
: >"$t/etc/machine-id"

# Nothing downloaded is kept in the tree.
chroot "$t" apt-get clean
# The mirror's indexes: the guest uses the test's repository instead.
rm -f "$t"/var/lib/apt/lists/*_dists_*
