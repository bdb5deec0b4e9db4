//! The published site and LinkedIn links: public collections only, every
//! badge field escaped, links that are http(s) or point inside the site,
//! Displayer API files read back over HTTP from 127.0.0.1.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::collections::ok;
use crate::util::{Sandbox, stderr};
use crate::{badges, images};
use satchel::bake::{self, BakeSlot};

const SCRIPT_NAME: &str = "<script>alert(1)</script>";

/// Badges: 1 hostile (public), 2 plain (public and private), 3 private only,
/// 4 an OB 3.0 credential with no hosted copy (public).
fn site_wallet() -> Sandbox {
    let sb = Sandbox::new();
    let mut hostile = badges::embedded_assertion(
        "https://i.example/a/1",
        SCRIPT_NAME,
        "Evil \"Issuer\" & <Co>",
        "ann@example.org",
    );
    hostile["badge"]["description"] = json!("\"><img src=x onerror=alert(2)>");
    hostile["badge"]["criteria"] = json!("javascript:alert(3)");
    hostile["badge"]["issuer"]["url"] = json!("javascript:alert(4)");
    hostile["expires"] = json!("2027-11-30T00:00:00Z");
    let plain = badges::embedded_assertion(
        "https://i.example/a/2",
        "Plain Badge",
        "Good Issuer",
        "ann@example.org",
    );
    let secret = badges::embedded_assertion(
        "https://i.example/a/3",
        "Secret Badge",
        "Hidden Issuer",
        "ann@example.org",
    );
    let ob3 = badges::ob3_credential(
        "urn:uuid:5e1f",
        "Café & Co: Level 2",
        "Northfield",
        "ann@example.org",
    );
    let mut inputs = Vec::new();
    for (i, doc) in [hostile, plain, secret].iter().enumerate() {
        let png = bake::bake(
            &images::badge_png(24, i as u8 * 60),
            &doc.to_string(),
            BakeSlot::Assertion,
        )
        .unwrap();
        inputs.push(sb.write(&format!("in/{i}.png"), png));
    }
    inputs.push(sb.write("in/3.json", ob3.to_string()));
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    assert!(sb.import(&refs).iter().all(|r| r["status"] == "imported"));
    ok(
        &sb,
        &[
            "collection",
            "new",
            "Shown <i>off</i>",
            "--description",
            "Public & proud",
        ],
    );
    ok(&sb, &["collection", "new", "Private Stuff"]);
    ok(&sb, &["collection", "add", "1", "1", "2", "4"]);
    ok(&sb, &["collection", "add", "2", "2", "3"]);
    ok(&sb, &["collection", "public", "1"]);
    sb
}

fn publish(sb: &Sandbox, dir: &Path, base: Option<&str>) {
    let d = dir.display().to_string();
    let mut args = vec!["publish", d.as_str()];
    if let Some(b) = base {
        args.extend(["--base-url", b]);
    }
    ok(sb, &args);
}

/// Every file of the site, by its path relative to the site.
fn site_files(root: &Path) -> HashMap<String, PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut HashMap<String, PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, p);
            }
        }
    }
    let mut out = HashMap::new();
    walk(root, root, &mut out);
    out
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Checks every link and image source of every page: http(s) URLs, or a
/// relative path to a file of the site.
fn check_links(root: &Path, files: &HashMap<String, PathBuf>) {
    for (rel, path) in files.iter().filter(|(r, _)| r.ends_with(".html")) {
        let html = std::fs::read_to_string(path).unwrap();
        let doc = Html::parse_document(&html);
        assert!(doc.errors.is_empty(), "{rel}: {:?}", doc.errors);
        assert!(html.starts_with("<!DOCTYPE html>"), "{rel}");
        assert_eq!(
            doc.select(&sel("html[lang] head title")).count(),
            1,
            "{rel}"
        );
        assert!(
            doc.select(&sel("meta[property=\"og:title\"]"))
                .next()
                .is_some(),
            "{rel}"
        );
        let folder = Path::new(rel).parent().unwrap_or(Path::new(""));
        for (attr, selector) in [("href", "a[href], link[href]"), ("src", "img[src]")] {
            for el in doc.select(&sel(selector)) {
                let target = el.value().attr(attr).unwrap();
                if let Ok(url) = url::Url::parse(target) {
                    assert!(matches!(url.scheme(), "http" | "https"), "{rel}: {target}");
                } else {
                    let resolved = root.join(folder).join(target);
                    let resolved = std::fs::canonicalize(&resolved)
                        .unwrap_or_else(|_| panic!("{rel}: {target} does not exist"));
                    assert!(resolved.starts_with(std::fs::canonicalize(root).unwrap()));
                }
            }
        }
    }
}

#[test]
fn only_public_collections_are_published_and_every_field_is_escaped() {
    let sb = site_wallet();
    let root = sb.path("site");
    publish(&sb, &root, None);
    let files = site_files(&root);
    check_links(&root, &files);
    let pages: Vec<&String> = files.keys().filter(|k| k.ends_with(".html")).collect();
    assert_eq!(
        pages.len(),
        1 + 1 + 3,
        "index, one collection, three badges: {pages:?}"
    );
    for (rel, path) in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        assert!(!text.contains("Private Stuff"), "{rel}");
        assert!(!text.contains("Secret Badge"), "{rel}");
        if rel.ends_with(".html") {
            assert!(!text.contains("<script"), "{rel}");
            assert!(!text.contains("<img src=x"), "{rel}");
            assert!(
                !text.contains("href=\"javascript:"),
                "{rel}: no javascript: link"
            );
        }
    }
    let index = Html::parse_document(&std::fs::read_to_string(&files["index.html"]).unwrap());
    let listed: Vec<String> = index
        .select(&sel("main li a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        listed,
        ["Shown <i>off</i>"],
        "the name shows as text, not markup"
    );

    let hostile_page = files
        .iter()
        .filter(|(rel, _)| rel.starts_with("badges/") && rel.ends_with(".html"))
        .map(|(_, p)| p.clone())
        .find(|p| std::fs::read_to_string(p).unwrap().contains("alert(1)"))
        .expect("the hostile badge's page");
    let doc = Html::parse_document(&std::fs::read_to_string(&hostile_page).unwrap());
    let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(h1, SCRIPT_NAME);
    let title: String = doc.select(&sel("title")).next().unwrap().text().collect();
    assert_eq!(title, SCRIPT_NAME);
    let og = doc
        .select(&sel("meta[property=\"og:title\"]"))
        .next()
        .unwrap();
    assert_eq!(og.value().attr("content"), Some(SCRIPT_NAME));
    let dds: Vec<String> = doc.select(&sel("dd")).map(|d| d.text().collect()).collect();
    assert!(
        dds.contains(&"Evil \"Issuer\" & <Co>".to_owned()),
        "{dds:?}"
    );
    assert!(
        dds.iter()
            .any(|d| d.contains("\"><img src=x onerror=alert(2)>")),
        "{dds:?}"
    );
    assert!(
        dds.iter().any(|d| d == "2027-11-30"),
        "expiry shown: {dds:?}"
    );
    assert!(
        doc.select(&sel("dd a")).next().is_none(),
        "javascript: issuer and criteria get no link"
    );
    let verify: Vec<&str> = doc
        .select(&sel("section a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        verify.contains(&"https://i.example/a/1"),
        "hosted copy linked: {verify:?}"
    );
}

#[test]
fn republishing_replaces_the_site_and_a_foreign_folder_is_never_touched() {
    let sb = site_wallet();
    let root = sb.path("site");
    publish(&sb, &root, None);
    assert_eq!(
        site_files(&root)
            .keys()
            .filter(|k| k.ends_with(".html"))
            .count(),
        5
    );
    let before = site_files(&root);
    ok(&sb, &["collection", "public", "2"]);
    ok(&sb, &["collection", "private", "1"]);
    // Something watches the site while it is replaced, as a web server would.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (done, marker) = (done.clone(), root.join(".satchel-site"));
        std::thread::spawn(move || {
            let (mut looks, mut missing) = (0u64, 0u64);
            while !done.load(Ordering::SeqCst) {
                looks += 1;
                missing += u64::from(!marker.is_file());
            }
            (looks, missing)
        })
    };
    for _ in 0..3 {
        publish(&sb, &root, None);
    }
    done.store(true, Ordering::SeqCst);
    let (looks, missing) = watcher.join().unwrap();
    assert!(looks > 0);
    assert_eq!(
        missing, 0,
        "the site was missing {missing} times in {looks} looks"
    );
    let files = site_files(&root);
    let gone: Vec<&String> = before.keys().filter(|k| !files.contains_key(*k)).collect();
    assert!(
        gone.iter()
            .any(|k| k.as_str() == "displayer/1/group/1.json"),
        "{gone:?}"
    );
    for rel in &gone {
        assert!(
            rel.starts_with("badges/")
                || rel.starts_with("collections/")
                || rel.as_str() == "displayer/1/group/1.json",
            "only what is no longer public went: {rel}"
        );
    }
    assert_eq!(
        gone.iter().filter(|k| k.ends_with(".html")).count(),
        1 + 2,
        "collection 1's page and the pages of its two badges not in collection 2: {gone:?}"
    );
    let text: String = files
        .values()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    assert!(
        text.contains("Secret Badge") && !text.contains("alert(1)"),
        "the old site is gone"
    );
    check_links(&root, &files);
    let leftovers: Vec<String> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".satchel"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let mine = sb.path("notes");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("diary.txt"), "mine").unwrap();
    let out = sb.run(&["publish", &mine.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a site Satchel published"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("diary.txt")).unwrap(),
        "mine"
    );
    let out = sb.run(&[
        "publish",
        &root.display().to_string(),
        "--base-url",
        "javascript:alert(1)",
    ]);
    assert!(
        stderr(&out).contains("not an http(s) address"),
        "{}",
        stderr(&out)
    );
}

/// Decodes a URL's query into a map.
fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

#[test]
fn linkedin_links_carry_every_field_encoded() {
    let sb = site_wallet();
    let (v, code) = sb.json(&["share", "linkedin", "1"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["cert_source"], "hosted_assertion");
    let add = v["add_to_profile_url"].as_str().unwrap();
    assert!(add.starts_with("https://www.linkedin.com/profile/add?"));
    assert!(
        !add.contains('<') && !add.contains('"') && !add.contains(' '),
        "{add}"
    );
    let q = query(add);
    let expect = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", SCRIPT_NAME),
        ("organizationName", "Evil \"Issuer\" & <Co>"),
        ("issueYear", "2024"),
        ("issueMonth", "5"),
        ("expirationYear", "2027"),
        ("expirationMonth", "11"),
        ("certUrl", "https://i.example/a/1"),
        ("certId", "https://i.example/a/1"),
    ];
    assert_eq!(q.len(), expect.len(), "{q:?}");
    for (k, want) in expect {
        assert_eq!(q.get(k).map(String::as_str), Some(want), "{k}");
    }
    let share = v["share_url"].as_str().unwrap();
    assert!(share.starts_with("https://www.linkedin.com/sharing/share-offsite/?"));
    assert_eq!(query(share)["url"], "https://i.example/a/1");

    // No hosted copy and not published: the sentence says what to do.
    let out = sb.run(&["share", "linkedin", "4"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no address anyone can open") && err.contains("satchel publish"),
        "{err}"
    );

    publish(
        &sb,
        &sb.path("site"),
        Some("https://ann.example.org/my badges/"),
    );
    let (v, _) = sb.json(&["share", "linkedin", "4"]);
    assert_eq!(v["cert_source"], "published_page");
    let q = query(v["add_to_profile_url"].as_str().unwrap());
    assert_eq!(q["name"], "Café & Co: Level 2");
    assert_eq!(q["certId"], "urn:uuid:5e1f");
    let cert = &q["certUrl"];
    assert!(
        cert.starts_with("https://ann.example.org/my%20badges/badges/") && cert.ends_with(".html"),
        "{cert}"
    );
    assert_eq!(query(v["share_url"].as_str().unwrap())["url"], *cert);
    let (v, _) = sb.json(&["share", "linkedin", "1"]);
    assert_eq!(
        v["cert_source"], "published_page",
        "the published page is preferred"
    );
    let (v, _) = sb.json(&["share", "linkedin", "3"]);
    assert_eq!(
        v["cert_source"], "hosted_assertion",
        "a private badge has no page"
    );
}

/// The published folder served as a static site on 127.0.0.1 under
/// `/site/`, as any web host would serve it: files by path, nothing else.
/// Stops when dropped.
struct StaticSite {
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    base: String,
}

impl StaticSite {
    fn serve(root: &Path) -> StaticSite {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let root = root.to_owned();
        let thread = {
            let server = server.clone();
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let file = request
                        .url()
                        .strip_prefix("/site/")
                        .filter(|rel| !rel.split('/').any(|part| part == ".."))
                        .map(|rel| root.join(rel))
                        .filter(|p| p.is_file());
                    let response = match (request.method(), file) {
                        (tiny_http::Method::Get, Some(path)) => {
                            let kind = match path.extension().and_then(|e| e.to_str()) {
                                Some("json") => "application/json",
                                Some("html") => "text/html; charset=utf-8",
                                Some("png") => "image/png",
                                Some("svg") => "image/svg+xml",
                                _ => "text/css",
                            };
                            let header =
                                tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                            tiny_http::Response::from_data(std::fs::read(path).unwrap())
                                .with_header(header)
                        }
                        (tiny_http::Method::Get, None) => {
                            tiny_http::Response::from_data(b"not found".to_vec())
                                .with_status_code(404)
                        }
                        _ => tiny_http::Response::from_data(b"static site".to_vec())
                            .with_status_code(405),
                    };
                    let _ = request.respond(response);
                }
            })
        };
        StaticSite {
            server,
            thread: Some(thread),
            base: format!("http://127.0.0.1:{port}/site"),
        }
    }
}

impl Drop for StaticSite {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One HTTP call: status and body.
fn call(method: reqwest::Method, url: &str, body: Option<Value>) -> (u16, Vec<u8>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut request = reqwest::Client::new().request(method, url);
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let resp = request.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.bytes().await.unwrap().to_vec())
    })
}

fn get(url: &str) -> Vec<u8> {
    let (status, body) = call(reqwest::Method::GET, url, None);
    assert_eq!(status, 200, "{url}");
    body
}

#[test]
fn the_site_served_from_loopback_answers_the_displayer_calls() {
    let sb = site_wallet();
    let root = sb.path("site");
    std::fs::create_dir_all(&root).unwrap();
    let site = StaticSite::serve(&root);
    let publish_out = sb.run(&[
        "publish",
        &root.display().to_string(),
        "--base-url",
        &site.base,
    ]);
    assert!(publish_out.status.success(), "{}", stderr(&publish_out));
    // A static host cannot answer the email lookup; publish names the user id instead.
    let (status, _) = call(
        reqwest::Method::POST,
        &format!("{}/displayer/convert/email", site.base),
        Some(json!({"email": "ann@example.org"})),
    );
    assert!(status >= 400, "{status}");
    let printed = String::from_utf8_lossy(&publish_out.stdout).into_owned();
    let user_id = printed
        .split("user id ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("publish prints the user id: {printed}"))
        .to_owned();
    assert!(
        printed.contains(&format!("{}/displayer/{user_id}/groups.json", site.base)),
        "{printed}"
    );

    // Exactly the Displayer API's calls.
    let groups: Value = serde_json::from_slice(&get(&format!(
        "{}/displayer/{user_id}/groups.json",
        site.base
    )))
    .unwrap();
    assert_eq!(groups["userId"].to_string(), user_id);
    let list = groups["groups"].as_array().unwrap();
    assert_eq!(list.len(), 1, "public groups only: {groups}");
    assert_eq!(list[0]["name"], "Shown <i>off</i>");
    assert_eq!(list[0]["badges"], 3);
    let id = list[0]["groupId"].as_i64().unwrap();
    let group: Value = serde_json::from_slice(&get(&format!(
        "{}/displayer/{user_id}/group/{id}.json",
        site.base
    )))
    .unwrap();
    assert_eq!(group["userId"], groups["userId"]);
    assert_eq!(group["groupId"], id);
    let (status, _) = call(
        reqwest::Method::GET,
        &format!("{}/displayer/{user_id}/group/2.json", site.base),
        None,
    );
    assert_eq!(status, 404, "a private group is not there");
    let badges = group["badges"].as_array().unwrap();
    assert_eq!(badges.len(), 3);
    for b in badges {
        for key in [
            "lastValidated",
            "assertionType",
            "hostedUrl",
            "assertion",
            "imageUrl",
        ] {
            assert!(b.get(key).is_some(), "{key} in {b}");
        }
        let image = get(b["imageUrl"].as_str().unwrap());
        let unbaked = bake::unbake(&image).expect("the image URL serves a baked badge");
        assert!(!unbaked.text.is_empty());
        let hosted = b["hostedUrl"].as_str().unwrap();
        if hosted.starts_with(&site.base) {
            assert!(
                String::from_utf8(get(hosted)).unwrap().contains("<h1>"),
                "{hosted}"
            );
        } else {
            assert!(hosted.starts_with("https://i.example/a/"), "{hosted}");
        }
    }
    assert_eq!(badges[0]["assertion"]["badge"]["name"], SCRIPT_NAME);
    assert_eq!(badges[0]["assertionType"], "hosted");
    assert_eq!(badges[2]["assertion"]["name"], "Café & Co: Level 2");
    assert_eq!(badges[2]["assertionType"], "signed");

    let pid = sb.json(&["collection", "show", "1"]).0["public_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let badgr: Value =
        serde_json::from_slice(&get(&format!("{}/collections/{pid}.json", site.base))).unwrap();
    assert_eq!(badgr["type"], "Collection");
    assert_eq!(badgr["entityId"], pid.as_str());
    assert_eq!(badgr["name"], "Shown <i>off</i>");
    assert_eq!(badgr["description"], "Public & proud");
    assert_eq!(badgr["badges"].as_array().unwrap().len(), 3);
    let page = String::from_utf8(get(badgr["share_url"].as_str().unwrap())).unwrap();
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    let og_image = doc
        .select(&sel("meta[property=\"og:image\"]"))
        .next()
        .unwrap();
    assert!(
        og_image
            .value()
            .attr("content")
            .unwrap()
            .starts_with(&site.base)
    );
}

/// What a badge's LinkedIn link must carry: organization, issue (year,
/// month), expiry, certId.
type Expected<'a> = (
    &'a str,
    (&'a str, &'a str),
    Option<(&'a str, &'a str)>,
    &'a str,
);

/// The `content` of a page's `<meta property=…>`.
fn meta(doc: &Html, property: &str) -> Option<String> {
    doc.select(&sel(&format!("meta[property=\"{property}\"]")))
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_owned))
}

#[test]
fn badge_pages_carry_open_graph_tags_and_linkedin_buttons() {
    let sb = site_wallet();
    let root = sb.path("site");
    let base = "https://ann.example.org/my badges/";
    publish(&sb, &root, Some(base));
    let files = site_files(&root);
    check_links(&root, &files);
    let expected: HashMap<&str, Expected> = [
        (
            SCRIPT_NAME,
            (
                "Evil \"Issuer\" & <Co>",
                ("2024", "5"),
                Some(("2027", "11")),
                "https://i.example/a/1",
            ),
        ),
        (
            "Plain Badge",
            ("Good Issuer", ("2024", "5"), None, "https://i.example/a/2"),
        ),
        (
            "Café & Co: Level 2",
            ("Northfield", ("2025", "1"), None, "urn:uuid:5e1f"),
        ),
    ]
    .into_iter()
    .collect();
    let mut seen = Vec::new();
    for (rel, path) in files
        .iter()
        .filter(|(r, _)| r.starts_with("badges/") && r.ends_with(".html"))
    {
        let doc = Html::parse_document(&std::fs::read_to_string(path).unwrap());
        let page_url = format!("https://ann.example.org/my%20badges/{rel}");
        let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
        assert_eq!(
            meta(&doc, "og:title").as_deref(),
            Some(h1.as_str()),
            "{rel}"
        );
        assert_eq!(meta(&doc, "og:url"), Some(page_url.clone()), "{rel}");
        let img = doc
            .select(&sel("article img"))
            .next()
            .unwrap()
            .value()
            .attr("src")
            .unwrap()
            .to_owned();
        assert_eq!(
            meta(&doc, "og:image"),
            Some(format!("https://ann.example.org/my%20badges/badges/{img}")),
            "{rel}"
        );
        let buttons: Vec<String> = doc
            .select(&sel("a.button"))
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect();
        assert_eq!(buttons.len(), 2, "{rel}: {buttons:?}");
        let add = url::Url::parse(&buttons[0]).unwrap();
        assert_eq!(
            (add.host_str(), add.path()),
            (Some("www.linkedin.com"), "/profile/add"),
            "{rel}"
        );
        let (org, (year, month), expires, cert_id) = expected[h1.as_str()];
        let mut want: HashMap<String, String> = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", h1.as_str()),
            ("organizationName", org),
            ("issueYear", year),
            ("issueMonth", month),
            ("certUrl", page_url.as_str()),
            ("certId", cert_id),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        if let Some((y, m)) = expires {
            want.insert("expirationYear".into(), y.into());
            want.insert("expirationMonth".into(), m.into());
        }
        assert_eq!(query(&buttons[0]), want, "{rel}");
        let share = url::Url::parse(&buttons[1]).unwrap();
        assert_eq!(
            (share.host_str(), share.path()),
            (Some("www.linkedin.com"), "/sharing/share-offsite/"),
            "{rel}"
        );
        assert_eq!(
            query(&buttons[1]),
            HashMap::from([("url".to_owned(), page_url)])
        );
        seen.push(h1);
    }
    seen.sort();
    let mut names: Vec<String> = expected.keys().map(|k| k.to_string()).collect();
    names.sort();
    assert_eq!(seen, names);
}
