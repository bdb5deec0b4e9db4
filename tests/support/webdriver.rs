//! A small WebDriver client for the end-to-end tests: starts `tauri-driver`
//! on free ports, opens a session on the real app binary with its own
//! wallet and data directories, and speaks plain W3C WebDriver over HTTP.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Why the end-to-end tests cannot run here, if they cannot.
pub fn unavailable() -> Option<String> {
    if std::env::var_os("DISPLAY").is_none() {
        return Some("no DISPLAY (run under xvfb-run -a)".into());
    }
    for tool in ["tauri-driver", "WebKitWebDriver"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Some(format!(
                "{tool} is not installed (bash scripts/setup installs it)"
            ));
        }
    }
    None
}

/// Whether an end-to-end test may run here; panics when the tests are
/// required (`SATCHEL_E2E_REQUIRED`) but cannot run, else says why it skips.
pub fn runnable(test: &str) -> bool {
    match unavailable() {
        None => true,
        Some(why) if std::env::var_os("SATCHEL_E2E_REQUIRED").is_some() => {
            panic!("{test} cannot run: {why}")
        }
        Some(why) => {
            eprintln!("skipping {test}: {why}");
            false
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running app under `tauri-driver`, driven through one WebDriver session.
pub struct Session {
    driver: Child,
    agent: ureq::Agent,
    base: String,
    /// When the session (and so the app) was asked to start.
    pub started: Instant,
}

impl Session {
    /// Starts the app binary `app` with `SATCHEL_WALLET=wallet` and private
    /// XDG dirs under `home`.
    pub fn start(app: &str, wallet: &Path, home: &Path) -> Session {
        Session::start_with(app, wallet, home, &[])
    }

    /// Like [`Session::start`], with extra environment variables for the app.
    pub fn start_with(app: &str, wallet: &Path, home: &Path, env: &[(&str, &str)]) -> Session {
        Session::start_with_args(app, wallet, home, env, &[])
    }

    /// Like [`Session::start_with`], giving the app command-line `args`.
    ///
    /// The app's WebKit composites even on a computer with no GPU, where the
    /// app itself would not: WebKit's WebDriver screenshot of a page painted
    /// without compositing waits for a frame that a still page never paints.
    pub fn start_with_args(
        app: &str,
        wallet: &Path,
        home: &Path,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Session {
        let mut env = env.to_vec();
        env.push(("WEBKIT_FORCE_COMPOSITING_MODE", "1"));
        Session::launch(app, wallet, home, &env, args)
    }

    /// Like [`Session::start`], with WebKit painting the way the app chooses
    /// on this computer (without compositing when it has no GPU), as
    /// learners get it; for measurements, which take no screenshots.
    pub fn start_as_shipped(app: &str, wallet: &Path, home: &Path) -> Session {
        Session::launch(app, wallet, home, &[], &[])
    }

    fn launch(
        app: &str,
        wallet: &Path,
        home: &Path,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> Session {
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("SATCHEL_WALLET", wallet)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            // Its own process group, so WebKitWebDriver goes with it.
            .process_group(0)
            .spawn()
            .expect("start tauri-driver");
        let deadline = Instant::now() + Duration::from_secs(20);
        // tauri-driver listens at once, WebKitWebDriver a moment later.
        for p in [port, native_port] {
            while TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "the drivers did not listen on {p}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let started = Instant::now();
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": app, "args": args
        }}}});
        let mut session = Session {
            driver,
            agent,
            base: format!("http://127.0.0.1:{port}"),
            started,
        };
        let created = session.request("POST", "/session", Some(caps));
        let id = created["sessionId"]
            .as_str()
            .expect("session id")
            .to_owned();
        session.base = format!("{}/session/{id}", session.base);
        session
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        }
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status();
        let value: Value = response.body_mut().read_json().unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "{method} {path} answered {status}: {value}"
        );
        value["value"].clone()
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.request(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs `script` in the page, or `None` when the session no longer
    /// answers (the app has quit).
    pub fn try_execute(&self, script: &str) -> Option<Value> {
        let url = format!("{}/execute/sync", self.base);
        let mut response = self
            .agent
            .post(&url)
            .send_json(json!({"script": script, "args": []}))
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let value: Value = response.body_mut().read_json().ok()?;
        Some(value["value"].clone())
    }

    /// Runs an async `script` that ends by calling `arguments[arguments.length - 1](result)`.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.request(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Calls an app command from the page, as the UI does; panics on an error.
    pub fn invoke(&self, command: &str, args: Value) -> Value {
        let script = "const done = arguments[arguments.length - 1];
            window.__TAURI__.core.invoke(arguments[0], arguments[1])
                .then((r) => done({ ok: r === undefined ? null : r }), (e) => done({ err: e }));";
        let answer = self.execute_async(script, json!([command, args]));
        assert!(answer["err"].is_null(), "{command} failed: {answer}");
        answer["ok"].clone()
    }

    /// Waits until `script` returns something truthy, and returns it.
    pub fn wait_for(&self, what: &str, script: &str, args: Value) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.execute(script, args.clone());
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The WebDriver reference of the first element matching `css`.
    pub fn find(&self, css: &str) -> String {
        let found = self.request(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str);
        id.unwrap_or_else(|| panic!("no element {css}")).to_owned()
    }

    /// Clicks the first element matching `css`, as a pointer would.
    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.request("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types `text` into the first element matching `css`.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.request(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    /// Presses `keys` together, as a keyboard would (WebDriver key actions:
    /// each goes down in order and up in reverse), e.g. `&[keys::CONTROL, "o"]`.
    pub fn press(&self, keys: &[&str]) {
        self.request("POST", "/actions", Some(key_actions(keys)));
    }

    /// Presses `keys` that end the app (Quit): the answer may never come,
    /// so none is awaited as a success.
    pub fn press_to_quit(&self, keys: &[&str]) {
        let url = format!("{}/actions", self.base);
        let _ = self.agent.post(url).send_json(key_actions(keys));
    }

    /// Types `text` with key actions into whatever has the focus.
    pub fn type_keys(&self, text: &str) {
        for c in text.chars() {
            self.press(&[&c.to_string()]);
        }
    }

    /// The window's position and size: `{x, y, width, height}`.
    pub fn rect(&self) -> Value {
        self.request("GET", "/window/rect", None)
    }

    /// The handles of the app's open windows.
    pub fn window_handles(&self) -> Vec<String> {
        let handles = self.request("GET", "/window/handles", None);
        serde_json::from_value(handles).expect("a list of window handles")
    }

    /// Moves and resizes the window.
    pub fn set_rect(&self, x: i32, y: i32, width: u32, height: u32) {
        let rect = json!({"x": x, "y": y, "width": width, "height": height});
        self.request("POST", "/window/rect", Some(rect));
    }

    /// Saves a screenshot of the page as `<target>/e2e-screenshots/<name>.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine;
        // Let pending changes reach the screen first: a screenshot taken
        // right after a change can show the frame before it.
        let frames = "const done = arguments[arguments.length - 1];
            requestAnimationFrame(() => requestAnimationFrame(() => done(true)));";
        self.execute_async(frames, json!([]));
        std::thread::sleep(Duration::from_millis(300));
        let data = self.request("GET", "/screenshot", None);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 screenshot"))
            .expect("valid base64");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Ending the session closes the app; then the driver goes.
        let _ = self.agent.delete(&self.base).call();
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

/// A WebDriver key-actions body: each key down in order, then up in reverse.
fn key_actions(keys: &[&str]) -> Value {
    let down = keys.iter().map(|k| json!({"type": "keyDown", "value": k}));
    let up = keys
        .iter()
        .rev()
        .map(|k| json!({"type": "keyUp", "value": k}));
    let actions: Vec<Value> = down.chain(up).collect();
    json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
}

/// WebDriver's codes for keys that are not characters.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const END: &str = "\u{E010}";
    pub const HOME: &str = "\u{E011}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const F1: &str = "\u{E031}";
    pub const F10: &str = "\u{E03A}";
}

/// Where screenshots go: the cargo target directory, `e2e-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("e2e-screenshots")
}
