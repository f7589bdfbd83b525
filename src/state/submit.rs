//! Sending: one loop for both transports — the open contract (an idempotency key kept with the
//! request until a receipt arrives, so a resend is the same submission) and FIT-Connect
//! (encrypted in this browser, a retry continues the same submission). Network errors, 5xx
//! and 429 are retried with backoff and jitter; whatever else fails is shown, with the answers
//! kept.

use antrag_core::{ErrorCode, FileRef, Issue};
use leptos::prelude::*;
use serde_json::Value;

use super::{FormState, Screen};
use crate::api::{self, Receipt, SubmissionRequest, SubmitError};
use crate::dom;
use crate::draft::{self, DraftStore, Pending};
use crate::fit::{FitTransport, Transport};
use crate::fit_send::{self, FitError, Stage};

/// Progress of sending.
#[derive(Clone, Debug, PartialEq)]
pub enum SendState {
    /// Not sending.
    Idle,
    /// A request is on its way.
    Sending,
    /// Encrypting and sending over FIT-Connect.
    Encrypting(Stage),
    /// Waiting before an automatic retry.
    Retrying {
        /// Seconds until the next attempt.
        seconds: u32,
    },
    /// Failed; the citizen can retry by hand.
    Failed(SubmitError),
    /// Stored; on the way to the payment provider (the fee is paid before it is sent).
    ToPayment,
}

/// What sending needs to remember. Copy: arena handles.
#[derive(Clone, Copy)]
pub struct Sending {
    /// Sending.
    pub send: RwSignal<SendState>,
    /// The submission sent but not yet confirmed (its idempotency key and request), kept until
    /// a receipt arrives — in the draft too, so a reload resumes sending it.
    pub pending: RwSignal<Option<Pending>>,
    /// How the form is sent (open contract or FIT-Connect).
    pub transport: StoredValue<Transport>,
    /// A FIT-Connect submission in progress (a retry continues it).
    fit_session: StoredValue<fit_send::Session>,
}

impl Sending {
    /// Nothing sent yet, over the open contract.
    pub fn new() -> Self {
        Sending {
            send: RwSignal::new(SendState::Idle),
            pending: RwSignal::new(None),
            transport: StoredValue::new(Transport::Contract),
            fit_session: StoredValue::new(fit_send::Session::default()),
        }
    }

    /// Send over `transport` from now on.
    pub fn use_transport(&self, transport: Transport) {
        if matches!(transport, Transport::FitConnect(_)) && crate::dom::window().is_some() {
            // Files kept for drafts that have expired since go now.
            leptos::task::spawn_local(crate::file_store::purge_expired());
        }
        self.transport.set_value(transport);
    }

    fn busy(&self) -> bool {
        matches!(self.send.get_untracked(), SendState::Sending | SendState::Retrying { .. } | SendState::Encrypting(_))
    }
}

impl Default for Sending {
    fn default() -> Self {
        Sending::new()
    }
}

/// One application on its way, by the form's transport.
enum Channel {
    /// The open contract: the request under its idempotency key.
    Contract { request: SubmissionRequest, key: String },
    /// FIT-Connect: the payload and its files, encrypted here.
    FitConnect { transport: FitTransport, payload: Value, files: Vec<FileRef>, reply: Option<String> },
    /// The authoring studio's preview: nothing is sent.
    #[cfg(feature = "preview")]
    Preview,
}

/// What the receiving side confirmed, and what the host page is told.
struct Delivered {
    receipt: Receipt,
    event: Value,
}

impl Channel {
    /// One attempt.
    async fn deliver(&self, state: FormState) -> Result<Delivered, SubmitError> {
        let config = state.config.get_value();
        match self {
            Channel::Contract { request, key } => {
                state.sending.send.set(SendState::Sending);
                let receipt = api::submit(&config, request, key).await?;
                let event = serde_json::json!({ "reference": receipt.reference, "receivedAt": receipt.received_at, "statusUrl": receipt.status_url });
                Ok(Delivered { receipt, event })
            }
            Channel::FitConnect { transport, payload, files, reply } => {
                let today = state.today.to_string();
                let outgoing = fit_send::Outgoing { payload, files, reply_email: reply.as_deref(), today: &today };
                let mut session = state.sending.fit_session.get_value();
                let progress = move |stage| state.sending.send.set(SendState::Encrypting(stage));
                let result = fit_send::send(&config, transport, &outgoing, &mut session, &progress).await;
                state.sending.fit_session.set_value(session);
                let delivered = result.map_err(|error| {
                    let refused =
                        matches!(error, FitError::Destination(_) | FitError::Rejected(_) | FitError::MissingFile(_));
                    if refused {
                        // The next attempt is a new submission.
                        state.sending.fit_session.set_value(fit_send::Session::default());
                    }
                    fit_error(error)
                })?;
                state.sending.fit_session.set_value(fit_send::Session::default());
                // Sent: the chosen files are not needed any more.
                files.iter().for_each(|f| crate::file_store::forget_file(&f.id));
                let receipt = Receipt {
                    reference: delivered.reference.clone().unwrap_or_else(|| delivered.submission_id.clone()),
                    received_at: js_sys::Date::new_0().to_iso_string().into(),
                    status: "submitted".into(),
                    status_url: String::new(),
                    payment_url: None,
                };
                let event = serde_json::json!({ "reference": receipt.reference, "receivedAt": receipt.received_at,
                    "fitConnect": { "submissionId": delivered.submission_id, "caseId": delivered.case_id } });
                Ok(Delivered { receipt, event })
            }
            #[cfg(feature = "preview")]
            Channel::Preview => {
                Ok(Delivered { receipt: crate::preview::receipt(), event: serde_json::json!({ "preview": true }) })
            }
        }
    }

    /// The `kind` of the `antrag:error` event the host page gets.
    fn error_kind(&self, error: &SubmitError) -> &'static str {
        match (self, error) {
            (Channel::FitConnect { .. }, _) => "fit-connect",
            (_, SubmitError::Network) => "offline",
            (_, SubmitError::VersionChanged { .. }) => "version-changed",
            _ => "server",
        }
    }
}

/// Nothing could be encrypted: the citizen reads a plain message, support the reason on the
/// console.
fn encryption(problem: String) -> SubmitError {
    crate::dom::warn(&format!("Antrag: FIT-Connect: {problem}"));
    SubmitError::Encryption(problem)
}

/// A FIT-Connect failure as the one failure type the send loop knows.
fn fit_error(error: FitError) -> SubmitError {
    match error {
        FitError::Network => SubmitError::Network,
        FitError::Status(status) => SubmitError::Server { status, retry_after: None },
        FitError::Key(problem) => encryption(problem.to_string()),
        FitError::Crypto(problem) => encryption(problem),
        FitError::Destination(detail) | FitError::Rejected(detail) => SubmitError::Undeliverable(detail),
        FitError::MissingFile(id) => SubmitError::AttachmentUnavailable { id },
    }
}

impl FormState {
    /// Send the answers once antrag-core finds nothing wrong with them (otherwise the errors
    /// are shown); a pending submission is sent again unchanged.
    pub fn submit(self) {
        if self.sending.busy() {
            return;
        }
        let Some(channel) = self.channel() else { return };
        leptos::task::spawn_local(async move {
            let mut attempt = 0u32;
            loop {
                let error = match channel.deliver(self).await {
                    Ok(delivered) => return self.delivered(delivered),
                    Err(error) => error,
                };
                match error {
                    SubmitError::Rejected(report) => {
                        // The server's verdict lands on the fields and in the summary, like the
                        // browser's own (even where the browser saw no problem). The answers
                        // must change, so the next send is a new submission with a new key.
                        self.sending.pending.set(None);
                        self.save_now();
                        self.sending.send.set(SendState::Failed(SubmitError::Rejected(report.clone())));
                        self.verdict.flag(&report.issues);
                        self.verdict.server_issues.set(report.issues);
                        self.nav.summary_focus.update(|n| *n += 1);
                        return;
                    }
                    error if error.is_retryable() && attempt < 3 => {
                        attempt += 1;
                        let wait = match &error {
                            SubmitError::RateLimited { retry_after } => *retry_after,
                            SubmitError::Server { retry_after: Some(s), .. } => *s,
                            _ => 1u32 << attempt,
                        };
                        for remaining in (1..=wait).rev() {
                            self.sending.send.set(SendState::Retrying { seconds: remaining });
                            dom::sleep(1000).await;
                        }
                        dom::sleep((js_sys::Math::random() * 500.0) as u32).await;
                    }
                    SubmitError::AttachmentUnavailable { id } => {
                        // The server no longer has a file (kept longer than it keeps uploads),
                        // or this browser no longer has it (FIT-Connect, after a reload): take
                        // it out of its answer and ask for it again.
                        self.sending.pending.set(None);
                        self.ask_for_file_again(id);
                        return;
                    }
                    error => {
                        if matches!(error, SubmitError::VersionChanged { .. }) {
                            self.sending.pending.set(None);
                            self.save_now();
                        }
                        if matches!(channel, Channel::FitConnect { .. }) {
                            leptos::logging::warn!("FIT-Connect: {error:?}");
                        }
                        self.emit("antrag:error", serde_json::json!({ "kind": channel.error_kind(&error) }));
                        self.sending.send.set(SendState::Failed(error));
                        return;
                    }
                }
            }
        });
    }

    /// The payment address on the server that answered (the API's origin), with the host
    /// page to come back to when the form is embedded.
    fn payment_address(&self, url: &str) -> String {
        let api = self.config.with_value(|c| c.api.clone());
        let origin = match api.find("://") {
            Some(scheme) => api[..api[scheme + 3..].find('/').map_or(api.len(), |p| scheme + 3 + p)].to_owned(),
            None => String::new(),
        };
        let mut address = format!("{origin}{url}");
        if self.embedding.is_some() {
            if let Some(here) = dom::href() {
                address.push_str("?rueckkehr=");
                address.push_str(&String::from(js_sys::encode_uri_component(&here)));
            }
        }
        address
    }

    /// What to send: the pending submission, or a new one from the checked answers.
    fn channel(&self) -> Option<Channel> {
        #[cfg(feature = "preview")]
        if crate::preview::active() {
            return self.payload_if_valid().map(|_| Channel::Preview);
        }
        if let Transport::FitConnect(transport) = self.sending.transport.get_value() {
            let payload = self.payload_if_valid()?;
            let form = self.form.get_value();
            let files = self
                .answers
                .with_untracked(|a| antrag_core::file_refs(&form, a))
                .into_iter()
                .flat_map(|(_, f)| f)
                .collect();
            let reply = crate::fit::reply_email(form.def(), &payload);
            return Some(Channel::FitConnect { transport, payload, files, reply });
        }
        let pending = match self.sending.pending.get_untracked() {
            Some(pending) => pending,
            None => {
                let data = self.payload_if_valid()?;
                let (def, config) = (self.form.with_value(|f| f.def().clone()), self.config.get_value());
                let request = SubmissionRequest {
                    form_id: def.id.clone(),
                    form_version: def.version.clone(),
                    language: self.lang.get_untracked(),
                    data,
                    client_date: self.today.to_string(),
                    routing: config.routing(def.service.leika_key.as_deref()),
                };
                let pending =
                    Pending { key: dom::uuid(), request: serde_json::to_value(&request).unwrap_or(Value::Null) };
                self.sending.pending.set(Some(pending.clone()));
                // Kept before anything is sent: a reload or crash from here on resumes sending.
                self.save_now();
                pending
            }
        };
        let request = draft::pending_request(&pending)?;
        Some(Channel::Contract { request, key: pending.key })
    }

    /// The submission payload of the current answers (antrag-core's check); `None` when they
    /// have errors, which are then shown and the error summary focused.
    fn payload_if_valid(&self) -> Option<Value> {
        let form = self.form.get_value();
        match self.answers.with_untracked(|a| antrag_core::check(&form, a, &self.context())) {
            Ok(valid) => Some(valid.into_inner()),
            Err(report) => {
                self.verdict.flag(&report.issues);
                self.nav.summary_focus.update(|n| *n += 1);
                None
            }
        }
    }

    /// Sent: the receipt on screen, the draft forgotten, the host told. Stored but waiting for
    /// its fee: off to the payment, whose page on the server takes over (the application and
    /// its files are stored there; a second send would reach the same transaction).
    fn delivered(&self, Delivered { receipt, event }: Delivered) {
        if let Some(url) = receipt.payment_url.clone() {
            self.sending.send.set(SendState::ToPayment);
            self.sending.pending.set(None);
            self.drafts.store.with_value(DraftStore::delete_all);
            self.drafts.saved_until.set(None);
            self.emit("antrag:payment", event);
            dom::go_to(&self.payment_address(&url));
            return;
        }
        self.sending.send.set(SendState::Idle);
        self.sending.pending.set(None);
        self.drafts.store.with_value(DraftStore::delete_all);
        self.drafts.saved_until.set(None);
        dom::replace_state(&self.history_state(&Screen::Done(receipt.clone())), None);
        self.emit("antrag:submitted", event);
        self.nav.moved.set_value(true);
        self.nav.screen.set(Screen::Done(receipt));
        self.scroll_to_top();
    }

    /// A file of the answers is gone: take it out of its answer, keep every other answer, and
    /// ask for it again on its field and in the summary.
    fn ask_for_file_again(&self, id: String) {
        let form = self.form.get_value();
        let refs = self.answers.with_untracked(|a| antrag_core::file_refs(&form, a));
        let mut issues = Vec::new();
        for (path, files) in refs.into_iter().filter(|(_, files)| files.iter().any(|f| f.id == id)) {
            let rest: Vec<_> = files.into_iter().filter(|f| f.id != id).collect();
            let value = if rest.is_empty() { Value::Null } else { serde_json::to_value(rest).unwrap_or(Value::Null) };
            self.answers.update(|a| antrag_core::answers::set(a, &path, value));
            issues.push(Issue { path, error: ErrorCode::Required });
        }
        self.save_now();
        self.sending.send.set(SendState::Failed(SubmitError::AttachmentUnavailable { id }));
        self.verdict.flag(&issues);
        self.verdict.server_issues.set(issues);
        self.nav.summary_focus.update(|n| *n += 1);
    }

    /// When the connection comes back: send what is pending.
    pub(super) fn resend_when_online(self) {
        let _ = window_event_listener(leptos::ev::online, move |_| {
            let idle = matches!(self.sending.send.get_untracked(), SendState::Failed(_) | SendState::Idle);
            if self.sending.pending.get_untracked().is_some() && idle {
                self.submit();
            }
        });
    }
}
