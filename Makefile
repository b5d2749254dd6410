# SPDX-License-Identifier: GPL-2.0
#
# cifsroot: SMB root file system patch series and its test harness.
#
#   make boot     build the patched kernel and boot QEMU from a local Samba
#                 share into a shell (CMD='...' runs one command instead)
#   make check    every test; ends with "N passed, N failed"
#   make series   the patch series and cover letter in out/series/
#   make series-check  checkpatch, every commit builds, sparse/W=1,
#                 kernel-doc, get_maintainer (also run by make check)
#   make fuzz     libFuzzer on the parser for SECONDS (default 600)
#   make bench    ours against the older upstream SMB root (PAIRS=5)

HARNESS := tools/testing/cifsroot
PY := python3 $(HARNESS)/cifsroot.py

.PHONY: all deps boot check series series-check fuzz bench kernel rootfs clean

all: check

deps:
	@$(HARNESS)/deps.sh

boot: deps
	@$(PY) boot

check: deps
	@$(PY) check

series: deps
	@$(PY) series

# The gates a maintainer applies before reading the code (part of check).
series-check: deps
	@$(PY) check -k 'series:'

# libFuzzer on the cifsroot= parser, SECONDS long (findings in out/fuzz/).
SECONDS ?= 600
fuzz: deps
	@python3 $(HARNESS)/cifsroot_fuzz.py --seconds $(SECONDS)

# Our SMB root against the older upstream one (out/bench/, BENCH.md).
PAIRS ?= 5
bench: deps
	@python3 $(HARNESS)/cifsroot_bench.py --pairs $(PAIRS)

kernel: deps
	@$(PY) build

rootfs: deps
	@$(PY) rootfs

clean:
	rm -rf out
