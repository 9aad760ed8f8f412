#!/usr/bin/env bash
# Shared helpers for the capture scripts: a private L2 segment made of network namespaces.
#
# Topology (all links veth, MTU 1500, offloads off so that the wire shows real
# 1500-byte IP fragments and MSS-sized TCP segments, never GSO/GRO super-packets):
#
#   ns ssc-br: bridge br0 (tcpdump -i br0 in promiscuous mode sees every frame)
#     ssc-a  10.10.0.1  fd00:10::1   alice  (UAC / transferee)
#     ssc-b  10.10.0.2  fd00:10::2   bob    (UAS / transferor)
#     ssc-c  10.10.0.3  fd00:10::3   carol  (transfer target / 2nd fork)
#     ssc-d  10.10.0.4  fd00:10::4   dave   (2nd transfer target / redirect server)
#     ssc-p1 10.10.0.11 fd00:10::11  proxy 1 (kamailio)
#     ssc-p2 10.10.0.12 fd00:10::12  proxy 2 (kamailio)
set -euo pipefail

NS_PREFIX=${NS_PREFIX:-ssc}
BR_NS=${NS_PREFIX}-br
declare -A NODE_IP=( [a]=10.10.0.1 [b]=10.10.0.2 [c]=10.10.0.3 [d]=10.10.0.4 [p1]=10.10.0.11 [p2]=10.10.0.12 )
declare -A NODE_IP6=( [a]=fd00:10::1 [b]=fd00:10::2 [c]=fd00:10::3 [d]=fd00:10::4 [p1]=fd00:10::11 [p2]=fd00:10::12 )
# fixed MAC addresses so that re-runs give byte-identical link headers
declare -A NODE_MAC=( [a]=02:00:0a:0a:00:01 [b]=02:00:0a:0a:00:02 [c]=02:00:0a:0a:00:03 [d]=02:00:0a:0a:00:04 [p1]=02:00:0a:0a:00:0b [p2]=02:00:0a:0a:00:0c )

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCEN=$HERE/scenarios
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/captures}
WORK=${WORK:-/tmp/sipscope-captures}
mkdir -p "$WORK" "$OUT"

nsx() { local n=$1; shift; ip netns exec "${NS_PREFIX}-$n" "$@"; }

offloads_off() { # ns dev
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off sg off >/dev/null 2>&1 || true
}

topology_up() {
  topology_down
  ip netns add "$BR_NS"
  ip -n "$BR_NS" link set lo up
  ip -n "$BR_NS" link add br0 type bridge
  ip -n "$BR_NS" link set br0 mtu 1500
  # no STP, no forwarding delay, no multicast snooping noise
  ip -n "$BR_NS" link set br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  ip netns exec "$BR_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$BR_NS" sysctl -qw net.ipv6.conf.br0.disable_ipv6=1 2>/dev/null || true
  ip -n "$BR_NS" link set br0 up
  local n
  for n in a b c d p1 p2; do
    local ns=${NS_PREFIX}-$n
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add "ssc-$n" mtu 1500 type veth peer name "ssc-$n-e" mtu 1500
    ip link set "ssc-$n" netns "$BR_NS"
    ip link set "ssc-$n-e" netns "$ns"
    ip -n "$ns" link set "ssc-$n-e" name eth0
    ip -n "$ns" link set eth0 address "${NODE_MAC[$n]}"
    # quiet IPv6: no router solicitations, no DAD, no link-local address (MLD reports of the
    # bring-up are waited out below and filtered by pcap_tools.py filter-ip)
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.router_solicitations=0 \
      net.ipv6.conf.eth0.dad_transmits=0 net.ipv6.conf.all.force_mld_version=2 \
      net.ipv6.conf.eth0.addr_gen_mode=1 2>/dev/null || true
    ip -n "$ns" addr add "${NODE_IP[$n]}/24" dev eth0
    ip -n "$ns" addr add "${NODE_IP6[$n]}/64" dev eth0 nodad
    ip -n "$BR_NS" link set "ssc-$n" master br0
    offloads_off "$ns" eth0
    offloads_off "$BR_NS" "ssc-$n"
    ip -n "$BR_NS" link set "ssc-$n" up
    ip -n "$ns" link set eth0 up
  done
  offloads_off "$BR_NS" br0
  # static neighbours: no ARP / NDP exchanges in the captures
  local m o
  for n in a b c d p1 p2; do
    for o in a b c d p1 p2; do
      [ "$n" = "$o" ] && continue
      ip -n "${NS_PREFIX}-$n" neigh replace "${NODE_IP[$o]}" lladdr "${NODE_MAC[$o]}" dev eth0 nud permanent
      ip -n "${NS_PREFIX}-$n" neigh replace "${NODE_IP6[$o]}" lladdr "${NODE_MAC[$o]}" dev eth0 nud permanent
    done
  done
  # let the unsolicited MLD reports of the interface bring-up pass before any capture starts
  sleep 3
}

topology_down() {
  local n
  for n in br a b c d p1 p2 ap alg; do  # ap, alg: cap-proxy.sh's RFC 3665 3.5 (SIP ALG)
    ip netns pids "${NS_PREFIX}-$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "${NS_PREFIX}-$n" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------------------------------------
# capture and SIPp helpers

CAP_PID=
CAP_FILE=
BG_PIDS=()
BG_NAMES=()

# capture_start NAME: tcpdump on the bridge, full snaplen, into $WORK/NAME.raw.pcap
capture_start() {
  CAP_FILE=$WORK/$1.raw.pcap
  rm -f "$CAP_FILE" "$WORK/$1.tcpdump.log"
  ip netns exec "$BR_NS" tcpdump -i br0 -s 0 -U -n --immediate-mode -w "$CAP_FILE" >"$WORK/$1.tcpdump.log" 2>&1 &
  CAP_PID=$!
  local i
  for i in $(seq 50); do
    grep -q listening "$WORK/$1.tcpdump.log" 2>/dev/null && break
    sleep 0.1
  done
  sleep 0.2
}

# capture_stop NAME: stop tcpdump cleanly, keep only IPv4/IPv6 frames, install captures/NAME.pcap
capture_stop() {
  sleep 0.5
  kill -INT "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
  CAP_PID=
  python3 "$HERE/pcap_tools.py" filter-ip "$CAP_FILE" "$OUT/$1.pcap"
  echo "  -> $OUT/$1.pcap ($(stat -c %s "$OUT/$1.pcap") bytes)"
}

# arguments every SIPp run shares: no stdin, no default behaviours (an unexpected message fails
# the call instead of being answered), a global timeout, logs of errors and of every message
SIPP_TIMEOUT=${SIPP_TIMEOUT:-30}
SIPP_TRACE=${SIPP_TRACE:--trace_err -trace_msg}
# shellcheck disable=SC2206
SIPP_COMMON=(-nostdin -nd -timeout "${SIPP_TIMEOUT}s" -timeout_error -max_recv_loops 1000 $SIPP_TRACE)

# sipp_bg NAME NODE ARGS...: start a SIPp in namespace NODE in the background (log in $WORK/logs)
sipp_bg() {
  local name=$1 node=$2; shift 2
  mkdir -p "$WORK/logs/$name"
  ( cd "$WORK/logs/$name" && exec ip netns exec "${NS_PREFIX}-$node" sipp "${SIPP_COMMON[@]}" "$@" \
      >"$WORK/logs/$name/stdout" 2>&1 ) &
  BG_PIDS+=($!)
  BG_NAMES+=("$name")
  sleep 0.3
}

# sipp_fg NAME NODE ARGS...: run a SIPp in namespace NODE and wait for it; fail on a failed call
sipp_fg() {
  local name=$1 node=$2; shift 2
  mkdir -p "$WORK/logs/$name"
  local rc=0
  ( cd "$WORK/logs/$name" && exec ip netns exec "${NS_PREFIX}-$node" timeout $((SIPP_TIMEOUT * 2)) sipp "${SIPP_COMMON[@]}" "$@" \
      >"$WORK/logs/$name/stdout" 2>&1 ) || rc=$?
  if [ "$rc" != 0 ]; then
    echo "SIPp $name failed (exit $rc); logs in $WORK/logs/$name" >&2
    return 1
  fi
}

# wait_bg: wait for every background SIPp; fail if one failed
wait_bg() {
  local i rc fail=0
  for i in "${!BG_PIDS[@]}"; do
    rc=0
    wait "${BG_PIDS[$i]}" || rc=$?
    if [ "$rc" != 0 ]; then
      echo "SIPp ${BG_NAMES[$i]} failed (exit $rc); logs in $WORK/logs/${BG_NAMES[$i]}" >&2
      fail=1
    fi
  done
  BG_PIDS=()
  BG_NAMES=()
  return $fail
}

# uac/uas shortcuts: addresses of the nodes
ip4() { echo "${NODE_IP[$1]}"; }
ip6() { echo "${NODE_IP6[$1]}"; }

# on any exit (a failed SIPp makes the script stop): stop what this script started
cleanup_jobs() {
  local p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${CAP_PID:-}" ] && kill -INT "$CAP_PID" 2>/dev/null || true
  for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
EXTRA_PIDS=()
trap cleanup_jobs EXIT

# kamailio_start NODE NAME [-A DEFINE...]: a kamailio proxy (kamailio/proxy.cfg) on NODE:5060
KAM_PIDS=()
kamailio_start() {
  local node=$1 name=$2; shift 2
  local dir=$WORK/kamailio/$name
  rm -rf "$dir"; mkdir -p "$dir" "$WORK/logs"
  ip netns exec "${NS_PREFIX}-$node" kamailio -f "$HERE/kamailio/proxy.cfg" -DD -E -m 32 -M 4 \
    -P "$dir/pid" -Y "$dir" -w "$dir" \
    -A "LISTEN=udp:$(ip4 "$node"):5060" \
    -A "SERVER_HDR=\"Server: sipscope-captures $name (kamailio)\"" \
    -A "UA_HDR=\"User-Agent: sipscope-captures $name (kamailio)\"" \
    "$@" >"$WORK/logs/$name.kamailio.log" 2>&1 &
  KAM_PIDS+=($!)
  EXTRA_PIDS+=($!)
  local i
  for i in $(seq 50); do
    [ -s "$dir/pid" ] && break
    sleep 0.1
  done
  sleep 0.5
}

kamailio_stop_all() {
  local p
  for p in "${KAM_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${KAM_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  KAM_PIDS=()
}

# every capture script can run alone: bring the namespaces up if they are not there
ensure_topology() {
  ip netns list 2>/dev/null | grep -q "^${BR_NS}\b" || topology_up
}
[ -n "${SSC_NO_AUTO_TOPOLOGY:-}" ] || ensure_topology
