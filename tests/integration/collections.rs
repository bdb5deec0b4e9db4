//! Collections through the CLI: create, rename, describe, delete, add,
//! remove, reorder, public / private, and all-or-nothing changes.

use serde_json::Value;

use crate::util::{Sandbox, stderr};
use crate::{badges, images};
use satchel::bake::{BakeSlot, bake};

/// A sandbox whose wallet holds `n` badges (ids 1..=n), named `Badge 1`….
pub fn wallet_with_badges(n: usize) -> Sandbox {
    let sb = Sandbox::new();
    let mut paths = Vec::new();
    for i in 1..=n {
        let id = format!("https://issuer.example/assertions/{i}");
        let text =
            badges::embedded_assertion(&id, &format!("Badge {i}"), "Issuer U", "ann@example.org")
                .to_string();
        let png = bake(
            &images::badge_png(32, i as u8 * 20),
            &text,
            BakeSlot::Assertion,
        )
        .unwrap();
        paths.push(sb.write(&format!("in/{i:02}.png"), png));
    }
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let results = sb.import(&refs);
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:?}"
    );
    sb
}

/// Runs a command that must succeed.
pub fn ok(sb: &Sandbox, args: &[&str]) {
    let out = sb.run(args);
    assert!(out.status.success(), "satchel {args:?}: {}", stderr(&out));
}

/// The ids of a collection's badges, in order.
pub fn badge_ids(sb: &Sandbox, collection: &str) -> Vec<i64> {
    let (v, code) = sb.json(&["collection", "show", collection]);
    assert_eq!(code, 0);
    v["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect()
}

fn collections(sb: &Sandbox) -> Vec<Value> {
    sb.json(&["collection", "list"])
        .0
        .as_array()
        .unwrap()
        .clone()
}

fn new_collection(sb: &Sandbox, name: &str) -> String {
    let (v, code) = sb.json(&["collection", "new", name]);
    assert_eq!(code, 0);
    assert_eq!(v["public"], false, "new collections are private");
    v["id"].as_i64().unwrap().to_string()
}

#[test]
fn collections_are_created_renamed_described_and_deleted_without_losing_badges() {
    let sb = wallet_with_badges(3);
    let work = new_collection(&sb, "  Work  ");
    let (v, _) = sb.json(&["collection", "show", &work]);
    assert_eq!(v["name"], "Work", "names are trimmed");
    assert_eq!(v["description"], "");
    assert_eq!(v["public_id"].as_str().unwrap().len(), 16);

    ok(&sb, &["collection", "rename", &work, "Professional"]);
    ok(
        &sb,
        &["collection", "describe", &work, "What I do for a living"],
    );
    ok(&sb, &["collection", "add", &work, "1", "2"]);
    let (v, _) = sb.json(&["collection", "show", &work]);
    assert_eq!(v["name"], "Professional");
    assert_eq!(v["description"], "What I do for a living");
    assert_eq!(v["badge_count"], 2);
    assert_eq!(v["badges"][0]["name"], "Badge 1");

    let out = sb.run(&["collection", "rename", &work, "   "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("name"), "{}", stderr(&out));

    ok(&sb, &["collection", "delete", &work]);
    assert!(collections(&sb).is_empty());
    assert_eq!(sb.list().len(), 3, "deleting a collection keeps its badges");
    let out = sb.run(&["collection", "show", &work]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no collection with id"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_badge_sits_in_many_collections_and_badges_are_reordered() {
    let sb = wallet_with_badges(4);
    let a = new_collection(&sb, "A");
    let b = new_collection(&sb, "B");
    ok(&sb, &["collection", "add", &a, "1", "2", "3", "4"]);
    ok(&sb, &["collection", "add", &b, "3", "1"]);
    ok(&sb, &["collection", "add", &a, "2"]);
    assert_eq!(
        badge_ids(&sb, &a),
        [1, 2, 3, 4],
        "adding again changes nothing"
    );
    assert_eq!(badge_ids(&sb, &b), [3, 1], "in the order added");

    ok(
        &sb,
        &["collection", "move", &a, "--badge", "4", "--to", "1"],
    );
    assert_eq!(badge_ids(&sb, &a), [4, 1, 2, 3]);
    ok(
        &sb,
        &["collection", "move", &a, "--badge", "4", "--to", "99"],
    );
    assert_eq!(badge_ids(&sb, &a), [1, 2, 3, 4], "past the end means last");
    ok(
        &sb,
        &["collection", "move", &a, "--badge", "1", "--to", "3"],
    );
    assert_eq!(badge_ids(&sb, &a), [2, 3, 1, 4]);

    ok(&sb, &["collection", "remove", &a, "3"]);
    assert_eq!(badge_ids(&sb, &a), [2, 1, 4]);
    assert_eq!(
        badge_ids(&sb, &b),
        [3, 1],
        "other collections keep the badge"
    );
    ok(
        &sb,
        &["collection", "move", &a, "--badge", "4", "--to", "2"],
    );
    assert_eq!(
        badge_ids(&sb, &a),
        [2, 4, 1],
        "positions stay dense after a removal"
    );

    let out = sb.run(&["collection", "move", &b, "--badge", "2", "--to", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("badge 2 is not in collection"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn collections_are_reordered_among_themselves_and_flagged_public() {
    let sb = wallet_with_badges(1);
    let ids: Vec<String> = ["One", "Two", "Three"]
        .iter()
        .map(|n| new_collection(&sb, n))
        .collect();
    let names = |sb: &Sandbox| -> Vec<String> {
        collections(sb)
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&sb), ["One", "Two", "Three"]);
    ok(&sb, &["collection", "move", &ids[2], "--to", "1"]);
    assert_eq!(names(&sb), ["Three", "One", "Two"]);
    ok(&sb, &["collection", "move", &ids[2], "--to", "2"]);
    assert_eq!(names(&sb), ["One", "Three", "Two"]);
    ok(&sb, &["collection", "delete", &ids[0]]);
    let listed = collections(&sb);
    let positions: Vec<i64> = listed
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1], "positions close the gap");

    ok(&sb, &["collection", "public", &ids[1]]);
    let flags: Vec<bool> = collections(&sb)
        .iter()
        .map(|c| c["public"].as_bool().unwrap())
        .collect();
    assert_eq!(flags, [false, true]);
    ok(&sb, &["collection", "private", &ids[1]]);
    assert!(collections(&sb).iter().all(|c| c["public"] == false));
    let out = sb.run(&["collection", "move", "--to", "0", &ids[1]]);
    assert_eq!(out.status.code(), Some(2), "position 0 is refused");
}

#[test]
fn a_change_with_one_bad_id_changes_nothing() {
    let sb = wallet_with_badges(2);
    let c = new_collection(&sb, "C");
    let out = sb.run(&["collection", "add", &c, "1", "2", "99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no badge with id 99"),
        "{}",
        stderr(&out)
    );
    assert_eq!(badge_ids(&sb, &c), Vec::<i64>::new(), "nothing was added");

    ok(&sb, &["collection", "add", &c, "1", "2"]);
    let out = sb.run(&["collection", "remove", &c, "2", "1", "2"]);
    assert_eq!(out.status.code(), Some(2), "the second removal of 2 fails");
    assert_eq!(badge_ids(&sb, &c), [1, 2], "nothing was removed");

    let out = sb.run(&["collection", "add", "42", "1"]);
    assert!(
        stderr(&out).contains("no collection with id 42"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn collections_are_listed_for_people_too() {
    let sb = wallet_with_badges(2);
    let c = new_collection(&sb, "Shown");
    ok(&sb, &["collection", "add", &c, "2", "1"]);
    let out = sb.run(&["collection", "show", &c]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.find("Badge 2").unwrap();
    let second = text.find("Badge 1").unwrap();
    assert!(first < second, "{text}");
    let out = sb.run(&["collection", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("private  2 badges"));
}

#[test]
fn deleting_a_badge_takes_it_out_of_its_collections_and_leaves_the_rest() {
    let sb = wallet_with_badges(3);
    ok(&sb, &["collection", "new", "Portfolio"]);
    ok(&sb, &["collection", "add", "1", "3", "2", "1"]);

    let out = sb.run(&["delete", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(crate::util::stdout(&out).contains("deleted badge 2 (Badge 2)"));
    assert_eq!(badge_ids(&sb, "1"), vec![3, 1]);
    let (list, _) = sb.json(&["list"]);
    let left: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(left, vec![3, 1]);
    // The order still moves as before, without the gap.
    ok(
        &sb,
        &["collection", "move", "1", "--badge", "1", "--to", "1"],
    );
    assert_eq!(badge_ids(&sb, "1"), vec![1, 3]);

    // An unknown id is an error and stops before the ids after it.
    let out = sb.run(&["delete", "9", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no badge with id 9"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.json(&["show", "3"]).1, 0);
}
