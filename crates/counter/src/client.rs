//! Who is asking: the client identity used by the repeat-view window and the
//! rate limit, and the User-Agent test that keeps obvious bots out of the
//! counts. Both are heuristics against accidental inflation (reloads,
//! crawlers, uptime checks), not against a determined attacker.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::{header, HeaderMap};

/// A client, by network address. IPv6 addresses are cut to their /64: one
/// household or phone gets a whole /64 and may rotate addresses inside it,
/// which would otherwise escape the window and the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => ClientKey(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    ClientKey(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }

    /// The address this key stands for: an IPv4 address, or an IPv6 /64.
    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// The socket's peer, or with `trust_proxy` the last X-Forwarded-For
    /// entry. The last entry is the one the proxy in front of us wrote;
    /// entries before it come from the client and can be forged. A missing
    /// or unparsable header falls back to the socket peer (the proxy).
    pub fn of_request(peer: SocketAddr, headers: &HeaderMap, trust_proxy: bool) -> Self {
        let forwarded = if trust_proxy {
            last_forwarded_for(headers)
        } else {
            None
        };
        ClientKey::from_ip(forwarded.unwrap_or(peer.ip()))
    }
}

fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let value = headers.get_all("x-forwarded-for").iter().next_back()?;
    let entry = value.to_str().ok()?.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Lower-case fragments of User-Agents that are not people reading: search
/// engines and crawlers, command-line tools, HTTP libraries, headless
/// browsers, link previews and uptime monitors.
const BOT_MARKERS: &[&str] = &[
    "bot",
    "spider",
    "crawl",
    "slurp",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "node-fetch",
    "axios/",
    "scrapy",
    "headless",
    "phantomjs",
    "lighthouse",
    "facebookexternalhit",
    "preview",
    "pingdom",
    "uptime",
    "monitor",
];

/// True for a missing, empty, non-text or bot-like User-Agent. Every
/// browser sends one; its absence means a script.
pub fn is_bot(headers: &HeaderMap) -> bool {
    let Some(ua) = headers.get(header::USER_AGENT) else {
        return true;
    };
    let Ok(ua) = ua.to_str() else {
        return true;
    };
    let ua = ua.trim().to_ascii_lowercase();
    ua.is_empty() || BOT_MARKERS.iter().any(|marker| ua.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for &(name, value) in pairs {
            map.append(name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn bots_and_people() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47";
        assert!(!is_bot(&headers(&[("user-agent", firefox)])));
        assert!(!is_bot(&headers(&[("user-agent", wechat)])));
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; Baiduspider/2.0)",
            "Sogou web spider/4.0",
            "curl/8.5.0",
            "Wget/1.21",
            "python-requests/2.31",
            "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36",
            "   ",
        ] {
            assert!(is_bot(&headers(&[("user-agent", ua)])), "{ua}");
        }
        assert!(is_bot(&HeaderMap::new()));
    }

    #[test]
    fn identity() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7")]);
        assert_eq!(
            ClientKey::of_request(peer, &h, true),
            ClientKey::from_ip("203.0.113.7".parse().expect("ip"))
        );
        assert_eq!(
            ClientKey::of_request(peer, &h, false),
            ClientKey::from_ip(peer.ip())
        );
        let bad = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(
            ClientKey::of_request(peer, &bad, true),
            ClientKey::from_ip(peer.ip())
        );
        let two = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "198.51.100.2"),
        ]);
        assert_eq!(
            ClientKey::of_request(peer, &two, true),
            ClientKey::from_ip("198.51.100.2".parse().expect("ip"))
        );
        let with_port = headers(&[("x-forwarded-for", "[2001:db8::1]:443")]);
        assert_eq!(
            ClientKey::of_request(peer, &with_port, true),
            ClientKey::from_ip("2001:db8::".parse().expect("ip"))
        );
    }

    #[test]
    fn ipv6_by_prefix_and_mapped_ipv4() {
        let a = ClientKey::from_ip("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = ClientKey::from_ip("2001:db8:1:2:bbbb::9".parse().expect("ip"));
        let c = ClientKey::from_ip("2001:db8:1:3::1".parse().expect("ip"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mapped = ClientKey::from_ip("::ffff:192.0.2.1".parse().expect("ip"));
        assert_eq!(mapped, ClientKey::from_ip("192.0.2.1".parse().expect("ip")));
    }
}
