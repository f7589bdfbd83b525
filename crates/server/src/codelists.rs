//! Code lists from XRepository (`antrag-server codelists-sync`): the genericode files that
//! definitions or FIM exports reference, fetched by URN and version (the newest valid version
//! when none is given), checked, and kept in a directory that then serves offline.
//!
//! Per list the directory holds the genericode file as published (`<urn>_<version>.xml`,
//! what `import-fim --codelists` reads) and the same list as an Antrag code list
//! (`<urn>_<version>.json`, what the server's `--codelists-dir` reads).
//!
//! XRepository's interface (configurable, so tests and mirrors can stand in):
//! * `GET {repository}/api/version_codeliste/{urn}_{version}/genericode` — one version;
//! * `GET {repository}/api/codeliste/{urn}/gueltigeVersion` — the valid version; its answer
//!   names the version's identifier `{urn}_{version}`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use antrag_fim::{CodeLists, Genericode};

/// XRepository, the federal repository of XÖV code lists.
pub const XREPOSITORY: &str = "https://www.xrepository.de";

/// The largest genericode file accepted (the largest federal lists are a few MB).
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// A code list a definition or export references.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// Canonical URN (`urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat`).
    pub id: String,
    /// Version; `None`: the newest valid one.
    pub version: Option<String>,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "{} version {v}", self.id),
            None => write!(f, "{} (newest version)", self.id),
        }
    }
}

/// What became of one reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Already in the directory.
    Cached {
        /// The version found there.
        version: String,
        /// Why the directory's copy is used although the newest was asked for, if so.
        note: Option<String>,
    },
    /// Fetched, checked and stored.
    Fetched {
        /// The version stored.
        version: String,
    },
    /// Not to be had: the reason, in words.
    Missing {
        /// Why.
        reason: String,
    },
}

/// Where to look and where to keep.
#[derive(Clone, Debug)]
pub struct Options {
    /// The directory the lists are kept in (created when missing).
    pub dir: PathBuf,
    /// XRepository or a mirror (`https://www.xrepository.de`).
    pub repository: String,
    /// Use the directory only.
    pub offline: bool,
}

/// Make every referenced list available in the directory, as far as it can be had.
pub async fn sync(references: &[Reference], options: &Options) -> Vec<(Reference, Outcome)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    // The directory is read once; what is fetched joins it.
    let mut cached = cache(&options.dir);
    let mut out = Vec::new();
    for reference in references {
        let outcome = one(&client, reference, options, &mut cached).await;
        out.push((reference.clone(), outcome));
    }
    out
}

async fn one(client: &reqwest::Client, reference: &Reference, options: &Options, cached: &mut CodeLists) -> Outcome {
    let in_cache = |version: Option<&str>| match cached.lookup(&reference.id, version) {
        antrag_fim::genericode::Lookup::Exact(list) => Some(list.version.clone()),
        _ => None,
    };
    let version = match &reference.version {
        Some(v) => {
            if let Some(found) = in_cache(Some(v)) {
                ensure_json(&options.dir, cached, &reference.id, &found);
                return Outcome::Cached { version: found, note: None };
            }
            v.clone()
        }
        None if options.offline => {
            return match in_cache(None) {
                Some(found) => {
                    ensure_json(&options.dir, cached, &reference.id, &found);
                    Outcome::Cached {
                        version: found,
                        note: Some("offline: the newest version was not looked up".into()),
                    }
                }
                None => Outcome::Missing { reason: "not in the directory, and offline".into() },
            };
        }
        None => match newest_version(client, &options.repository, &reference.id).await {
            Ok(v) => {
                if in_cache(Some(&v)).is_some() {
                    ensure_json(&options.dir, cached, &reference.id, &v);
                    return Outcome::Cached { version: v, note: None };
                }
                v
            }
            Err(e) => {
                return match in_cache(None) {
                    Some(found) => {
                        ensure_json(&options.dir, cached, &reference.id, &found);
                        Outcome::Cached { version: found, note: Some(format!("the newest version is unknown ({e})")) }
                    }
                    None => Outcome::Missing { reason: e },
                }
            }
        },
    };
    if options.offline {
        return Outcome::Missing { reason: format!("version {version} is not in the directory, and offline") };
    }
    match fetch(client, &options.repository, &reference.id, &version).await {
        Ok((list, xml)) => match store(&options.dir, &list, &xml) {
            Ok(()) => {
                let version = list.version.clone();
                cached.add(list);
                Outcome::Fetched { version }
            }
            Err(e) => Outcome::Missing { reason: format!("fetched, but not stored: {e}") },
        },
        Err(e) => Outcome::Missing { reason: e },
    }
}

/// The lists already in the directory; unreadable files are left out (a fetch replaces them).
fn cache(dir: &Path) -> CodeLists {
    let mut lists = CodeLists::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return lists };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if path.extension().is_some_and(|x| x == "xml") {
            if let Some(list) = std::fs::read_to_string(&path).ok().and_then(|t| Genericode::parse(&t).ok()) {
                lists.add(list);
            }
        }
    }
    lists
}

/// The file name of a list: its URN and version, with anything but letters, digits, `.`, `-`
/// and `_` written as `_`.
pub fn file_stem(id: &str, version: &str) -> String {
    format!("{id}_{version}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect()
}

async fn get(client: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = client.get(url).send().await.map_err(|e| format!("the repository did not answer ({e})"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Err("the repository does not know it (404)".into());
    }
    if !status.is_success() {
        return Err(format!("the repository answered {status}"));
    }
    if response.content_length().is_some_and(|n| n as usize > MAX_BYTES) {
        return Err(format!("the answer is larger than {} MB", MAX_BYTES / 1024 / 1024));
    }
    let bytes = response.bytes().await.map_err(|e| format!("the answer broke off ({e})"))?;
    if bytes.len() > MAX_BYTES {
        return Err(format!("the answer is larger than {} MB", MAX_BYTES / 1024 / 1024));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| "the answer is not UTF-8 text".into())
}

/// A URN or version as one segment of a URL path (anything but letters, digits and `:._-`
/// percent-encoded, so a reference cannot reach another address).
fn in_path(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The valid version of a list, from the identifier `{urn}_{version}` in the repository's
/// answer.
async fn newest_version(client: &reqwest::Client, repository: &str, id: &str) -> Result<String, String> {
    let url = format!("{}/api/codeliste/{}/gueltigeVersion", repository.trim_end_matches('/'), in_path(id));
    let body = get(client, &url).await.map_err(|e| format!("the newest version could not be looked up: {e}"))?;
    version_in(&body, id).ok_or_else(|| format!("the repository's answer names no version of {id}"))
}

/// The version in the first `{id}_{version}` of a text.
pub fn version_in(body: &str, id: &str) -> Option<String> {
    let prefix = format!("{id}_");
    let start = body.find(&prefix)? + prefix.len();
    let version: String =
        body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    (!version.is_empty()).then_some(version)
}

/// One version, checked: genericode, and the list asked for.
async fn fetch(
    client: &reqwest::Client,
    repository: &str,
    id: &str,
    version: &str,
) -> Result<(Genericode, String), String> {
    let url = format!(
        "{}/api/version_codeliste/{}_{}/genericode",
        repository.trim_end_matches('/'),
        in_path(id),
        in_path(version)
    );
    let xml = get(client, &url).await?;
    let list = Genericode::parse(&xml).map_err(|e| format!("the answer is no genericode code list: {e}"))?;
    if list.id != id || list.version != version {
        return Err(format!(
            "the repository answered with {} version {}, not the list asked for",
            list.id, list.version
        ));
    }
    list.choices(None, None).map_err(|e| format!("the list cannot be used: {e}"))?;
    Ok((list, xml))
}

/// Keep a checked list: the genericode file as fetched and its Antrag form, each written
/// whole (a temporary file renamed) so that no half-written list is ever read.
fn store(dir: &Path, list: &Genericode, xml: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let stem = file_stem(&list.id, &list.version);
    write_whole(&dir.join(format!("{stem}.xml")), xml.as_bytes())?;
    write_whole(&dir.join(format!("{stem}.json")), antrag_json(list).as_bytes())
}

/// The Antrag form of a list in the directory, written when it is missing.
fn ensure_json(dir: &Path, lists: &CodeLists, id: &str, version: &str) {
    let path = dir.join(format!("{}.json", file_stem(id, version)));
    if path.exists() {
        return;
    }
    if let antrag_fim::genericode::Lookup::Exact(list) = lists.lookup(id, Some(version)) {
        let _ = write_whole(&path, antrag_json(list).as_bytes());
    }
}

fn antrag_json(list: &Genericode) -> String {
    let entries = list.choices(None, None).unwrap_or_default();
    let converted = antrag_core::CodeList {
        id: list.id.clone(),
        version: list.version.clone(),
        name: list.name.clone().map(antrag_core::Text::Plain),
        entries,
    };
    serde_json::to_string_pretty(&converted).expect("a code list serializes") + "\n"
}

fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The code lists the given files reference: FIM exports (`*.xml`) and definitions (`*.json`).
pub fn references_in(files: &[PathBuf]) -> Result<Vec<Reference>, String> {
    let mut out: Vec<Reference> = Vec::new();
    let mut push = |id: String, version: Option<String>| {
        let r = Reference { id, version };
        if !out.contains(&r) {
            out.push(r);
        }
    };
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        if file.extension().is_some_and(|x| x == "json") {
            let def = antrag_core::lint::parse(&text).map_err(|p| {
                format!(
                    "{}: not a definition: {}",
                    file.display(),
                    p.first().map(ToString::to_string).unwrap_or_default()
                )
            })?;
            fn walk(nodes: &[antrag_core::Node], push: &mut dyn FnMut(String, Option<String>)) {
                for node in nodes {
                    match node {
                        antrag_core::Node::Field(f) => {
                            if let Some(r) = &f.code_list {
                                push(r.id.clone(), r.version.clone());
                            }
                        }
                        antrag_core::Node::Group(g) => walk(&g.items, push),
                    }
                }
            }
            walk(&def.items, &mut push);
        } else {
            let refs = antrag_fim::code_list_references(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            for (id, version) in refs {
                push(id, version);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_read_from_the_identifier() {
        let xml = "<dat:kennung>urn:de:bund:destatis:staat_2023-02-24</dat:kennung>";
        assert_eq!(version_in(xml, "urn:de:bund:destatis:staat"), Some("2023-02-24".into()));
        let json = r#"{"kennung":"urn:xoev-de:test:farbe_3","version":"3"}"#;
        assert_eq!(version_in(json, "urn:xoev-de:test:farbe"), Some("3".into()));
        assert_eq!(version_in("nothing here", "urn:x"), None);
    }

    #[test]
    fn references_stay_one_path_segment() {
        assert_eq!(in_path("urn:de:test:staat"), "urn:de:test:staat");
        assert_eq!(in_path("a/../b?x=1#y"), "a%2F..%2Fb%3Fx%3D1%23y");
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_stem("urn:de:test:staat", "2023-02-24"), "urn_de_test_staat_2023-02-24");
        assert_eq!(file_stem("urn:x/../y", "1"), "urn_x_.._y_1");
    }
}
