#!/usr/bin/env python3
"""Tiny stdlib-only pcap (libpcap classic format) tools used by the capture scripts.

Every command reads a classic pcap (µs or ns, either byte order) and writes a classic pcap with
the same header, so that a derived capture stays a faithful copy of a real one except for the
documented change.  Frame numbers are 1-based, as tshark and Wireshark count them.

  pcap_tools.py info IN                      one line per frame: number, time, length, summary
  pcap_tools.py find IN TEXT [TEXT...]       numbers of the frames whose bytes contain every TEXT
  pcap_tools.py filter-ip IN OUT             keep only Ethernet frames carrying IPv4 or IPv6,
                                             less IPv6 MLD reports (interface bring-up noise)
  pcap_tools.py head IN OUT N                keep frames 1..N (a capture that "ended early")
  pcap_tools.py drop IN OUT N [N...]         remove the listed frames
  pcap_tools.py dup IN OUT N [AFTER]         insert a copy of frame N right after frame AFTER
                                             (default: right after N); the copy is stamped
                                             1 µs after the frame it follows, so time stays
                                             monotonic
  pcap_tools.py move IN OUT N AFTER          move frame N to just after frame AFTER (AFTER > N:
                                             the frame arrives late), timestamps re-spread
                                             so that time stays monotonic
  pcap_tools.py reverse IN OUT FIRST LAST    reverse the order of frames FIRST..LAST
                                             (timestamps stay in their slots)
  pcap_tools.py merge IN OUT N M             append the UDP/TCP payload of frame M to that of
                                             frame N (same IPv4 flow and direction; for TCP M
                                             must directly follow N in sequence space) and drop
                                             frame M: two SIP messages in one datagram/segment.
                                             Lengths and IP/UDP/TCP checksums are recomputed.
"""
import struct
import sys

MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000),
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
}


class Pcap:
    """A whole classic pcap in memory: header bytes, byte order, tick rate and records."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] not in MAGICS:
            sys.exit(f"{path}: not a classic pcap file (pcapng is not supported here)")
        self.endian, self.rate = MAGICS[data[:4]]
        self.header = data[:24]
        self.linktype = struct.unpack(self.endian + "I", data[20:24])[0]
        # each record: [ts_ticks, orig_len, bytes]
        self.records = []
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, orig = struct.unpack(self.endian + "IIII", data[off:off + 16])
            body = data[off + 16:off + 16 + incl]
            if len(body) < incl:
                break
            self.records.append([sec * self.rate + frac, orig, body])
            off += 16 + incl

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.header)
            for ticks, orig, body in self.records:
                sec, frac = divmod(ticks, self.rate)
                f.write(struct.pack(self.endian + "IIII", sec, frac, len(body), orig))
                f.write(body)

    def us(self):
        """One microsecond in ticks."""
        return self.rate // 1_000_000


def ethertype(body):
    if len(body) < 14:
        return None
    et = struct.unpack(">H", body[12:14])[0]
    off = 14
    while et in (0x8100, 0x88A8) and len(body) >= off + 4:
        et = struct.unpack(">H", body[off + 2:off + 4])[0]
        off += 4
    return et


def is_mld_noise(body):
    """IPv6 multicast listener reports/queries (ICMPv6 130-132, 143) that the namespaces send
    when their interfaces come up: unrelated to SIP, dropped by filter-ip."""
    if ethertype(body) != 0x86DD or len(body) < 14 + 40 + 8:
        return False
    ip6 = body[14:]
    nh, off = ip6[6], 40
    while nh == 0 and len(ip6) >= off + 8:  # hop-by-hop options (router alert) precede MLD
        nh, off = ip6[off], off + (ip6[off + 1] + 1) * 8
    return nh == 58 and len(ip6) > off and ip6[off] in (130, 131, 132, 143)


def checksum(data):
    """Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def l4_split(body):
    """(eth+ip header bytes, ip header offset, proto, l4 header bytes, payload) of an
    unfragmented IPv4 UDP/TCP Ethernet frame, or None."""
    if ethertype(body) != 0x0800 or len(body) < 34:
        return None
    ipo = 14
    ip = body[ipo:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    if struct.unpack(">H", ip[6:8])[0] & 0x3FFF:
        return None
    proto = ip[9]
    l4 = body[ipo + ihl:ipo + total]
    if proto == 17:
        hlen = 8
    elif proto == 6:
        hlen = (l4[12] >> 4) * 4
    else:
        return None
    return body[:ipo + ihl], ipo, proto, l4[:hlen], l4[hlen:]


def rebuild(head, ipo, proto, l4h, payload):
    """Frame bytes from parts, with IPv4 total length, UDP length and all checksums fixed."""
    head = bytearray(head)
    l4h = bytearray(l4h)
    ihl = len(head) - ipo
    struct.pack_into(">H", head, ipo + 2, ihl + len(l4h) + len(payload))
    struct.pack_into(">H", head, ipo + 10, 0)
    struct.pack_into(">H", head, ipo + 10, checksum(bytes(head[ipo:])))
    if proto == 17:
        struct.pack_into(">H", l4h, 4, len(l4h) + len(payload))
        struct.pack_into(">H", l4h, 6, 0)
        csum_off = 6
    else:
        struct.pack_into(">H", l4h, 16, 0)
        csum_off = 16
    pseudo = bytes(head[ipo + 12:ipo + 20]) + struct.pack(">BBH", 0, proto, len(l4h) + len(payload))
    c = checksum(pseudo + bytes(l4h) + payload)
    if proto == 17 and c == 0:
        c = 0xFFFF
    struct.pack_into(">H", l4h, csum_off, c)
    return bytes(head) + bytes(l4h) + payload


def summary(body):
    et = ethertype(body)
    if et == 0x0800 and len(body) >= 34:
        ip = body[14:]
        ihl = (ip[0] & 15) * 4
        proto = ip[9]
        flags_off = struct.unpack(">H", ip[6:8])[0]
        src = ".".join(map(str, ip[12:16]))
        dst = ".".join(map(str, ip[16:20]))
        frag = ""
        if flags_off & 0x3FFF:
            frag = f" frag(off={(flags_off & 0x1FFF) * 8},mf={(flags_off >> 13) & 1})"
        l4 = ip[ihl:]
        if proto == 6 and len(l4) >= 20 and not (flags_off & 0x1FFF):
            sp, dp, seq = struct.unpack(">HHI", l4[:8])
            doff = (l4[12] >> 4) * 4
            return f"IPv4 {src}:{sp} > {dst}:{dp} TCP seq={seq} len={len(l4) - doff}{frag}"
        if proto == 17 and len(l4) >= 8 and not (flags_off & 0x1FFF):
            sp, dp = struct.unpack(">HH", l4[:4])
            first = l4[8:8 + 40].split(b"\r\n")[0].decode("latin-1")
            return f"IPv4 {src}:{sp} > {dst}:{dp} UDP {first!r}{frag}"
        return f"IPv4 {src} > {dst} proto={proto}{frag}"
    if et == 0x86DD:
        return f"IPv6 next-header={body[14 + 6] if len(body) > 20 else '?'}"
    return f"ethertype={et:#06x}" if et is not None else "short frame"


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    p = Pcap(args[0])
    n = len(p.records)

    def frame(i):
        i = int(i)
        if not 1 <= i <= n:
            sys.exit(f"frame {i} out of range 1..{n}")
        return i - 1

    if cmd == "info":
        t0 = p.records[0][0] if n else 0
        for i, (ticks, _orig, body) in enumerate(p.records, 1):
            print(f"{i:4d} {(ticks - t0) / p.rate:10.6f} {len(body):6d} {summary(body)}")
        return
    if cmd == "find":
        needles = [a.encode() for a in args[1:]]
        print(" ".join(str(i) for i, r in enumerate(p.records, 1) if all(x in r[2] for x in needles)))
        return
    out = args[1]
    if cmd == "filter-ip":
        if p.linktype == 1:
            p.records = [r for r in p.records
                         if ethertype(r[2]) in (0x0800, 0x86DD) and not is_mld_noise(r[2])]
    elif cmd == "head":
        p.records = p.records[:int(args[2])]
    elif cmd == "drop":
        gone = {frame(a) for a in args[2:]}
        p.records = [r for i, r in enumerate(p.records) if i not in gone]
    elif cmd == "dup":
        src = frame(args[2])
        after = frame(args[3]) if len(args) > 3 else src
        copy = list(p.records[src])
        copy[0] = p.records[after][0] + p.us()
        p.records.insert(after + 1, copy)
        # keep time monotonic after the insertion point
        for i in range(after + 2, len(p.records)):
            if p.records[i][0] <= p.records[i - 1][0]:
                p.records[i][0] = p.records[i - 1][0] + p.us()
    elif cmd == "move":
        src, after = frame(args[2]), frame(args[3])
        if after <= src:
            sys.exit("move: AFTER must be a later frame than N")
        slots = [r[0] for r in p.records]
        rec = p.records.pop(src)
        p.records.insert(after, rec)  # after the pop, index `after` is right behind old AFTER
        for i, r in enumerate(p.records):
            r[0] = slots[i]
    elif cmd == "reverse":
        a, b = frame(args[2]), frame(args[3])
        slots = [r[0] for r in p.records]
        p.records[a:b + 1] = p.records[a:b + 1][::-1]
        for i, r in enumerate(p.records):
            r[0] = slots[i]
    elif cmd == "merge":
        a, b = frame(args[2]), frame(args[3])
        pa, pb = l4_split(p.records[a][2]), l4_split(p.records[b][2])
        if not pa or not pb or pa[2] != pb[2]:
            sys.exit("merge: both frames must be unfragmented IPv4 UDP or TCP of one protocol")
        ipa, ipb = pa[0][pa[1]:], pb[0][pb[1]:]
        if ipa[12:20] != ipb[12:20] or pa[3][:4] != pb[3][:4]:
            sys.exit("merge: the frames are not of the same flow and direction")
        if pa[2] == 6:
            seq_a = struct.unpack(">I", pa[3][4:8])[0]
            seq_b = struct.unpack(">I", pb[3][4:8])[0]
            if (seq_a + len(pa[4])) & 0xFFFFFFFF != seq_b:
                sys.exit("merge: frame M does not follow frame N in TCP sequence space")
        p.records[a][2] = rebuild(pa[0], pa[1], pa[2], pa[3], pa[4] + pb[4])
        p.records[a][1] = len(p.records[a][2])
        del p.records[b]
    else:
        sys.exit(f"unknown command {cmd}\n{__doc__}")
    p.write(out)


if __name__ == "__main__":
    main(sys.argv)
