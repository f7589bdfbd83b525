//! The payment page of an application (`/zahlung/{token}`): the fee with its items, and where
//! the payment stands — due, waiting for the provider, paid (the confirmation), cancelled or
//! failed (try again; the application and its files are kept), unpaid, or booked with another
//! amount. Plain HTML in the app's styles: it works without JavaScript, and no script runs.
//! Every text from the definition or the provider is escaped.

use antrag::format::escape_html as e;
use antrag_core::fee::format_amount;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::state::AppState;
use crate::store::{PaymentCase, Transaction};

/// Where a payment stands, as the page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Not paid yet, no transaction open.
    Due,
    /// A transaction is open at the provider.
    Waiting,
    /// Paid: the application counts as received.
    Paid(Option<Box<Transaction>>),
    /// The citizen cancelled at the provider.
    Cancelled,
    /// The provider refused the payment.
    Failed,
    /// Given up: not paid in time.
    Unpaid,
    /// The provider booked another amount than asked for.
    Mismatch,
    /// The provider could not be reached.
    Unreachable,
    /// Handed back to the citizen for changes, never sent (a new application replaces it).
    Withdrawn,
}

struct Words {
    lang: &'static str,
    due_title: &'static str,
    paid_title: &'static str,
    reference: &'static str,
    stored: &'static str,
    waiting: &'static str,
    cancelled: &'static str,
    failed: &'static str,
    unpaid: &'static str,
    mismatch: &'static str,
    unreachable: &'static str,
    paid: &'static str,
    method: &'static str,
    item: &'static str,
    quantity: &'static str,
    amount: &'static str,
    total: &'static str,
    fee: &'static str,
    pay: &'static str,
    continue_pay: &'static str,
    retry: &'static str,
    keep: &'static str,
    back: &'static str,
    new: &'static str,
    unknown: &'static str,
    change: &'static str,
    change_hint: &'static str,
    withdrawn_title: &'static str,
    withdrawn: &'static str,
    to_answers: &'static str,
    onward_title: &'static str,
    onward: &'static str,
    returning: &'static str,
}

const DE: Words = Words {
    lang: "de",
    due_title: "Gebühr bezahlen",
    paid_title: "Antrag gesendet und bezahlt",
    reference: "Ihre Vorgangsnummer",
    stored: "Ihr Antrag ist gespeichert. Er wird gesendet, sobald die Gebühr bezahlt ist.",
    waiting: "Wir warten auf die Bestätigung des Bezahldienstes. Wenn Sie schon bezahlt haben, laden Sie diese Seite in einigen Minuten neu. Sie werden nicht zweimal belastet.",
    cancelled: "Sie haben die Zahlung abgebrochen. Es wurde nichts abgebucht. Ihr Antrag und Ihre Dateien sind gespeichert; Sie können die Gebühr jetzt bezahlen.",
    failed: "Die Zahlung ist nicht gelungen. Es wurde nichts abgebucht. Ihr Antrag und Ihre Dateien sind gespeichert; versuchen Sie es noch einmal, gern mit einer anderen Zahlart.",
    unpaid: "Die Gebühr wurde nicht rechtzeitig bezahlt. Ihr Antrag liegt der Behörde als unbezahlt vor; sie meldet sich bei Ihnen.",
    mismatch: "Der Bezahldienst hat einen anderen Betrag gemeldet als verlangt. Ihr Antrag liegt der Behörde vor; sie prüft die Zahlung und meldet sich bei Ihnen.",
    unreachable: "Der Bezahldienst ist gerade nicht erreichbar. Ihr Antrag ist gespeichert. Bitte versuchen Sie es in einigen Minuten noch einmal.",
    paid: "Bezahlt",
    method: "Zahlart",
    item: "Position",
    quantity: "Anzahl",
    amount: "Betrag",
    total: "Gesamt",
    fee: "Gebühr",
    pay: "Gebühr bezahlen und Antrag senden",
    continue_pay: "Weiter zur Zahlung",
    retry: "Noch einmal bezahlen",
    keep: "Notieren Sie sich die Vorgangsnummer. Sie brauchen sie, wenn Sie Fragen zu Ihrem Antrag haben.",
    back: "Zurück zur Seite, auf der Sie den Antrag begonnen haben",
    new: "Einen weiteren Antrag stellen",
    unknown: "Diese Zahlungsseite gibt es nicht. Prüfen Sie die Adresse.",
    change: "Angaben ändern",
    change_hint: "Wenn Sie Ihre Angaben ändern, wird dieser Antrag nicht gesendet. Senden Sie die geänderten Angaben, bekommen Sie eine neue Vorgangsnummer und zahlen die Gebühr dafür.",
    withdrawn_title: "Antrag zum Ändern zurückgeholt",
    withdrawn: "Sie haben Ihre Angaben zum Ändern zurückgeholt. Dieser Antrag wurde nicht gesendet und nichts wurde abgebucht. Senden Sie Ihre geänderten Angaben, bekommen Sie eine neue Vorgangsnummer.",
    to_answers: "Zu Ihren Angaben",
    onward_title: "Weiter zum Bezahldienst",
    onward: "Ihr Antrag ist gespeichert. Sie werden jetzt zum Bezahldienst weitergeleitet.",
    returning: "Sie werden jetzt zurück zur Seite geleitet, auf der Sie den Antrag begonnen haben.",
};

const EN: Words = Words {
    lang: "en",
    due_title: "Pay the fee",
    paid_title: "Application sent and paid",
    reference: "Your reference number",
    stored: "Your application is saved. It is sent as soon as the fee is paid.",
    waiting: "We are waiting for the payment service to confirm. If you have paid already, reload this page in a few minutes. You will not be charged twice.",
    cancelled: "You cancelled the payment. Nothing was charged. Your application and your files are saved; you can pay the fee now.",
    failed: "The payment did not go through. Nothing was charged. Your application and your files are saved; please try again, perhaps with another payment method.",
    unpaid: "The fee was not paid in time. The authority has your application as unpaid and will contact you.",
    mismatch: "The payment service reported another amount than was asked for. The authority has your application, checks the payment and will contact you.",
    unreachable: "The payment service cannot be reached right now. Your application is saved. Please try again in a few minutes.",
    paid: "Paid",
    method: "Payment method",
    item: "Item",
    quantity: "Quantity",
    amount: "Amount",
    total: "Total",
    fee: "Fee",
    pay: "Pay the fee and send the application",
    continue_pay: "Continue to payment",
    retry: "Pay again",
    keep: "Note the reference number. You need it if you have questions about your application.",
    back: "Back to the page where you started the application",
    new: "Make another application",
    unknown: "There is no such payment page. Check the address.",
    change: "Change your answers",
    change_hint: "If you change your answers, this application is not sent. When you send the changed answers, you get a new reference number and pay the fee for them.",
    withdrawn_title: "Application taken back to change it",
    withdrawn: "You took your answers back to change them. This application was not sent and nothing was charged. When you send your changed answers, you get a new reference number.",
    to_answers: "To your answers",
    onward_title: "On to the payment service",
    onward: "Your application is saved. You are now taken to the payment service.",
    returning: "You are now taken back to the page where you started the application.",
};

fn words(lang: &str) -> &'static Words {
    if lang.starts_with("de") {
        &DE
    } else {
        &EN
    }
}

/// The page of an unknown token.
pub fn not_found(state: &AppState) -> Response {
    let w = &DE;
    let body = format!("<h1 class=\"antrag-heading-l\">{}</h1><p>{}</p>", e(w.due_title), e(w.unknown));
    document(state, w, w.due_title, &body, StatusCode::NOT_FOUND)
}

/// The payment page of `case` in the state `view`.
///
/// `can_change`: the browser holds the application's change cookie (whether it is the right
/// one is checked when it is used).
pub fn render(
    state: &AppState,
    case: &PaymentCase,
    view: &View,
    token: &str,
    can_change: bool,
    status: StatusCode,
) -> Response {
    let w = words(&case.language);
    let def = state.catalog.version(&case.form_id, &case.form_version).map(|entry| entry.form.def().clone());
    let form_title =
        def.as_ref().map(|d| d.title.resolve(&case.language, &d.default_language).to_owned()).unwrap_or_default();
    let fee = case.fee.clone().unwrap_or(Value::Null);
    let reference = format!(
        "<p>{}: <strong class=\"antrag-reference\" translate=\"no\" data-reference=\"{r}\">{r}</strong></p>",
        e(w.reference),
        r = e(&case.reference)
    );
    let (title, body) = match view {
        View::Paid(t) => {
            let paid = t.as_ref().map(|t| {
                let method = t
                    .method
                    .as_deref()
                    .map(|m| format!(" · {}: {}", e(w.method), e(method_name(m, w.lang))))
                    .unwrap_or_default();
                format!("<p>{}: {}{method}</p>", e(w.paid), e(&format_amount(t.amount_cents.max(0) as u64, w.lang)))
            });
            (
                w.paid_title,
                format!(
                    "<div class=\"antrag-panel antrag-panel--confirmation\"><h1 class=\"antrag-panel__title\">{}</h1><div class=\"antrag-panel__body\">{}<br><strong class=\"antrag-reference\" translate=\"no\" data-reference=\"{r}\">{r}</strong></div></div>{}<p>{}</p>{}",
                    e(w.paid_title),
                    e(w.reference),
                    paid.unwrap_or_default(),
                    e(w.keep),
                    fee_table(&fee, w),
                    r = e(&case.reference),
                ),
            )
        }
        View::Withdrawn => {
            // Handed back again (a double click, an answer that got lost), while kept.
            let again = if can_change {
                format!("<div class=\"antrag-button-group\">{}</div>", change_form(token, w.to_answers, ""))
            } else {
                String::new()
            };
            (
                w.withdrawn_title,
                format!(
                    "<h1 class=\"antrag-heading-l\">{}</h1>{reference}{}{again}",
                    e(w.withdrawn_title),
                    notice(w.withdrawn, Tone::Info),
                ),
            )
        }
        _ => {
            let (text, tone, pay, change) = unpaid(view, w);
            let pay = pay.map(|label| {
                format!(
                    "<a class=\"antrag-button\" role=\"button\" draggable=\"false\" href=\"/zahlung/{}/start\">{}</a>",
                    e(token),
                    e(label)
                )
            });
            // Changing the answers withdraws this application (a form, since it changes
            // something): sent again, it is a new one with the fee of the new answers. Only for
            // the browser that sent it.
            let change = (change && can_change).then(|| change_form(token, w.change, CHANGE_HINT));
            let hint = match change {
                Some(_) => format!("<p class=\"antrag-hint\" id=\"{CHANGE_HINT}\">{}</p>", e(w.change_hint)),
                None => String::new(),
            };
            let actions = match (pay, change) {
                (None, None) => String::new(),
                (pay, change) => format!(
                    "<div class=\"antrag-button-group\">{}{}</div>{hint}",
                    pay.unwrap_or_default(),
                    change.unwrap_or_default()
                ),
            };
            (
                w.due_title,
                format!(
                    "<h1 class=\"antrag-heading-l\">{}</h1>{reference}{}{}{actions}",
                    e(w.due_title),
                    notice(text, tone),
                    fee_table(&fee, w),
                ),
            )
        }
    };
    let back = match view {
        // An embedded form: back to the municipality's page it was started on.
        View::Paid(Some(t)) if t.return_to.is_some() => {
            let to = t.return_to.as_deref().unwrap_or("/");
            format!("<p><a class=\"antrag-link\" href=\"{}\">{}</a></p>", e(to), e(w.back))
        }
        View::Paid(_) | View::Unpaid | View::Mismatch => {
            format!("<p><a class=\"antrag-link\" href=\"/\">{}</a></p>", e(w.new))
        }
        _ => String::new(),
    };
    let body = format!("<p class=\"antrag-caption\">{}</p>{body}{back}", e(&form_title));
    document(state, w, &format!("{title} – {form_title}"), &body, status)
}

/// The id of the hint that says what changing the answers does.
const CHANGE_HINT: &str = "antrag-aendern-hinweis";

/// The button that hands the answers back (`described_by`: the id of its hint, or empty).
fn change_form(token: &str, label: &str, described_by: &str) -> String {
    let described = match described_by {
        "" => String::new(),
        id => format!(" aria-describedby=\"{id}\""),
    };
    format!(
        "<form method=\"post\" action=\"/zahlung/{}/aendern\"><button type=\"submit\" class=\"antrag-button antrag-button--secondary\"{described}>{}</button></form>",
        e(token),
        e(label)
    )
}

/// How a page's message stands out.
#[derive(Clone, Copy)]
enum Tone {
    /// A paragraph.
    Plain,
    /// A notice.
    Info,
    /// A notice of something that went wrong.
    Error,
}

fn notice(text: &str, tone: Tone) -> String {
    match tone {
        Tone::Plain => format!("<p>{}</p>", e(text)),
        Tone::Info => format!("<div class=\"antrag-notice\" role=\"status\"><p>{}</p></div>", e(text)),
        Tone::Error => {
            format!("<div class=\"antrag-notice antrag-notice--error\" role=\"status\"><p>{}</p></div>", e(text))
        }
    }
}

/// The page of an application not paid (yet): its message, how it stands out, the label of
/// the pay button (when paying is possible) and whether the answers may still be changed.
fn unpaid<'w>(view: &View, w: &'w Words) -> (&'w str, Tone, Option<&'w str>, bool) {
    match view {
        View::Due => (w.stored, Tone::Plain, Some(w.pay), true),
        View::Waiting => (w.waiting, Tone::Info, Some(w.continue_pay), false),
        View::Cancelled => (w.cancelled, Tone::Error, Some(w.retry), true),
        View::Failed => (w.failed, Tone::Error, Some(w.retry), true),
        View::Unreachable => (w.unreachable, Tone::Error, Some(w.retry), true),
        View::Unpaid => (w.unpaid, Tone::Error, None, false),
        View::Mismatch => (w.mismatch, Tone::Error, None, false),
        View::Paid(_) | View::Withdrawn => (w.stored, Tone::Plain, None, false),
    }
}

/// A payment method as the citizen reads it.
fn method_name<'a>(method: &'a str, lang: &str) -> &'a str {
    match (method, lang) {
        ("CREDITCARD", "de") => "Kreditkarte",
        ("CREDITCARD", _) => "credit card",
        ("PAYPAL", _) => "PayPal",
        ("GIROPAY", _) => "giropay",
        ("PAYDIRECT", _) => "paydirekt",
        ("INVOICE", "de") => "Rechnung",
        ("INVOICE", _) => "invoice",
        (other, _) => other,
    }
}

/// The fee's items as a table.
fn fee_table(fee: &Value, w: &Words) -> String {
    let Some(items) = fee["items"].as_array() else { return String::new() };
    let rows: String = items
        .iter()
        .map(|i| {
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"antrag-fee__amount\">{}</td></tr>",
                e(i["label"].as_str().unwrap_or_default()),
                i["quantity"].as_u64().unwrap_or(0),
                e(&format_amount(i["totalCents"].as_u64().unwrap_or(0), w.lang))
            )
        })
        .collect();
    format!(
        "<table class=\"antrag-fee\"><caption class=\"antrag-fee__caption\">{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\" class=\"antrag-fee__amount\">{}</th></tr></thead><tbody>{rows}</tbody><tfoot><tr><th scope=\"row\" colspan=\"2\">{}</th><td class=\"antrag-fee__amount\"><strong>{}</strong></td></tr></tfoot></table>",
        e(w.fee),
        e(w.item),
        e(w.quantity),
        e(w.amount),
        e(w.total),
        e(&format_amount(fee["totalCents"].as_u64().unwrap_or(0), w.lang))
    )
}

fn document(state: &AppState, w: &Words, title: &str, body: &str, status: StatusCode) -> Response {
    document_with(state, w, title, "", body, status)
}

/// Where a page goes on by itself: another site (the payment provider, the host page of an
/// embedded form) at the end of a form's redirects. A browser checks every redirect after a
/// form is sent against the page's `form-action 'self'`, so the last step to another site is
/// this page's own navigation (a refresh, no script), with a link for when it does not happen.
pub enum Onward {
    /// Just stored without JavaScript: on to the payment (`/zahlung/{token}/start`).
    ToPayment,
    /// Paid: back to the host page of an embedded form.
    BackToHost,
}

/// The page that goes on to `to` at once (see [`Onward`]).
pub fn onward(state: &AppState, lang: &str, to: &str, kind: Onward) -> Response {
    let w = words(lang);
    let (title, text, link) = match kind {
        Onward::ToPayment => (w.onward_title, w.onward, w.continue_pay),
        Onward::BackToHost => (w.paid_title, w.returning, w.back),
    };
    let head = format!("<meta http-equiv=\"refresh\" content=\"0; url={}\">", e(to));
    let body = format!(
        "<h1 class=\"antrag-heading-l\">{}</h1><p>{}</p><p><a class=\"antrag-link\" href=\"{}\">{}</a></p>",
        e(title),
        e(text),
        e(to),
        e(link)
    );
    document_with(state, w, title, &head, &body, StatusCode::OK)
}

fn document_with(state: &AppState, w: &Words, title: &str, head: &str, body: &str, status: StatusCode) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"ltr\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head}{css}<title>{title} – Antrag</title></head>\n<body>\n<div class=\"antrag\"><main class=\"antrag-main\" id=\"inhalt\">{body}</main></div>\n</body>\n</html>\n",
        lang = w.lang,
        css = state.shell.stylesheets(),
        title = e(title),
    );
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
