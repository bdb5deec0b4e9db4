//! Status and trust over time: revocation and suspension by status lists
//! (Bitstring Status List and Status List 2021, with the W3C test suite's
//! lists), status lists believed only once their own proof checks out, every
//! finding of a badge with several problems listed, and key documents kept
//! from an earlier check standing in for an issuer that has gone offline.

use serde_json::{Value, json};

use crate::server::{Issuer, Route};
use crate::signing;
use crate::util::Sandbox;
use crate::verify::{
    ANN, Alg, INTACT, add_identity, assert_outcome, did_key, did_key_method,
    import_and_verify_text, imported_id, multikey, ob3, tampered, vc_jwt, verify_each,
    with_jcs_proof,
};

/// A W3C Bitstring Status List test-suite file, unmodified.
fn w3c(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vc-bitstring-status-list")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A status list credential by the tests' `did:key` issuer, of type
/// `list_type`, with the credential subject of the W3C list `fixture`
/// (whose entry 201 is set), unsigned.
fn list_from(fixture: &str, list_type: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", list_type],
        "issuer": did_key(),
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": w3c(fixture)["credentialSubject"].clone(),
    })
}

/// The same list with an `eddsa-jcs-2022` proof by the tests' `did:key`.
fn signed_list(fixture: &str, list_type: &str) -> Value {
    with_jcs_proof(&list_from(fixture, list_type), &did_key_method())
}

/// The entry of the W3C credential `fixture`, of type `entry_type`, at
/// `index`, pointing at `list_url`.
fn entry_from(fixture: &str, entry_type: &str, index: &str, list_url: &str) -> Value {
    let mut entry = w3c(fixture)["credentialStatus"].clone();
    entry["type"] = entry_type.into();
    entry["statusListIndex"] = index.into();
    entry["statusListCredential"] = list_url.into();
    entry
}

/// Checks, for the learner, a VC-JWT by the tests' `did:key` carrying
/// `status`.
fn check_with_status(id: &str, status: Value) -> Value {
    let mut vc = ob3(&did_key(), id, ANN, "2024-01-01T00:00:00Z", None);
    vc["credentialStatus"] = status;
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    let jwt = vc_jwt(Alg::EdDsa, json!({"kid": did_key_method()}), &vc);
    import_and_verify_text(&sb, "c.jwt", &jwt).0
}

fn message(result: &Value) -> &str {
    result["message"].as_str().unwrap()
}

#[test]
fn the_w3c_lists_revoke_and_suspend_by_bitstring_and_status_list_2021() {
    let issuer = Issuer::start();
    let methods = [
        ("BitstringStatusListEntry", "BitstringStatusListCredential"),
        ("StatusList2021Entry", "StatusList2021Credential"),
    ];
    for (n, (entry_type, list_type)) in methods.into_iter().enumerate() {
        let single = format!("/{n}/single");
        let multi = format!("/{n}/multi");
        issuer.json(&single, &signed_list("single-purpose-ok.jsonld", list_type));
        // The same list as a VC-JWT.
        let jwt = vc_jwt(
            Alg::EdDsa,
            json!({"kid": did_key_method()}),
            &list_from("multi-purpose-ok.jsonld", list_type),
        );
        issuer.route(&multi, Route::Body("application/vc+jwt", jwt.into_bytes()));
        let revoked = |index: &str| {
            entry_from(
                "should-be-revoked.jsonld",
                entry_type,
                index,
                &issuer.url(&single),
            )
        };
        let suspended = |index: &str| {
            entry_from(
                "should-be-suspended.jsonld",
                entry_type,
                index,
                &issuer.url(&multi),
            )
        };
        let result = check_with_status("urn:uuid:50", revoked("201"));
        assert_outcome(&result, "revoked");
        assert!(
            message(&result).contains("marks entry 201 as revoked"),
            "{result}"
        );
        assert_eq!(result["evidence"]["status_list"][0]["type"], entry_type);
        assert_eq!(result["evidence"]["status_list"][0]["set"], true);

        let result = check_with_status("urn:uuid:51", suspended("201"));
        assert_outcome(&result, "suspended");
        assert!(
            message(&result).contains("has suspended this badge for now"),
            "{result}"
        );

        for status in [revoked("202"), suspended("202")] {
            let result = check_with_status("urn:uuid:52", status);
            assert_outcome(&result, "valid");
            assert!(message(&result).contains("signed status list"), "{result}");
        }
        // A list entry for another purpose is noted, not a failure.
        let mut message_entry = suspended("201");
        message_entry["statusPurpose"] = "message".into();
        let result = check_with_status("urn:uuid:53", message_entry);
        assert_outcome(&result, "valid");
        assert_eq!(result["evidence"]["status_list"][0]["purpose"], "message");
    }
}

#[test]
fn badges_naming_one_list_in_one_run_each_read_their_own_entry() {
    // The list's own proof is checked once per run and shared: each badge
    // must still get its own bit, and a list that cannot be believed must
    // say so for every badge that names it.
    let issuer = Issuer::start();
    let kind = "BitstringStatusListCredential";
    issuer.json("/good", &signed_list("single-purpose-ok.jsonld", kind));
    let mut cleared = signed_list("single-purpose-ok.jsonld", kind);
    cleared["credentialSubject"]["encodedList"] = crate::verify::bitstring(&[]).into();
    issuer.json("/cleared", &cleared);
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    let cases = [
        ("urn:uuid:60", "/good", "201", "revoked"),
        ("urn:uuid:61", "/good", "202", "valid"),
        ("urn:uuid:62", "/good", "201", "revoked"),
        ("urn:uuid:63", "/cleared", "202", "invalid"),
        ("urn:uuid:64", "/cleared", "201", "invalid"),
    ];
    let mut expected = std::collections::HashMap::new();
    for (id, list, index, outcome) in cases {
        let mut vc = ob3(&did_key(), id, ANN, "2024-01-01T00:00:00Z", None);
        vc["credentialStatus"] = entry_from(
            "should-be-revoked.jsonld",
            "BitstringStatusListEntry",
            index,
            &issuer.url(list),
        );
        let signed = with_jcs_proof(&vc, &did_key_method());
        let file = sb.write(&format!("{}.json", &id[9..]), signed.to_string());
        expected.insert(imported_id(&sb, &file), (list, outcome));
    }
    let results = verify_each(&sb);
    assert_eq!(results.len(), cases.len());
    for (badge, (list, outcome)) in expected {
        let result = &results[&badge];
        assert_outcome(result, outcome);
        if list == "/cleared" {
            assert!(
                message(result).contains("changed after it was signed"),
                "{result}"
            );
        }
    }
}

#[test]
fn a_status_list_is_believed_only_when_it_checks_out() {
    let issuer = Issuer::start();
    let kind = "BitstringStatusListCredential";
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key();
    let stranger_did = format!("did:key:{}", signing::multikey(&stranger));

    let mut cases: Vec<(&str, Value, &str, &str)> = vec![(
        "/w3c",
        w3c("single-purpose-ok.jsonld"),
        "invalid",
        "carries no proof",
    )];
    // Changed after signing: entry 201 cleared.
    let mut cleared = signed_list("single-purpose-ok.jsonld", kind);
    cleared["credentialSubject"]["encodedList"] = crate::verify::bitstring(&[]).into();
    cases.push((
        "/cleared",
        cleared,
        "invalid",
        "changed after it was signed",
    ));
    // Signed by the tests' key, but published in someone else's name.
    let mut foreign = list_from("single-purpose-ok.jsonld", kind);
    foreign["issuer"] = stranger_did.clone().into();
    let foreign = with_jcs_proof(&foreign, &did_key_method());
    cases.push(("/foreign", foreign, "invalid", "does not belong"));
    let mut expired = list_from("single-purpose-ok.jsonld", kind);
    expired["validUntil"] = "2024-06-01T00:00:00Z".into();
    cases.push((
        "/expired",
        with_jcs_proof(&expired, &did_key_method()),
        "invalid",
        "expired on 2024-06-01",
    ));
    cases.push((
        "/suspension-only",
        signed_list("single-purpose-fail.jsonld", kind),
        "invalid",
        "is not a list for revocation",
    ));
    cases.push((
        "/other-type",
        signed_list("single-purpose-ok.jsonld", "StatusList2021Credential"),
        "invalid",
        "is not a BitstringStatusListCredential",
    ));
    let mut unknown_proof = list_from("single-purpose-ok.jsonld", kind);
    unknown_proof["proof"] = json!({"type": "BbsBlsSignature2020", "proofPurpose": "assertionMethod",
        "verificationMethod": did_key_method(), "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk"});
    cases.push((
        "/unknown-proof",
        unknown_proof,
        "unsupported",
        "BbsBlsSignature2020",
    ));
    let key_url = issuer.url("/keys/list.json");
    issuer.route("/keys/list.json", Route::Status(503));
    let mut remote_key = list_from("single-purpose-ok.jsonld", kind);
    remote_key["issuer"] = issuer.url("/profile").into();
    cases.push((
        "/remote-key",
        with_jcs_proof(&remote_key, &key_url),
        "unreachable",
        "answered HTTP 503",
    ));

    for (path, list, outcome, says) in cases {
        issuer.json(path, &list);
        let mut vc = ob3(&did_key(), "urn:uuid:55", ANN, "2024-01-01T00:00:00Z", None);
        vc["credentialStatus"] = entry_from(
            "should-be-revoked.jsonld",
            "BitstringStatusListEntry",
            "201",
            &issuer.url(path),
        );
        let sb = Sandbox::new();
        add_identity(&sb, ANN);
        let signed = with_jcs_proof(&vc, &did_key_method());
        let (result, code) = import_and_verify_text(&sb, "c.json", &signed.to_string());
        assert_outcome(&result, outcome);
        assert_eq!(code, 1, "{path}");
        assert!(
            message(&result).contains("whether the issuer has revoked or suspended")
                || message(&result).contains("cannot say whether this badge is revoked"),
            "{path}: {result}"
        );
        assert!(message(&result).contains(says), "{path}: {result}");
    }

    // A VC-JWT list signed with a key it carries itself proves nothing.
    let self_keyed = vc_jwt(
        Alg::EdDsa,
        json!({"jwk": Alg::EdDsa.jwk()}),
        &list_from("single-purpose-ok.jsonld", kind),
    );
    issuer.route(
        "/self-keyed",
        Route::Body("application/vc+jwt", self_keyed.into_bytes()),
    );
    let result = check_with_status(
        "urn:uuid:56",
        entry_from(
            "should-be-revoked.jsonld",
            "BitstringStatusListEntry",
            "201",
            &issuer.url("/self-keyed"),
        ),
    );
    assert_outcome(&result, "invalid");
    assert!(
        message(&result).contains("names no key of its issuer"),
        "{result}"
    );
}

/// The outcomes of a result's `other_findings`, in order.
fn others(result: &Value) -> Vec<&str> {
    result["evidence"]["other_findings"]
        .as_array()
        .map(|found| found.iter().filter_map(|f| f["outcome"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn a_badge_with_several_problems_lists_them_all_and_the_most_serious_decides() {
    // No recipient, and expired: both proven; the broken rule decides.
    let mut vc = ob3(
        &did_key(),
        "urn:uuid:57",
        ANN,
        "2020-01-01T00:00:00Z",
        Some("2021-01-01T00:00:00Z"),
    );
    vc["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("identifier");
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    let signed = with_jcs_proof(&vc, &did_key_method());
    let (result, _) = import_and_verify_text(&sb, "c.json", &signed.to_string());
    assert_outcome(&result, "invalid");
    assert!(message(&result).contains("names no recipient"), "{result}");
    assert_eq!(others(&result), ["expired"], "{result}");

    // A status entry that is broken beside one that revokes, under a good
    // signature: every entry is checked.
    let issuer = Issuer::start();
    issuer.json(
        "/list",
        &signed_list("single-purpose-ok.jsonld", "BitstringStatusListCredential"),
    );
    let broken = json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListCredential": issuer.url("/list")});
    let revoking = entry_from(
        "should-be-revoked.jsonld",
        "BitstringStatusListEntry",
        "201",
        &issuer.url("/list"),
    );
    let result = check_with_status("urn:uuid:58", json!([broken, revoking]));
    assert_outcome(&result, "invalid");
    assert!(message(&result).contains("statusListIndex"), "{result}");
    assert_eq!(others(&result), ["revoked"], "{result}");

    // A status entry Satchel cannot check is listed, but what is proven
    // (expired) decides; alone it leaves the badge unconfirmed.
    let unknown = json!({"type": "FutureStatusEntry", "id": "https://issuer.example/status/1"});
    let mut vc = ob3(
        &did_key(),
        "urn:uuid:65",
        ANN,
        "2020-01-01T00:00:00Z",
        Some("2021-01-01T00:00:00Z"),
    );
    vc["credentialStatus"] = unknown.clone();
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    let jwt = vc_jwt(Alg::EdDsa, json!({"kid": did_key_method()}), &vc);
    let (result, _) = import_and_verify_text(&sb, "c.jwt", &jwt);
    assert_outcome(&result, "expired");
    assert_eq!(others(&result), ["unsupported"], "{result}");
    let result = check_with_status("urn:uuid:66", unknown);
    assert_outcome(&result, "unsupported");
    assert!(message(&result).contains("FutureStatusEntry"), "{result}");

    // Two proofs, one of a kind Satchel cannot check: the one that checks
    // out decides, and the other is listed without deciding.
    let credential = ob3(&did_key(), "urn:uuid:59", ANN, "2024-01-01T00:00:00Z", None);
    let mut both = with_jcs_proof(&credential, &did_key_method());
    let foreign = json!({"type": "BbsBlsSignature2020", "proofPurpose": "assertionMethod",
        "verificationMethod": did_key_method(), "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk"});
    both["proof"] = json!([foreign, both["proof"].clone()]);
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    let (result, code) = import_and_verify_text(&sb, "c.json", &both.to_string());
    assert_outcome(&result, "valid");
    assert_eq!(code, 0);
    assert_eq!(others(&result), ["unsupported"], "{result}");
}

#[test]
fn a_key_document_kept_from_an_earlier_check_stands_in_for_an_offline_issuer() {
    let issuer = Issuer::start();
    let did_web = crate::verify::did_web_of(&issuer);
    issuer.json(
        "/.well-known/did.json",
        &json!({"id": did_web, "verificationMethod": [{"id": format!("{did_web}#key-1"),
                "type": "Multikey", "controller": did_web, "publicKeyMultibase": multikey()}]}),
    );
    let profile = crate::verify::profile_listing(&issuer, "/issuers/1", &multikey(), &multikey());
    let sb = Sandbox::new();
    add_identity(&sb, ANN);
    // By did:web (the key only in its document), as a proof and as a VC-JWT,
    // and by a key URL whose fragment is the key; and one changed copy.
    let by_did_web = |id: &str| ob3(&did_web, id, ANN, "2024-01-01T00:00:00Z", None);
    let did_web_key = format!("{did_web}#key-1");
    let fragment_key = format!("{profile}#{}", multikey());
    let proof = with_jcs_proof(&by_did_web("urn:uuid:60"), &did_web_key);
    let jwt = vc_jwt(
        Alg::EdDsa,
        json!({"kid": did_web_key}),
        &by_did_web("urn:uuid:61"),
    );
    let fragment = with_jcs_proof(
        &ob3(&profile, "urn:uuid:62", ANN, "2024-01-01T00:00:00Z", None),
        &fragment_key,
    );
    let forged = tampered(
        &vc_jwt(
            Alg::EdDsa,
            json!({"kid": did_web_key}),
            &by_did_web("urn:uuid:63"),
        ),
        |c| c["vc"]["name"] = "Forged".into(),
    );
    let ids = [
        imported_id(&sb, &sb.write("a.json", proof.to_string())),
        imported_id(&sb, &sb.write("b.jwt", &jwt)),
        imported_id(&sb, &sb.write("c.json", fragment.to_string())),
    ];
    let forged_id = imported_id(&sb, &sb.write("d.jwt", &forged));
    let online = verify_each(&sb);
    for id in ids {
        assert_outcome(&online[&id], "valid");
    }
    assert_outcome(&online[&forged_id], "bad_signature");

    // The issuer's site answers 404: its documents are gone, so a kept copy
    // is not used.
    issuer.route("/.well-known/did.json", Route::Status(404));
    let gone = verify_each(&sb);
    assert_outcome(&gone[&ids[0]], "unreachable");
    assert!(
        !message(&gone[&ids[0]]).contains("confirmed as"),
        "{}",
        gone[&ids[0]]
    );

    // Offline: the kept copies check the signatures and date the owner.
    drop(issuer);
    let offline = verify_each(&sb);
    for (id, owner) in ids.iter().zip([&did_web, &did_web, &profile]) {
        let result = &offline[id];
        assert_outcome(result, "unreachable");
        let kept_from = result["evidence"]["key_document"]["kept_from"]
            .as_str()
            .unwrap();
        let when = chrono::DateTime::parse_from_rfc3339(kept_from)
            .unwrap()
            .format("%Y-%m-%d %H:%M UTC")
            .to_string();
        let text = message(result);
        assert!(text.contains(INTACT), "{text}");
        assert!(
            text.contains(&format!("confirmed as the issuer {owner} on {when}")),
            "{text}"
        );
        assert!(text.contains("could not be reached now"), "{text}");
        assert!(
            result["evidence"]["fetched"][0]["error"].is_string(),
            "{result}"
        );
    }
    assert_outcome(&offline[&forged_id], "bad_signature");
    assert!(!message(&offline[&forged_id]).contains(INTACT));

    // A key the kept copy does not hold may have been added since: not
    // invalid, only unconfirmed.
    let newer = with_jcs_proof(&by_did_web("urn:uuid:64"), &format!("{did_web}#key-2"));
    let newer_id = imported_id(&sb, &sb.write("e.json", newer.to_string()));
    let result = &verify_each(&sb)[&newer_id];
    assert_outcome(result, "unreachable");
    assert!(
        message(result).contains("does not show the key"),
        "{result}"
    );
    assert!(others(result).is_empty(), "{result}");
}
