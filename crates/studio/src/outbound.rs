//! Fetches of URLs that someone else chose (a pasted reference, a task's output URL, a
//! redirect either of them answers) are checked at every hop: https only, and the host must
//! be a public address. A link that answers 302 to `http://192.168.1.1/…` never makes the
//! app talk to the person's router, and a name that resolves to a private address is refused
//! when it is resolved, not only when the URL is read.
//!
//! Two exceptions, both origins (scheme, host and port) the person chose: the API base URL
//! when it is on loopback (the Sandbox and tests serve outputs there), and the configured
//! upload storage endpoint (a MinIO on the LAN). A refusal says which rule refused it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

/// The most redirects followed for one fetch.
pub const MAX_REDIRECTS: usize = 5;

/// An origin: scheme, host and port, as a URL names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// The same origin; on loopback, `127.0.0.1`, `localhost` and `::1` name one machine
    /// (the Sandbox redirects its bare address to `localhost`, as the service does to `www.`).
    fn same_as(&self, other: &Origin) -> bool {
        self.scheme == other.scheme && self.port == other.port && self.same_host(&other.host)
    }

    fn same_host(&self, host: &str) -> bool {
        let loopback = |h: &str| matches!(h, "127.0.0.1" | "localhost" | "[::1]" | "::1");
        self.host.eq_ignore_ascii_case(host) || (loopback(&self.host) && loopback(host))
    }

    pub fn of(url: &Url) -> Option<Self> {
        Some(Self {
            scheme: url.scheme().to_string(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default(),
        })
    }
}

/// Why an outside fetch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0} is not a URL")]
    NotAUrl(String),
    #[error("{url} was refused: only https is fetched from outside hosts")]
    NotHttps { url: String },
    #[error("{url} was refused: {host} is {kind}, not a public address")]
    NotPublic {
        url: String,
        host: String,
        kind: &'static str,
    },
}

/// What is fetched, and from where.
#[derive(Debug, Clone, Default)]
pub struct Outbound {
    /// Origins the person chose, fetched whatever their scheme and address.
    chosen: Vec<Origin>,
}

impl Outbound {
    /// The policy for a process talking to `api_base` (allowed when on loopback) with the
    /// upload storage at `storage_endpoint`, if one is set up.
    pub fn new(api_base: &str, storage_endpoint: Option<&str>) -> Self {
        let mut chosen = Vec::new();
        if let Ok(base) = Url::parse(api_base)
            && base
                .host()
                .is_some_and(|h| seedance_api::validate::is_loopback(&h))
            && let Some(origin) = Origin::of(&base)
        {
            chosen.push(origin);
        }
        if let Some(origin) = storage_endpoint
            .and_then(|e| Url::parse(e).ok())
            .and_then(|u| Origin::of(&u))
        {
            chosen.push(origin);
        }
        Self { chosen }
    }

    fn chose(&self, url: &Url) -> bool {
        Origin::of(url).is_some_and(|o| self.chosen.iter().any(|c| c.same_as(&o)))
    }

    fn chose_host(&self, host: &str) -> bool {
        self.chosen
            .iter()
            .any(|o| o.host.eq_ignore_ascii_case(host))
    }

    /// Checks one hop: https, and an address literal must be public (names are checked
    /// when they are resolved, see [`Outbound::client`]).
    pub fn check(&self, url: &Url) -> Result<(), Refusal> {
        if self.chose(url) {
            return Ok(());
        }
        if url.scheme() != "https" {
            return Err(Refusal::NotHttps {
                url: url.to_string(),
            });
        }
        let refused = |host: String, kind| Refusal::NotPublic {
            url: url.to_string(),
            host,
            kind,
        };
        match url.host() {
            None => Err(Refusal::NotAUrl(url.to_string())),
            Some(Host::Ipv4(ip)) => match not_public(IpAddr::V4(ip)) {
                Some(kind) => Err(refused(ip.to_string(), kind)),
                None => Ok(()),
            },
            Some(Host::Ipv6(ip)) => match not_public(IpAddr::V6(ip)) {
                Some(kind) => Err(refused(ip.to_string(), kind)),
                None => Ok(()),
            },
            Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
                Err(refused(d.to_string(), "a loopback address"))
            }
            Some(Host::Domain(_)) => Ok(()),
        }
    }

    /// Checks a URL given as text.
    pub fn check_str(&self, url: &str) -> Result<Url, Refusal> {
        let parsed = Url::parse(url).map_err(|_| Refusal::NotAUrl(url.to_string()))?;
        self.check(&parsed)?;
        Ok(parsed)
    }

    /// An HTTP client that applies this policy to every hop: each redirect is checked like
    /// the first URL, and every name is resolved to public addresses only (or refused).
    /// No credentials, timeouts, the app's User-Agent.
    pub fn client(&self) -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let policy = self.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match policy.check(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refusal) => attempt.error(refusal),
            }
        });
        reqwest::Client::builder()
            .user_agent(seedance_api::client::user_agent())
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(60))
            .redirect(redirects)
            .dns_resolver(Arc::new(PublicNames {
                policy: self.clone(),
            }))
            .build()
            .expect("a client without custom TLS always builds")
    }
}

/// Resolves names to public addresses only; a name the person chose resolves as it is.
struct PublicNames {
    policy: Outbound,
}

impl reqwest::dns::Resolve for PublicNames {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        let chosen = self.policy.chose_host(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: reqwest::dns::Addrs = Box::new(admit(&host, addrs, chosen)?.into_iter());
            Ok(addrs)
        })
    }
}

/// The addresses a name may be reached at: all of them when the person chose the host,
/// else none if any is not public (a name that mixes in a private address is not trusted).
fn admit(host: &str, addrs: Vec<SocketAddr>, chosen: bool) -> Result<Vec<SocketAddr>, String> {
    if !chosen && let Some(kind) = addrs.iter().find_map(|a| not_public(a.ip())) {
        return Err(format!("{host} resolves to {kind}, not a public address"));
    }
    Ok(addrs)
}

/// Every cause of a failed fetch, outermost first: a refusal names its rule.
pub fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut said = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        let text = e.to_string();
        if !said.contains(&text) {
            said.push_str(": ");
            said.push_str(&text);
        }
        cause = e.source();
    }
    said
}

/// What kind of address `ip` is when it is not a public one.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => not_public_v4(v4),
        IpAddr::V6(v6) => not_public_v6(v6),
    }
}

fn not_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_loopback() => "a loopback address",
        _ if ip.is_private() => "a private address",
        _ if ip.is_link_local() => "a link-local address",
        (100, 64..=127, _) => "a carrier-grade NAT address",
        _ if ip.is_multicast() => "a multicast address",
        _ if ip.is_broadcast() => "the broadcast address",
        (0, _, _) => "an unspecified address",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a reserved address",
        (198, 18..=19, _) => "a benchmarking address",
        (240..=255, _, _) => "a reserved address",
        _ => return None,
    })
}

fn not_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    Some(match first {
        _ if ip.is_loopback() => "a loopback address",
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.to_ipv4_mapped().is_some() => "an IPv4-mapped address",
        _ if ip.is_multicast() => "a multicast address",
        0xfc00..=0xfdff => "a unique-local address",
        0xfe80..=0xfebf => "a link-local address",
        0x2001 if ip.segments()[1] == 0x0db8 => "a documentation address",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for (ip, kind) in [
            ("127.0.0.1", "a loopback address"),
            ("10.1.2.3", "a private address"),
            ("172.16.0.1", "a private address"),
            ("192.168.1.1", "a private address"),
            ("169.254.169.254", "a link-local address"),
            ("100.64.0.1", "a carrier-grade NAT address"),
            ("224.0.0.1", "a multicast address"),
            ("0.0.0.0", "an unspecified address"),
            ("::1", "a loopback address"),
            ("::ffff:192.168.1.1", "an IPv4-mapped address"),
            ("fd00::1", "a unique-local address"),
            ("fe80::1", "a link-local address"),
            ("ff02::1", "a multicast address"),
        ] {
            assert_eq!(not_public(ip.parse().unwrap()), Some(kind), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "100.128.0.1", "2606:4700::1111"] {
            assert_eq!(not_public(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn each_hop_is_https_to_a_public_host_unless_the_person_chose_its_origin() {
        let policy = Outbound::new("http://127.0.0.1:4000", Some("http://minio.lan:9000"));
        let check = |u: &str| policy.check_str(u).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(check("https://cdn.example.com/v.mp4"), Ok(()));
        assert_eq!(check("http://127.0.0.1:4000/outputs/t/video.mp4"), Ok(()));
        assert_eq!(check("http://localhost:4000/outputs/t/video.mp4"), Ok(()));
        assert_eq!(check("http://minio.lan:9000/bucket/key"), Ok(()));
        let refused = check("http://192.168.1.1/admin").unwrap_err();
        assert!(refused.contains("only https"), "{refused}");
        let refused = check("https://192.168.1.1/admin").unwrap_err();
        assert!(
            refused.contains("192.168.1.1 is a private address"),
            "{refused}"
        );
        // Another port on the same machine is not the origin that was chosen.
        let refused = check("http://127.0.0.1:4001/").unwrap_err();
        assert!(refused.contains("only https"), "{refused}");
        let refused = check("https://127.0.0.1:4001/").unwrap_err();
        assert!(refused.contains("loopback"), "{refused}");
        let refused = check("https://localhost/").unwrap_err();
        assert!(refused.contains("loopback"), "{refused}");
        let refused = check("https://[::ffff:10.0.0.1]/").unwrap_err();
        assert!(refused.contains("IPv4-mapped"), "{refused}");
        // A Live base URL is never a chosen origin: outputs come from public hosts.
        let live = Outbound::new("https://seedance2ai.io", None);
        assert!(live.check_str("http://127.0.0.1:4000/x").is_err());
    }

    #[tokio::test]
    async fn a_redirect_to_another_port_on_this_machine_is_refused_and_never_reached() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        // The chosen origin (a loopback API base) answers with a redirect to a port of this
        // machine nobody chose; that port counts how often it is reached.
        let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target_port = target.local_addr().unwrap().port();
        let reached = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = reached.clone();
        tokio::spawn(async move {
            while let Ok((_socket, _)) = target.accept().await {
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        let origin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", origin.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = origin.accept().await {
                let mut buf = [0u8; 2048];
                let _ = socket.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target_port}/steal\r\nContent-Length: 0\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            }
        });
        let policy = Outbound::new(&base, None);
        let err = policy
            .client()
            .get(format!("{base}/outputs/t/video.mp4"))
            .send()
            .await
            .unwrap_err();
        let said = describe(&err);
        assert!(said.contains("only https"), "{said}");
        assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[test]
    fn a_name_that_resolves_to_a_private_address_is_refused_unless_chosen() {
        let public: SocketAddr = "93.184.216.34:0".parse().unwrap();
        let private: SocketAddr = "10.0.0.7:0".parse().unwrap();
        assert_eq!(admit("cdn.test", vec![public], false), Ok(vec![public]));
        let refused = admit("evil.test", vec![public, private], false).unwrap_err();
        assert_eq!(
            refused,
            "evil.test resolves to a private address, not a public address"
        );
        assert_eq!(admit("minio.lan", vec![private], true), Ok(vec![private]));
    }
}
