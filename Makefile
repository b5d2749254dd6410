# SPDX-License-Identifier: GPL-2.0
#
# cifsroot: SMB root file system patch series and its test harness.
#
#   make boot     build the patched kernel and boot QEMU from a local Samba
#                 share into a shell (CMD='...' runs one command instead)
#   make check    every test; ends with "N passed, N failed"
#   make series   the patch series and cover letter in out/series/

HARNESS := tools/testing/cifsroot
PY := python3 $(HARNESS)/cifsroot.py

.PHONY: all deps boot check series kernel rootfs clean

all: check

deps:
	@$(HARNESS)/deps.sh

boot: deps
	@$(PY) boot

check: deps
	@$(PY) check

series: deps
	@$(PY) series

kernel: deps
	@$(PY) build

rootfs: deps
	@$(PY) rootfs

clean:
	rm -rf out
