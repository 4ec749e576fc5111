//! Who is calling, when the service stands behind proxies the operator trusts.
//!
//! Behind a proxy every connection comes from the proxy's address, so every anonymous visitor
//! would be one caller with one budget. A request whose connection comes from a trusted proxy
//! is taken to be from the address that proxy names (`Forwarded: for=…`, RFC 7239, or else
//! `X-Forwarded-For`), walking the list from the right past every trusted hop: the first
//! address that no trusted proxy vouches for is the client. A header from anyone else is
//! ignored, so a visitor cannot choose its own address. No proxy is trusted by default.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// At most this many hops of a header are read (a longer chain is read from its right end):
/// a request cannot make the server walk a header of any length.
pub const MAX_HOPS: usize = 16;

/// The addresses (single addresses or networks) whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// Reads `10.0.0.7`, `10.0.0.0/8` or `fd00::/8`; says which entry does not read.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{entry}` is neither an address nor a network"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| Self(Arc::new(nets)))
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address: the connection's own, unless a trusted proxy names another.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if self.0.is_empty() || !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers).unwrap_or_else(|| x_forwarded_for(headers));
        let mut client = peer;
        for hop in hops.iter().rev().take(MAX_HOPS) {
            if !self.trusts(client) {
                break;
            }
            match hop {
                Some(address) => client = *address,
                // An unknown or obfuscated hop: nothing further left can be believed.
                None => break,
            }
        }
        client
    }
}

/// An IPv4 address mapped into IPv6 (a dual-stack listener's view) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The `for=` of each element of every `Forwarded` header, left to right; `None` when there is
/// no such header.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all("forwarded") {
        any = true;
        let Ok(value) = value.to_str() else {
            hops.push(None);
            continue;
        };
        for element in value.split(',') {
            let node = element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim())
            });
            hops.push(node.and_then(node_address));
        }
    }
    any.then_some(hops)
}

/// Every entry of every `X-Forwarded-For` header, left to right.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| match value.to_str() {
            Ok(value) => value.split(',').map(node_address).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect()
}

/// `192.0.2.60`, `"192.0.2.60:4711"`, `"[2001:db8::1]:4711"` or `2001:db8::1`; `None` for
/// `unknown`, an obfuscated name or anything else.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = node.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|inner| inner.parse::<IpAddr>().ok())
        .map(canonical)
}

/// Puts the client's address where every handler reads the caller's address from (the
/// connection's `ConnectInfo`), so that budgets, pages and logs see the visitor, not the proxy.
pub async fn resolve_client(trusted: TrustedProxies, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let client = trusted.client(peer.ip(), request.headers());
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.0.2.1".into()]).unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            trusted.client(ip("10.1.2.3"), &forwarded),
            ip("203.0.113.9")
        );
        assert_eq!(
            trusted.client(ip("192.0.2.1"), &forwarded),
            ip("203.0.113.9")
        );
        // From anyone else the header is ignored.
        assert_eq!(
            trusted.client(ip("198.51.100.4"), &forwarded),
            ip("198.51.100.4")
        );
        // Trusting nobody (the default), nobody's header counts.
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client(ip("10.1.2.3"), &forwarded), ip("10.1.2.3"));
        // A trusted proxy that names nobody: the proxy itself.
        assert_eq!(
            trusted.client(ip("10.1.2.3"), &HeaderMap::new()),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn the_chain_is_walked_from_the_right_past_trusted_hops_only() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        // The visitor wrote the leftmost entry itself; the trusted proxies appended the rest.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &chain), ip("203.0.113.9"));
        // Two headers are one list.
        let split = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "203.0.113.9, 10.0.0.2"),
        ]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &split), ip("203.0.113.9"));
        // An entry that does not read stops the walk at the last trusted hop.
        let garbled = headers(&[("x-forwarded-for", "203.0.113.9, nonsense")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &garbled), ip("10.0.0.1"));
    }

    #[test]
    fn forwarded_is_read_with_ports_quotes_and_ipv6() {
        let trusted =
            TrustedProxies::parse(&["10.0.0.0/8".into(), "::ffff:10.0.0.0/104".into()]).unwrap();
        let h = headers(&[(
            "forwarded",
            r#"for=6.6.6.6, for="[2001:db8::7]:4711";proto=https, for="10.0.0.2:80""#,
        )]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &h), ip("2001:db8::7"));
        // `Forwarded` wins over `X-Forwarded-For` when both are there.
        let both = headers(&[
            ("forwarded", "for=203.0.113.9"),
            ("x-forwarded-for", "198.51.100.4"),
        ]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &both), ip("203.0.113.9"));
        // A dual-stack listener sees the proxy as an IPv4-mapped address.
        assert_eq!(
            trusted.client(ip("::ffff:10.0.0.1"), &both),
            ip("203.0.113.9")
        );
        // `unknown` names nobody.
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &unknown), ip("10.0.0.1"));
    }

    #[test]
    fn a_long_chain_is_read_from_its_right_end_only() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        let chain = format!("203.0.113.9, {}", vec!["10.0.0.9"; 10_000].join(", "));
        let h = headers(&[("x-forwarded-for", chain.as_str())]);
        // Every hop read is trusted, so the walk ends at the bound on a trusted address.
        assert_eq!(trusted.client(ip("10.0.0.1"), &h), ip("10.0.0.9"));
    }

    #[test]
    fn an_entry_that_is_no_address_is_named() {
        let refused = TrustedProxies::parse(&["10.0.0.0/8".into(), "proxy.internal".into()]);
        assert!(refused.unwrap_err().contains("proxy.internal"));
    }
}
