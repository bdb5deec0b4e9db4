//! The schema's promises: shipped migrations never change, and a wallet of
//! every earlier schema version upgrades to the current one with its data
//! intact.

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use super::{APPLICATION_ID, MIGRATIONS, Wallet};

/// SHA-256 of each shipped migration. A migration that has reached a
/// learner's wallet is never edited: change the schema with a new one.
const PINNED: [&str; 9] = [
    "fba2438181a018af7c20c29c7914378c7d09927038effe7cfef7e59b8e61c5da",
    "20bf4da4f2057c74e8716f591aff552f5aba000f557cfb84b4795976c8a497a5",
    "9161eed27f8b6098229775a097e3270369da75fda9cda49434e286a7dfbff89e",
    "a4167ee71d5fb78f9af247159e0b68903df68617e2ad265ed36d55fddb6d916f",
    "d6fd50b9ee2d1489901494ea8deac803b2651af6f1ad957e5934f49ad25eba21",
    "506855ad8bfbf4552ab3cd5d86a058638dce604a1ba261f49b89a1b78646e6e6",
    "a2f51d63bb418a74556e20b23b4fce84334e0b262d6aaafc3770ee9bde285f8c",
    "4f52f292623aaa3b9b94bdd77d89f264f2a0fa297cd685ae65296e69a897a013",
    "338a02b349510f7c9eaff096320ac64b91af85bea9d7ed12f48bcad384fe1444",
];

#[test]
fn shipped_migrations_are_never_edited() {
    assert_eq!(
        MIGRATIONS.len(),
        PINNED.len(),
        "a new migration needs its hash pinned here"
    );
    for (n, (sql, pinned)) in MIGRATIONS.iter().zip(PINNED).enumerate() {
        let hash = hex::encode(Sha256::digest(sql.as_bytes()));
        assert_eq!(
            hash,
            pinned,
            "migration {} was edited after it shipped; add a new migration instead",
            n + 1
        );
    }
}

/// A wallet file as a Satchel of schema `version` left it, holding one row
/// in every table that version has. Before version 5, two badges share a
/// collection place, as nothing stopped them then.
fn wallet_of_version(path: &std::path::Path, version: usize) {
    let conn = Connection::open(path).unwrap();
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    conn.pragma_update(None, "user_version", version as i64)
        .unwrap();
    for (id, original) in [(1, &b"\x89PNG one"[..]), (2, &b"{\"two\":2}"[..])] {
        conn.execute(
            "INSERT INTO badge (id, dedup_key, original, media_type, raw_text, payload_kind,
             details, credential, name, source, imported_at)
             VALUES (?1, ?2, ?3, 'image/png', '{}', 'json', 'complete', '{}', ?4, 'old.png', 't')",
            params![id, format!("key-{id}"), original, format!("Badge {id}")],
        )
        .unwrap();
    }
    if version >= 7 {
        // From version 7 on, Satchel writes each badge's naming key too.
        conn.execute("UPDATE badge SET credential_key = dedup_key", [])
            .unwrap();
    }
    conn.execute(
        "INSERT INTO identity (kind, value, added_at) VALUES ('email', 'ann@example.org', 't')",
        [],
    )
    .unwrap();
    if version >= 2 {
        conn.execute(
            "INSERT INTO badge_check (badge_id, checked_at, outcome, message, evidence)
             VALUES (1, 't', 'valid', 'fine', '[]')",
            [],
        )
        .unwrap();
    }
    if version >= 3 {
        // Before version 5 two badges could share a place; from then on they cannot.
        let second_place = if version < 5 { 0 } else { 1 };
        conn.execute_batch(
            "INSERT INTO collection (id, public_id, name, public, position, created_at)
                 VALUES (1, 'p1', 'Work', 1, 0, 't');
             INSERT INTO collection_badge (collection_id, badge_id, position) VALUES (1, 1, 0);",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO collection_badge (collection_id, badge_id, position) VALUES (1, 2, ?1)",
            [second_place],
        )
        .unwrap();
    }
    if version >= 4 {
        conn.execute_batch(
            "INSERT INTO backpack (id, name, kind, base_url, endpoints, secret_key, added_at)
                 VALUES (1, 'badgr', 'badgr', 'https://b.example', '{}', 'k', 't');
             INSERT INTO backpack_push (backpack_id, badge_id, status, pushed_at)
                 VALUES (1, 1, 'pushed', 't');
             INSERT INTO backpack_collection (backpack_id, collection_id, remote_id, pushed_at)
                 VALUES (1, 1, 'r1', 't');",
        )
        .unwrap();
    }
}

#[test]
fn wallets_of_every_earlier_schema_upgrade_with_their_data() {
    let current = MIGRATIONS.len() as i64;
    for version in 1..MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        wallet_of_version(&path, version);
        let mut wallet = Wallet::open(&path).unwrap();
        assert_eq!(wallet.schema_version().unwrap(), current, "from {version}");
        let originals: Vec<Vec<u8>> = [1, 2]
            .iter()
            .map(|&id| wallet.badge_original(id).unwrap().1)
            .collect();
        assert_eq!(originals, [&b"\x89PNG one"[..], &b"{\"two\":2}"[..]]);
        // Every badge so far was stored under the key that names it.
        let names: Vec<String> = wallet
            .conn
            .prepare("SELECT credential_key FROM badge ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(names, ["key-1", "key-2"], "from {version}");
        let identities = wallet.identities().unwrap();
        assert_eq!(identities.len(), 1, "from {version}");
        assert_eq!(identities[0].value, "ann@example.org");
        if version >= 2 {
            assert_eq!(wallet.checks(1).unwrap().len(), 1, "from {version}");
        }
        // Since version 8: a suspended outcome, and key documents kept
        // beside the checks.
        let suspended = super::CheckRecord {
            badge_id: 2,
            outcome: super::Outcome::Suspended,
            message: "suspended for now".into(),
            checked_at: "t2".into(),
            evidence: serde_json::json!({}),
        };
        let kept = super::KeyDocument {
            url: "https://issuer.example/did.json".into(),
            body: b"{}".to_vec(),
            fetched_at: "t2".into(),
        };
        wallet
            .record_checks(
                std::slice::from_ref(&suspended),
                std::slice::from_ref(&kept),
            )
            .unwrap();
        assert_eq!(wallet.checks(2).unwrap(), [suspended], "from {version}");
        assert_eq!(wallet.key_documents().unwrap(), [kept], "from {version}");
        if version >= 3 {
            // The tied places are told apart by badge id, and stay usable.
            let order = |w: &Wallet| -> Vec<i64> {
                let c = w.collection_contents(1).unwrap();
                c.badges.iter().map(|b| b.id).collect()
            };
            assert_eq!(order(&wallet), [1, 2], "from {version}");
            wallet.move_badge(1, 2, 0).unwrap();
            assert_eq!(order(&wallet), [2, 1], "from {version}");
        }
        if version >= 4 {
            let pushed = wallet.push_records(1).unwrap();
            assert_eq!(pushed.len(), 1, "from {version}");
            assert_eq!(wallet.backpacks().unwrap()[0].name, "badgr");
        }
    }
}

#[test]
fn a_place_in_a_collection_is_held_by_one_badge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite3");
    wallet_of_version(&path, 4);
    drop(Wallet::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    let clash = conn.execute(
        "UPDATE collection_badge SET position = 0 WHERE collection_id = 1",
        [],
    );
    assert!(clash.is_err(), "two badges took one place");
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for wanted in [
        "backpack_collection_by_collection",
        "backpack_push_by_badge",
    ] {
        assert!(
            indexes.iter().any(|i| i == wanted),
            "{wanted} in {indexes:?}"
        );
    }
}

#[test]
fn the_list_reads_the_summary_index_and_never_the_originals() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = Wallet::open(&dir.path().join("w.sqlite3")).unwrap();
    let plan: Vec<String> = wallet
        .conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            super::badges::list_query()
        ))
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter()
            .any(|step| step.contains("COVERING INDEX badge_summary")),
        "{plan:#?}"
    );
    assert!(
        !plan.iter().any(|step| step.contains("TEMP B-TREE")),
        "the index gives the order: {plan:#?}"
    );
    // The newest check: one search of the checks' index per badge, not one
    // per column read from it.
    let searches: Vec<_> = plan
        .iter()
        .filter(|step| step.starts_with("SEARCH badge_check"))
        .collect();
    assert_eq!(searches.len(), 1, "{plan:#?}");
    assert!(
        searches[0].contains("COVERING INDEX badge_check_by_badge"),
        "{plan:#?}"
    );
}
