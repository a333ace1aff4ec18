/* Packet decode: link layers down to IPv4/IPv6 and the transport ports.
 * All reads go through the bounds-checked cursor; offsets follow the RFCs
 * and the libpcap LINKTYPE_ registry cited at each step. */
#include "ingest/decode.h"

#include <string.h>

#include "base/cursor.h"

/* libpcap DLT_ values (pcap/dlt.h), spelled out so the decoder does not
 * depend on which platform numbering the headers chose. */
enum {
    DLT_NULL_ = 0,
    DLT_EN10MB_ = 1,
    DLT_PPP_ = 9,
    DLT_RAW_ = 12,
    DLT_RAW_BSD_ = 14,
    DLT_IEEE802_11_ = 105,
    DLT_LOOP_ = 108,
    DLT_LINUX_SLL_ = 113,
    DLT_IEEE802_11_RADIO_ = 127,
    DLT_IPV4_ = 228,
    DLT_IPV6_ = 229,
    DLT_LINUX_SLL2_ = 276,
};

enum { NET_NONE, NET_IPV4, NET_IPV6 };

bool decode_linktype_supported(int dlt)
{
    switch (dlt) {
    case DLT_NULL_: case DLT_EN10MB_: case DLT_PPP_: case DLT_RAW_:
    case DLT_RAW_BSD_: case DLT_IEEE802_11_: case DLT_LOOP_:
    case DLT_LINUX_SLL_: case DLT_IEEE802_11_RADIO_: case DLT_IPV4_:
    case DLT_IPV6_: case DLT_LINUX_SLL2_:
        return true;
    default:
        return false;
    }
}

/* The version nibble of the next byte, for link types that carry bare IP. */
static int net_from_version(struct cursor *c)
{
    if (cur_left(c) < 1)
        return NET_NONE;
    switch (c->p[c->off] >> 4) {
    case 4: return NET_IPV4;
    case 6: return NET_IPV6;
    default: return NET_NONE;
    }
}

static int net_from_ethertype(struct cursor *c, uint16_t type);

/* RFC 1661 PPP protocol numbers: IPv4, IPv6, MPLS unicast and multicast. */
static int net_from_ppp(struct cursor *c, uint16_t proto)
{
    switch (proto) {
    case 0x0021: return NET_IPV4;
    case 0x0057: return NET_IPV6;
    case 0x0281: case 0x0283: return net_from_ethertype(c, 0x8847);
    default: return NET_NONE;
    }
}

/* Follows an EtherType through VLAN tags (802.1Q, 802.1ad QinQ), MPLS label
 * stacks (RFC 3032), PPPoE sessions (RFC 2516) and 802.2 LLC/SNAP. */
static int net_from_ethertype(struct cursor *c, uint16_t type)
{
    for (int depth = 0; depth < 16 && !c->err; depth++) {
        switch (type) {
        case 0x0800:
            return NET_IPV4;
        case 0x86dd:
            return NET_IPV6;
        case 0x8100: case 0x88a8: case 0x9100: case 0x9200:
            cur_skip(c, 2); /* TCI */
            type = cur_u16be(c);
            continue;
        case 0x8926: /* Cisco VN-Tag: 4 bytes of tag */
            cur_skip(c, 4);
            type = cur_u16be(c);
            continue;
        case 0x893f: /* IEEE 802.1BR E-Tag: 6 bytes of tag */
            cur_skip(c, 6);
            type = cur_u16be(c);
            continue;
        case 0x8847: case 0x8848: {
            uint32_t label;
            int n = 0;
            do {
                label = cur_u32be(c);
            } while (!c->err && !(label & 0x100) && ++n < 32);
            if (c->err || cur_left(c) < 1)
                return NET_NONE;
            if (c->p[c->off] >> 4 != 0)
                return net_from_version(c);
            /* RFC 4448: a zero first nibble is the pseudowire control
             * word, and an Ethernet frame follows it. */
            cur_skip(c, 4 + 12);
            type = cur_u16be(c);
            continue;
        }
        case 0x8864: {
            cur_skip(c, 6); /* ver/type, code, session id, length */
            return net_from_ppp(c, cur_u16be(c));
        }
        default:
            if (type > 1500)
                return NET_NONE;
            /* An 802.3 length: IP only rides in LLC/SNAP (RFC 1042). */
            if (cur_left(c) < 8 || c->p[c->off] != 0xaa || c->p[c->off + 1] != 0xaa ||
                c->p[c->off + 2] != 0x03)
                return NET_NONE;
            cur_skip(c, 6);
            type = cur_u16be(c);
            continue;
        }
    }
    return NET_NONE;
}

/* IEEE 802.11 data frame to its LLC/SNAP payload (802.11-2020 9.2.4). */
static int net_from_80211(struct cursor *c)
{
    uint16_t fc = cur_u16le(c);
    unsigned type = (fc >> 2) & 3, subtype = (fc >> 4) & 15;
    if (c->err || type != 2 || (subtype & 4)) /* data frames with a body */
        return NET_NONE;
    if (fc & 0x4000) /* protected: the payload is encrypted */
        return NET_NONE;
    size_t hdr = 24;
    if ((fc & 0x0300) == 0x0300) /* ToDS and FromDS: a fourth address */
        hdr += 6;
    if (subtype & 8) /* QoS control */
        hdr += 2;
    if ((subtype & 8) && (fc & 0x8000)) /* HT control */
        hdr += 4;
    cur_skip(c, hdr - 2);
    if (cur_left(c) < 8 || c->p[c->off] != 0xaa || c->p[c->off + 1] != 0xaa)
        return NET_NONE;
    cur_skip(c, 6);
    return net_from_ethertype(c, cur_u16be(c));
}

/* Strips the link header; leaves c at the network header. */
static int strip_link(int dlt, struct cursor *c)
{
    switch (dlt) {
    case DLT_EN10MB_:
        cur_skip(c, 12);
        return net_from_ethertype(c, cur_u16be(c));
    case DLT_LINUX_SLL_: /* type, ARPHRD, addr len, 8-byte addr, protocol */
        cur_skip(c, 14);
        return net_from_ethertype(c, cur_u16be(c));
    case DLT_LINUX_SLL2_: { /* protocol, reserved, ifindex, ARPHRD, ... */
        uint16_t proto = cur_u16be(c);
        cur_skip(c, 18);
        return net_from_ethertype(c, proto);
    }
    case DLT_NULL_: {
        /* The address family in the writer's byte order; BSDs disagree on
         * the value for IPv6 (24, 28 or 30), Linux uses 10. */
        uint32_t af = cur_u32le(c);
        if (af > 0xffff)
            af = __builtin_bswap32(af);
        return af == 2 ? NET_IPV4
               : (af == 10 || af == 24 || af == 28 || af == 30) ? NET_IPV6
                                                                : NET_NONE;
    }
    case DLT_LOOP_: {
        uint32_t af = cur_u32be(c);
        return af == 2 ? NET_IPV4
               : (af == 10 || af == 24 || af == 28 || af == 30) ? NET_IPV6
                                                                : NET_NONE;
    }
    case DLT_PPP_: { /* RFC 1662: optional 0xff 0x03, then the protocol */
        if (cur_left(c) >= 2 && c->p[c->off] == 0xff && c->p[c->off + 1] == 0x03)
            cur_skip(c, 2);
        return net_from_ppp(c, cur_u16be(c));
    }
    case DLT_RAW_: case DLT_RAW_BSD_:
        return net_from_version(c);
    case DLT_IPV4_:
        return NET_IPV4;
    case DLT_IPV6_:
        return NET_IPV6;
    case DLT_IEEE802_11_RADIO_: { /* radiotap: version, pad, le16 length */
        cur_skip(c, 2);
        uint16_t len = cur_u16le(c);
        if (c->err || len < 4)
            return NET_NONE;
        cur_skip(c, len - 4u);
        return net_from_80211(c);
    }
    case DLT_IEEE802_11_:
        return net_from_80211(c);
    default:
        return NET_NONE;
    }
}

/* Ports, flags or ICMP type/code from the transport header. A header cut
 * short by the snap length leaves the fields it did not reach at zero. */
static void decode_transport(struct cursor t, struct event *ev, struct decode_payload *pl)
{
    switch (ev->proto) {
    case 6: { /* TCP, RFC 9293: flags are the low byte at offset 13 */
        uint16_t sp = cur_u16be(&t), dp = cur_u16be(&t);
        if (t.err)
            return;
        ev->sport = sp;
        ev->dport = dp;
        cur_skip(&t, 8);
        unsigned doff = (cur_u8(&t) >> 4) * 4u;
        uint8_t fl = cur_u8(&t);
        if (t.err)
            return;
        ev->tcpflags = fl;
        if (pl && doff >= 20) {
            t.off = 0;
            cur_skip(&t, doff);
            if (!t.err)
                *pl = (struct decode_payload){t.p + t.off, (uint32_t)(t.len - t.off)};
        }
        return;
    }
    case 17: case 33: case 132: case 136: { /* UDP, DCCP, SCTP, UDP-Lite */
        uint16_t sp = cur_u16be(&t), dp = cur_u16be(&t);
        if (t.err)
            return;
        ev->sport = sp;
        ev->dport = dp;
        if (pl && ev->proto == 17) {
            cur_skip(&t, 4);
            if (!t.err)
                *pl = (struct decode_payload){t.p + t.off, (uint32_t)(t.len - t.off)};
        }
        return;
    }
    case 1: case 58: { /* ICMP, ICMPv6: NetFlow's dport = type*256 + code */
        uint8_t type = cur_u8(&t), code = cur_u8(&t);
        if (!t.err)
            ev->dport = (uint16_t)(type << 8 | code);
        return;
    }
    default:
        return;
    }
}

static enum decode_status decode_ipv4(struct cursor *c, uint32_t wire_left,
                                      struct event *ev, struct decode_payload *pl)
{
    uint8_t vhl = cur_u8(c);
    unsigned ihl = (vhl & 15u) * 4;
    cur_skip(c, 1);
    uint16_t totlen = cur_u16be(c);
    cur_skip(c, 2);
    uint16_t frag = cur_u16be(c);
    cur_skip(c, 1);
    ev->proto = cur_u8(c);
    cur_skip(c, 2);
    const uint8_t *src = cur_bytes(c, 4), *dst = cur_bytes(c, 4);
    if (c->err)
        return DECODE_SHORT;
    if (vhl >> 4 != 4 || ihl < 20)
        return DECODE_MALFORMED;
    ev->src.family = ev->dst.family = 4;
    memcpy(ev->src.b, src, 4);
    memcpy(ev->dst.b, dst, 4);
    /* A zero total length is TCP segmentation offload seen on the sending
     * host: the frame's own length is the truth then. */
    if (totlen == 0)
        ev->octets = wire_left;
    else if (totlen < ihl)
        return DECODE_MALFORMED;
    else
        ev->octets = totlen;
    cur_skip(c, ihl - 20);
    if (c->err || (frag & 0x1fff) != 0) /* options cut, or a later fragment */
        return DECODE_OK;
    size_t body = totlen ? totlen - ihl : cur_left(c);
    decode_transport(cur_sub(c, body), ev, pl);
    return DECODE_OK;
}

/* RFC 2675: a hop-by-hop Jumbo Payload option (type 0xC2) carries the real
 * payload length when the IPv6 payload length is zero. */
static uint32_t jumbo_length(struct cursor opts)
{
    while (cur_left(&opts) >= 1) {
        uint8_t type = cur_u8(&opts);
        if (type == 0) /* Pad1 */
            continue;
        uint8_t len = cur_u8(&opts);
        if (type == 0xc2 && len == 4)
            return cur_u32be(&opts);
        cur_skip(&opts, len);
    }
    return 0;
}

static enum decode_status decode_ipv6(struct cursor *c, struct event *ev,
                                      struct decode_payload *pl)
{
    uint32_t vtf = cur_u32be(c);
    uint16_t plen = cur_u16be(c);
    uint8_t next = cur_u8(c);
    cur_skip(c, 1);
    const uint8_t *src = cur_bytes(c, 16), *dst = cur_bytes(c, 16);
    if (c->err)
        return DECODE_SHORT;
    if (vtf >> 28 != 6)
        return DECODE_MALFORMED;
    ev->src.family = ev->dst.family = 6;
    memcpy(ev->src.b, src, 16);
    memcpy(ev->dst.b, dst, 16);
    ev->octets = 40u + plen;
    size_t end = c->off + plen; /* where the payload ends, if plen says */
    /* RFC 8200 section 4: walk the extension-header chain to the upper
     * layer. Each header is next(1), length(1) in 8-octet units beyond the
     * first 8; AH counts in 4-octet units (RFC 4302); the fragment header is
     * fixed at 8 octets and only the first fragment carries ports. */
    for (int hops = 0; hops < 32; hops++) {
        switch (next) {
        case 0: case 43: case 60: case 135: case 139: case 140: case 253: case 254: {
            uint8_t nh = cur_u8(c), len = cur_u8(c);
            struct cursor opts = cur_sub(c, (size_t)len * 8 + 6);
            if (c->err || cur_left(&opts) < (size_t)len * 8 + 6) {
                ev->proto = next;
                return DECODE_OK;
            }
            if (next == 0 && plen == 0) {
                uint32_t jumbo = jumbo_length(opts);
                if (jumbo)
                    ev->octets = 40u + jumbo;
            }
            next = nh;
            continue;
        }
        case 51: {
            uint8_t nh = cur_u8(c), len = cur_u8(c);
            cur_skip(c, (size_t)(len + 2) * 4 - 2);
            if (c->err) {
                ev->proto = next;
                return DECODE_OK;
            }
            next = nh;
            continue;
        }
        case 44: {
            uint8_t nh = cur_u8(c);
            cur_skip(c, 1);
            uint16_t off = cur_u16be(c);
            cur_skip(c, 4);
            ev->proto = nh;
            if (c->err || (off >> 3) != 0)
                return DECODE_OK;
            next = nh;
            continue;
        }
        default:
            ev->proto = next;
            decode_transport(cur_sub(c, cur_left(c)), ev, pl);
            if (pl && pl->p && plen) { /* the payload ends where plen says */
                size_t at = (size_t)(pl->p - c->p);
                pl->len = at < end ? (uint32_t)(end - at < pl->len ? end - at : pl->len) : 0;
            }
            return DECODE_OK;
        }
    }
    ev->proto = next;
    return DECODE_OK;
}

enum decode_status decode_packet(int dlt, const uint8_t *pkt, uint32_t caplen,
                                 uint32_t wirelen, struct event *ev)
{
    return decode_packet_payload(dlt, pkt, caplen, wirelen, ev, NULL);
}

enum decode_status decode_packet_payload(int dlt, const uint8_t *pkt, uint32_t caplen,
                                         uint32_t wirelen, struct event *ev,
                                         struct decode_payload *pl)
{
    if (pl)
        *pl = (struct decode_payload){0};
    memset(ev, 0, sizeof(*ev));
    ev->packets = 1;
    struct cursor c = cur_make(pkt, caplen);
    int net = strip_link(dlt, &c);
    if (c.err)
        return DECODE_SHORT;
    uint32_t wire_left = wirelen > c.off ? wirelen - (uint32_t)c.off : 0;
    switch (net) {
    case NET_IPV4:
        return decode_ipv4(&c, wire_left, ev, pl);
    case NET_IPV6:
        return decode_ipv6(&c, ev, pl);
    default:
        return DECODE_NOT_IP;
    }
}
