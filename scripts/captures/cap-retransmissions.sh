#!/usr/bin/env bash
# UDP retransmissions of INVITE, 200 (INVITE) and BYE (captures/retransmissions-udp.pcap).
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2
n=retransmissions-udp
capture_start $n
sipp_bg $n-bob b -sf "$SCEN/uas-slow.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
sipp_fg $n-alice a -sf "$SCEN/uac-late-ack.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
  -key domain $B:5060 -cid_str "$n@sipscope.test" $B:5060
wait_bg
capture_stop $n
