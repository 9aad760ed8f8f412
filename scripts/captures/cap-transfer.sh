#!/usr/bin/env bash
# Call transfer captures (REFER, RFC 3515 / 4488 / 5589 / 3891).  Parties:
#   alice 10.10.0.1 transferee: uas-transferee*.xml on :5060 + its 3PCC twin
#                   uac-transferee-leg*.xml on :5062 that places the new call
#   bob   10.10.0.2 transferor: uac-transferor*.xml on :5060 (+ consultation twin on :5062)
#   carol 10.10.0.3 transfer target, dave 10.10.0.4 second transfer target
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2 C=10.10.0.3 D=10.10.0.4

# alice's twin listens for 3PCC commands on 127.0.0.1:7101 (in her namespace); start it first
alice_leg() { # name scenario calls [keys...]
  local name=$1 scen=$2 m=$3; shift 3
  sipp_bg "$name-alice-leg" a -sf "$SCEN/$scen" -3pcc 127.0.0.1:7101 -i $A -p 5062 -m "$m" \
    -key tag "$name" "$@" $C:5060
}
alice() { # name scenario calls [args...]
  local name=$1 scen=$2 m=$3; shift 3
  sipp_bg "$name-alice" a -sf "$SCEN/$scen" -i $A -p 5060 -m "$m" -key tag "$name" "$@"
}
bob() { # name scenario [args...] (one call, Call-ID <name>@sipscope.test)
  local name=$1 scen=$2; shift 2
  sipp_fg "$name-bob" b -sf "$SCEN/$scen" -i $B -p 5060 -m 1 -key tag "$name" \
    -cid_str "$name@sipscope.test" "$@" $A:5060
}
target() { # name node user scenario [keys...]
  local name=$1 node=$2 user=$3 scen=$4; shift 4
  sipp_bg "$name-$user" "$node" -sf "$SCEN/$scen" -i "$(ip4 "$node")" -p 5060 -m 1 \
    -key tag "$name" -key user "$user" "$@"
}

only() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

# RFC 5589 6.1: basic (blind) transfer that succeeds
if only rfc5589-basic-transfer; then
  n=rfc5589-basic-transfer
  capture_start $n
  target $n c carol uas-answer.xml
  alice_leg $n uac-transferee-leg.xml 1
  alice $n uas-transferee.xml 1 -3pcc 127.0.0.1:7101
  bob $n uac-transferor.xml -key refer_to "sip:carol@$C:5060"
  wait_bg
  capture_stop $n
fi

# RFC 5589 6.2 (failed basic transfer), twice in one dialog: carol is busy (sipfrag 486), then
# the second REFER (Event: refer;id=3) to dave fails with 503
if only refer-failed-486-then-503; then
  n=refer-failed-486-then-503
  capture_start $n
  target $n c carol uas-reject-486.xml
  target $n d dave uas-reject-503.xml
  alice_leg $n uac-transferee-leg.xml 2
  alice $n uas-transferee-retry.xml 1 -3pcc 127.0.0.1:7101
  bob $n uac-transferor-retry.xml -key refer_to "sip:carol@$C:5060" -key refer_to2 "sip:dave@$D:5060"
  wait_bg
  capture_stop $n
fi

# REFER refused (603 Decline, 405 Method Not Allowed) and REFER with Refer-Sub: false (RFC 4488)
if only refer-rejected-and-norefersub; then
  n=refer-rejected-and-norefersub
  capture_start $n
  alice refer-rejected-603 uas-transferee-reject-603.xml 1
  bob refer-rejected-603 uac-transferor-rejected.xml -key refer_to "sip:carol@$C:5060"
  wait_bg
  alice refer-rejected-405 uas-transferee-reject-405.xml 1
  bob refer-rejected-405 uac-transferor-rejected.xml -key refer_to "sip:carol@$C:5060"
  wait_bg
  target refer-norefersub c carol uas-answer.xml
  alice_leg refer-norefersub uac-transferee-leg.xml 1
  alice refer-norefersub uas-transferee-norefersub.xml 1 -3pcc 127.0.0.1:7101
  bob refer-norefersub uac-transferor-norefersub.xml -key refer_to "sip:carol@$C:5060"
  wait_bg
  capture_stop $n
fi

# RFC 5589 7.3: attended transfer.  Bob holds Alice, consults Carol (his twin on :5062, 3PCC on
# 127.0.0.1:7102), REFERs Alice with Refer-To ...?Replaces=<consultation dialog>; Alice's twin
# INVITEs Carol with Replaces; Carol BYEs the consultation dialog.
if only rfc5589-attended-transfer; then
  n=rfc5589-attended-transfer
  capture_start $n
  sipp_bg $n-carol c -sf "$SCEN/uas-target-attended.xml" -i $C -p 5060 -m 2 -key tag $n -key user carol \
    -key consult_host $B -key consult_port 5062 -key leg_host $A -key leg_port 5062
  sipp_bg $n-bob-consult b -sf "$SCEN/uac-transferor-consult.xml" -3pcc 127.0.0.1:7102 -i $B -p 5062 -m 1 \
    -key tag $n $C:5060
  alice_leg $n uac-transferee-leg-replaces.xml 1
  alice $n uas-transferee-attended.xml 1 -3pcc 127.0.0.1:7101
  bob $n uac-transferor-attended.xml -3pcc 127.0.0.1:7102 -key refer_to "sip:carol@$C:5060"
  wait_bg
  capture_stop $n
fi
