#!/usr/bin/env bash
# Large captures for benchmarks and memory tests (not committed: written to bench-data/, which
# .gitignore excludes).  Every call is a basic call (uac-basic.xml / uas-answer.xml:
# INVITE, 100, 180, 200, ACK, BYE, 200 = 7 messages), Call-IDs load-<transport>-<n>@sipscope.test.
#
#   sudo scripts/captures/make-load.sh [CALLS] [RATE]     default 20000 calls at 400 calls/s
#
# Writes bench-data/load-udp-<CALLS>.pcap, bench-data/load-tcp-<CALLS>.pcap (all calls on one
# TCP connection) and for each a .truth.txt with SIPp's own count of successful and failed calls
# and retransmissions: the ground truth a test or benchmark compares against.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CALLS=${1:-20000}
RATE=${2:-400}
[ "$(id -u)" = 0 ] || { echo "make-load.sh: needs root to create network namespaces (run with sudo)" >&2; exit 1; }
export OUT=${OUT:-$(cd "$HERE/../.." && pwd)/bench-data}
export SIPP_TIMEOUT=$((CALLS / RATE + 60))
export SIPP_TRACE=-trace_err          # no per-message log at this volume
SSC_NO_AUTO_TOPOLOGY=1 source "$HERE/lib.sh"
topology_up
trap 'cleanup_jobs; topology_down' EXIT
A=10.10.0.1 B=10.10.0.2

for t in udp tcp; do
  name=load-$t-$CALLS
  tt=u1; [ $t = tcp ] && tt=t1
  echo "== $name ($CALLS calls at $RATE/s over $t)"
  capture_start "$name"
  sipp_bg "$name-bob" b -sf "$SCEN/uas-answer.xml" -t $tt -i $B -p 5060 -m "$CALLS" -key tag load -key user bob
  rc=0
  sipp_fg "$name-alice" a -sf "$SCEN/uac-basic.xml" -t $tt -i $A -p 5060 -m "$CALLS" -r "$RATE" \
    -key tag load -key user bob -key domain $B:5060 -cid_str "load-$t-%u@sipscope.test" $B:5060 || rc=$?
  wait_bg || rc=$?
  capture_stop "$name"
  {
    echo "capture: $name.pcap  calls attempted: $CALLS  rate: $RATE/s  transport: $t  sipp exit: $rc"
    echo "messages if every call succeeded: $((CALLS * 7))"
    echo "--- tcpdump (a packet dropped by the kernel is missing from the capture)"
    grep -E "captured|received|dropped" "$WORK/$name.tcpdump.log" || true
    for side in alice bob; do
      echo "--- SIPp $side (final statistics screen)"
      grep -E "Successful call|Failed call|Retransmissions|Total Calls created" "$WORK/logs/$name-$side/stdout" | tail -4 || true
    done
  } > "$OUT/$name.truth.txt"
  cat "$OUT/$name.truth.txt"
done
