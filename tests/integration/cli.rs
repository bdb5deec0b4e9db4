//! The wallet file itself and the CLI's contract: refusing foreign and newer
//! databases untouched, human output, exit codes.

use crate::util::{Sandbox, stderr, stdout};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

#[test]
fn a_wallet_from_a_newer_satchel_is_refused_with_a_sentence() {
    let sb = Sandbox::new();
    assert!(sb.run(&["list"]).status.success());
    {
        let conn = rusqlite::Connection::open(&sb.wallet).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&sb.wallet).unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("newer version of Satchel"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&sb.wallet).unwrap(), before, "left untouched");
}

#[test]
fn a_foreign_database_or_file_is_refused_and_never_overwritten() {
    let sb = Sandbox::new();
    {
        let conn = rusqlite::Connection::open(&sb.wallet).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let before = std::fs::read(&sb.wallet).unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a Satchel wallet"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&sb.wallet).unwrap(), before);

    std::fs::write(
        &sb.wallet,
        b"these are my holiday notes, not a database at all....",
    )
    .unwrap();
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a Satchel wallet"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&sb.wallet).unwrap(),
        b"these are my holiday notes, not a database at all...."
    );
}

#[test]
fn the_wallet_location_comes_from_the_environment_when_not_given() {
    let sb = Sandbox::new();
    let path = sb.path("from-env.sqlite3");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_satchel"))
        .args(["identity", "add", "ann@example.org"])
        .env("SATCHEL_WALLET", &path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(path.exists());
}

#[test]
fn human_output_names_badges_and_counts_results() {
    let sb = Sandbox::new();
    let text = badges::embedded_assertion(
        "https://b.example/h",
        "Human Readable",
        "Plain Issuer",
        "ann@example.org",
    )
    .to_string();
    let file = sb.write(
        "h.png",
        bake(&images::badge_png(8, 4), &text, BakeSlot::Assertion).unwrap(),
    );
    let junk = sb.write("junk.json", "{not json");
    let out = sb.run(&["import", &file, &junk]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("1 imported, 0 duplicates, 1 failed"),
        "{text}"
    );
    assert!(text.contains("[malformed_credential]"), "{text}");
    let list = stdout(&sb.run(&["list"]));
    assert!(
        list.contains("Human Readable") && list.contains("Plain Issuer"),
        "{list}"
    );
    let show = sb.run(&["show", "999"]);
    assert_eq!(show.status.code(), Some(2));
    assert!(
        stderr(&show).contains("no badge with id 999"),
        "{}",
        stderr(&show)
    );
}
