use super::*;
use std::net::TcpListener;
use std::thread;
use valuation_submit::Method;

/// A one-connection server: reads the request head (+ a Content-Length body), hands it to
/// `reply`, which writes whatever it likes (or nothing) and may close early.
fn serve(
    reply: impl FnOnce(String, &mut TcpStream) + Send + 'static,
) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let handle = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            buf.push(byte[0]);
        }
        let head = String::from_utf8(buf).unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .map_or(0, |v| v.trim().parse().unwrap());
        let mut body = vec![0u8; len];
        stream.read_exact(&mut body).unwrap();
        reply(head + &String::from_utf8(body).unwrap(), &mut stream);
    });
    (url, handle)
}

fn post(url: &str, body: &str) -> Request {
    Request {
        method: Method::Post,
        url: format!("{url}/rest/v1/t?on_conflict=a,b"),
        headers: vec![
            ("apikey".into(), "k".into()),
            ("Prefer".into(), "return=minimal".into()),
        ],
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn sends_a_well_formed_request_and_reads_a_content_length_body() {
    let (url, server) = serve(|request, stream| {
        let port = request
            .split("Host: 127.0.0.1:")
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned();
        let expected = format!(
            "POST /rest/v1/t?on_conflict=a,b HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: 7\r\napikey: k\r\nPrefer: return=minimal\r\n\r\n[{{}},{{}}]"
        );
        assert_eq!(request, expected);
        // The body is followed by junk the client must not read as body.
        stream.write_all(b"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\ncontent-length: 5\r\n\r\n{\"a\"}junk").unwrap();
    });
    let response = HttpTransport::default()
        .send_blocking(&post(&url, "[{},{}]"))
        .unwrap();
    server.join().unwrap();
    assert_eq!(response.status, 409);
    assert_eq!(response.header("Content-Length"), Some("5"));
    assert_eq!(response.body, b"{\"a\"}");
}

#[test]
fn reads_to_end_without_content_length() {
    let (url, server) = serve(|_, stream| {
        stream
            .write_all(b"HTTP/1.0 201 Created\r\nX: y\r\n\r\nall of it")
            .unwrap()
    });
    let response = HttpTransport::default()
        .send_blocking(&post(&url, ""))
        .unwrap();
    server.join().unwrap();
    assert_eq!(
        (
            response.status,
            response.body.as_slice(),
            response.header("x")
        ),
        (201, &b"all of it"[..], Some("y"))
    );
}

#[test]
fn a_dropped_connection_is_an_io_error() {
    let (url, server) = serve(|_, _| {}); // closes without answering
    let error = HttpTransport::default()
        .send_blocking(&post(&url, "{}"))
        .unwrap_err();
    server.join().unwrap();
    assert_eq!(
        error,
        TransportError::Io("connection closed without a response".into())
    );

    let (url, server) = serve(|_, s| {
        s.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nshort")
            .unwrap()
    });
    let error = HttpTransport::default()
        .send_blocking(&post(&url, "{}"))
        .unwrap_err();
    server.join().unwrap();
    assert!(matches!(error, TransportError::Io(m) if m.contains("middle of the response body")));
}

#[test]
fn a_silent_server_times_out() {
    let (url, server) = serve(|_, _| thread::sleep(Duration::from_millis(300)));
    let transport = HttpTransport {
        io_timeout: Duration::from_millis(50),
        ..HttpTransport::default()
    };
    let error = transport.send_blocking(&post(&url, "{}")).unwrap_err();
    assert_eq!(error, TransportError::Timeout(Duration::from_millis(50)));
    server.join().unwrap();
}

#[test]
fn refuses_non_loopback_hosts_bad_headers_and_garbage() {
    let remote = HttpTransport::default()
        .send_blocking(&post("http://192.0.2.1:80", "{}"))
        .unwrap_err();
    assert!(matches!(remote, TransportError::InvalidRequest(m) if m.contains("loopback")));

    let mut injected = post("http://127.0.0.1:9", "{}");
    injected
        .headers
        .push(("Authorization".into(), "Bearer x\r\nX-Evil: 1".into()));
    assert!(matches!(
        HttpTransport::default().send_blocking(&injected),
        Err(TransportError::InvalidRequest(_))
    ));

    let (url, server) = serve(|_, s| s.write_all(b"SSH-2.0-OpenSSH\r\n\r\n").unwrap());
    let garbage = HttpTransport::default()
        .send_blocking(&post(&url, "{}"))
        .unwrap_err();
    server.join().unwrap();
    assert!(
        matches!(garbage, TransportError::Protocol(_)),
        "{garbage:?}"
    );
}

#[test]
fn connection_refused_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again
    let error = HttpTransport::default()
        .send_blocking(&post(&format!("http://127.0.0.1:{port}"), "{}"))
        .unwrap_err();
    assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
}
