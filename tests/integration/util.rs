//! The harness: a temporary directory with its own wallet, and a runner for
//! the real `satchel` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub wallet: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let wallet = dir.path().join("wallet.sqlite3");
        Sandbox { dir, wallet }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file into the sandbox and returns its path as a string.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    /// Runs `satchel --wallet <sandbox wallet> args…` with loopback allowed.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, true)
    }

    pub fn run_with(&self, args: &[&str], allow_private: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_satchel"));
        cmd.arg("--wallet").arg(&self.wallet).args(args);
        cmd.env_remove("SATCHEL_WALLET")
            .env_remove("SATCHEL_ALLOW_PRIVATE_NETWORK");
        if allow_private {
            cmd.arg("--allow-private-network");
        }
        cmd.output().expect("run satchel")
    }

    /// Runs a command with `--json` and parses its standard output.
    pub fn json(&self, args: &[&str]) -> (Value, i32) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "satchel {args:?} printed no JSON ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (value, out.status.code().unwrap_or(-1))
    }

    /// Imports and returns the per-input results.
    pub fn import(&self, inputs: &[&str]) -> Vec<Value> {
        let mut args = vec!["import"];
        args.extend_from_slice(inputs);
        let (v, _) = self.json(&args);
        v["results"].as_array().expect("results array").clone()
    }

    pub fn list(&self) -> Vec<Value> {
        self.json(&["list"])
            .0
            .as_array()
            .expect("list array")
            .clone()
    }
}

/// The third-party fixtures folder, or `None` (with a message) when
/// `../shared` is not beside the repository.
pub fn third_party() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/third-party");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared/fixtures not present");
        None
    }
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A loopback issuer with a profile, a BadgeClass and `n` hosted OB 2.0
/// assertions (`/assertions/{i}.json`) issued to `email`.
pub fn hosted_issuer(n: usize, email: &str) -> crate::server::Issuer {
    let issuer = crate::server::Issuer::start();
    serve_hosted(&issuer, "Loopback Academy", 0..n, email);
    issuer
}

/// Makes `issuer` serve a profile named `name`, the `rust` BadgeClass and
/// the assertions `numbers` (`/assertions/{i}.json`) issued to `email`.
pub fn serve_hosted(
    issuer: &crate::server::Issuer,
    name: &str,
    numbers: impl IntoIterator<Item = usize>,
    email: &str,
) {
    let base = issuer.base.clone();
    issuer.json("/issuer.json", &crate::badges::issuer(&base, name));
    issuer.json(
        "/badges/rust.json",
        &crate::badges::badge_class(&base, "rust", "Rust Basics"),
    );
    for i in numbers {
        issuer.json(
            &format!("/assertions/{i}.json"),
            &crate::badges::assertion(&base, "rust", i, email),
        );
    }
}

/// Whether a test that needs `what` can go on. `missing` says why it cannot,
/// or is `None` when it can. A test that cannot is skipped with a message,
/// unless `SATCHEL_E2E_REQUIRED=1` is set (`scripts/test` and CI set it):
/// there, where everything is meant to be available, it fails instead.
pub fn require_or_skip(what: &str, missing: Option<String>) -> bool {
    let Some(reason) = missing else {
        return true;
    };
    if std::env::var("SATCHEL_E2E_REQUIRED").is_ok_and(|v| v == "1") {
        panic!("this test needs {what}, but {reason}; SATCHEL_E2E_REQUIRED=1 forbids skipping it");
    }
    eprintln!("skipping: this test needs {what}, but {reason}");
    false
}
