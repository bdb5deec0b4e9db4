//! Crash safety, full disks, damaged databases, backups under load and
//! two processes sharing one wallet: the wallet never loses a badge.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rusqlite::Connection;

use crate::util::{Sandbox, stderr};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

/// Writes `n` distinct baked badges into `folder` inside the sandbox.
fn badge_folder(sb: &Sandbox, folder: &str, n: usize, tag: &str) -> String {
    let picture = images::badge_png(48, 7);
    for i in 0..n {
        let id = format!("https://hard.example/{tag}/{i}");
        let text =
            badges::embedded_assertion(&id, &format!("{tag} {i}"), "Hard U", "ann@example.org")
                .to_string();
        sb.write(
            &format!("{folder}/{i:04}.png"),
            bake(&picture, &text, BakeSlot::Assertion).unwrap(),
        );
    }
    sb.path(folder).display().to_string()
}

fn spawn(sb: &Sandbox, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(&sb.wallet)
        .args(args)
        .env_remove("SATCHEL_WALLET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn satchel")
}

/// `PRAGMA integrity_check` and the number of badges, each fully written.
fn check_db(path: &std::path::Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
    let half_written: i64 = conn
        .query_row(
            "SELECT count(*) FROM badge WHERE length(original) = 0 OR raw_text = '' OR credential = ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(half_written, 0, "no half-written badge");
    conn.query_row("SELECT count(*) FROM badge", [], |r| r.get(0))
        .unwrap()
}

/// A small deterministic sequence of kill delays, in milliseconds.
fn delays(n: usize, max_ms: u64) -> Vec<u64> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % max_ms
        })
        .collect()
}

#[test]
fn an_import_killed_at_random_points_never_corrupts_and_completes_on_rerun() {
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "many", 150, "kill");
    let mut survived = 0;
    let mut last = 0;
    for delay in delays(12, 900) {
        let mut child = spawn(&sb, &["import", &folder]);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if sb.wallet.exists() {
            let count = check_db(&sb.wallet);
            assert!(count >= last, "badges never disappear: {count} < {last}");
            last = count;
        }
        survived += 1;
    }
    assert_eq!(survived, 12);
    let out = sb.run(&["import", &folder]);
    assert!(
        out.status.success(),
        "the rerun completes: {}",
        stderr(&out)
    );
    assert_eq!(check_db(&sb.wallet), 150);
}

#[test]
fn a_full_disk_gives_a_clear_error_and_loses_nothing() {
    let probe = Command::new("unshare").args(["-rm", "true"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipping: cannot make a small file system here (unshare -rm is not permitted)");
        return;
    }
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "fill", 120, "full");
    let out_dir = sb.path("copied");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mnt = sb.path("small");
    std::fs::create_dir_all(&mnt).unwrap();
    // Everything happens inside a private mount namespace with a 400 KiB tmpfs;
    // the wallet is copied out before the namespace (and the tmpfs) goes away.
    let script = r#"set -u
mount -t tmpfs -o size=400k tmpfs "$MNT" || exit 90
"$BIN" --wallet "$MNT/w.sqlite3" identity add ann@example.org >/dev/null || exit 91
"$BIN" --wallet "$MNT/w.sqlite3" import --json "$FOLDER" > "$OUT/import.json" 2> "$OUT/import.err"
echo $? > "$OUT/import.code"
"$BIN" --wallet "$MNT/w.sqlite3" list --json > "$OUT/list.json" 2> "$OUT/list.err"
echo $? > "$OUT/list.code"
cp "$MNT"/w.sqlite3* "$OUT/"
"#;
    let status = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .env("MNT", &mnt)
        .env("BIN", env!("CARGO_BIN_EXE_satchel"))
        .env("FOLDER", &folder)
        .env("OUT", &out_dir)
        .status()
        .unwrap();
    assert!(status.success(), "namespace script failed: {status:?}");
    let read = |f: &str| std::fs::read_to_string(out_dir.join(f)).unwrap();
    assert_eq!(
        read("import.code").trim(),
        "1",
        "some badges could not be written"
    );
    let results: serde_json::Value = serde_json::from_str(&read("import.json")).unwrap();
    let results = results["results"].as_array().unwrap();
    let imported = results.iter().filter(|r| r["status"] == "imported").count();
    let full: Vec<_> = results.iter().filter(|r| r["status"] == "error").collect();
    assert!(
        imported > 0 && !full.is_empty(),
        "the disk filled part way: {imported} imported"
    );
    let message = full[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("disk holding the wallet is full"),
        "{message}"
    );
    assert_eq!(
        read("list.code").trim(),
        "0",
        "the wallet still opens: {}",
        read("list.err")
    );
    let listed: serde_json::Value = serde_json::from_str(&read("list.json")).unwrap();
    assert_eq!(
        listed.as_array().unwrap().len(),
        imported,
        "every reported badge is there"
    );
    assert_eq!(check_db(&out_dir.join("w.sqlite3")) as usize, imported);
}

#[test]
fn a_damaged_wallet_is_reported_and_never_overwritten() {
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "dmg", 40, "dmg");
    assert!(sb.run(&["import", &folder]).status.success());
    {
        // Fold the WAL into the main file so the damage below is what is read.
        let conn = Connection::open(&sb.wallet).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let mut bytes = std::fs::read(&sb.wallet).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 3..len / 3 + 8192] {
        *b = 0xA5;
    }
    std::fs::write(&sb.wallet, &bytes).unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert!(stderr(&out).contains("satchel restore"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&sb.wallet).unwrap(),
        bytes,
        "left exactly as it was"
    );
}

#[test]
fn a_backup_taken_while_another_process_writes_is_consistent_and_restores() {
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "live", 200, "live");
    assert!(
        sb.run(&["identity", "add", "ann@example.org"])
            .status
            .success()
    );
    let mut writer = spawn(&sb, &["import", &folder]);
    let mut counts = Vec::new();
    for i in 0..5 {
        std::thread::sleep(Duration::from_millis(60));
        let file = sb.path(&format!("backup-{i}.sqlite3"));
        let out = sb.run(&["backup", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!sb.path(&format!("backup-{i}.sqlite3.partial")).exists());
        counts.push(check_db(&file));
    }
    assert!(writer.wait().unwrap().success());
    assert!(
        counts.windows(2).all(|w| w[0] <= w[1]),
        "snapshots only grow: {counts:?}"
    );
    let final_backup = sb.path("final.sqlite3");
    assert!(
        sb.run(&["backup", final_backup.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(check_db(&final_backup), 200);

    // Restore an early snapshot into the live wallet: the current one is kept aside.
    let early = sb.path("backup-0.sqlite3");
    let out = sb.run(&["restore", early.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.list().len() as i64, counts[0]);
    let kept = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .expect("safety copy");
    assert_eq!(check_db(&kept.path()), 200);
    assert_eq!(
        sb.json(&["identity", "list"]).0.as_array().unwrap().len(),
        1
    );
}

#[test]
fn restore_refuses_foreign_and_damaged_files_and_changes_nothing() {
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "keep", 3, "keep");
    assert!(sb.run(&["import", &folder]).status.success());
    let before = sb.list();
    let foreign = sb.path("notes.sqlite3");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let out = sb.run(&["restore", foreign.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a Satchel wallet"),
        "{}",
        stderr(&out)
    );
    let text = sb.write(
        "text.sqlite3",
        "just some words, not a database at all......",
    );
    let out = sb.run(&["restore", &text]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(sb.list(), before);
}

#[test]
fn two_processes_importing_into_one_wallet_both_finish_and_lose_nothing() {
    let sb = Sandbox::new();
    let a = badge_folder(&sb, "a", 80, "procA");
    let b = badge_folder(&sb, "b", 80, "procB");
    assert!(sb.run(&["list"]).status.success());
    let mut first = spawn(&sb, &["import", &a]);
    let mut second = spawn(&sb, &["import", &b]);
    assert!(first.wait().unwrap().success());
    assert!(second.wait().unwrap().success());
    assert_eq!(check_db(&sb.wallet), 160);
}
