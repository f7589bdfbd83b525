//! Answers as a summary list (check your answers, confirmation, print copy): every visible
//! answer with its output label, by section and repeat entry; with change links when editable.

use antrag_core::{FieldPath, Node};
use leptos::prelude::*;

use crate::format;
use crate::i18n::t;
use crate::state::FormState;

/// A section of rows under a heading.
#[derive(Clone, Debug, PartialEq)]
struct Section {
    title: Option<String>,
    rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    label: String,
    value: Option<String>,
    path: FieldPath,
    /// Whether the citizen can change it (not for locked values).
    changeable: bool,
}

fn sections(state: FormState, nodes: &[Node], path: &FieldPath, title: Option<String>, out: &mut Vec<Section>) {
    let lang = state.lang.get();
    let vis = state.verdict.visibility.get();
    state.form.with_value(|f| {
        let def = f.def();
        let dl = &def.default_language;
        let mut rows = Vec::new();
        let mut nested = Vec::new();
        for node in nodes {
            let here = path.key(node.key());
            if !vis.is_visible(&here) {
                continue;
            }
            match node {
                Node::Field(field)
                    if !antrag_core::form::takes_answer(field) || field.kind == antrag_core::Kind::Hidden => {}
                Node::Field(field) => {
                    let label = field.output_label.as_ref().unwrap_or(&field.label).resolve(&lang, dl).to_owned();
                    let value =
                        state.answers.with(|a| format::answer(&lang, def, field, antrag_core::answers::get(a, &here)));
                    let changeable = field.kind != antrag_core::Kind::Locked;
                    rows.push(Row { label, value, path: here, changeable });
                }
                Node::Group(group) => {
                    let label = group.output_label.as_ref().unwrap_or(&group.label).resolve(&lang, dl).to_owned();
                    if group.is_list() {
                        let count = state.answers.with(|a| antrag_core::answers::entry_count(a, &here));
                        for i in 0..count {
                            let entry = match &group.entry_label {
                                Some(l) => l.resolve(&lang, dl).replace("{n}", &(i + 1).to_string()),
                                None => format!("{label} {}", i + 1),
                            };
                            nested.push((group.items.clone(), here.index(i), Some(entry)));
                        }
                    } else {
                        nested.push((group.items.clone(), here, Some(label)));
                    }
                }
            }
        }
        if !rows.is_empty() {
            out.push(Section { title, rows });
        }
        for (items, p, t) in nested {
            sections(state, &items, &p, t, out);
        }
    });
}

/// The step a change link leads to.
fn change_screen(state: FormState, path: &FieldPath) -> crate::state::Screen {
    let step = state.form.with_value(|f| antrag_core::steps::step_of_path(f.def(), path)).unwrap_or(0);
    crate::state::Screen::Step(step)
}

/// The summary of `nodes` at `path`.
#[component]
pub fn SummaryList(state: FormState, nodes: Vec<Node>, path: FieldPath, editable: bool) -> impl IntoView {
    let all = move || {
        let mut out = Vec::new();
        sections(state, &nodes, &path, None, &mut out);
        out
    };
    move || {
        let lang = state.lang.get();
        all()
            .into_iter()
            .map(|section| {
                let lang = lang.clone();
                view! {
                    <div class="antrag-summary-section">
                        {section.title.map(|title| view! { <h3 class="antrag-summary-section__title">{title}</h3> })}
                        <dl class="antrag-summary-list">
                            {section
                                .rows
                                .into_iter()
                                .map(|row| {
                                    let empty = t(&lang, "review.empty");
                                    let change = t(&lang, "review.change");
                                    let row_path = row.path.clone();
                                    view! {
                                        <div class="antrag-summary-list__row">
                                            <dt class="antrag-summary-list__key">{row.label.clone()}</dt>
                                            <dd class="antrag-summary-list__value" translate="no">
                                                {match row.value {
                                                    Some(v) => view! { <span class="antrag-summary-list__text">{v}</span> }.into_any(),
                                                    None => view! { <span class="antrag-summary-list__empty">{empty}</span> }.into_any(),
                                                }}
                                            </dd>
                                            {(editable && row.changeable).then(|| view! {
                                                <dd class="antrag-summary-list__actions">
                                                    <a
                                                        class="antrag-link"
                                                        href=state.page_url(&change_screen(state, &row_path), Some(&row_path))
                                                        on:click=move |ev| {
                                                            ev.prevent_default();
                                                            state.change(&row_path);
                                                        }
                                                    >
                                                        {change}
                                                        <span class="antrag-visually-hidden">" " {row.label.clone()}</span>
                                                    </a>
                                                </dd>
                                            })}
                                        </div>
                                    }
                                })
                                .collect::<Vec<_>>()}
                        </dl>
                    </div>
                }
            })
            .collect::<Vec<_>>()
    }
}
