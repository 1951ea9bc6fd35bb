#!/bin/bash
# Host packages (Debian 12): debootstrap for the trixie chroot, QEMU, cpio.
# Nothing from trixie is installed on the host.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
timeout 300 apt-get update -q
timeout 600 apt-get install -y -q --no-install-recommends \
	debootstrap qemu-system-x86 cpio gzip xz-utils python3 ca-certificates curl
