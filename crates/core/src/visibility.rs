//! Which fields, groups and steps are shown for given answers.

use std::collections::HashSet;

use crate::answers::{self, Answers};
use crate::definition::Node;
use crate::eval::Eval;
use crate::form::{Context, Form};
use crate::path::{FieldPath, Segment};

/// The visibility of every node and step for one set of answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visibility {
    /// Runtime paths (display form) of nodes hidden by their own condition or their step.
    hidden: HashSet<String>,
    /// Whether each step is shown.
    steps: Vec<bool>,
}

impl Visibility {
    /// Whether the node at `path` is shown (it and all its ancestors).
    pub fn is_visible(&self, path: &FieldPath) -> bool {
        if self.hidden.is_empty() {
            return true;
        }
        let mut prefix = FieldPath::root();
        for segment in path.segments() {
            match segment {
                Segment::Key(k) => {
                    prefix.push_key(k);
                    if self.hidden.contains(&prefix.to_string()) {
                        return false;
                    }
                }
                Segment::Index(i) => prefix.push_index(*i),
            }
        }
        true
    }

    /// Whether step `index` is shown.
    pub fn step_visible(&self, index: usize) -> bool {
        self.steps.get(index).copied().unwrap_or(false)
    }

    /// Indices of the steps shown, in order.
    pub fn visible_steps(&self) -> Vec<usize> {
        (0..self.steps.len()).filter(|i| self.steps[*i]).collect()
    }
}

/// Compute the visibility of every node instance and step.
pub fn visibility(form: &Form, answers: &Answers, ctx: &Context) -> Visibility {
    let eval = Eval::new(form, answers, *ctx);
    let mut hidden = HashSet::new();
    walk(&eval, answers, &form.def().items, &FieldPath::root(), &mut hidden);
    let steps = (0..form.def().ui.steps.len().max(1)).map(|i| eval.step_visible(i)).collect();
    Visibility { hidden, steps }
}

fn walk(eval: &Eval<'_>, answers: &Answers, nodes: &[Node], path: &FieldPath, hidden: &mut HashSet<String>) {
    for node in nodes {
        let here = path.key(node.key());
        if !eval.visible(&here) {
            hidden.insert(here.to_string());
            continue;
        }
        if let Node::Group(group) = node {
            if group.is_list() {
                for i in 0..answers::entry_count(answers, &here) {
                    walk(eval, answers, &group.items, &here.index(i), hidden);
                }
            } else {
                walk(eval, answers, &group.items, &here, hidden);
            }
        }
    }
}
