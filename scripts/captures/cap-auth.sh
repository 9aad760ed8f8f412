#!/usr/bin/env bash
# Digest authentication by a UA/registrar (captures/auth-register-invite-401.pcap):
# REGISTER 401 / REGISTER+auth 200 / de-REGISTER 200, then INVITE 401 / ACK / INVITE+auth / call.
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2
n=auth-register-invite-401
capture_start $n
sipp_bg auth-register-bob b -sf "$SCEN/uas-registrar-auth.xml" -i $B -p 5060 -m 1 -key tag auth-register
sipp_fg auth-register-alice a -sf "$SCEN/uac-register-auth.xml" -i $A -p 5060 -m 1 -key tag auth-register \
  -key domain sipscope.test -cid_str "auth-register@sipscope.test" $B:5060
wait_bg
sipp_bg auth-invite-bob b -sf "$SCEN/uas-answer-auth.xml" -i $B -p 5060 -m 1 -key tag auth-invite -key user bob
sipp_fg auth-invite-alice a -sf "$SCEN/uac-invite-auth.xml" -i $A -p 5060 -m 1 -key tag auth-invite \
  -key user bob -key domain $B:5060 -cid_str "auth-invite@sipscope.test" $B:5060
wait_bg
capture_stop $n
