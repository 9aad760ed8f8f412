#!/usr/bin/env bash
# tshark's reading of every capture in captures/ (../shared/tools/tshark_messages.py), written
# to captures/expected/<capture>.tshark.json.  Tests never run tshark: they read these files.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/captures}
TOOL=${TSHARK_MESSAGES:-$REPO/../shared/tools/tshark_messages.py}
[ -f "$TOOL" ] || TOOL=/work/shared/tools/tshark_messages.py
mkdir -p "$OUT/expected"
for f in "$OUT"/*.pcap "$OUT"/*.pcapng; do
  [ -e "$f" ] || continue
  b=$(basename "$f"); b=${b%.pcap}; b=${b%.pcapng}
  # out-of-order TCP reassembly on: tshark 4.0 leaves it off and then loses a message of
  # tcp-retrans-reorder.pcap; every other capture reads the same either way
  python3 "$TOOL" "$f" -o tcp.reassemble_out_of_order:TRUE > "$OUT/expected/$b.tshark.json"
  printf '  %-48s %s messages\n' "$b" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$OUT/expected/$b.tshark.json")"
done
