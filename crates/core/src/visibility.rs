//! Which fields, groups and steps are shown for given answers.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::answers::Answers;
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
    walk(&eval, Some(answers), &form.def().items, &mut FieldPath::root(), true, &mut hidden);
    let steps = (0..form.def().ui.steps.len().max(1)).map(|i| eval.step_visible(i)).collect();
    Visibility { hidden, steps }
}

fn walk(
    eval: &Eval<'_>,
    object: Option<&Map<String, Value>>,
    nodes: &[Node],
    path: &mut FieldPath,
    top_level: bool,
    hidden: &mut HashSet<String>,
) {
    for node in nodes {
        path.push_key(node.key());
        if !eval.shows(node, path, top_level) {
            hidden.insert(path.to_string());
        } else if let Node::Group(group) = node {
            let value = object.and_then(|o| o.get(node.key()));
            if group.is_list() {
                for (i, entry) in
                    value.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default().iter().enumerate()
                {
                    path.push_index(i);
                    walk(eval, entry.as_object(), &group.items, path, false, hidden);
                    path.pop();
                }
            } else {
                walk(eval, value.and_then(Value::as_object), &group.items, path, false, hidden);
            }
        }
        path.pop();
    }
}
