#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo, run inside a sandbox (or on a real host by `make demo-host`)
# from the project's top folder: load hvmod, show what it found, create a
# VM with two vCPUs, show the live objects, destroy it and unload.
set -eu

say() {
	printf '\n=== %s\n' "$*"
}

say "insmod hvmod.ko"
insmod ./hvmod.ko
dmesg | grep 'hvmod:' | sed 's/^\[[^]]*\] //'

say "hvtool info"
userspace/hvtool info

say "hvtool create -n 2 (a VM with two vCPUs, then destroyed)"
userspace/hvtool create -n 2

say "live objects after the VM is gone (debugfs hvmod/objects)"
cat /sys/kernel/debug/hvmod/objects

say "rmmod hvmod"
rmmod hvmod
echo "unloaded"
