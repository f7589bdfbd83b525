//! The conformance kit: checks any backend against the contract (docs/api/openapi.yaml) —
//! catalog, definitions and ETags, idempotency (replays, reuse, concurrent duplicates), the 422
//! report shape, limits, sniffed uploads and problem+json — and prints a pass/fail table.
//! Response bodies are validated against the schemas of the OpenAPI document itself.

use std::collections::BTreeMap;
use std::time::Duration;

use antrag_core::{Answers, FieldPath, FileRef};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

/// The contract, as published.
pub const OPENAPI: &str = include_str!("../../../docs/api/openapi.yaml");

/// Example answers of the demo forms, for backends that serve them.
const BUILT_IN_EXAMPLES: &[(&str, &str)] = &[
    ("bewohnerparkausweis", include_str!("../../../forms/examples/bewohnerparkausweis.json")),
    ("hundesteuer", include_str!("../../../forms/examples/hundesteuer.json")),
    ("meldebescheinigung", include_str!("../../../forms/examples/meldebescheinigung.json")),
    ("wohngeld", include_str!("../../../forms/examples/wohngeld.json")),
];

/// What to check against.
#[derive(Debug, Clone)]
pub struct Options {
    /// API base, e.g. `http://127.0.0.1:8080/api/v1`.
    pub base_url: String,
    /// Form to submit (default: the first catalog form with known example answers).
    pub form: Option<String>,
    /// Valid answers for that form (default: the built-in examples).
    pub answers: Option<Value>,
    /// Extra headers every request carries (a platform credential).
    pub headers: Vec<(String, String)>,
    /// The day the submissions are dated (`clientDate`) and the examples' relative dates are
    /// resolved for: the backend's today (`Clock::system().today()` against a real backend).
    pub today: antrag_core::Date,
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Short name.
    pub name: String,
    /// Passed?
    pub passed: bool,
    /// What was seen.
    pub detail: String,
}

/// Every check's outcome.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The checks in the order run.
    pub checks: Vec<Check>,
}

impl Outcome {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    /// The table as text.
    pub fn table(&self) -> String {
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut out = String::new();
        for c in &self.checks {
            out.push_str(&format!("{}  {:width$}  {}\n", if c.passed { "PASS" } else { "FAIL" }, c.name, c.detail));
        }
        let failed = self.checks.iter().filter(|c| !c.passed).count();
        out.push_str(&format!(
            "{} checks, {} passed, {} failed\n",
            self.checks.len(),
            self.checks.len() - failed,
            failed
        ));
        out
    }

    fn record(&mut self, name: &str, result: Result<String, String>) -> bool {
        let (passed, detail) = match result {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        self.checks.push(Check { name: name.to_owned(), passed, detail });
        passed
    }
}

/// Validates JSON against the OpenAPI document's component schemas.
pub struct Schemas {
    components: Value,
}

impl Schemas {
    /// Parse the embedded OpenAPI document.
    pub fn load() -> Result<Schemas, String> {
        let doc: Value = serde_yaml_ng::from_str(OPENAPI).map_err(|e| format!("openapi.yaml: {e}"))?;
        Ok(Schemas { components: doc["components"].clone() })
    }

    /// Problems of `instance` against `#/components/schemas/<name>` (empty: valid).
    pub fn check(&self, name: &str, instance: &Value) -> Vec<String> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}"), "components": self.components });
        match jsonschema::draft202012::new(&schema) {
            Ok(validator) => {
                validator.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).collect()
            }
            Err(e) => vec![format!("schema {name}: {e}")],
        }
    }
}

struct Kit {
    client: Client,
    base: String,
    schemas: Schemas,
    headers: Vec<(String, String)>,
}

impl Kit {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.with_headers(self.client.get(self.url(path)))
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.with_headers(self.client.post(self.url(path)))
    }

    fn with_headers(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        for (k, v) in &self.headers {
            request = request.header(k, v);
        }
        request
    }

    /// A response's body as JSON, checked against a schema.
    async fn json(&self, response: Response, schema: &str) -> Result<Value, String> {
        let body: Value = response.json().await.map_err(|e| format!("body is not JSON: {e}"))?;
        let problems = self.schemas.check(schema, &body);
        if problems.is_empty() {
            Ok(body)
        } else {
            Err(format!("{schema} schema: {}", problems.join("; ")))
        }
    }

    /// A problem+json answer with the expected status.
    async fn problem(&self, response: Response, status: StatusCode, schema: &str) -> Result<Value, String> {
        if response.status() != status {
            return Err(format!("expected {status}, got {}", response.status()));
        }
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        if !content_type.starts_with("application/problem+json") {
            return Err(format!("expected application/problem+json, got {content_type:?}"));
        }
        self.json(response, schema).await
    }

    async fn submit(&self, body: &Value, key: Option<&str>) -> Result<Response, String> {
        let mut request = self.post("/submissions").json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.map_err(|e| format!("request failed: {e}"))
    }
}

/// A new random idempotency key (a UUID, as the contract recommends).
pub fn new_key() -> String {
    crate::shared::uuid_v4()
}

/// The shared examples of a known demo form, their relative dates resolved for `today`.
fn built_in_examples(form: &str, today: antrag_core::Date) -> Option<Value> {
    let (_, text) = BUILT_IN_EXAMPLES.iter().find(|(id, _)| *id == form)?;
    let mut examples: Value = serde_json::from_str(text).ok()?;
    antrag_core::examples::resolve(&mut examples, today).ok()?;
    Some(examples)
}

/// Valid example answers of a known demo form, their relative dates resolved for `today`.
pub fn built_in_answers(form: &str, today: antrag_core::Date) -> Option<Value> {
    built_in_examples(form, today)?["valid"].as_object()?.values().next().cloned()
}

/// Invalid example answers of a known demo form (name, answers), their relative dates resolved
/// for `today`; empty for other forms.
pub fn built_in_invalid(form: &str, today: antrag_core::Date) -> Vec<(String, Value)> {
    let Some(examples) = built_in_examples(form, today) else { return Vec::new() };
    let invalid = examples["invalid"].as_object().cloned().unwrap_or_default();
    invalid.into_iter().map(|(name, case)| (name, case["answers"].clone())).collect()
}

/// The paths and codes of a report, for a message.
fn report_summary(issues: &Value) -> String {
    let items: Vec<String> = issues
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| format!("{} {}", i["path"].as_str().unwrap_or("?"), i["code"].as_str().unwrap_or("?")))
                .collect()
        })
        .unwrap_or_default();
    format!("[{}]", items.join(", "))
}

/// Content whose magic bytes make a sniffer see `media_type`.
pub fn sample_file(media_type: &str) -> Vec<u8> {
    match media_type {
        "image/png" => [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat(),
        "image/jpeg" => [&[0xff, 0xd8, 0xff, 0xe0, 0, 16][..], b"JFIF\0", &[1u8; 64], &[0xff, 0xd9]].concat(),
        _ => b"%PDF-1.4\n% antrag conformance\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec(),
    }
}

/// Upload every file the answers reference (fresh content of the named type) and put the
/// backend's references into the answers.
pub async fn upload_files(
    client: &Client,
    base: &str,
    headers: &[(String, String)],
    form: &antrag_core::Form,
    answers: &mut Answers,
) -> Result<(), String> {
    let def = form.def();
    for (path, files) in antrag_core::file_refs(form, answers) {
        let mut uploaded: Vec<FileRef> = Vec::new();
        for file in files {
            let url = format!("{}/forms/{}/versions/{}/attachments", base.trim_end_matches('/'), def.id, def.version);
            let mut request = client.post(url).query(&[("field", path.static_path()), ("name", file.name.clone())]);
            for (k, v) in headers {
                request = request.header(k, v);
            }
            let response =
                request.body(sample_file(&file.media_type)).send().await.map_err(|e| format!("upload failed: {e}"))?;
            if response.status() != StatusCode::CREATED {
                return Err(format!("upload of {} answered {}", file.name, response.status()));
            }
            uploaded.push(response.json().await.map_err(|e| format!("upload answer: {e}"))?);
        }
        antrag_core::answers::set(answers, &path, serde_json::to_value(uploaded).unwrap_or(Value::Null));
    }
    Ok(())
}

/// Run every check.
pub async fn run(options: Options) -> Outcome {
    let mut out = Outcome::default();
    let schemas = match Schemas::load() {
        Ok(s) => s,
        Err(e) => {
            out.record("contract", Err(e));
            return out;
        }
    };
    let client = Client::builder().timeout(Duration::from_secs(60)).build().expect("http client");
    let kit = Kit { client, base: options.base_url.clone(), schemas, headers: options.headers.clone() };

    // Health and catalog.
    let health = async {
        let r = kit.get("/health").send().await.map_err(|e| e.to_string())?;
        if r.status() != StatusCode::OK {
            return Err(format!("status {}", r.status()));
        }
        kit.json(r, "Health").await.map(|_| "ok".to_owned())
    };
    out.record("health", health.await);
    let catalog = async {
        let r = kit.get("/forms").send().await.map_err(|e| e.to_string())?;
        if r.status() != StatusCode::OK {
            return Err(format!("status {}", r.status()));
        }
        kit.json(r, "Catalog").await
    }
    .await;
    let forms: Vec<Value> = match &catalog {
        Ok(c) => c["forms"].as_array().cloned().unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    out.record("catalog", catalog.as_ref().map(|_| format!("{} form(s)", forms.len())).map_err(Clone::clone));
    let chosen = options.form.clone().or_else(|| {
        forms
            .iter()
            .filter_map(|f| f["id"].as_str())
            .find(|id| built_in_answers(id, options.today).is_some())
            .map(str::to_owned)
    });
    let Some(form_id) = chosen else {
        out.record("form", Err("no form with known example answers; pass --form and --answers".into()));
        return out;
    };
    let Some(valid) = options.answers.clone().or_else(|| built_in_answers(&form_id, options.today)) else {
        out.record("form", Err(format!("no example answers for {form_id}; pass --answers")));
        return out;
    };

    // Definition, ETag, versions.
    let mut etag = String::new();
    let definition = async {
        let r = kit.get(&format!("/forms/{form_id}")).send().await.map_err(|e| e.to_string())?;
        if r.status() != StatusCode::OK {
            return Err(format!("status {}", r.status()));
        }
        etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let body = kit.json(r, "Definition").await?;
        let form = antrag_core::Form::new(
            antrag_core::lint::parse_value(body.clone()).map_err(|p| format!("does not parse: {}", p[0]))?,
        )
        .map_err(|p| format!("does not lint: {}", p[0]))?;
        Ok(form)
    }
    .await;
    let form = match definition {
        Ok(form) => {
            out.record(
                "definition",
                Ok(format!("{} {} lints clean with antrag-core", form.def().id, form.def().version)),
            );
            form
        }
        Err(e) => {
            out.record("definition", Err(e));
            return out;
        }
    };
    let version = form.def().version.clone();
    let etag_check = async {
        if etag.is_empty() {
            return Err("no ETag".to_owned());
        }
        let r = kit
            .get(&format!("/forms/{form_id}"))
            .header("If-None-Match", &etag)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status() == StatusCode::NOT_MODIFIED {
            Ok(format!("304 for {etag}"))
        } else {
            Err(format!("expected 304, got {}", r.status()))
        }
    };
    out.record("definition.etag", etag_check.await);
    let versioned = async {
        let r = kit.get(&format!("/forms/{form_id}/versions/{version}")).send().await.map_err(|e| e.to_string())?;
        if r.status() != StatusCode::OK {
            return Err(format!("status {}", r.status()));
        }
        kit.json(r, "Definition").await.map(|_| format!("version {version}"))
    };
    out.record("definition.version", versioned.await);
    let unknown = async {
        let r = kit.get("/forms/no-such-form-conformance").send().await.map_err(|e| e.to_string())?;
        kit.problem(r, StatusCode::NOT_FOUND, "Problem").await.map(|_| "404 problem+json".to_owned())
    };
    out.record("definition.unknown", unknown.await);

    // Attachments: sniffed types and the checksum.
    let mut answers: Answers = serde_json::from_value(valid).unwrap_or_default();
    let file_field = find_file_field(&form);
    if let Some((field_path, allowed)) = &file_field {
        let pdf_allowed =
            allowed.is_empty() || allowed.iter().any(|a| antrag_core::media_type_matches(a, "application/pdf"));
        let upload = |content: Vec<u8>, name: &str| {
            kit.post(&format!("/forms/{form_id}/versions/{version}/attachments"))
                .query(&[("field", field_path.as_str()), ("name", name)])
                .body(content)
                .send()
        };
        if pdf_allowed {
            let content = sample_file("application/pdf");
            let check = async {
                let r = upload(content.clone(), "conformance.pdf").await.map_err(|e| e.to_string())?;
                if r.status() != StatusCode::CREATED {
                    return Err(format!("status {}", r.status()));
                }
                let body = kit.json(r, "FileRef").await?;
                use sha2::Digest;
                let expected = crate::shared::hex(&sha2::Sha512::digest(&content));
                if body["sha512"] != json!(expected) {
                    return Err("sha512 does not match the content".into());
                }
                if body["mediaType"] != json!("application/pdf") {
                    return Err(format!("sniffed {} for a PDF", body["mediaType"]));
                }
                Ok("201, sniffed application/pdf, SHA-512 matches".to_owned())
            };
            out.record("upload", check.await);
        }
        let disguised = async {
            // An executable named .pdf: the type comes from the content, not the name.
            let r = upload(b"MZ\x90\x00\x03 this is not a document".to_vec(), "invoice.pdf")
                .await
                .map_err(|e| e.to_string())?;
            if allowed.is_empty() {
                return Ok(format!("field accepts any type ({})", r.status()));
            }
            kit.problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "MediaTypeProblem")
                .await
                .map(|_| "415 for disguised content".to_owned())
        };
        out.record("upload.sniffing", disguised.await);
    }
    if let Err(e) = upload_files(&kit.client, &kit.base, &kit.headers, &form, &mut answers).await {
        out.record("upload.examples", Err(e));
    }

    // Submissions.
    let body = |data: &Answers| json!({"formId": form_id, "formVersion": version, "language": form.def().default_language, "data": data, "clientDate": options.today.to_string()});
    let missing_key = async {
        let r = kit.submit(&body(&answers), None).await?;
        kit.problem(r, StatusCode::BAD_REQUEST, "Problem").await.map(|_| "400 without Idempotency-Key".to_owned())
    };
    out.record("submit.key_required", missing_key.await);
    let bad_json = async {
        let r = kit
            .post("/submissions")
            .header("Idempotency-Key", new_key())
            .header("content-type", "application/json")
            .body("{\"formId\":")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        kit.problem(r, StatusCode::BAD_REQUEST, "Problem").await.map(|_| "400 for malformed JSON".to_owned())
    };
    out.record("submit.bad_json", bad_json.await);
    let invalid = async {
        let r = kit.submit(&body(&Answers::new()), Some(&new_key())).await?;
        let problem = kit.problem(r, StatusCode::UNPROCESSABLE_ENTITY, "ValidationProblem").await?;
        let report: antrag_core::Report =
            serde_json::from_value(problem["issues"].clone()).map_err(|e| format!("issues are not a report: {e}"))?;
        for issue in &report.issues {
            FieldPath::parse(&issue.path.to_string()).map_err(|e| e.to_string())?;
        }
        Ok(format!("422 with {} issue(s) in antrag-core's report format", report.issues.len()))
    };
    out.record("submit.invalid", invalid.await);
    // "Compliant" means "validates like Antrag": each shared invalid example gets exactly the
    // report antrag-core gives for the same answers on the same day.
    let same_reports = async {
        let cases = built_in_invalid(&form_id, options.today);
        if cases.is_empty() {
            return Ok(format!("no shared invalid examples for {form_id}: nothing to compare"));
        }
        let ctx = antrag_core::Context::on(options.today);
        let (mut compared, mut skipped) = (0, Vec::new());
        for (name, answers) in cases {
            let mut answers: Answers =
                serde_json::from_value(answers).map_err(|e| format!("{name}: the example is not answers: {e}"))?;
            if let Err(e) = upload_files(&kit.client, &kit.base, &kit.headers, &form, &mut answers).await {
                // A file the backend rightly refuses (a wrong type) never reaches a submission.
                skipped.push(format!("{name} ({e})"));
                continue;
            }
            let r = kit.submit(&body(&answers), Some(&new_key())).await?;
            let problem = kit
                .problem(r, StatusCode::UNPROCESSABLE_ENTITY, "ValidationProblem")
                .await
                .map_err(|e| format!("{name}: {e}"))?;
            let expected = serde_json::to_value(antrag_core::validate(&form, &answers, &ctx)).unwrap_or_default();
            if problem["issues"] != expected {
                return Err(format!(
                    "{name}: the backend reports {} where antrag-core reports {}",
                    report_summary(&problem["issues"]),
                    report_summary(&expected)
                ));
            }
            compared += 1;
        }
        let skipped =
            if skipped.is_empty() { String::new() } else { format!("; not sendable: {}", skipped.join(", ")) };
        Ok(format!("{compared} shared invalid example(s) of {form_id}: the same report as antrag-core{skipped}"))
    };
    out.record("submit.same_reports", same_reports.await);
    let wrong_version = async {
        let mut b = body(&answers);
        b["formVersion"] = json!("0.0.0-conformance");
        let r = kit.submit(&b, Some(&new_key())).await?;
        let p = kit.problem(r, StatusCode::CONFLICT, "VersionProblem").await?;
        Ok(format!("409, current version {}", p["currentVersion"]))
    };
    out.record("submit.version_changed", wrong_version.await);
    let oversized = async {
        // Its own connection: a server may answer before reading the body and close it, which
        // must not disturb the connections of the other checks.
        let once = Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        let mut request = once
            .post(kit.url("/submissions"))
            .header("Idempotency-Key", new_key())
            .header("content-type", "application/json");
        for (k, v) in &kit.headers {
            request = request.header(k, v);
        }
        let r = request.body(vec![b' '; 4 * 1024 * 1024]).send().await.map_err(|e| e.to_string())?;
        kit.problem(r, StatusCode::PAYLOAD_TOO_LARGE, "Problem").await.map(|_| "413 for a 4 MB body".to_owned())
    };
    out.record("submit.body_limit", oversized.await);

    let key = new_key();
    let valid_body = body(&answers);
    let mut reference = String::new();
    let mut status_url = String::new();
    let created = async {
        let r = kit.submit(&valid_body, Some(&key)).await?;
        if r.status() != StatusCode::CREATED {
            let status = r.status();
            let text = r.text().await.unwrap_or_default();
            return Err(format!("expected 201, got {status}: {}", text.chars().take(300).collect::<String>()));
        }
        let receipt = kit.json(r, "Receipt").await?;
        reference = receipt["reference"].as_str().unwrap_or("").to_owned();
        status_url = receipt["statusUrl"].as_str().unwrap_or("").to_owned();
        Ok(format!("201 {reference}"))
    };
    let stored = out.record("submit.valid", created.await);
    if stored {
        let replay = async {
            let r = kit.submit(&valid_body, Some(&key)).await?;
            let replayed = r.headers().get("idempotent-replayed").is_some();
            let receipt = kit.json(r, "Receipt").await?;
            if receipt["reference"] != json!(reference) {
                return Err(format!("a retry got {} instead of {reference}", receipt["reference"]));
            }
            Ok(format!("same reference{}", if replayed { ", Idempotent-Replayed: true" } else { "" }))
        };
        out.record("idempotency.replay", replay.await);
        let concurrent = async {
            let key = new_key();
            let requests = (0..8).map(|_| kit.submit(&valid_body, Some(&key)));
            let mut references = BTreeMap::new();
            for result in futures_util::future::join_all(requests).await {
                let r = result?;
                if r.status() != StatusCode::CREATED {
                    return Err(format!("a concurrent duplicate got {}", r.status()));
                }
                let receipt: Value = r.json().await.map_err(|e| e.to_string())?;
                *references.entry(receipt["reference"].as_str().unwrap_or("").to_owned()).or_insert(0) += 1;
            }
            if references.len() == 1 {
                Ok(format!(
                    "8 concurrent requests, one reference {}",
                    references.keys().next().unwrap_or(&String::new())
                ))
            } else {
                Err(format!("concurrent duplicates produced {} references", references.len()))
            }
        };
        out.record("idempotency.concurrent", concurrent.await);
        let reused = async {
            let mut other = valid_body.clone();
            other["clientDate"] = json!("1999-01-01");
            let r = kit.submit(&other, Some(&key)).await?;
            kit.problem(r, StatusCode::UNPROCESSABLE_ENTITY, "Problem")
                .await
                .map(|_| "422 for a key reused with another body".to_owned())
        };
        out.record("idempotency.key_reuse", reused.await);
        let status = async {
            let path = status_url.strip_prefix("/api/v1").unwrap_or(&status_url).to_owned();
            let r = kit.get(&path).send().await.map_err(|e| e.to_string())?;
            if r.status() != StatusCode::OK {
                return Err(format!("status link answered {}", r.status()));
            }
            let s = kit.json(r, "Status").await?;
            if s["reference"] != json!(reference) {
                return Err("status names another submission".into());
            }
            Ok(format!("status {}", s["status"]))
        };
        out.record("status", status.await);
    }
    out
}

/// The first file field and its allowed media types.
fn find_file_field(form: &antrag_core::Form) -> Option<(String, Vec<String>)> {
    fn walk(nodes: &[antrag_core::Node], prefix: &str) -> Option<(String, Vec<String>)> {
        for node in nodes {
            let path = if prefix.is_empty() { node.key().to_owned() } else { format!("{prefix}.{}", node.key()) };
            match node {
                antrag_core::Node::Field(f) if f.datatype == antrag_core::DataType::File => {
                    return Some((path, f.constraints.media_types.clone()));
                }
                antrag_core::Node::Field(_) => {}
                antrag_core::Node::Group(g) if !g.is_list() => {
                    if let Some(found) = walk(&g.items, &path) {
                        return Some(found);
                    }
                }
                antrag_core::Node::Group(_) => {}
            }
        }
        None
    }
    walk(&form.def().items, "")
}
