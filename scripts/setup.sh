#!/usr/bin/env bash
# Installs what the project needs on a fresh machine of this kind (Debian, Swift toolchain present):
# GNU GSL (libgsl-dev) and the COIN-OR CBC MILP solver (coinor-libcbc-dev, for the staffing planner), both
# found through pkg-config. Idempotent: does nothing when already there.
set -euo pipefail

need=()
pkg-config --exists gsl 2>/dev/null || need+=(libgsl-dev)
pkg-config --exists cbc 2>/dev/null || need+=(coinor-libcbc-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# wrk: the load generator of the operations benchmark (Benchmarks/opsbench).
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# The hall's screens: Chart.js served by hallops, spoken calls (espeak-ng), CJK fonts; browser tests drive
# Debian's Chromium through its driver.
[ -d /usr/share/javascript/chart.js ] || need+=(libjs-chart.js)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
[ -d /usr/share/fonts/opentype/noto ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v swift >/dev/null 2>&1 || { echo "setup: swift is not on PATH (expected the Swift 6 toolchain)" >&2; exit 1; }
echo "setup: GSL $(pkg-config --modversion gsl), CBC $(pkg-config --modversion cbc), $(swift --version 2>&1 | head -n 1)" >&2
