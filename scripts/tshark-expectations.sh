#!/usr/bin/env bash
# Regenerates tests/data/expected/<capture>.json for the shared corpus from tshark (see
# tests/data/expected/README.md; captures/ has its own, scripts/captures/expected.sh) and
# prints the comparison with the current `sipscope export` for every capture.
# Needs tshark; tests never do.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=../shared/tools
cargo build --quiet --release
for f in ../shared/corpus/pcaps/*.pcap* captures/*.pcap*; do
  [[ -e $f ]] || continue
  b=$(basename "$f")
  stem=${b%.pcapng}; stem=${stem%.pcap}
  if [[ $f == captures/* && -e captures/expected/$stem.tshark.json ]]; then
    exp=captures/expected/$stem.tshark.json
  else
    exp=tests/data/expected/$b.json
    extra=(-o tcp.reassemble_out_of_order:TRUE)
    case $b in tcp6060-*) extra+=(-d tcp.port==6060,sip) ;; esac
    "$tools/tshark_messages.py" "$f" "${extra[@]}" > "$exp"
  fi
  ./target/release/sipscope export "$f" > "/tmp/sipscope-export-$b.json" 2>/dev/null || true
  printf '%-58s %s\n' "$b" "$("$tools/compare_export.py" "$exp" "/tmp/sipscope-export-$b.json" || true)"
done
