#!/usr/bin/env bash
# Regenerates docs/report-demo.png: the demo's report page (nine roots) as headless
# Chromium draws it. Run from the repository root after `cargo build`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${EBRANCH:-target/debug/ebranch}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --cache-dir "$work/cache" missing python-b4 yamllint python-joserfc python-pyhanko \
    python-aiosmtplib python-pytest-rerunfailures python-pytest-httpx python-xkcdpass python-isal \
    --ref-repo demo/repos/rawhide --ref-repo demo/repos/rawhide-source \
    --target-repo demo/repos/epel10 --target-base-repo demo/repos/centos-stream-10 \
    --format json -o "$work/demo.json" || [ $? -eq 1 ]
"$bin" report "$work/demo.json" -o "$work/demo.html"
chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1400,1500 \
    --screenshot="$PWD/docs/report-demo.png" "file://$work/demo.html" 2>/dev/null
echo "wrote docs/report-demo.png"
