#!/usr/bin/env bash
# tshark's reading of every capture in captures/, for tests that must not run tshark:
#   captures/expected/<capture>.tshark.json  ../shared/tools/tshark_messages.py: the SIP messages
#                                            per Call-ID ("METHOD-or-status CSeq")
#   captures/expected/<capture>.frames.tsv   one line per frame with SIP (its first message): frame,
#                                            epoch time, src, sport, dst, dport, transport,
#                                            method, status, CSeq, Call-ID, RSeq, RAck
#                                            (transport "icmp-quoted": SIP quoted inside an
#                                            ICMP error, not a message)
# Where tshark is wrong (see captures/README.md) the README's ground truth wins.
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
  {
    printf 'frame\ttime\tsrc\tsport\tdst\tdport\ttransport\tmethod\tstatus\tcseq\tcall_id\trseq\track\n'
    tshark -r "$f" -Y sip -o tcp.reassemble_out_of_order:TRUE -o tcp.desegment_tcp_streams:TRUE \
      -o ip.defragment:TRUE -T fields -E separator=/t -E occurrence=f \
      -e frame.number -e frame.time_epoch -e ip.src -e ipv6.src -e udp.srcport -e tcp.srcport \
      -e ip.dst -e ipv6.dst -e udp.dstport -e tcp.dstport -e frame.protocols \
      -e sip.Method -e sip.Status-Code -e sip.CSeq -e sip.Call-ID -e sip.RSeq -e sip.RAck 2>/dev/null |
    awk -F'\t' -v OFS='\t' '{
      src = $3 $4; sport = $5 $6; dst = $7 $8; dport = $9 $10
      tr = ($11 ~ /:icmp/) ? "icmp-quoted" : ($11 ~ /:tcp:/) ? "tcp" : ($11 ~ /:udp:/) ? "udp" : ($11 ~ /:sctp:/) ? "sctp" : "?"
      print $1, $2, src, sport, dst, dport, tr, $12, $13, $14, $15, $16, $17 }'
  } > "$OUT/expected/$b.frames.tsv"
  printf '  %-48s %s messages\n' "$b" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$OUT/expected/$b.tshark.json")"
done
