//! Badge data in SVG files: finding, reading and replacing the badge element.
//!
//! This module owns the SVG side of baking: a bounded sniff of the root
//! element, one namespace-aware pass with `quick-xml` that finds the badge
//! element and its byte range, and a byte-level rewrite that keeps every
//! other byte of the document. It never expands entities or reads a DTD: a
//! `DOCTYPE` with an internal subset (where entities are declared) is refused
//! outright, which rules out external entities and entity bombs; the plain
//! `<!DOCTYPE svg PUBLIC …>` line that drawing programs write is ignored,
//! never fetched. Scripts are never run; they only earn a warning.

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{
    BakeError, BakeSlot, ImageKind, MAX_TEXT_BYTES, PayloadKind, Unbaked, classify, is_blank,
    is_http_url, shorten,
};

/// Namespace of the Open Badges 0.5–2.x `assertion` element.
pub(crate) const ASSERTION_NS: &str = "http://openbadges.org";
/// Namespace of the Open Badges 3.0 `credential` element.
pub(crate) const CREDENTIAL_NS: &str = "https://purl.imsglobal.org/ob/v3p0";
/// The prefix the specifications use, and the one old readers looked for.
const PREFIX: &str = "openbadges";
/// How far [`first_element_name`] looks for the root element.
const SNIFF_LIMIT: usize = 64 * 1024;
const BOM: &[u8] = b"\xEF\xBB\xBF";

const DOCTYPE_REFUSED: &str = "SVG with entity declarations in its DOCTYPE is refused: badge files never need them, and they can hide entity attacks";

fn namespace_of(slot: BakeSlot) -> &'static str {
    match slot {
        BakeSlot::Assertion => ASSERTION_NS,
        BakeSlot::Credential => CREDENTIAL_NS,
    }
}

fn local_name_of(slot: BakeSlot) -> &'static str {
    match slot {
        BakeSlot::Assertion => "assertion",
        BakeSlot::Credential => "credential",
    }
}

/// Whether a qualified element name is `svg`, with or without a prefix.
pub(super) fn is_svg_name(name: &str) -> bool {
    name.rsplit_once(':').map_or(name, |(_, local)| local) == "svg"
}

/// The name of the first element of an XML-looking document, found within
/// the first [`SNIFF_LIMIT`] bytes after skipping a byte order mark,
/// whitespace, the XML declaration, processing instructions, comments and a
/// `DOCTYPE`. `None` if the bytes do not start like XML.
pub(super) fn first_element_name(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_LIMIT)];
    let mut rest = head.strip_prefix(BOM).unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"<?") {
            rest = after(rest, b"?>")?;
        } else if rest.starts_with(b"<!--") {
            rest = after(rest, b"-->")?;
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            rest = after_doctype(rest)?;
        } else {
            let name_bytes = rest.strip_prefix(b"<")?;
            let len = name_bytes
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b"_:-.".contains(&b)))
                .unwrap_or(name_bytes.len());
            let name = &name_bytes[..len];
            let starts_well = name
                .first()
                .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b':');
            let ends_well = matches!(
                name_bytes.get(len),
                Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')
            );
            return (starts_well && ends_well).then(|| shorten(&String::from_utf8_lossy(name)));
        }
    }
}

/// The bytes after the first occurrence of `end`.
fn after<'a>(bytes: &'a [u8], end: &[u8]) -> Option<&'a [u8]> {
    let at = bytes.windows(end.len()).position(|w| w == end)?;
    bytes.get(at + end.len()..)
}

/// The bytes after a `DOCTYPE`, allowing for an internal subset in brackets
/// and quoted strings that contain `>`.
fn after_doctype(bytes: &[u8]) -> Option<&[u8]> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return bytes.get(i + 1..),
            _ => {}
        }
    }
    None
}

/// One badge element found in the document.
struct BadgeElement {
    slot: BakeSlot,
    /// Byte range of the whole element, start tag to end tag, in the text.
    start: usize,
    end: usize,
}

/// The root element's start tag.
struct Root {
    name: String,
    start: usize,
    /// Offset just past the start tag's `>`.
    tag_end: usize,
    empty: bool,
    /// `xmlns:prefix` declarations on the root, as written.
    prefixes: Vec<(String, String)>,
}

/// What one pass over an SVG document found.
struct Scan {
    root: Root,
    badges: Vec<BadgeElement>,
    /// The first badge element's body (text and CDATA, entities resolved).
    body: String,
    /// The first badge element's `verify` attribute.
    verify: Option<String>,
    warnings: Vec<String>,
}

/// The first badge element while its body is being read.
struct Open {
    depth: usize,
    collect: bool,
}

/// Strips a UTF-8 byte order mark and checks the rest is UTF-8.
fn decode(bytes: &[u8]) -> Result<(&[u8], &str), BakeError> {
    let (bom, text) = match bytes.strip_prefix(BOM) {
        Some(text) => (BOM, text),
        None => (&[][..], bytes),
    };
    let text = std::str::from_utf8(text).map_err(|e| {
        malformed(format!(
            "the SVG is not UTF-8 text (invalid byte at {}); save it as UTF-8 and try again",
            bom.len() + e.valid_up_to()
        ))
    })?;
    Ok((bom, text))
}

fn malformed(message: impl Into<String>) -> BakeError {
    BakeError::Malformed(message.into())
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// Reads the whole document once, checking it is well-formed, that its root
/// is `svg` and that it has no `DOCTYPE`, and records every badge element.
fn scan(text: &str, offset: usize) -> Result<Scan, BakeError> {
    let mut reader = NsReader::from_str(text);
    let mut scanner = Scanner {
        offset,
        root: None,
        root_closed: false,
        depth: 0,
        badges: Vec::new(),
        open: None,
        body: String::new(),
        verify: None,
        warnings: Vec::new(),
        saw_script: false,
    };
    loop {
        let before = to_usize(reader.buffer_position());
        let event = reader.read_event().map_err(|e| {
            malformed(format!(
                "the SVG is not well-formed XML at byte {}: {e}",
                offset + to_usize(reader.error_position())
            ))
        })?;
        let after = to_usize(reader.buffer_position());
        match event {
            Event::DocType(ref doctype) if doctype.contains('[') => {
                return Err(malformed(DOCTYPE_REFUSED));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                scanner.start(&reader, start, empty, before..after)?;
            }
            Event::End(_) => scanner.end(after),
            Event::Text(t) => scanner.collect(&t.xml10_content())?,
            Event::CData(c) => scanner.collect(&c.xml10_content())?,
            Event::GeneralRef(r) => scanner.reference(&r)?,
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    scanner.finish(text.len())
}

/// The state of [`scan`]'s one pass, fed event by event.
struct Scanner {
    /// Where the text starts in the file (after a byte order mark), for messages.
    offset: usize,
    root: Option<Root>,
    root_closed: bool,
    depth: usize,
    badges: Vec<BadgeElement>,
    open: Option<Open>,
    body: String,
    verify: Option<String>,
    warnings: Vec<String>,
    saw_script: bool,
}

impl Scanner {
    /// A start tag (or an empty element) spanning `span` of the text.
    fn start(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart<'_>,
        empty: bool,
        span: std::ops::Range<usize>,
    ) -> Result<(), BakeError> {
        let name = start.name().into_inner();
        if self.depth == 0 {
            self.root(start, name, empty, span)?;
        } else if self.open.is_none() {
            let (ns, local) = reader.resolver().resolve_element(start.name());
            let local = local.into_inner();
            if local == "script" && !self.saw_script {
                self.saw_script = true;
                self.warnings
                    .push("the SVG contains scripts; Satchel never runs them".to_string());
            }
            if let Some((slot, lenient)) = badge_slot(&ns, local, name) {
                let first = self.badges.is_empty();
                if first {
                    self.verify = verify_attribute(start, self.offset + span.start)?;
                    self.warnings.extend(lenient);
                }
                self.badges.push(BadgeElement {
                    slot,
                    start: span.start,
                    end: span.end,
                });
                if !empty {
                    self.open = Some(Open {
                        depth: self.depth,
                        collect: first,
                    });
                }
            }
        }
        if !empty {
            self.depth += 1;
        }
        Ok(())
    }

    /// The document's first element, which must be the only root and `<svg>`.
    fn root(
        &mut self,
        start: &BytesStart<'_>,
        name: &str,
        empty: bool,
        span: std::ops::Range<usize>,
    ) -> Result<(), BakeError> {
        if self.root.is_some() {
            return Err(malformed(format!(
                "the SVG has a second root element <{}> at byte {}",
                shorten(name),
                self.offset + span.start
            )));
        }
        if !is_svg_name(name) {
            return Err(malformed(format!(
                "the root element is <{}>, not <svg>",
                shorten(name)
            )));
        }
        self.root = Some(Root {
            name: name.to_string(),
            start: span.start,
            tag_end: span.end,
            empty,
            prefixes: prefix_declarations(start, self.offset + span.start)?,
        });
        self.root_closed = empty;
        Ok(())
    }

    /// An end tag ending just before `after`.
    fn end(&mut self, after: usize) {
        self.depth = self.depth.saturating_sub(1);
        if self.open.as_ref().is_some_and(|o| o.depth == self.depth) {
            if let Some(badge) = self.badges.last_mut() {
                badge.end = after;
            }
            self.open = None;
        }
        if self.depth == 0 {
            self.root_closed = true;
        }
    }

    /// Text or CDATA: part of the first badge element's body while it is open.
    fn collect(&mut self, text: &str) -> Result<(), BakeError> {
        if self.open.as_ref().is_some_and(|o| o.collect) {
            push_capped(&mut self.body, text)?;
        }
        Ok(())
    }

    /// A character or entity reference: only character references and the
    /// five predefined entities are resolved; any other entity is refused.
    fn reference(&mut self, r: &BytesRef<'_>) -> Result<(), BakeError> {
        if !self.open.as_ref().is_some_and(|o| o.collect) {
            return Ok(());
        }
        let resolved = match r.resolve_char_ref() {
            Ok(Some(ch)) => ch.to_string(),
            Ok(None) => match resolve_predefined_entity(r) {
                Some(s) => s.to_string(),
                None => {
                    return Err(malformed(format!(
                        "the badge text uses the entity &{}; which Satchel never expands; only the five predefined XML entities are allowed",
                        shorten(r)
                    )));
                }
            },
            Err(e) => {
                return Err(malformed(format!(
                    "the badge text has an invalid character reference &{};: {e}",
                    shorten(r)
                )));
            }
        };
        push_capped(&mut self.body, &resolved)
    }

    /// The whole document was read (`len` bytes): it must have had a closed root.
    fn finish(mut self, len: usize) -> Result<Scan, BakeError> {
        let Some(root) = self.root else {
            return Err(malformed("the document has no root element"));
        };
        if !self.root_closed {
            return Err(malformed(format!(
                "the SVG ends at byte {} before its <{}> element is closed; it is truncated",
                self.offset + len,
                shorten(&root.name)
            )));
        }
        if self.badges.len() > 1 {
            self.warnings.push(format!(
                "the SVG holds {} badge elements; the first was used and the others ignored",
                self.badges.len()
            ));
        }
        Ok(Scan {
            root,
            badges: self.badges,
            body: self.body,
            verify: self.verify,
            warnings: self.warnings,
        })
    }
}

/// Which slot an element fills, if it is a badge element, with a warning
/// when it was only accepted leniently.
///
/// Namespaces are resolved properly; as a lenient fallback the literal prefix
/// `openbadges` is accepted even when it is undeclared or bound elsewhere.
fn badge_slot(
    ns: &ResolveResult<'_>,
    local: &str,
    qname: &str,
) -> Option<(BakeSlot, Option<String>)> {
    let slot = [BakeSlot::Assertion, BakeSlot::Credential]
        .into_iter()
        .find(|slot| local == local_name_of(*slot))?;
    let expected = namespace_of(slot);
    match ns {
        ResolveResult::Bound(bound) if bound.into_inner() == expected => Some((slot, None)),
        _ if qname.strip_suffix(local) == Some("openbadges:") => {
            let found = match ns {
                ResolveResult::Bound(bound) => {
                    format!("bound to \"{}\"", shorten(bound.into_inner()))
                }
                _ => "never declared".to_string(),
            };
            let warning = format!(
                "the namespace of <{qname}> is {found} instead of \"{expected}\"; it was read anyway"
            );
            Some((slot, Some(warning)))
        }
        _ => None,
    }
}

/// The `xmlns:prefix` declarations of a start tag.
fn prefix_declarations(
    start: &BytesStart<'_>,
    at: usize,
) -> Result<Vec<(String, String)>, BakeError> {
    let mut prefixes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| bad_attribute(at, e))?;
        if let Some(prefix) = attribute.key.into_inner().strip_prefix("xmlns:") {
            prefixes.push((prefix.to_string(), attribute.value.into_owned()));
        }
    }
    Ok(prefixes)
}

/// The unprefixed `verify` attribute of a start tag, with predefined entities
/// and character references resolved.
fn verify_attribute(start: &BytesStart<'_>, at: usize) -> Result<Option<String>, BakeError> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| bad_attribute(at, e))?;
        if attribute.key.into_inner() == "verify" {
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| {
                    malformed(format!(
                        "the verify attribute of the badge element at byte {at} cannot be read: {e}"
                    ))
                })?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

fn bad_attribute(at: usize, e: impl std::fmt::Display) -> BakeError {
    malformed(format!(
        "the SVG is not well-formed XML: bad attribute in the element at byte {at}: {e}"
    ))
}

fn push_capped(body: &mut String, text: &str) -> Result<(), BakeError> {
    if body.len() + text.len() > MAX_TEXT_BYTES {
        return Err(BakeError::TooLarge {
            what: "the text of the SVG badge element".to_string(),
            limit: MAX_TEXT_BYTES,
        });
    }
    body.push_str(text);
    Ok(())
}

/// Reads the first badge element of an SVG: its body if it has one,
/// otherwise its `verify` attribute.
pub(super) fn unbake(bytes: &[u8]) -> Result<Unbaked, BakeError> {
    let (bom, text) = decode(bytes)?;
    let scan = scan(text, bom.len())?;
    let Some(first) = scan.badges.first() else {
        return Err(BakeError::NotBaked("SVG"));
    };
    let verify = scan
        .verify
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let body = scan.body.trim();
    let text = if !is_blank(body) {
        body.to_string()
    } else if let Some(verify) = &verify {
        verify.clone()
    } else {
        return Err(malformed(format!(
            "the badge element at byte {} has neither text nor a verify attribute",
            bom.len() + first.start
        )));
    };
    Ok(Unbaked {
        image: ImageKind::Svg,
        slot: first.slot,
        payload: classify(&text),
        text,
        verify,
        warnings: scan.warnings,
    })
}

/// Rewrites the SVG with every badge element removed and one new badge
/// element right after the root start tag, declaring its namespace on the
/// root when needed. All other bytes are kept.
pub(super) fn bake(image: &[u8], text: &str, slot: BakeSlot) -> Result<Vec<u8>, BakeError> {
    // XML 1.0 has no way, not even a character reference, to hold these.
    let not_xml = |c: char| {
        c < ' ' && !matches!(c, '\t' | '\n' | '\r') || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if let Some(bad) = text.chars().find(|&c| not_xml(c)) {
        return Err(BakeError::InvalidText(format!(
            "it holds the control character U+{:04X}, which an SVG (XML) document cannot contain; remove it, or bake into a PNG",
            u32::from(bad)
        )));
    }
    let (bom, source) = decode(image)?;
    let scan = scan(source, bom.len())?;
    let root = &scan.root;
    let namespace = namespace_of(slot);
    let (prefix, declare) = choose_prefix(&root.prefixes, namespace);
    let element = badge_element(&prefix, slot, text.trim());

    let mut out = String::with_capacity(source.len() + element.len() + 80);
    let name_end = root.start + 1 + root.name.len();
    if source.get(root.start..name_end) != Some(format!("<{}", root.name).as_str()) {
        return Err(malformed(format!(
            "the root start tag at byte {} is not written as <{}",
            bom.len() + root.start,
            root.name
        )));
    }
    let tag_rest = source.get(name_end..root.tag_end).unwrap_or_default();
    out.push_str(source.get(..name_end).unwrap_or_default());
    if declare {
        out.push_str(&format!(" xmlns:{prefix}=\"{namespace}\""));
    }
    if root.empty {
        // `<svg .../>` becomes `<svg ...>ELEMENT</svg>`.
        out.push_str(tag_rest.strip_suffix("/>").unwrap_or(tag_rest));
        out.push('>');
        out.push_str(&element);
        out.push_str(&format!("</{}>", root.name));
    } else {
        out.push_str(tag_rest);
        out.push_str(&element);
    }
    let mut copied = root.tag_end;
    for badge in &scan.badges {
        out.push_str(source.get(copied..badge.start).unwrap_or_default());
        copied = badge.end;
    }
    out.push_str(source.get(copied..).unwrap_or_default());

    let mut bytes = Vec::with_capacity(bom.len() + out.len());
    bytes.extend_from_slice(bom);
    bytes.extend_from_slice(out.as_bytes());
    Ok(bytes)
}

/// Picks the prefix for the new element and whether the root must declare it:
/// `openbadges` when it is free or already bound to `namespace`, otherwise
/// another prefix the root binds to `namespace`, otherwise a fresh one.
fn choose_prefix(declared: &[(String, String)], namespace: &str) -> (String, bool) {
    let bound_to = |prefix: &str| {
        declared
            .iter()
            .rev()
            .find(|(p, _)| p == prefix)
            .map(|(_, ns)| ns.as_str())
    };
    match bound_to(PREFIX) {
        None => return (PREFIX.to_string(), true),
        Some(ns) if ns == namespace => return (PREFIX.to_string(), false),
        Some(_) => {}
    }
    if let Some((prefix, _)) = declared
        .iter()
        .find(|(p, ns)| ns == namespace && bound_to(p) == Some(namespace))
    {
        return (prefix.clone(), false);
    }
    let fresh = (1..)
        .map(|n| format!("{PREFIX}{n}"))
        .find(|p| bound_to(p).is_none())
        .unwrap_or_else(|| PREFIX.to_string());
    (fresh, true)
}

/// The badge element for `text`: JSON goes in a CDATA body (with the hosted
/// URL in `verify` for Open Badges 2.0), a URL or JWS in `verify` alone.
fn badge_element(prefix: &str, slot: BakeSlot, text: &str) -> String {
    let name = format!("{prefix}:{}", local_name_of(slot));
    match classify(text) {
        PayloadKind::Url | PayloadKind::Jws => {
            format!("<{name} verify=\"{}\"/>", escape_attribute(text))
        }
        PayloadKind::Json => {
            let verify = match slot {
                BakeSlot::Assertion => hosted_url(text)
                    .map(|url| format!(" verify=\"{}\"", escape_attribute(&url)))
                    .unwrap_or_default(),
                BakeSlot::Credential => String::new(),
            };
            format!("<{name}{verify}>{}</{name}>", cdata(text))
        }
    }
}

/// The hosted URL of an Open Badges 2.0 (`id`) or 1.x (`verify.url`) assertion.
fn hosted_url(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let is_http = |s: &&str| is_http_url(s);
    value
        .get("id")
        .and_then(|id| id.as_str())
        .filter(is_http)
        .or_else(|| {
            value
                .get("verify")
                .and_then(|v| v.get("url"))
                .and_then(|u| u.as_str())
                .filter(is_http)
        })
        .map(str::to_string)
}

/// Escapes an attribute value so that reading it back gives the same string,
/// including tabs and line breaks, which attribute normalization would change.
fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            other => out.push(other),
        }
    }
    out
}

/// Wraps text in CDATA. A `]]>` inside is split across two sections, and a
/// carriage return is written as a character reference between sections,
/// because XML line-end handling would turn a literal one into `\n`.
fn cdata(text: &str) -> String {
    let body = text
        .replace("]]>", "]]]]><![CDATA[>")
        .replace('\r', "]]>&#13;<![CDATA[");
    format!("<![CDATA[{body}]]>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bake::{bake as bake_any, fixture, sniff, unbake as unbake_any};

    const URL: &str = "https://example.org/assertions/1";
    const JSON: &str = r#"{"@context":"https://w3id.org/openbadges/v2","id":"https://example.org/a/1","type":"Assertion","name":"Tom & Jerry <3"}"#;
    const JWS: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    const PLAIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- a plain badge picture -->
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <title>Badge</title>
  <circle cx="5" cy="5" r="4"/>
</svg>
"#;

    fn unbake_str(svg: &str) -> Result<Unbaked, BakeError> {
        unbake_any(svg.as_bytes())
    }

    fn bake_str(svg: &str, text: &str, slot: BakeSlot) -> String {
        let baked = bake_any(svg.as_bytes(), text, slot).expect("bake");
        String::from_utf8(baked).expect("utf-8")
    }

    fn malformed_message(result: Result<Unbaked, BakeError>) -> String {
        match result {
            Err(BakeError::Malformed(message)) => message,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    fn badge_count(svg: &str) -> usize {
        scan(svg, 0).expect("scan").badges.len()
    }

    #[test]
    fn round_trips_every_payload_in_both_slots() {
        for slot in [BakeSlot::Assertion, BakeSlot::Credential] {
            for (text, payload) in [
                (URL, PayloadKind::Url),
                (JSON, PayloadKind::Json),
                (JWS, PayloadKind::Jws),
            ] {
                let baked = bake_str(PLAIN, text, slot);
                let read = unbake_str(&baked).expect("unbake");
                assert_eq!(read.image, ImageKind::Svg);
                assert_eq!(
                    (read.slot, read.text.as_str(), read.payload),
                    (slot, text, payload)
                );
                assert!(read.warnings.is_empty(), "{:?}", read.warnings);
                assert!(baked.contains(&format!("xmlns:openbadges=\"{}\"", namespace_of(slot))));
            }
        }
    }

    #[test]
    fn baking_writes_the_shapes_the_spec_describes() {
        let url = bake_str(PLAIN, URL, BakeSlot::Assertion);
        assert!(
            url.contains(&format!(
                r#"viewBox="0 0 10 10"><openbadges:assertion verify="{URL}"/>"#
            )),
            "{url}"
        );
        let json = bake_str(PLAIN, JSON, BakeSlot::Assertion);
        assert!(
            json.contains(
                r#"<openbadges:assertion verify="https://example.org/a/1"><![CDATA[{"@context""#
            ),
            "{json}"
        );
        let credential = bake_str(PLAIN, JSON, BakeSlot::Credential);
        assert!(
            credential.contains("<openbadges:credential><![CDATA["),
            "{credential}"
        );
        // Everything else is kept byte for byte.
        let without_badge = url
            .replace(&format!(r#"<openbadges:assertion verify="{URL}"/>"#), "")
            .replace(r#" xmlns:openbadges="http://openbadges.org""#, "");
        assert_eq!(without_badge, PLAIN);
    }

    #[test]
    fn baking_twice_leaves_one_element_with_the_new_text() {
        let once = bake_str(PLAIN, JSON, BakeSlot::Assertion);
        let twice = bake_str(&once, URL, BakeSlot::Assertion);
        assert_eq!(badge_count(&twice), 1);
        assert_eq!(unbake_str(&twice).expect("unbake").text, URL);
        assert_eq!(twice.matches("xmlns:openbadges=").count(), 1);
        // Switching slots: `openbadges` is taken by the 2.0 namespace, so another prefix is declared.
        let switched = bake_str(&twice, JWS, BakeSlot::Credential);
        assert_eq!(badge_count(&switched), 1);
        assert!(
            switched.contains(&format!(r#"xmlns:openbadges1="{CREDENTIAL_NS}""#)),
            "{switched}"
        );
        let read = unbake_str(&switched).expect("unbake");
        assert_eq!((read.slot, read.text.as_str()), (BakeSlot::Credential, JWS));
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        let back = bake_str(&switched, URL, BakeSlot::Assertion);
        assert!(back.contains("<openbadges:assertion verify="), "{back}");
        assert_eq!(badge_count(&back), 1);
    }

    #[test]
    fn namespaces_are_resolved_not_guessed_from_the_prefix() {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="{ASSERTION_NS}"><ob:assertion verify="{URL}"/></svg>"#
        );
        let read = unbake_str(&svg).expect("unbake");
        assert_eq!(read.text, URL);
        assert!(read.warnings.is_empty());
        let default_ns =
            format!(r#"<svg><credential xmlns="{CREDENTIAL_NS}">{JWS}</credential></svg>"#);
        assert_eq!(
            unbake_str(&default_ns).expect("unbake").slot,
            BakeSlot::Credential
        );
        let wrong = format!(
            r#"<svg xmlns:x="http://example.org/other"><x:assertion verify="{URL}"/></svg>"#
        );
        assert_eq!(unbake_str(&wrong), Err(BakeError::NotBaked("SVG")));
        // Baking writes the prefix of the specification, which old readers look for.
        let baked = bake_str(&svg, JWS, BakeSlot::Assertion);
        assert!(
            baked.contains(&format!(r#"<openbadges:assertion verify="{JWS}"/>"#)),
            "{baked}"
        );
        assert!(!baked.contains("<ob:assertion"));
        assert_eq!(unbake_str(&baked).expect("unbake").text, JWS);
        // When `openbadges` is bound elsewhere, a prefix already bound to the namespace is reused.
        let taken =
            format!(r#"<svg xmlns:openbadges="{CREDENTIAL_NS}" xmlns:ob="{ASSERTION_NS}"/>"#);
        let baked = bake_str(&taken, URL, BakeSlot::Assertion);
        assert!(
            baked.contains(&format!(r#"<ob:assertion verify="{URL}"/>"#)),
            "{baked}"
        );
    }

    #[test]
    fn an_undeclared_openbadges_prefix_is_read_with_a_warning() {
        let svg =
            format!(r#"<svg><openbadges:assertion verify="{URL}"></openbadges:assertion></svg>"#);
        let read = unbake_str(&svg).expect("unbake");
        assert_eq!(read.text, URL);
        assert!(
            read.warnings[0].contains("never declared"),
            "{:?}",
            read.warnings
        );
        let baked = bake_str(&svg, URL, BakeSlot::Assertion);
        assert_eq!(badge_count(&baked), 1);
        assert!(unbake_str(&baked).expect("unbake").warnings.is_empty());
    }

    #[test]
    fn the_body_wins_and_verify_is_kept_beside_it() {
        let svg = format!(
            "<svg xmlns:openbadges=\"{ASSERTION_NS}\"><openbadges:assertion verify=\"{URL}\">\n  <![CDATA[ {{\"a\": 1}} ]]>\n</openbadges:assertion></svg>"
        );
        let read = unbake_str(&svg).expect("unbake");
        assert_eq!(read.text, "{\"a\": 1}");
        assert_eq!(read.verify.as_deref(), Some(URL));
        let verify_only = format!(
            "<svg xmlns:openbadges=\"{ASSERTION_NS}\"><openbadges:assertion verify=\"{JWS}\"><![CDATA[]]> </openbadges:assertion></svg>"
        );
        let read = unbake_str(&verify_only).expect("unbake");
        assert_eq!((read.text.as_str(), read.payload), (JWS, PayloadKind::Jws));
        let neither =
            format!("<svg xmlns:openbadges=\"{ASSERTION_NS}\"><openbadges:assertion/></svg>");
        assert!(malformed_message(unbake_str(&neither)).contains("neither text nor a verify"));
    }

    #[test]
    fn predefined_entities_are_unescaped_and_others_refused() {
        let svg = format!(
            "<svg xmlns:openbadges=\"{ASSERTION_NS}\"><openbadges:assertion>{{\"n\":\"a &amp; b &#x41;\"}}</openbadges:assertion></svg>"
        );
        assert_eq!(
            unbake_str(&svg).expect("unbake").text,
            "{\"n\":\"a & b A\"}"
        );
        let custom = format!(
            "<svg xmlns:openbadges=\"{ASSERTION_NS}\"><openbadges:assertion>&secret;</openbadges:assertion></svg>"
        );
        assert!(malformed_message(unbake_str(&custom)).contains("&secret;"));
    }

    #[test]
    fn cdata_terminators_and_carriage_returns_in_json_round_trip() {
        let tricky = "{\"a\": \"]]>\", \"b\": \"]]]]>>\",\r\n \"c\": \"x]]\"}";
        for slot in [BakeSlot::Assertion, BakeSlot::Credential] {
            let baked = bake_str(PLAIN, tricky, slot);
            assert_eq!(unbake_str(&baked).expect("unbake").text, tricky, "{baked}");
        }
        let awkward_url = "https://example.org/?a=1&b=\"2\"<>";
        let baked = bake_str(PLAIN, awkward_url, BakeSlot::Assertion);
        assert_eq!(unbake_str(&baked).expect("unbake").text, awkward_url);
    }

    #[test]
    fn a_plain_svg_11_doctype_is_ignored() {
        let svg = format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n{}",
            PLAIN
                .trim_start_matches(|c| c != '<')
                .split_once("?>")
                .map_or(PLAIN, |(_, rest)| rest)
        );
        let baked = bake_str(&svg, URL, BakeSlot::Assertion);
        assert_eq!(unbake_str(&baked).expect("unbake").text, URL);
    }

    #[test]
    fn doctype_is_refused_which_stops_xxe_and_billion_laughs() {
        let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion>&e;</openbadges:assertion></svg>"#;
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="&lol3;">&lol3;</openbadges:assertion></svg>"#;
        for svg in [xxe, laughs] {
            assert_eq!(sniff(svg.as_bytes()), Some(ImageKind::Svg));
            assert_eq!(malformed_message(unbake_str(svg)), DOCTYPE_REFUSED);
            assert!(matches!(
                bake_any(svg.as_bytes(), URL, BakeSlot::Assertion),
                Err(BakeError::Malformed(_))
            ));
        }
    }

    #[test]
    fn scripts_do_not_stop_a_read_but_earn_a_warning() {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{ASSERTION_NS}" onload="alert(1)"><script>alert(2)</script><script/><openbadges:assertion verify="{URL}"/></svg>"#
        );
        let read = unbake_str(&svg).expect("unbake");
        assert_eq!(read.text, URL);
        assert_eq!(
            read.warnings,
            ["the SVG contains scripts; Satchel never runs them"]
        );
    }

    #[test]
    fn the_first_of_two_badge_elements_wins_with_a_warning() {
        let svg = format!(
            r#"<svg xmlns:openbadges="{ASSERTION_NS}"><g><openbadges:assertion verify="https://example.org/first"/></g><openbadges:assertion>https://example.org/second</openbadges:assertion></svg>"#
        );
        let read = unbake_str(&svg).expect("unbake");
        assert_eq!(read.text, "https://example.org/first");
        assert!(
            read.warnings[0].contains("2 badge elements"),
            "{:?}",
            read.warnings
        );
        let baked = bake_str(&svg, URL, BakeSlot::Assertion);
        assert_eq!(badge_count(&baked), 1);
        assert!(baked.contains("<g></g>"), "{baked}");
    }

    #[test]
    fn broken_documents_are_malformed_not_panics() {
        let baked = bake_str(PLAIN, JSON, BakeSlot::Assertion);
        for len in 0..baked.len() {
            let Some(prefix) = baked.get(..len) else {
                continue;
            };
            let _ = unbake_str(prefix);
            let _ = bake_any(prefix.as_bytes(), URL, BakeSlot::Assertion);
        }
        let message = malformed_message(unbake_str(&baked[..baked.len() - 7]));
        assert!(message.contains("truncated"), "{message}");
        let mismatched = "<svg><g></svg>";
        assert!(malformed_message(unbake_str(mismatched)).contains("not well-formed XML at byte"));
        assert!(malformed_message(unbake_any(b"<svg>\xFF</svg>")).contains("not UTF-8"));
        assert!(malformed_message(unbake_str("<svg/><svg/>")).contains("second root"));
    }

    #[test]
    fn an_empty_root_element_is_opened_to_hold_the_badge() {
        let baked = bake_str(
            "\u{feff}<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\" />",
            URL,
            BakeSlot::Credential,
        );
        assert_eq!(
            baked,
            format!(
                "\u{feff}<svg:svg xmlns:openbadges=\"{CREDENTIAL_NS}\" xmlns:svg=\"http://www.w3.org/2000/svg\" ><openbadges:credential verify=\"{URL}\"/></svg:svg>"
            )
        );
        assert_eq!(unbake_str(&baked).expect("unbake").text, URL);
    }

    #[test]
    fn text_with_a_control_character_xml_cannot_hold_is_refused() {
        let result = bake_any(PLAIN.as_bytes(), "{\"a\":\"\u{1a}\"}", BakeSlot::Credential);
        let Err(BakeError::InvalidText(message)) = result else {
            panic!("{result:?}");
        };
        assert!(message.contains("U+001A"), "{message}");
    }

    #[test]
    fn a_plain_svg_is_not_baked() {
        assert_eq!(unbake_str(PLAIN), Err(BakeError::NotBaked("SVG")));
    }

    #[test]
    fn sniffing_skips_the_prolog_but_not_other_roots() {
        assert_eq!(
            first_element_name(b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x>y\"><svg>")
                .as_deref(),
            Some("svg")
        );
        assert_eq!(
            first_element_name(b"<!doctype html><html>").as_deref(),
            Some("html")
        );
        assert_eq!(first_element_name(b"<!-- never closed <svg>"), None);
        assert_eq!(first_element_name(b"< svg>"), None);
        let mut padded = vec![b' '; SNIFF_LIMIT];
        padded.extend_from_slice(b"<svg/>");
        assert_eq!(first_element_name(&padded), None);
    }

    const MOZILLA: &str = "mozilla__openbadges-bakery/test/";
    const CONCENTRIC: &str = "concentricsky__openbadges-bakery/openbadges_bakery/testfiles/";

    #[test]
    fn third_party_baked_example_gives_the_body_and_keeps_verify() {
        let Some(bytes) = fixture(&format!("{CONCENTRIC}baked_example.svg")) else {
            return;
        };
        let read = unbake_any(&bytes).expect("unbake");
        // The Python bakery returned the verify URL; Satchel returns the body
        // (the JSON) and offers the URL beside it.
        assert_eq!(read.payload, PayloadKind::Json);
        assert!(read.text.starts_with('{') && read.text.contains("\"uid\": \"abcdef12345\""));
        assert_eq!(
            read.verify.as_deref(),
            Some("https://example.org/assertion.json")
        );
    }

    #[test]
    fn third_party_mozilla_svgs() {
        let Some(baked) = fixture(&format!("{MOZILLA}baked.svg")) else {
            return;
        };
        let read = unbake_any(&baked).expect("baked.svg");
        assert_eq!(read.text, r#"{"verify":{"url":"http://example.org"}}"#);
        assert_eq!(read.verify.as_deref(), Some("http://example.org"));

        let Some(no_json) = fixture(&format!("{MOZILLA}no-json.svg")) else {
            return;
        };
        let read = unbake_any(&no_json).expect("no-json.svg");
        assert_eq!(
            (read.text.as_str(), read.payload),
            ("http://example.org", PayloadKind::Url)
        );

        // Whether the JSON is valid is the credential parser's business.
        let Some(bad_json) = fixture(&format!("{MOZILLA}bad-json.svg")) else {
            return;
        };
        let read = unbake_any(&bad_json).expect("bad-json.svg");
        assert_eq!(
            (read.text.as_str(), read.payload),
            (
                r#"{verify:{"url":"http://example.org"}}"#,
                PayloadKind::Json
            )
        );

        let Some(unbaked) = fixture(&format!("{MOZILLA}unbaked.svg")) else {
            return;
        };
        assert_eq!(unbake_any(&unbaked), Err(BakeError::NotBaked("SVG")));
        let rebaked = bake_any(&unbaked, JWS, BakeSlot::Assertion).expect("bake");
        assert_eq!(unbake_any(&rebaked).expect("unbake").text, JWS);
        // Re-baking a baked file replaces its element.
        let rebaked = bake_any(&baked, URL, BakeSlot::Assertion).expect("bake");
        let rebaked = String::from_utf8(rebaked).expect("utf-8");
        assert_eq!(badge_count(&rebaked), 1);
        assert_eq!(unbake_str(&rebaked).expect("unbake").text, URL);
    }

    #[test]
    fn third_party_unbaked_example_bakes() {
        let Some(bytes) = fixture(&format!("{CONCENTRIC}unbaked_example.svg")) else {
            return;
        };
        assert_eq!(unbake_any(&bytes), Err(BakeError::NotBaked("SVG")));
        for text in [URL, JWS, JSON] {
            let baked = bake_any(&bytes, text, BakeSlot::Assertion).expect("bake");
            assert_eq!(unbake_any(&baked).expect("unbake").text, text);
        }
    }
}
