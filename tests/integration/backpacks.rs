//! Pushing to and pulling from other backpacks: a fake host on 127.0.0.1
//! that speaks Badgr API v2, Badge Connect (Badgr's shape and the spec's)
//! and the OB 3.0 API, and goes down on demand; the core's use-cases with
//! the keyring's mock store, one run of the real binary against a real
//! Secret Service keyring, and runs of it on a desktop with no keyring.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use satchel::Coded;
use satchel::backpack::{
    self, BackpackError, BackpackKind, Context, PushOutcome, PushReport, Secrets, Selection,
    SentAs, SignIn,
};
use satchel::bake::{BakeSlot, bake};
use satchel::http::{Fetcher, HttpPolicy};
use satchel::intake::import_bytes;
use satchel::ops;
use satchel::outcome::{ImportResult, ImportStatus};
use satchel::verify::{Outcome, VerifyOptions, verify_badges};
use satchel::wallet::{NewBackpack, PushStatus, Wallet};
use serde_json::{Value, json};

use crate::fake_backpacks::{self, Backpack, BadgeConnectShape, PASSWORD, USER};
use crate::server::Route;
use crate::util::{Sandbox, hosted_issuer};
use crate::{badges, images};

/// A wallet, a loopback-allowed client and a mock keyring.
struct World {
    _dir: tempfile::TempDir,
    wallet: Wallet,
    fetcher: Fetcher,
    secrets: Secrets,
}

impl World {
    /// A collection named `name` (no description) holding `count` new local
    /// assertions issued to the test learner.
    async fn collection_of(&mut self, name: &str, count: usize) -> satchel::wallet::Collection {
        let ids = self.import_local(1..=count).await;
        let c = self.wallet.create_collection(name, "", Utc::now()).unwrap();
        self.wallet.add_to_collection(c.id, &ids).unwrap();
        c
    }

    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let wallet = Wallet::open(&dir.path().join("wallet.sqlite3")).unwrap();
        World {
            _dir: dir,
            wallet,
            fetcher: Fetcher::new(HttpPolicy::with_private(true)),
            secrets: Secrets::mock(),
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            fetcher: &self.fetcher,
            secrets: &self.secrets,
            now: Utc::now(),
        }
    }

    async fn import(&mut self, text: &[u8]) -> i64 {
        let r = import_bytes(
            &mut self.wallet,
            &self.fetcher,
            "test".into(),
            text.to_vec(),
            Utc::now(),
        )
        .await;
        r.badge_id.unwrap_or_else(|| panic!("not imported: {r:?}"))
    }

    /// Connects the Badgr `host`, then imports local assertion 1 and pushes
    /// it there by id; returns the push report.
    async fn push_one_to_badgr(&mut self, host: &Backpack) -> PushReport {
        let id = self.import_local(1..=1).await[0];
        self.add_badgr(host).await.unwrap();
        self.push("badgr", Selection::Ids(vec![id])).await
    }

    /// Imports the local assertions numbered `numbers`, issued to `USER`.
    async fn import_local(&mut self, numbers: std::ops::RangeInclusive<usize>) -> Vec<i64> {
        let mut ids = Vec::new();
        for n in numbers {
            let text = local_assertion(n, USER).to_string();
            ids.push(self.import(text.as_bytes()).await);
        }
        ids
    }

    async fn add_badgr(
        &mut self,
        host: &Backpack,
    ) -> Result<backpack::Added, backpack::BackpackError> {
        self.add_badgr_as(host, None).await
    }

    /// Signs in to the fake Badgr as the OAuth application `client_id`.
    async fn add_badgr_as(
        &mut self,
        host: &Backpack,
        client_id: Option<&str>,
    ) -> Result<backpack::Added, backpack::BackpackError> {
        let ctx = Context {
            fetcher: &self.fetcher,
            secrets: &self.secrets,
            now: Utc::now(),
        };
        backpack::add(
            &mut self.wallet,
            &ctx,
            "badgr",
            &host.base,
            BackpackKind::Badgr,
            SignIn::Password {
                username: USER,
                password: PASSWORD,
                client_id,
            },
        )
        .await
    }

    async fn add_oauth(
        &mut self,
        host: &Backpack,
        name: &str,
        kind: BackpackKind,
    ) -> backpack::Added {
        let ctx = Context {
            fetcher: &self.fetcher,
            secrets: &self.secrets,
            now: Utc::now(),
        };
        let browser = fake_backpacks::browser;
        backpack::add(
            &mut self.wallet,
            &ctx,
            name,
            &host.base,
            kind,
            SignIn::Browser {
                browser: &browser,
                wait: Duration::from_secs(20),
            },
        )
        .await
        .unwrap()
    }

    async fn push(&mut self, name: &str, selection: Selection) -> PushReport {
        let ctx = Context {
            fetcher: &self.fetcher,
            secrets: &self.secrets,
            now: Utc::now(),
        };
        backpack::push(&mut self.wallet, &ctx, name, &selection)
            .await
            .unwrap()
    }

    async fn pull(&mut self, name: &str) -> Result<Vec<ImportResult>, BackpackError> {
        let ctx = Context {
            fetcher: &self.fetcher,
            secrets: &self.secrets,
            now: Utc::now(),
        };
        ops::pull(&mut self.wallet, &ctx, name).await
    }

    /// Checks badges against their issuers as `satchel verify` does, for
    /// a learner whose identity is `USER`.
    async fn verify(&mut self, ids: &[i64]) -> Vec<Outcome> {
        if self.wallet.identities().unwrap().is_empty() {
            self.wallet.add_identity(USER, Utc::now()).unwrap();
        }
        verify_badges(
            &mut self.wallet,
            &self.fetcher,
            ids,
            Utc::now(),
            VerifyOptions::default(),
            &mut |_| {},
        )
        .await
        .unwrap()
        .into_iter()
        .map(|check| check.outcome)
        .collect()
    }
}

/// Checks a push that an outage stopped at badge `at`: that one failed as
/// `unreachable` with a message holding every phrase, and the ones after
/// it were not sent.
fn assert_stopped_at(report: &PushReport, at: usize, phrases: &[&str]) {
    let e = report.results[at].error.as_ref().unwrap();
    assert_eq!(e.code.as_str(), "unreachable");
    assert!(
        phrases.iter().all(|p| e.message.contains(p)),
        "{}",
        e.message
    );
    for rest in &report.results[at + 1..] {
        let message = &rest.error.as_ref().unwrap().message;
        assert!(message.starts_with("not sent: "), "{message}");
    }
}

/// The records the wallet keeps of pushes to `name`: (badge, status).
fn recorded(w: &World, name: &str) -> Vec<(i64, PushStatus)> {
    let account = w.wallet.backpack(name).unwrap().unwrap();
    w.wallet
        .push_records(account.id)
        .unwrap()
        .into_iter()
        .map(|r| (r.badge_id, r.status))
        .collect()
}

fn statuses(report: &PushReport) -> Vec<PushOutcome> {
    report.results.iter().map(|r| r.status).collect()
}

/// An OB 2.0 assertion that carries everything and is hosted nowhere.
fn local_assertion(n: usize, email: &str) -> Value {
    let mut a =
        badges::embedded_assertion(&format!("urn:uuid:0000-{n}"), "Local", "Nowhere", email);
    a["verification"] = json!({"type": "hosted"});
    a
}

#[tokio::test]
async fn badgr_sign_in_keeps_tokens_in_the_keyring_and_imports_by_url_image_and_assertion() {
    let host = Backpack::start();
    let issuer = hosted_issuer(1, USER);
    let mut w = World::new();
    let by_url = w.import(issuer.url("/assertions/0.json").as_bytes()).await;
    let png = bake(
        &images::badge_png(16, 40),
        &local_assertion(1, USER).to_string(),
        BakeSlot::Assertion,
    )
    .unwrap();
    let by_image = w.import(&png).await;
    let by_assertion = w
        .import(local_assertion(2, USER).to_string().as_bytes())
        .await;

    let added = w.add_badgr(&host).await.unwrap();
    assert_eq!(added.scope.as_deref(), Some("rw:backpack rw:profile"));
    assert_eq!(added.profile.as_ref().unwrap()["firstName"], "Ada");
    let token = host.state().last_access_token();
    let stored = w.secrets.load(&added.backpack.secret_key).unwrap().unwrap();
    assert_eq!(stored.access_token, token);
    let db = std::fs::read(w.wallet.path()).unwrap();
    let text = String::from_utf8_lossy(&db);
    assert!(
        !text.contains(&token) && !text.contains(PASSWORD),
        "a secret reached the wallet"
    );

    let report = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&report),
        vec![PushOutcome::Pushed; 3],
        "{report:?}"
    );
    let imports = host.state().imports.clone();
    assert_eq!(imports[0]["url"], issuer.url("/assertions/0.json"));
    assert!(
        imports[1]["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    let raw = w.wallet.badge(by_assertion).unwrap().raw_text;
    assert_eq!(
        imports[2]["assertion"],
        serde_json::from_str::<Value>(&raw).unwrap()
    );
    assert_eq!(
        report.results[0].remote_id.as_deref(),
        Some(imports[0]["entityId"].as_str().unwrap())
    );
    let _ = (by_url, by_image);

    // Pushing again sends nothing.
    let before = host.state().log.len();
    let again = w.push("badgr", Selection::All).await;
    assert_eq!(statuses(&again), vec![PushOutcome::Unchanged; 3]);
    assert_eq!(host.state().log.len(), before);

    // Removing the backpack deletes its sign-in.
    backpack::remove(&mut w.wallet, &w.secrets, "badgr").unwrap();
    assert_eq!(w.secrets.load(&added.backpack.secret_key).unwrap(), None);
    assert!(w.wallet.backpacks().unwrap().is_empty());
}

#[tokio::test]
async fn badgr_duplicates_are_already_there_and_recipient_mismatches_explained_then_retried() {
    let host = Backpack::start();
    let issuer = hosted_issuer(1, USER);
    let mut w = World::new();
    let url = issuer.url("/assertions/0.json");
    let dup = w.import(url.as_bytes()).await;
    let stranger = w
        .import(
            local_assertion(7, "stranger@example.org")
                .to_string()
                .as_bytes(),
        )
        .await;
    host.state()
        .imports
        .push(json!({"url": url, "entityId": "older"}));
    w.add_badgr(&host).await.unwrap();

    let report = w.push("badgr", Selection::Ids(vec![dup, stranger])).await;
    assert_eq!(
        statuses(&report),
        vec![PushOutcome::AlreadyThere, PushOutcome::Error]
    );
    assert!(
        report.results[0]
            .evidence
            .as_deref()
            .unwrap()
            .contains("DUPLICATE_BADGE")
    );
    let e = report.results[1].error.as_ref().unwrap();
    assert_eq!(e.code.as_str(), "refused");
    assert!(
        e.message.contains("stranger@example.org") && e.message.contains("verif"),
        "{}",
        e.message
    );
    assert!(
        report.results[1]
            .evidence
            .as_deref()
            .unwrap()
            .contains("VERIFY_RECIPIENT_IDENTIFIER")
    );
    assert!(report.failed());

    // The refusal is remembered with its evidence, and retried next time.
    let account = w.wallet.backpack("badgr").unwrap().unwrap();
    let records = w.wallet.push_records(account.id).unwrap();
    assert!(
        records.iter().any(|r| r.badge_id == stranger
            && r.evidence.as_deref().is_some_and(|e| e.contains("VERIFY")))
    );
    let again = w.push("badgr", Selection::Ids(vec![dup, stranger])).await;
    assert_eq!(
        statuses(&again),
        vec![PushOutcome::Unchanged, PushOutcome::Error]
    );
}

/// A Badgr sign-in as the test learner with a wrong password, into a
/// wallet of its own; the error it ends with.
async fn wrong_password(ctx: &Context<'_>, name: &str, base: &str) -> BackpackError {
    let sign_in = SignIn::Password {
        username: USER,
        password: "wrong",
        client_id: None,
    };
    let mut wallet = World::new().wallet;
    backpack::add(&mut wallet, ctx, name, base, BackpackKind::Badgr, sign_in)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn badgr_wrong_password_and_missing_scope_are_sentences() {
    let host = Backpack::start();
    let mut w = World::new();
    let ctx = w.ctx();
    let err = wrong_password(&ctx, "b", &host.base).await;
    assert_eq!(err.code().as_str(), "auth_required");
    assert!(err.to_string().contains("username and password"), "{err}");
    assert!(err.evidence().unwrap().contains("invalid_grant"));
    // The wait Badgr imposes after a wrong password is over.
    host.state().backoff.clear();

    // A server that grants only r:profile, and says so.
    host.state().profile_only = true;
    let err = w.add_badgr(&host).await.unwrap_err();
    assert!(err.to_string().contains("rw:backpack"), "{err}");

    // …or does not say so: the backpack's 404 is explained.
    host.state().hide_scope = true;
    w.add_badgr(&host).await.unwrap();
    let id = w
        .import(local_assertion(3, USER).to_string().as_bytes())
        .await;
    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    let e = report.results[0].error.as_ref().unwrap();
    assert_eq!(e.code.as_str(), "auth_required");
    assert!(e.message.contains("rw:backpack"), "{}", e.message);
}

#[tokio::test]
async fn expired_tokens_are_refreshed_else_sign_in_again_and_throttling_keeps_what_went_through() {
    let host = Backpack::start();
    let mut w = World::new();
    let ids = w.import_local(1..=3).await;
    let added = w.add_badgr(&host).await.unwrap();

    host.state().expire_tokens();
    let report = w.push("badgr", Selection::Ids(vec![ids[0]])).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed]);
    let refreshed = w.secrets.load(&added.backpack.secret_key).unwrap().unwrap();
    assert_eq!(refreshed.access_token, host.state().last_access_token());
    assert_eq!(host.state().count("POST /o/token"), 2);

    // Throttled after one more badge: the first is recorded, the rest not sent.
    host.state().fail_after = Some((1, 429));
    let report = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&report),
        vec![
            PushOutcome::Unchanged,
            PushOutcome::Pushed,
            PushOutcome::Error
        ]
    );
    assert_stopped_at(&report, 2, &["429", "7 s"]);
    host.state().fail_after = None;
    let report = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&report),
        vec![
            PushOutcome::Unchanged,
            PushOutcome::Unchanged,
            PushOutcome::Pushed
        ]
    );

    // Expired and no refresh possible: sign in again, nothing recorded.
    let id = w
        .import(local_assertion(4, USER).to_string().as_bytes())
        .await;
    {
        let mut s = host.state();
        s.expire_tokens();
        s.refresh.clear();
    }
    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    let e = report.results[0].error.as_ref().unwrap();
    assert_eq!(e.code.as_str(), "auth_required");
    assert!(e.message.contains("sign in again"), "{}", e.message);
    let account = w.wallet.backpack("badgr").unwrap().unwrap();
    assert!(
        !w.wallet
            .push_records(account.id)
            .unwrap()
            .iter()
            .any(|r| r.badge_id == id)
    );
}

#[tokio::test]
async fn badgr_collections_are_created_empty_then_filled_and_published() {
    let host = Backpack::start();
    let mut w = World::new();
    let c = w.collection_of("Job hunt", 2).await;
    w.add_badgr(&host).await.unwrap();

    let report = w
        .push("badgr", Selection::Collection("Job hunt".into()))
        .await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed; 2]);
    let pushed = report.collection.as_ref().unwrap();
    assert!(pushed.error.is_none(), "{pushed:?}");
    let share = pushed.share_url.clone().unwrap();
    assert!(share.contains("/public/collections/"), "{share}");
    let expected: Vec<Value> = report
        .results
        .iter()
        .map(|r| json!(r.remote_id.clone().unwrap()))
        .collect();
    {
        let s = host.state();
        assert_eq!(s.collection_posts.len(), 1);
        assert!(s.collection_posts[0].get("assertions").is_none());
        let remote = &s.collections[pushed.remote_id.as_ref().unwrap()];
        assert_eq!(remote["published"], true);
        assert_eq!(remote["assertions"], Value::Array(expected));
    }

    // A second push updates the same remote collection.
    let again = w
        .push("badgr", Selection::Collection(c.id.to_string()))
        .await;
    assert_eq!(again.collection.unwrap().remote_id, pushed.remote_id);
    assert_eq!(host.state().collection_posts.len(), 1);
}

#[tokio::test]
async fn a_pull_cut_off_by_the_server_keeps_the_pages_it_read_and_a_second_pull_gets_the_rest() {
    let host = Backpack::start();
    let issuer = hosted_issuer(5, USER);
    host.state().page_size = 2;
    host.state().listed = (0..5)
        .map(|i| json!({"entityId": format!("remote-{i}"), "openBadgeId": issuer.url(&format!("/assertions/{i}.json"))}))
        .collect();
    let mut w = World::new();
    w.add_badgr(&host).await.unwrap();
    // The first page is answered, then the server is in trouble.
    host.state().fail_after = Some((1, 503));
    let results = w.pull("badgr").await.unwrap();
    let statuses: Vec<ImportStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![
            ImportStatus::Imported,
            ImportStatus::Imported,
            ImportStatus::Error
        ],
        "{results:?}"
    );
    let cut = results[2].error.as_ref().unwrap();
    assert_eq!(cut.code.as_str(), "unreachable");
    assert!(cut.message.contains("503"), "{}", cut.message);
    assert_eq!(results[2].path, "badgr: the badges after the first 2");
    assert_eq!(w.wallet.badge_count().unwrap(), 2);

    host.state().fail_after = None;
    let again = w.pull("badgr").await.unwrap();
    let count = |s| again.iter().filter(|r| r.status == s).count();
    assert_eq!(
        (
            count(ImportStatus::Duplicate),
            count(ImportStatus::Imported)
        ),
        (2, 3),
        "{again:?}"
    );
    assert_eq!(w.wallet.badge_count().unwrap(), 5);
}

#[tokio::test]
async fn badgr_pull_reads_every_page_imports_from_the_issuer_and_deduplicates() {
    let host = Backpack::start();
    let issuer = hosted_issuer(5, USER);
    {
        let mut s = host.state();
        s.page_size = 2;
        s.listed = (0..5)
            .map(|i| json!({"entityId": format!("remote-{i}"), "openBadgeId": issuer.url(&format!("/assertions/{i}.json")),
                "recipient": {"identity": badges::hashed(USER, "badgr-salt"), "hashed": true, "salt": "badgr-salt"}}))
            .collect();
    }
    let mut w = World::new();
    w.add_badgr(&host).await.unwrap();
    let ctx = Context {
        fetcher: &w.fetcher,
        secrets: &w.secrets,
        now: Utc::now(),
    };
    let results = ops::pull(&mut w.wallet, &ctx, "badgr").await.unwrap();
    assert_eq!(results.len(), 5);
    assert!(
        results.iter().all(|r| r.status == ImportStatus::Imported),
        "{results:?}"
    );
    assert_eq!(host.state().count("GET /v2/backpack/assertions"), 3);
    assert_eq!(issuer.hits("/assertions/4.json"), 1);
    // Pulled badges are the issuer's own copies, so they verify like any other.
    let pulled: Vec<i64> = results.iter().filter_map(|r| r.badge_id).collect();
    assert_eq!(w.verify(&pulled).await, vec![Outcome::Valid; 5]);
    let ctx = Context {
        fetcher: &w.fetcher,
        secrets: &w.secrets,
        now: Utc::now(),
    };

    let again = ops::pull(&mut w.wallet, &ctx, "badgr").await.unwrap();
    assert!(again.iter().all(|r| r.status == ImportStatus::Duplicate));
    assert_eq!(w.wallet.list_badges().unwrap().len(), 5);
    // Pulled badges are known to be there: pushing sends none back.
    let report = w.push("badgr", Selection::All).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Unchanged; 5]);
}

/// Discovery, registration, sign-in with PKCE, refresh, push (new, already
/// there, not hosted) and a paged pull over Badge Connect in `shape`.
async fn badge_connect_round_trip(shape: BadgeConnectShape) {
    let host = Backpack::speaking(shape);
    let issuer = hosted_issuer(3, USER);
    let mut w = World::new();
    let added = w.add_oauth(&host, "bc", BackpackKind::BadgeConnect).await;
    assert_eq!(
        added.backpack.endpoints["api_base"],
        format!("{}{}", host.base, shape.api_path())
    );
    let client = added.backpack.client_id.clone().unwrap();
    assert!(host.state().clients.contains_key(&client));
    assert_eq!(added.profile.as_ref().unwrap()["name"], "Ada Lovelace");
    let tokens = w.secrets.load(&added.backpack.secret_key).unwrap().unwrap();
    assert!(tokens.client_secret.is_some() && tokens.refresh_token.is_some());

    let id = w.import(issuer.url("/assertions/0.json").as_bytes()).await;
    let held = w.import(issuer.url("/assertions/1.json").as_bytes()).await;
    let local = w
        .import(local_assertion(9, USER).to_string().as_bytes())
        .await;
    host.state()
        .imports
        .push(json!({"url": issuer.url("/assertions/1.json")}));
    host.state().expire_tokens();
    let report = w.push("bc", Selection::Ids(vec![id, held, local])).await;
    assert_eq!(
        statuses(&report),
        vec![
            PushOutcome::Pushed,
            PushOutcome::AlreadyThere,
            PushOutcome::Error
        ],
        "{report:?}"
    );
    assert_eq!(
        report.results[0].remote_id.as_deref(),
        Some(issuer.url("/assertions/0.json").as_str())
    );
    assert_eq!(
        report.results[2].error.as_ref().unwrap().code.as_str(),
        "unsupported"
    );
    assert_eq!(
        host.state().imports[1],
        json!({"url": issuer.url("/assertions/0.json")})
    );
    assert_eq!(
        host.state().count("POST /o/token"),
        2,
        "the expired token was refreshed"
    );

    host.state().page_size = 2;
    host.state().listed = (0..3)
        .map(|i| badges::assertion(&issuer.base, "rust", i, USER))
        .collect();
    let results = w.pull("bc").await.unwrap();
    let kinds: Vec<ImportStatus> = results.iter().map(|r| r.status).collect();
    assert_eq!(
        kinds,
        vec![
            ImportStatus::Duplicate,
            ImportStatus::Duplicate,
            ImportStatus::Imported
        ]
    );
    assert_eq!(
        host.state()
            .count(&format!("GET {}/assertions", shape.api_path())),
        2,
        "both pages were read"
    );
    // The pulled badge came from its issuer and verifies like any other.
    let pulled = results[2].badge_id.unwrap();
    assert_eq!(w.verify(&[pulled]).await, vec![Outcome::Valid]);
}

#[tokio::test]
async fn badge_connect_in_badgrs_shape_signs_in_pushes_and_pulls() {
    badge_connect_round_trip(BadgeConnectShape::Badgr).await;
}

#[tokio::test]
async fn badge_connect_in_the_specs_shape_signs_in_pushes_and_pulls() {
    badge_connect_round_trip(BadgeConnectShape::Spec).await;
}

#[tokio::test]
async fn ob3_discovers_upserts_json_and_jws_lists_both_and_updates_the_profile() {
    let host = Backpack::start();
    let mut w = World::new();
    let added = w.add_oauth(&host, "ob3", BackpackKind::Ob3).await;
    assert_eq!(
        added.backpack.endpoints["api_base"],
        format!("{}/ims/ob/v3p0", host.base)
    );
    let scopes = added.backpack.endpoints["scopes"].as_array().unwrap().len();
    assert_eq!(scopes, 4);

    let credential = badges::ob3_credential("urn:uuid:ob3-1", "Data Stewardship", "Open U", USER);
    let id = w.import(credential.to_string().as_bytes()).await;
    let old = w
        .import(local_assertion(1, USER).to_string().as_bytes())
        .await;
    let report = w.push("ob3", Selection::Ids(vec![id, old])).await;
    assert_eq!(report.results[0].status, PushOutcome::Pushed, "{report:?}");
    assert_eq!(
        report.results[1].error.as_ref().unwrap().code.as_str(),
        "unsupported"
    );
    assert_eq!(host.state().credentials[0]["id"], "urn:uuid:ob3-1");

    // The same credential from another wallet replaces it: 200, already there.
    let mut other = World::new();
    other.secrets = w.secrets.clone();
    let id2 = other.import(credential.to_string().as_bytes()).await;
    other.add_oauth(&host, "ob3", BackpackKind::Ob3).await;
    let report = other.push("ob3", Selection::Ids(vec![id2])).await;
    assert_eq!(report.results[0].status, PushOutcome::AlreadyThere);
    assert_eq!(host.state().credentials.len(), 1);

    // A compact JWS travels as text/plain and comes back in compactJwsString.
    let jws = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD
            .encode(badges::ob3_credential("urn:uuid:ob3-2", "Signed", "Open U", USER).to_string()),
        URL_SAFE_NO_PAD.encode(b"signature")
    );
    host.state().credentials.push(json!(jws));
    let ctx = Context {
        fetcher: &w.fetcher,
        secrets: &w.secrets,
        now: Utc::now(),
    };
    let results = ops::pull(&mut w.wallet, &ctx, "ob3").await.unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].status, ImportStatus::Duplicate);
    assert_eq!(host.state().count("GET /ims/ob/v3p0/credentials"), 1);

    let profile = json!({"type": "Profile", "name": "Ada L.", "email": USER});
    let kept = backpack::update_profile(&w.wallet, &ctx, "ob3", &profile)
        .await
        .unwrap();
    assert_eq!(kept["name"], "Ada L.");
    assert_eq!(
        backpack::profile(&w.wallet, &ctx, "ob3").await.unwrap()["name"],
        "Ada L."
    );
}

#[tokio::test]
async fn ob3_pull_follows_limit_offset_pages_to_the_last_credential() {
    let host = Backpack::start();
    let mut w = World::new();
    w.add_oauth(&host, "ob3", BackpackKind::Ob3).await;
    {
        let mut s = host.state();
        s.page_size = 2;
        s.credentials = (0..5)
            .map(|i| {
                badges::ob3_credential(
                    &format!("urn:uuid:paged-{i}"),
                    &format!("Paged {i}"),
                    "Open U",
                    USER,
                )
            })
            .collect();
    }
    let results = w.pull("ob3").await.unwrap();
    assert!(
        results.iter().all(|r| r.status == ImportStatus::Imported),
        "{results:?}"
    );
    assert_eq!(results.len(), 5);
    assert_eq!(host.state().count("GET /ims/ob/v3p0/credentials"), 3);
    let names: Vec<String> = w
        .wallet
        .list_badges()
        .unwrap()
        .into_iter()
        .filter_map(|b| b.name)
        .collect();
    for i in 0..5 {
        assert!(names.contains(&format!("Paged {i}")), "{names:?}");
    }
}

#[tokio::test]
async fn a_backpack_failing_mid_push_keeps_what_went_through_and_the_retry_sends_the_rest() {
    let host = Backpack::start();
    let mut w = World::new();
    let ids = w.import_local(1..=4).await;
    w.add_badgr(&host).await.unwrap();

    // One badge goes through, then the server answers 503.
    host.state().fail_after = Some((1, 503));
    let report = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&report),
        vec![
            PushOutcome::Pushed,
            PushOutcome::Error,
            PushOutcome::Error,
            PushOutcome::Error
        ]
    );
    assert_stopped_at(
        &report,
        1,
        &["badgr is having trouble (HTTP 503)", "try again later"],
    );
    assert!(
        report.results[1]
            .evidence
            .as_deref()
            .unwrap()
            .contains("Server Error (503)")
    );
    assert_eq!(
        host.state().count("POST /v2/backpack/import"),
        2,
        "the rest was not sent into the outage"
    );
    assert_eq!(recorded(&w, "badgr"), vec![(ids[0], PushStatus::Pushed)]);
    let err = w.pull("badgr").await.unwrap_err();
    assert!(
        matches!(err, BackpackError::Unavailable { status: 503, .. }),
        "{err}"
    );

    host.state().fail_after = None;
    let again = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&again),
        vec![
            PushOutcome::Unchanged,
            PushOutcome::Pushed,
            PushOutcome::Pushed,
            PushOutcome::Pushed
        ]
    );
    assert_eq!(host.state().imports.len(), 4);
    assert_eq!(host.state().count("POST /v2/backpack/import"), 5);
}

#[tokio::test]
async fn a_backpack_that_does_not_answer_keeps_what_went_through_and_the_retry_sends_the_rest() {
    let mut host = Backpack::start();
    let mut w = World::new();
    let ids = w.import_local(1..=3).await;
    w.add_badgr(&host).await.unwrap();
    let first = w.push("badgr", Selection::Ids(vec![ids[0]])).await;
    assert_eq!(statuses(&first), vec![PushOutcome::Pushed]);

    // It goes down: the open connection is cut, then the port is closed.
    host.go_down();
    let cut = w.push("badgr", Selection::Ids(vec![ids[1]])).await;
    assert_stopped_at(&cut, 0, &["badgr did not answer ("]);

    // A new run (a new process, no open connection) is refused.
    w.fetcher = Fetcher::new(HttpPolicy::with_private(true));
    let report = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&report),
        vec![
            PushOutcome::Unchanged,
            PushOutcome::Error,
            PushOutcome::Error
        ]
    );
    assert_stopped_at(
        &report,
        1,
        &[
            "badgr did not answer (",
            "/v2/backpack/import: the connection failed",
            "what went through so far is recorded",
        ],
    );
    let said = &report.results[1].error.as_ref().unwrap().message;
    assert!(!said.contains("issuer"), "{said}");
    assert_eq!(recorded(&w, "badgr"), vec![(ids[0], PushStatus::Pushed)]);
    let err = w.pull("badgr").await.unwrap_err();
    assert!(matches!(err, BackpackError::Offline { .. }), "{err}");

    // Back up on the same address: only the rest is sent.
    host.come_back();
    let again = w.push("badgr", Selection::All).await;
    assert_eq!(
        statuses(&again),
        vec![
            PushOutcome::Unchanged,
            PushOutcome::Pushed,
            PushOutcome::Pushed
        ]
    );
    assert_eq!(host.state().imports.len(), 3);
    assert_eq!(host.state().count("POST /v2/backpack/import"), 3);
}

#[tokio::test]
async fn badgr_knows_a_badge_it_holds_whatever_form_it_comes_in() {
    let host = Backpack::start();
    let assertion = local_assertion(1, USER).to_string();
    // One wallet holds the badge as JSON, another as a baked image of it.
    let mut json_wallet = World::new();
    let as_json = json_wallet.import(assertion.as_bytes()).await;
    let mut image_wallet = World::new();
    let png = bake(&images::badge_png(16, 40), &assertion, BakeSlot::Assertion).unwrap();
    let as_image = image_wallet.import(&png).await;
    json_wallet.add_badgr(&host).await.unwrap();
    image_wallet.add_badgr(&host).await.unwrap();

    let first = json_wallet
        .push("badgr", Selection::Ids(vec![as_json]))
        .await;
    assert_eq!(first.results[0].sent_as, Some(SentAs::Json));
    let second = image_wallet
        .push("badgr", Selection::Ids(vec![as_image]))
        .await;
    assert_eq!(statuses(&second), vec![PushOutcome::AlreadyThere]);
    assert_eq!(second.results[0].sent_as, Some(SentAs::Image));
    assert!(
        second.results[0]
            .evidence
            .as_deref()
            .unwrap()
            .contains("DUPLICATE_BADGE")
    );
    assert_eq!(host.state().imports.len(), 1);
}

#[tokio::test]
async fn badgr_sign_in_names_the_public_client_and_the_backpack_keeps_it() {
    let host = Backpack::start();
    let mut w = World::new();
    let added = w.add_badgr(&host).await.unwrap();
    assert_eq!(added.backpack.client_id.as_deref(), Some("public"));
    let forms = host.state().token_forms.clone();
    assert_eq!(forms[0]["grant_type"], "password");
    assert_eq!(forms[0]["client_id"], "public");
}

#[tokio::test]
async fn badgr_sign_in_as_another_client_refreshes_as_it_and_an_unknown_one_is_named() {
    let host = Backpack::start();
    host.state().password_clients = vec!["satchel-app".to_owned()];
    let mut w = World::new();
    // Badgr refuses a client id it does not know, and the sentence says so.
    let err = w.add_badgr(&host).await.unwrap_err();
    assert_eq!(err.code().as_str(), "auth_required");
    let said = err.to_string();
    assert!(
        said.contains("\"public\"") && said.contains("invalid client_id"),
        "{said}"
    );
    assert!(said.contains("--client-id"), "{said}");
    // The wait Badgr imposes after a failed sign-in is over.
    host.state().backoff.clear();

    let added = w.add_badgr_as(&host, Some("satchel-app")).await.unwrap();
    assert_eq!(added.backpack.client_id.as_deref(), Some("satchel-app"));
    let id = w
        .import(local_assertion(1, USER).to_string().as_bytes())
        .await;
    host.state().expire_tokens();
    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed], "{report:?}");
    let forms = host.state().token_forms.clone();
    let refresh = forms.last().unwrap();
    assert_eq!(refresh["grant_type"], "refresh_token");
    assert_eq!(refresh["client_id"], "satchel-app");
}

#[tokio::test]
async fn a_badgr_backpack_stored_without_a_client_id_refreshes_as_public() {
    let host = Backpack::start();
    let mut w = World::new();
    let added = w.add_badgr(&host).await.unwrap().backpack;
    // As the row was written before Satchel kept Badgr's client id.
    w.wallet
        .save_backpack(
            &NewBackpack {
                name: added.name.clone(),
                kind: added.kind.clone(),
                base_url: added.base_url.clone(),
                endpoints: added.endpoints.clone(),
                client_id: None,
                username: added.username.clone(),
                secret_key: added.secret_key.clone(),
            },
            Utc::now(),
        )
        .unwrap();
    let id = w
        .import(local_assertion(1, USER).to_string().as_bytes())
        .await;
    host.state().expire_tokens();
    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed], "{report:?}");
    let forms = host.state().token_forms.clone();
    assert_eq!(forms.last().unwrap()["client_id"], "public");
}

#[tokio::test]
async fn badgr_throttles_sign_ins_after_a_wrong_password_and_satchel_says_how_long_to_wait() {
    let host = Backpack::start();
    let mut w = World::new();
    let ctx = w.ctx();
    let err = wrong_password(&ctx, "badgr", &host.base).await;
    let said = err.to_string();
    assert!(
        said.contains("invalid_grant: Invalid credentials given."),
        "{said}"
    );

    // Right away, even the right password waits: Badgr says how long in `expires`.
    let err = w.add_badgr(&host).await.unwrap_err();
    assert!(
        matches!(
            err,
            BackpackError::Throttled {
                retry_after: Some(4),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("wait 4 s"), "{err}");
    assert!(
        err.evidence().unwrap().contains("Too many login attempts"),
        "{err:?}"
    );
    assert!(w.wallet.backpacks().unwrap().is_empty());
}

#[tokio::test]
async fn badgr_refuses_blank_collection_descriptions_so_they_are_left_out() {
    let host = Backpack::start();
    let mut w = World::new();
    w.collection_of("Portfolio", 1).await;
    w.add_badgr(&host).await.unwrap();

    let report = w
        .push("badgr", Selection::Collection("Portfolio".into()))
        .await;
    let pushed = report.collection.as_ref().unwrap();
    assert!(pushed.error.is_none(), "{pushed:?}");
    let s = host.state();
    assert!(s.collection_posts[0].get("description").is_none());
    let remote = &s.collections[pushed.remote_id.as_ref().unwrap()];
    assert!(remote.get("description").is_none(), "{remote}");
    assert_eq!(remote["published"], true);
}

#[tokio::test]
async fn badgr_takes_an_assertion_only_as_a_json_object() {
    let host = Backpack::start();
    let mut w = World::new();
    let report = w.push_one_to_badgr(&host).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed], "{report:?}");
    assert_eq!(report.results[0].sent_as, Some(SentAs::Json));
    assert!(host.state().imports[0]["assertion"].is_object());
}

#[tokio::test]
async fn a_hosted_badge_badgr_cannot_fetch_is_sent_as_its_baked_image_and_the_report_says_so() {
    let host = Backpack::start();
    let issuer = hosted_issuer(1, USER);
    let mut w = World::new();
    let id = w.import(issuer.url("/assertions/0.json").as_bytes()).await;
    w.add_badgr(&host).await.unwrap();
    // The issuer's site is gone.
    issuer.route("/assertions/0.json", Route::Status(410));

    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Pushed], "{report:?}");
    let result = &report.results[0];
    assert_eq!(result.sent_as, Some(SentAs::Image));
    assert_eq!(result.instead_of, Some(SentAs::Url));
    assert!(
        result
            .evidence
            .as_deref()
            .unwrap()
            .contains("FETCH_HTTP_NODE"),
        "{result:?}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["results"][0]["sent_as"], "image");
    assert_eq!(json["results"][0]["instead_of"], "url");
    let s = host.state();
    assert_eq!(s.count("POST /v2/backpack/import"), 2);
    assert_eq!(s.imports.len(), 1);
    assert!(
        s.imports[0]["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
}

#[tokio::test]
async fn a_fallback_badgr_also_refuses_says_both_forms_and_keeps_both_answers() {
    let host = Backpack::start();
    let issuer = hosted_issuer(1, "stranger@example.org");
    let mut w = World::new();
    let id = w.import(issuer.url("/assertions/0.json").as_bytes()).await;
    w.add_badgr(&host).await.unwrap();
    issuer.route("/assertions/0.json", Route::Status(410));

    let report = w.push("badgr", Selection::Ids(vec![id])).await;
    assert_eq!(statuses(&report), vec![PushOutcome::Error], "{report:?}");
    let e = report.results[0].error.as_ref().unwrap();
    assert_eq!(e.code.as_str(), "refused");
    assert!(
        e.message
            .contains("it was sent by its hosted address, then as a baked image"),
        "{}",
        e.message
    );
    let evidence = report.results[0].evidence.as_deref().unwrap();
    assert!(
        evidence.contains("FETCH_HTTP_NODE") && evidence.contains("VERIFY_RECIPIENT_IDENTIFIER"),
        "{evidence}"
    );
}

#[tokio::test]
async fn badgr_serves_what_it_holds_at_its_public_assertion_and_baked_image_addresses() {
    let host = Backpack::start();
    let mut w = World::new();
    let report = w.push_one_to_badgr(&host).await;
    let remote = report.results[0].remote_id.clone().unwrap();
    let public = format!("{}/public/assertions/{remote}", host.base);

    // A pull into another wallet reads each badge from Badgr's own address.
    host.state().listed = vec![json!({"entityId": remote, "openBadgeId": public})];
    let mut other = World::new();
    other.add_badgr(&host).await.unwrap();
    let results = other.pull("badgr").await.unwrap();
    assert_eq!(results[0].status, ImportStatus::Imported, "{results:?}");
    let pulled = other.wallet.badge(results[0].badge_id.unwrap()).unwrap();
    assert_eq!(pulled.credential.id.as_deref(), Some("urn:uuid:0000-1"));

    // The baked image is a redirect away and carries the same assertion.
    let baked = w
        .fetcher
        .get(&format!("{public}/baked"), "image/png")
        .await
        .unwrap();
    assert!(baked.final_url.contains("/media/"), "{}", baked.final_url);
    let text = satchel::bake::unbake(&baked.body).unwrap().text;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["id"],
        "urn:uuid:0000-1"
    );
}

/// Whether `program` is on the PATH.
fn installed(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(program).is_file())
    })
}

/// Whether the real keyring test can run. A missing tool skips it, except
/// with `SATCHEL_E2E_REQUIRED=1` (scripts/test, CI), where it fails it.
fn keyring_tools_present() -> bool {
    let missing: Vec<&str> = ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"]
        .into_iter()
        .filter(|program| !installed(program))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "the real keyring test needs {} on the PATH; run scripts/setup (or apt-get install dbus gnome-keyring libsecret-tools)",
        missing.join(", ")
    );
    assert!(
        std::env::var("SATCHEL_E2E_REQUIRED").as_deref() != Ok("1"),
        "SATCHEL_E2E_REQUIRED=1 but {why}"
    );
    eprintln!("skipping: {why}");
    false
}

/// The text between two `--- name` markers of the script's output.
fn section<'a>(stdout: &'a str, from: &str, to: &str) -> &'a str {
    let from = format!("--- {from}\n");
    let to = format!("--- {to}\n");
    let start = stdout
        .find(&from)
        .unwrap_or_else(|| panic!("no {from:?}: {stdout}"))
        + from.len();
    let len = stdout[start..]
        .find(&to)
        .unwrap_or_else(|| panic!("no {to:?}: {stdout}"));
    &stdout[start..start + len]
}

#[test]
fn the_cli_keeps_a_badgr_sign_in_in_a_real_secret_service_keyring() {
    if !keyring_tools_present() {
        return;
    }
    let host = Backpack::start();
    let sb = Sandbox::new();
    let home = sb.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = sb.write("badge.json", local_assertion(1, USER).to_string());
    let bin = env!("CARGO_BIN_EXE_satchel");
    let wallet = sb.wallet.display().to_string();
    // One D-Bus session: an unlocked throwaway keyring, then the real CLI;
    // libsecret's own `secret-tool` looks the entry up before and after.
    // The password must not be empty: with one, gnome-keyring creates no
    // `login` collection and the `default` alias points nowhere.
    let script = format!(
        r#"set -e
printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
S="{bin} --wallet {wallet} --allow-private-network"
$S import {file} --json >/dev/null
printf '%s\n' '{PASSWORD}' | $S backpack add badgr {base} --username {USER} --password-stdin
echo "--- push"
$S push badgr --all --json
echo "--- keyring"
secret-tool search --all service '{service}' 2>&1
echo "--- list"
$S backpack list
$S backpack remove badgr
echo "--- keyring after"
secret-tool search --all service '{service}' 2>&1
echo "--- after"
$S push badgr --all || true
"#,
        base = host.base,
        service = backpack::secrets::SERVICE,
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", &home)
        .env_remove("SATCHEL_WALLET")
        .output()
        .expect("run dbus-run-session");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains("connected badgr (badgr)"),
        "{stdout}\n{stderr}"
    );
    let push = section(&stdout, "push", "keyring");
    let report: Value =
        serde_json::from_str(push).unwrap_or_else(|e| panic!("{e}: {push}\n{stderr}"));
    assert_eq!(report["results"][0]["status"], "pushed", "{report}");
    // The token that made the push work came from the keyring, not the wallet.
    let token = host.state().last_access_token();
    let db = std::fs::read(&sb.wallet).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains(&token));
    let keyrings = home.join("data/keyrings");
    assert!(
        keyrings.is_dir(),
        "gnome-keyring kept no keyring under the throwaway HOME"
    );
    // The Secret Service held the token itself, and forgot it on remove.
    let held = section(&stdout, "keyring", "list");
    assert!(
        held.contains(&format!(
            "attribute.service = {}",
            backpack::secrets::SERVICE
        )) && held.contains(&format!("\"access_token\":\"{token}\"")),
        "the keyring did not hold the sign-in: {held}"
    );
    let after = section(&stdout, "keyring after", "after");
    assert!(
        !after.contains("attribute.service") && !after.contains(&token),
        "`backpack remove` left the sign-in in the keyring: {after}"
    );
    assert!(stderr.contains("no backpack named \"badgr\""), "{stderr}");
}

/// Runs the real CLI as on a desktop where no keyring runs: the session bus
/// address names a socket that is not there, and HOME is `home`. `stdin` is
/// piped in (a password).
fn without_keyring(sb: &Sandbox, home: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(&sb.wallet)
        .arg("--allow-private-network")
        .args(args)
        .env_remove("SATCHEL_WALLET")
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", home.join("no-bus").display()),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run satchel");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn without_a_keyring_the_cli_says_so_and_signs_in_for_one_command() {
    let host = Backpack::start();
    let sb = Sandbox::new();
    let home = sb.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = sb.write("badge.json", local_assertion(1, USER).to_string());
    let run = |args: &[&str], stdin: &str| {
        let out = without_keyring(&sb, &home, args, stdin);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let password = format!("{PASSWORD}\n");
    assert_eq!(run(&["import", &file], "").0, Some(0));

    // Connecting signs in for that one command, and says so.
    let (code, stdout, stderr) = run(
        &[
            "backpack",
            "add",
            "badgr",
            &host.base,
            "--username",
            USER,
            "--password-stdin",
        ],
        &password,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("connected badgr (badgr)")
            && stdout.contains("the sign-in lasts for this command only"),
        "{stdout}"
    );
    assert!(
        stderr.contains(backpack::secrets::SESSION_ONLY)
            && stderr.contains("the keyring could not be reached:"),
        "{stderr}"
    );

    // The next command has no sign-in: the plain sentence, the bus's words
    // apart, and how to sign in for one command.
    let (code, stdout, stderr) = run(&["push", "badgr", "--all"], "");
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    let first = stderr.lines().next().unwrap();
    assert!(
        first.starts_with("satchel: no keyring is running on this desktop")
            && first.contains("GNOME Keyring or KWallet")
            && !first.contains("zbus"),
        "{stderr}"
    );
    assert!(
        stderr.contains("add --sign-in") && stderr.contains("details: ") && stderr.contains("zbus"),
        "{stderr}"
    );
    assert!(host.state().imports.is_empty());

    // `--password-stdin` signs in for this push (as the username stored) and it goes.
    let (code, stdout, stderr) = run(
        &["push", "badgr", "--all", "--password-stdin", "--json"],
        &password,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["results"][0]["status"], "pushed", "{report}");
    assert!(
        stderr.contains("signed in to badgr; the sign-in lasts for this command only"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(
        &["pull", "badgr", "--sign-in", "--password-stdin"],
        &password,
    );
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let token = host.state().last_access_token();

    // Nothing was written anywhere: not the wallet (nor its journal), not HOME.
    let mut files = Vec::new();
    let mut dirs = vec![sb.dir.path().to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "{}",
            path.display()
        );
    }
    let (code, stdout, _) = run(&["backpack", "remove", "badgr"], "");
    assert_eq!(code, Some(0));
    assert!(stdout.contains("no stored sign-in was deleted"), "{stdout}");
}
