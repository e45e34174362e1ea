//! A VU's cookie jar, as k6 keeps one (Go's `net/http/cookiejar`): filled from
//! every response's `Set-Cookie`, sent with each request whose host and path it
//! matches, and changed by a flow's cookie steps (`jar.set`, `delete`, `clear`).
//! Each function a probe runs (setup, a flow, teardown) has a jar of its own, as
//! each k6 VU does.

use std::time::{SystemTime, UNIX_EPOCH};

/// One stored cookie.
#[derive(Debug, Clone, PartialEq)]
struct Cookie {
    name: String,
    value: String,
    /// The host it was set for (host-only) or the domain it covers.
    domain: String,
    host_only: bool,
    path: String,
}

/// The parts of a URL the jar matches on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Target {
    pub host: String,
    pub path: String,
}

impl Target {
    /// Host (lower case, without port) and path of an absolute `http(s)` URL.
    pub(super) fn of(url: &str) -> Option<Target> {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or(v6)
        } else {
            authority.split(':').next().unwrap_or(authority)
        };
        let path_and_more = &rest[end..];
        let path_end = path_and_more
            .find(['?', '#'])
            .unwrap_or(path_and_more.len());
        let path = &path_and_more[..path_end];
        Some(Target {
            host: host.to_ascii_lowercase(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
        })
    }

    /// The path a cookie set without one gets: the URL's directory.
    fn default_path(&self) -> String {
        match self.path.rfind('/') {
            Some(0) | None => "/".into(),
            Some(i) => self.path[..i].into(),
        }
    }
}

/// A VU's cookies.
#[derive(Debug, Default, Clone)]
pub(super) struct Jar {
    cookies: Vec<Cookie>,
}

impl Jar {
    /// Stores (or removes, when expired) the cookie of one `Set-Cookie` header
    /// received from `target`; a malformed or foreign-domain header is ignored,
    /// as Go's jar ignores it.
    pub(super) fn receive(&mut self, target: &Target, header: &str) {
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
            return;
        };
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let value = value.trim().trim_matches('"');
        let mut path = None;
        let mut domain = None;
        let mut expired = false;
        let mut max_age_seen = false;
        for attribute in parts {
            let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
            let val = val.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "path" if val.starts_with('/') => path = Some(val.to_owned()),
                "domain" if !val.is_empty() => {
                    domain = Some(val.trim_start_matches('.').to_ascii_lowercase())
                }
                "max-age" => {
                    max_age_seen = true;
                    expired = val.parse::<i64>().is_ok_and(|secs| secs <= 0);
                }
                "expires" if !max_age_seen => {
                    expired = http_date_secs(val).is_some_and(|at| at <= now_secs());
                }
                _ => {}
            }
        }
        let (domain, host_only) = match domain {
            None => (target.host.clone(), true),
            Some(d) if d == target.host => (d, false),
            Some(d) if target.host.ends_with(&format!(".{d}")) && !is_ip(&target.host) => {
                (d, false)
            }
            Some(_) => return,
        };
        let path = path.unwrap_or_else(|| target.default_path());
        self.cookies
            .retain(|c| !(c.name == name && c.domain == domain && c.path == path));
        if !expired {
            self.cookies.push(Cookie {
                name: name.to_owned(),
                value: value.to_owned(),
                domain,
                host_only,
                path,
            });
        }
    }

    /// `jar.set(url, name, value)`.
    pub(super) fn set(&mut self, target: &Target, name: &str, value: &str) {
        self.receive(target, &format!("{name}={value}"));
    }

    /// `jar.delete(url, name)`: the cookie of that name the URL would send.
    pub(super) fn delete(&mut self, target: &Target, name: &str) {
        self.cookies
            .retain(|c| !(c.name == name && matches(c, target)));
    }

    /// `jar.clear(url)`: every cookie the URL would send.
    pub(super) fn clear(&mut self, target: &Target) {
        self.cookies.retain(|c| !matches(c, target));
    }

    /// The cookies a request to `target` sends, longest path first (as Go orders
    /// them), then in the order they were set.
    pub(super) fn for_target(&self, target: &Target) -> Vec<(String, String)> {
        let mut found: Vec<&Cookie> = self.cookies.iter().filter(|c| matches(c, target)).collect();
        found.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        found
            .into_iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect()
    }
}

fn matches(cookie: &Cookie, target: &Target) -> bool {
    let domain_ok = if cookie.host_only {
        cookie.domain == target.host
    } else {
        cookie.domain == target.host || target.host.ends_with(&format!(".{}", cookie.domain))
    };
    domain_ok && path_matches(&cookie.path, &target.path)
}

/// RFC 6265's path match.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since the epoch of an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`, or
/// with dashes, `21-Oct-2015`); `None` when it does not read as one.
fn http_date_secs(text: &str) -> Option<i64> {
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let fields: Vec<&str> = text.split([' ', '-']).filter(|f| !f.is_empty()).collect();
    let [day, month, year, time, ..] = fields.as_slice() else {
        return None;
    };
    let day: i64 = day.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = MONTHS
        .iter()
        .position(|m| month.to_ascii_lowercase().starts_with(m))? as i64
        + 1;
    let mut year: i64 = year.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str) -> Target {
        Target::of(url).unwrap()
    }

    #[test]
    fn cookies_go_where_host_and_path_match() {
        let mut jar = Jar::default();
        jar.receive(
            &at("http://127.0.0.1:3300/session"),
            "session=abc; Path=/; HttpOnly",
        );
        jar.receive(&at("http://127.0.0.1:3300/cart/items"), "cart=1");
        assert_eq!(
            jar.for_target(&at("http://127.0.0.1:3300/cart/x")),
            [
                ("cart".into(), "1".into()),
                ("session".into(), "abc".into())
            ]
        );
        assert_eq!(jar.for_target(&at("http://127.0.0.1:3300/orders")).len(), 1);
        assert!(jar.for_target(&at("http://localhost:3300/")).is_empty());
        jar.receive(&at("http://127.0.0.1:3300/"), "session=; Max-Age=0; Path=/");
        assert_eq!(jar.for_target(&at("http://127.0.0.1:3300/cart/x")).len(), 1);
        jar.receive(
            &at("http://127.0.0.1/"),
            "cart=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/cart",
        );
        assert!(jar.for_target(&at("http://127.0.0.1/cart/x")).is_empty());
    }

    #[test]
    fn set_delete_and_clear_act_on_the_urls_cookies() {
        let mut jar = Jar::default();
        jar.set(&at("http://shop.test/"), "a", "1");
        jar.set(&at("http://shop.test/"), "b", "2");
        jar.delete(&at("http://shop.test/x"), "a");
        assert_eq!(
            jar.for_target(&at("http://shop.test/")),
            [("b".into(), "2".into())]
        );
        jar.clear(&at("http://shop.test/"));
        assert!(jar.for_target(&at("http://shop.test/")).is_empty());
        // A foreign domain is refused; a parent domain covers subdomains.
        jar.receive(&at("http://a.shop.test/"), "x=1; Domain=other.test");
        jar.receive(&at("http://a.shop.test/"), "y=2; Domain=.shop.test");
        assert_eq!(
            jar.for_target(&at("http://b.shop.test/")),
            [("y".into(), "2".into())]
        );
    }

    #[test]
    fn http_dates_read_as_seconds() {
        assert_eq!(http_date_secs("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date_secs("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(1_445_412_480)
        );
        assert_eq!(
            http_date_secs("Wed, 21-Oct-15 07:28:00 GMT"),
            Some(1_445_412_480)
        );
        assert_eq!(http_date_secs("soon"), None);
    }
}
