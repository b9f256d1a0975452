#!/bin/sh
# Builds the sandbox base image without a container registry: debootstrap assembles a minimal Debian root filesystem
# with python3 from Debian's package mirror, and `docker import` turns it into an image.
# Usage: build-offline.sh <image-tag> <work-dir>
set -eu
tag=$1
work=$2
mirror=${OMNI_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  # Use the mirror apt already uses on this machine (deb822 or one-line format).
  mirror=$(grep -hs '^URIs:.*debian$' /etc/apt/sources.list.d/*.sources | head -n1 | awk '{print $2}')
  [ -n "$mirror" ] || mirror=$(grep -hs '^deb .*debian ' /etc/apt/sources.list | grep -v security | head -n1 | awk '{print $2}')
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi
rootfs="$work/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs"
debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  echo "debootstrap failed (mirror $mirror); see $work/debootstrap.log" >&2
  exit 1
}
# Trim what a sandbox never needs.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
  "$rootfs"/usr/share/locale/*
mkdir -p "$rootfs/work"
tar -C "$rootfs" -c . | docker import \
  --change 'USER 65534:65534' \
  --change 'WORKDIR /work' \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8' \
  --change 'LABEL ai.omni.image=sandbox-python' \
  --change 'CMD ["python3"]' \
  - "$tag" >/dev/null
rm -rf "$rootfs"
