//! A fake backpack host on 127.0.0.1 that speaks, as documented, the Badgr
//! API v2 as badgr-server 3.14.1 was seen to (quirks included: `{status,
//! result}` wrapping, `DUPLICATE_BADGE` and flat `validationErrors` in its
//! error envelope, 404 without the backpack scope, 500 on a collection
//! created with assertions, 400 on blank fields, cursor paging, a token
//! request that must name a known OAuth application, sign-ins throttled
//! after a wrong password, imports it verifies by fetching the hosted
//! address, `FETCH_HTTP_NODE` when that fails, and each imported badge
//! served at `/public/assertions/{id}` and baked at `…/baked`), Badge Connect in
//! Badgr's shape (`/bcv1`, `results`) or the spec's (`/ims/ob/v2p1`,
//! `assertions`, `limit`/`offset` paging), chosen per test, and the Open
//! Badges 3.0 API at `/ims/ob/v3p0` (`limit`/`offset` paging with `Link`
//! and `X-Total-Count`), with one OAuth 2.0 server (password, authorization
//! code + PKCE, refresh, dynamic registration). It runs on its own thread
//! and stops when dropped; [`Backpack::go_down`] cuts its connections and
//! closes its port for a while, as a server that is down.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const USER: &str = "ada@example.org";
pub const PASSWORD: &str = "correct horse";

/// How the fake speaks Badge Connect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BadgeConnectShape {
    /// Badgr's deviations: the API at `/bcv1`, lists under `results`, a
    /// status that always says "OK", Badgr's cursor paging and its
    /// `DUPLICATE_BADGE` refusal.
    #[default]
    Badgr,
    /// The OB 2.1 spec: the API at `/ims/ob/v2p1`, lists under
    /// `assertions`, a status naming the HTTP answer, `limit`/`offset`
    /// paging and 409 for a badge the backpack holds.
    Spec,
}

impl BadgeConnectShape {
    /// Where the API hangs under the host.
    pub fn api_path(self) -> &'static str {
        match self {
            BadgeConnectShape::Badgr => "/bcv1",
            BadgeConnectShape::Spec => "/ims/ob/v2p1",
        }
    }

    /// The key a list of assertions comes under.
    fn list_key(self) -> &'static str {
        match self {
            BadgeConnectShape::Badgr => "results",
            BadgeConnectShape::Spec => "assertions",
        }
    }

    fn paging(self) -> Paging {
        match self {
            BadgeConnectShape::Badgr => Paging::Cursor,
            BadgeConnectShape::Spec => Paging::LimitOffset,
        }
    }

    /// The `status` object of an answer.
    fn status(self, code: u16, text: &str) -> Value {
        match self {
            BadgeConnectShape::Badgr => {
                json!({"error": null, "statusCode": code, "statusText": "OK"})
            }
            BadgeConnectShape::Spec if code < 300 => {
                json!({"statusCode": code, "statusText": text})
            }
            BadgeConnectShape::Spec => {
                json!({"statusCode": code, "statusText": text, "error": text})
            }
        }
    }
}

/// Everything the fake remembers; tests read and tweak it.
#[derive(Default)]
pub struct State {
    /// access token → (scope, expired)
    pub tokens: HashMap<String, (String, bool)>,
    /// refresh token → (scope, the client it was issued to)
    pub refresh: HashMap<String, (String, Option<String>)>,
    /// The OAuth applications a password sign-in may name (Badgr's README
    /// sets up `public`); a request naming none is refused as Badgr does.
    pub password_clients: Vec<String>,
    /// Every token request's form fields, in order.
    pub token_forms: Vec<HashMap<String, String>>,
    /// Badgr's sign-in throttle: username → (failures, next attempt allowed at).
    pub backoff: HashMap<String, (u32, Instant)>,
    /// The account's verified emails, which an imported badge's recipient
    /// must be one of.
    pub verified_emails: Vec<String>,
    /// client id → (secret, redirect uri)
    pub clients: HashMap<String, (String, String)>,
    /// code → (client id, challenge, redirect uri, scope)
    pub codes: HashMap<String, (String, String, String, String)>,
    /// Badgr imports: the posted body with its entityId.
    pub imports: Vec<Value>,
    /// Badgr collections by entityId; `collection_posts` are the POST bodies.
    pub collections: HashMap<String, Value>,
    pub collection_posts: Vec<Value>,
    /// What `GET /v2/backpack/assertions` and Badge Connect's
    /// `GET {apiBase}/assertions` list.
    pub listed: Vec<Value>,
    /// The Badge Connect shape spoken.
    pub badge_connect: BadgeConnectShape,
    /// OB 3.0 credentials (JSON values or JWS strings) and the profile.
    pub credentials: Vec<Value>,
    pub profile: Value,
    /// Items per page when the client does not ask for a `limit`.
    pub page_size: usize,
    /// `Some((n, status))`: answer the `n` API calls that follow normally,
    /// then every one with `status` (429 throttles with `Retry-After`, 5xx
    /// is a server in trouble).
    pub fail_after: Option<(usize, u16)>,
    /// Grant only `r:profile` to password sign-ins, saying so or not.
    pub profile_only: bool,
    pub hide_scope: bool,
    /// Every request: "METHOD /path".
    pub log: Vec<String>,
    counter: usize,
}

impl State {
    fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn issue(&mut self, scope: &str, client: Option<String>) -> Value {
        let access = self.next_id("access-");
        let refresh = self.next_id("refresh-");
        self.tokens
            .insert(access.clone(), (scope.to_owned(), false));
        self.refresh
            .insert(refresh.clone(), (scope.to_owned(), client));
        let mut answer = json!({"access_token": access, "token_type": "Bearer",
            "expires_in": 86400, "refresh_token": refresh});
        if !self.hide_scope {
            answer["scope"] = json!(scope);
        }
        answer
    }

    /// Makes every access token expired, as a day later.
    pub fn expire_tokens(&mut self) {
        self.tokens.values_mut().for_each(|t| t.1 = true);
    }

    /// The last access token issued.
    pub fn last_access_token(&self) -> String {
        (1..=self.counter)
            .rev()
            .map(|n| format!("access-{n}"))
            .find(|t| self.tokens.contains_key(t))
            .unwrap_or_default()
    }

    pub fn count(&self, line: &str) -> usize {
        self.log.iter().filter(|l| l.as_str() == line).count()
    }
}

/// A running fake host.
pub struct Backpack {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    door: FrontDoor,
    pub state: Arc<Mutex<State>>,
    pub base: String,
}

impl Backpack {
    /// A host whose Badge Connect speaks Badgr's shape.
    pub fn start() -> Backpack {
        Backpack::speaking(BadgeConnectShape::Badgr)
    }

    /// A host whose Badge Connect speaks `shape`.
    pub fn speaking(shape: BadgeConnectShape) -> Backpack {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let behind = server.server_addr().to_ip().expect("ip");
        let door = FrontDoor::open(
            TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1"),
            behind,
        );
        let base = format!("http://127.0.0.1:{}", door.port);
        let state = Arc::new(Mutex::new(State {
            page_size: 100,
            password_clients: vec!["public".to_owned()],
            verified_emails: vec![USER.to_owned()],
            profile: json!({"type": "Profile", "name": "Ada Lovelace", "email": USER}),
            badge_connect: shape,
            ..State::default()
        }));
        let thread = {
            let (server, state, base) = (server.clone(), state.clone(), base.clone());
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    let mut body = Vec::new();
                    let _ = request.as_reader().read_to_end(&mut body);
                    let (status, headers, answer) = handle(&state, &base, &request, &body);
                    let mut response =
                        tiny_http::Response::from_data(answer).with_status_code(status);
                    for (k, v) in headers {
                        response.add_header(tiny_http::Header::from_bytes(k, v).expect("header"));
                    }
                    let _ = request.respond(response);
                }
            })
        };
        Backpack {
            server,
            thread: Some(thread),
            door,
            state,
            base,
        }
    }

    /// Goes down as a server whose process died: open connections are cut
    /// and the port refuses new ones, until [`Backpack::come_back`].
    pub fn go_down(&mut self) {
        self.door.close();
    }

    /// Answers again on the same address, remembering everything.
    pub fn come_back(&mut self) {
        let port = self.door.port;
        let until = Instant::now() + Duration::from_secs(5);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(listener) => break listener,
                Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => panic!("port {port} cannot be bound again: {e}"),
            }
        };
        self.door = FrontDoor::open(listener, self.server.server_addr().to_ip().expect("ip"));
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

impl Drop for Backpack {
    fn drop(&mut self) {
        self.door.close();
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The host's public port. It relays each connection to the HTTP server
/// behind it and can cut them all at once, which tiny_http alone cannot
/// (it keeps idle keep-alive connections open after it stops).
struct FrontDoor {
    port: u16,
    open: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<JoinHandle<()>>,
}

impl FrontDoor {
    fn open(listener: TcpListener, behind: SocketAddr) -> FrontDoor {
        let port = listener.local_addr().expect("local address").port();
        let open = Arc::new(AtomicBool::new(true));
        let streams: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let thread = {
            let (open, streams) = (open.clone(), streams.clone());
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if !open.load(Ordering::SeqCst) {
                        break;
                    }
                    let (Ok(client), Ok(server)) = (client, TcpStream::connect(behind)) else {
                        continue;
                    };
                    let (Ok(c), Ok(s)) = (client.try_clone(), server.try_clone()) else {
                        continue;
                    };
                    streams.lock().unwrap().extend([c, s]);
                    relay(&client, &server);
                    relay(&server, &client);
                }
            })
        };
        FrontDoor {
            port,
            open,
            streams,
            thread: Some(thread),
        }
    }

    /// Closes the port and cuts every connection through it.
    fn close(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.open.store(false, Ordering::SeqCst);
        // Wakes the accept loop, which then ends and closes the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        let _ = thread.join();
        for stream in self.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// Copies bytes from one side to the other on its own thread.
fn relay(from: &TcpStream, to: &TcpStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}

type Answer = (u16, Vec<(String, String)>, Vec<u8>);

fn json_answer(status: u16, value: Value) -> Answer {
    (
        status,
        vec![("Content-Type".into(), "application/json".into())],
        value.to_string().into_bytes(),
    )
}

/// Badgr's `{status, result}` wrapping.
fn wrapped(status: u16, result: Value) -> Answer {
    json_answer(
        status,
        json!({"status": {"success": status < 300, "description": "ok"}, "result": result}),
    )
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn header(request: &tiny_http::Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_owned())
}

fn handle(state: &Mutex<State>, base: &str, request: &tiny_http::Request, body: &[u8]) -> Answer {
    let mut s = state.lock().unwrap();
    let url = url::Url::parse(&format!("{base}{}", request.url())).unwrap();
    let path = url.path().to_owned();
    let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
    let method = request.method().as_str().to_owned();
    s.log.push(format!("{method} {path}"));
    let body_json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);

    // Unauthenticated: OAuth and discovery.
    match (method.as_str(), path.as_str()) {
        ("POST", "/o/token") => return token(&mut s, request, &form(body)),
        ("POST", "/o/register") => {
            let id = s.next_id("client-");
            let secret = s.next_id("secret-");
            let redirect = body_json["redirect_uris"][0]
                .as_str()
                .unwrap_or("")
                .to_owned();
            s.clients.insert(id.clone(), (secret.clone(), redirect));
            return json_answer(201, json!({"client_id": id, "client_secret": secret}));
        }
        ("GET", "/o/authorize") => {
            let client = query.get("client_id").cloned().unwrap_or_default();
            let redirect = query.get("redirect_uri").cloned().unwrap_or_default();
            if s.clients.get(&client).map(|c| c.1.as_str()) != Some(redirect.as_str())
                || query.get("code_challenge_method").map(String::as_str) != Some("S256")
            {
                return json_answer(400, json!({"error": "invalid_request"}));
            }
            let code = s.next_id("code-");
            let challenge = query.get("code_challenge").cloned().unwrap_or_default();
            let scope = query.get("scope").cloned().unwrap_or_default();
            s.codes
                .insert(code.clone(), (client, challenge, redirect.clone(), scope));
            let state_param = query.get("state").cloned().unwrap_or_default();
            let mut to = url::Url::parse(&redirect).unwrap();
            to.query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", &state_param);
            return (302, vec![("Location".into(), to.to_string())], Vec::new());
        }
        ("GET", p) if p.starts_with("/public/assertions/") => {
            return public_assertion(&s, base, request, &query, p);
        }
        ("GET", p) if p.starts_with(MEDIA) => return baked_image(&s, p),
        ("GET", "/.well-known/badgeconnect.json") => {
            return json_answer(
                200,
                json!({
                    "@context": "https://w3id.org/openbadges/badgeconnect/v1",
                    "type": "BadgeConnectManifest",
                    "id": format!("{base}/.well-known/badgeconnect.json"),
                    "badgeConnectAPI": [{
                        "type": "BadgeConnectAPI", "name": "Fake Badgr",
                        "apiBase": format!("{base}{}", s.badge_connect.api_path()),
                        "version": "v1p0", "registrationUrl": format!("{base}/o/register"),
                        "authorizationUrl": format!("{base}/o/authorize"), "tokenUrl": format!("{base}/o/token"),
                        "scopesOffered": [
                            "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
                            "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
                            "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly"]
                    }]
                }),
            );
        }
        ("GET", "/ims/ob/v3p0/discovery") => {
            let scopes: serde_json::Map<String, Value> = [
                "credential.readonly",
                "credential.upsert",
                "profile.readonly",
                "profile.update",
            ]
            .iter()
            .map(|s| {
                (
                    format!("https://purl.imsglobal.org/spec/ob/v3p0/scope/{s}"),
                    json!(s),
                )
            })
            .collect();
            return json_answer(
                200,
                json!({
                    "openapi": "3.0.1",
                    "info": {"title": "Fake OB 3.0", "version": "3.0"},
                    "servers": [{"url": format!("{base}/ims/ob/v3p0")}],
                    "components": {"securitySchemes": {"OAuth2ACG": {
                        "type": "oauth2",
                        "x-imssf-registrationUrl": format!("{base}/o/register"),
                        "flows": {"authorizationCode": {
                            "authorizationUrl": format!("{base}/o/authorize"),
                            "tokenUrl": format!("{base}/o/token"),
                            "refreshUrl": format!("{base}/o/token"),
                            "scopes": scopes}}}}}
                }),
            );
        }
        _ => {}
    }

    // Everything else needs a live bearer token.
    let bearer = header(request, "Authorization")
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
        .unwrap_or_default();
    let scope = match s.tokens.get(&bearer) {
        Some((scope, false)) => scope.clone(),
        _ => {
            return json_answer(
                401,
                json!({"detail": "Authentication credentials were not provided."}),
            );
        }
    };
    match s.fail_after {
        Some((0, 429)) => {
            return (
                429,
                vec![("Retry-After".into(), "7".into())],
                br#"{"detail":"Request was throttled. Expected available in 7 seconds."}"#.to_vec(),
            );
        }
        Some((0, status)) => {
            return (
                status,
                vec![("Content-Type".into(), "text/html".into())],
                format!("<h1>Server Error ({status})</h1>").into_bytes(),
            );
        }
        Some((n, status)) => s.fail_after = Some((n - 1, status)),
        None => {}
    }
    let shape = s.badge_connect;
    let badge_connect = path
        .strip_prefix(shape.api_path())
        .filter(|rest| rest.starts_with('/'));
    if path.starts_with("/v2/backpack") && !scope.split(' ').any(|p| p == "rw:backpack") {
        return wrapped(404, json!([]))
            .with_description("entity not found or insufficient privileges");
    }
    match (method.as_str(), badge_connect) {
        ("GET", Some("/assertions")) => {
            let (items, headers) =
                paged(&s.listed, s.page_size, base, &path, &query, shape.paging());
            let mut answer = json_answer(
                200,
                json!({"status": shape.status(200, "OK"), shape.list_key(): items}),
            );
            answer.1.extend(headers);
            return answer;
        }
        ("POST", Some("/assertions")) => {
            let id = body_json
                .pointer("/assertion/id")
                .cloned()
                .unwrap_or(Value::Null);
            if s.imports.iter().any(|i| i["url"] == id) {
                return match shape {
                    BadgeConnectShape::Badgr => json_answer(
                        400,
                        json!({"status": {"error": [duplicate_badge()], "statusCode": 400,
                            "statusText": "REQUEST_VALIDATION_ERROR"}}),
                    ),
                    BadgeConnectShape::Spec => {
                        json_answer(409, json!({"status": shape.status(409, "Conflict")}))
                    }
                };
            }
            s.imports.push(json!({"url": id}));
            return json_answer(201, json!({"status": shape.status(201, "Created")}));
        }
        ("GET", Some("/profile")) => {
            return json_answer(
                200,
                json!({"status": shape.status(200, "OK"), "profile": s.profile}),
            );
        }
        _ => {}
    }
    match (method.as_str(), path.as_str()) {
        ("GET", "/v2/users/self") => wrapped(
            200,
            json!([{"entityId": "user1", "firstName": "Ada",
            "emails": [{"email": USER, "verified": true, "primary": true}]}]),
        ),
        ("POST", "/v2/backpack/import") => import(&mut s, base, &body_json),
        ("POST", "/v2/backpack/collections") => {
            s.collection_posts.push(body_json.clone());
            if let Some(refused) = collection_fields_refused(&body_json, true) {
                return refused;
            }
            if body_json["assertions"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
            {
                return (500, vec![], b"<h1>Server Error (500)</h1>".to_vec());
            }
            let id = s.next_id("collection-");
            let mut stored = body_json.clone();
            stored["entityId"] = json!(id);
            stored["published"] = json!(false);
            stored["share_url"] = Value::Null;
            s.collections.insert(id, stored.clone());
            wrapped(201, json!([stored]))
        }
        ("GET", "/v2/backpack/assertions") => {
            let (items, headers) =
                paged(&s.listed, s.page_size, base, &path, &query, Paging::Cursor);
            let mut answer = wrapped(200, json!(items));
            answer.1.extend(headers);
            answer
        }
        ("POST", "/ims/ob/v3p0/credentials") => {
            let ct = header(request, "Content-Type").unwrap_or_default();
            let item = if ct.starts_with("text/plain") {
                json!(String::from_utf8_lossy(body).into_owned())
            } else {
                body_json.clone()
            };
            let same = |c: &Value| {
                c == &item || (item.get("id").is_some() && c.get("id") == item.get("id"))
            };
            if let Some(pos) = s.credentials.iter().position(same) {
                s.credentials[pos] = item.clone();
                return (200, vec![("Content-Type".into(), ct)], body.to_vec());
            }
            s.credentials.push(item);
            (201, vec![("Content-Type".into(), ct)], body.to_vec())
        }
        ("GET", "/ims/ob/v3p0/credentials") => {
            let (items, headers) = paged(
                &s.credentials,
                s.page_size,
                base,
                &path,
                &query,
                Paging::LimitOffset,
            );
            let (jws, json): (Vec<Value>, Vec<Value>) =
                items.into_iter().partition(Value::is_string);
            let mut answer = json_answer(200, json!({"credential": json, "compactJwsString": jws}));
            answer.1.extend(headers);
            answer
        }
        ("GET", "/ims/ob/v3p0/profile") => json_answer(200, s.profile.clone()),
        ("PUT", "/ims/ob/v3p0/profile") => {
            s.profile = body_json;
            json_answer(200, s.profile.clone())
        }
        ("PUT", p) if p.starts_with("/v2/backpack/collections/") => {
            let id = p.rsplit('/').next().unwrap_or_default().to_owned();
            let Some(stored) = s.collections.get_mut(&id) else {
                return wrapped(404, json!([]));
            };
            if let Some(refused) = collection_fields_refused(&body_json, false) {
                return refused;
            }
            for key in ["name", "description", "published", "assertions"] {
                if let Some(v) = body_json.get(key) {
                    stored[key] = v.clone();
                }
            }
            if stored["published"] == json!(true) {
                stored["share_url"] = json!(format!("{base}/public/collections/share-{id}"));
            }
            let answer = stored.clone();
            wrapped(200, json!([answer]))
        }
        _ => json_answer(404, json!({"detail": "Not found."})),
    }
}

/// Where the fake keeps baked images, as Badgr's media storage.
const MEDIA: &str = "/media/uploads/badges/";

/// Badgr's v2 error envelope (`entity.views.exception_handler`).
fn v2_error(field_errors: Value, validation_errors: Value) -> Answer {
    json_answer(
        400,
        json!({"status": {"success": false, "description": "bad request"}, "result": [],
            "fieldErrors": field_errors, "validationErrors": validation_errors}),
    )
}

fn duplicate_badge() -> Value {
    json!({"name": "DUPLICATE_BADGE", "description": "You already have this badge in your backpack"})
}

/// `POST /v2/backpack/import` as badgr-server does it: exactly one of
/// `url` (fetched, as its verifier does), `image` (a `data:` URI of a baked
/// image) or `assertion` (an object); then the recipient against the
/// account's verified email, then duplicates of the same badge in any form.
fn import(s: &mut State, base: &str, body: &Value) -> Answer {
    let given: Vec<&str> = ["url", "image", "assertion"]
        .into_iter()
        .filter(|k| body.get(*k).is_some())
        .collect();
    if given.len() != 1 {
        return v2_error(
            json!({}),
            json!(["Must provide only one of 'url', 'image' or 'assertion'."]),
        );
    }
    let value = &body[given[0]];
    let document = match given[0] {
        "url" => fetched(value.as_str().unwrap_or_default()),
        "assertion" if !value.is_object() => {
            let kind = if value.is_string() { "str" } else { "list" };
            return json_answer(
                400,
                json!({"assertion": [format!("Expected a dictionary of items but got type \"{kind}\".")]}),
            );
        }
        "assertion" => Ok(value.clone()),
        // An image baked with a hosted badge's address is fetched like one.
        _ => match unbaked(value.as_str().unwrap_or_default()) {
            Some((_, text)) if text.trim().starts_with("http") => fetched(text.trim()),
            Some((_, text)) => Ok(payload(&text)),
            None => return json_answer(400, json!({"image": ["Invalid image."]})),
        },
    };
    let document = match document {
        Ok(document) => document,
        Err(refused) => return refused,
    };
    if !recipient_is_verified(&document, &s.verified_emails) {
        return v2_error(
            json!({}),
            json!([
                "VERIFY_RECIPIENT_IDENTIFIER",
                "The recipient does not match any of your verified emails",
                "The badge you are trying to import does not belong to one of your verified e-mail addresses."
            ]),
        );
    }
    let identity = |stored: &Value| {
        stored
            .pointer("/document/id")
            .or_else(|| stored.get("url"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mine = identity(&json!({"document": document, "url": body.get("url")}));
    if mine.is_some() && s.imports.iter().any(|i| identity(i) == mine) {
        return v2_error(json!({}), json!([duplicate_badge()]));
    }
    let id = s.next_id("assertion-");
    let mut stored = body.clone();
    stored["entityId"] = json!(id);
    stored["document"] = document;
    s.imports.push(stored);
    wrapped(
        201,
        json!([{"entityId": id, "openBadgeId": format!("{base}/public/assertions/{id}")}]),
    )
}

/// A hosted assertion as Badgr's verifier fetches it, or its
/// `FETCH_HTTP_NODE` refusal when the address does not answer with it.
fn fetched(url: &str) -> Result<Value, Answer> {
    match fetch(url) {
        Some((200, text)) => Ok(serde_json::from_slice(&text).unwrap_or(Value::Null)),
        _ => Err(v2_error(
            json!({}),
            json!([
                "FETCH_HTTP_NODE",
                "Unable to reach URL",
                "ERROR",
                "FETCH_HTTP_NODE",
                format!("Error fetching HTTP node {url}")
            ]),
        )),
    }
}

/// The text baked into a `data:` URI image, and the image bytes.
fn unbaked(uri: &str) -> Option<(Vec<u8>, String)> {
    let (_, data) = uri.strip_prefix("data:image/")?.split_once(";base64,")?;
    let bytes = STANDARD.decode(data).ok()?;
    let text = satchel::bake::unbake(&bytes).ok()?.text;
    Some((bytes, text))
}

/// An assertion as JSON: the text itself, or a compact JWS's payload.
fn payload(text: &str) -> Value {
    let text = text.trim();
    serde_json::from_str(text).unwrap_or_else(|_| {
        text.split('.')
            .nth(1)
            .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
            .and_then(|p| serde_json::from_slice(&p).ok())
            .unwrap_or(Value::Null)
    })
}

/// Whether an assertion's recipient is one of `emails`, plain or hashed
/// with its salt.
fn recipient_is_verified(document: &Value, emails: &[String]) -> bool {
    let Some(recipient) = document.get("recipient") else {
        return true;
    };
    let identity = recipient["identity"].as_str().unwrap_or_default();
    let salt = recipient["salt"].as_str().unwrap_or_default();
    emails.iter().any(|email| {
        if recipient["hashed"] == json!(true) {
            let digest = hex::encode(Sha256::digest(format!("{email}{salt}")));
            identity.eq_ignore_ascii_case(&format!("sha256${digest}"))
        } else {
            identity.eq_ignore_ascii_case(email)
        }
    })
}

/// Badgr's collection serializer: `name` is required on create, and no
/// string field may be blank (a missing `description` is fine).
fn collection_fields_refused(body: &Value, create: bool) -> Option<Answer> {
    let mut errors = serde_json::Map::new();
    if create && body.get("name").is_none() {
        errors.insert("name".into(), json!(["This field is required."]));
    }
    for key in ["name", "description"] {
        if body
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|v| v.trim().is_empty())
        {
            errors.insert(key.into(), json!(["This field may not be blank."]));
        }
    }
    (!errors.is_empty()).then(|| json_answer(400, Value::Object(errors)))
}

/// `GET /public/assertions/{id}` (JSON unless a browser asks for HTML,
/// which is sent to the web app) and `…/{id}/baked` (a redirect to the
/// baked image in the media storage).
fn public_assertion(
    s: &State,
    base: &str,
    request: &tiny_http::Request,
    query: &HashMap<String, String>,
    path: &str,
) -> Answer {
    let rest = path.trim_start_matches("/public/assertions/");
    let (id, baked) = match rest.strip_suffix("/baked") {
        Some(id) => (id, true),
        None => (rest, false),
    };
    let Some(stored) = s.imports.iter().find(|i| i["entityId"] == json!(id)) else {
        return json_answer(404, json!({"detail": "Not found."}));
    };
    if baked {
        return (
            302,
            vec![("Location".into(), format!("{base}{MEDIA}{id}.png"))],
            Vec::new(),
        );
    }
    let accept = header(request, "Accept").unwrap_or_default();
    if accept.contains("text/html") && !query.contains_key("v") {
        return (
            302,
            vec![(
                "Location".into(),
                format!("{base}/ui/public/assertions/{id}"),
            )],
            Vec::new(),
        );
    }
    (
        200,
        vec![("Content-Type".into(), "application/ld+json".into())],
        stored["document"].to_string().into_bytes(),
    )
}

/// A badge's baked image: the one it was imported as, or its assertion
/// baked into Satchel's default picture.
fn baked_image(s: &State, path: &str) -> Answer {
    let id = path
        .trim_start_matches(MEDIA)
        .trim_end_matches(".png")
        .to_owned();
    let Some(stored) = s.imports.iter().find(|i| i["entityId"] == json!(id)) else {
        return json_answer(404, json!({"detail": "Not found."}));
    };
    let bytes = match stored["image"].as_str().and_then(unbaked) {
        Some((bytes, _)) => bytes,
        None => {
            let text = stored["document"].to_string();
            let source = satchel::export::BakeSource {
                original: &[],
                raw_text: &text,
                ob_version: None,
                image: None,
            };
            satchel::export::baked_image(source, Some(satchel::bake::ImageKind::Png))
                .expect("bake")
                .1
        }
    };
    (
        200,
        vec![("Content-Type".into(), "image/png".into())],
        bytes,
    )
}

trait Describe {
    fn with_description(self, text: &str) -> Answer;
}

impl Describe for Answer {
    /// Replaces a wrapped answer's status description, as Badgr words its 404.
    fn with_description(self, text: &str) -> Answer {
        let mut value: Value = serde_json::from_slice(&self.2).unwrap();
        value["status"]["description"] = json!(text);
        (self.0, self.1, value.to_string().into_bytes())
    }
}

/// How a list is cut into pages.
#[derive(Debug, Clone, Copy)]
enum Paging {
    /// Badgr's: `?cursor=N`, and `Link: <…>; rel="next"` while more follow.
    Cursor,
    /// The IMS specs': `?limit=L&offset=O`, `X-Total-Count`, and a `Link`
    /// header naming the first, previous, next and last pages.
    LimitOffset,
}

/// One page of `items` as asked by `query`, with its paging headers.
fn paged(
    items: &[Value],
    page_size: usize,
    base: &str,
    path: &str,
    query: &HashMap<String, String>,
    paging: Paging,
) -> (Vec<Value>, Vec<(String, String)>) {
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<usize>().ok());
    let (start, size) = match paging {
        Paging::Cursor => (number("cursor").unwrap_or(0), page_size),
        Paging::LimitOffset => (
            number("offset").unwrap_or(0),
            number("limit").unwrap_or(page_size).max(1),
        ),
    };
    let total = items.len();
    let end = start.saturating_add(size).min(total);
    let page = items[start.min(end)..end].to_vec();
    let mut headers = Vec::new();
    match paging {
        Paging::Cursor if end < total => headers.push((
            "Link".into(),
            format!("<{base}{path}?cursor={end}>; rel=\"next\""),
        )),
        Paging::Cursor => {}
        Paging::LimitOffset => {
            let link = |offset: usize, rel: &str| {
                format!("<{base}{path}?limit={size}&offset={offset}>; rel=\"{rel}\"")
            };
            let mut links = vec![link(0, "first")];
            if start > 0 {
                links.push(link(start.saturating_sub(size), "prev"));
            }
            if end < total {
                links.push(link(end, "next"));
            }
            links.push(link(total.saturating_sub(1) / size * size, "last"));
            headers.push(("Link".into(), links.join(", ")));
            headers.push(("X-Total-Count".into(), total.to_string()));
        }
    }
    (page, headers)
}

fn token(s: &mut State, request: &tiny_http::Request, f: &HashMap<String, String>) -> Answer {
    s.token_forms.push(f.clone());
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let basic = header(request, "Authorization")
        .and_then(|h| h.strip_prefix("Basic ").map(str::to_owned))
        .and_then(|b| STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    // The client, as HTTP Basic or (a public client) `client_id` in the form.
    let client = basic
        .as_deref()
        .and_then(|b| b.split_once(':'))
        .map(|(id, _)| id.to_owned())
        .or_else(|| f.get("client_id").cloned());
    match field("grant_type").as_str() {
        "password" => throttled_sign_in(s, &field("username"), |s| password_grant(s, f, client)),
        "refresh_token" => match s.refresh.get(&field("refresh_token")).cloned() {
            Some((_, Some(_))) if client.is_none() => {
                json_answer(401, json!({"error": "invalid_client"}))
            }
            Some((scope, issued_to)) if issued_to.is_none() || issued_to == client => {
                s.refresh.remove(&field("refresh_token"));
                json_answer(200, s.issue(&scope, issued_to))
            }
            _ => json_answer(400, json!({"error": "invalid_grant"})),
        },
        "authorization_code" => {
            let Some((client, secret)) = basic.as_deref().and_then(|b| b.split_once(':')) else {
                return json_answer(401, json!({"error": "invalid_client"}));
            };
            if s.clients.get(client).map(|c| c.0.as_str()) != Some(secret) {
                return json_answer(401, json!({"error": "invalid_client"}));
            }
            let Some((for_client, challenge, redirect, scope)) = s.codes.remove(&field("code"))
            else {
                return json_answer(400, json!({"error": "invalid_grant"}));
            };
            let verified = URL_SAFE_NO_PAD
                .encode(Sha256::digest(field("code_verifier").as_bytes()))
                == challenge;
            if for_client != client || redirect != field("redirect_uri") || !verified {
                return json_answer(
                    400,
                    json!({"error": "invalid_grant", "error_description": "PKCE or redirect mismatch"}),
                );
            }
            json_answer(200, s.issue(&scope, Some(client.to_owned())))
        }
        _ => json_answer(400, json!({"error": "unsupported_grant_type"})),
    }
}

/// Badgr's sign-in throttle (`throttleable` on its token view): after a
/// failed attempt for a username, the next one within 2^failures seconds is
/// answered 429 and makes the wait longer; a success forgets the failures.
fn throttled_sign_in(
    s: &mut State,
    username: &str,
    sign_in: impl FnOnce(&mut State) -> Answer,
) -> Answer {
    let wait = |failures: u32| 2u64.pow(failures.min(12)).min(3600);
    if let Some((failures, until)) = s.backoff.get_mut(username)
        && *until > Instant::now()
    {
        *failures += 1;
        *until = Instant::now() + Duration::from_secs(wait(*failures));
        return json_answer(
            429,
            json!({"error_description": "Too many login attempts. Please wait and try again.",
                "error": "login attempts throttled", "expires": wait(*failures)}),
        );
    }
    let answer = sign_in(s);
    if (200..300).contains(&answer.0) {
        s.backoff.remove(username);
    } else {
        let failures = s.backoff.get(username).map_or(0, |b| b.0) + 1;
        let until = Instant::now() + Duration::from_secs(wait(failures));
        s.backoff.insert(username.to_owned(), (failures, until));
    }
    answer
}

/// Badgr's password grant: an unknown client id is refused before anything
/// else; no client id at all is taken as `public` with an empty secret,
/// which the application (set up with a secret) refuses.
fn password_grant(s: &mut State, f: &HashMap<String, String>, client: Option<String>) -> Answer {
    let field = |k: &str| f.get(k).cloned().unwrap_or_default();
    let Some(client) = client else {
        return json_answer(401, json!({"error": "invalid_client"}));
    };
    if !s.password_clients.contains(&client) {
        return json_answer(400, json!({"error": "invalid client_id"}));
    }
    if field("username") != USER || field("password") != PASSWORD {
        return json_answer(
            400,
            json!({"error": "invalid_grant", "error_description": "Invalid credentials given."}),
        );
    }
    let asked = field("scope");
    let scope = if asked.is_empty() || s.profile_only {
        "r:profile".to_owned()
    } else {
        asked
    };
    json_answer(200, s.issue(&scope, Some(client)))
}

/// A bare HTTP/1.0 GET, as Badgr's verifier fetches a hosted badge: the
/// status and body, or `None` when nothing answered.
fn fetch(url: &str) -> Option<(u16, Vec<u8>)> {
    let url = url::Url::parse(url).ok()?;
    // Tests have no internet: only loopback issuers can answer.
    if url.scheme() != "http" || url.host_str()? != "127.0.0.1" {
        return None;
    }
    let address = (url.host_str()?, url.port_or_known_default()?);
    let address = std::net::ToSocketAddrs::to_socket_addrs(&address)
        .ok()?
        .next()?;
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    write!(
        stream,
        "GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/ld+json, application/json\r\n\r\n"
    )
    .ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, answer[split + 4..].to_vec()))
}

/// Plays the learner's browser: opens the authorization page, and follows
/// its redirect to Satchel's loopback listener, on its own thread.
pub fn browser(url: &str) -> Result<(), String> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let (status, location) = get(&url);
        assert_eq!(status, 302, "the authorization page did not redirect");
        let (status, _) = get(&location.expect("a Location"));
        assert_eq!(status, 200, "Satchel's listener did not accept the code");
    });
    Ok(())
}

/// A bare HTTP/1.0 GET: the status and the `Location` header.
fn get(url: &str) -> (u16, Option<String>) {
    let url = url::Url::parse(url).unwrap();
    let mut stream = TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).unwrap();
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    write!(stream, "GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("Location: ")
                .or_else(|| l.strip_prefix("location: "))
        })
        .map(|l| l.trim().to_owned());
    (status, location)
}
