//! A real HTTP server on 127.0.0.1 that plays issuers in tests.
//!
//! Routes are set after start (documents need the server's own address in
//! them). The server runs on its own thread and stops when dropped. Every
//! connection gets its own thread and is closed after one answer, so a burst
//! of concurrent clients (as `verify --all` makes) is never queued behind
//! idle keep-alive connections.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server answers on one path.
#[derive(Clone, Debug)]
pub enum Route {
    /// 200 with a JSON body.
    Json(String),
    /// 200 with a body and a content type.
    Body(&'static str, Vec<u8>),
    /// Only a status code.
    Status(u16),
    /// 302 to the given location.
    Redirect(String),
    /// Waits, then answers like the inner route.
    Slow(Duration, Box<Route>),
}

/// A running issuer.
pub struct Issuer {
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<Vec<String>>>,
    in_flight: Arc<InFlight>,
    stop: Arc<AtomicBool>,
    port: u16,
    thread: Option<JoinHandle<()>>,
    pub base: String,
}

impl Issuer {
    pub fn start() -> Issuer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let in_flight: Arc<InFlight> = Arc::default();
        let stop: Arc<AtomicBool> = Arc::default();
        let thread = {
            let (routes, hits, stop) = (routes.clone(), hits.clone(), stop.clone());
            let in_flight = in_flight.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (routes, hits) = (routes.clone(), hits.clone());
                    let in_flight = in_flight.clone();
                    std::thread::spawn(move || serve(stream, &routes, &hits, &in_flight));
                }
            })
        };
        Issuer {
            routes,
            hits,
            in_flight,
            stop,
            port,
            thread: Some(thread),
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
    }

    pub fn json(&self, path: &str, value: &serde_json::Value) {
        self.route(path, Route::Json(value.to_string()));
    }

    /// The most requests this server was answering at the same time.
    pub fn peak_in_flight(&self) -> usize {
        self.in_flight.peak.load(Ordering::SeqCst)
    }

    /// How many requests reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

/// Requests being answered, now and at most.
#[derive(Debug, Default)]
struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }
}

/// Reads one request (request line, headers, any body) and answers it.
fn serve(
    stream: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    hits: &Mutex<Vec<String>>,
    in_flight: &InFlight,
) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {
                if let Some((name, value)) = header.split_once(':')
                    && name.trim().eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    hits.lock().unwrap().push(path.clone());
    let route = routes.lock().unwrap().get(&path).cloned();
    in_flight.enter();
    answer(stream, route, in_flight);
}

/// Answers a request counted in `in_flight`, and stops counting it just
/// before the answer goes out (the client may then send its next one).
fn answer(mut stream: TcpStream, route: Option<Route>, in_flight: &InFlight) {
    let (status, headers, body): (u16, Vec<(&str, String)>, Vec<u8>) = match route {
        None => (404, vec![], b"not found".to_vec()),
        Some(Route::Slow(delay, inner)) => {
            std::thread::sleep(delay);
            return answer(stream, Some(*inner), in_flight);
        }
        Some(Route::Json(body)) => (
            200,
            vec![("Content-Type", "application/ld+json".into())],
            body.into_bytes(),
        ),
        Some(Route::Body(ct, body)) => (200, vec![("Content-Type", ct.into())], body),
        Some(Route::Status(code)) => (code, vec![], Vec::new()),
        Some(Route::Redirect(to)) => (302, vec![("Location", to)], Vec::new()),
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    in_flight.now.fetch_sub(1, Ordering::SeqCst);
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        404 => "Not Found",
        410 => "Gone",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
