//! Verification benchmark, run with `cargo bench --bench verify` (release build).
//!
//! `satchel verify --all` over wallets of
//! 1. 1,000 hosted OB 2.0 assertions served by four loopback issuers (each
//!    with one issuer profile and one BadgeClass, so the per-run cache is at
//!    work), then the same with 50 ms added to every answer, where requests
//!    in flight per host carry the rate;
//! 2. 1,000 OB 3.0 VC-JWTs signed with Ed25519 by a `did:key`, checked with
//!    no network at all, on both cores;
//! 3. both in one wallet;
//! 4. offline and pinned to one core (`taskset -c 0`), 1,000 self-contained
//!    OB 3.0 credentials (issuer and key a `did:key`, no status list) for
//!    each of `eddsa-rdfc-2022`, `eddsa-jcs-2022` and an EdDSA VC-JWT.
//!
//! Each prints badges per second and the process's peak memory, and the
//! hosted runs the requests made and the most answered at once by one
//! issuer. Figures print as `name: value unit` lines. `SATCHEL_BENCH_SCALE`
//! (default 1) divides the counts for a quick smoke run, and
//! `SATCHEL_BENCH_BIN` measures another `satchel` binary than the one built
//! with the bench.

use satchel_test_support::{badges, measure, server, signing};
use std::time::Duration;

use chrono::Utc;
use measure::run_cli;
use satchel::credential::Credential;
use satchel::wallet::{Details, NewBadge, Resolved, Wallet};
use serde_json::Value;
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
        run(name, &wallet, n, false);
        let (requests, peak) = issuer_hits(&issuers, n / HOSTS);
        println!(
            "{name}_requests: {requests} for {n} badges on {HOSTS} hosts, at most {peak} at once on one host"
        );
    }

    let wallet = dir.path().join("verify_offline.sqlite3");
    let mut w = new_wallet(&wallet);
    add_signed(&mut w, Form::VcJwt, n);
    drop(w);
    run("verify_offline", &wallet, n, false);

    let issuers: Vec<Issuer> = (0..HOSTS).map(|_| serve(n / HOSTS, None)).collect();
    let wallet = dir.path().join("verify_mixed.sqlite3");
    let mut w = new_wallet(&wallet);
    add_hosted(&mut w, &issuers, n / HOSTS);
    add_signed(&mut w, Form::VcJwt, n);
    drop(w);
    run("verify_mixed", &wallet, 2 * n, false);

    for form in [Form::Rdfc, Form::Jcs, Form::VcJwt] {
        let wallet = dir.path().join(format!("{}.sqlite3", form.name()));
        let mut w = new_wallet(&wallet);
        add_signed(&mut w, form, n);
        drop(w);
        run(form.name(), &wallet, n, true);
    }
}

/// `satchel verify --all` on `wallet`, which holds `n` badges that all
/// check out; on `one_core` only when asked.
fn run(name: &str, wallet: &std::path::Path, n: usize, one_core: bool) {
    let wallet = wallet.to_str().expect("utf-8 path");
    let bin = measure::satchel_bin(env!("CARGO_BIN_EXE_satchel"));
    let args = [
        "--wallet",
        wallet,
        "--allow-private-network",
        "verify",
        "--all",
        "--json",
    ];
    let (secs, peak) = if one_core {
        run_cli("taskset", &[&["-c", "0", bin.as_str()][..], &args].concat())
    } else {
        run_cli(&bin, &args)
    };
    let cores = if one_core { ", one core" } else { "" };
    let failed = not_valid(wallet);
    assert!(
        failed.is_empty(),
        "every badge should check out: {failed:?}"
    );
    println!(
        "{name}: {:.0} badges/s ({n} in {secs:.2} s{cores}), peak {peak:.1} MiB",
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

/// How a benchmark credential is signed.
#[derive(Clone, Copy)]
enum Form {
    Rdfc,
    Jcs,
    VcJwt,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Rdfc => "verify_offline_eddsa_rdfc_2022",
            Form::Jcs => "verify_offline_eddsa_jcs_2022",
            Form::VcJwt => "verify_offline_vc_jwt_eddsa",
        }
    }
}

/// Adds `n` OB 3.0 credentials issued by one `did:key` and signed as `form`.
fn add_signed(w: &mut Wallet, form: Form, n: usize) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let (did, method) = signing::did_key(&key.verifying_key());
    for i in 0..n {
        let id = format!("urn:uuid:00000000-0000-4000-8000-{i:012}");
        let mut vc =
            badges::ob3_credential(&id, &format!("Bench Skill {i}"), "Bench Academy", EMAIL);
        vc.as_object_mut().expect("object").remove("proof");
        vc["issuer"]["id"] = did.clone().into();
        let text = match form {
            Form::Rdfc => signing::with_proof(&key, &vc, &method, "eddsa-rdfc-2022").to_string(),
            Form::Jcs => signing::with_proof(&key, &vc, &method, "eddsa-jcs-2022").to_string(),
            Form::VcJwt => signing::eddsa_vc_jwt(&key, &method, &vc),
        };
        let media = match form {
            Form::VcJwt => "application/vc+jwt",
            _ => "application/vc+ld+json",
        };
        measure::insert_json_badge(w, &id, &text, text.clone().into_bytes(), media);
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
