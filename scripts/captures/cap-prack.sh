#!/usr/bin/env bash
# PRACK (RFC 3262) captures.
#   prack-reliable-183-180.pcap  happy path: reliable 183 RSeq 7001 + PRACK, reliable 180 RSeq 7002 + PRACK
#   prack-anomalies.pcap         four calls, one anomaly each (see captures/README.md)
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2

pair() { # name uas-scenario uac-scenario [extra keys...]
  local name=$1 uas=$2 uac=$3; shift 3
  sipp_bg "$name-uas" b -sf "$SCEN/$uas" -t u1 -i $B -p 5060 -m 1 -key tag "$name" "$@"
  sipp_fg "$name-uac" a -sf "$SCEN/$uac" -t u1 -i $A -p 5060 -m 1 -key tag "$name" "$@" \
    -cid_str "$name@sipscope.test" $B:5060
  wait_bg
}

capture_start prack-reliable-183-180
pair prack-happy uas-prack.xml uac-prack.xml -key rseq 7001 -key rseq2 7002
capture_stop prack-reliable-183-180

capture_start prack-anomalies
pair prack-unacked uas-prack-unacked.xml uac-prack-unacked.xml -key rseq 9001
pair prack-wrong-rack uas-prack-wrong-rack.xml uac-prack-wrong-rack.xml -key rseq 5001 -key wrong_rseq 5000
pair prack-overlap uas-prack-overlap.xml uac-prack-overlap.xml -key rseq 100 -key rseq2 102
pair prack-unreliable uas-prack-unreliable.xml uac-prack-unreliable.xml
capture_stop prack-anomalies
