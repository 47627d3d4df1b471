#!/bin/sh
# Installs headless Chromium for the browser test (services/newsbrief
# TestBrowser), unless a Chromium is already there. Debian/Ubuntu, as root.
set -eu
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		echo "chromium.sh: $b already installed: $("$b" --version 2>/dev/null || true)"
		exit 0
	fi
done
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium
chromium --version
