//! Just enough URL parsing for the loopback transport: `http://host[:port][/path][?query]`.

use valuation_submit::TransportError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    /// Without brackets for IPv6 (`::1`), ready for name resolution.
    pub host: String,
    pub port: u16,
    /// `host:port` as the `Host` header wants it (brackets kept for IPv6).
    pub authority: String,
    /// Path and query, starting with `/`.
    pub path: String,
}

fn invalid(message: impl Into<String>) -> TransportError {
    TransportError::InvalidRequest(message.into())
}

pub(super) fn parse(url: &str) -> Result<Target, TransportError> {
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            return Err(invalid("https needs a TLS transport; the native HttpTransport speaks plain HTTP to loopback only"))
        }
        _ => return Err(invalid(format!("not an http:// URL: {url}"))),
    };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    if authority.contains('@') {
        return Err(invalid("credentials in the URL are not supported"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| invalid("unclosed [ in the URL's host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("the URL has no host"));
    }
    let port = match port {
        None => 80,
        Some(p) => p
            .parse()
            .map_err(|_| invalid(format!("bad port in {url}")))?,
    };
    Ok(Target {
        host: host.to_owned(),
        port,
        authority: authority.to_owned(),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts_ports_and_paths() {
        let t = parse("http://127.0.0.1:5432/rest/v1/t?a=b,c").unwrap();
        assert_eq!(
            (
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            ("127.0.0.1", 5432, "127.0.0.1:5432", "/rest/v1/t?a=b,c")
        );
        let t = parse("HTTP://localhost").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("localhost", 80, "/")
        );
        let t = parse("http://[::1]:8080?x=1#frag").unwrap();
        assert_eq!(
            (
                t.host.as_str(),
                t.port,
                t.authority.as_str(),
                t.path.as_str()
            ),
            ("::1", 8080, "[::1]:8080", "/?x=1")
        );
    }

    #[test]
    fn refuses_what_it_cannot_send() {
        for url in [
            "https://x.supabase.co",
            "ftp://h",
            "localhost:80",
            "http://:80/",
            "http://h:99999/",
            "http://u:p@h/",
        ] {
            assert!(
                matches!(parse(url), Err(TransportError::InvalidRequest(_))),
                "{url}"
            );
        }
    }
}
