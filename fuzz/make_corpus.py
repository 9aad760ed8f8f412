#!/usr/bin/env python3
"""Builds the starting corpora of the fuzz targets from the shared test data.

    python3 fuzz/make_corpus.py [../shared/corpus]      # writes fuzz/corpus/<target>/

- sip_parse: the RFC 4475 and RFC 5118 messages, plus the SIP message found in each frame
  (from its start line to the end of the frame) of the shared captures (UDP payloads, TCP segments).
- packet: the frame-sequence format of fuzz_targets/packet.rs (`[link selector][len hi]
  [len lo][bytes]...`), windows of a few consecutive frames of every capture, plus the
  first records of each capture as a small pcap file (the target also reads its input as
  a capture file).
- pipeline: small classic pcap files, windows of consecutive frames of every capture (a
  call's worth), the smallest pcapng files as they are, and a few of them gzip-compressed.

Only the standard library; pcap and pcapng are read here with a few lines of struct.
Regenerate after adding captures; libFuzzer adds what it finds to the same directories
(`fuzz/corpus` is not committed; `fuzz/seeds/` holds the few inputs worth keeping).
"""
import gzip
import hashlib
import os
import re
import struct
import sys

# the link types of fuzz_targets/packet.rs, in its order (the selector is an index)
PACKET_LINKS = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147]

SIP_START = re.compile(
    rb"(?:SIP/2\.0 [1-6]\d\d |(?:INVITE|ACK|BYE|CANCEL|REGISTER|OPTIONS|INFO|SUBSCRIBE|"
    rb"NOTIFY|REFER|PRACK|UPDATE|MESSAGE|PUBLISH|SERVICE|BENOTIFY|COMET) [^ \r\n]+ SIP/2\.0\r?\n)"
)


def read_capture(path):
    """Returns [(link, ts_sec, ts_usec, bytes)] for a classic pcap or a pcapng file."""
    data = open(path, "rb").read()
    magic = data[:4]
    out = []
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        nanos = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(e + "I", data[20:24])[0] & 0x03FF_FFFF
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
            body = data[off + 16:off + 16 + incl]
            if len(body) < incl:
                break
            out.append((link, sec, frac // 1000 if nanos else frac, body))
            off += 16 + incl
        return out
    if magic == b"\x0a\x0d\x0d\x0a":
        off, e, links = 0, "<", []
        while off + 12 <= len(data):
            btype = data[off:off + 4]
            if btype == b"\x0a\x0d\x0d\x0a":
                e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                links = []
            (btype_n, blen) = struct.unpack(e + "II", data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                break
            block = data[off:off + blen]
            if btype_n == 1:
                links.append(struct.unpack(e + "H", block[8:10])[0])
            elif btype_n == 6:
                if_id, hi, lo, cap = struct.unpack(e + "IIII", block[8:24])
                ticks = (hi << 32) | lo  # microseconds unless if_tsresol says otherwise
                if if_id < len(links):
                    out.append((links[if_id], ticks // 1_000_000, ticks % 1_000_000, block[28:28 + cap]))
            off += blen
        return out
    raise SystemExit(f"{path}: not a capture")


def pcap_file(link, frames):
    head = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, link)
    recs = b"".join(
        struct.pack("<IIII", s, u, len(b), len(b)) + b for (_, s, u, b) in frames
    )
    return head + recs


def write(dirname, content, seen):
    h = hashlib.sha1(content).hexdigest()
    if h in seen:
        return
    seen.add(h)
    with open(os.path.join(dirname, h), "wb") as f:
        f.write(content)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "corpus")
    root = os.path.join(os.path.dirname(__file__), "corpus")
    dirs = {t: os.path.join(root, t) for t in ("sip_parse", "packet", "pipeline")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    seen = set()

    for sub in ("rfc4475", "rfc5118"):
        for base, _, files in os.walk(os.path.join(shared, sub)):
            for name in files:
                if not name.endswith((".md", ".tsv")):
                    write(dirs["sip_parse"], open(os.path.join(base, name), "rb").read(), seen)

    pcaps = os.path.join(shared, "pcaps")
    for name in sorted(os.listdir(pcaps)):
        if name.endswith(".tsv"):
            continue
        path = os.path.join(pcaps, name)
        frames = read_capture(path)
        # sip_parse: the SIP message (from its start line on) in each frame (at most 40 per capture)
        n = 0
        for (_, _, _, b) in frames:
            m = SIP_START.search(b)
            if m and n < 40:
                write(dirs["sip_parse"], b[m.start():], seen)
                n += 1
        # packet: windows of 4 frames in the frame-sequence format, at most 24 per capture
        step = max(1, len(frames) // 24)
        for i in range(0, len(frames), step):
            out = b""
            for (link, _, _, b) in frames[i:i + 4]:
                if link not in PACKET_LINKS:
                    continue
                b = b[:0xFFFF]
                out += bytes([PACKET_LINKS.index(link)]) + struct.pack(">H", len(b)) + b
            if 0 < len(out) <= 16384:
                write(dirs["packet"], out, seen)
        links = {f[0] for f in frames}
        if len(links) == 1 and frames:
            link = frames[0][0]
            head = pcap_file(link, frames[:6])
            if len(head) <= 16384:
                write(dirs["packet"], head, seen)
            # pipeline: windows of up to 12 frames as pcap files of at most 32 KiB
            step = max(1, len(frames) // 16)
            for i in range(0, len(frames), step):
                window = frames[i:i + 12]
                while window and len(pcap_file(link, window)) > 32768:
                    window = window[:-1]
                if window:
                    write(dirs["pipeline"], pcap_file(link, window), seen)
        if os.path.getsize(path) <= 16384 and open(path, "rb").read(4) == b"\x0a\x0d\x0d\x0a":
            write(dirs["pipeline"], open(path, "rb").read(), seen)
            write(dirs["packet"], open(path, "rb").read(), seen)
    # a few gzip-compressed captures (the readers recognise gzip by its magic bytes)
    for name in sorted(os.listdir(dirs["pipeline"]))[:8]:
        data = open(os.path.join(dirs["pipeline"], name), "rb").read()
        packed = gzip.compress(data, mtime=0)
        write(dirs["pipeline"], packed, seen)
        write(dirs["packet"], packed, seen)
    for t, d in dirs.items():
        print(f"{t}: {len(os.listdir(d))} inputs in {d}")


if __name__ == "__main__":
    main()
