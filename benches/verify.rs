//! Verification benchmark, run with `cargo bench --bench verify` (release build).
//!
//! `satchel verify --all` over 1,000 hosted OB 2.0 assertions served by a
//! loopback issuer (one issuer profile and one BadgeClass, so the per-run
//! cache is at work): badges per second and the process's peak memory; then
//! the same with 50 ms added to every answer, where concurrency carries the
//! rate. Then, offline and pinned to one core (`taskset -c 0`), 1,000
//! self-contained OB 3.0 credentials (issuer and key a `did:key`, no status
//! list) for each of `eddsa-rdfc-2022`, `eddsa-jcs-2022` and an EdDSA VC-JWT:
//! credentials per second and peak memory. Figures print as
//! `name: value unit` lines. `SATCHEL_BENCH_SCALE` (default 1) divides the
//! counts for a quick smoke run.

use satchel_test_support::{badges, measure, server, signing};
use std::time::Duration;

use chrono::Utc;
use measure::run_cli;
use satchel::credential::Credential;
use satchel::wallet::{Details, NewBadge, Resolved, Wallet};
use server::{Issuer, Route};

const EMAIL: &str = "bench@example.org";

fn main() {
    let n = 1000 / measure::scale();
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, latency) in [
        ("verify_hosted", None),
        ("verify_hosted_50ms", Some(Duration::from_millis(50))),
    ] {
        let issuer = serve(n, latency);
        let wallet = dir.path().join(format!("{name}.sqlite3"));
        fill_wallet(&wallet, &issuer, n);
        let wallet = wallet.to_str().expect("utf-8 path");
        let (secs, peak) = run_cli(
            env!("CARGO_BIN_EXE_satchel"),
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
        println!(
            "{name}_requests: {} for {n} badges",
            issuer_hits(&issuer, n)
        );
    }
    for form in [Form::Rdfc, Form::Jcs, Form::VcJwt] {
        let wallet = dir.path().join(format!("{}.sqlite3", form.name()));
        fill_signed(&wallet, form, n);
        let wallet = wallet.to_str().expect("utf-8 path");
        let (secs, peak) = run_cli(
            "taskset",
            &[
                "-c",
                "0",
                env!("CARGO_BIN_EXE_satchel"),
                "--wallet",
                wallet,
                "verify",
                "--all",
                "--json",
            ],
        );
        let failed = not_valid(wallet);
        assert!(
            failed.is_empty(),
            "every credential should check out: {failed:?}"
        );
        println!(
            "{}: {:.0} credentials/s ({n} in {secs:.2} s, one core), peak {peak:.1} MiB",
            form.name(),
            n as f64 / secs
        );
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

/// A wallet holding `n` OB 3.0 credentials issued by one `did:key` and
/// signed as `form`, and the learner's identity.
fn fill_signed(path: &std::path::Path, form: Form, n: usize) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let (did, method) = signing::did_key(&key.verifying_key());
    let mut w = Wallet::open(path).expect("wallet");
    w.add_identity(EMAIL, Utc::now()).expect("identity");
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
        measure::insert_json_badge(&mut w, &id, &text, text.clone().into_bytes(), media);
    }
}

/// An issuer serving `n` assertions, each answer delayed by `latency`.
fn serve(n: usize, latency: Option<Duration>) -> Issuer {
    let issuer = Issuer::start();
    let base = issuer.base.clone();
    let route = |value: serde_json::Value| {
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

/// Requests the run made: one per assertion plus the shared documents.
fn issuer_hits(issuer: &Issuer, n: usize) -> usize {
    let shared = issuer.hits("/issuer.json") + issuer.hits("/badges/b.json");
    (0..n)
        .map(|i| issuer.hits(&format!("/assertions/{i}.json")))
        .sum::<usize>()
        + shared
}

/// A wallet holding the `n` hosted badges (as imported by URL) and the
/// learner's identity.
fn fill_wallet(path: &std::path::Path, issuer: &Issuer, n: usize) {
    let mut w = Wallet::open(path).expect("wallet");
    w.add_identity(EMAIL, Utc::now()).expect("identity");
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
