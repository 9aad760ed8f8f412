#!/usr/bin/env bash
# Regenerates tests/data/expected/<capture>.json from tshark (see tests/data/expected/README.md)
# and prints the comparison with the current `sipscope export` for each capture.
# Needs tshark; tests never do.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=../shared/tools
cargo build --quiet --release
for f in ../shared/corpus/pcaps/*.pcap* captures/*.pcap*; do
  [[ -e $f ]] || continue
  b=$(basename "$f")
  extra=()
  case $b in tcp6060-*) extra=(-d tcp.port==6060,sip) ;; esac
  "$tools/tshark_messages.py" "$f" "${extra[@]}" > "tests/data/expected/$b.json"
  ./target/release/sipscope export "$f" > "/tmp/sipscope-export-$b.json" 2>/dev/null || true
  printf '%-58s %s\n' "$b" "$("$tools/compare_export.py" "tests/data/expected/$b.json" "/tmp/sipscope-export-$b.json" || true)"
done
