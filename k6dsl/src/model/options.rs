//! k6's top-level options other than execution and thresholds, with real types:
//! enums where k6 takes a fixed set of words, [`Duration`] for times, [`IpAddr`] and
//! [`Cidr`] for addresses.
//!
//! ```
//! use k6dsl::options::{Dns, DnsPolicy, DnsSelect, GeneralOptions, SystemTag, TlsVersion};
//! use k6dsl::time::secs;
//!
//! let options = GeneralOptions::default()
//!     .user_agent("k6dsl-checkout/1.0")
//!     .dns(Dns::default().ttl_for(secs(60)).select(DnsSelect::RoundRobin).policy(DnsPolicy::PreferIpv4))
//!     .tls_versions(TlsVersion::Tls1_2, TlsVersion::Tls1_3)
//!     .system_tags([SystemTag::Status, SystemTag::Method, SystemTag::Name, SystemTag::Scenario]);
//! assert_eq!(options.user_agent.as_deref(), Some("k6dsl-checkout/1.0"));
//! ```

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use crate::model::time::serde_go;

/// Every top-level k6 option a script can set besides execution and thresholds.
/// `None` leaves k6's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GeneralOptions {
    /// Start the test paused (resume through the REST API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// The part of the test this instance runs (distributed runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_segment: Option<ExecutionSegment>,
    /// All segments of a distributed run, as cut points from 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_segment_sequence: Option<Vec<Fraction>>,
    /// Skip `setup()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_setup: Option<bool>,
    /// Skip `teardown()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_teardown: Option<bool>,
    /// Time allowed for `setup()` (> 0).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(with = "serde_go::option", skip_serializing_if = "Option::is_none")]
    pub setup_timeout: Option<Duration>,
    /// Time allowed for `teardown()` (> 0).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(with = "serde_go::option", skip_serializing_if = "Option::is_none")]
    pub teardown_timeout: Option<Duration>,
    /// Global cap on requests per second, across all VUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rps: Option<u64>,
    /// DNS resolution behaviour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// Redirects followed per request (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_redirects: Option<u32>,
    /// The `User-Agent` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Parallel connections per `http.batch()` call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
    /// Parallel connections per host per `http.batch()` call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_per_host: Option<u32>,
    /// Log requests and responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_debug: Option<HttpDebug>,
    /// Accept any TLS certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insecure_skip_tls_verify: Option<bool>,
    /// Allowed TLS cipher suites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cipher_suites: Option<Vec<TlsCipherSuite>>,
    /// Allowed TLS versions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_version: Option<TlsVersions>,
    /// Client certificates, per domain.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tls_auth: Vec<TlsAuth>,
    /// Throw on failed requests instead of returning them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throw: Option<bool>,
    /// Address ranges k6 refuses to connect to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blacklist_ips: Vec<Cidr>,
    /// Host names (or `*.suffix` patterns) k6 refuses to connect to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub block_hostnames: Vec<String>,
    /// Static name resolution: `host` or `host:port` to an address.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub hosts: BTreeMap<String, HostAddress>,
    /// Close connections after each request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_connection_reuse: Option<bool>,
    /// Do not reuse connections between iterations of a VU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_vu_connection_reuse: Option<bool>,
    /// Each iteration lasts at least this long.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::model::duration_schema::DurationSchema>")
    )]
    #[serde(with = "serde_go::option", skip_serializing_if = "Option::is_none")]
    pub min_iteration_duration: Option<Duration>,
    /// Extension settings (`ext`), passed through as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ext: Option<serde_json::Map<String, serde_json::Value>>,
    /// Grafana Cloud settings (`cloud`), passed through as JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<serde_json::Map<String, serde_json::Value>>,
    /// Statistics shown for trends in the end-of-test summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_trend_stats: Option<Vec<TrendStat>>,
    /// Unit for times in the summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_time_unit: Option<SummaryTimeUnit>,
    /// Which system tags k6 attaches to samples.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_tags: Option<Vec<SystemTag>>,
    /// Tags on every sample of the test.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Samples buffered before flushing to outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_samples_buffer_size: Option<u32>,
    /// Keep cookies between iterations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_cookies_reset: Option<bool>,
    /// Drop response bodies unless a request asks for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discard_response_bodies: Option<bool>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty => $conv:expr;)*) => {
        impl GeneralOptions {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $name(mut self, value: $ty) -> Self {
                    self.$name = Some($conv(value));
                    self
                }
            )*
        }
    };
}

setters! {
    /// Sets `paused`.
    paused: bool => |v| v;
    /// Sets `executionSegment`.
    execution_segment: ExecutionSegment => |v| v;
    /// Sets `noSetup`.
    no_setup: bool => |v| v;
    /// Sets `noTeardown`.
    no_teardown: bool => |v| v;
    /// Sets `setupTimeout`.
    setup_timeout: Duration => |v| v;
    /// Sets `teardownTimeout`.
    teardown_timeout: Duration => |v| v;
    /// Sets `rps`.
    rps: u64 => |v| v;
    /// Sets `dns`.
    dns: Dns => |v| v;
    /// Sets `maxRedirects`.
    max_redirects: u32 => |v| v;
    /// Sets `userAgent`.
    user_agent: impl Into<String> => Into::into;
    /// Sets `batch`.
    batch: u32 => |v| v;
    /// Sets `batchPerHost`.
    batch_per_host: u32 => |v| v;
    /// Sets `httpDebug`.
    http_debug: HttpDebug => |v| v;
    /// Sets `insecureSkipTLSVerify`.
    insecure_skip_tls_verify: bool => |v| v;
    /// Sets `throw`.
    throw: bool => |v| v;
    /// Sets `noConnectionReuse`.
    no_connection_reuse: bool => |v| v;
    /// Sets `noVUConnectionReuse`.
    no_vu_connection_reuse: bool => |v| v;
    /// Sets `minIterationDuration`.
    min_iteration_duration: Duration => |v| v;
    /// Sets `summaryTimeUnit`.
    summary_time_unit: SummaryTimeUnit => |v| v;
    /// Sets `metricSamplesBufferSize`.
    metric_samples_buffer_size: u32 => |v| v;
    /// Sets `noCookiesReset`.
    no_cookies_reset: bool => |v| v;
    /// Sets `discardResponseBodies`.
    discard_response_bodies: bool => |v| v;
    /// Sets `ext` (extension settings, as a JSON object).
    ext: serde_json::Map<String, serde_json::Value> => |v| v;
    /// Sets `cloud` (Grafana Cloud settings, as a JSON object).
    cloud: serde_json::Map<String, serde_json::Value> => |v| v;
}

impl GeneralOptions {
    /// Sets `executionSegmentSequence`: the cut points of every instance's segment.
    #[must_use]
    pub fn execution_segment_sequence(
        mut self,
        points: impl IntoIterator<Item = Fraction>,
    ) -> Self {
        self.execution_segment_sequence = Some(points.into_iter().collect());
        self
    }

    /// Allows exactly one TLS version.
    #[must_use]
    pub fn tls_version(mut self, version: TlsVersion) -> Self {
        self.tls_version = Some(TlsVersions::Exactly(version));
        self
    }

    /// Allows TLS versions from `min` to `max`.
    #[must_use]
    pub fn tls_versions(mut self, min: TlsVersion, max: TlsVersion) -> Self {
        self.tls_version = Some(TlsVersions::Range { min, max });
        self
    }

    /// Sets `tlsCipherSuites`.
    #[must_use]
    pub fn tls_cipher_suites(mut self, suites: impl IntoIterator<Item = TlsCipherSuite>) -> Self {
        self.tls_cipher_suites = Some(suites.into_iter().collect());
        self
    }

    /// Adds a client certificate to `tlsAuth`.
    #[must_use]
    pub fn tls_auth(mut self, auth: TlsAuth) -> Self {
        self.tls_auth.push(auth);
        self
    }

    /// Adds a range to `blacklistIPs`.
    #[must_use]
    pub fn blacklist_ip(mut self, range: Cidr) -> Self {
        self.blacklist_ips.push(range);
        self
    }

    /// Adds a host name or `*.suffix` pattern to `blockHostnames`.
    #[must_use]
    pub fn block_hostname(mut self, pattern: impl Into<String>) -> Self {
        self.block_hostnames.push(pattern.into());
        self
    }

    /// Resolves `host` (or `host:port`) to `address` (`hosts`).
    #[must_use]
    pub fn host(mut self, host: impl Into<String>, address: HostAddress) -> Self {
        self.hosts.insert(host.into(), address);
        self
    }

    /// Sets `summaryTrendStats`.
    #[must_use]
    pub fn summary_trend_stats(mut self, stats: impl IntoIterator<Item = TrendStat>) -> Self {
        self.summary_trend_stats = Some(stats.into_iter().collect());
        self
    }

    /// Sets `systemTags`.
    #[must_use]
    pub fn system_tags(mut self, tags: impl IntoIterator<Item = SystemTag>) -> Self {
        self.system_tags = Some(tags.into_iter().collect());
        self
    }

    /// Adds a test-wide tag (`tags`).
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }
}

/// `dns`: how k6 resolves names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Dns {
    /// How long answers are cached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<DnsTtl>,
    /// Which of several addresses to use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<DnsSelect>,
    /// Which address family to prefer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<DnsPolicy>,
}

impl Dns {
    /// Caches answers for `ttl`.
    #[must_use]
    pub fn ttl_for(mut self, ttl: Duration) -> Self {
        self.ttl = Some(DnsTtl::For(ttl));
        self
    }

    /// Sets the cache policy.
    #[must_use]
    pub fn ttl(mut self, ttl: DnsTtl) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Sets `select`.
    #[must_use]
    pub fn select(mut self, select: DnsSelect) -> Self {
        self.select = Some(select);
        self
    }

    /// Sets `policy`.
    #[must_use]
    pub fn policy(mut self, policy: DnsPolicy) -> Self {
        self.policy = Some(policy);
        self
    }
}

/// `dns.ttl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsTtl {
    /// `"inf"`: cache for the whole test.
    Forever,
    /// `"0"`: no caching.
    Never,
    /// Cache for this long.
    For(
        #[cfg_attr(
            feature = "schema",
            schemars(with = "crate::model::duration_schema::DurationSchema")
        )]
        #[serde(with = "serde_go")]
        Duration,
    ),
}

/// `dns.select`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsSelect {
    /// `first`
    First,
    /// `roundRobin`
    RoundRobin,
    /// `random`
    Random,
}

/// `dns.policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DnsPolicy {
    /// `preferIPv4`
    PreferIpv4,
    /// `preferIPv6`
    PreferIpv6,
    /// `onlyIPv4`
    OnlyIpv4,
    /// `onlyIPv6`
    OnlyIpv6,
    /// `any`
    Any,
}

/// `httpDebug`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HttpDebug {
    /// Log headers.
    Headers,
    /// Log headers and bodies.
    Full,
}

/// A TLS protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum TlsVersion {
    /// `tls1.0`
    #[serde(rename = "tls1.0")]
    Tls1_0,
    /// `tls1.1`
    #[serde(rename = "tls1.1")]
    Tls1_1,
    /// `tls1.2`
    #[serde(rename = "tls1.2")]
    Tls1_2,
    /// `tls1.3`
    #[serde(rename = "tls1.3")]
    Tls1_3,
}

impl TlsVersion {
    /// k6's spelling.
    pub fn as_k6(self) -> &'static str {
        match self {
            TlsVersion::Tls1_0 => "tls1.0",
            TlsVersion::Tls1_1 => "tls1.1",
            TlsVersion::Tls1_2 => "tls1.2",
            TlsVersion::Tls1_3 => "tls1.3",
        }
    }
}

/// `tlsVersion`: one version or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TlsVersions {
    /// Exactly this version.
    Exactly(TlsVersion),
    /// From `min` to `max`, inclusive.
    Range {
        /// Lowest allowed.
        min: TlsVersion,
        /// Highest allowed.
        max: TlsVersion,
    },
}

macro_rules! cipher_suites {
    ($($variant:ident,)*) => {
        /// A TLS cipher suite k6 knows (`tlsCipherSuites`), named as in Go's `crypto/tls`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(JsonSchema))]
        #[allow(non_camel_case_types, missing_docs)]
        pub enum TlsCipherSuite { $($variant,)* }

        impl TlsCipherSuite {
            /// Every suite, in Go's order.
            pub const ALL: &'static [TlsCipherSuite] = &[$(TlsCipherSuite::$variant,)*];

            /// The suite's name as k6 reads it.
            pub fn as_k6(self) -> &'static str {
                match self { $(TlsCipherSuite::$variant => stringify!($variant),)* }
            }
        }
    };
}

cipher_suites! {
    TLS_RSA_WITH_RC4_128_SHA,
    TLS_RSA_WITH_3DES_EDE_CBC_SHA,
    TLS_RSA_WITH_AES_128_CBC_SHA,
    TLS_RSA_WITH_AES_256_CBC_SHA,
    TLS_RSA_WITH_AES_128_CBC_SHA256,
    TLS_RSA_WITH_AES_128_GCM_SHA256,
    TLS_RSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    TLS_ECDHE_RSA_WITH_RC4_128_SHA,
    TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
    TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
    TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,
    TLS_AES_128_GCM_SHA256,
    TLS_AES_256_GCM_SHA384,
    TLS_CHACHA20_POLY1305_SHA256,
}

/// A client certificate for some domains (`tlsAuth`). The key's password, if any, is
/// read from an environment variable at run time: secrets never appear in scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TlsAuth {
    /// Domains the certificate is for.
    pub domains: Vec<String>,
    /// PEM certificate.
    pub cert: Pem,
    /// PEM private key.
    pub key: Pem,
    /// Environment variable holding the key's password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
}

/// PEM text, inline or read with `open()` in init code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pem {
    /// The PEM text itself.
    Inline(String),
    /// A file path, relative to the current directory of the process that
    /// generates (or absolute): k6dsl copies the file beside the script and the
    /// script opens the copy in init code (see [`crate::model::files`]).
    File(String),
}

/// An address a host name resolves to (`hosts`), with an optional port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HostAddress {
    /// The IP address.
    pub ip: IpAddr,
    /// The port, when the mapping redirects it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

impl HostAddress {
    /// Just an address.
    pub fn ip(ip: IpAddr) -> Self {
        HostAddress { ip, port: None }
    }

    /// An address and a port.
    pub fn with_port(ip: IpAddr, port: u16) -> Self {
        HostAddress {
            ip,
            port: Some(port),
        }
    }
}

impl fmt::Display for HostAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ip, self.port) {
            (ip, None) => write!(f, "{ip}"),
            (IpAddr::V4(ip), Some(port)) => write!(f, "{ip}:{port}"),
            (IpAddr::V6(ip), Some(port)) => write!(f, "[{ip}]:{port}"),
        }
    }
}

/// An address range in CIDR notation (`10.0.0.0/8`).
///
/// ```
/// use k6dsl::options::Cidr;
/// let range: Cidr = "10.0.0.0/8".parse().unwrap();
/// assert_eq!(range.to_string(), "10.0.0.0/8");
/// assert!("10.0.0.0/33".parse::<Cidr>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// A range, if `prefix` fits the address family (<= 32 for IPv4, <= 128 for IPv6).
    pub fn new(addr: IpAddr, prefix: u8) -> Result<Self, String> {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if prefix > max {
            return Err(format!("CIDR prefix /{prefix} is longer than {max} bits"));
        }
        Ok(Cidr { addr, prefix })
    }

    /// The base address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not CIDR notation (like 10.0.0.0/8)"))?;
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{addr}` in `{s}` is not an IP address"))?;
        let prefix: u8 = prefix
            .parse()
            .map_err(|_| format!("`{prefix}` in `{s}` is not a prefix length"))?;
        Cidr::new(addr, prefix)
    }
}

impl TryFrom<String> for Cidr {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Cidr> for String {
    fn from(c: Cidr) -> String {
        c.to_string()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// A fraction in [0, 1], for execution segments (`1/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Fraction {
    /// Numerator.
    pub num: u32,
    /// Denominator (> 0).
    pub den: u32,
}

impl Fraction {
    /// `num/den`.
    pub const fn new(num: u32, den: u32) -> Self {
        Fraction { num, den }
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.num, self.den) {
            (0, _) => f.write_str("0"),
            (n, d) if n == d => f.write_str("1"),
            (n, d) => write!(f, "{n}/{d}"),
        }
    }
}

/// `executionSegment`: the part `from..to` of the whole test this instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExecutionSegment {
    /// Start, in [0, 1).
    pub from: Fraction,
    /// End, in (from, 1].
    pub to: Fraction,
}

impl fmt::Display for ExecutionSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.from, self.to)
    }
}

/// A statistic in `summaryTrendStats`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrendStat {
    /// `avg`
    Avg,
    /// `min`
    Min,
    /// `med`
    Med,
    /// `max`
    Max,
    /// `count`
    Count,
    /// `p(N)`, N in [0, 100]
    Percentile(f64),
}

// TrendStat stays its own type rather than k6dsl-facts' `Stat`: it is the part of
// `Stat` that summaryTrendStats takes (`Stat::in_summary_trend_stats`), so builders
// cannot write `rate` or `value` there and the plan's schema refuses them. Its
// names are `Stat`'s.
impl From<TrendStat> for crate::model::Stat {
    fn from(stat: TrendStat) -> Self {
        use crate::model::Stat;
        match stat {
            TrendStat::Avg => Stat::Avg,
            TrendStat::Min => Stat::Min,
            TrendStat::Med => Stat::Med,
            TrendStat::Max => Stat::Max,
            TrendStat::Count => Stat::Count,
            TrendStat::Percentile(p) => Stat::Percentile(p),
        }
    }
}

/// `summaryTimeUnit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SummaryTimeUnit {
    /// `s`
    Seconds,
    /// `ms`
    Milliseconds,
    /// `us`
    Microseconds,
}

impl SummaryTimeUnit {
    /// k6's spelling.
    pub fn as_k6(self) -> &'static str {
        match self {
            SummaryTimeUnit::Seconds => "s",
            SummaryTimeUnit::Milliseconds => "ms",
            SummaryTimeUnit::Microseconds => "us",
        }
    }
}

macro_rules! system_tags {
    ($($variant:ident => $name:literal,)*) => {
        /// A system tag k6 can attach to samples (`systemTags`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum SystemTag { $(#[doc = concat!("`", $name, "`")] $variant,)* }

        impl SystemTag {
            /// Every system tag.
            pub const ALL: &'static [SystemTag] = &[$(SystemTag::$variant,)*];

            /// k6's name for the tag.
            pub fn as_k6(self) -> &'static str {
                match self { $(SystemTag::$variant => $name,)* }
            }
        }
    };
}

system_tags! {
    Proto => "proto",
    Subproto => "subproto",
    Status => "status",
    Method => "method",
    Url => "url",
    Name => "name",
    Group => "group",
    Check => "check",
    Error => "error",
    ErrorCode => "error_code",
    TlsVersion => "tls_version",
    Scenario => "scenario",
    Service => "service",
    ExpectedResponse => "expected_response",
    Iter => "iter",
    Vu => "vu",
    OcspStatus => "ocsp_status",
    Ip => "ip",
}
