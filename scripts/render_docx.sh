#!/bin/sh
# Render a Word briefing pack to PNG pages, to check how it reads in a word processor.
#
# Usage:
#
#     scripts/render_docx.sh [OUT_PREFIX] [BRIEF OPTIONS...]
#
#     scripts/render_docx.sh                                  # brief-1.png... of --area Cleveland
#     scripts/render_docx.sh drugs --theme drugs              # drugs-1.png, drugs-2.png...
#     scripts/render_docx.sh drugs-short --theme drugs --short
#
# It writes the pack with `pcc-ideas brief ... -o brief.docx` into a temporary folder, has
# LibreOffice convert it to PDF (headless), then pdftoppm turn every page into a PNG at 60 dpi
# (DPI=100 for more), and says how many pages there are; OUT_PREFIX.pdf is kept beside them.
# Needs `pcc-ideas` on PATH (or PCC_IDEAS=/path/to/pcc-ideas), LibreOffice (Debian:
# `apt-get install libreoffice-writer-nogui`; or SOFFICE=/path/to/soffice) and pdftoppm
# (`apt-get install poppler-utils`). Nothing is fetched from the network.
set -eu

prefix=${1:-brief}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- --area Cleveland

pcc_ideas=${PCC_IDEAS:-pcc-ideas}
soffice=${SOFFICE:-soffice}
for tool in "$pcc_ideas" "$soffice" pdftoppm; do
    command -v "$tool" >/dev/null || { echo "render_docx: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pcc_ideas" brief "$@" -o "$work/brief.docx"
# A throwaway profile, so a LibreOffice already open (or never set up) does not interfere.
"$soffice" -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
    --outdir "$work" "$work/brief.docx" >/dev/null 2>&1
[ -s "$work/brief.pdf" ] || { echo "render_docx: LibreOffice wrote no PDF" >&2; exit 1; }
cp "$work/brief.pdf" "$prefix.pdf"
pdftoppm -png -r "${DPI:-60}" "$work/brief.pdf" "$prefix"
pages=$(find "$(dirname "$prefix")" -maxdepth 1 -newer "$work/brief.pdf" -name "$(basename "$prefix")-[0-9]*.png" | wc -l)
echo "render_docx: wrote $prefix.pdf and $pages page(s) as $prefix-N.png" >&2
