//! The client's address, for throttling and the audit log. Behind a reverse proxy the TCP peer
//! is the proxy, and the client is in `X-Forwarded-For`, where each proxy appends the address it
//! saw. Everything left of what our own proxies appended was written by the client and can be
//! anything, so the list is read from the right: past every hop that is one of our trusted
//! proxies, the first other address is the client. A request that does not come from a trusted
//! proxy is its peer, whatever it claims.

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The reverse proxies whose `X-Forwarded-For` entries are believed, as addresses or CIDR
/// blocks (`127.0.0.1`, `10.0.0.0/8`). Loopback by default: a proxy on the same machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl Default for TrustedProxies {
    fn default() -> Self {
        let loopback = ["127.0.0.0/8", "::1/128"].map(|n| n.parse().expect("loopback"));
        TrustedProxies(loopback.to_vec())
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list; an empty list trusts no proxy.
    fn from_str(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse_block)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

/// One address (a block of one) or CIDR block.
fn parse_block(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("\"{s}\" 不是 IP 地址或 CIDR 网段（如 10.0.0.0/8）"))
}

impl TrustedProxies {
    fn trust(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }
}

/// The client of a request that reached us from `peer` with these `X-Forwarded-For` header
/// values (in the order received; several headers are one list).
pub fn client_address(peer: IpAddr, forwarded: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer.to_canonical();
    let mut hops = forwarded.iter().flat_map(|v| v.split(',')).rev();
    while trusted.trust(client) {
        // A hop that is not an address was not written by a proxy of ours: the last trusted
        // hop is as far as the chain can be followed.
        match hops.next().and_then(hop_address) {
            Some(ip) => client = ip,
            None => break,
        }
    }
    client
}

/// An entry as proxies write it: `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:4711`,
/// `203.0.113.7:4711`.
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let lo = TrustedProxies::default();
        let inner: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let cases: [(&str, &[&str], &TrustedProxies, &str); 12] = [
            // No proxy in front: the peer, whatever it claims.
            ("192.0.2.50", &["198.51.100.77"], &lo, "192.0.2.50"),
            // Behind the local proxy: the address it appended.
            ("127.0.0.1", &["203.0.113.7"], &lo, "203.0.113.7"),
            // A forged first hop is ignored.
            (
                "127.0.0.1",
                &["198.51.100.9, 203.0.113.7"],
                &lo,
                "203.0.113.7",
            ),
            (
                "127.0.0.1",
                &["198.51.100.9", "203.0.113.7"],
                &lo,
                "203.0.113.7",
            ),
            // Forged hops claiming to be a trusted proxy stop at the real client.
            ("127.0.0.1", &["127.0.0.1, 203.0.113.7"], &lo, "203.0.113.7"),
            // Two proxies of ours: a load balancer in 10/8, then the local one.
            (
                "127.0.0.1",
                &["198.51.100.9, 203.0.113.7, 10.1.2.3"],
                &inner,
                "203.0.113.7",
            ),
            // The same chain when 10/8 is not trusted: the balancer is the client.
            (
                "127.0.0.1",
                &["198.51.100.9, 203.0.113.7, 10.1.2.3"],
                &lo,
                "10.1.2.3",
            ),
            // Ports and brackets as some proxies write them; mapped IPv4 as IPv4.
            ("127.0.0.1", &["[2001:db8::1]:4711"], &lo, "2001:db8::1"),
            ("127.0.0.1", &["203.0.113.7:4711"], &lo, "203.0.113.7"),
            (
                "::ffff:127.0.0.1",
                &["::ffff:203.0.113.7"],
                &lo,
                "203.0.113.7",
            ),
            // Garbage or nothing after trusted hops: the last trusted hop.
            ("127.0.0.1", &["evil, 10.1.2.3"], &inner, "10.1.2.3"),
            ("127.0.0.1", &[], &lo, "127.0.0.1"),
        ];
        for (peer, forwarded, trusted, client) in cases {
            assert_eq!(
                client_address(ip(peer), forwarded, trusted),
                ip(client),
                "{peer} {forwarded:?}"
            );
        }
    }

    #[test]
    fn lists_are_read_and_checked() {
        let t: TrustedProxies = "10.0.0.0/8,192.168.1.5,fd00::/8".parse().unwrap();
        assert!(t.trust(ip("10.9.9.9")) && t.trust(ip("192.168.1.5")) && t.trust(ip("fd00::1")));
        assert!(!t.trust(ip("192.168.1.6")));
        assert_eq!("".parse::<TrustedProxies>().unwrap().0, vec![]);
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("proxy.local".parse::<TrustedProxies>().is_err());
    }
}
