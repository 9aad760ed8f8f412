#!/usr/bin/env bash
# INVITE outcomes between two UAs, one Call-ID per outcome (captures/invite-outcomes.pcap):
# cancelled (CANCEL/487), CANCEL losing the race to 200, busy (486), declined (603),
# not found (404), unavailable (503), timeout (408), redirected (302).
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2

pair() { # call-id-name uas-scenario uac-scenario
  local name=$1 uas=$2 uac=$3
  sipp_bg "$name-bob" b -sf "$SCEN/$uas" -i $B -p 5060 -m 1 -key tag "$name" -key user bob -key domain $B:5060 \
    -key redirect_to "sip:bob@10.10.0.4:5060"
  sipp_fg "$name-alice" a -sf "$SCEN/$uac" -i $A -p 5060 -m 1 -key tag "$name" -key user bob -key domain $B:5060 \
    -cid_str "$name@sipscope.test" $B:5060
  wait_bg
}

n=invite-outcomes
capture_start $n
pair outcome-cancelled uas-cancel.xml uac-cancel.xml
pair outcome-cancel-race uas-cancel-race.xml uac-cancel-race.xml
pair outcome-busy-486 uas-reject-486.xml uac-invite-fail.xml
pair outcome-decline-603 uas-reject-603.xml uac-invite-fail.xml
pair outcome-notfound-404 uas-reject-404.xml uac-invite-fail.xml
pair outcome-unavailable-503 uas-reject-503.xml uac-invite-fail.xml
pair outcome-timeout-408 uas-reject-408.xml uac-invite-fail.xml
pair outcome-redirect-302 uas-reject-302.xml uac-invite-fail.xml
capture_stop $n
