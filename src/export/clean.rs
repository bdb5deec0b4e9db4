//! Badge images rewritten for the published site.
//!
//! A badge file comes from a stranger. In the wallet that is harmless, since
//! Satchel only reads it; on a published site the same SVG is served from
//! the learner's own domain, where a script in it would run with that
//! domain's rights. So an image leaves for the site rewritten, never copied:
//!
//! - an SVG is read with `quick-xml` and written anew from an allowlist:
//!   the static drawing elements of [`SVG_ELEMENTS`], `<style>` only when
//!   its CSS is [`css_is_safe`], unprefixed, `xlink:href`, `xml:space` and
//!   `xml:lang` attributes minus event handlers (`on…`), references
//!   (`href`, `src`) only to a `#fragment` of the document or a
//!   `data:image/png|jpeg|gif` picture, and the badge element
//!   (`openbadges:assertion` / `openbadges:credential`) with its `verify`
//!   attribute and its text. Everything else (scripts, `<foreignObject>`,
//!   animation, comments, processing instructions, the `DOCTYPE`, entities
//!   other than the five predefined ones) is left out, its content with it;
//!   a `DOCTYPE` that declares entities is refused, and no entity is ever
//!   expanded;
//! - a PNG is read by the baker's PNG reader and baked again with the same
//!   text, which checks every chunk's CRC and drops whatever follows `IEND`.
//!
//! Either way the written image must unbake to exactly the text the original
//! did; an SVG whose badge element sat inside something left out gets the
//! text baked in again. The bytes given are only ever read.

use std::collections::HashSet;

use quick_xml::escape::{partial_escape, resolve_predefined_entity};
use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, Writer, XmlVersion};

use crate::bake::{self, ASSERTION_NS, BakeError, BakeSlot, CREDENTIAL_NS, ImageKind, Unbaked};
use crate::outcome::{Coded, ErrorCode};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The SVG elements a published badge picture may keep: shapes, text,
/// grouping, paint servers, clipping, masking and filter primitives. Nothing
/// that runs code, animates, embeds another document or loads a resource
/// by itself (`<image>` and `<use>` keep only local references).
const SVG_ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "desc",
    "title",
    "metadata",
    "symbol",
    "use",
    "a",
    "image",
    "switch",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "pattern",
    "clipPath",
    "mask",
    "marker",
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
];

/// The picture types a `data:` reference inside a published SVG may hold.
const DATA_IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif"];

/// CSS that can fetch, import or evaluate something; any of these (compared
/// without regard to case) makes a style attribute or element go. A
/// backslash is among them because CSS escapes could spell the others.
const CSS_REFUSED: &[&str] = &["@import", "expression", "image-set", "src(", "\\"];

/// Why a badge image could not be rewritten for the site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    /// The image is not a badge image the baker can read or write.
    #[error(transparent)]
    Unreadable(#[from] BakeError),
    /// The SVG cannot be rewritten: not XML, or a `DOCTYPE` declaring entities.
    #[error("the SVG cannot be rewritten safely: {0}")]
    Malformed(String),
    /// The rewritten image does not give back the badge text of the original.
    #[error(
        "the rewritten image no longer carries the same badge text as the original, so it was not published"
    )]
    BadgeChanged,
}

impl Coded for CleanError {
    fn code(&self) -> ErrorCode {
        match self {
            CleanError::Unreadable(e) => e.code(),
            CleanError::Malformed(_) | CleanError::BadgeChanged => ErrorCode::MalformedImage,
        }
    }
}

/// A baked PNG or SVG rewritten so it is safe to serve from a web site,
/// carrying the same badge text as `bytes`.
pub fn clean_image(bytes: &[u8]) -> Result<Vec<u8>, CleanError> {
    let original = bake::unbake(bytes)?;
    let cleaned = match original.image {
        ImageKind::Png => bake::bake(bytes, &original.text, original.slot)?,
        ImageKind::Svg => {
            let svg = clean_svg(bytes, original.slot)?;
            if carries(&svg, &original) {
                svg
            } else {
                bake::bake(&svg, &original.text, original.slot)?
            }
        }
    };
    if carries(&cleaned, &original) {
        Ok(cleaned)
    } else {
        Err(CleanError::BadgeChanged)
    }
}

/// Whether `image` unbakes to the slot and text `original` was read with.
fn carries(image: &[u8], original: &Unbaked) -> bool {
    bake::unbake(image).is_ok_and(|read| read.slot == original.slot && read.text == original.text)
}

/// What became of an element that was kept and is still open.
enum Open {
    /// Written; closed with this name.
    Element(String),
    /// A `<style>` element whose text is gathered until its end tag, then
    /// written only if it is safe.
    Style(String),
}

/// What the allowlist makes of an element.
enum Kept {
    /// An SVG element, written under its local name.
    Svg(String),
    /// A `<style>` element, kept if its CSS is safe.
    Style,
    /// The badge element of the slot the image was read with.
    Badge,
}

/// `bytes` (an SVG document) rewritten from the allowlist, keeping the badge
/// elements of `slot`.
fn clean_svg(bytes: &[u8], slot: BakeSlot) -> Result<Vec<u8>, CleanError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| CleanError::Malformed("it is not UTF-8 text".to_owned()))?;
    let mut reader = NsReader::from_str(text);
    let mut out = Writer::new(Vec::with_capacity(text.len()));
    put(
        &mut out,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    put(&mut out, Event::Text(BytesText::new("\n")));
    let mut open: Vec<Open> = Vec::new();
    // How deep inside an element that is left out the reader is.
    let mut skipping = 0usize;
    let mut root_seen = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            CleanError::Malformed(format!(
                "it is not well-formed XML at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        match event {
            Event::DocType(ref doctype) if doctype.contains('[') => {
                return Err(CleanError::Malformed(
                    "its DOCTYPE declares entities, which are never read".to_owned(),
                ));
            }
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let kept = if skipping > 0 {
                    None
                } else if !root_seen {
                    root_seen = true;
                    // The baker's reader checked the root is an `svg`; it is
                    // written in the SVG namespace whatever it was bound to.
                    Some(Kept::Svg("svg".to_owned()))
                } else {
                    let (ns, local) = reader.resolver().resolve_element(start.name());
                    allowed_element(&ns, local.into_inner(), start.name().into_inner(), slot)
                };
                match kept {
                    None if empty => {}
                    None => skipping += 1,
                    Some(Kept::Style) if empty => {}
                    Some(Kept::Style) => open.push(Open::Style(String::new())),
                    Some(Kept::Svg(name)) => {
                        let tag = start_tag(&reader, start, &name, open.is_empty(), slot);
                        if empty {
                            put(&mut out, Event::Empty(tag));
                        } else {
                            put(&mut out, Event::Start(tag));
                            open.push(Open::Element(name));
                        }
                    }
                    Some(Kept::Badge) => {
                        let tag = badge_tag(&reader, start, slot);
                        if empty {
                            put(&mut out, Event::Empty(tag));
                        } else {
                            open.push(Open::Element(tag.name().into_inner().to_owned()));
                            put(&mut out, Event::Start(tag));
                        }
                    }
                }
            }
            Event::End(_) if skipping > 0 => skipping -= 1,
            Event::End(_) => match open.pop() {
                Some(Open::Element(name)) => put(&mut out, Event::End(BytesEnd::new(name))),
                Some(Open::Style(css)) if css_is_safe(&css) => {
                    put(&mut out, Event::Start(BytesStart::new("style")));
                    put(&mut out, Event::Text(BytesText::new(&css)));
                    put(&mut out, Event::End(BytesEnd::new("style")));
                }
                Some(Open::Style(_)) | None => {}
            },
            Event::Text(t) => write_text(&mut out, &mut open, skipping, &t.xml10_content()),
            Event::CData(c) => write_text(&mut out, &mut open, skipping, &c.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(resolved) = known_reference(&r) {
                    write_text(&mut out, &mut open, skipping, &resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    let mut cleaned = out.into_inner();
    cleaned.push(b'\n');
    Ok(cleaned)
}

/// Writes one event to the in-memory document.
fn put(out: &mut Writer<Vec<u8>>, event: Event<'_>) {
    out.write_event(event)
        .expect("writing to memory does not fail");
}

/// Text inside a kept element: written, or gathered for a `<style>`. Text
/// outside the root or inside an element left out is dropped.
fn write_text(out: &mut Writer<Vec<u8>>, open: &mut [Open], skipping: usize, text: &str) {
    if skipping > 0 {
        return;
    }
    match open.last_mut() {
        // Quotes need no escaping in text, which keeps badge JSON readable.
        Some(Open::Element(_)) => put(
            out,
            Event::Text(BytesText::from_escaped(partial_escape(text))),
        ),
        Some(Open::Style(css)) => css.push_str(text),
        None => {}
    }
}

/// A character reference or one of the five predefined entities, resolved;
/// `None` for any other entity, which is never expanded, and for a control
/// character no XML document may hold.
fn known_reference(reference: &BytesRef<'_>) -> Option<String> {
    match reference.resolve_char_ref() {
        Ok(Some(ch)) if ch >= ' ' || matches!(ch, '\t' | '\n' | '\r') => Some(ch.to_string()),
        Ok(Some(_)) => None,
        Ok(None) => resolve_predefined_entity(reference).map(str::to_owned),
        Err(_) => None,
    }
}

/// Whether an element below the root is kept, and as what.
fn allowed_element(
    ns: &ResolveResult<'_>,
    local: &str,
    qname: &str,
    slot: BakeSlot,
) -> Option<Kept> {
    let (badge_ns, badge_local) = badge_name(slot);
    // The baker's reader also takes the `openbadges` prefix bound elsewhere.
    let badge_ns_matches = match ns {
        ResolveResult::Bound(bound) => bound.into_inner() == badge_ns,
        _ => false,
    } || qname == format!("openbadges:{badge_local}");
    if local == badge_local && badge_ns_matches {
        return Some(Kept::Badge);
    }
    let in_svg = match ns {
        ResolveResult::Bound(bound) => bound.into_inner() == SVG_NS,
        ResolveResult::Unbound => true,
        ResolveResult::Unknown(_) => false,
    };
    if !in_svg {
        None
    } else if local == "style" {
        Some(Kept::Style)
    } else {
        SVG_ELEMENTS
            .contains(&local)
            .then(|| Kept::Svg(local.to_owned()))
    }
}

/// The namespace and local name of the badge element of `slot`.
fn badge_name(slot: BakeSlot) -> (&'static str, &'static str) {
    match slot {
        BakeSlot::Assertion => (ASSERTION_NS, "assertion"),
        BakeSlot::Credential => (CREDENTIAL_NS, "credential"),
    }
}

/// The start tag of a kept drawing element, under its local name, with the
/// attributes that pass; the root also declares the output's namespaces.
fn start_tag(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    name: &str,
    root: bool,
    slot: BakeSlot,
) -> BytesStart<'static> {
    let mut tag = BytesStart::new(name.to_owned());
    if root {
        tag.push_attribute(("xmlns", SVG_NS));
        tag.push_attribute(("xmlns:xlink", XLINK_NS));
        tag.push_attribute(("xmlns:openbadges", badge_name(slot).0));
    }
    let mut written = HashSet::new();
    for attribute in start.attributes().flatten() {
        let key = attribute.key.into_inner();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) else {
            continue;
        };
        let (ns, local) = reader.resolver().resolve_attribute(attribute.key);
        let local = local.into_inner();
        let name = match ns {
            ResolveResult::Unbound => local.to_owned(),
            ResolveResult::Bound(ns) if ns.into_inner() == XLINK_NS && local == "href" => {
                "xlink:href".to_owned()
            }
            ResolveResult::Bound(ns)
                if ns.into_inner() == XML_NS && matches!(local, "space" | "lang") =>
            {
                format!("xml:{local}")
            }
            _ => continue,
        };
        // Two prefixes bound to one namespace must not give one name twice.
        if attribute_is_safe(local, &value) && written.insert(name.clone()) {
            tag.push_attribute((name.as_str(), value.as_ref()));
        }
    }
    tag
}

/// The badge element's start tag: `openbadges:assertion` or
/// `openbadges:credential` (the root binds the prefix) with its unprefixed
/// `verify` attribute, the only one the baker's reader looks at.
fn badge_tag(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    slot: BakeSlot,
) -> BytesStart<'static> {
    let mut tag = BytesStart::new(format!("openbadges:{}", badge_name(slot).1));
    let verify = start.attributes().flatten().find(|a| {
        matches!(
            reader.resolver().resolve_attribute(a.key),
            (ResolveResult::Unbound, local) if local.into_inner() == "verify"
        )
    });
    if let Some(value) = verify.and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok()) {
        tag.push_attribute(("verify", value.as_ref()));
    }
    tag
}

/// Whether an attribute of a drawing element may stay: no event handlers,
/// references only within the document or to an embedded picture, and CSS
/// (in `style` or any presentation value such as `fill="url(#g)"`) that
/// fetches nothing.
fn attribute_is_safe(local: &str, value: &str) -> bool {
    if local.len() >= 2 && local[..2].eq_ignore_ascii_case("on") {
        false
    } else if matches!(local, "href" | "src") {
        is_local_reference(value)
    } else {
        css_is_safe(value)
    }
}

/// A `#fragment` of the same document, or a `data:` URI of a PNG, JPEG or
/// GIF picture.
fn is_local_reference(value: &str) -> bool {
    let value = value.trim();
    if value.starts_with('#') {
        return true;
    }
    let Some(scheme) = value.get(..5) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("data:") {
        return false;
    }
    let Some((meta, _)) = value[5..].split_once(',') else {
        return false;
    };
    let media_type = meta.split(';').next().unwrap_or_default().trim();
    DATA_IMAGE_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(media_type))
}

/// Whether CSS text (a `style` attribute or element, or a presentation
/// value) loads nothing from outside the document: every `url(…)` names a
/// `#fragment`, and none of [`CSS_REFUSED`] appears.
fn css_is_safe(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    if CSS_REFUSED.iter().any(|refused| lower.contains(refused)) {
        return false;
    }
    lower.split("url(").skip(1).all(|argument| {
        argument
            .trim_start()
            .trim_start_matches(['"', '\''])
            .starts_with('#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"id": "https://issuer.example/a/1", "name": "x < y & \"z\""}"#;

    /// `body` inside an SVG root declaring the usual namespaces, baked with
    /// [`JSON`] in the assertion slot.
    fn baked(body: &str) -> Vec<u8> {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{body}</svg>"#
        );
        bake::bake(svg.as_bytes(), JSON, BakeSlot::Assertion).expect("bake")
    }

    fn cleaned(body: &str) -> String {
        let bytes = clean_image(&baked(body)).expect("clean");
        String::from_utf8(bytes).expect("utf-8")
    }

    #[test]
    fn drawing_survives_and_the_badge_text_is_the_same() {
        let out = cleaned(
            r##"<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><circle cx="5" cy="5" r="4" fill="url(#g)" style="stroke: url( '#g' )"/><text x="1" y="9" xml:space="preserve">A &amp; B &#x41;</text>"##,
        );
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""), "{out}");
        assert!(
            out.contains(r##"<stop offset="0" stop-color="#fff"/>"##),
            "{out}"
        );
        assert!(out.contains(r##"fill="url(#g)""##), "{out}");
        assert!(
            out.contains(r#"style="stroke: url( &apos;#g&apos; )""#),
            "{out}"
        );
        assert!(
            out.contains(r#"<text x="1" y="9" xml:space="preserve">A &amp; B A</text>"#),
            "{out}"
        );
        assert!(
            out.contains("xmlns:openbadges=\"http://openbadges.org\""),
            "{out}"
        );
        let read = bake::unbake(out.as_bytes()).expect("unbake");
        assert_eq!((read.text.as_str(), read.slot), (JSON, BakeSlot::Assertion));
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    }

    #[test]
    fn scripts_and_foreign_objects_go_with_their_content() {
        let out = cleaned(
            r#"<script>alert(1)</script><script xlink:href="https://evil.example/x.js"/><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><p>hi</p><script>alert(2)</script></body></foreignObject><g><rect width="1" height="1"/></g>"#,
        );
        assert!(!out.contains("script") && !out.contains("alert"), "{out}");
        assert!(
            !out.contains("foreignObject") && !out.contains("hi"),
            "{out}"
        );
        assert!(
            out.contains(r#"<g><rect width="1" height="1"/></g>"#),
            "{out}"
        );
    }

    #[test]
    fn event_handler_attributes_go_whatever_their_case() {
        let out = cleaned(
            r#"<rect onclick="alert(1)" ONLOAD="alert(2)" onMouseOver="alert(3)" width="2"/><circle r="1" onbegin="alert(4)"/>"#,
        );
        assert!(!out.contains("alert"), "{out}");
        assert!(out.contains(r#"<rect width="2"/>"#), "{out}");
        let root_handler = bake::bake(
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            JSON,
            BakeSlot::Assertion,
        )
        .unwrap();
        let out = String::from_utf8(clean_image(&root_handler).unwrap()).unwrap();
        assert!(!out.contains("onload"), "{out}");
    }

    #[test]
    fn references_stay_only_within_the_document_or_to_embedded_pictures() {
        let out = cleaned(concat!(
            r#"<a href="javascript:alert(1)"><use href="https://evil.example/s.svg#x"/></a>"#,
            r##"<a xlink:href=" JavaScript:alert(2)"/><use xlink:href="#shape"/>"##,
            r#"<image href="http://evil.example/p.png"/><image href="data:image/svg+xml;base64,PHN2Zy8+"/>"#,
            r#"<image href="DATA:image/PNG;base64,iVBORw0KGgo="/><image xlink:href="data:text/html,&lt;script&gt;"/>"#,
            r#"<image src="//evil.example/p.gif"/><image src="data:image/gif;base64,R0lGODlh"/>"#,
        ));
        assert!(
            !out.contains("javascript") && !out.contains("JavaScript"),
            "{out}"
        );
        assert!(!out.contains("evil.example"), "{out}");
        assert!(
            !out.contains("svg+xml") && !out.contains("text/html"),
            "{out}"
        );
        assert!(out.contains(r##"<use xlink:href="#shape"/>"##), "{out}");
        assert!(
            out.contains(r#"href="DATA:image/PNG;base64,iVBORw0KGgo=""#),
            "{out}"
        );
        assert!(
            out.contains(r#"src="data:image/gif;base64,R0lGODlh""#),
            "{out}"
        );
    }

    #[test]
    fn css_that_loads_or_evaluates_anything_goes() {
        let out = cleaned(concat!(
            r#"<style>@import url(https://evil.example/a.css);</style>"#,
            r#"<style>rect { fill: url(https://evil.example/p.svg#x) }</style>"#,
            r#"<style>rect { width: expression(alert(1)) }</style>"#,
            r#"<style>rect { background: \75 rl(https://evil.example/) }</style>"#,
            r#"<style><![CDATA[circle > * { fill: red }]]></style>"#,
            r#"<rect style="fill: URL(http://evil.example/)" filter="url(https://evil.example/f#x)" mask="url('#m')" width="3"/>"#,
        ));
        assert!(
            !out.contains("evil.example") && !out.contains("expression"),
            "{out}"
        );
        assert!(
            out.contains("<style>circle &gt; * { fill: red }</style>"),
            "{out}"
        );
        assert!(
            out.contains(r#"<rect mask="url(&apos;#m&apos;)" width="3"/>"#),
            "{out}"
        );
        assert!(css_is_safe("fill: url(#a); stroke: url( \"#b\" )"));
        assert!(!css_is_safe("fill: url(#a); stroke: url(b.svg#c)"));
        assert!(!css_is_safe(
            "background: image-set(\"https://evil.example/x.png\" 1x)"
        ));
    }

    #[test]
    fn unknown_namespaces_comments_and_processing_instructions_go() {
        let svg = format!(
            "<?xml version=\"1.0\" standalone=\"no\"?>\n<?xml-stylesheet href=\"https://evil.example/a.css\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<!-- made by hand -->\n<svg xmlns=\"{SVG_NS}\" xmlns:x=\"https://editor.example/ns\" x:version=\"2\"><x:view><rect width=\"9\"/></x:view><h:p xmlns:h=\"http://www.w3.org/1999/xhtml\">text</h:p><circle r=\"1\" x:label=\"c\" svg:r=\"2\" xmlns:svg=\"{SVG_NS}\"/></svg>"
        );
        let input = bake::bake(svg.as_bytes(), JSON, BakeSlot::Assertion).unwrap();
        let out = String::from_utf8(clean_image(&input).unwrap()).unwrap();
        for gone in [
            "xml-stylesheet",
            "DOCTYPE",
            "made by hand",
            "editor.example",
            "x:",
            "text</",
            "width=\"9\"",
            "svg:r",
        ] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(out.contains("<circle r=\"1\"/>"), "{out}");
    }

    #[test]
    fn a_doctype_declaring_entities_is_refused_and_entities_never_expand() {
        let declared = br#"<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>"#;
        assert!(matches!(
            clean_svg(declared, BakeSlot::Assertion),
            Err(CleanError::Malformed(m)) if m.contains("DOCTYPE declares entities")
        ));
        assert!(matches!(
            clean_image(declared),
            Err(CleanError::Unreadable(BakeError::Malformed(_)))
        ));
        let undeclared =
            br#"<svg xmlns="http://www.w3.org/2000/svg"><text>a&e;b&#1;&lt;</text></svg>"#;
        let out = String::from_utf8(clean_svg(undeclared, BakeSlot::Assertion).unwrap()).unwrap();
        assert!(out.contains("<text>ab&lt;</text>"), "{out}");
    }

    #[test]
    fn the_badge_element_keeps_its_body_and_verify_but_nothing_else() {
        let svg = format!(
            "<svg xmlns=\"{SVG_NS}\" xmlns:ob=\"{ASSERTION_NS}\"><ob:assertion verify=\"https://issuer.example/a/1\" onload=\"alert(1)\" data-x=\"1\"><![CDATA[{JSON}]]></ob:assertion></svg>"
        );
        let before = bake::unbake(svg.as_bytes()).unwrap();
        let out = String::from_utf8(clean_image(svg.as_bytes()).unwrap()).unwrap();
        assert!(
            out.contains("<openbadges:assertion verify=\"https://issuer.example/a/1\">"),
            "{out}"
        );
        assert!(!out.contains("alert") && !out.contains("data-x"), "{out}");
        let after = bake::unbake(out.as_bytes()).unwrap();
        assert_eq!((after.text, after.verify), (before.text, before.verify));
    }

    #[test]
    fn an_ob3_credential_keeps_its_namespace() {
        let svg = format!("<svg xmlns=\"{SVG_NS}\"><circle r=\"1\"/></svg>");
        let input = bake::bake(svg.as_bytes(), JSON, BakeSlot::Credential).unwrap();
        let out = String::from_utf8(clean_image(&input).unwrap()).unwrap();
        assert!(
            out.contains(&format!("xmlns:openbadges=\"{CREDENTIAL_NS}\"")),
            "{out}"
        );
        assert!(out.contains("<openbadges:credential>"), "{out}");
        let read = bake::unbake(out.as_bytes()).unwrap();
        assert_eq!(
            (read.text.as_str(), read.slot),
            (JSON, BakeSlot::Credential)
        );
    }

    #[test]
    fn a_badge_hidden_in_something_left_out_is_baked_again() {
        let svg = format!(
            "<svg xmlns=\"{SVG_NS}\" xmlns:openbadges=\"{ASSERTION_NS}\"><foreignObject><openbadges:assertion verify=\"https://issuer.example/a/1\"/></foreignObject></svg>"
        );
        let out = String::from_utf8(clean_image(svg.as_bytes()).unwrap()).unwrap();
        assert!(!out.contains("foreignObject"), "{out}");
        assert_eq!(
            bake::unbake(out.as_bytes()).unwrap().text,
            "https://issuer.example/a/1"
        );
    }

    #[test]
    fn a_png_is_baked_again_without_what_follows_iend() {
        let png = bake::bake(DEFAULT_PNG, JSON, BakeSlot::Assertion).unwrap();
        let mut polyglot = png.clone();
        polyglot.extend_from_slice(b"<script>alert(1)</script>");
        let out = clean_image(&polyglot).unwrap();
        assert_eq!(out, png, "the same PNG, and nothing after IEND");
        assert_eq!(bake::unbake(&out).unwrap().text, JSON);
    }

    #[test]
    fn a_png_with_damaged_pixels_or_no_badge_is_refused() {
        let mut damaged = bake::bake(DEFAULT_PNG, JSON, BakeSlot::Assertion).unwrap();
        let idat = damaged
            .windows(4)
            .position(|w| w == b"IDAT")
            .expect("an IDAT chunk");
        damaged[idat + 5] ^= 0xFF;
        let error = clean_image(&damaged).unwrap_err();
        assert!(error.to_string().contains("CRC"), "{error}");
        assert_eq!(error.code(), ErrorCode::MalformedImage);
        assert_eq!(
            clean_image(DEFAULT_PNG),
            Err(CleanError::Unreadable(BakeError::NotBaked("PNG")))
        );
    }

    const DEFAULT_PNG: &[u8] = include_bytes!("../../assets/default-badge.png");
}
