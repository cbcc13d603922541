//! A minimal HTTP/1.1 client over `std::net::TcpStream`: one request per connection
//! (`Connection: close`), `Content-Length` bodies, loopback addresses only.
//!
//! Why not `ureq` (without TLS it would carry these requests): the gateway's fault cases assert
//! which `TransportError` each failure becomes — a silent server is `Timeout` after one read, a
//! connection cut mid-body is `Io`, a garbled status line is `Protocol` — and the client's retry
//! decisions hang on that mapping. Here each is one line at the place it happens; through
//! `ureq` it would be a translation of its own error kinds, which change between its majors.
//! Loopback only, because it speaks plain HTTP: a bearer token must never cross a network in
//! clear text.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::url::{self, Target};
use valuation_submit::{Request, Response, Transport, TransportError};

const MAX_HEAD_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpTransport {
    pub connect_timeout: Duration,
    /// Per read/write: a silent server ends the attempt with `TransportError::Timeout`. Above the
    /// `authenticated` role's 8 s statement timeout, so a slow insert is not cut short.
    pub io_timeout: Duration,
    /// Bounds memory for a misbehaving server; PostgREST's answers to inserts are tiny.
    pub max_response_bytes: usize,
}

impl Default for HttpTransport {
    fn default() -> Self {
        HttpTransport {
            connect_timeout: Duration::from_secs(5),
            io_timeout: Duration::from_secs(15),
            max_response_bytes: 1 << 20,
        }
    }
}

impl Transport for HttpTransport {
    /// Blocking inside `poll`: fine under `block_on`, one request per thread.
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.send_blocking(&request)
    }
}

impl HttpTransport {
    pub fn send_blocking(&self, request: &Request) -> Result<Response, TransportError> {
        let target = url::parse(&request.url)?;
        let head = request_head(request, &target)?;
        let mut stream = self.connect(&target)?;
        let timeout = |e| io_error(e, self.io_timeout);
        stream
            .set_read_timeout(Some(self.io_timeout))
            .map_err(timeout)?;
        stream
            .set_write_timeout(Some(self.io_timeout))
            .map_err(timeout)?;
        stream.set_nodelay(true).map_err(timeout)?;
        // One write of head + body: no small-packet delays, and simpler failure handling.
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&request.body);
        stream.write_all(&bytes).map_err(timeout)?;
        self.read_response(&mut stream)
    }

    fn connect(&self, target: &Target) -> Result<TcpStream, TransportError> {
        let addrs: Vec<SocketAddr> = (target.host.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|e| TransportError::Connect(format!("{}: {e}", target.host)))?
            .collect();
        if addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
            return Err(TransportError::InvalidRequest(format!(
                "{} is not a loopback address: this plain-HTTP transport never sends tokens over a network",
                target.host
            )));
        }
        let mut last_error = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, self.connect_timeout) {
                Ok(stream) => return Ok(stream),
                Err(e) => last_error = Some(e),
            }
        }
        let e = last_error.expect("at least one address was tried");
        Err(match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                TransportError::Timeout(self.connect_timeout)
            }
            _ => TransportError::Connect(format!("{}: {e}", target.authority)),
        })
    }

    /// Reads until the body is complete (`Content-Length`) or the server closes the connection.
    fn read_response(&self, stream: &mut TcpStream) -> Result<Response, TransportError> {
        let mut buf = Vec::with_capacity(4096);
        let mut chunk = [0u8; 16 * 1024];
        let mut head: Option<(Head, usize)> = None; // parsed head, body offset
        loop {
            if let Some((
                Head {
                    content_length: Some(len),
                    ..
                },
                start,
            )) = &head
            {
                if buf.len() >= start + len {
                    break;
                }
            }
            let n = match stream.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(e, self.io_timeout)),
            };
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            if head.is_none() {
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    head = Some((parse_head(&buf[..end])?, end + 4));
                } else if buf.len() > MAX_HEAD_BYTES {
                    return Err(TransportError::Protocol(
                        "response headers too large".into(),
                    ));
                }
            }
            if buf.len() > MAX_HEAD_BYTES + self.max_response_bytes {
                return Err(TransportError::Protocol(format!(
                    "response larger than {} bytes",
                    self.max_response_bytes
                )));
            }
        }
        let Some((head, start)) = head else {
            return Err(TransportError::Io(if buf.is_empty() {
                "connection closed without a response".into()
            } else {
                "connection closed in the middle of the response headers".into()
            }));
        };
        let mut body = buf.split_off(start);
        if let Some(len) = head.content_length {
            if body.len() < len {
                return Err(TransportError::Io(
                    "connection closed in the middle of the response body".into(),
                ));
            }
            body.truncate(len);
        }
        Ok(Response {
            status: head.status,
            headers: head.headers,
            body,
        })
    }
}

fn io_error(e: io::Error, timeout: Duration) -> TransportError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => TransportError::Timeout(timeout),
        _ => TransportError::Io(e.to_string()),
    }
}

fn request_head(request: &Request, target: &Target) -> Result<String, TransportError> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        request.method.as_str(),
        target.path,
        target.authority,
        request.body.len()
    );
    for (name, value) in &request.headers {
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        // No CR/LF/NUL: a token or key must not be able to smuggle in extra headers.
        let value_ok = value
            .bytes()
            .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f));
        if !name_ok || !value_ok {
            return Err(TransportError::InvalidRequest(format!(
                "header {name:?} has characters HTTP does not allow"
            )));
        }
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    Ok(head)
}

struct Head {
    status: u16,
    headers: Vec<(String, String)>,
    content_length: Option<usize>,
}

fn parse_head(bytes: &[u8]) -> Result<Head, TransportError> {
    let bad = |what: &str| TransportError::Protocol(what.to_owned());
    let text = std::str::from_utf8(bytes).map_err(|_| bad("response headers are not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") || status.len() != 3 {
        return Err(bad("not an HTTP/1.x status line"));
    }
    let status: u16 = status.parse().map_err(|_| bad("bad status code"))?;
    let mut headers = Vec::new();
    let mut content_length = None;
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("header line without ':'"))?;
        let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
        if name.eq_ignore_ascii_case("content-length") {
            content_length = Some(value.parse().map_err(|_| bad("bad Content-Length"))?);
        }
        if name.eq_ignore_ascii_case("transfer-encoding") && !value.eq_ignore_ascii_case("identity")
        {
            return Err(bad("chunked responses are not supported by this transport"));
        }
        headers.push((name, value));
    }
    Ok(Head {
        status,
        headers,
        content_length,
    })
}

#[cfg(test)]
#[path = "http_tests.rs"]
mod tests;
