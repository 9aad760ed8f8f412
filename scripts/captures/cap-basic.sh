#!/usr/bin/env bash
# Basic calls with a big INVITE (3 IP fragments over UDP, 3 segments over TCP) and a big 200 OK.
#   basic-call-udp-bigfrag.pcap   IPv4 UDP
#   basic-call-tcp-segmented.pcap IPv4 TCP, two calls on one connection
#   basic-call-ipv6-udp-frag.pcap IPv6 UDP
source "$(dirname "$0")/lib.sh"

run_basic() { # name transport calls uac_host uas_host remote
  local name=$1 t=$2 m=$3 a=$4 b=$5 remote=$6
  capture_start "$name"
  sipp_bg "$name-uas" b -sf "$SCEN/uas-basic-big.xml" -t "$t" -i "$b" -p 5060 -m "$m" -key tag "$name"
  sipp_fg "$name-uac" a -sf "$SCEN/uac-basic-big.xml" -t "$t" -i "$a" -p 5060 -m "$m" -l 1 -r 1 \
    -key tag "$name" -cid_str "$name-%u@sipscope.test" "$remote"
  wait_bg
  capture_stop "$name"
}

run_basic basic-call-udp-bigfrag u1 1 10.10.0.1 10.10.0.2 10.10.0.2:5060
run_basic basic-call-tcp-segmented t1 2 10.10.0.1 10.10.0.2 10.10.0.2:5060
run_basic basic-call-ipv6-udp-frag u1 1 fd00:10::1 fd00:10::2 '[fd00:10::2]:5060'
