#!/usr/bin/env bash
# Installs a CPU Vulkan driver (Mesa's lavapipe) so that the webgpu backend has an adapter on a machine without
# a GPU: the webgpu test tier runs on it with MLA_WEBGPU_ALLOW_SOFTWARE=1. Debian 12's own mesa-vulkan-drivers
# (22.3) lacks a feature Dawn requires (its adapter request returns null), so the driver comes from
# bookworm-backports (Mesa 25), together with the libdrm it needs from there, plus the Vulkan loader libvulkan1.
#
#   sudo scripts/webgpu/install-software-gpu.sh      (idempotent: a quick no-op when the driver is there)
#
# Debian/Ubuntu-family only; anywhere else it says so and exits 2.
set -euo pipefail

MIN_MESA_MAJOR=25
SOURCES=/etc/apt/sources.list.d/backports.sources
ICD_GLOB='/usr/share/vulkan/icd.d/lvp_icd*.json'

say() { echo "[install-software-gpu] $*"; }

mesa_major() {
  local v
  v=$(dpkg-query -W -f='${Status} ${Version}\n' mesa-vulkan-drivers 2>/dev/null | awk '/install ok installed/ {print $4}')
  [ -n "$v" ] || { echo 0; return; }
  v=${v#*:} # drop an epoch
  echo "${v%%.*}"
}

# grep reads the whole list (no -q): under pipefail, grep -q quitting early makes ldconfig die of SIGPIPE and
# the check fail although the loader is there.
have_loader() { ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1 ' >/dev/null; }
have_icd() { compgen -G "$ICD_GLOB" >/dev/null; }

if [ "$(mesa_major)" -ge "$MIN_MESA_MAJOR" ] && have_loader && have_icd; then
  say "already installed: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1), ICD $(echo $ICD_GLOB)"
  exit 0
fi

command -v apt-get >/dev/null || { say "no apt-get: install Mesa >= $MIN_MESA_MAJOR's Vulkan driver (lavapipe) and the Vulkan loader by hand"; exit 2; }
[ "$(id -u)" = 0 ] || { say "needs root (apt-get install)"; exit 2; }
. /etc/os-release
CODENAME=${VERSION_CODENAME:-}
[ "$CODENAME" = bookworm ] || { say "written for Debian 12 (bookworm); this is '${PRETTY_NAME:-unknown}'"; exit 2; }

if [ ! -f "$SOURCES" ]; then
  # Same mirror and key as the main Debian source, so a mirror or snapshot configured there is reused.
  uris=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -1 || true)
  key=$(sed -n 's/^Signed-By: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 || true)
  cat >"$SOURCES" <<SRC
Types: deb
URIs: ${uris:-http://deb.debian.org/debian}
Suites: bookworm-backports
Components: main
Signed-By: ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
SRC
  say "added $SOURCES (URIs ${uris:-http://deb.debian.org/debian})"
fi

say "apt-get update"
apt-get update -qq
say "apt-get install -t bookworm-backports mesa-vulkan-drivers libdrm2 libvulkan1"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports \
  mesa-vulkan-drivers libdrm2 libvulkan1 >/dev/null

if [ "$(mesa_major)" -lt "$MIN_MESA_MAJOR" ] || ! have_loader || ! have_icd; then
  say "FAILED: after the install mesa-vulkan-drivers is $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || echo absent)"
  exit 1
fi
say "installed: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), libdrm2 $(dpkg-query -W -f='${Version}' libdrm2), libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1), ICD $(echo $ICD_GLOB)"
