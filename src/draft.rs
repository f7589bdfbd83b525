//! Drafts: the citizen's answers, step and any pending submission, kept in this browser's
//! localStorage so they survive reloads, closed tabs and failed sends — keyed by form id,
//! version and instance, expiring after a configurable number of days (default 7), deleted
//! after a confirmed submission, and never sent anywhere but to the form's own backend.

use antrag_core::trusted::{self, Obj, Read, ReadError};
use antrag_core::Answers;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::SubmissionRequest;

const PREFIX: &str = "antrag:draft:";
const DAY_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

/// Forget every expired draft in this browser — of any form, version and instance, not only
/// the one opened — and the files kept for drafts whose time is up. Once per page load, after
/// the app started.
pub fn sweep_expired() {
    thread_local! {
        static SWEPT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if SWEPT.with(|s| s.replace(true)) {
        return;
    }
    let Some(storage) = storage() else { return };
    let now = crate::dom::now_ms();
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(PREFIX))
        .collect();
    for key in keys {
        let expires = storage
            .get_item(&key)
            .ok()
            .flatten()
            .and_then(|text| crate::json::from_text::<Value>(&text).ok())
            .and_then(|draft| draft.get("expiresAt").and_then(Value::as_f64));
        // A draft this version cannot read is left alone (a newer app may have written it).
        if expires.is_some_and(|at| at < now) {
            let _ = storage.remove_item(&key);
        }
    }
    if crate::file_store::any_kept() {
        leptos::task::spawn_local(crate::file_store::purge_expired());
    }
}

/// A submission that was sent (or queued) but not yet confirmed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// Its idempotency key.
    pub key: String,
    /// The request, exactly as sent first.
    pub request: Value,
}

/// What is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    /// Form id.
    pub form_id: String,
    /// Definition version the answers were given for.
    pub version: String,
    /// When it was last saved (ms since the epoch).
    pub saved_at: f64,
    /// When the draft was started.
    pub started_at: f64,
    /// When it expires.
    pub expires_at: f64,
    /// The answers.
    pub answers: Answers,
    /// The step index shown last (`usize::MAX` for the answer summary).
    pub step: usize,
    /// The tab that wrote it last (to notice other tabs).
    pub writer: String,
    /// A submission not yet confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
}

impl Draft {
    /// Read a stored draft's text by hand ([`antrag_core::trusted`]; this app wrote it with
    /// serde): `None` for anything else, which is then not taken as a draft.
    pub fn from_text(text: &str) -> Option<Draft> {
        Draft::read(serde_json::from_str(text).ok()?).ok()
    }

    fn read(value: Value) -> Read<Draft> {
        let mut o = Obj::new(value)?;
        Ok(Draft {
            form_id: o.req("formId", trusted::string)?,
            version: o.req("version", trusted::string)?,
            saved_at: o.req("savedAt", trusted::f64_of)?,
            started_at: o.req("startedAt", trusted::f64_of)?,
            expires_at: o.req("expiresAt", trusted::f64_of)?,
            answers: o.req("answers", trusted::object)?,
            step: o
                .req("step", trusted::u64_of)?
                .try_into()
                .map_err(|_| ReadError::new("a step index").within("step"))?,
            writer: o.req("writer", trusted::string)?,
            pending: o.opt("pending", |v| {
                let mut p = Obj::new(v)?;
                Ok(Pending { key: p.req("key", trusted::string)?, request: p.value("request")? })
            })?,
        })
    }
}

/// Where drafts of one form instance live.
#[derive(Clone, Debug, PartialEq)]
pub struct DraftStore {
    form_id: String,
    version: String,
    instance: String,
    days: u32,
    enabled: bool,
}

fn storage() -> Option<web_sys::Storage> {
    crate::dom::window()?.local_storage().ok().flatten()
}

impl DraftStore {
    /// The store of a form instance; `days` is the lifetime of a draft, `enabled` false turns
    /// drafts off (the embedding site decides).
    pub fn new(form_id: &str, version: &str, instance: &str, days: u32, enabled: bool) -> Self {
        DraftStore {
            form_id: form_id.into(),
            version: version.into(),
            instance: instance.into(),
            days,
            enabled: enabled && storage().is_some(),
        }
    }

    /// Whether drafts are kept.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Until when (milliseconds since the epoch) what belongs to a draft saved now may be
    /// kept — its chosen files too; `None` when drafts are off.
    pub fn keep_until(&self) -> Option<f64> {
        self.enabled.then(|| js_sys::Date::now() + f64::from(self.days) * 86_400_000.0)
    }

    /// The storage key of this version.
    pub fn key(&self) -> String {
        format!("{PREFIX}{}@{}:{}", self.form_id, self.version, self.instance)
    }

    fn read(key: &str) -> Option<Draft> {
        Draft::from_text(&storage()?.get_item(key).ok()??)
    }

    /// The draft of this version, or else the newest of an earlier version; expired drafts
    /// are deleted on the way.
    pub fn find(&self) -> Option<Draft> {
        if !self.enabled {
            return None;
        }
        let storage = storage()?;
        let now = crate::dom::now_ms();
        let mut found: Option<Draft> = None;
        let mut expired = Vec::new();
        for i in 0..storage.length().unwrap_or(0) {
            let Some(key) = storage.key(i).ok().flatten() else { continue };
            let mine =
                key.starts_with(&format!("{PREFIX}{}@", self.form_id)) && key.ends_with(&format!(":{}", self.instance));
            if !mine {
                continue;
            }
            match DraftStore::read(&key) {
                Some(d) if d.expires_at < now => expired.push(key),
                Some(d) => {
                    let better = match &found {
                        None => true,
                        Some(f) => {
                            (d.version == self.version && f.version != self.version)
                                || (d.version == f.version || f.version != self.version) && d.saved_at > f.saved_at
                        }
                    };
                    if better {
                        found = Some(d);
                    }
                }
                None => {}
            }
        }
        for key in expired {
            let _ = storage.remove_item(&key);
        }
        found
    }

    /// Save the answers, step and pending submission of this version.
    pub fn save(
        &self,
        answers: &Answers,
        step: usize,
        pending: Option<Pending>,
        tab: &str,
        started_at: Option<f64>,
    ) -> Option<Draft> {
        if !self.enabled {
            return None;
        }
        let now = crate::dom::now_ms();
        let draft = Draft {
            form_id: self.form_id.clone(),
            version: self.version.clone(),
            saved_at: now,
            started_at: started_at.unwrap_or(now),
            expires_at: now + f64::from(self.days) * DAY_MS,
            answers: answers.clone(),
            step,
            writer: tab.to_owned(),
            pending,
        };
        let text = crate::json::to_text(&draft);
        storage()?.set_item(&self.key(), &text).ok()?;
        Some(draft)
    }

    /// Delete the drafts of this instance (every version).
    pub fn delete_all(&self) {
        let Some(storage) = storage() else { return };
        let keys: Vec<String> =
            (0..storage.length().unwrap_or(0)).filter_map(|i| storage.key(i).ok().flatten()).collect();
        for key in keys {
            if key.starts_with(&format!("{PREFIX}{}@", self.form_id)) && key.ends_with(&format!(":{}", self.instance)) {
                let _ = storage.remove_item(&key);
            }
        }
    }

    /// The draft another tab wrote under this version's key, from a `storage` event.
    pub fn changed_elsewhere(&self, key: Option<String>, value: Option<String>, tab: &str) -> Option<Option<Draft>> {
        if key.as_deref() != Some(self.key().as_str()) {
            return None;
        }
        match value {
            None => Some(None),
            Some(text) => match Draft::from_text(&text) {
                Some(d) if d.writer != tab => Some(Some(d)),
                _ => None,
            },
        }
    }
}

/// A pending submission's request, for resending (read by hand, [`antrag_core::trusted`]).
pub fn pending_request(pending: &Pending) -> Option<SubmissionRequest> {
    fn read(value: Value) -> Read<SubmissionRequest> {
        let mut o = Obj::new(value)?;
        Ok(SubmissionRequest {
            form_id: o.req("formId", trusted::string)?,
            form_version: o.req("formVersion", trusted::string)?,
            language: o.req("language", trusted::string)?,
            data: o.value("data")?,
            client_date: o.req("clientDate", trusted::string)?,
            routing: o.opt("routing", trusted::any)?,
        })
    }
    read(pending.request.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What this app stores (serde) it reads back by hand, with and without a pending
    /// submission; anything else is no draft.
    #[test]
    fn a_stored_draft_and_its_pending_request_read_back() {
        let request = SubmissionRequest {
            form_id: "f".into(),
            form_version: "1.2.0".into(),
            language: "de".into(),
            data: serde_json::json!({"a": [1, 2]}),
            client_date: "2029-02-28".into(),
            routing: Some(serde_json::json!({"ags": "01001000"})),
        };
        let pending = Pending { key: "k".into(), request: serde_json::to_value(&request).unwrap() };
        let mut draft = Draft {
            form_id: "f".into(),
            version: "1.2.0".into(),
            saved_at: 1.5e12,
            started_at: 1.4e12,
            expires_at: 2e12,
            answers: serde_json::from_value(serde_json::json!({"name": "Ä", "kinder": [{"n": 1}]})).unwrap(),
            step: usize::MAX,
            writer: "tab-1".into(),
            pending: Some(pending.clone()),
        };
        assert_eq!(Draft::from_text(&crate::json::to_text(&draft)), Some(draft.clone()));
        let again = pending_request(&pending).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), serde_json::to_value(&request).unwrap());
        draft.pending = None;
        draft.step = 2;
        assert_eq!(Draft::from_text(&crate::json::to_text(&draft)), Some(draft));
        assert_eq!(Draft::from_text(r#"{"formId": "f"}"#), None);
        assert_eq!(Draft::from_text("not json"), None);
    }
}
