//! Per-client rate limiting of the writing endpoints (uploads, submissions, inbox logins): a
//! token bucket per client, answered with 429 and `Retry-After` when empty.
//!
//! A client is its address as the server can trust it ([`crate::proxy::client_address`]): the peer, or behind
//! a configured number of reverse proxies the address the outermost of them saw. IPv6 clients
//! are bucketed by their /64 network, since one subscriber usually holds a whole /64.
//!
//! The table is split into shards, each with its own lock; a shard forgets its idle clients
//! (whose buckets have filled up again) at most once every [`SWEEP_EVERY`], so no request pays
//! for a scan of the whole table.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Number of independently locked parts of the bucket table.
const SHARDS: usize = 16;

/// How often a shard drops the clients that have been idle long enough to be full again.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// A client's bucket key: an IPv4 address or an IPv6 /64 network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    /// The key of `ip`: IPv4 (also IPv4-mapped IPv6) as it is, IPv6 cut to its /64 prefix.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => ClientKey(ip),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => ClientKey(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX)))),
            },
        }
    }
}

type Shard = Mutex<(HashMap<ClientKey, (f64, Instant)>, Instant)>;

/// Token buckets by client.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    hasher: RandomState,
    shards: Vec<Shard>,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per client and minute (bursts up to that many);
    /// 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        let now = Instant::now();
        RateLimiter {
            per_minute,
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| Mutex::new((HashMap::new(), now))).collect(),
        }
    }

    /// Take one token for `client`; `Err(seconds)` when the client must wait.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        self.check_at(ClientKey::of(client), Instant::now())
    }

    /// [`check`](Self::check) at a given instant.
    pub fn check_at(&self, key: ClientKey, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let rate = capacity / 60.0;
        let shard = &self.shards[(self.hasher.hash_one(key) % SHARDS as u64) as usize];
        let mut guard = shard.lock().unwrap_or_else(|p| p.into_inner());
        let (buckets, last_sweep) = &mut *guard;
        if now.saturating_duration_since(*last_sweep) >= SWEEP_EVERY {
            // A bucket idle for a full minute is full again: forgetting it changes nothing.
            buckets.retain(|_, (_, at)| now.saturating_duration_since(*at) < Duration::from_secs(60));
            *last_sweep = now;
        }
        let (tokens, at) = buckets.entry(key).or_insert((capacity, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    /// Clients currently remembered (for tests and metrics).
    pub fn tracked(&self) -> usize {
        self.shards.iter().map(|shard| shard.lock().unwrap_or_else(|p| p.into_inner()).0.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn bursts_then_waits() {
        let limiter = RateLimiter::new(3);
        let a = ip("10.0.0.1");
        let b = ip("10.0.0.2");
        assert!(limiter.check(a).is_ok() && limiter.check(a).is_ok() && limiter.check(a).is_ok());
        let wait = limiter.check(a).unwrap_err();
        assert!((1..=20).contains(&wait), "{wait}");
        assert!(limiter.check(b).is_ok(), "clients are limited separately");
        assert!(RateLimiter::new(0).check(a).is_ok(), "0 turns limiting off");
    }

    #[test]
    fn one_ipv6_network_is_one_client() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.check(ip("2001:db8:1:2::1")).is_ok());
        assert!(limiter.check(ip("2001:db8:1:2:ffff:1:2:3")).is_ok());
        assert!(limiter.check(ip("2001:db8:1:2::99")).is_err(), "a new address in the same /64 is the same client");
        assert!(limiter.check(ip("2001:db8:1:3::1")).is_ok(), "the next /64 is another client");
        assert_eq!(ClientKey::of(ip("::ffff:10.0.0.1")), ClientKey::of(ip("10.0.0.1")));
    }

    #[test]
    fn idle_clients_are_forgotten_by_the_periodic_sweep() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for n in 0..1000u32 {
            limiter.check_at(ClientKey::of(IpAddr::from(n.to_be_bytes())), start).unwrap();
        }
        assert_eq!(limiter.tracked(), 1000);
        // Within the sweep interval nothing is scanned or dropped.
        let busy = ClientKey::of(ip("192.0.2.1"));
        limiter.check_at(busy, start + Duration::from_secs(5)).unwrap();
        assert_eq!(limiter.tracked(), 1001);
        // A minute later every shard that is touched drops its idle clients.
        let later = start + Duration::from_secs(61);
        for n in 0..2000u32 {
            limiter.check_at(ClientKey::of(IpAddr::from((n + 1_000_000).to_be_bytes())), later).unwrap();
        }
        assert_eq!(limiter.tracked(), 2001, "the 1000 idle a minute are gone; the one seen 56 s ago stays");
    }
}
