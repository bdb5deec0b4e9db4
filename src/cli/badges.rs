//! `satchel import`, `inspect`, `list`, `show`, `delete`, `bake` and `refresh`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use satchel::bake::{self, BakeSlot};
use satchel::credential::{self, ObVersion};
use satchel::http::Fetcher;
use satchel::intake;
use satchel::outcome::{ImportResult, ImportStatus};
use satchel::wallet::{Badge, BadgeSummary, Wallet};

use super::{print_json, runtime};

pub fn import(
    wallet: &mut Wallet,
    fetcher: &Fetcher,
    inputs: &[String],
    add_identities: bool,
    json: bool,
) -> Result<ExitCode> {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("valid template"),
    );
    let options = intake::Options { add_identities };
    let intake = runtime()?.block_on(intake::take(
        wallet,
        fetcher,
        inputs,
        options,
        Utc::now(),
        &mut |p| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
        },
    ));
    bar.finish_and_clear();
    if json {
        print_json(&intake)?;
    } else {
        for report in &intake.migrations {
            super::migrate::print_report(report);
        }
        print_results(&intake.results);
        let count = |s| intake.results.iter().filter(|r| r.status == s).count();
        println!(
            "{} imported, {} duplicates, {} failed",
            count(ImportStatus::Imported),
            count(ImportStatus::Duplicate),
            count(ImportStatus::Error)
        );
    }
    Ok(if intake.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One line per item (and a line per warning), as `import` and `pull` print them.
pub fn print_results(results: &[ImportResult]) {
    for r in results {
        match (&r.status, &r.error) {
            (ImportStatus::Imported, _) => {
                let id = r.badge_id.unwrap_or_default();
                match &r.awaiting_details {
                    Some(why) => {
                        println!("imported  {} as badge {id} (details later: {why})", r.path)
                    }
                    None => println!("imported  {} as badge {id}", r.path),
                }
            }
            (_, Some(e)) if r.status == ImportStatus::Duplicate => {
                println!("duplicate {}", e.message)
            }
            (_, Some(e)) => {
                // The sentence names the file too; say it once, first.
                let sentence = e
                    .message
                    .strip_prefix(&format!("{}: ", r.path))
                    .unwrap_or(&e.message);
                println!("error     {} [{}] {sentence}", r.path, e.code)
            }
            (_, None) => {}
        }
        for w in &r.warnings {
            println!("          note: {w}");
        }
    }
}

pub fn inspect(file: &Path, json: bool) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let found = intake::inspect(&bytes, &name).with_context(|| name.clone())?;
    if json {
        print_json(&found)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("file:     {} ({})", file.display(), found.media_type);
    if let Some(b) = &found.baked {
        println!("baked:    {:?} slot", b.slot);
        for w in &b.warnings {
            println!("note:     {w}");
        }
    }
    println!("payload:  {:?}", found.payload);
    match (&found.credential, &found.credential_error) {
        (Some(c), _) => print_credential(c),
        (None, Some(e)) => println!("problem:  [{}] {}", e.code, e.message),
        (None, None) => println!("hosted:   {} (import it to fetch the details)", found.text),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_credential(c: &credential::Credential) {
    let line = |label: &str, value: Option<&str>| {
        if let Some(v) = value {
            println!("{label:<9} {v}");
        }
    };
    line("version:", c.ob_version.map(ObVersion::as_str));
    line("name:", c.name.as_deref());
    line("issuer:", c.issuer_name.as_deref());
    line("issuer url:", c.issuer_url.as_deref());
    line("issued:", c.issued_on.map(|d| d.to_rfc3339()).as_deref());
    line("expires:", c.expires.map(|d| d.to_rfc3339()).as_deref());
    if let Some(r) = &c.recipient {
        let hashed = if r.hashed { " (hashed)" } else { "" };
        println!("{:<9} {} {}{hashed}", "recipient:", r.kind, r.identity);
    }
    line("hosted:", c.hosted_url.as_deref());
    line(
        "criteria:",
        c.criteria_url.as_deref().or(c.criteria_text.as_deref()),
    );
    line("about:", c.description.as_deref());
    for w in &c.warnings {
        println!("note:     {w}");
    }
}

pub fn list(wallet: &Wallet, json: bool) -> Result<ExitCode> {
    let badges = wallet.list_badges()?;
    if json {
        print_json(&badges)?;
        return Ok(ExitCode::SUCCESS);
    }
    if badges.is_empty() {
        println!("the wallet is empty; add badges with `satchel import <files>`");
    }
    let mut out = super::stdout();
    for b in &badges {
        writeln!(out, "{}", summary_line(b))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn summary_line(b: &BadgeSummary) -> String {
    let date = b
        .issued_on
        .as_deref()
        .map(|d| d.get(..10).unwrap_or(d))
        .unwrap_or("");
    format!(
        "{:>5}  {:<40}  {:<28}  {:<10}  OB {}",
        b.id,
        b.name.as_deref().unwrap_or("(details not fetched yet)"),
        b.issuer_name.as_deref().unwrap_or(""),
        date,
        b.ob_version.as_deref().unwrap_or("?"),
    )
}

/// Deletes each badge; all-or-nothing per badge, and an unknown id stops
/// before anything after it is touched.
pub fn delete(wallet: &mut Wallet, ids: &[i64]) -> Result<ExitCode> {
    for &id in ids {
        let name = wallet.badge(id)?.summary.name;
        wallet.delete_badge(id)?;
        println!(
            "deleted badge {id} ({})",
            name.as_deref().unwrap_or("untitled")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(wallet: &Wallet, id: i64, json: bool) -> Result<ExitCode> {
    let mut badge: Badge = wallet.badge(id)?;
    let checks = super::verify::history(wallet, &mut badge)?;
    if json {
        let mut value = serde_json::to_value(&badge)?;
        value["checks"] = serde_json::to_value(&checks)?;
        print_json(&value)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "badge {}  ({} from {}, imported {})",
        badge.summary.id, badge.media_type, badge.source, badge.imported_at
    );
    print_credential(&badge.credential);
    if let Some(why) = &badge.details_error {
        println!("awaiting: {why} (run `satchel refresh` to try again)");
    }
    super::verify::print_history(id, &checks);
    println!("raw ({}):\n{}", badge.payload_kind, badge.raw_text);
    Ok(ExitCode::SUCCESS)
}

pub fn bake(image: &Path, credential_file: &Path, output: &Path) -> Result<ExitCode> {
    let picture =
        std::fs::read(image).with_context(|| format!("cannot read {}", image.display()))?;
    let text = std::fs::read_to_string(credential_file)
        .with_context(|| format!("cannot read {}", credential_file.display()))?;
    let text = text.trim();
    let slot = match bake::classify(text) {
        bake::PayloadKind::Url => BakeSlot::Assertion,
        _ => {
            let c = credential::parse(text).with_context(|| {
                format!(
                    "{} is not a credential Satchel can bake",
                    credential_file.display()
                )
            })?;
            if c.ob_version == Some(ObVersion::V3_0) {
                BakeSlot::Credential
            } else {
                BakeSlot::Assertion
            }
        }
    };
    let baked = bake::bake(&picture, text, slot)
        .with_context(|| format!("cannot bake into {}", image.display()))?;
    std::fs::write(output, baked).with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "baked {} into {}",
        credential_file.display(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn refresh(wallet: &mut Wallet, fetcher: &Fetcher, json: bool) -> Result<ExitCode> {
    let results = runtime()?.block_on(intake::refresh_awaiting(wallet, fetcher))?;
    let pending = results.iter().filter(|(_, e)| e.is_some()).count();
    if json {
        let rows: Vec<_> = results
            .iter()
            .map(|(id, e)| serde_json::json!({"badge_id": id, "complete": e.is_none(), "error": e}))
            .collect();
        print_json(&serde_json::json!({ "results": rows }))?;
    } else {
        for (id, e) in &results {
            match e {
                None => println!("badge {id}: details fetched"),
                Some(why) => println!("badge {id}: still waiting: {why}"),
            }
        }
        println!(
            "{} completed, {pending} still waiting",
            results.len() - pending
        );
    }
    Ok(if pending > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
