//! A local webhook receiver: a minimal HTTP/1.1 server on 127.0.0.1 that records every request
//! the Worker (under `wrangler dev --local`) posts to it, and can fail the first few on purpose.
//!
//! It runs on plain threads with `std::net`, so it needs no tokio I/O features and works from
//! any test runtime; only `wait_for` is async. One request per connection: every answer says
//! `Connection: close` and the socket is closed after it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Larger heads or bodies are refused (413/431) rather than buffered.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// A client that stops sending mid-request loses its connection after this.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// One request as the receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The request target as sent (`/hook`, `/hook?x=1`).
    pub path: String,
    /// In order of arrival; names lower-cased, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

struct State {
    fail_first: usize,
    fail_status: u16,
    received: Mutex<Vec<Received>>,
    stop: AtomicBool,
}

impl State {
    fn received(&self) -> MutexGuard<'_, Vec<Received>> {
        // A panicking connection thread must not hide what was recorded before it.
        self.received.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Receiver {
    /// Binds 127.0.0.1:0. The first `fail_first` requests are answered with `fail_status`
    /// (e.g. 500), later ones with 200.
    pub async fn start(fail_first: usize, fail_status: u16) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port for the webhook receiver");
        let addr = listener.local_addr().expect("the receiver's address");
        let state =
            Arc::new(State { fail_first, fail_status, received: Mutex::new(Vec::new()), stop: AtomicBool::new(false) });
        let accepting = Arc::clone(&state);
        std::thread::Builder::new()
            .name(format!("webhook-receiver-{}", addr.port()))
            .spawn(move || accept_loop(listener, accepting))
            .expect("spawn the receiver's accept thread");
        Receiver { url: format!("http://{addr}/hook"), addr, state }
    }

    /// Binds a chosen address (the mail sink the stack was started with); answers 200 to all.
    pub fn bind(addr: &str) -> Receiver {
        let listener = TcpListener::bind(addr).unwrap_or_else(|e| panic!("bind {addr} for the mail sink: {e}"));
        let addr = listener.local_addr().expect("the receiver's address");
        let state = Arc::new(State {
            fail_first: 0,
            fail_status: 200,
            received: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&state);
        std::thread::Builder::new()
            .name(format!("mail-sink-{}", addr.port()))
            .spawn(move || accept_loop(listener, accepting))
            .expect("spawn the mail sink's accept thread");
        Receiver { url: format!("http://{addr}/mail"), addr, state }
    }

    /// Every request so far, in order of arrival (failed ones included).
    pub fn received(&self) -> Vec<Received> {
        self.state.received().clone()
    }

    /// Wait until at least `n` requests arrived or `timeout` passed; returns what arrived.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.received();
            if received.len() >= n || Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The first value of header `name` (any case).
    pub fn header(r: &Received, name: &str) -> Option<String> {
        r.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag and ends.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn accept_loop(listener: TcpListener, state: Arc<State>) {
    for stream in listener.incoming() {
        if state.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let state = Arc::clone(&state);
        let _ = std::thread::Builder::new().name("webhook-receiver-conn".into()).spawn(move || {
            let _ = serve(stream, &state);
        });
    }
}

/// Read one request, record it, answer, close.
fn serve(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let request = match read_request(&mut reader, &mut writer) {
        Ok(Some(request)) => request,
        // The peer connected and closed without a request (e.g. our own wake-up in `drop`).
        Ok(None) => return Ok(()),
        Err(status) => return respond(&mut writer, status, "bad request"),
    };
    let status = {
        let mut received = state.received();
        let status = if received.len() < state.fail_first { state.fail_status } else { 200 };
        received.push(request);
        status
    };
    respond(&mut writer, status, if status == 200 { "ok" } else { "failing on purpose" })
}

fn respond(writer: &mut TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    writer.write_all(head.as_bytes())?;
    writer.write_all(body.as_bytes())?;
    writer.flush()?;
    // Say we are done sending; dropping both halves then closes the socket.
    writer.shutdown(std::net::Shutdown::Write)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// One CRLF- (or LF-) terminated line without its terminator; `None` at a clean EOF.
fn read_line(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> Result<Option<String>, u16> {
    let mut line = Vec::new();
    let n = reader.by_ref().take(*budget as u64 + 1).read_until(b'\n', &mut line).map_err(|_| 400u16)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(431);
    }
    *budget -= n;
    if line.last() != Some(&b'\n') {
        return Err(400);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map(Some).map_err(|_| 400)
}

/// Parse one request: request line, headers, then a `Content-Length` or chunked body.
/// `Ok(None)` if the peer closed before sending anything; `Err(status)` for a bad request.
fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> Result<Option<Received>, u16> {
    let mut budget = MAX_HEAD_BYTES;
    let Some(request_line) = read_line(reader, &mut budget)? else {
        return Ok(None);
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(400);
    }
    let (method, path) = (method.to_owned(), path.to_owned());

    let mut headers = Vec::new();
    loop {
        let Some(line) = read_line(reader, &mut budget)? else {
            return Err(400);
        };
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(400);
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let get = |name: &str| headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());

    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").map_err(|_| 400u16)?;
    }
    let chunked = get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else {
        match get("content-length") {
            None => Vec::new(),
            Some(raw) => {
                let len: usize = raw.parse().map_err(|_| 400u16)?;
                if len > MAX_BODY_BYTES {
                    return Err(413);
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).map_err(|_| 400u16)?;
                body
            }
        }
    };
    Ok(Some(Received { method, path, headers, body }))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, u16> {
    let mut body = Vec::new();
    let mut budget = MAX_HEAD_BYTES;
    loop {
        let line = read_line(reader, &mut budget)?.ok_or(400u16)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| 400u16)?;
        if size == 0 {
            // Trailers, up to the blank line.
            while !read_line(reader, &mut budget)?.ok_or(400u16)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Err(413);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).map_err(|_| 400u16)?;
        if !read_line(reader, &mut budget)?.ok_or(400u16)?.is_empty() {
            return Err(400);
        }
    }
}

#[tokio::test]
async fn receiver_fails_the_first_request_then_accepts_and_records_both() {
    let receiver = Receiver::start(1, 500).await;
    assert!(receiver.url.starts_with("http://127.0.0.1:") && receiver.url.ends_with("/hook"), "{}", receiver.url);
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for (n, body) in [r#"{"n":1}"#, r#"{"n":2,"title":"路灯不亮"}"#].into_iter().enumerate() {
        let response = client
            .post(&receiver.url)
            .header("Content-Type", "application/json")
            .header("X-Huiyin-Delivery", format!("msg-{n}"))
            .body(body)
            .send()
            .await
            .expect("the receiver answers");
        assert_eq!(response.headers().get("connection").and_then(|v| v.to_str().ok()), Some("close"));
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [500, 200]);

    let got = receiver.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.method == "POST" && r.path == "/hook"));
    assert_eq!(got[0].body, br#"{"n":1}"#);
    assert_eq!(String::from_utf8(got[1].body.clone()).unwrap(), r#"{"n":2,"title":"路灯不亮"}"#);
    assert_eq!(Receiver::header(&got[1], "x-huiyin-delivery").as_deref(), Some("msg-1"));
    assert_eq!(Receiver::header(&got[0], "Content-Type").as_deref(), Some("application/json"));
    assert!(got[0].headers.iter().all(|(k, _)| *k == k.to_ascii_lowercase()));
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn receiver_reads_chunked_bodies_and_closes_the_connection() {
    let receiver = Receiver::start(0, 500).await;
    let addr = receiver.addr;
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream
            .write_all(
                b"POST /hook?x=1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n\
                  5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
            )
            .unwrap();
        // Read to EOF: this only returns because the receiver closes after its answer.
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Connection: close\r\n"), "{answer}");
    let got = receiver.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got[0].path, "/hook?x=1");
    assert_eq!(got[0].body, b"hello, world");
    // Nothing more arrives: waiting for a second request gives up at the timeout.
    assert_eq!(receiver.wait_for(2, Duration::from_millis(100)).await.len(), 1);
}
