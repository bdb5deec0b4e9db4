//! End-to-end tests of how the window feels (issue 13): the keyboard alone
//! through the main flows with visible focus, real keys reaching the menu
//! bar's accelerators, WCAG AA contrast of the text and status colours in
//! the light and the dark theme, names for screen readers, the layout at
//! 800×600 and at 200% scaling, the window remembering its size, position
//! and view, and a badge that cannot be checked shown in neutral words. Screenshots of
//! each main view in both themes land in `target/e2e-screenshots/`.
//!
//! The dark theme is the real path: the app runs with
//! `GTK_THEME=Adwaita:dark`, WebKitGTK reports `prefers-color-scheme: dark`
//! to the page, and the tests check that it did.

use satchel_test_support::desktop as support;
use satchel_test_support::webdriver::{Session, keys, runnable};

use serde_json::{Value, json};

/// The display for `test`, held alone, or `None` when the test cannot run
/// here (and says why). These tests share one display and press real keys:
/// holding it alone, a key never lands in another test's window.
fn alone(test: &str) -> Option<std::sync::MutexGuard<'static, ()>> {
    static SCREEN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    runnable(test).then(|| {
        SCREEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    })
}

/// The window under test.
const APP: &str = env!("CARGO_BIN_EXE_satchel-desktop");

/// A session on a wallet holding the fixtures and the empty `collections`
/// (the learner's identity not added).
fn with_badges(home: &std::path::Path, env: &[(&str, &str)], collections: &[&str]) -> Session {
    let wallet = home.join("wallet.sqlite3");
    let fixtures = support::write_fixtures(&home.join("fixtures"));
    let app = Session::start_with(APP, &wallet, home, env);
    app.set_rect(0, 0, 1100, 760);
    first_paint(&app);
    for name in collections {
        app.invoke("create_collection", json!({ "name": name }));
    }
    // The import announces a changed wallet: the window reads it all again.
    app.invoke("import_paths", json!({ "paths": fixtures }));
    app.wait_for(
        "four cards",
        "return document.querySelectorAll('.card').length === 4;",
        json!([]),
    );
    app
}

fn first_paint(app: &Session) {
    app.wait_for(
        "first paint",
        "return document.body.dataset.firstPaint;",
        json!([]),
    );
}

/// What has the keyboard focus, and whether a focus ring (an outline of at
/// least 2 px, as `:focus-visible` draws it) shows on it.
fn focused(app: &Session) -> Value {
    app.execute(
        "const e = document.activeElement; const s = getComputedStyle(e);
         const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
         return { tag: e.tagName, id: e.id, cls: e.className, text: (e.textContent || '').trim().slice(0, 60),
                  label: e.getAttribute('aria-label') || '', ring };",
        json!([]),
    )
}

/// Presses Tab (Shift+Tab when `back`) until `css` has the focus, checking
/// that every control it passes shows a focus ring; panics after 40 steps.
fn tab_to(app: &Session, css: &str, back: bool) {
    for _ in 0..40 {
        if back {
            app.press(&[keys::SHIFT, keys::TAB]);
        } else {
            app.press(&[keys::TAB]);
        }
        let now = focused(app);
        assert_eq!(now["ring"], true, "no visible focus on {now}");
        let there = app.execute(
            "return document.activeElement.matches(arguments[0]);",
            json!([css]),
        );
        if there == true {
            return;
        }
    }
    panic!("Tab never reached {css}");
}

/// Presses Arrow Down in the open card menu until the item `label` has the focus, then Enter.
fn choose_in_menu(app: &Session, label: &str) {
    app.wait_for(
        "the card menu",
        "return !document.getElementById('card-menu').hidden;",
        json!([]),
    );
    for _ in 0..20 {
        let at = app.execute("return document.activeElement.textContent;", json!([]));
        if at == label {
            app.press(&[keys::ENTER]);
            return;
        }
        app.press(&[keys::ARROW_DOWN]);
    }
    panic!("no menu item {label}");
}

/// The WCAG contrast ratio of the main text, muted text, links, buttons and
/// every status chip against what is behind them, as the page computes its
/// colours.
fn contrast(app: &Session) -> Value {
    app.execute(
        "const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return { v: m.slice(0, 3), a: m.length > 3 ? m[3] : 1 }; };
         const lum = (v) => { const l = v.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                              return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
         // The colour behind an element: the first opaque background up its ancestors.
         const behind = (e) => { for (let n = e; n; n = n.parentElement) { const b = rgb(getComputedStyle(n).backgroundColor); if (b.a > 0.5) return b.v; } return [255, 255, 255]; };
         const ratio = (e) => { const a = lum(rgb(getComputedStyle(e).color).v), b = lum(behind(e));
                                return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
         // A sample of `tag.cls` (with data-state `state`) placed in the sidebar.
         const probe = (tag, cls, state) => { const e = document.createElement(tag); e.className = cls; if (state) e.dataset.state = state;
                                              if (tag === 'a') e.href = 'https://example.org/';
                                              e.textContent = 'Aa'; document.querySelector('.sidebar').append(e); const r = ratio(e); e.remove(); return r; };
         const out = {};
         out.text = ratio(document.body);
         for (const [what, tag, cls] of [['muted', 'span', 'muted'], ['hint', 'p', 'hint'], ['link', 'a', ''], ['error', 'p', 'error'],
                                         ['button', 'button', ''], ['primary button', 'button', 'primary'], ['danger button', 'button', 'danger'],
                                         ['tab', 'button', 'tab'], ['small button', 'button', 'icon-button'], ['link button', 'a', 'button-link']])
           out[what] = probe(tag, cls, null);
         for (const s of ['unchecked', 'awaiting', 'expired', 'valid', 'revoked', 'suspended', 'not_yet_valid', 'recipient_mismatch', 'bad_signature',
                          'unreachable', 'unsupported', 'invalid', 'malformed', 'imported', 'duplicate', 'error', 'pushed', 'already_there'])
           out['chip ' + s] = probe('span', 'chip', s);
         out.dark = matchMedia('(prefers-color-scheme: dark)').matches;
         return out;",
        json!([]),
    )
}

fn assert_contrast(app: &Session, theme: &str) {
    let ratios = contrast(app);
    eprintln!("contrast ratios, {theme} theme: {ratios}");
    for (what, ratio) in ratios.as_object().unwrap() {
        if let Some(r) = ratio.as_f64() {
            assert!(
                r >= 4.5,
                "{theme} theme: {what} has contrast {r:.2}, under WCAG AA's 4.5: {ratios}"
            );
        }
    }
}

/// The visible controls with no name a screen reader could say.
fn unnamed_controls(app: &Session) -> Value {
    app.execute(
        "const text = (id) => document.getElementById(id)?.textContent || '';
         const name = (e) => (e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '').split(' ').map(text).join('')
                              || [...(e.labels || [])].map((l) => l.textContent).join('') || e.textContent || e.title || '').trim();
         return [...document.querySelectorAll('button, input, select, textarea, a[href], [role=menuitem], img')]
           .filter((e) => e.getClientRects().length > 0)
           .filter((e) => (e.tagName === 'IMG' ? !e.hasAttribute('alt') : !name(e)))
           .map((e) => e.outerHTML.slice(0, 120));",
        json!([]),
    )
}

/// Screenshots of the grid, a badge's detail, a collection and the
/// settings; each view's controls have names for screen readers.
fn screenshots(app: &Session, theme: &str) {
    let named = |view: &str| assert_eq!(unnamed_controls(app), json!([]), "{view}");
    named("grid");
    app.screenshot(&format!("20-{theme}-grid"));
    app.click(".card");
    app.wait_for(
        "the detail dialog",
        "return document.getElementById('detail-dialog').open;",
        json!([]),
    );
    named("detail");
    app.screenshot(&format!("21-{theme}-detail"));
    app.press(&[keys::ESCAPE]);
    app.click(".card-menu-button");
    app.click("#card-menu .menu-item:last-child");
    app.wait_for(
        "a badge in the collection",
        "return document.querySelector('.collection:not(.all-badges) .collection-count').textContent === '1';",
        json!([]),
    );
    app.click(".collection:not(.all-badges) .collection-select");
    app.wait_for(
        "the collection's badge",
        "return document.querySelectorAll('.card').length === 1;",
        json!([]),
    );
    named("collection");
    app.screenshot(&format!("22-{theme}-collection"));
    app.click(".tab[data-view=settings]");
    app.wait_for(
        "the settings",
        "return document.getElementById('wallet-path').textContent;",
        json!([]),
    );
    named("settings");
    app.screenshot(&format!("23-{theme}-settings"));
}

#[test]
fn the_light_theme_reads_at_wcag_aa_and_is_photographed() {
    let Some(_screen) = alone("the_light_theme_reads_at_wcag_aa_and_is_photographed") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let app = with_badges(home.path(), &[("GTK_THEME", "Adwaita")], &["Portfolio"]);
    assert_eq!(contrast(&app)["dark"], false);
    assert_contrast(&app, "light");
    screenshots(&app, "light");
}

#[test]
fn the_dark_theme_follows_the_system_and_reads_at_wcag_aa() {
    let Some(_screen) = alone("the_dark_theme_follows_the_system_and_reads_at_wcag_aa") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let app = with_badges(
        home.path(),
        &[("GTK_THEME", "Adwaita:dark")],
        &["Portfolio"],
    );
    assert_eq!(
        contrast(&app)["dark"],
        true,
        "GTK_THEME=Adwaita:dark reaches the page as prefers-color-scheme: dark"
    );
    let background = app.execute(
        "return getComputedStyle(document.body).backgroundColor;",
        json!([]),
    );
    assert_ne!(
        background, "rgb(244, 246, 248)",
        "the dark palette is in use"
    );
    assert_contrast(&app, "dark");
    screenshots(&app, "dark");
}

#[test]
fn the_keyboard_alone_walks_the_main_flows_with_visible_focus() {
    let Some(_screen) = alone("the_keyboard_alone_walks_the_main_flows_with_visible_focus") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let app = with_badges(home.path(), &[], &[]);

    // A new collection: Ctrl+N, its name, Enter.
    app.press(&[keys::CONTROL, "n"]);
    let at = focused(&app);
    assert_eq!(at["id"], "new-collection-name", "{at}");
    app.type_keys("Portfolio");
    app.press(&[keys::ENTER]);
    app.wait_for(
        "the new collection",
        "return [...document.querySelectorAll('.collection-name')].some((e) => e.textContent === 'Portfolio');",
        json!([]),
    );

    // Find (Ctrl+F), then Tab on to the grid; arrows move between cards.
    app.press(&[keys::CONTROL, "f"]);
    assert_eq!(focused(&app)["id"], "search");
    tab_to(&app, ".card", false);
    let first = focused(&app)["text"].clone();
    app.press(&[keys::ARROW_RIGHT]);
    let second = focused(&app);
    assert_ne!(second["text"], first, "the arrow moved to the next card");
    assert_eq!(second["ring"], true, "{second}");

    // Open its detail with Enter, verify it, close it with Escape.
    app.press(&[keys::ENTER]);
    app.wait_for(
        "the detail dialog",
        "return document.getElementById('detail-dialog').open;",
        json!([]),
    );
    tab_to(&app, ".detail-verify", false);
    app.press(&[keys::SPACE]);
    app.wait_for(
        "one check in the history",
        "return document.querySelectorAll('#detail-dialog .check').length === 1;",
        json!([]),
    );
    app.press(&[keys::ESCAPE]);
    app.wait_for(
        "the detail closed and the card focused again",
        "return !document.getElementById('detail-dialog').open && document.activeElement.matches('.card');",
        json!([]),
    );

    // Add this card and the first to the collection through the card menu (Shift+F10).
    app.press(&[keys::SHIFT, keys::F10]);
    choose_in_menu(&app, "Portfolio");
    app.wait_for(
        "one badge in the collection",
        "return document.querySelector('.collection:not(.all-badges) .collection-count').textContent === '1';",
        json!([]),
    );
    app.press(&[keys::ARROW_LEFT]);
    app.press(&[keys::SHIFT, keys::F10]);
    choose_in_menu(&app, "Portfolio");
    app.wait_for(
        "two badges in the collection",
        "return document.querySelector('.collection:not(.all-badges) .collection-count').textContent === '2';",
        json!([]),
    );

    // Back to the sidebar with Shift+Tab, open the collection, reorder it.
    tab_to(
        &app,
        ".collection:not(.all-badges) .collection-select",
        true,
    );
    app.press(&[keys::ENTER]);
    app.wait_for(
        "the collection's two badges",
        "return document.querySelectorAll('.card').length === 2;",
        json!([]),
    );
    let order = "return [...document.querySelectorAll('.card')].sort((a, b) => a.parentElement.dataset.index - b.parentElement.dataset.index).map((c) => c.dataset.badgeId).join();";
    let before = app.execute(order, json!([]));
    tab_to(&app, ".card", false);
    app.press(&[keys::SHIFT, keys::F10]);
    choose_in_menu(&app, "Move later");
    app.wait_for(
        "the order reversed",
        "const ids = [...document.querySelectorAll('.card')].sort((a, b) => a.parentElement.dataset.index - b.parentElement.dataset.index).map((c) => c.dataset.badgeId);
         return ids.reverse().join() === arguments[0];",
        json!([before]),
    );

    // Settings (Ctrl+,): add an identity by Tab, typing and Enter.
    app.press(&[keys::CONTROL, ","]);
    app.wait_for(
        "the settings",
        "return !document.getElementById('settings-view').hidden;",
        json!([]),
    );
    tab_to(&app, "#identity-value", false);
    app.type_keys(support::LEARNER);
    app.press(&[keys::ENTER]);
    app.wait_for(
        "the identity listed",
        "return [...document.querySelectorAll('.identity-value')].some((e) => e.textContent === arguments[0]);",
        json!([support::LEARNER]),
    );

    // The shortcuts dialog (F1) lists every menu action; Escape closes it.
    app.press(&[keys::F1]);
    app.wait_for(
        "the shortcuts dialog",
        "return document.getElementById('shortcuts-dialog').open;",
        json!([]),
    );
    let listed = app.execute(
        "return [...document.querySelectorAll('#shortcuts-dialog kbd')].map((k) => k.textContent);",
        json!([]),
    );
    for action in satchel_desktop::menu::MENUS.iter().flat_map(|(_, a)| *a) {
        assert!(
            listed.as_array().unwrap().iter().any(|k| k == action.keys),
            "{} ({}) not listed: {listed}",
            action.id,
            action.keys
        );
    }
    assert_eq!(focused(&app)["ring"], true);
    app.screenshot("24-shortcuts");
    app.press(&[keys::ESCAPE]);
    app.wait_for(
        "the shortcuts dialog closed",
        "return !document.getElementById('shortcuts-dialog').open;",
        json!([]),
    );
    // A wallet tool from its shortcut: the Mozilla import asks first; Escape.
    app.press(&[keys::CONTROL, keys::SHIFT, "m"]);
    app.wait_for(
        "the Mozilla import dialog",
        "return document.getElementById('migrate-dialog').open;",
        json!([]),
    );
    app.press(&[keys::ESCAPE]);
    app.wait_for(
        "the Mozilla import dialog closed",
        "return !document.getElementById('migrate-dialog').open;",
        json!([]),
    );
    // Ctrl+1 goes back to the badges.
    app.press(&[keys::CONTROL, "1"]);
    app.wait_for(
        "the backpack",
        "return !document.getElementById('backpack-view').hidden;",
        json!([]),
    );
}

/// Every visible control of the shown view inside the window, and each
/// collection's controls inside the sidebar; the list of what is cut.
fn cut_controls(app: &Session) -> Value {
    app.execute(
        "const cut = [];
         const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
         const name = (e) => e.id || e.getAttribute('aria-label') || e.className || e.tagName;
         for (const e of document.querySelectorAll('header button, .filters input, .filters select, .sidebar button, .sidebar input, .settings-view button')) {
           const r = e.getBoundingClientRect();
           if (r.width === 0 || e.closest('[hidden]')) continue;
           if (r.left < 0 || r.right > vw + 0.5 || r.top < 0 || r.bottom > vh + 0.5) cut.push(['outside the window', name(e), [r.left, r.top, r.right, r.bottom], [vw, vh]]);
         }
         const side = document.querySelector('.sidebar');
         if (side.scrollWidth > side.clientWidth) cut.push(['the sidebar scrolls sideways', side.scrollWidth, side.clientWidth]);
         const box = side.getBoundingClientRect();
         for (const e of document.querySelectorAll('.collection-tools *')) {
           const r = e.getBoundingClientRect();
           if (r.width === 0) continue;
           if (r.left < box.left || r.right > box.right - 1) cut.push(['cut by the sidebar', name(e), [r.left, r.right], [box.left, box.right]]);
         }
         if (document.documentElement.scrollWidth > vw) cut.push(['the page scrolls sideways']);
         return cut;",
        json!([]),
    )
}

#[test]
fn the_layout_holds_at_800x600_and_at_200_percent() {
    let Some(_screen) = alone("the_layout_holds_at_800x600_and_at_200_percent") else {
        return;
    };
    for scale in ["1", "2"] {
        let home = tempfile::tempdir().unwrap();
        let names = ["Portfolio", "A collection with a rather long name indeed"];
        let app = with_badges(home.path(), &[("GDK_SCALE", scale)], &names);
        app.wait_for(
            "two collections",
            "return document.querySelectorAll('.collection:not(.all-badges)').length === 2;",
            json!([]),
        );
        app.set_rect(0, 0, 800, 600);
        let ratio = app.wait_for(
            "the window at 800×600",
            "return innerWidth <= 800 && innerHeight <= 600 && devicePixelRatio;",
            json!([]),
        );
        assert_eq!(
            ratio.as_f64(),
            Some(scale.parse::<f64>().unwrap()),
            "scaled by GDK_SCALE"
        );
        assert_eq!(cut_controls(&app), json!([]), "backpack at scale {scale}");
        app.screenshot(&format!("25-800x600-scale{scale}-backpack"));
        app.click(".tab[data-view=settings]");
        app.wait_for(
            "the settings",
            "return document.getElementById('wallet-path').textContent;",
            json!([]),
        );
        assert_eq!(cut_controls(&app), json!([]), "settings at scale {scale}");
        app.screenshot(&format!("26-800x600-scale{scale}-settings"));
    }
}

#[test]
fn the_window_reopens_with_its_size_position_and_view() {
    let Some(_screen) = alone("the_window_reopens_with_its_size_position_and_view") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    {
        let app = Session::start(APP, &wallet, home.path());
        first_paint(&app);
        app.type_into("#new-collection-name", "Portfolio");
        app.click("#new-collection-form button[type=submit]");
        app.wait_for(
            "the collection",
            "return document.querySelector('.collection:not(.all-badges) .collection-select');",
            json!([]),
        );
        app.set_rect(40, 30, 900, 650);
        app.click(".collection:not(.all-badges) .collection-select");
        app.wait_for(
            "the collection selected",
            "return document.querySelector('.collection:not(.all-badges) .collection-select[aria-current=true]');",
            json!([]),
        );
        // Quit as the learner does: Ctrl+Q.
        app.press_to_quit(&[keys::CONTROL, "q"]);
        wait_gone(&app);
    }
    let app = Session::start(APP, &wallet, home.path());
    first_paint(&app);
    let rect = app.rect();
    assert_eq!(
        (rect["width"].as_i64(), rect["height"].as_i64()),
        (Some(900), Some(650)),
        "{rect}"
    );
    assert_eq!(
        (rect["x"].as_i64(), rect["y"].as_i64()),
        (Some(40), Some(30)),
        "{rect}"
    );
    app.wait_for(
        "the collection selected again",
        "return document.querySelector('.collection:not(.all-badges) .collection-select[aria-current=true] .collection-name')?.textContent === 'Portfolio';",
        json!([]),
    );
    app.click(".tab[data-view=settings]");
    app.press_to_quit(&[keys::CONTROL, "q"]);
    wait_gone(&app);
    drop(app);
    let app = Session::start(APP, &wallet, home.path());
    first_paint(&app);
    let settings = app.execute(
        "return !document.getElementById('settings-view').hidden;",
        json!([]),
    );
    assert_eq!(settings, true, "the settings view is shown again");
}

/// Waits until the app behind `app` has ended (its session stops answering).
fn wait_gone(app: &Session) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.try_execute("return 1;").is_some() {
        assert!(std::time::Instant::now() < deadline, "the app did not quit");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_badge_that_cannot_be_checked_and_whom_badges_were_issued_to_are_said_in_words() {
    let Some(_screen) =
        alone("a_badge_that_cannot_be_checked_and_whom_badges_were_issued_to_are_said_in_words")
    else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let wallet = home.path().join("wallet.sqlite3");
    let app = Session::start(APP, &wallet, home.path());
    app.set_rect(0, 0, 1100, 760);
    first_paint(&app);
    app.invoke("add_identity", json!({ "value": support::LEARNER }));

    // An OB 3.0 credential with a proof type Satchel does not know.
    let mut foreign = support::badges::ob3_credential(
        "urn:uuid:5c1d",
        "Foreign Proof",
        "Elsewhere Institute",
        support::LEARNER,
    );
    foreign["proof"] = json!({"type": "BbsBlsSignature2020", "proofPurpose": "assertionMethod",
        "verificationMethod": "https://issuer.example/profile#key-1", "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueu"});
    // A badge issued to a hashed email that is not the learner's.
    let mut other = support::badges::embedded_assertion(
        "https://issuer.example/a/9",
        "Someone Else's",
        "Elsewhere Institute",
        "x@example.org",
    );
    other["recipient"] = json!({"type": "email", "hashed": true, "salt": "s", "identity": support::badges::hashed("stranger@example.org", "s")});
    for text in [&foreign, &other] {
        app.invoke("import_text", json!({ "text": text.to_string() }));
    }
    let ids = app.invoke("list_badges", json!({}));
    let id_of = |name: &str| {
        ids.as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap()["id"]
            .clone()
    };
    let (foreign_id, other_id) = (id_of("Foreign Proof"), id_of("Someone Else's"));
    let checked = app.invoke("verify_badges", json!({ "ids": [foreign_id] }));
    assert_eq!(checked[0]["outcome"], "unsupported", "{checked}");

    let chip = app.wait_for(
        "the card's neutral chip",
        "const c = document.querySelector(`.card[data-badge-id='${arguments[0]}'] .card-state`);
         return c && c.textContent === 'Cannot be checked' && { state: c.dataset.state, border: getComputedStyle(c).borderStyle,
                  color: getComputedStyle(c).color, muted: getComputedStyle(document.querySelector('.card-issuer')).color };",
        json!([foreign_id]),
    );
    assert_eq!(chip["state"], "unsupported");
    assert_eq!(
        chip["color"], chip["muted"],
        "neutral: the muted text colour, not a warning's: {chip}"
    );
    app.click(&format!(".card[data-badge-id='{foreign_id}']"));
    let detail = app.wait_for(
        "the detail with the check",
        "const d = document.getElementById('detail-dialog'); const c = d.querySelector('.check');
         return d.open && c && { chip: d.querySelector('[data-field=state]').textContent, check: c.querySelector('.check-outcome').textContent,
                  message: c.querySelector('.check-message').textContent, recipient: d.querySelector('[data-field=recipient]').textContent };",
        json!([]),
    );
    assert_eq!(detail["chip"], "Cannot be checked", "{detail}");
    assert_eq!(detail["check"], "Cannot be checked", "{detail}");
    let said = checked[0]["message"].as_str().unwrap();
    assert!(said.contains("BbsBlsSignature2020"), "{checked}");
    // The core's sentence, standing alone with a capital.
    let sentence = format!("{}{}", said[..1].to_uppercase(), &said[1..]);
    assert_eq!(detail["message"], sentence, "{detail}");
    assert_eq!(
        detail["recipient"],
        format!("Issued to you ({}).", support::LEARNER)
    );
    app.screenshot("27-detail-cannot-be-checked");
    app.press(&[keys::ESCAPE]);

    app.click(&format!(".card[data-badge-id='{other_id}']"));
    let recipient = app.wait_for(
        "the other badge's recipient",
        "const d = document.getElementById('detail-dialog'); return d.open && d.querySelector('#detail-name').textContent === arguments[0]
            && d.querySelector('[data-field=recipient]').textContent;",
        json!(["Someone Else's"]),
    );
    let recipient = recipient.as_str().unwrap();
    assert!(
        recipient.starts_with(&format!(
            "Issued to someone else: the recipient is a hashed email that none of your identities ({}) match.",
            support::LEARNER
        )),
        "{recipient}"
    );
    assert!(!recipient.contains("sha256$"), "{recipient}");
}

#[test]
fn real_keys_reach_the_menu_bar_which_tells_the_page() {
    let Some(_screen) = alone("real_keys_reach_the_menu_bar_which_tells_the_page") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let app = Session::start(APP, &home.path().join("wallet.sqlite3"), home.path());
    first_paint(&app);
    // Keys the page itself sees are counted: a menu accelerator takes its key first.
    app.execute(
        "window.pageKeys = 0; document.addEventListener('keydown', (e) => { if ((e.ctrlKey && e.key !== 'Control') || e.key === 'F1') window.pageKeys++; }, true);",
        json!([]),
    );
    let press_real = |keys: &str| {
        support::xdotool(&[
            "search",
            "--sync",
            "--name",
            "^Satchel$",
            "windowfocus",
            "--sync",
            "key",
            keys,
        ]);
    };
    press_real("ctrl+comma");
    app.wait_for(
        "the settings, from View → Settings",
        "return !document.getElementById('settings-view').hidden;",
        json!([]),
    );
    press_real("ctrl+1");
    app.wait_for(
        "the backpack, from View → Backpack",
        "return !document.getElementById('backpack-view').hidden;",
        json!([]),
    );
    press_real("F1");
    app.wait_for(
        "the shortcuts, from Help → Keyboard shortcuts",
        "return document.getElementById('shortcuts-dialog').open;",
        json!([]),
    );
    let seen = app.execute("return window.pageKeys;", json!([]));
    assert_eq!(seen, 0, "the menu bar, not the page, answered the keys");
}
