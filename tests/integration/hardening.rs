//! Crash safety, full disks, damaged databases, backups under load and
//! two processes sharing one wallet: the wallet never loses a badge.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde_json::json;

use crate::server::Route;
use crate::util::{Sandbox, hosted_issuer, require_or_skip, stderr};
use crate::{badges, images};
use chrono::Utc;
use satchel::bake::{BakeSlot, bake};
use satchel::http::{Fetcher, HttpPolicy};
use satchel::intake::import_bytes;
use satchel::outcome::ImportStatus;
use satchel::wallet::Wallet;

/// Writes `n` distinct baked badges into `folder` inside the sandbox.
fn badge_folder(sb: &Sandbox, folder: &str, n: usize, tag: &str) -> String {
    badge_folder_of(sb, folder, n, tag, &images::badge_png(48, 7))
}

/// [`badge_folder`] with `picture` baked into every badge.
fn badge_folder_of(sb: &Sandbox, folder: &str, n: usize, tag: &str, picture: &[u8]) -> String {
    for i in 0..n {
        let id = format!("https://hard.example/{tag}/{i}");
        let text =
            badges::embedded_assertion(&id, &format!("{tag} {i}"), "Hard U", "ann@example.org")
                .to_string();
        sb.write(
            &format!("{folder}/{i:04}.png"),
            bake(picture, &text, BakeSlot::Assertion).unwrap(),
        );
    }
    sb.path(folder).display().to_string()
}

fn spawn(sb: &Sandbox, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(&sb.wallet)
        .arg("--allow-private-network")
        .args(args)
        .env_remove("SATCHEL_WALLET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn satchel")
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `PRAGMA integrity_check`, no dangling reference and no half-written
/// badge, collection or check; returns the number of badges.
/// Waits until the wallet at `path` holds more than `than` badges, or the
/// `writer` filling it has ended.
fn wait_for_more_badges(path: &Path, than: i64, writer: &mut std::process::Child) {
    let count = || -> Option<i64> {
        let conn =
            Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        conn.query_row("SELECT count(*) FROM badge", [], |r| r.get(0))
            .ok()
    };
    while count().is_none_or(|n| n <= than) && writer.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn check_db(path: &Path) -> i64 {
    let conn = Connection::open(path).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "ok");
    // Stopped before the first migration committed: a wallet with no tables yet.
    if count(
        &conn,
        "SELECT count(*) FROM sqlite_master WHERE name = 'badge'",
    ) == 0
    {
        return 0;
    }
    let dangling: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(dangling.is_empty(), "dangling references in {dangling:?}");
    for (what, sql) in [
        (
            "badge",
            "SELECT count(*) FROM badge WHERE length(original) = 0 OR raw_text = '' OR credential = ''",
        ),
        (
            "collection",
            "SELECT count(*) FROM collection WHERE trim(name) = '' OR public_id = ''",
        ),
        (
            "check",
            "SELECT count(*) FROM badge_check WHERE message = '' OR evidence = '' OR checked_at = ''",
        ),
    ] {
        assert_eq!(count(&conn, sql), 0, "no half-written {what}");
    }
    count(&conn, "SELECT count(*) FROM badge")
}

/// The number of badges, or 0 when the wallet was not created yet.
fn badges_in(sb: &Sandbox) -> i64 {
    if sb.wallet.exists() {
        check_db(&sb.wallet)
    } else {
        0
    }
}

/// Where a kill landed, judged from what the killed run left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landed {
    /// None of this run's work is visible.
    Before,
    /// Some of the work is done and some is not.
    Midway,
    /// The run had finished its work.
    After,
}

/// Runs `satchel args…` `runs` times and kills each run with SIGKILL after a
/// jittered delay. After each kill, `observe` checks what the run left (the
/// wallet, files) and says where the kill landed; when it says `After`, it
/// has also undone the work so the next run has some to do. The delay grows
/// after a kill that came too early and shrinks after one that came too
/// late, so kills find the middle of the run whatever the machine's speed.
/// Fails unless at least two kills landed midway. Returns the count of
/// kills per landing, before, midway and after.
fn kill_loop(
    sb: &Sandbox,
    args: &[&str],
    runs: usize,
    first_ms: f64,
    mut observe: impl FnMut() -> Landed,
) -> [usize; 3] {
    let mut tally = [0; 3];
    let mut scale = first_ms;
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..runs {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let jitter = 0.5 + (x % 1000) as f64 / 1000.0;
        let mut child = spawn(sb, args);
        std::thread::sleep(Duration::from_secs_f64(scale * jitter / 1000.0));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let landed = observe();
        match landed {
            Landed::Before => scale *= 1.6,
            Landed::Midway => {}
            Landed::After => scale *= 0.6,
        }
        tally[landed as usize] += 1;
    }
    eprintln!("satchel {args:?}: {runs} kills, [before, midway, after] = {tally:?}");
    assert!(
        tally[Landed::Midway as usize] >= 2,
        "kills must land while the work is partly done: {tally:?}"
    );
    tally
}

/// Judges a kill by a count that grows towards `goal`: unchanged is
/// `Before`, at the goal is `After`, in between is `Midway`.
fn landed_by_count(before: i64, after: i64, goal: i64) -> Landed {
    assert!(
        after >= before,
        "nothing written ever disappears: {after} < {before}"
    );
    if after >= goal {
        Landed::After
    } else if after == before {
        Landed::Before
    } else {
        Landed::Midway
    }
}

/// [`kill_loop`] for a command that writes `goal` badges into a new wallet,
/// judged by the badge count (the wallet is removed once all are there);
/// then one more run must complete the work.
fn kill_badge_writer(sb: &Sandbox, args: &[&str], goal: i64) {
    let mut last = 0;
    kill_loop(sb, args, 16, 300.0, || {
        let now = badges_in(sb);
        let landed = landed_by_count(last, now, goal);
        last = now;
        if landed == Landed::After {
            // The wallet and the files beside it go, so that the command
            // has work again.
            satchel_test_support::measure::remove_wallet(&sb.wallet);
            last = 0;
        }
        landed
    });
    let out = sb.run(args);
    assert!(
        out.status.success(),
        "the rerun completes: {}",
        stderr(&out)
    );
    assert_eq!(check_db(&sb.wallet), goal);
}

#[test]
fn an_import_killed_at_random_points_never_corrupts_and_completes_on_rerun() {
    let sb = Sandbox::new();
    // An import commits in batches of up to 256 badges, so the folder holds
    // enough of them for several batches and many moments in between.
    let folder = badge_folder(&sb, "many", 2000, "kill");
    kill_badge_writer(&sb, &["import", &folder], 2000);
}

/// A Mozilla shutdown export of `n` baked 0.5 badges issued to `email`.
fn mozilla_export(sb: &Sandbox, n: usize, email: &str) -> String {
    let path = sb.path("mozilla-export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let picture = images::badge_png(48, 3);
    let names: Vec<String> = (0..n).map(|i| format!("badge-{i:04}.png")).collect();
    zip.start_file("manifest.txt", opts).unwrap();
    zip.write_all(json!({ email: names }).to_string().as_bytes())
        .unwrap();
    for (i, name) in names.iter().enumerate() {
        let text = badges::ob05_assertion(
            email,
            None,
            &format!("Old badge {i}"),
            "http://old-issuer.invalid",
        )
        .to_string();
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(&bake(&picture, &text, BakeSlot::Assertion).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();
    path.display().to_string()
}

#[test]
fn a_migration_killed_at_random_points_never_corrupts_and_completes_on_rerun() {
    let sb = Sandbox::new();
    let export = mozilla_export(&sb, 150, "ann@example.org");
    kill_badge_writer(
        &sb,
        &["migrate", "mozilla", &export, "--add-identities"],
        150,
    );
    let identities = sb.json(&["identity", "list"]).0;
    assert_eq!(identities.as_array().unwrap().len(), 1, "{identities}");
}

#[test]
fn a_verification_run_killed_at_random_points_never_corrupts_and_completes_on_rerun() {
    const BADGES: i64 = 150;
    let sb = Sandbox::new();
    let issuer = hosted_issuer(BADGES as usize, "ann@example.org");
    assert!(
        sb.run(&["identity", "add", "ann@example.org"])
            .status
            .success()
    );
    let urls: Vec<String> = (0..BADGES)
        .map(|i| issuer.url(&format!("/assertions/{i}.json")))
        .collect();
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    let results = sb.import(&urls);
    assert!(results.iter().all(|r| r["status"] == "imported"));
    // A slightly slow issuer makes a run last long enough to be cut in the middle.
    for i in 0..BADGES {
        let assertion = badges::assertion(&issuer.base, "rust", i as usize, "ann@example.org");
        issuer.route(
            &format!("/assertions/{i}.json"),
            Route::Slow(
                Duration::from_millis(25),
                Box::new(Route::Json(assertion.to_string())),
            ),
        );
    }
    let checks = || {
        check_db(&sb.wallet);
        count(
            &Connection::open(&sb.wallet).unwrap(),
            "SELECT count(*) FROM badge_check",
        )
    };
    let mut last = 0;
    kill_loop(&sb, &["verify", "--all"], 14, 400.0, || {
        let now = checks();
        let landed = landed_by_count(last, now, last + BADGES);
        last = now;
        landed
    });
    let (out, code) = sb.json(&["verify", "--all"]);
    assert_eq!(code, 0, "the rerun completes: {out}");
    assert_eq!(checks(), last + BADGES, "one new check per badge");
    let stale = count(
        &Connection::open(&sb.wallet).unwrap(),
        "SELECT count(*) FROM badge b WHERE (SELECT outcome FROM badge_check c
         WHERE c.badge_id = b.id ORDER BY c.id DESC LIMIT 1) IS NOT 'valid'",
    );
    assert_eq!(stale, 0, "every badge's latest check is valid");
}

/// The `.satchel-*.part` files an export writes before its rename.
fn part_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect()
}

/// Fails unless `path` is a whole export of `badges` badges: every entry
/// inflates with a good CRC and the index names them all.
fn assert_whole_export(path: &Path, badges: i64) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not a whole ZIP: {e}", path.display()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        std::io::copy(&mut entry, &mut std::io::sink()).unwrap();
    }
    let index: serde_json::Value =
        serde_json::from_reader(zip.by_name("satchel-export.json").unwrap()).unwrap();
    assert_eq!(index["badge_count"], badges);
}

#[test]
fn an_export_killed_at_random_points_leaves_no_partial_file_and_completes_on_rerun() {
    let sb = Sandbox::new();
    let picture = images::badge_png(256, 5);
    for i in 0..120 {
        let text = badges::embedded_assertion(
            &format!("https://hard.example/export/{i}"),
            &format!("Export {i}"),
            "Hard U",
            "ann@example.org",
        )
        .to_string();
        sb.write(
            &format!("big/{i:04}.png"),
            bake(&picture, &text, BakeSlot::Assertion).unwrap(),
        );
    }
    assert!(
        sb.run(&["import", sb.path("big").to_str().unwrap()])
            .status
            .success()
    );
    let (collection, code) = sb.json(&["collection", "new", "Everything"]);
    assert_eq!(code, 0, "{collection}");
    let collection = collection["id"].to_string();
    let ids: Vec<String> = sb.list().iter().map(|b| b["id"].to_string()).collect();
    let mut add = vec!["collection", "add", collection.as_str()];
    add.extend(ids.iter().map(String::as_str));
    assert!(sb.run(&add).status.success());
    let out_dir = sb.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let target = out_dir.join("wallet.zip");
    let target_arg = target.display().to_string();
    kill_loop(&sb, &["export", &target_arg], 16, 150.0, || {
        assert_eq!(check_db(&sb.wallet), 120, "an export changes nothing");
        let parts = part_files(&out_dir);
        // A killed export leaves its temporary file, never the target.
        for part in &parts {
            std::fs::remove_file(part).unwrap();
        }
        if target.exists() {
            assert_whole_export(&target, 120);
            std::fs::remove_file(&target).unwrap();
            Landed::After
        } else if parts.is_empty() {
            Landed::Before
        } else {
            Landed::Midway
        }
    });
    // What a killed export of this target left behind goes with the next
    // one; another file's temporary file stays.
    let stale = out_dir.join(".wallet.zip.satchel-killed.part");
    std::fs::write(&stale, b"half an archive").unwrap();
    let other = out_dir.join(".other.zip.satchel-busy.part");
    std::fs::write(&other, b"someone else's").unwrap();
    let out = sb.run(&["export", &target_arg]);
    assert!(
        out.status.success(),
        "the rerun completes: {}",
        stderr(&out)
    );
    assert_whole_export(&target, 120);
    assert_eq!(
        part_files(&out_dir),
        vec![other],
        "a finished export leaves no temporary file of its own"
    );
}

#[test]
fn a_full_disk_gives_a_clear_error_and_loses_nothing_on_import_and_export() {
    let missing = match Command::new("unshare").args(["-rm", "true"]).status() {
        Ok(status) if status.success() => None,
        Ok(status) => Some(format!(
            "`unshare -rm true` is not permitted here ({status})"
        )),
        Err(e) => Some(format!("`unshare` cannot be run ({e})")),
    };
    if !require_or_skip("a small tmpfs in a private mount namespace", missing) {
        return;
    }
    let sb = Sandbox::new();
    // 160 badges of 24 KiB each, more than the disk holds beside an empty
    // wallet (29 pages of 32 KiB, each written to the log and then the file).
    let folder = badge_folder_of(&sb, "fill", 160, "full", &images::noise_png(24 * 1024, 5));
    let out_dir = sb.path("copied");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mnt = sb.path("small");
    std::fs::create_dir_all(&mnt).unwrap();
    // Everything happens inside a private mount namespace with a 4 MiB tmpfs;
    // the wallet is copied out before the namespace (and the tmpfs) goes away.
    let script = r#"set -u
mount -t tmpfs -o size=4m tmpfs "$MNT" || exit 90
"$BIN" --wallet "$MNT/w.sqlite3" identity add ann@example.org >/dev/null || exit 91
"$BIN" --wallet "$MNT/w.sqlite3" import --json "$FOLDER" > "$OUT/import.json" 2> "$OUT/import.err"
echo $? > "$OUT/import.code"
"$BIN" --wallet "$MNT/w.sqlite3" export "$MNT/export.zip" > /dev/null 2> "$OUT/export.err"
echo $? > "$OUT/export.code"
ls -a "$MNT" > "$OUT/after-export.ls"
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
    // The export onto the same full disk fails in words, and leaves nothing behind.
    assert_eq!(read("export.code").trim(), "2", "{}", read("export.err"));
    let export_error = read("export.err");
    assert!(
        export_error.contains("export.zip") && export_error.contains("No space left"),
        "{export_error}"
    );
    let left: Vec<String> = read("after-export.ls")
        .lines()
        .filter(|name| {
            !matches!(
                *name,
                "." | ".." | "w.sqlite3" | "w.sqlite3-wal" | "w.sqlite3-shm"
            )
        })
        .map(str::to_owned)
        .collect();
    assert!(
        left.is_empty(),
        "no export file, whole or partial: {left:?}"
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
    // Every page but the first (the header and the schema) is overwritten,
    // so whatever the wallet reads next is damaged, wherever it lies.
    let mut bytes = std::fs::read(&sb.wallet).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    for b in &mut bytes[page..] {
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
        // Each backup waits for the import to have written something new.
        wait_for_more_badges(&sb.wallet, counts.last().copied().unwrap_or(0), &mut writer);
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

/// The window's pattern, from `src-tauri/src/state.rs`, in this process: one
/// long-lived connection behind a mutex for short reads and small edits, and
/// a fresh connection per long task (an import), while a `satchel import`
/// process writes into the same wallet.
#[test]
fn the_windows_connections_and_a_cli_import_share_one_wallet_and_lose_nothing() {
    const CLI_BADGES: usize = 150;
    const TASKS: usize = 15;
    const PER_TASK: usize = 4;
    let sb = Sandbox::new();
    let folder = badge_folder(&sb, "cli", CLI_BADGES, "cli");
    let picture = images::badge_png(48, 9);
    let window_badges: Vec<Vec<u8>> = (0..TASKS * PER_TASK)
        .map(|i| {
            let text = badges::embedded_assertion(
                &format!("https://hard.example/window/{i}"),
                &format!("window {i}"),
                "Hard U",
                "ann@example.org",
            )
            .to_string();
            bake(&picture, &text, BakeSlot::Assertion).unwrap()
        })
        .collect();
    let reader = Mutex::new(Wallet::open(&sb.wallet).unwrap());
    let fetcher = Fetcher::new(HttpPolicy::with_private(false));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut cli = Command::new(env!("CARGO_BIN_EXE_satchel"))
        .arg("--wallet")
        .arg(&sb.wallet)
        .args(["import", "--json", &folder])
        .env_remove("SATCHEL_WALLET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let cli_running = AtomicBool::new(true);
    let (reads, overlapping, slowest) = std::thread::scope(|s| {
        let reads = s.spawn(|| {
            let (mut reads, mut seen) = (0, 0);
            while cli_running.load(Ordering::SeqCst) {
                let listed = reader
                    .lock()
                    .unwrap()
                    .list_badges()
                    .expect("the window reads");
                assert!(listed.len() >= seen, "the list never shrinks");
                seen = listed.len();
                reads += 1;
                std::thread::sleep(Duration::from_millis(3));
            }
            reads
        });
        let (mut overlapping, mut slowest) = (0, Duration::ZERO);
        for (task, chunk) in window_badges.chunks(PER_TASK).enumerate() {
            let started = Instant::now();
            let mut writer = Wallet::open(&sb.wallet).expect("the window opens a writer");
            let mut ids = Vec::new();
            for (i, bytes) in chunk.iter().enumerate() {
                let label = format!("window task {task} badge {i}");
                let result = runtime.block_on(import_bytes(
                    &mut writer,
                    &fetcher,
                    label,
                    bytes.clone(),
                    Utc::now(),
                ));
                assert_eq!(result.status, ImportStatus::Imported, "{:?}", result.error);
                ids.push(result.badge_id.unwrap());
            }
            drop(writer);
            let mut shared = reader.lock().unwrap();
            let collection = shared
                .create_collection(&format!("Task {task}"), "", Utc::now())
                .expect("the window edits a collection");
            shared.add_to_collection(collection.id, &ids).unwrap();
            drop(shared);
            slowest = slowest.max(started.elapsed());
            if cli.try_wait().unwrap().is_none() {
                overlapping += 1;
            }
        }
        let output = cli.wait_with_output().unwrap();
        cli_running.store(false, Ordering::SeqCst);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("locked"));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), CLI_BADGES);
        assert!(
            results.iter().all(|r| r["status"] == "imported"),
            "{report}"
        );
        (reads.join().unwrap(), overlapping, slowest)
    });
    eprintln!(
        "concurrency: CLI wrote {CLI_BADGES} badges, the window {} badges and {TASKS} collections \
         in {TASKS} tasks ({overlapping} while the CLI ran, slowest task {slowest:?}), \
         {reads} list reads, 0 retries",
        TASKS * PER_TASK
    );
    assert!(overlapping > 0, "the window worked while the CLI imported");
    assert_eq!(check_db(&sb.wallet) as usize, CLI_BADGES + TASKS * PER_TASK);
    let collections = reader.lock().unwrap().collections().unwrap();
    assert_eq!(collections.len(), TASKS);
    assert!(collections.iter().all(|c| c.badge_count == PER_TASK as i64));
}
