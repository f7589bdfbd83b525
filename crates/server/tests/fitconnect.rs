//! The FIT-Connect relay and test destination against the real server process, with a sender
//! written here (josekit, like any other FIT-Connect SDK would): a correct submission is
//! decrypted, verified and filed; tampered ciphertext, a hash mismatch, metadata that violates
//! the schema, data that violate the payload schema and foreign destinations are refused with
//! a message that says what is wrong.

mod support;

use std::path::PathBuf;

use josekit::jwe::{JweHeader, RSA_OAEP_256};
use josekit::jwk::Jwk;
use serde_json::{json, Value};
use sha2::{Digest, Sha512};
use support::{root, Server};

const TOKEN: &str = "fit-connect-test-token";
const FORM: &str = "sondernutzung";

fn official_schema() -> Option<PathBuf> {
    let path = root().join("../shared/fixtures/fim/fit-connect/metadata.schema.v1.0.0.json");
    if path.exists() {
        Some(path)
    } else {
        eprintln!("NOTE: {} absent; the official metadata schema is not checked", path.display());
        None
    }
}

async fn start() -> Server {
    start_with(&[]).await
}

async fn start_with(extra: &[&str]) -> Server {
    support::start(|command| {
        command.arg("--forms-dir").arg(root().join("tests/e2e/forms")).args([
            "--inbox-token",
            TOKEN,
            "--fit-connect-test-destination",
            "--fit-connect-form",
            "sondernutzung=test",
        ]);
        if let Some(schema) = official_schema() {
            command.arg("--fit-connect-metadata-schema").arg(schema);
        }
        command.args(extra);
    })
    .await
}

fn sha512(bytes: &[u8]) -> String {
    Sha512::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn uuid() -> String {
    antrag_server::shared::uuid_v4()
}

/// What a sender does, with hooks to break it.
struct Sender {
    base: String,
    http: reqwest::Client,
    destination: String,
    kid: String,
    jwk: Jwk,
}

impl Sender {
    async fn new(server: &Server) -> Sender {
        let http = reqwest::Client::new();
        let transport: Value = support::json(http.get(format!("{}/forms/{FORM}/transport", server.base))).await;
        assert_eq!(transport["kind"], "fit-connect");
        let destination = transport["destinationId"].as_str().unwrap().to_owned();
        let info: Value =
            support::json(http.get(format!("{}/fit-connect/destinations/{destination}", server.base))).await;
        assert_eq!(info["status"], "active");
        let kid = info["encryptionKid"].as_str().unwrap().to_owned();
        let key: Value =
            support::json(http.get(format!("{}/fit-connect/destinations/{destination}/keys/{kid}", server.base))).await;
        assert_eq!(key["key_ops"], json!(["wrapKey"]));
        assert_eq!(key["alg"], "RSA-OAEP-256");
        assert!(key.get("d").is_none(), "the private key never leaves the destination");
        assert!(key["x5c"].as_array().is_some_and(|chain| chain.len() == 2), "the key comes with its chain: {key}");
        // josekit's encrypter wants `encrypt` in key_ops where WebCrypto and FIT-Connect say
        // `wrapKey`; the sender here only needs the public parts.
        let mut public = key.as_object().unwrap().clone();
        public.remove("key_ops");
        let jwk = Jwk::from_map(public).unwrap();
        Sender { base: server.base.clone(), http, destination, kid, jwk }
    }

    fn encrypt(&self, plain: &[u8], cty: &str) -> String {
        self.encrypt_with(plain, cty, |_| {})
    }

    /// Encrypt with a header `change` may add to.
    fn encrypt_with(&self, plain: &[u8], cty: &str, change: impl Fn(&mut JweHeader)) -> String {
        let mut header = JweHeader::new();
        header.set_content_encryption("A256GCM");
        header.set_key_id(&self.kid);
        header.set_content_type(cty);
        change(&mut header);
        let encrypter = RSA_OAEP_256.encrypter_from_jwk(&self.jwk).unwrap();
        josekit::jwe::serialize_compact(plain, &header, &encrypter).unwrap()
    }

    async fn create(&self, attachments: &[String]) -> String {
        let response = self
            .http
            .post(format!("{}/fit-connect/submissions", self.base))
            .json(&json!({
                "destinationId": self.destination,
                "announcedAttachments": attachments,
                "serviceType": { "name": "Test", "identifier": "urn:de:fim:leika:leistung:99108009000000" },
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["submissionId"].as_str().unwrap().to_owned()
    }

    async fn upload(&self, submission: &str, attachment: &str, jwe: String) -> u16 {
        self.http
            .put(format!("{}/fit-connect/submissions/{submission}/attachments/{attachment}", self.base))
            .header("content-type", "application/jose")
            .body(jwe)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn submit(&self, submission: &str, metadata: String, data: String) -> (u16, Value) {
        let response = self
            .http
            .put(format!("{}/fit-connect/submissions/{submission}", self.base))
            .json(&json!({ "encryptedMetadata": metadata, "encryptedData": data }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

struct Case {
    ids: [String; 2],
    files: [Vec<u8>; 2],
    data: Vec<u8>,
    metadata: Value,
}

fn case() -> Case {
    let ids = [uuid(), uuid()];
    let pdf = b"%PDF-1.7\n% test\n%%EOF\n".to_vec();
    let png = [&[0x89u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a][..], &[1u8; 64][..]].concat();
    let today = antrag_testing::today();
    let data = json!({ "anzeige": {
        "name": "Zeynep Kaya-Müller", "email": "zeynep@example.de", "beginn": today.add_days(7).to_string(),
        "lageplan": [{ "id": ids[0], "name": "lageplan.pdf", "size": pdf.len(), "mediaType": "application/pdf" }],
        "fotos": [{ "id": ids[1], "name": "flaeche.png", "size": png.len(), "mediaType": "image/png" }],
    }})
    .to_string()
    .into_bytes();
    let metadata = json!({
        "contentStructure": {
            "data": {
                "hash": { "type": "sha512", "content": sha512(&data) },
                "submissionSchema": { "schemaUri": "https://schema.antrag.dev/forms/sondernutzung/1.0.0/payload.schema.json", "mimeType": "application/json" },
            },
            "attachments": [
                { "attachmentId": ids[0], "hash": { "type": "sha512", "content": sha512(&pdf) }, "mimeType": "application/pdf", "filename": "lageplan.pdf", "purpose": "attachment" },
                { "attachmentId": ids[1], "hash": { "type": "sha512", "content": sha512(&png) }, "mimeType": "image/png", "filename": "flaeche.png", "purpose": "attachment" },
            ],
        },
        "replyChannel": { "eMail": { "address": "zeynep@example.de" } },
        "additionalReferenceInfo": { "applicationDate": today.to_string() },
    });
    Case { ids, files: [pdf, png], data, metadata }
}

/// Create, upload both files, submit; `tamper` may change the JWEs on the way.
async fn run(sender: &Sender, c: &Case, tamper: impl Fn(&str, String) -> String) -> (u16, Value) {
    let sid = sender.create(&c.ids).await;
    for (id, bytes) in c.ids.iter().zip(&c.files) {
        let jwe = tamper("attachment", sender.encrypt(bytes, "application/octet-stream"));
        assert_eq!(sender.upload(&sid, id, jwe).await, 204);
    }
    let metadata = tamper("metadata", sender.encrypt(c.metadata.to_string().as_bytes(), "application/json"));
    let data = tamper("data", sender.encrypt(&c.data, "application/json"));
    sender.submit(&sid, metadata, data).await
}

#[tokio::test]
async fn a_correct_submission_is_decrypted_verified_and_filed() {
    let server = start().await;
    let sender = Sender::new(&server).await;
    let c = case();
    let (status, body) = run(&sender, &c, |_, jwe| jwe).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "submitted");
    let reference = body["reference"].as_str().unwrap();
    assert!(reference.starts_with("SNU-"), "{reference}");
    let stored: Value =
        support::json(sender.http.get(format!("{}/inbox/submissions/{reference}", server.base)).bearer_auth(TOKEN))
            .await;
    assert_eq!(stored["payload"]["anzeige"]["name"], "Zeynep Kaya-Müller");
    assert_eq!(stored["attachments"].as_array().unwrap().len(), 2);
    let file = sender
        .http
        .get(format!("{}/inbox/attachments/{}", server.base, c.ids[0]))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(file.as_ref(), c.files[0].as_slice());
}

async fn refused(tamper: impl Fn(&str, String) -> String, change: impl Fn(&mut Case), expected: &str) {
    let server = start().await;
    let sender = Sender::new(&server).await;
    let mut c = case();
    change(&mut c);
    let (status, body) = run(&sender, &c, tamper).await;
    assert_eq!(status, 422, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(expected), "expected \"{expected}\" in: {detail}");
    assert!(!detail.contains("Zeynep"), "no personal data in the message: {detail}");
    // Nothing was filed.
    let list: Value =
        support::json(sender.http.get(format!("{}/inbox/submissions", server.base)).bearer_auth(TOKEN)).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn tampered_ciphertext_is_refused() {
    let flip = |what: &str, jwe: String| {
        if what != "attachment" {
            return jwe;
        }
        let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
        let first = if parts[3].starts_with('A') { "B" } else { "A" };
        parts[3] = format!("{first}{}", &parts[3][1..]);
        parts.join(".")
    };
    refused(flip, |_| {}, "decryption failed").await;
}

#[tokio::test]
async fn a_hash_mismatch_is_refused() {
    refused(
        |_, jwe| jwe,
        |c| c.metadata["contentStructure"]["attachments"][1]["hash"]["content"] = json!(sha512(b"something else")),
        "hash mismatch",
    )
    .await;
    refused(|_, jwe| jwe, |c| c.data = br#"{"anzeige":{}}"#.to_vec(), "hash mismatch").await;
}

#[tokio::test]
async fn metadata_that_violates_the_schema_is_refused() {
    refused(
        |_, jwe| jwe,
        |c| c.metadata["contentStructure"]["data"]["hash"]["type"] = json!("md5"),
        "metadata violates the metadata schema",
    )
    .await;
}

#[tokio::test]
async fn data_that_violate_the_payload_schema_are_refused() {
    refused(
        |_, jwe| jwe,
        |c| {
            let mut data: Value = serde_json::from_slice(&c.data).unwrap();
            data["anzeige"]["beginn"] = json!(20270115);
            c.data = data.to_string().into_bytes();
            c.metadata["contentStructure"]["data"]["hash"]["content"] = json!(sha512(&c.data));
        },
        "data violate the payload schema",
    )
    .await;
}

#[tokio::test]
async fn the_relay_is_no_open_proxy_and_plain_submissions_are_refused() {
    let server = start().await;
    let http = reqwest::Client::new();
    let other = uuid();
    let r = http.get(format!("{}/fit-connect/destinations/{other}", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = http
        .post(format!("{}/fit-connect/submissions", server.base))
        .json(&json!({ "destinationId": other, "announcedAttachments": [], "serviceType": { "identifier": "urn:de:fim:leika:leistung:1" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = http
        .put(format!("{}/fit-connect/submissions/{}", server.base, uuid()))
        .json(&json!({ "encryptedMetadata": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // The open contract takes no plain text for a FIT-Connect form.
    let r = http
        .post(format!("{}/submissions", server.base))
        .header("idempotency-key", uuid())
        .json(&json!({ "formId": FORM, "formVersion": "1.0.0", "language": "de", "data": {}, "clientDate": antrag_testing::today().to_string() }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.unwrap();
    assert!(body["type"].as_str().unwrap().ends_with("fit-connect-only"), "{body}");
    // The test destination itself wants a token.
    let origin = server.base.trim_end_matches("/api/v1");
    let r = http.get(format!("{origin}/fit-connect-test/v1/destinations/{other}")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn compressed_or_critical_jwe_is_refused_before_it_is_decrypted() {
    // A compressed JWE inflates inside the decrypter without bound (a decompression bomb):
    // refused even when what it carries is a correct application.
    let server = start().await;
    let sender = Sender::new(&server).await;
    let c = case();
    let sid = sender.create(&c.ids).await;
    for (id, bytes) in c.ids.iter().zip(&c.files) {
        assert_eq!(sender.upload(&sid, id, sender.encrypt(bytes, "application/octet-stream")).await, 204);
    }
    let metadata = sender.encrypt(c.metadata.to_string().as_bytes(), "application/json");
    let data = sender.encrypt_with(&c.data, "application/json", |h| h.set_compression("DEF"));
    let (status, body) = sender.submit(&sid, metadata, data).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("compressed JWE"), "{body}");

    refused(
        |what, jwe| {
            if what != "metadata" {
                return jwe;
            }
            // The same JWE with a critical extension in its protected header.
            let mut parts: Vec<String> = jwe.split('.').map(str::to_owned).collect();
            let mut header: Value = serde_json::from_slice(&b64(&parts[0])).unwrap();
            header["crit"] = json!(["urn:example:unknown"]);
            header["urn:example:unknown"] = json!(true);
            parts[0] = b64_encode(header.to_string().as_bytes());
            parts.join(".")
        },
        |_| {},
        "critical extensions",
    )
    .await;
}

fn b64(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn b64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn the_test_destination_holds_a_bounded_amount_of_uploads() {
    // Uploads of at most 3,000 bytes: a JWE of at most 8,096; the destination holds 16 of them.
    let server = start_with(&["--max-upload-bytes", "3000"]).await;
    let sender = Sender::new(&server).await;
    let file = vec![7u8; 2900];
    let ids: Vec<String> = (0..10).map(|_| uuid()).collect();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let sid = sender.create(&ids).await;
        for id in &ids {
            statuses.push(sender.upload(&sid, id, sender.encrypt(&file, "application/octet-stream")).await);
        }
    }
    let accepted = statuses.iter().filter(|s| **s == 204).count();
    assert!((16..40).contains(&accepted), "{statuses:?}");
    assert!(statuses[accepted..].iter().all(|s| *s == 503), "refused once full, with 503: {statuses:?}");
}

#[tokio::test]
async fn an_upload_past_the_limit_is_cut_off_while_it_streams() {
    let server = start_with(&["--max-upload-bytes", "3000"]).await;
    let sender = Sender::new(&server).await;
    let id = uuid();
    let sid = sender.create(std::slice::from_ref(&id)).await;
    let url = format!("{}/fit-connect/submissions/{sid}/attachments/{id}", sender.base);
    // Announced too large: refused before a byte is read.
    let announced = sender.http.put(&url).body(vec![b'a'; 20_000]).send().await.unwrap();
    assert_eq!(announced.status(), 413);
    // Sent in chunks without a length: cut off once past the limit.
    let chunks = futures_util::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1000])));
    let streamed = sender.http.put(&url).body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();
    assert_eq!(streamed.status(), 413);
    // A JWE within the limit still goes through.
    assert_eq!(sender.upload(&sid, &id, sender.encrypt(&[7u8; 1000], "application/octet-stream")).await, 204);
}

#[tokio::test]
async fn a_key_whose_chain_ends_in_no_trusted_root_is_not_passed_on() {
    // The relay trusts only the roots it is given: here a CA the test made, which did not
    // issue the test destination's key.
    let dir = tempfile::tempdir().unwrap();
    let roots = dir.path().join("roots.pem");
    let (other, _) = antrag_server::fitconnect::keytrust::test_ca("Fremde Wurzel", 946_684_800, 4_102_444_800).unwrap();
    std::fs::write(&roots, other.to_pem().unwrap()).unwrap();
    let server = start_with(&["--fit-connect-trust-roots", roots.to_str().unwrap()]).await;
    let r = fetch_key(&server).await;
    assert_eq!(r.status(), 502);
    let body: Value = r.json().await.unwrap();
    assert!(body["type"].as_str().unwrap().ends_with("fit-connect-key-untrusted"), "{body}");
    assert!(body["detail"].as_str().unwrap().contains("does not verify"), "{body}");
    assert!(body.get("n").is_none(), "the untrusted key itself is not passed on");
}

#[tokio::test]
async fn without_a_current_revocation_list_for_its_chain_a_key_is_not_passed_on() {
    // Revocation lists are configured, but none of them is from the CA of the test
    // destination's key: the relay fails closed.
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists.pem");
    let (ca, key) = antrag_server::fitconnect::keytrust::test_ca("Andere CA", 946_684_800, 4_102_444_800).unwrap();
    let list = antrag_server::fitconnect::keytrust::test_crl(&ca, &key, &[], 946_684_800, 4_102_444_800).unwrap();
    std::fs::write(&lists, list.to_pem().unwrap()).unwrap();
    let server = start_with(&["--fit-connect-crls", lists.to_str().unwrap()]).await;
    let r = fetch_key(&server).await;
    assert_eq!(r.status(), 502);
    let body: Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("no current revocation list"), "{body}");
}

/// The destination's key through the relay, as a browser asks for it.
async fn fetch_key(server: &Server) -> reqwest::Response {
    let http = reqwest::Client::new();
    let transport: Value = support::json(http.get(format!("{}/forms/{FORM}/transport", server.base))).await;
    let destination = transport["destinationId"].as_str().unwrap();
    let info: Value = support::json(http.get(format!("{}/fit-connect/destinations/{destination}", server.base))).await;
    let kid = info["encryptionKid"].as_str().unwrap();
    http.get(format!("{}/fit-connect/destinations/{destination}/keys/{kid}", server.base)).send().await.unwrap()
}

#[tokio::test]
async fn the_relay_knows_its_submissions_after_a_restart() {
    // Which submissions were started through the relay lives in the store, not in one
    // process's memory: a server started again on the same data continues them.
    let data = tempfile::tempdir().unwrap();
    let forms = root().join("forms");
    let flags = |command: &mut std::process::Command| {
        command.arg("--forms-dir").arg(root().join("tests/e2e/forms"));
        command.args(["--fit-connect-test-destination", "--fit-connect-form", "sondernutzung=test"]);
    };
    let first = support::start_in(data.path(), &forms, flags).await;
    let sender = Sender::new(&first).await;
    let attachment = uuid();
    let submission = sender.create(std::slice::from_ref(&attachment)).await;
    drop(first);

    let second = support::start_in(data.path(), &forms, flags).await;
    let http = reqwest::Client::new();
    let relay = |id: &str| format!("{}/fit-connect/submissions/{id}/attachments/{attachment}", second.base);
    let unknown =
        http.put(relay(&uuid())).header("content-type", "application/jose").body("x.y.z.a.b").send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let unknown: Value = unknown.json().await.unwrap();
    assert!(unknown["detail"].as_str().unwrap().contains("created through this server"), "{unknown}");
    // The one started before the restart passes the relay (the built-in test destination,
    // which keeps its submissions in memory by design, then answers for itself).
    let known =
        http.put(relay(&submission)).header("content-type", "application/jose").body("x.y.z.a.b").send().await.unwrap();
    let status = known.status();
    let body = known.text().await.unwrap();
    assert!(!body.contains("created through this server"), "{status} {body}");
}
