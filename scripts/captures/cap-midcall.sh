#!/usr/bin/env bash
# Mid-call methods in one call (captures/call-prack-update-info-reinvite.pcap): reliable 183 +
# PRACK, UPDATE in the early dialog, INFO DTMF x2, hold/resume re-INVITEs.
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2
n=call-prack-update-info-reinvite
capture_start $n
sipp_bg $n-bob b -sf "$SCEN/uas-midcall.xml" -i $B -p 5060 -m 1 -key tag midcall
sipp_fg $n-alice a -sf "$SCEN/uac-midcall.xml" -i $A -p 5060 -m 1 -key tag midcall \
  -cid_str "midcall@sipscope.test" $B:5060
wait_bg
capture_stop $n
