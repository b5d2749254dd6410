#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Post-debootstrap tweak of the cached Samba 4.22 tree (cifsroot_smbd.py),
# run on the host with the tree as $1. This text is part of the tree's
# recipe: changing it rebuilds the tree.
set -eu
t=$1

# Samba gives the files of its guest account (by default nobody, uid
# 65534) the domain's Guest SID instead of S-1-22-1-65534, which a client
# without id mapping cannot read back as 65534: give the guest account to
# a user of its own, which no file of a root belongs to.
chroot "$t" useradd --system --no-create-home --shell /usr/sbin/nologin \
	smbguest

# Nothing downloaded is kept in the tree.
chroot "$t" apt-get clean
