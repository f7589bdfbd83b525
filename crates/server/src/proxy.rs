//! What the server can believe about a request that reached it through reverse proxies: the
//! client's address (for rate limits) and whether the citizen's browser used HTTPS (for
//! `Secure` cookies). Only the entries the configured number of trusted proxies added count;
//! anything a client wrote into these headers itself is ignored.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The address of the client behind `trusted_proxies` reverse proxies.
///
/// Each proxy appends the address it received the request from to `X-Forwarded-For`, so the
/// last `trusted_proxies` entries were written by proxies we trust, and the left-most of those
/// is the client as the outermost proxy saw it. Everything further left came from the client
/// and is ignored. With no trusted proxies, or a header with fewer entries than proxies (a
/// request that did not come through all of them), or an entry that is not an address, the
/// peer's address is used.
pub fn client_address(peer: SocketAddr, headers: &HeaderMap, trusted_proxies: u8) -> IpAddr {
    if trusted_proxies == 0 {
        return peer.ip();
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let Some(index) = entries.len().checked_sub(usize::from(trusted_proxies)) else {
        return peer.ip();
    };
    address(entries[index]).unwrap_or(peer.ip())
}

/// An `X-Forwarded-For` entry: an address, also with a port (`203.0.113.7:51000`,
/// `[2001:db8::5]:443`) or in brackets (`[2001:db8::5]`), as some proxies write it.
fn address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
}

/// Whether the browser reached the outermost trusted proxy over HTTPS (`X-Forwarded-Proto`
/// as the proxy closest to the server set it). Without trusted proxies the server itself
/// speaks plain HTTP, so this is `false`.
pub fn over_https(headers: &HeaderMap, trusted_proxies: u8) -> bool {
    trusted_proxies > 0
        && headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .next_back()
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// `"; Secure"` for a cookie on a response to a request made over HTTPS, else nothing.
pub fn secure_attribute(headers: &HeaderMap, trusted_proxies: u8) -> &'static str {
    if over_https(headers, trusted_proxies) {
        "; Secure"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn the_client_address_is_the_one_the_outermost_trusted_proxy_saw() {
        let peer: SocketAddr = "10.1.1.1:5000".parse().unwrap();
        let forged = forwarded(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_address(peer, &forged, 0), ip("10.1.1.1"), "no proxy trusted: the peer");
        assert_eq!(client_address(peer, &forged, 1), ip("203.0.113.7"), "the entry the proxy added");
        let two = forwarded(&["6.6.6.6", "203.0.113.7, 10.0.0.9"]);
        assert_eq!(client_address(peer, &two, 2), ip("203.0.113.7"), "two proxies, header split over two lines");
        assert_eq!(client_address(peer, &forwarded(&["203.0.113.7"]), 2), ip("10.1.1.1"), "too few entries");
        assert_eq!(client_address(peer, &forwarded(&["x, nonsense"]), 1), ip("10.1.1.1"), "not an address");
        assert_eq!(client_address(peer, &HeaderMap::new(), 1), ip("10.1.1.1"));
        assert_eq!(client_address(peer, &forwarded(&["1.2.3.4, 2001:db8::5"]), 1), ip("2001:db8::5"));
        // Entries with ports or brackets, as some proxies write them.
        assert_eq!(client_address(peer, &forwarded(&["6.6.6.6, 203.0.113.7:51000"]), 1), ip("203.0.113.7"));
        assert_eq!(client_address(peer, &forwarded(&["[2001:db8::5]:443"]), 1), ip("2001:db8::5"));
        assert_eq!(client_address(peer, &forwarded(&["[2001:db8::5]"]), 1), ip("2001:db8::5"));
        assert_eq!(client_address(peer, &forwarded(&["[nonsense]:1"]), 1), ip("10.1.1.1"));
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(!over_https(&headers, 0), "no proxy: a client's own header means nothing");
        assert!(over_https(&headers, 1));
        assert_eq!(secure_attribute(&headers, 1), "; Secure");
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https, http"));
        assert!(!over_https(&headers, 1), "the closest proxy says http");
    }
}
