//! Unit tests of the decoders, on packets made with [`super::build`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::build::{self, V4};
use super::*;
use crate::capture::LinkType;

const A: [u8; 4] = [10, 0, 0, 1];
const B: [u8; 4] = [10, 0, 0, 2];

fn v6(last: u16) -> Ipv6Addr {
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, last)
}

fn udp4(payload: &[u8]) -> Vec<u8> {
    build::ipv4(V4::new(A, B, 17), &build::udp(5060, 5080, payload))
}

/// Decodes a frame all the way, following tunnels, and returns the UDP payload and
/// addresses.
fn udp_of(link: LinkType, frame: &[u8]) -> (IpAddr, IpAddr, u16, Vec<u8>) {
    let mut ip = decode_link(link, frame).unwrap();
    for _ in 0..8 {
        match decode_transport(&ip).unwrap() {
            Transport::Tunnel(inner) => ip = inner,
            Transport::Udp(u) => return (ip.src, ip.dst, u.dst_port, u.payload.to_vec()),
            other => panic!("unexpected {other:?}"),
        }
    }
    panic!("too deep")
}

#[test]
fn ethernet_ipv4_udp() {
    let f = build::ethernet(0x0800, &udp4(b"OPTIONS"));
    let (s, d, p, pl) = udp_of(LinkType::ETHERNET, &f);
    assert_eq!(
        (s, d, p, pl.as_slice()),
        (IpAddr::from(A), IpAddr::from(B), 5080, &b"OPTIONS"[..])
    );
}

#[test]
fn ethernet_padding_is_trimmed_by_ip_length() {
    let mut f = build::ethernet(0x0800, &udp4(b"x"));
    f.extend_from_slice(&[0; 20]);
    assert_eq!(udp_of(LinkType::ETHERNET, &f).3, b"x");
}

#[test]
fn qinq_and_vlan() {
    let inner = build::vlan(20, 0x0800, &udp4(b"QINQ"));
    let outer = build::vlan(10, 0x8100, &inner);
    let f = build::ethernet(0x88a8, &outer);
    assert_eq!(udp_of(LinkType::ETHERNET, &f).3, b"QINQ");
}

#[test]
fn sll_and_sll2() {
    assert_eq!(
        udp_of(LinkType::LINUX_SLL2, &build::sll2(0x0800, &udp4(b"two"))).3,
        b"two"
    );
    assert_eq!(
        udp_of(LinkType::LINUX_SLL, &build::sll(0x0800, &udp4(b"one"))).3,
        b"one"
    );
}

#[test]
fn null_loopback_both_byte_orders_and_raw() {
    let mut le = 2u32.to_le_bytes().to_vec();
    le.extend_from_slice(&udp4(b"le"));
    assert_eq!(udp_of(LinkType::NULL, &le).3, b"le");
    let mut be = 30u32.to_be_bytes().to_vec();
    be.extend_from_slice(&build::ipv6(v6(1), v6(2), 17, &build::udp(1, 5060, b"be6")));
    assert_eq!(udp_of(LinkType::NULL, &be).3, b"be6");
    assert_eq!(udp_of(LinkType::RAW, &udp4(b"raw")).3, b"raw");
    assert_eq!(udp_of(LinkType::IPV4, &udp4(b"228")).3, b"228");
}

#[test]
fn pppoe_session() {
    let f = build::ethernet(0x8864, &build::pppoe(7, 0x0021, &udp4(b"ppp")));
    assert_eq!(udp_of(LinkType::ETHERNET, &f).3, b"ppp");
}

#[test]
fn ipv6_extension_headers_are_skipped() {
    // hop-by-hop (8 bytes) then destination options (16 bytes) then UDP
    let mut exts = vec![60, 0, 1, 4, 0, 0, 0, 0];
    exts.extend_from_slice(&[17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    exts.extend_from_slice(&build::udp(5060, 5060, b"ext"));
    let f = build::ipv6(v6(1), v6(2), 0, &exts);
    let (s, _, _, pl) = udp_of(LinkType::RAW, &f);
    assert_eq!((s, pl.as_slice()), (IpAddr::V6(v6(1)), &b"ext"[..]));
}

#[test]
fn fragments_are_flagged() {
    let h = V4 {
        id: 77,
        frag_offset: 1480,
        more: true,
        ..V4::new(A, B, 17)
    };
    let pkt = build::ipv4(h, b"middle");
    let ip = decode_link(LinkType::RAW, &pkt).unwrap();
    assert_eq!(
        ip.fragment,
        Some(Fragment {
            id: 77,
            offset: 1480,
            more: true
        })
    );
    let f6 = build::ipv6(
        v6(1),
        v6(2),
        44,
        &build::ipv6_fragment(17, 9, 0, true, b"first"),
    );
    let ip = decode_link(LinkType::RAW, &f6).unwrap();
    assert_eq!(
        ip.fragment,
        Some(Fragment {
            id: 9,
            offset: 0,
            more: true
        })
    );
    assert_eq!((ip.protocol, ip.payload), (17, &b"first"[..]));
    // an atomic fragment is a whole packet
    let atomic = build::ipv6(
        v6(1),
        v6(2),
        44,
        &build::ipv6_fragment(17, 9, 0, false, &build::udp(1, 2, b"a")),
    );
    assert_eq!(udp_of(LinkType::RAW, &atomic).3, b"a");
}

#[test]
fn ip_in_ip_and_gre() {
    let inner = udp4(b"inner");
    let outer = build::ipv4(V4::new([1, 1, 1, 1], [2, 2, 2, 2], 4), &inner);
    let (s, _, _, pl) = udp_of(LinkType::RAW, &outer);
    assert_eq!((s, pl.as_slice()), (IpAddr::from(A), &b"inner"[..]));
    let six_in_four = build::ipv4(
        V4::new([1, 1, 1, 1], [2, 2, 2, 2], 41),
        &build::ipv6(v6(1), v6(2), 17, &build::udp(1, 2, b"6in4")),
    );
    assert_eq!(udp_of(LinkType::RAW, &six_in_four).3, b"6in4");
    let gre = build::ipv4(
        V4::new([1, 1, 1, 1], [2, 2, 2, 2], 47),
        &build::gre(0x0800, Some(5), None, &inner),
    );
    assert_eq!(udp_of(LinkType::RAW, &gre).3, b"inner");
    let mut ppp = vec![0xff, 0x03, 0x00, 0x21];
    ppp.extend_from_slice(&inner);
    let gre_ppp = build::ipv4(
        V4::new([1, 1, 1, 1], [2, 2, 2, 2], 47),
        &build::gre(0x880b, None, None, &ppp),
    );
    assert_eq!(udp_of(LinkType::RAW, &gre_ppp).3, b"inner");
}

#[test]
fn erspan_two_and_three() {
    let mirrored = build::ethernet(0x8100, &build::vlan(5, 0x0800, &udp4(b"mirror")));
    let e2 = build::gre(0x88be, None, Some(1), &build::erspan2(3, &mirrored));
    let f = build::ethernet(
        0x0800,
        &build::ipv4(V4::new([1, 1, 1, 1], [2, 2, 2, 2], 47), &e2),
    );
    assert_eq!(udp_of(LinkType::ETHERNET, &f).3, b"mirror");
    let e3 = build::gre(0x22eb, None, Some(1), &build::erspan3(3, &mirrored));
    let f = build::ethernet(
        0x0800,
        &build::ipv4(V4::new([1, 1, 1, 1], [2, 2, 2, 2], 47), &e3),
    );
    assert_eq!(udp_of(LinkType::ETHERNET, &f).3, b"mirror");
}

#[test]
fn vxlan_and_gtpu() {
    let inner = build::ethernet(0x0800, &udp4(b"vx"));
    let outer = build::ipv4(
        V4::new([1, 1, 1, 1], [2, 2, 2, 2], 17),
        &build::udp(40000, 4789, &build::vxlan(42, &inner)),
    );
    let (s, _, p, pl) = udp_of(LinkType::RAW, &outer);
    assert_eq!((s, p, pl.as_slice()), (IpAddr::from(A), 5080, &b"vx"[..]));
    let user = build::ipv6(v6(1), v6(2), 17, &build::udp(5060, 5060, b"volte"));
    let gtp = build::ipv4(
        V4::new([1, 1, 1, 1], [2, 2, 2, 2], 17),
        &build::udp(2152, 2152, &build::gtpu(1, &user)),
    );
    assert_eq!(udp_of(LinkType::RAW, &gtp).3, b"volte");
}

#[test]
fn udp_to_vxlan_port_that_is_not_vxlan_stays_udp() {
    let f = build::ipv4(
        V4::new(A, B, 17),
        &build::udp(1234, 4789, b"INVITE sip:x SIP/2.0\r\n"),
    );
    assert_eq!(udp_of(LinkType::RAW, &f).3, b"INVITE sip:x SIP/2.0\r\n");
}

#[test]
fn tcp_segment() {
    let f = build::ipv4(
        V4::new(A, B, 6),
        &build::tcp(
            5060,
            40000,
            1000,
            build::flags::ACK | build::flags::PSH,
            b"seg",
        ),
    );
    let ip = decode_link(LinkType::RAW, &f).unwrap();
    match decode_transport(&ip).unwrap() {
        Transport::Tcp(t) => {
            assert_eq!(
                (t.src_port, t.dst_port, t.seq, t.syn, t.fin, t.payload),
                (5060, 40000, 1000, false, false, &b"seg"[..])
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn sctp_data_chunks() {
    let f = build::ipv4(
        V4::new(A, B, 132),
        &build::sctp_data(5060, 5060, 7, b"INVITE"),
    );
    let ip = decode_link(LinkType::RAW, &f).unwrap();
    let Transport::Sctp(s) = decode_transport(&ip).unwrap() else {
        panic!()
    };
    let chunks: Vec<_> = s.data_chunks().collect();
    assert_eq!(chunks.len(), 1);
    let c = chunks[0].unwrap();
    assert_eq!(
        (c.tsn, c.begin, c.end, c.data),
        (7, true, true, &b"INVITE"[..])
    );
}

#[test]
fn refusals_name_their_layer() {
    assert_eq!(
        decode_link(LinkType(147), b"x").unwrap_err(),
        Skip::UnsupportedLink(147)
    );
    assert_eq!(
        decode_link(LinkType::ETHERNET, &build::ethernet(0x0806, &[0; 28])).unwrap_err(),
        Skip::NotIp
    );
    assert_eq!(
        decode_link(LinkType::ETHERNET, &[0; 10]).unwrap_err(),
        Skip::Truncated(Layer::Link)
    );
    let mut bad = udp4(b"x");
    bad[0] = 0x43; // IHL 3
    assert_eq!(
        decode_link(LinkType::RAW, &bad).unwrap_err(),
        Skip::Malformed(Layer::Ipv4)
    );
    let mut short_total = udp4(b"x");
    short_total[3] = 10;
    assert_eq!(
        decode_link(LinkType::RAW, &short_total).unwrap_err(),
        Skip::Malformed(Layer::Ipv4)
    );
    let mut cut = udp4(b"hello");
    cut.truncate(cut.len() - 2);
    let ip = decode_link(LinkType::RAW, &cut).unwrap();
    assert!(ip.truncated);
    let Transport::Udp(u) = decode_transport(&ip).unwrap() else {
        panic!()
    };
    assert!(u.truncated);
    assert_eq!(u.payload, b"hel");
    let _ = Ipv4Addr::LOCALHOST;
}

#[test]
fn random_bytes_never_panic() {
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut buf = [0u8; 96];
    for i in 0..20_000 {
        for b in buf.iter_mut() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = seed as u8;
        }
        let len = (seed >> 40) as usize % buf.len();
        let link = [0, 1, 101, 113, 276, 228, 229, 108][i % 8];
        if let Ok(mut ip) = decode_link(LinkType(link), &buf[..len]) {
            for _ in 0..8 {
                match decode_transport(&ip) {
                    Ok(Transport::Tunnel(inner)) => ip = inner,
                    Ok(Transport::Sctp(s)) => {
                        let _ = s.data_chunks().count();
                        break;
                    }
                    _ => break,
                }
            }
        }
    }
}
