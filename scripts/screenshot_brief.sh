#!/bin/sh
# Render a briefing pack in a real browser, to check how the HTML reads.
#
# Usage:
#
#     scripts/screenshot_brief.sh [OUT.png|OUT.pdf] [BRIEF OPTIONS...]
#
#     scripts/screenshot_brief.sh                          # brief.png of --area Cleveland
#     scripts/screenshot_brief.sh drugs.png --theme drugs
#     scripts/screenshot_brief.sh cleveland.pdf --area Cleveland   # as printed (print stylesheet)
#
# It writes the pack with `pcc-ideas brief ... --format html` into a temporary folder, then has
# headless Chromium render it: a 1000x1400 screenshot of the top of the page for a .png, every
# page as printed for a .pdf. Needs `pcc-ideas` on PATH (or PCC_IDEAS=/path/to/pcc-ideas) and
# Chromium (Debian: `apt-get install chromium`; or CHROMIUM=/path/to/chrome). The page loads
# nothing from the network, and Chromium is started with its background networking off and a
# throwaway profile, so this works offline. For the Word pack, see scripts/render_docx.sh.
set -eu

out=${1:-brief.png}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- --area Cleveland

pcc_ideas=${PCC_IDEAS:-pcc-ideas}
chromium=${CHROMIUM:-chromium}
command -v "$pcc_ideas" >/dev/null || { echo "screenshot_brief: $pcc_ideas not found" >&2; exit 2; }
command -v "$chromium" >/dev/null || { echo "screenshot_brief: $chromium not found" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pcc_ideas" brief "$@" --format html -o "$work/brief.html"

case $out in
    *.pdf) made=$work/out.pdf capture="--print-to-pdf=$made --no-pdf-header-footer" ;;
    *) made=$work/out.png capture="--screenshot=$made --window-size=1000,1400 --hide-scrollbars" ;;
esac
# shellcheck disable=SC2086 # $capture is several options on purpose
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" $capture "file://$work/brief.html" >/dev/null 2>&1
cp "$made" "$out"
echo "screenshot_brief: wrote $out" >&2
