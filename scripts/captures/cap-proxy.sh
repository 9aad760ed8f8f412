#!/usr/bin/env bash
# Captures through kamailio proxies (proxy 1 = 10.10.0.11 "atlanta", proxy 2 = 10.10.0.12
# "biloxi"); every hop is on the captured bridge, so each message shows once per leg.
#   fork-parallel-proxy.pcap   one INVITE forked to bob and carol, both ring, bob answers,
#                              carol's branch is CANCELled (487)
#   rfc3665-*.pcap             RFC 3665 session flows (see captures/README.md)
source "$(dirname "$0")/lib.sh"
A=10.10.0.1 B=10.10.0.2 C=10.10.0.3 D=10.10.0.4 P1=10.10.0.11 P2=10.10.0.12
only() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

if only fork-parallel-proxy; then
  n=fork-parallel-proxy
  kamailio_start p1 proxy1 -A WITH_FORK
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_bg $n-carol c -sf "$SCEN/uas-cancel.xml" -i $C -p 5060 -m 1 -key tag $n -key user carol
  sipp_fg $n-alice a -sf "$SCEN/uac-basic.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
    -key domain biloxi.example.com -cid_str "$n@sipscope.test" $P1:5060
  wait_bg
  capture_stop $n
  kamailio_stop_all
fi

# RFC 3665 3.1: successful session establishment, Alice and Bob directly
if only rfc3665-3.1-successful; then
  n=rfc3665-3.1-successful
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_fg $n-alice a -sf "$SCEN/uac-basic.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
    -key domain $B:5060 -cid_str "$n@sipscope.test" $B:5060
  wait_bg
  capture_stop $n
fi

# RFC 3665 3.2: through two record-routing proxies, proxy 1 challenges once (407)
if only rfc3665-3.2-two-proxies; then
  n=rfc3665-3.2-two-proxies
  kamailio_start p1 proxy1 -A WITH_AUTH -A 'AUTH_REALM="atlanta.example.com"' -A "NEXT_HOP=\"sip:$P2:5060\""
  kamailio_start p2 proxy2 -A "TARGET=\"sip:bob@$B:5060\""
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_fg $n-alice a -sf "$SCEN/uac-proxy-auth.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
    -key domain biloxi.example.com -cid_str "$n@sipscope.test" $P1:5060
  wait_bg
  capture_stop $n
  kamailio_stop_all
fi

# RFC 3665 3.3: both proxies challenge (407 from proxy 1, then 407 from proxy 2)
if only rfc3665-3.3-multiple-proxy-auth; then
  n=rfc3665-3.3-multiple-proxy-auth
  kamailio_start p1 proxy1 -A WITH_AUTH -A 'AUTH_REALM="atlanta.example.com"' -A 'PASS_REALM="biloxi.example.com"' \
    -A "NEXT_HOP=\"sip:$P2:5060\""
  kamailio_start p2 proxy2 -A WITH_AUTH -A 'AUTH_REALM="biloxi.example.com"' -A "TARGET=\"sip:bob@$B:5060\""
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_fg $n-alice a -sf "$SCEN/uac-proxy-auth2.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
    -key domain biloxi.example.com -cid_str "$n@sipscope.test" $P1:5060
  wait_bg
  capture_stop $n
  kamailio_stop_all
fi

# RFC 3665 3.4: proxy 1 has failed (its host is silent: link down, so neither a response nor an
# ICMP error); alice retransmits her INVITE per Timer A until Timer B (32 s), then fails over
# to proxy 2, which challenges (407) and then relays the call to bob
if only rfc3665-3.4-proxy-failure; then
  n=rfc3665-3.4-proxy-failure
  saved_common=("${SIPP_COMMON[@]}")
  # shellcheck disable=SC2206
  SIPP_COMMON=(-nostdin -nd -timeout 90s -timeout_error -max_recv_loops 1000 $SIPP_TRACE)
  kamailio_start p2 proxy2 -A WITH_AUTH -A 'AUTH_REALM="biloxi.example.com"' -A "TARGET=\"sip:bob@$B:5060\""
  ip -n "${NS_PREFIX}-p1" link set eth0 down
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  SIPP_TIMEOUT=45 sipp_fg $n-alice a -sf "$SCEN/uac-proxy-failover.xml" -i $A -p 5060 -m 1 -key tag $n \
    -key user bob -key domain biloxi.example.com -key proxy_host $P2 \
    -cid_str "$n@sipscope.test" $P1:5060 || { ip -n "${NS_PREFIX}-p1" link set eth0 up; exit 1; }
  wait_bg
  capture_stop $n
  ip -n "${NS_PREFIX}-p1" link set eth0 up
  kamailio_stop_all
  SIPP_COMMON=("${saved_common[@]}")
fi

# RFC 3665 3.5: session through a SIP ALG.  Alice sits on a private network (192.168.1.10,
# namespace ssc-ap) behind a NAT router (namespace ssc-alg: 192.168.1.1 inside, 10.10.0.31
# outside) whose ALG is Linux's own SIP helper (nf_conntrack_sip + nf_nat_sip, set by
# nftables): it masquerades and rewrites the addresses in Via, Contact, From/To and SDP.
# Both router interfaces hang on the captured bridge, so each message shows on both sides.
if only rfc3665-3.5-sip-alg; then
  n=rfc3665-3.5-sip-alg
  AP=192.168.1.10 GW=192.168.1.1 ALG=10.10.0.31
  MAC_AP=02:00:c0:a8:01:0a MAC_GWI=02:00:c0:a8:01:01 MAC_ALG=02:00:0a:0a:00:1f
  alg_down() {
    ip netns del "${NS_PREFIX}-ap" 2>/dev/null || true
    ip netns del "${NS_PREFIX}-alg" 2>/dev/null || true
    ip -n "${NS_PREFIX}-b" neigh del $ALG dev eth0 2>/dev/null || true
  }
  alg_down
  ip netns add "${NS_PREFIX}-ap"
  ip netns add "${NS_PREFIX}-alg"
  for ns in ap alg; do
    ip netns exec "${NS_PREFIX}-$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "${NS_PREFIX}-$ns" link set lo up
  done
  # veth pairs: (bridge side, namespace side, namespace, name inside, MAC)
  for spec in "ssc-ap ssc-ap-e ap eth0 $MAC_AP" "ssc-algi ssc-algi-e alg eth1 $MAC_GWI" "ssc-alg ssc-alg-e alg eth0 $MAC_ALG"; do
    set -- $spec
    ip link add "$1" mtu 1500 type veth peer name "$2" mtu 1500
    ip link set "$1" netns "$BR_NS"
    ip link set "$2" netns "${NS_PREFIX}-$3"
    ip -n "${NS_PREFIX}-$3" link set "$2" name "$4"
    ip -n "${NS_PREFIX}-$3" link set "$4" address "$5"
    ip -n "$BR_NS" link set "$1" master br0
    offloads_off "${NS_PREFIX}-$3" "$4"
    offloads_off "$BR_NS" "$1"
    ip -n "$BR_NS" link set "$1" up
    ip -n "${NS_PREFIX}-$3" link set "$4" up
  done
  ip -n "${NS_PREFIX}-ap" addr add $AP/24 dev eth0
  ip -n "${NS_PREFIX}-ap" route add default via $GW
  ip -n "${NS_PREFIX}-ap" neigh replace $GW lladdr $MAC_GWI dev eth0 nud permanent
  ip -n "${NS_PREFIX}-alg" addr add $GW/24 dev eth1
  ip -n "${NS_PREFIX}-alg" addr add $ALG/24 dev eth0
  ip -n "${NS_PREFIX}-alg" neigh replace $AP lladdr $MAC_AP dev eth1 nud permanent
  ip -n "${NS_PREFIX}-alg" neigh replace $B lladdr "${NODE_MAC[b]}" dev eth0 nud permanent
  ip -n "${NS_PREFIX}-b" neigh replace $ALG lladdr $MAC_ALG dev eth0 nud permanent
  ip netns exec "${NS_PREFIX}-alg" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "${NS_PREFIX}-alg" nft -f - <<'NFT'
table ip alg {
  ct helper sip-5060 {
    type "sip" protocol udp
    l3proto ip
  }
  chain pre {
    type filter hook prerouting priority filter; policy accept;
    udp dport 5060 ct helper set "sip-5060"
  }
  chain nat-pre {
    type nat hook prerouting priority dstnat; policy accept;
  }
  chain nat-post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth0" masquerade
  }
}
NFT
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_fg $n-alice ap -sf "$SCEN/uac-basic.xml" -i $AP -p 5060 -m 1 -key tag $n -key user bob \
    -key domain biloxi.example.com -cid_str "$n@sipscope.test" $B:5060 || { alg_down; exit 1; }
  wait_bg || { alg_down; exit 1; }
  capture_stop $n
  alg_down
fi

# RFC 3665 3.6: redirect server (dave, 302), then proxy 2, SDP offer in 200 and answer in ACK
if only rfc3665-3.6-redirect-sdp-in-ack; then
  n=rfc3665-3.6-redirect-sdp-in-ack
  kamailio_start p2 proxy2 -A "TARGET=\"sip:bob@$B:5060\""
  capture_start $n
  sipp_bg $n-redirect d -sf "$SCEN/uas-redirect.xml" -i $D -p 5060 -m 1 -key tag $n -key user redirect \
    -key redirect_to "sip:bob@biloxi.example.com"
  sipp_bg $n-bob b -sf "$SCEN/uas-answer.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob
  sipp_fg $n-alice a -sf "$SCEN/uac-redirect.xml" -i $A -p 5060 -m 1 -key tag $n -key user bob \
    -key domain biloxi.example.com -key proxy_host $P2 -cid_str "$n@sipscope.test" $D:5060
  wait_bg
  capture_stop $n
  kamailio_stop_all
fi

# RFC 3665 3.7: re-INVITE after an IP address change.  Alice (10.10.0.1) calls bob directly;
# then her address changes to 10.10.0.21 (a second address in her namespace, where her 3PCC
# twin listens): the re-INVITE comes from there with a new Via, Contact and SDP c=; bob's 200,
# the ACK and bob's BYE go to the new address
if only rfc3665-3.7-reinvite-ip-change; then
  n=rfc3665-3.7-reinvite-ip-change
  A2=10.10.0.21
  ip -n "${NS_PREFIX}-a" addr add $A2/24 dev eth0
  ip -n "${NS_PREFIX}-b" neigh replace $A2 lladdr "${NODE_MAC[a]}" dev eth0 nud permanent
  capture_start $n
  sipp_bg $n-bob b -sf "$SCEN/uas-reinvite-ip-change.xml" -i $B -p 5060 -m 1 -key tag $n -key user bob \
    -key moved_host $A2
  sipp_bg $n-alice-moved a -sf "$SCEN/uac-reinvite-ip-change-moved.xml" -3pcc 127.0.0.1:7103 -i $A2 -p 5060 \
    -m 1 -key tag $n $B:5060
  sipp_fg $n-alice a -sf "$SCEN/uac-reinvite-ip-change.xml" -3pcc 127.0.0.1:7103 -i $A -p 5060 -m 1 \
    -key tag $n -key user bob -key domain biloxi.example.com -cid_str "$n@sipscope.test" $B:5060
  wait_bg
  capture_stop $n
  ip -n "${NS_PREFIX}-b" neigh del $A2 dev eth0 || true
  ip -n "${NS_PREFIX}-a" addr del $A2/24 dev eth0
fi

# RFC 3665 3.8-3.11: unsuccessful sessions through proxy 1 and proxy 2, one Call-ID each
if only rfc3665-unsuccessful; then
  n=rfc3665-unsuccessful
  kamailio_start p1 proxy1 -A "NEXT_HOP=\"sip:$P2:5060\""
  kamailio_start p2 proxy2 -A "TARGET=\"sip:bob@$B:5060\"" -A WITH_480_ON_TIMEOUT
  capture_start $n
  call() { # call-name bob-scenario alice-scenario (bob-scenario "-": nobody answers at bob's address)
    local c=$1 uas=$2 uac=$3
    [ "$uas" = - ] || sipp_bg $c-bob b -sf "$SCEN/$uas" -i $B -p 5060 -m 1 -key tag $c -key user bob
    sipp_fg $c-alice a -sf "$SCEN/$uac" -i $A -p 5060 -m 1 -key tag $c -key user bob \
      -key domain biloxi.example.com -cid_str "$c@sipscope.test" $P1:5060
    wait_bg
  }
  call rfc3665-3.8-no-answer uas-cancel.xml uac-cancel.xml
  call rfc3665-3.9-busy uas-reject-486.xml uac-invite-fail.xml
  call rfc3665-3.10-no-response - uac-invite-fail.xml
  call rfc3665-3.11-unavailable uas-reject-480.xml uac-invite-fail.xml
  capture_stop $n
  kamailio_stop_all
fi
