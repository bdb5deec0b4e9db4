//! A published site made of hostile badges: scripts and event handlers in
//! SVG pictures, `javascript:` and `data:` URLs in every URL field, HTML,
//! right-to-left overrides and very long text in every text field. Every
//! file the site holds is parsed back (HTML with `scraper`, SVG with
//! `quick-xml`) to prove no script, handler or non-http(s) link survives,
//! every page carries the content security policy, and every sanitized
//! image still unbakes to the credential it was made from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine;
use quick_xml::events::Event;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::collections::ok;
use crate::util::Sandbox;
use crate::{badges, images};
use satchel::bake::{self, BakeSlot};
use satchel::export::site::CONTENT_SECURITY_POLICY;

/// U+202E RIGHT-TO-LEFT OVERRIDE, which turns the text after it around.
const RLO: char = '\u{202E}';
const LONG: usize = 200_000;

/// An SVG picture that tries everything a picture served from the learner's
/// domain could do: scripts, handlers, a stylesheet, foreign HTML, external
/// and `javascript:` references, animation that rewrites a link.
fn hostile_svg() -> String {
    r##"<?xml version="1.0"?>
<?xml-stylesheet href="https://evil.example/x.css"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:h="http://www.w3.org/1999/xhtml" width="128" height="128" onload="alert(1)">
<script type="text/javascript">alert(document.domain)</script>
<h:script>alert(2)</h:script>
<style>@import url("https://evil.example/a.css"); circle { fill: url(https://evil.example/p.svg#x) }</style>
<foreignObject width="10" height="10"><h:iframe src="javascript:alert(3)"/></foreignObject>
<a href="javascript:alert(4)"><circle cx="64" cy="64" r="60" fill="#c33" onclick="alert(5)" OnMouseOver="alert(6)"/></a>
<a xlink:href="data:text/html,&lt;script&gt;alert(7)&lt;/script&gt;"><text x="10" y="20" style="fill: url(javascript:alert(8))">Badge</text></a>
<image href="https://evil.example/track.png" width="1" height="1"/>
<image xlink:href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+" width="1" height="1"/>
<use href="https://evil.example/s.svg#x"/>
<animate attributeName="href" values="javascript:alert(9)"/>
<set attributeName="onmouseover" to="alert(10)"/>
<h:iframe src="javascript:alert(11)"/>
</svg>
"##
    .to_owned()
}

/// A text field for badge `n`: markup, a handler, a right-to-left override.
fn nasty_text(n: usize, what: &str) -> String {
    format!("<script>alert('{what}{n}')</script><img src=x onerror=alert({n})>\"'{RLO}gpj.exe")
}

/// A URL field: `javascript:` or `data:`, by turns.
fn nasty_url(n: usize, what: &str) -> String {
    if (n + what.len()).is_multiple_of(2) {
        format!("javascript:alert('{what}{n}')")
    } else {
        format!(
            "data:text/html;base64,{}",
            b64(&format!("<script>alert('{what}{n}')</script>"))
        )
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// An OB 2.0 assertion with every text field hostile and every URL field
/// `javascript:` or `data:`; the description is very long.
fn hostile_assertion(n: usize) -> Value {
    let mut a = badges::embedded_assertion(
        &format!("https://i.example/hostile/{n}"),
        &nasty_text(n, "name"),
        &nasty_text(n, "issuer"),
        "ann@example.org",
    );
    a["id"] = json!(nasty_url(n, "id"));
    a["badge"]["id"] = json!(nasty_url(n, "badge"));
    a["badge"]["description"] = json!(format!(
        "{}{}",
        nasty_text(n, "description"),
        "long ".repeat(LONG / 5)
    ));
    a["badge"]["image"] = json!(nasty_url(n, "image"));
    a["badge"]["criteria"] =
        json!({"id": nasty_url(n, "criteria"), "narrative": nasty_text(n, "criteria")});
    a["badge"]["tags"] = json!([nasty_text(n, "tag")]);
    a["badge"]["alignment"] =
        json!([{"targetName": nasty_text(n, "alignment"), "targetUrl": nasty_url(n, "alignment")}]);
    a["badge"]["issuer"]["id"] = json!(nasty_url(n, "issuer-id"));
    a["badge"]["issuer"]["url"] = json!(nasty_url(n, "issuer-url"));
    a["badge"]["issuer"]["image"] = json!(nasty_url(n, "issuer-image"));
    a["badge"]["issuer"]["email"] = json!(nasty_text(n, "email"));
    a["evidence"] =
        json!([{"id": nasty_url(n, "evidence"), "narrative": nasty_text(n, "evidence")}]);
    a["narrative"] = json!(nasty_text(n, "narrative"));
    a["verification"] = json!({"type": "hosted", "url": nasty_url(n, "verify")});
    a
}

/// An OB 3.0 credential with the same treatment.
fn hostile_credential(n: usize) -> Value {
    let mut c = badges::ob3_credential(
        &nasty_url(n, "credential-id"),
        &nasty_text(n, "name"),
        &nasty_text(n, "issuer"),
        "ann@example.org",
    );
    c["issuer"]["id"] = json!(nasty_url(n, "issuer-id"));
    c["issuer"]["url"] = json!(nasty_url(n, "issuer-url"));
    c["description"] = json!(nasty_text(n, "description"));
    let achievement = &mut c["credentialSubject"]["achievement"];
    achievement["id"] = json!(nasty_url(n, "achievement"));
    achievement["description"] = json!(format!(
        "{}{}",
        nasty_text(n, "description"),
        "long ".repeat(LONG / 5)
    ));
    achievement["criteria"] =
        json!({"id": nasty_url(n, "criteria"), "narrative": nasty_text(n, "criteria")});
    achievement["image"] = json!({"id": nasty_url(n, "image"), "type": "Image"});
    c["evidence"] = json!([{"id": nasty_url(n, "evidence"), "type": ["Evidence"], "narrative": nasty_text(n, "evidence")}]);
    c
}

/// The inputs: what each file is, its bytes, and the credential text a
/// published image of it must carry.
struct Input {
    file: &'static str,
    bytes: Vec<u8>,
    text: String,
}

fn inputs() -> Vec<Input> {
    let svg = hostile_svg();
    let mut made = Vec::new();
    // 1. A hostile SVG picture baked with a hostile assertion.
    let text = hostile_assertion(1).to_string();
    let bytes = bake::bake(svg.as_bytes(), &text, BakeSlot::Assertion).unwrap();
    made.push(Input {
        file: "1.svg",
        bytes,
        text,
    });
    // 2. The same for an OB 3.0 credential, in the credential slot.
    let text = hostile_credential(2).to_string();
    let bytes = bake::bake(svg.as_bytes(), &text, BakeSlot::Credential).unwrap();
    made.push(Input {
        file: "2.svg",
        bytes,
        text,
    });
    // 3. A PNG with an HTML page after its IEND chunk (a polyglot).
    let text = hostile_assertion(3).to_string();
    let mut bytes = bake::bake(&images::badge_png(24, 90), &text, BakeSlot::Assertion).unwrap();
    bytes.extend_from_slice(b"<html><script>alert(document.domain)</script></html>");
    made.push(Input {
        file: "3.png",
        bytes,
        text,
    });
    // 4. JSON whose image is the hostile SVG as a `data:` URI: the site bakes it.
    let mut doc = hostile_assertion(4);
    doc["badge"]["image"] = json!(format!("data:image/svg+xml;base64,{}", b64(&svg)));
    let text = doc.to_string();
    made.push(Input {
        file: "4.json",
        bytes: text.clone().into_bytes(),
        text,
    });
    made
}

/// Every file of the site, by its path relative to the site.
fn site_files(root: &Path) -> BTreeMap<String, PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// An `href` or `src` of a page: an http(s) URL, or a relative path to a
/// file of the site.
fn check_page_link(root: &Path, page: &str, target: &str) {
    if let Ok(url) = url::Url::parse(target) {
        assert!(matches!(url.scheme(), "http" | "https"), "{page}: {target}");
        return;
    }
    assert!(
        !target.contains(':') && !target.starts_with('/'),
        "{page}: {target}"
    );
    let folder = Path::new(page).parent().unwrap_or(Path::new(""));
    let resolved = std::fs::canonicalize(root.join(folder).join(target))
        .unwrap_or_else(|_| panic!("{page}: {target} is not a file of the site"));
    assert!(
        resolved.starts_with(std::fs::canonicalize(root).unwrap()),
        "{page}: {target}"
    );
}

/// No script, no handler, no style of its own, only http(s) or site links,
/// and the security policy before anything is loaded.
fn check_page(root: &Path, rel: &str, html: &str) {
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "{rel}: {:?}", doc.errors);
    let head: Vec<_> = doc.select(&sel("head > *")).collect();
    let csp = head
        .iter()
        .position(|e| e.value().attr("http-equiv") == Some("Content-Security-Policy"))
        .unwrap_or_else(|| panic!("{rel}: no Content-Security-Policy"));
    assert_eq!(
        head[csp].value().attr("content"),
        Some(CONTENT_SECURITY_POLICY),
        "{rel}"
    );
    assert!(
        head[..csp]
            .iter()
            .all(|e| e.value().name() == "meta" && e.value().attr("charset").is_some()),
        "{rel}: only the charset comes before the policy"
    );
    assert_eq!(
        doc.select(&sel(r#"head meta[name="referrer"][content="no-referrer"]"#))
            .count(),
        1,
        "{rel}"
    );
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let element = el.value();
        assert!(
            !matches!(
                element.name(),
                "script" | "style" | "iframe" | "object" | "embed" | "base" | "form"
            ),
            "{rel}: <{}>",
            element.name()
        );
        for (name, value) in element.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{rel}: {name}={value}"
            );
            assert_ne!(name, "style", "{rel}");
            if matches!(name, "href" | "src" | "srcset" | "action" | "formaction") {
                check_page_link(root, rel, value);
            }
        }
        if element
            .attr("property")
            .is_some_and(|p| p == "og:url" || p == "og:image")
        {
            check_page_link(root, rel, element.attr("content").unwrap());
        }
    }
}

/// A published SVG: no script, foreign content or animation, no handler, no
/// reference outside the document but embedded PNG, JPEG or GIF pictures, no
/// CSS that loads anything, no DOCTYPE, comment or processing instruction.
fn check_svg(rel: &str, bytes: &[u8]) {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut elements = BTreeSet::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{rel}: {e}")) {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name().into_inner().to_owned();
                for attribute in e.attributes() {
                    let attribute = attribute.unwrap();
                    let name = attribute.key.local_name().into_inner().to_ascii_lowercase();
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned();
                    assert!(!name.starts_with("on"), "{rel}: <{local} {name}>");
                    if name == "href" || name == "src" {
                        let lower = value.to_ascii_lowercase();
                        assert!(
                            value.starts_with('#')
                                || ["data:image/png", "data:image/jpeg", "data:image/gif"]
                                    .iter()
                                    .any(|t| lower.starts_with(t)),
                            "{rel}: <{local} {name}={value:?}>"
                        );
                    }
                    let lower = value.to_ascii_lowercase();
                    assert!(!lower.contains("javascript:"), "{rel}: {value}");
                    for css in lower.split("url(").skip(1) {
                        assert!(
                            css.trim_start_matches(['"', '\'', ' ']).starts_with('#'),
                            "{rel}: {value}"
                        );
                    }
                    assert!(!lower.contains("@import"), "{rel}: {value}");
                }
                elements.insert(local);
            }
            Event::DocType(_) | Event::Comment(_) | Event::PI(_) => {
                panic!("{rel}: kept a DOCTYPE, comment or PI")
            }
            Event::Text(t) => assert!(!t.xml10_content().contains("@import"), "{rel}"),
            Event::Eof => break,
            _ => {}
        }
    }
    for gone in [
        "script",
        "foreignObject",
        "iframe",
        "animate",
        "set",
        "embed",
    ] {
        assert!(!elements.contains(gone), "{rel}: <{gone}> survived");
    }
    assert!(elements.contains("svg"), "{rel}: {elements:?}");
}

#[test]
fn a_site_of_hostile_badges_holds_no_script_no_handler_and_no_foreign_link() {
    let sb = Sandbox::new();
    let made = inputs();
    let paths: Vec<String> = made
        .iter()
        .map(|i| sb.write(&format!("in/{}", i.file), &i.bytes))
        .collect();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let results = sb.import(&refs);
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:#?}"
    );
    let collection = format!("<script>alert('collection')</script>{RLO}txt.exe");
    ok(
        &sb,
        &[
            "collection",
            "new",
            &collection,
            "--description",
            "javascript:alert('description')",
        ],
    );
    ok(&sb, &["collection", "add", "1", "1", "2", "3", "4"]);
    ok(&sb, &["collection", "public", "1"]);

    for (dir, base) in [
        ("site", None),
        ("served", Some("https://me.example/badges")),
    ] {
        let root = sb.path(dir);
        let root_text = root.display().to_string();
        let mut args = vec!["publish", root_text.as_str()];
        args.extend(base.iter().flat_map(|b| ["--base-url", *b]));
        ok(&sb, &args);
        let files = site_files(&root);
        let mut carried = BTreeSet::new();
        let mut pictures = 0;
        for (rel, path) in &files {
            let bytes = std::fs::read(path).unwrap();
            match Path::new(rel).extension().and_then(|e| e.to_str()) {
                Some("html") => check_page(&root, rel, &String::from_utf8(bytes).unwrap()),
                Some("css") => {
                    let css = String::from_utf8(bytes).unwrap();
                    assert!(!css.contains("url(") && !css.contains("@import"), "{rel}");
                    assert!(
                        css.contains("unicode-bidi: isolate"),
                        "badge text is isolated"
                    );
                }
                Some("json") => {
                    serde_json::from_slice::<Value>(&bytes)
                        .unwrap_or_else(|e| panic!("{rel}: {e}"));
                }
                Some(kind @ ("svg" | "png")) => {
                    if kind == "svg" {
                        check_svg(rel, &bytes);
                    } else {
                        assert!(
                            bytes.ends_with(&images::chunk(b"IEND", b"")),
                            "{rel}: nothing after IEND"
                        );
                    }
                    let read = bake::unbake(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
                    assert!(read.warnings.is_empty(), "{rel}: {:?}", read.warnings);
                    carried.insert(read.text);
                    pictures += 1;
                }
                _ => assert_eq!(rel, ".satchel-site", "an unexpected file"),
            }
        }
        assert_eq!(pictures, made.len(), "{:?}", files.keys());
        let expected: BTreeSet<String> = made.iter().map(|i| i.text.clone()).collect();
        assert_eq!(
            carried, expected,
            "every published image carries its own credential"
        );

        // The text is shown as text, in full, override and all.
        let page = files
            .iter()
            .filter(|(rel, _)| rel.starts_with("badges/") && rel.ends_with(".html"))
            .map(|(_, p)| std::fs::read_to_string(p).unwrap())
            .find(|html| html.contains("name1"))
            .expect("the first badge's page");
        let doc = Html::parse_document(&page);
        let h1: String = doc.select(&sel("h1")).next().unwrap().text().collect();
        assert_eq!(h1, nasty_text(1, "name"));
        let described = doc
            .select(&sel("dd"))
            .map(|d| d.text().collect::<String>())
            .any(|d| d.starts_with(&nasty_text(1, "description")) && d.len() > LONG);
        assert!(described, "the long description is shown whole");
    }

    // The wallet still holds every original byte for byte.
    for (n, input) in made
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.file.ends_with(".json"))
    {
        let out = sb.path(&format!("out/{}", input.file));
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let out_text = out.display().to_string();
        ok(&sb, &["export", &(n + 1).to_string(), "-o", &out_text]);
        assert_eq!(std::fs::read(&out).unwrap(), input.bytes, "{}", input.file);
    }
}
