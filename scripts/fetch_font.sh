#!/usr/bin/env bash
# Fetches assets/fonts/NotoSansArabic-Regular.ttf from Debian's fonts-noto-core package (SIL OFL 1.1) and checks
# it against the committed copy. Needs apt-get (Debian/Ubuntu); run from the repository root.
set -euo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download fonts-noto-core=20201225-1 >/dev/null && dpkg-deb -x fonts-noto-core_*.deb x)
src="$tmp/x/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
mkdir -p assets/fonts
if [ -f assets/fonts/NotoSansArabic-Regular.ttf ] && cmp -s "$src" assets/fonts/NotoSansArabic-Regular.ttf; then
    echo "assets/fonts/NotoSansArabic-Regular.ttf matches fonts-noto-core 20201225-1"
else
    cp "$src" assets/fonts/NotoSansArabic-Regular.ttf
    echo "copied NotoSansArabic-Regular.ttf from fonts-noto-core 20201225-1"
fi
sha256sum assets/fonts/NotoSansArabic-Regular.ttf
