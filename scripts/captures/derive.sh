#!/usr/bin/env bash
# Derived captures: real captures from this directory, modified in documented ways with
# pcap_tools.py to make hard cases (see captures/README.md).  Needs only python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$(cd "$HERE/../.." && pwd)/captures}
T="python3 $HERE/pcap_tools.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

first() { $T find "$1" "$2" | awk '{print $1}'; }
check_seq() { # file first-frame count: the frames must be consecutive data segments of one flow
  $T info "$1" | awk -v a="$2" -v n="$3" '$1>=a && $1<a+n {if (src=="") src=$5; if ($5!=src || $8!="TCP" || $10=="len=0") bad=1} END {exit bad}'
}

# --- tcp-retrans-reorder.pcap, from basic-call-tcp-segmented.pcap --------------------------
src=$OUT/basic-call-tcp-segmented.pcap
f=$(first "$src" "INVITE sip:")          # 1st of the 4 segments of the first INVITE
t=$(first "$src" "SIP/2.0 100 Trying")   # the segment carrying the first 100 Trying
check_seq "$src" "$f" 4 || { echo "derive: unexpected TCP layout in $src" >&2; exit 1; }
$T dup "$src" "$TMP/a.pcap" "$t"                 # 100 Trying segment sent twice (retransmission)
$T dup "$TMP/a.pcap" "$TMP/b.pcap" "$f" $((f + 3)) # INVITE segment 1 again after segment 4
$T reverse "$TMP/b.pcap" "$OUT/tcp-retrans-reorder.pcap" $((f + 1)) $((f + 2)) # segments 2, 3 swapped
echo "  -> captures/tcp-retrans-reorder.pcap (from frames $f..$((f + 3)), $t of basic-call-tcp-segmented.pcap)"

# --- ipv4-frag-reorder-missing.pcap, from basic-call-udp-bigfrag.pcap ----------------------
src=$OUT/basic-call-udp-bigfrag.pcap
# frames 1-4: the INVITE in 4 fragments; the 200 OK (INVITE) in 2 fragments right after the 180
[ "$(first "$src" "INVITE sip:")" = 1 ] || { echo "derive: unexpected layout in $src" >&2; exit 1; }
o=$(first "$src" "SIP/2.0 200 OK")         # first fragment of the 200 OK (INVITE)
$T drop "$src" "$TMP/c.pcap" "$o"                # 200 OK loses its first fragment: never completes
$T reverse "$TMP/c.pcap" "$OUT/ipv4-frag-reorder-missing.pcap" 1 4   # INVITE fragments last-first
echo "  -> captures/ipv4-frag-reorder-missing.pcap (INVITE fragments 1-4 reversed, frame $o dropped)"

# --- ipv6-frag-reorder-missing.pcap, from basic-call-ipv6-udp-frag.pcap --------------------
src=$OUT/basic-call-ipv6-udp-frag.pcap
[ "$(first "$src" "INVITE sip:")" = 1 ] || { echo "derive: unexpected layout in $src" >&2; exit 1; }
o=$(first "$src" "SIP/2.0 200 OK")
$T drop "$src" "$TMP/d.pcap" "$o"
$T reverse "$TMP/d.pcap" "$OUT/ipv6-frag-reorder-missing.pcap" 1 4
echo "  -> captures/ipv6-frag-reorder-missing.pcap (INVITE fragments 1-4 reversed, frame $o dropped)"

# --- refer-pending-cut.pcap, from rfc5589-basic-transfer.pcap ------------------------------
# the capture ends while the target is still ringing: after carol's 180, before her 200
src=$OUT/rfc5589-basic-transfer.pcap
r=$($T find "$src" "SIP/2.0 180 Ringing" | awk '{print $NF}')
$T head "$src" "$OUT/refer-pending-cut.pcap" "$r"
echo "  -> captures/refer-pending-cut.pcap (first $r frames of rfc5589-basic-transfer.pcap)"

# --- udp-two-messages-one-datagram.pcap, from options-message-subscribe.pcap ---------------
# the notifier's 200 (SUBSCRIBE) and its first NOTIFY of the presence subscription travel in
# one UDP datagram (as some stacks bundle them)
src=$OUT/options-message-subscribe.pcap
a=$($T find "$src" "SIP/2.0 200 OK" "CSeq: 1 SUBSCRIBE" "presence-1@")
b=$($T find "$src" "NOTIFY sip:" "CSeq: 1 NOTIFY" "presence-1@")
$T merge "$src" "$OUT/udp-two-messages-one-datagram.pcap" "$a" "$b"
echo "  -> captures/udp-two-messages-one-datagram.pcap (frames $a + $b of options-message-subscribe.pcap in one datagram)"

# --- tcp-two-messages-one-segment.pcap, from basic-call-tcp-segmented.pcap -----------------
# the 100 Trying and the 180 Ringing of each call share one TCP segment
src=$OUT/basic-call-tcp-segmented.pcap
cp "$src" "$TMP/e.pcap"
for c in 2 1; do   # call 2 first: merging call 1 would shift call 2's frame numbers
  a=$($T find "$TMP/e.pcap" "SIP/2.0 100 Trying" "basic-call-tcp-segmented-$c@")
  b=$($T find "$TMP/e.pcap" "SIP/2.0 180 Ringing" "basic-call-tcp-segmented-$c@")
  $T merge "$TMP/e.pcap" "$TMP/f.pcap" "$a" "$b"
  mv "$TMP/f.pcap" "$TMP/e.pcap"
  echo "  -> call $c: frames $a + $b in one segment"
done
mv "$TMP/e.pcap" "$OUT/tcp-two-messages-one-segment.pcap"
echo "  -> captures/tcp-two-messages-one-segment.pcap"
