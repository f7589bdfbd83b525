//! Answers that come from elsewhere than the citizen's typing: what a new form starts with,
//! a draft saved with an older version of the definition, and what an embedding host hands in
//! (its logged-in user's identity, prefill values).

use serde_json::{Map, Value};

use crate::answers::{self, is_present, Answers};
use crate::definition::{Node, PrefillMode};
use crate::error::ErrorCode;
use crate::form::{Context, Form};
use crate::path::FieldPath;

/// The answers a new form starts with: defaults, and for repeatable groups their minimum
/// number of (empty) entries.
pub fn initial_answers(form: &Form) -> Answers {
    fn walk(nodes: &[Node], answers: &mut Answers, path: &FieldPath) {
        for node in nodes {
            let here = path.key(node.key());
            match node {
                Node::Field(f) => {
                    if let Some(default) = &f.default {
                        answers::set(answers, &here, default.clone());
                    }
                }
                Node::Group(g) if g.is_list() => {
                    for i in 0..g.min as usize {
                        answers::add_entry(answers, &here);
                        walk(&g.items, answers, &here.index(i));
                    }
                }
                Node::Group(g) => walk(&g.items, answers, &here),
            }
        }
    }
    let mut answers = Answers::new();
    walk(&form.def().items, &mut answers, &FieldPath::root());
    answers
}

/// Answers given for another version of the definition, fitted to `form`: answers whose data
/// key no longer exists, whose shape changed or whose option is gone are taken out and
/// returned with their paths (so the citizen can still see them); everything else is kept.
pub fn carry_over(form: &Form, answers: &Answers, ctx: &Context) -> (Answers, Vec<(FieldPath, Value)>) {
    let mut kept = answers.clone();
    let mut dropped = Vec::new();
    // Taking out an answer can reveal another misfit below it (a group that became a list):
    // a few rounds settle any realistic change.
    for _ in 0..4 {
        let report = crate::validate(form, &kept, ctx);
        let misfits: Vec<FieldPath> = report
            .issues
            .into_iter()
            .filter(|i| matches!(i.error, ErrorCode::UnknownField | ErrorCode::WrongType | ErrorCode::UnknownOption))
            .map(|i| i.path)
            .collect();
        if misfits.is_empty() {
            break;
        }
        for path in misfits {
            if let Some(value) = answers::get(&kept, &path).cloned() {
                dropped.push((path.clone(), value));
            }
            answers::set(&mut kept, &path, Value::Null);
        }
    }
    (kept, dropped)
}

/// What an embedding host hands in, applied to answers: identity attributes go to the fields
/// whose `prefill.attribute` names them — mandatory prefill always, optional prefill only into
/// an empty field; prefill values by data path only into empty fields of the form.
pub fn apply_host_data(
    form: &Form,
    answers: &mut Answers,
    identity: &Map<String, Value>,
    prefill: &Map<String, Value>,
) {
    fn walk(nodes: &[Node], path: &FieldPath, answers: &mut Answers, identity: &Map<String, Value>) {
        for node in nodes {
            let here = path.key(node.key());
            match node {
                Node::Field(f) => {
                    let Some(p) = &f.prefill else { continue };
                    let Some(value) = identity.get(&p.attribute) else { continue };
                    let take = match p.mode {
                        PrefillMode::Mandatory => true,
                        PrefillMode::Optional => !is_present(answers::get(answers, &here)),
                        PrefillMode::None => false,
                    };
                    if take {
                        answers::set(answers, &here, value.clone());
                    }
                }
                Node::Group(g) if !g.is_list() => walk(&g.items, &here, answers, identity),
                Node::Group(_) => {}
            }
        }
    }
    walk(&form.def().items, &FieldPath::root(), answers, identity);
    for (path, value) in prefill {
        let Ok(path) = FieldPath::parse(path) else { continue };
        if form.field(&path.static_path()).is_some() && !is_present(answers::get(answers, &path)) {
            answers::set(answers, &path, value.clone());
        }
    }
}
