//! End-to-end tests of the real window under a display (Xvfb in
//! `scripts/test`): the app binary driven by `tauri-driver` and
//! WebKitWebDriver, starting from an empty wallet in a temporary directory.
//! Screenshots of the main views land in `target/e2e-screenshots/`.
//!
//! Without a display or the drivers the tests say why and pass, unless
//! `SATCHEL_E2E_REQUIRED` is set (as `scripts/test` does), when they fail.

use satchel_test_support::desktop as support;
use satchel_test_support::webdriver;

/// The window under test.
const APP: &str = env!("CARGO_BIN_EXE_satchel-desktop");

use serde_json::{Value, json};
use support::server::Route;
use support::{GOOD_NAMES, HOSTILE_NAME};
use webdriver::{Session, runnable};

/// Imports `paths` by invoking the command the window's drop handler calls.
fn import_like_a_drop(app: &Session, paths: &[std::path::PathBuf]) -> Value {
    let script = "const done = arguments[arguments.length - 1];
        window.__TAURI__.core.invoke('import_paths', { paths: arguments[0] })
            .then((r) => done({ ok: r }), (e) => done({ err: e }));";
    let answer = app.execute_async(script, json!([paths]));
    assert!(answer["err"].is_null(), "import failed: {answer}");
    answer["ok"].clone()
}

fn card_names(app: &Session) -> Vec<String> {
    let names = app.execute(
        "return [...document.querySelectorAll('.card-name')].map((e) => e.textContent);",
        json!([]),
    );
    let mut names: Vec<String> = serde_json::from_value(names).unwrap();
    names.sort();
    names
}

#[test]
fn import_browse_and_inspect_a_backpack() {
    if !runnable("import_browse_and_inspect_a_backpack") {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    let fixtures = support::write_fixtures(&home.path().join("fixtures"));
    let app = Session::start(APP, &wallet, home.path());
    sized_and_painted(&app);

    // An empty wallet greets the learner with what to do.
    let empty = app.execute(
        "return !document.getElementById('empty-state').hidden;",
        json!([]),
    );
    assert_eq!(empty, true, "the empty state is shown");
    app.screenshot("01-empty");

    // Import through the drop handler's command: every item is reported.
    let results = import_like_a_drop(&app, &fixtures);
    let statuses: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "imported").count(),
        4,
        "{results}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "duplicate").count(),
        1,
        "{results}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "error").count(),
        1,
        "{results}"
    );

    // The grid reloads by itself and shows every badge, the hostile one as text.
    app.wait_for(
        "four cards",
        "return document.querySelectorAll('.card').length === 4;",
        json!([]),
    );
    let mut expected: Vec<String> = GOOD_NAMES.iter().map(|s| s.to_string()).collect();
    expected.push(HOSTILE_NAME.to_owned());
    expected.sort();
    assert_eq!(card_names(&app), expected);
    let injected = app.execute(
        "return [...document.images].filter((i) => !(i.src.startsWith('satchel:') || i.getAttribute('src') === 'icon.svg')).length
            + document.querySelectorAll('[onerror], script:not([src])').length;",
        json!([]),
    );
    assert_eq!(injected, 0, "no element was created from badge text");
    app.wait_for(
        "badge pictures served from the wallet",
        "return [...document.querySelectorAll('.card-image')].filter((i) => i.complete && i.naturalWidth > 0).length === 4;",
        json!([]),
    );
    app.screenshot("02-grid");

    // The detail view shows everything, as text, and no javascript: link.
    let hostile_card = format!(".card[data-badge-id='{}']", badge_id(&app, HOSTILE_NAME));
    app.click(&hostile_card);
    app.wait_for(
        "the detail dialog",
        "return document.getElementById('detail-dialog').open;",
        json!([]),
    );
    let detail = app.execute(
        "const d = document.getElementById('detail-dialog');
         return {
           name: d.querySelector('#detail-name').textContent,
           issuer: d.querySelector('.detail-issuer').textContent,
           hrefs: [...d.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
           criteria: d.querySelector('[data-link=criteria_url]').textContent,
           raw: d.querySelector('.raw-text').textContent,
           images: d.querySelectorAll('img:not(.detail-image)').length,
         };",
        json!([]),
    );
    assert_eq!(detail["name"], HOSTILE_NAME);
    assert_eq!(detail["issuer"], "<b>Evil</b> Issuer");
    assert_eq!(detail["criteria"], "javascript:alert(2)");
    assert!(
        detail["hrefs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h.as_str().unwrap().starts_with("https://")),
        "{detail}"
    );
    assert!(detail["raw"].as_str().unwrap().contains("onerror=alert(1)"));
    assert_eq!(detail["images"], 0);
    app.screenshot("03-detail-hostile");
    app.click(".detail-close");

    let good_card = format!(".card[data-badge-id='{}']", badge_id(&app, GOOD_NAMES[0]));
    app.click(&good_card);
    app.wait_for(
        "the good badge's detail",
        "return document.getElementById('detail-dialog').open && document.getElementById('detail-name').textContent === arguments[0];",
        json!([GOOD_NAMES[0]]),
    );
    app.screenshot("04-detail");
    app.click(".detail-close");

    // Search narrows the grid.
    app.type_into("#search", "bread");
    app.wait_for(
        "one match",
        "return document.querySelectorAll('.card').length === 1;",
        json!([]),
    );
    assert_eq!(card_names(&app), vec![GOOD_NAMES[1].to_owned()]);
    app.execute("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));", json!([]));

    // Settings: identities and the wallet location.
    app.click(".tab[data-view=settings]");
    app.type_into("#identity-value", support::LEARNER);
    app.click("#identity-form button[type=submit]");
    app.wait_for(
        "the identity listed",
        "return [...document.querySelectorAll('.identity-value')].some((e) => e.textContent === arguments[0]);",
        json!([support::LEARNER]),
    );
    let path = app.execute(
        "return document.getElementById('wallet-path').textContent;",
        json!([]),
    );
    assert_eq!(path, wallet.display().to_string());
    app.screenshot("05-settings");

    // The wallet tools: the Mozilla import asks about emails first, unticked,
    // and the real window allows the new commands.
    app.click("#tool-migrate");
    app.wait_for(
        "the Mozilla dialog, emails not added unless ticked",
        "return document.getElementById('migrate-dialog').open && !document.getElementById('migrate-add-identities').checked;",
        json!([]),
    );
    app.screenshot("05b-mozilla-import");
    app.click("#migrate-cancel");

    // Connected backpacks: browser sign-ins ask for no password; a Badgr
    // sign-in that cannot go through is a sentence, and the password field
    // never keeps what was typed.
    app.wait_for(
        "no backpacks yet",
        "return !document.getElementById('backpack-empty').hidden;",
        json!([]),
    );
    app.execute(
        "const k = document.getElementById('backpack-kind'); k.value = 'ob3'; k.dispatchEvent(new Event('change'));",
        json!([]),
    );
    let hidden = app.execute(
        "return [...document.querySelectorAll('#backpack-form [data-badgr-only]')].map((e) => e.hidden);",
        json!([]),
    );
    // Username, password and the OAuth client id are Badgr's alone.
    assert_eq!(hidden, json!([true, true, true]));
    app.execute(
        "const k = document.getElementById('backpack-kind'); k.value = 'badgr'; k.dispatchEvent(new Event('change'));",
        json!([]),
    );
    app.type_into("#backpack-name", "school");
    // Nothing listens on port 9 (discard) of this machine.
    app.type_into("#backpack-url", "http://127.0.0.1:9");
    app.type_into("#backpack-username", support::LEARNER);
    app.type_into("#backpack-password", "secret");
    app.click("#backpack-connect");
    let said = app.wait_for(
        "the failed sign-in explained",
        "const e = document.getElementById('backpack-error'); return !e.hidden && e.textContent;",
        json!([]),
    );
    assert!(said.as_str().is_some_and(|s| s.len() > 20), "{said}");
    let password = app.execute(
        "return document.getElementById('backpack-password').value;",
        json!([]),
    );
    assert_eq!(password, "");
    assert_eq!(app.invoke("list_backpacks", json!({})), json!([]));
    app.screenshot("05c-backpacks");

    let backup = home.path().join("backup.sqlite3");
    let backed_up = app.invoke("backup_wallet", json!({ "path": backup }));
    assert_eq!(backed_up, 4);
    assert!(backup.is_file());

    // The smallest supported window still shows the grid.
    app.click(".tab[data-view=backpack]");
    app.set_rect(0, 0, 800, 600);
    app.wait_for(
        "cards at 800×600",
        "return document.querySelectorAll('.card').length === 4;",
        json!([]),
    );
    app.screenshot("06-grid-800x600");
}

/// The text of the state chip on badge `id`'s card.
fn card_state(app: &Session, id: i64) -> Value {
    app.execute(
        "const c = document.querySelector(`.card[data-badge-id='${arguments[0]}'] .card-state`);
         return c && c.textContent;",
        json!([id]),
    )
}

#[test]
fn collections_share_and_verify_in_the_window() {
    if !runnable("collections_share_and_verify_in_the_window") {
        return;
    }
    let issuer = support::loopback_issuer();
    let assertion_url = issuer.url("/assertions/0.json");

    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    let mut inputs = support::write_fixtures(&home.path().join("fixtures"));
    inputs.push(assertion_url.clone().into());
    let app = Session::start_with(
        APP,
        &wallet,
        home.path(),
        &[("SATCHEL_ALLOW_PRIVATE_NETWORK", "1")],
    );
    sized_and_painted(&app);
    app.invoke("add_identity", json!({ "value": support::LEARNER }));
    import_like_a_drop(&app, &inputs);
    app.wait_for(
        "five cards",
        "return document.querySelectorAll('.card').length === 5;",
        json!([]),
    );
    let rust = badge_id(&app, "Rust Basics");
    let knot = badge_id(&app, GOOD_NAMES[0]);

    // Create a collection from the sidebar.
    app.type_into("#new-collection-name", "Portfolio");
    app.click("#new-collection-form button[type=submit]");
    app.wait_for(
        "the new collection listed",
        "return [...document.querySelectorAll('.collection-name')].some((e) => e.textContent === 'Portfolio');",
        json!([]),
    );

    // Drag a card onto it (HTML drag events, as the pointer makes them)…
    let dragged = app.execute(
        "const card = document.querySelector(`.card[data-badge-id='${arguments[0]}']`);
         const target = document.querySelector('.collection:not(.all-badges) .collection-name');
         const dt = new DataTransfer();
         const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
         fire(card, 'dragstart');
         const accepted = !fire(target, 'dragover');
         fire(target, 'drop');
         fire(card, 'dragend');
         return accepted;",
        json!([rust]),
    );
    assert_eq!(dragged, true, "the collection accepts a dragged badge");
    app.wait_for(
        "one badge in the collection",
        "return document.querySelector('.collection:not(.all-badges) .collection-count').textContent === '1';",
        json!([]),
    );
    // …and add another through the card's menu, the keyboard path.
    app.click(&format!(
        ".card[data-badge-id='{knot}'] ~ .card-menu-button"
    ));
    app.wait_for(
        "the card menu",
        "return !document.getElementById('card-menu').hidden;",
        json!([]),
    );
    app.screenshot("07-card-menu");
    let clicked = app.execute(
        "const item = [...document.querySelectorAll('#card-menu .menu-item')].find((b) => b.textContent === 'Portfolio');
         item.click(); return true;",
        json!([]),
    );
    assert_eq!(clicked, true);
    app.wait_for(
        "two badges in the collection",
        "return document.querySelector('.collection:not(.all-badges) .collection-count').textContent === '2';",
        json!([]),
    );

    // Mark it public.
    app.click(".collection:not(.all-badges) .collection-public");
    app.wait_for(
        "the collection public",
        "return document.querySelector('.collection:not(.all-badges) .switch-text').textContent === 'Public';",
        json!([]),
    );
    let listed = app.invoke("list_collections", json!({}));
    assert_eq!(listed[0]["public"], true);
    let collection = listed[0]["id"].as_i64().unwrap();

    // Filter the grid by it; reorder with "Move later".
    app.click(".collection:not(.all-badges) .collection-select");
    app.wait_for(
        "only the collection's badges",
        "return document.querySelectorAll('.card').length === 2;",
        json!([]),
    );
    app.click(&format!(
        ".card[data-badge-id='{rust}'] ~ .card-menu-button"
    ));
    let moved = app.execute(
        "const item = [...document.querySelectorAll('#card-menu .menu-item')].find((b) => b.textContent === 'Move later');
         if (!item) return false; item.click(); return true;",
        json!([]),
    );
    assert_eq!(moved, true, "the first badge can move later");
    app.wait_for(
        "the new order in the grid",
        "const ids = [...document.querySelectorAll('.card')].sort((a, b) => a.parentElement.dataset.index - b.parentElement.dataset.index).map((c) => Number(c.dataset.badgeId));
         return ids[0] === arguments[0] && ids[1] === arguments[1];",
        json!([knot, rust]),
    );
    let contents = app.invoke("collection_contents", json!({ "id": collection }));
    let order: Vec<i64> = contents["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![knot, rust]);
    app.screenshot("08-collection");

    // The detail view: LinkedIn links with the badge's fields.
    app.click(&format!(".card[data-badge-id='{rust}']"));
    app.wait_for(
        "the share links",
        "return document.getElementById('detail-dialog').open && document.querySelector('#detail-dialog .share-profile[href]');",
        json!([]),
    );
    let href = app.execute(
        "return document.querySelector('#detail-dialog .share-profile').getAttribute('href');",
        json!([]),
    );
    let href = href.as_str().unwrap();
    assert!(
        href.starts_with("https://www.linkedin.com/profile/add?"),
        "{href}"
    );
    let fields = query_fields(href);
    assert_eq!(fields["name"], "Rust Basics");
    assert_eq!(fields["organizationName"], "Loopback Academy");
    assert_eq!(fields["issueYear"], "2024");
    assert_eq!(fields["issueMonth"], "3");
    assert_eq!(fields["certUrl"], assertion_url);
    let post = app.execute(
        "return document.querySelector('#detail-dialog .share-post').getAttribute('href');",
        json!([]),
    );
    assert_eq!(
        query_fields(post.as_str().unwrap())["url"],
        assertion_url,
        "{post}"
    );

    // Verify from the detail view: the state changes and the history grows.
    app.click("#detail-dialog .detail-verify");
    app.wait_for(
        "the badge verified",
        "return document.querySelector('#detail-dialog [data-field=state]').textContent === 'Verified'
            && document.querySelectorAll('#detail-dialog .check').length === 1;",
        json!([]),
    );
    app.screenshot("09-detail-verified");
    app.click(".detail-close");
    app.wait_for(
        "the card says verified",
        "const c = document.querySelector(`.card[data-badge-id='${arguments[0]}'] .card-state`); return c && c.textContent === 'Verified';",
        json!([rust]),
    );

    // The issuer withdraws it; "Verify all" shows the new state on the card.
    issuer.route("/assertions/0.json", Route::Status(410));
    app.click(".collection.all-badges .collection-select");
    app.click("#verify-all");
    app.wait_for(
        "the card says revoked",
        "const c = document.querySelector(`.card[data-badge-id='${arguments[0]}'] .card-state`); return c && c.textContent === 'Revoked';",
        json!([rust]),
    );
    assert_eq!(card_state(&app, rust), "Revoked");
    let history = app.invoke("badge_checks", json!({ "id": rust }));
    assert_eq!(history.as_array().unwrap().len(), 2);
    app.screenshot("10-grid-after-verify");

    // The hostile badge still shows as text in the sidebar's world too.
    let hostile = badge_id(&app, HOSTILE_NAME);
    app.click(&format!(".card[data-badge-id='{hostile}']"));
    app.wait_for(
        "the hostile detail",
        "return document.getElementById('detail-dialog').open && document.getElementById('detail-name').textContent === arguments[0];",
        json!([HOSTILE_NAME]),
    );
    let injected = app.execute(
        "return document.querySelectorAll('#detail-dialog img:not(.detail-image), [onerror], script:not([src])').length;",
        json!([]),
    );
    assert_eq!(injected, 0);
}

/// The query of `url` as decoded fields (`+` and `%XX` undone).
fn query_fields(url: &str) -> std::collections::HashMap<String, String> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let (bytes, mut out, mut i) = (s.as_bytes(), Vec::new(), 0);
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex escape"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    };
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The id of the listed badge called `name`.
fn badge_id(app: &Session, name: &str) -> i64 {
    let script = "const done = arguments[arguments.length - 1];
        window.__TAURI__.core.invoke('list_badges').then((list) => done(list.find((b) => b.name === arguments[0]).id));";
    app.execute_async(script, json!([name]))
        .as_i64()
        .expect("badge id")
}

/// Gives the window the size the tests' layouts assume and waits for its
/// first painted page.
fn sized_and_painted(app: &Session) {
    app.set_rect(0, 0, 1100, 760);
    app.wait_for(
        "first paint",
        "return document.body.dataset.firstPaint;",
        json!([]),
    );
}

/// A private home with a wallet path (not created yet) and a folder of
/// `count` baked badges in it.
fn home_with_many(count: usize) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    let files = support::write_many(&home.path().join("many"), count);
    (home, wallet, files)
}

/// Cards scrolled out of view are refilled with the badges scrolling in:
/// throughout a fling and back, every card shown names, numbers and asks
/// for the picture of its own badge, and End / Home take the keyboard focus
/// to the last and the first badge.
#[test]
fn refilled_cards_show_their_own_badge() {
    if !runnable("refilled_cards_show_their_own_badge") {
        return;
    }
    const COUNT: usize = 300;
    let (home, wallet, files) = home_with_many(COUNT);
    let app = Session::start(APP, &wallet, home.path());
    sized_and_painted(&app);
    import_like_a_drop(&app, &[files]);
    app.wait_for(
        "the imported badges counted",
        "return document.getElementById('badge-count').textContent === '300 badges';",
        json!([]),
    );
    let flung = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI__.core.invoke('list_badges').then((list) => {
           const s = document.getElementById('badge-grid');
           const wrong = [];
           let checked = 0;
           const check = () => {
             for (const slot of s.querySelectorAll('.card-slot')) {
               const index = Number(slot.dataset.index);
               const b = list[index];
               const img = slot.querySelector('.card-image');
               checked++;
               if (slot.querySelector('.card-name').textContent !== b.name
                   || slot.querySelector('.card').dataset.badgeId !== String(b.id)
                   || slot.getAttribute('aria-posinset') !== String(index + 1)
                   || (img && !img.src.endsWith('/' + b.id))) {
                 wrong.push([index, slot.querySelector('.card-name').textContent]);
               }
             }
           };
           let frame = 0;
           const tick = () => {
             check();
             frame++;
             if (frame < 45) s.scrollTop += 600;
             else if (frame < 90) s.scrollTop -= 900;
             else return done({ wrong, checked, top: s.scrollTop });
             requestAnimationFrame(tick);
           };
           requestAnimationFrame(tick);
         }, (e) => done({ error: String(e) }));",
        json!([]),
    );
    assert_eq!(flung["wrong"], json!([]), "{flung}");
    assert_eq!(flung["top"], 0, "{flung}");
    assert!(flung["checked"].as_u64().unwrap() > 1000, "{flung}");

    let focused = |what: &str| {
        app.wait_for(
            what,
            "const slot = document.activeElement?.closest('.card-slot');
             return slot && [Number(slot.dataset.index), slot.querySelector('.card-name').textContent];",
            json!([]),
        )
    };
    let list = app.invoke("list_badges", json!({}));
    let (first, last) = (&list[0]["name"], &list[COUNT - 1]["name"]);
    app.execute(
        "document.querySelector(\"[data-index='0'] .card\").focus();",
        json!([]),
    );
    assert_eq!(focused("the first card focused"), json!([0, first]));
    app.press(&[webdriver::keys::END]);
    app.wait_for(
        "the last card focused",
        "return document.activeElement?.closest('.card-slot')?.dataset.index === '299';",
        json!([]),
    );
    assert_eq!(focused("the last card"), json!([COUNT - 1, last]));
    app.press(&[webdriver::keys::HOME]);
    app.wait_for(
        "the first card focused again",
        "return document.activeElement?.closest('.card-slot')?.dataset.index === '0';",
        json!([]),
    );
    assert_eq!(focused("the first card"), json!([0, first]));
}

/// Cold start to the first painted grid, memory and scrolling with a
/// 10,000-badge wallet. Run it on a quiet machine, in release:
/// `xvfb-run -a cargo test -p satchel-desktop --release --test e2e -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check; see the README"]
fn measure_a_10k_badge_wallet() {
    if !runnable("measure_a_10k_badge_wallet") {
        return;
    }
    const COUNT: usize = 10_000;
    let (home, wallet_path, files) = home_with_many(COUNT);
    let mut wallet = satchel::wallet::Wallet::open(&wallet_path).unwrap();
    let fetcher = satchel::http::Fetcher::new(satchel::http::HttpPolicy::default());
    let inputs = [files.display().to_string()];
    let intake = tauri::async_runtime::block_on(satchel::intake::take(
        &mut wallet,
        &fetcher,
        &inputs,
        satchel::intake::Options::default(),
        chrono::Utc::now(),
        &mut |_| {},
    ));
    assert_eq!(intake.results.len(), COUNT);
    drop(wallet);

    let app = Session::start_as_shipped(APP, &wallet_path, home.path());
    app.wait_for(
        "the first painted grid",
        "return document.body.dataset.firstPaint && document.querySelectorAll('.card').length > 0;",
        json!([]),
    );
    let wall = app.started.elapsed();
    let in_page = app.execute(
        "return Number(document.body.dataset.firstPaint);",
        json!([]),
    );
    let nodes = app.execute(
        "return { cards: document.querySelectorAll('.card').length, all: document.getElementsByTagName('*').length };",
        json!([]),
    );
    assert!(
        nodes["cards"].as_u64().unwrap() < 200,
        "the grid is virtualized: {nodes}"
    );
    // Where the time before the first painted grid went, by the page's own
    // marks (WebKit keeps no resource timings for the app's own schemes).
    let timeline = app.execute(
        "const ms = (t) => Math.round(t);
         return {
           dom_content_loaded: ms(performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? -1),
           paint: performance.getEntriesByType('paint').map((p) => [p.name, ms(p.startTime)]),
           marks: performance.getEntriesByType('mark').map((m) => [m.name, ms(m.startTime)]),
         };",
        json!([]),
    );
    // Frame gaps while the grid sits still, while it scrolls like a mouse
    // wheel (100 px a frame) and like a fling (600 px a frame). Each run also
    // counts the elements added to the grid per frame: work besides painting.
    let frames = |step: u32| {
        app.execute_async(
            "const done = arguments[arguments.length - 1]; const step = arguments[0];
             const s = document.getElementById('badge-grid');
             let added = 0;
             const watch = new MutationObserver((list) => {
               for (const m of list) {
                 for (const n of m.addedNodes) {
                   if (n.nodeType === 1) added += 1 + n.getElementsByTagName('*').length;
                 }
               }
             });
             watch.observe(s, { childList: true, subtree: true });
             const gaps = []; let last = performance.now(); const end = last + 5000;
             function tick(now) {
               try {
                 gaps.push(now - last); last = now; s.scrollTop += step;
                 if (gaps.length < 60 && now < end) { requestAnimationFrame(tick); return; }
                 watch.disconnect();
                 gaps.shift();
                 gaps.sort((a, b) => a - b);
                 const at = (q) => Math.round(gaps[Math.floor(q * (gaps.length - 1))]);
                 done({ frames: gaps.length, median: at(0.5), p95: at(0.95), max: at(1),
                        cards: document.querySelectorAll('.card').length,
                        elements_added_per_frame: Math.round(added / gaps.length) });
               } catch (e) { done({ error: String(e) }); }
             }
             requestAnimationFrame(tick);",
            json!([step]),
        )
    };
    let still = frames(0);
    let wheel = frames(100);
    let fling = frames(600);
    let memory = app_memory_kib();
    println!("10k-badge wallet:");
    // The app paints without compositing when there is no GPU (README).
    use satchel_desktop::painting;
    let chosen = |name: &str| std::env::var_os(name);
    let compositing = if std::env::var_os(painting::DISABLE_COMPOSITING).is_some() {
        "off (WEBKIT_DISABLE_COMPOSITING_MODE is set)"
    } else if painting::without_compositing(std::path::Path::new(painting::DRI_DIR), chosen) {
        "off (no GPU render node, the app's own choice)"
    } else {
        "on"
    };
    println!("  WebKit compositing: {compositing}");
    println!(
        "  session start to first painted grid: {} ms (wall clock, includes the WebDriver session)",
        wall.as_millis()
    );
    println!("  page start to first painted grid:    {in_page} ms (performance.now())");
    println!("  DOM after first paint: {nodes}");
    println!("  page timeline in ms: {timeline}");
    println!("  frame gaps in ms, still:            {still}");
    println!("  frame gaps in ms, 100 px a frame:   {wheel}");
    println!("  frame gaps in ms, 600 px a frame:   {fling}");
    for (name, kib) in &memory {
        println!("  resident memory {name}: {} MiB", kib / 1024);
    }
    println!(
        "  resident memory total: {} MiB",
        memory.iter().map(|(_, k)| k).sum::<u64>() / 1024
    );
}

/// Resident memory of the app and its WebKit helper processes, in KiB.
fn app_memory_kib() -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_owned())
        };
        let name = field("Name:").unwrap_or_default();
        let ours = name.starts_with("satchel-deskto")
            || name.starts_with("WebKitWebProces")
            || name.starts_with("WebKitNetworkPr");
        if ours {
            let kib = field("VmRSS:").and_then(|v| v.split_whitespace().next()?.parse().ok());
            out.push((name, kib.unwrap_or(0)));
        }
    }
    out
}
