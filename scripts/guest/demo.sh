#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo, run inside a sandbox (or on a real host by `make demo-host`)
# from the project's top folder: load hvmod, show what it found, create a
# VM with two vCPUs, run a guest that climbs from real mode to long mode
# (guests/hello.S) under hvmod and then under KVM, show the live objects
# and unload.
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

# A flat real-mode image needs its load address; status 0: it ended
# with HLT and interrupts off (Documentation/hvtool.rst).
say "hvtool run --load-addr 0x7c00 guests/out/hello.bin (a guest under hvmod)"
st=0
userspace/hvtool run --load-addr 0x7c00 guests/out/hello.bin || st=$?
echo "exit status $st"

say "hvtool run --cmdline 'hi there' guests/out/hello32.elf (Multiboot, C runtime)"
st=0
userspace/hvtool run --cmdline 'hi there' guests/out/hello32.elf || st=$?
echo "exit status $st"

# KVM is the oracle: the same guest under Debian's kvm, where it loads.
if modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null; then
	say "hvtool --dev /dev/kvm run --load-addr 0x7c00 guests/out/hello.bin (the same under KVM)"
	st=0
	userspace/hvtool --dev /dev/kvm run --load-addr 0x7c00 \
		guests/out/hello.bin || st=$?
	echo "exit status $st"
fi

say "live objects after the VM is gone (debugfs hvmod/objects)"
cat /sys/kernel/debug/hvmod/objects

say "rmmod hvmod"
rmmod hvmod
echo "unloaded"
