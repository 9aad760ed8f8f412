#!/usr/bin/env bash
# Regenerate every capture in captures/ from real traffic, then the derived captures and the
# tshark reference readings (captures/expected/*.tshark.json).
#
# Needs root (network namespaces) and: iproute2, ethtool, tcpdump, sipp (3.6), kamailio (5.6),
# nftables (the NAT router with the kernel's SIP ALG of RFC 3665 3.5), python3, tshark (only
# for the expected/*.json step).  Takes about 3 minutes (RFC 3665 3.4 alone waits out Timer B,
# 32 s).
#   sudo scripts/captures/make-all.sh            everything
#   sudo scripts/captures/make-all.sh cap-prack.sh cap-transfer.sh   only these scripts
#        (then also run derive.sh and expected.sh by hand if their inputs changed)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "make-all.sh: needs root to create network namespaces (run with sudo)" >&2; exit 1; }
for tool in ip ethtool tcpdump sipp kamailio nft python3 tshark; do
  command -v "$tool" >/dev/null || { echo "make-all.sh: '$tool' not found; install it (apt-get install iproute2 ethtool tcpdump sip-tester kamailio nftables python3 tshark)" >&2; exit 1; }
done

SSC_NO_AUTO_TOPOLOGY=1 source "$HERE/lib.sh"
topology_up
trap 'cleanup_jobs; topology_down' EXIT

scripts=("$@")
if [ ${#scripts[@]} = 0 ]; then
  scripts=(cap-basic.sh cap-prack.sh cap-transfer.sh cap-invite-outcomes.sh cap-retransmissions.sh
           cap-auth.sh cap-methods.sh cap-midcall.sh cap-proxy.sh)
fi
for s in "${scripts[@]}"; do
  echo "== $s"
  bash "$HERE/$s"
done
if [ $# = 0 ]; then
  echo "== derive.sh"
  bash "$HERE/derive.sh"
  echo "== expected.sh"
  bash "$HERE/expected.sh"
fi
