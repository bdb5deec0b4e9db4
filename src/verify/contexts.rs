//! The JSON-LD contexts Satchel ships, compiled into the binary and never
//! fetched: each is the published text of the URL documents name it with
//! (sources and hashes in `contexts/SOURCES.md`).

use std::collections::HashMap;
use std::sync::LazyLock;

/// The contexts Satchel ships, by the URL documents name them with (see
/// `contexts/SOURCES.md`).
pub(super) const SHIPPED: [(&str, &str); 11] = [
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("contexts/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("contexts/credentials-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/credentials/examples/v2",
        include_str!("contexts/credentials-examples-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v1",
        include_str!("contexts/data-integrity-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("contexts/data-integrity-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("contexts/ed25519-signature-2020-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("contexts/multikey-v1.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("contexts/ob-v3p0-extensions.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("contexts/ob-v3p0-context-3.0.3.json"),
    ),
];

/// The shipped text of the context at `url`, if Satchel ships it.
pub(super) fn shipped(url: &str) -> Option<&'static str> {
    static BY_URL: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| HashMap::from(SHIPPED));
    BY_URL.get(url).copied()
}
