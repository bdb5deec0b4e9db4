//! A real HTTP server on 127.0.0.1 that plays issuers in tests.
//!
//! Routes are set after start (documents need the server's own address in
//! them). The server runs on its own thread and stops when dropped.
#![allow(dead_code)] // each user needs a different subset

use std::collections::HashMap;
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
    server: Arc<tiny_http::Server>,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
    pub base: String,
}

impl Issuer {
    pub fn start() -> Issuer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("ip listener").port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let thread = {
            let (server, routes, hits) = (server.clone(), routes.clone(), hits.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let path = request.url().to_owned();
                    hits.lock().unwrap().push(path.clone());
                    let route = routes.lock().unwrap().get(&path).cloned();
                    std::thread::spawn(move || answer(request, route));
                }
            })
        };
        Issuer {
            server,
            routes,
            hits,
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

fn answer(request: tiny_http::Request, route: Option<Route>) {
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).expect("header");
    let response = match route {
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
        Some(Route::Slow(delay, inner)) => {
            std::thread::sleep(delay);
            return answer(request, Some(*inner));
        }
        Some(Route::Json(body)) => tiny_http::Response::from_data(body.into_bytes())
            .with_header(header("Content-Type", "application/ld+json")),
        Some(Route::Body(ct, body)) => {
            tiny_http::Response::from_data(body).with_header(header("Content-Type", ct))
        }
        Some(Route::Status(code)) => {
            tiny_http::Response::from_data(Vec::new()).with_status_code(code)
        }
        Some(Route::Redirect(to)) => tiny_http::Response::from_data(Vec::new())
            .with_status_code(302)
            .with_header(header("Location", &to)),
    };
    let _ = request.respond(response);
}

impl Drop for Issuer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
