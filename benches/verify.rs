//! Verification benchmark, run with `cargo bench --bench verify` (release build).
//!
//! `satchel verify --all` over wallets of
//! 1. 1,000 hosted OB 2.0 assertions served by four loopback issuers (each
//!    with one issuer profile and one BadgeClass, so the per-run cache is at
//!    work), then the same with 50 ms added to every answer, where requests
//!    in flight per host carry the rate;
//! 2. 1,000 OB 3.0 VC-JWTs signed with Ed25519 by a `did:key`, checked with
//!    no network at all: the cryptography alone;
//! 3. both in one wallet.
//!
//! Each prints badges per second and the process's peak memory, and the
//! hosted runs the requests made and the most answered at once by one
//! issuer. Figures print as `name: value unit` lines. `SATCHEL_BENCH_SCALE`
//! (default 1) divides the counts for a quick smoke run, and
//! `SATCHEL_BENCH_BIN` measures another `satchel` binary than the one built
//! with the bench.

use satchel_test_support::{badges, measure, server};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use ed25519_dalek::Signer as _;
use measure::run_cli;
use satchel::credential::{self, Credential};
use satchel::wallet::{Details, NewBadge, Resolved, Wallet};
use serde_json::{Value, json};
use server::{Issuer, Route};

const EMAIL: &str = "bench@example.org";

/// Loopback issuers the hosted badges are spread over.
const HOSTS: usize = 4;

fn main() {
    let n = 1000 / measure::scale();
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, latency) in [
        ("verify_hosted", None),
        ("verify_hosted_50ms", Some(Duration::from_millis(50))),
    ] {
        let issuers: Vec<Issuer> = (0..HOSTS).map(|_| serve(n / HOSTS, latency)).collect();
        let wallet = dir.path().join(format!("{name}.sqlite3"));
        let mut w = new_wallet(&wallet);
        add_hosted(&mut w, &issuers, n / HOSTS);
        drop(w);
        run(name, &wallet, n);
        let (requests, peak) = issuer_hits(&issuers, n / HOSTS);
        println!(
            "{name}_requests: {requests} for {n} badges on {HOSTS} hosts, at most {peak} at once on one host"
        );
    }

    let wallet = dir.path().join("verify_offline.sqlite3");
    let mut w = new_wallet(&wallet);
    add_offline(&mut w, n);
    drop(w);
    run("verify_offline", &wallet, n);

    let issuers: Vec<Issuer> = (0..HOSTS).map(|_| serve(n / HOSTS, None)).collect();
    let wallet = dir.path().join("verify_mixed.sqlite3");
    let mut w = new_wallet(&wallet);
    add_hosted(&mut w, &issuers, n / HOSTS);
    add_offline(&mut w, n);
    drop(w);
    run("verify_mixed", &wallet, 2 * n);
}

/// `satchel verify --all` on `wallet`, which holds `n` badges that all check out.
fn run(name: &str, wallet: &std::path::Path, n: usize) {
    let wallet = wallet.to_str().expect("utf-8 path");
    let (secs, peak) = run_cli(
        &measure::satchel_bin(env!("CARGO_BIN_EXE_satchel")),
        &[
            "--wallet",
            wallet,
            "--allow-private-network",
            "verify",
            "--all",
            "--json",
        ],
    );
    let failed = not_valid(wallet);
    assert!(
        failed.is_empty(),
        "every badge should check out: {failed:?}"
    );
    println!(
        "{name}: {:.0} badges/s ({n} in {secs:.2} s), peak {peak:.1} MiB",
        n as f64 / secs
    );
}

/// An issuer serving `n` assertions, each answer delayed by `latency`.
fn serve(n: usize, latency: Option<Duration>) -> Issuer {
    let issuer = Issuer::start();
    let base = issuer.base.clone();
    let route = |value: Value| {
        let json = Route::Json(value.to_string());
        match latency {
            Some(delay) => Route::Slow(delay, Box::new(json)),
            None => json,
        }
    };
    issuer.route(
        "/issuer.json",
        route(badges::issuer(&base, "Bench Academy")),
    );
    issuer.route(
        "/badges/b.json",
        route(badges::badge_class(&base, "b", "Bench Badge")),
    );
    for i in 0..n {
        issuer.route(
            &format!("/assertions/{i}.json"),
            route(badges::assertion(&base, "b", i, EMAIL)),
        );
    }
    issuer
}

/// Requests the run made (one per assertion plus the shared documents), and
/// the most one issuer answered at the same time.
fn issuer_hits(issuers: &[Issuer], n: usize) -> (usize, usize) {
    let requests = issuers
        .iter()
        .map(|issuer| {
            let shared = issuer.hits("/issuer.json") + issuer.hits("/badges/b.json");
            (0..n)
                .map(|i| issuer.hits(&format!("/assertions/{i}.json")))
                .sum::<usize>()
                + shared
        })
        .sum();
    let peak = issuers.iter().map(Issuer::peak_in_flight).max();
    (requests, peak.unwrap_or(0))
}

/// A new wallet at `path` with the learner's identity.
fn new_wallet(path: &std::path::Path) -> Wallet {
    let mut w = Wallet::open(path).expect("wallet");
    w.add_identity(EMAIL, Utc::now()).expect("identity");
    w
}

/// Adds `n` hosted badges of each issuer, as imported by URL.
fn add_hosted(w: &mut Wallet, issuers: &[Issuer], n: usize) {
    for issuer in issuers {
        for i in 0..n {
            let url = issuer.url(&format!("/assertions/{i}.json"));
            let badge = NewBadge {
                credential_key: format!("url:{url}"),
                original: url.clone().into_bytes(),
                media_type: "text/uri-list".into(),
                raw_text: url.clone(),
                payload_kind: "url".into(),
                resolved: Resolved {
                    credential: Credential {
                        hosted_url: Some(url),
                        ..Credential::default()
                    },
                    fetched: None,
                    details: Details::Awaiting,
                    details_error: None,
                },
                source: "bench".into(),
            };
            w.insert_badge(&badge, Utc::now()).expect("insert");
        }
    }
}

/// Adds `n` OB 3.0 VC-JWTs signed with Ed25519 by a `did:key` issuer.
fn add_offline(w: &mut Wallet, n: usize) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let mut multikey = vec![0xed, 0x01];
    multikey.extend_from_slice(key.verifying_key().as_bytes());
    let multikey = format!("z{}", bs58::encode(multikey).into_string());
    let did = format!("did:key:{multikey}");
    let header = json!({"alg": "EdDSA", "kid": format!("{did}#{multikey}")});
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    for i in 0..n {
        let id = format!("urn:uuid:00000000-0000-4000-8000-{i:012}");
        let mut vc = badges::ob3_credential(&id, &format!("Offline {i}"), "Bench Three", EMAIL);
        vc.as_object_mut().expect("object").remove("proof");
        vc["issuer"]["id"] = did.clone().into();
        let nbf = chrono::DateTime::parse_from_rfc3339(vc["validFrom"].as_str().expect("date"))
            .expect("date")
            .timestamp();
        let claims = json!({"iss": did, "jti": id, "nbf": nbf, "vc": vc});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let jwt = format!("{input}.{}", b64(&key.sign(input.as_bytes()).to_bytes()));
        let badge = NewBadge {
            credential_key: format!("id:{id}"),
            original: jwt.clone().into_bytes(),
            media_type: "application/jose".into(),
            payload_kind: "jws".into(),
            resolved: Resolved {
                credential: credential::parse(&jwt).expect("the VC-JWT parses"),
                fetched: None,
                details: Details::Complete,
                details_error: None,
            },
            raw_text: jwt,
            source: "bench".into(),
        };
        w.insert_badge(&badge, Utc::now()).expect("insert");
    }
}

/// The latest check of each badge that is not valid.
fn not_valid(wallet: &str) -> Vec<String> {
    let w = Wallet::open(std::path::Path::new(wallet)).expect("wallet");
    let ids = w.badge_ids().expect("ids");
    ids.into_iter()
        .filter_map(|id| w.checks(id).expect("checks").pop())
        .filter(|c| c.outcome.as_str() != "valid")
        .map(|c| c.message)
        .collect()
}
