#!/usr/bin/env bash
# Out-of-dialog methods (captures/options-message-subscribe.pcap): 3 OPTIONS keepalives,
# MESSAGE, a presence subscription ended by the subscriber, a dialog-event subscription whose
# NOTIFY overtakes the 200 and which the notifier ends, a SUBSCRIBE refused with 489.
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2

pair() { # call-id-prefix uas uac calls
  local name=$1 uas=$2 uac=$3 m=${4:-1}
  sipp_bg "$name-bob" b -sf "$SCEN/$uas" -i $B -p 5060 -m "$m" -key tag "$name"
  sipp_fg "$name-alice" a -sf "$SCEN/$uac" -i $A -p 5060 -m "$m" -l 1 -r 2 -key tag "$name" \
    -cid_str "$name-%u@sipscope.test" $B:5060
  wait_bg
}

n=options-message-subscribe
capture_start $n
pair keepalive uas-options.xml uac-options.xml 3
pair message uas-message.xml uac-message.xml
pair presence uas-notifier.xml uac-subscribe.xml
pair dialog-event uas-notifier-early.xml uac-subscribe-early-notify.xml
pair mwi uas-subscribe-489.xml uac-subscribe-489.xml
capture_stop $n
