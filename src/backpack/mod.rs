//! Connecting the wallet to other backpacks: push badges out, pull them in.
//!
//! Three protocols are spoken: the Badgr API v2 ([`badgr`]), Open Badges 2.1
//! Badge Connect ([`badge_connect`]) and the Open Badges 3.0 API ([`ob3`]).
//! This module owns the use-cases the CLI and the window call — [`add`],
//! [`remove`], [`push`], [`list_held`] — written against a small [`Context`]
//! (HTTP client, secret store, clock). Sign-ins go through [`oauth`]; tokens
//! live in the OS keyring ([`secrets`]), or in memory for the session when
//! the desktop runs none, and never in the wallet. Pulled
//! badges are listed here ([`list_held`]) and enter through
//! [`crate::intake`] like any other.
//! Each badge's push state is written as soon as its answer arrives, so a
//! batch that stops half-way loses nothing and the rest can be retried.

mod api;
pub mod badge_connect;
pub mod badgr;
pub mod oauth;
pub mod ob3;
pub mod secrets;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

pub use oauth::{Browser, SystemBrowser};
pub use secrets::{Secrets, Tokens};

use crate::http::{FetchError, Fetcher};
use crate::outcome::{Coded, ErrorBody, ErrorCode};
use crate::wallet::{
    BackpackAccount, Badge, Collection, CollectionError, NewBackpack, PushRecord, PushStatus,
    RemoteCollection, Wallet, WalletError, timestamp,
};
use api::{Remote, Session};

/// The protocol a backpack speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackpackKind {
    /// Badgr API v2: password sign-in, `/v2/backpack/…`.
    Badgr,
    /// Open Badges 2.1 Badge Connect.
    BadgeConnect,
    /// Open Badges 3.0 API.
    Ob3,
}

impl BackpackKind {
    /// The name stored in the wallet.
    pub fn as_str(self) -> &'static str {
        match self {
            BackpackKind::Badgr => "badgr",
            BackpackKind::BadgeConnect => "badge_connect",
            BackpackKind::Ob3 => "ob3",
        }
    }

    /// Reads a kind as stored or as typed (`badge-connect` too).
    pub fn parse(s: &str) -> Result<Self, BackpackError> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "badgr" => Ok(BackpackKind::Badgr),
            "badge_connect" | "badgeconnect" => Ok(BackpackKind::BadgeConnect),
            "ob3" => Ok(BackpackKind::Ob3),
            _ => Err(BackpackError::InvalidInput(format!(
                "{s:?} is not a kind of backpack Satchel speaks; use badgr, badge-connect or ob3"
            ))),
        }
    }
}

/// Where a backpack's API lives, as configured or discovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The base the API paths hang from.
    pub api_base: String,
    pub token_url: String,
    pub authorization_url: Option<String>,
    pub registration_url: Option<String>,
    /// The scopes Satchel asks for.
    pub scopes: Vec<String>,
}

/// Why talking to a backpack did not work. Every message is a sentence the
/// learner can act on; the remote's own words travel apart as evidence.
#[derive(Debug, thiserror::Error)]
pub enum BackpackError {
    #[error("no backpack named {0:?}; `satchel backpack list` shows the ones you added")]
    NoSuchBackpack(String),
    #[error("{0}")]
    InvalidInput(String),
    /// The learner must sign in (again).
    #[error("{message}")]
    SignIn {
        message: String,
        evidence: Option<String>,
    },
    /// The backpack said no to this request.
    #[error("{message}")]
    Refused { message: String, evidence: String },
    #[error("{name} asks Satchel to slow down (HTTP 429); wait {} and try again — what was sent so far is recorded", wait(.retry_after))]
    Throttled {
        name: String,
        retry_after: Option<u64>,
        evidence: String,
    },
    #[error("{name} is having trouble (HTTP {status}); nothing was lost, try again later")]
    Unavailable {
        name: String,
        status: u16,
        evidence: String,
    },
    /// The backpack did not answer at all (connection refused, dropped or
    /// timed out).
    #[error(
        "{name} did not answer ({reason}); it may be down — what went through so far is recorded, so run the same command again later"
    )]
    Offline { name: String, reason: String },
    #[error("{name} answered in a way Satchel cannot read: {reason}")]
    Protocol { name: String, reason: String },
    /// This badge cannot travel over this protocol.
    #[error("{0}")]
    Unsupported(String),
    #[error(
        "the system keyring could not {action} ({reason}); Satchel keeps backpack sign-ins only there — unlock or start your desktop's keyring (GNOME Keyring, KWallet) and try again"
    )]
    Keyring {
        action: &'static str,
        reason: String,
    },
    /// No Secret Service answers on this desktop; the bus's words are the evidence.
    #[error(
        "no keyring is running on this desktop, so Satchel has nowhere safe to keep your backpack sign-in: install GNOME Keyring or KWallet (with its Secret Service), start or unlock it and try again — or sign in for this session only, and you will be asked again next time"
    )]
    NoKeyring { reason: String },
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Wallet(#[from] WalletError),
    #[error(transparent)]
    Collection(#[from] CollectionError),
}

fn wait(seconds: &Option<u64>) -> String {
    match seconds {
        Some(s) => format!("{s} s"),
        None => "a minute".to_owned(),
    }
}

impl Coded for BackpackError {
    fn code(&self) -> ErrorCode {
        match self {
            BackpackError::NoSuchBackpack(_) => ErrorCode::NotFound,
            BackpackError::InvalidInput(_) => ErrorCode::InvalidInput,
            BackpackError::SignIn { .. } => ErrorCode::AuthRequired,
            BackpackError::Refused { .. } => ErrorCode::Refused,
            BackpackError::Throttled { .. }
            | BackpackError::Unavailable { .. }
            | BackpackError::Offline { .. } => ErrorCode::Unreachable,
            BackpackError::Protocol { .. } | BackpackError::Unsupported(_) => {
                ErrorCode::Unsupported
            }
            BackpackError::Keyring { .. } | BackpackError::NoKeyring { .. } => ErrorCode::Io,
            BackpackError::Fetch(e) => e.code(),
            BackpackError::Wallet(e) => e.code(),
            BackpackError::Collection(e) => e.code(),
        }
    }
}

impl BackpackError {
    /// The backpack's own words about this failure, when it sent any.
    pub fn evidence(&self) -> Option<&str> {
        match self {
            BackpackError::SignIn { evidence, .. } => evidence.as_deref(),
            BackpackError::Refused { evidence, .. }
            | BackpackError::Throttled { evidence, .. }
            | BackpackError::Unavailable { evidence, .. } => Some(evidence),
            BackpackError::NoKeyring { reason } => Some(reason),
            _ => None,
        }
    }

    /// Whether the rest of a batch would fail the same way (sign-in,
    /// throttling, a server or network down), so it is not sent.
    fn stops_batch(&self) -> bool {
        matches!(
            self,
            BackpackError::SignIn { .. }
                | BackpackError::Throttled { .. }
                | BackpackError::Unavailable { .. }
                | BackpackError::Offline { .. }
                | BackpackError::Fetch(_)
                | BackpackError::Keyring { .. }
                | BackpackError::NoKeyring { .. }
        )
    }
}

/// What the use-cases need from the outside world.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub fetcher: &'a Fetcher,
    pub secrets: &'a Secrets,
    pub now: DateTime<Utc>,
}

/// How the learner signs in to a new backpack.
pub enum SignIn<'a> {
    /// Badgr's password grant; the password is sent once and never kept.
    /// The OAuth client is `client_id`, or Badgr's `public` application.
    Password {
        username: &'a str,
        password: &'a str,
        client_id: Option<&'a str>,
    },
    /// The browser flow of Badge Connect and OB 3.0, given up after `wait`.
    Browser {
        browser: &'a dyn Browser,
        wait: Duration,
    },
}

/// A backpack that was added (or signed in to again).
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub backpack: BackpackAccount,
    /// The scope the server granted, when it said.
    pub scope: Option<String>,
    /// The learner's profile on the backpack, as it answered.
    pub profile: Option<serde_json::Value>,
    /// When no keyring is running: the sentence that says the sign-in is
    /// kept for this session only.
    pub session_only: Option<&'static str>,
}

/// Connects a backpack: discovers its endpoints, signs in, stores the
/// tokens in the keyring and the rest in the wallet. Adding a name that
/// exists signs in again (same address and kind only).
pub async fn add(
    wallet: &mut Wallet,
    ctx: &Context<'_>,
    name: &str,
    base_url: &str,
    kind: BackpackKind,
    sign_in: SignIn<'_>,
) -> Result<Added, BackpackError> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(BackpackError::InvalidInput(
            "give the backpack a short name, such as badgr".to_owned(),
        ));
    }
    let base = base_url_of(base_url)?;
    let existing = wallet.backpack(name)?;
    if let Some(old) = existing
        .as_ref()
        .filter(|old| old.base_url != base || old.kind != kind.as_str())
    {
        return Err(BackpackError::InvalidInput(format!(
            "a backpack named {name:?} already points at {} ({}); remove it first or choose another name",
            old.base_url, old.kind
        )));
    }
    let fetcher = ctx.fetcher;
    let endpoints = match kind {
        BackpackKind::Badgr => badgr::endpoints(&base),
        BackpackKind::BadgeConnect => badge_connect::discover(fetcher, &base, name).await?,
        BackpackKind::Ob3 => ob3::discover(fetcher, &base, name).await?,
    };
    let SignedIn {
        tokens,
        scope,
        client_id,
        username,
    } = sign_in_to(ctx, &endpoints, kind, sign_in, name).await?;
    let secret_key = match &existing {
        Some(old) => old.secret_key.clone(),
        None => Secrets::new_key()?,
    };
    ctx.secrets.save(&secret_key, &tokens)?;
    let record = NewBackpack {
        name: name.to_owned(),
        kind: kind.as_str().to_owned(),
        base_url: base,
        endpoints: serde_json::to_value(&endpoints).expect("endpoints always serialize"),
        client_id,
        username,
        secret_key: secret_key.clone(),
    };
    if let Err(e) = wallet.save_backpack(&record, ctx.now) {
        // Leave no orphan secret behind a backpack the wallet does not know.
        if existing.is_none() {
            let _ = ctx.secrets.delete(&secret_key);
        }
        return Err(e.into());
    }
    let backpack = find(wallet, name)?;
    let mut session = open_session(ctx, &backpack)?.1;
    let profile = match kind {
        BackpackKind::Badgr => badgr::profile(&mut session, &endpoints).await,
        BackpackKind::BadgeConnect => badge_connect::profile(&mut session, &endpoints).await,
        BackpackKind::Ob3 => ob3::profile(&mut session, &endpoints).await,
    }
    .ok();
    Ok(Added {
        backpack,
        scope,
        profile,
        session_only: ctx
            .secrets
            .is_session_only()
            .then_some(secrets::SESSION_ONLY),
    })
}

/// What signing in to a backpack gave.
struct SignedIn {
    tokens: Tokens,
    scope: Option<String>,
    client_id: Option<String>,
    username: Option<String>,
}

/// Signs in the way backpacks of `kind` do: Badgr with a password, Badge
/// Connect and OB 3.0 through the browser.
async fn sign_in_to(
    ctx: &Context<'_>,
    endpoints: &Endpoints,
    kind: BackpackKind,
    sign_in: SignIn<'_>,
    name: &str,
) -> Result<SignedIn, BackpackError> {
    let (fetcher, now) = (ctx.fetcher, ctx.now.timestamp());
    match (kind, sign_in) {
        (
            BackpackKind::Badgr,
            SignIn::Password {
                username,
                password,
                client_id,
            },
        ) => {
            let client_id = badgr::client_id(client_id)?;
            let granted = badgr::sign_in(
                fetcher, endpoints, username, password, &client_id, name, now,
            )
            .await?;
            Ok(SignedIn {
                tokens: granted.tokens,
                scope: granted.scope,
                client_id: Some(client_id),
                username: Some(username.to_owned()),
            })
        }
        (BackpackKind::BadgeConnect | BackpackKind::Ob3, SignIn::Browser { browser, wait }) => {
            let done = oauth::authorize(fetcher, endpoints, browser, wait, name, now).await?;
            Ok(SignedIn {
                tokens: done.tokens,
                scope: done.scope,
                client_id: Some(done.client_id),
                username: None,
            })
        }
        (BackpackKind::Badgr, _) => Err(BackpackError::InvalidInput(
            "Badgr backpacks sign in with a username and password".to_owned(),
        )),
        _ => Err(BackpackError::InvalidInput(
            "Badge Connect and OB 3.0 backpacks sign in through the browser".to_owned(),
        )),
    }
}

/// Checks and normalizes a backpack's address (http(s), no trailing slash).
fn base_url_of(text: &str) -> Result<String, BackpackError> {
    let url = Url::parse(text.trim())
        .map_err(|e| BackpackError::InvalidInput(format!("{text:?} is not a web address ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(BackpackError::InvalidInput(format!(
            "{text:?} is not an http(s) address of a backpack"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn find(wallet: &Wallet, name: &str) -> Result<BackpackAccount, BackpackError> {
    wallet
        .backpack(name)?
        .ok_or_else(|| BackpackError::NoSuchBackpack(name.to_owned()))
}

fn open_session<'a>(
    ctx: &Context<'a>,
    account: &BackpackAccount,
) -> Result<(BackpackKind, Session<'a>, Endpoints), BackpackError> {
    let kind = BackpackKind::parse(&account.kind)?;
    let endpoints: Endpoints =
        serde_json::from_value(account.endpoints.clone()).map_err(|e| BackpackError::Protocol {
            name: account.name.clone(),
            reason: format!("its stored endpoints are unreadable ({e}); add it again"),
        })?;
    let session = Session::open(ctx, account, endpoints.token_url.clone())?;
    Ok((kind, session, endpoints))
}

/// Forgets a backpack: its sign-in leaves the keyring, its push history the wallet.
pub fn remove(wallet: &mut Wallet, secrets: &Secrets, name: &str) -> Result<(), BackpackError> {
    let account = find(wallet, name)?;
    secrets.delete(&account.secret_key)?;
    wallet.remove_backpack(name)?;
    Ok(())
}

/// Which badges to push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// These badge ids.
    Ids(Vec<i64>),
    /// A collection (by name or id): its badges, then the collection itself.
    Collection(String),
    /// Every badge in the wallet.
    All,
}

/// What happened to one badge in a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    Pushed,
    /// The backpack already had it; recorded, not a failure.
    AlreadyThere,
    /// Recorded as present by an earlier push or pull; not sent again.
    Unchanged,
    Error,
}

/// The form a badge travelled in to a backpack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SentAs {
    /// Its hosted address, for the backpack to fetch from the issuer.
    Url,
    /// A baked image (PNG or SVG) carrying the assertion or its signed form.
    Image,
    /// The assertion or credential as JSON.
    Json,
    /// A signed credential as a compact JWS.
    Jws,
}

impl SentAs {
    /// How a report says it: "as a baked image".
    pub fn describe(self) -> &'static str {
        match self {
            SentAs::Url => "by its hosted address",
            SentAs::Image => "as a baked image",
            SentAs::Json => "as JSON",
            SentAs::Jws => "as a signed JWS",
        }
    }
}

/// One badge's line in a push report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushResult {
    pub badge_id: i64,
    pub status: PushOutcome,
    pub remote_id: Option<String>,
    pub error: Option<ErrorBody>,
    /// The backpack's own words, when it sent any.
    pub evidence: Option<String>,
    /// The form the badge was sent in, when it was sent.
    pub sent_as: Option<SentAs>,
    /// The form the backpack refused first (a hosted address it could not
    /// fetch), when the badge then went as `sent_as` instead.
    pub instead_of: Option<SentAs>,
}

impl PushResult {
    /// A badge the backpack holds already by an earlier push or pull.
    fn unchanged(badge_id: i64, remote_id: Option<String>) -> Self {
        PushResult {
            badge_id,
            status: PushOutcome::Unchanged,
            remote_id,
            error: None,
            evidence: None,
            sent_as: None,
            instead_of: None,
        }
    }

    /// A badge that was not taken, and why.
    fn failed(badge_id: i64, error: ErrorBody, evidence: Option<String>) -> Self {
        PushResult {
            badge_id,
            status: PushOutcome::Error,
            remote_id: None,
            error: Some(error),
            evidence,
            sent_as: None,
            instead_of: None,
        }
    }
}

/// A collection mirrored by a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectionPush {
    pub collection_id: i64,
    pub remote_id: Option<String>,
    pub share_url: Option<String>,
    pub error: Option<ErrorBody>,
    pub evidence: Option<String>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub results: Vec<PushResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<CollectionPush>,
}

impl PushReport {
    /// Whether something failed and can be retried.
    pub fn failed(&self) -> bool {
        self.results.iter().any(|r| r.status == PushOutcome::Error)
            || self.collection.as_ref().is_some_and(|c| c.error.is_some())
    }
}

/// Sends the selected badges that the backpack does not hold yet, recording
/// each answer as it comes; with a collection, mirrors it and publishes it.
pub async fn push(
    wallet: &mut Wallet,
    ctx: &Context<'_>,
    name: &str,
    selection: &Selection,
) -> Result<PushReport, BackpackError> {
    let account = find(wallet, name)?;
    let (kind, mut session, endpoints) = open_session(ctx, &account)?;
    let (ids, collection) = match selection {
        Selection::Ids(ids) => (ids.clone(), None),
        Selection::All => (wallet.badge_ids()?, None),
        Selection::Collection(which) => {
            let found = find_collection(wallet, which)?;
            (wallet.collection_badge_ids(found.id)?, Some(found))
        }
    };
    if collection.is_some() && kind != BackpackKind::Badgr {
        return Err(BackpackError::Unsupported(format!(
            "{name} speaks {}, which has no collections; push the badges by id or with --all",
            kind.as_str()
        )));
    }
    let known: HashMap<i64, PushRecord> = wallet
        .push_records(account.id)?
        .into_iter()
        .map(|r| (r.badge_id, r))
        .collect();
    let mut results = Vec::with_capacity(ids.len());
    let mut stopped: Option<ErrorBody> = None;
    for id in ids {
        if let Some(record) = known.get(&id).filter(|r| r.status.is_present()) {
            results.push(PushResult::unchanged(id, record.remote_id.clone()));
            continue;
        }
        if let Some(why) = &stopped {
            results.push(PushResult::failed(id, why.clone(), None));
            continue;
        }
        let outcome = match wallet.badge(id) {
            Ok(badge) => push_one(kind, &mut session, &endpoints, &badge).await,
            Err(e) => Err(e.into()),
        };
        let answer = Answer {
            backpack_id: account.id,
            badge_id: id,
            at: ctx.now,
        };
        results.push(answer.record(wallet, outcome, &mut stopped)?);
    }
    let collection = match collection {
        Some(c) if stopped.is_none() => {
            Some(push_collection(wallet, ctx, &mut session, &endpoints, &account, &c).await?)
        }
        Some(c) => Some(CollectionPush {
            collection_id: c.id,
            remote_id: None,
            share_url: None,
            error: stopped,
            evidence: None,
        }),
        None => None,
    };
    Ok(PushReport {
        results,
        collection,
    })
}

/// One badge's answer from a backpack, to be recorded and reported.
struct Answer {
    backpack_id: i64,
    badge_id: i64,
    at: DateTime<Utc>,
}

impl Answer {
    /// Records what the backpack answered (taken or already there; a
    /// refusal, so it is not sent again blindly) and gives the report line.
    /// An error that would fail the rest of the batch the same way is kept
    /// in `stopped`, so the rest is marked "not sent".
    fn record(
        &self,
        wallet: &mut Wallet,
        outcome: Result<Remote, BackpackError>,
        stopped: &mut Option<ErrorBody>,
    ) -> Result<PushResult, BackpackError> {
        let id = self.badge_id;
        let record = |status, remote_id, message, evidence| PushRecord {
            badge_id: id,
            status,
            remote_id,
            message,
            evidence,
            pushed_at: timestamp(self.at),
        };
        match outcome {
            Ok(remote) => {
                let (status, outcome) = match remote.already {
                    true => (PushStatus::AlreadyThere, PushOutcome::AlreadyThere),
                    false => (PushStatus::Pushed, PushOutcome::Pushed),
                };
                let row = record(
                    status,
                    remote.remote_id.clone(),
                    None,
                    remote.evidence.clone(),
                );
                wallet.record_push(self.backpack_id, &row)?;
                Ok(PushResult {
                    badge_id: id,
                    status: outcome,
                    remote_id: remote.remote_id,
                    error: None,
                    evidence: remote.evidence,
                    sent_as: Some(remote.sent_as),
                    instead_of: remote.instead_of,
                })
            }
            Err(e) => {
                if let BackpackError::Refused { message, evidence } = &e {
                    let row = record(
                        PushStatus::Failed,
                        None,
                        Some(message.clone()),
                        Some(evidence.clone()),
                    );
                    wallet.record_push(self.backpack_id, &row)?;
                }
                let body = ErrorBody::of(&e);
                if e.stops_batch() {
                    *stopped = Some(ErrorBody {
                        code: body.code,
                        message: format!("not sent: {}", body.message),
                    });
                }
                Ok(PushResult::failed(
                    id,
                    body,
                    e.evidence().map(str::to_owned),
                ))
            }
        }
    }
}

async fn push_one(
    kind: BackpackKind,
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    badge: &Badge,
) -> Result<Remote, BackpackError> {
    match kind {
        BackpackKind::Badgr => badgr::push_badge(session, endpoints, badge).await,
        BackpackKind::BadgeConnect => badge_connect::push_badge(session, endpoints, badge).await,
        BackpackKind::Ob3 => ob3::push_badge(session, endpoints, badge).await,
    }
}

fn find_collection(wallet: &Wallet, which: &str) -> Result<Collection, BackpackError> {
    let all = wallet.collections()?;
    let by_id = which.parse::<i64>().ok();
    all.into_iter()
        .find(|c| c.name == which || Some(c.id) == by_id)
        .ok_or_else(|| {
            BackpackError::InvalidInput(format!(
                "no collection named {which:?}; `satchel collection list` shows yours"
            ))
        })
}

/// Creates (first time) or updates the remote copy of a collection with the
/// badges the backpack holds, publishes it and records its share page.
async fn push_collection(
    wallet: &mut Wallet,
    ctx: &Context<'_>,
    session: &mut Session<'_>,
    endpoints: &Endpoints,
    account: &BackpackAccount,
    collection: &Collection,
) -> Result<CollectionPush, BackpackError> {
    let records: HashMap<i64, PushRecord> = wallet
        .push_records(account.id)?
        .into_iter()
        .map(|r| (r.badge_id, r))
        .collect();
    let remote_ids: Vec<String> = wallet
        .collection_badge_ids(collection.id)?
        .into_iter()
        .filter_map(|id| records.get(&id)?.remote_id.clone())
        .collect();
    let existing = wallet.remote_collection(account.id, collection.id)?;
    let outcome = badgr::push_collection(
        session,
        endpoints,
        existing.as_ref(),
        collection,
        &remote_ids,
    )
    .await;
    Ok(match outcome {
        Ok(remote) => {
            wallet.record_remote_collection(account.id, collection.id, &remote, ctx.now)?;
            CollectionPush {
                collection_id: collection.id,
                remote_id: Some(remote.remote_id),
                share_url: remote.share_url,
                error: None,
                evidence: None,
            }
        }
        Err(e) => CollectionPush {
            collection_id: collection.id,
            remote_id: existing.map(|r: RemoteCollection| r.remote_id),
            share_url: None,
            error: Some(ErrorBody::of(&e)),
            evidence: e.evidence().map(str::to_owned),
        },
    })
}

/// A badge listed by a backpack, ready for the import path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The backpack's id for it.
    pub remote_id: Option<String>,
    /// A hosted URL, JSON or a compact JWS.
    pub text: String,
}

/// What a backpack lists, read page by page, before any of it is imported.
#[derive(Debug)]
pub struct Listed {
    account_id: i64,
    /// Each badge with the label its import result carries (`<name>:<remote id>`).
    pub items: Vec<(String, Pulled)>,
    /// Why the listing stopped part-way, if it did: the pages read so far
    /// are in `items`, and the rest waits for another pull.
    pub stopped: Option<BackpackError>,
    /// The wallet's push records for this backpack, by badge.
    known: HashMap<i64, PushRecord>,
}

/// Reads every badge the backpack holds; the caller brings them in through
/// the import path and calls [`Listed::remember`] for each one stored.
pub async fn list_held(
    wallet: &Wallet,
    ctx: &Context<'_>,
    name: &str,
) -> Result<Listed, BackpackError> {
    let account = find(wallet, name)?;
    let (kind, mut session, endpoints) = open_session(ctx, &account)?;
    let listed = match kind {
        BackpackKind::Badgr => badgr::pull(&mut session, &endpoints).await?,
        BackpackKind::BadgeConnect => badge_connect::pull(&mut session, &endpoints).await?,
        BackpackKind::Ob3 => ob3::pull(&mut session, &endpoints).await?,
    };
    let known = wallet
        .push_records(account.id)?
        .into_iter()
        .map(|r| (r.badge_id, r))
        .collect();
    let items = listed
        .items
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            let id = item
                .remote_id
                .clone()
                .unwrap_or_else(|| (n + 1).to_string());
            (format!("{name}:{id}"), item)
        })
        .collect();
    Ok(Listed {
        account_id: account.id,
        items,
        stopped: listed.stopped,
        known,
    })
}

impl Listed {
    /// Remembers that the backpack holds `badge_id` (pulled as `remote_id`),
    /// so it is not pushed back; a badge already recorded as present is left.
    pub fn remember(
        &self,
        wallet: &mut Wallet,
        badge_id: i64,
        remote_id: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<(), BackpackError> {
        if self
            .known
            .get(&badge_id)
            .is_some_and(|r| r.status.is_present())
        {
            return Ok(());
        }
        wallet.record_push(
            self.account_id,
            &PushRecord {
                badge_id,
                status: PushStatus::Pulled,
                remote_id,
                message: None,
                evidence: None,
                pushed_at: timestamp(now),
            },
        )?;
        Ok(())
    }
}

/// The learner's profile on a backpack, as it answers.
pub async fn profile(
    wallet: &Wallet,
    ctx: &Context<'_>,
    name: &str,
) -> Result<serde_json::Value, BackpackError> {
    let account = find(wallet, name)?;
    let (kind, mut session, endpoints) = open_session(ctx, &account)?;
    match kind {
        BackpackKind::Badgr => badgr::profile(&mut session, &endpoints).await,
        BackpackKind::BadgeConnect => badge_connect::profile(&mut session, &endpoints).await,
        BackpackKind::Ob3 => ob3::profile(&mut session, &endpoints).await,
    }
}

/// Replaces the learner's profile on an OB 3.0 host (`PUT /profile`).
pub async fn update_profile(
    wallet: &Wallet,
    ctx: &Context<'_>,
    name: &str,
    profile: &serde_json::Value,
) -> Result<serde_json::Value, BackpackError> {
    let account = find(wallet, name)?;
    let (kind, mut session, endpoints) = open_session(ctx, &account)?;
    if kind != BackpackKind::Ob3 {
        return Err(BackpackError::Unsupported(format!(
            "{name} speaks {}; only OB 3.0 hosts let Satchel change the profile",
            kind.as_str()
        )));
    }
    ob3::update_profile(&mut session, &endpoints, profile).await
}
