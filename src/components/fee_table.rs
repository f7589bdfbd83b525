//! The fee of an application on check your answers: its items, quantities and amounts, and
//! when it is paid. Computed by antrag-core from the checked answers, as the server computes
//! it again (the figure shown here is never what is charged).

use antrag_core::fee::format_amount;
use antrag_core::PaymentTiming;
use leptos::prelude::*;

use crate::i18n::t;
use crate::state::FormState;

/// One row: what, how many, how much (the total row has no count).
fn row(what: String, count: String, amount: String) -> impl IntoView {
    view! { <tr><th scope="row">{what}</th><td>{count}</td><td class="antrag-fee__amount">{amount}</td></tr> }
}

/// The fee table, or nothing when the form has no fee (or the answers are not complete yet).
/// Check your answers is built anew each time it is shown, and in the language of the moment.
#[component]
pub fn FeeTable(state: FormState) -> impl IntoView {
    move || {
        let lang = state.lang.get();
        let form = state.form.get_value();
        let payment = form.def().payment.as_ref()?;
        let payload =
            state.answers.with_untracked(|a| antrag_core::check(&form, a, &state.context()).ok())?.into_inner();
        let fee = antrag_core::fee(payment, &payload, state.today).ok().filter(|f| f.total_cents > 0)?;
        let dl = &form.def().default_language;
        let mut rows: Vec<_> = fee
            .lines
            .iter()
            .map(|l| {
                row(l.label.resolve(&lang, dl).to_owned(), l.quantity.to_string(), format_amount(l.total_cents, &lang))
            })
            .collect();
        rows.push(row(t(&lang, "fee.total"), String::new(), format_amount(fee.total_cents, &lang)));
        let when = t(&lang, if payment.timing == PaymentTiming::Before { "fee.before" } else { "fee.notice" });
        Some(view! {
            <table class="antrag-fee">
                <caption class="antrag-fee__caption">{t(&lang, "fee.title")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t(&lang, "fee.item")}</th>
                        <th scope="col">{t(&lang, "fee.quantity")}</th>
                        <th scope="col" class="antrag-fee__amount">{t(&lang, "fee.amount")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="antrag-fee__when">{when}</p>
        })
    }
}
