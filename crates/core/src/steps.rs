//! Steps of a form as the citizen moves through them: which findings belong to a step, on
//! which step a field is asked, and where "next" and "back" lead among the visible steps.

use crate::definition::FormDef;
use crate::error::Issue;
use crate::path::{FieldPath, Segment};

/// The findings on step `step` (those under its top-level nodes), in document order.
pub fn issues_on_step(def: &FormDef, issues: &[Issue], step: usize) -> Vec<Issue> {
    let steps = def.steps();
    let Some(view) = steps.get(step) else { return Vec::new() };
    issues
        .iter()
        .filter(|issue| match issue.path.segments().first() {
            Some(Segment::Key(key)) => view.nodes.iter().any(|n| n.key() == key),
            _ => false,
        })
        .cloned()
        .collect()
}

/// The step that asks for the answer at `path` (its top-level node's step).
pub fn step_of_path(def: &FormDef, path: &FieldPath) -> Option<usize> {
    match path.segments().first()? {
        Segment::Key(key) => def.step_of(key),
        Segment::Index(_) => None,
    }
}

/// The visible step after `step` (`visible` in ascending order), if any.
pub fn following(visible: &[usize], step: usize) -> Option<usize> {
    visible.iter().copied().find(|s| *s > step)
}

/// The visible step before `step`, if any.
pub fn preceding(visible: &[usize], step: usize) -> Option<usize> {
    visible.iter().copied().rev().find(|s| *s < step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::form::Form;

    fn form() -> Form {
        Form::from_json(
            r#"{"format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"],
                "items": [
                  {"group": "person", "label": "Person", "items": [{"field": "name", "datatype": "text", "label": "Name"}]},
                  {"group": "kinder", "label": "Kinder", "min": 0, "max": 5, "items": [{"field": "name", "datatype": "text", "label": "Name"}]},
                  {"field": "ok", "datatype": "bool", "label": "OK"}
                ],
                "ui": {"steps": [
                  {"id": "a", "title": "A", "items": ["person"]},
                  {"id": "b", "title": "B", "items": ["kinder", "ok"]}
                ]}}"#,
        )
        .unwrap()
    }

    fn issue(path: &str) -> Issue {
        Issue { path: FieldPath::parse(path).unwrap(), error: ErrorCode::Required }
    }

    #[test]
    fn issues_belong_to_the_step_of_their_top_level_node() {
        let form = form();
        let issues = [issue("person.name"), issue("kinder[1].name"), issue("ok"), issue("person")];
        let on =
            |step| issues_on_step(form.def(), &issues, step).iter().map(|i| i.path.to_string()).collect::<Vec<_>>();
        assert_eq!(on(0), ["person.name", "person"]);
        assert_eq!(on(1), ["kinder[1].name", "ok"]);
        assert!(on(2).is_empty());
    }

    #[test]
    fn a_path_is_asked_on_its_top_level_nodes_step() {
        let form = form();
        assert_eq!(step_of_path(form.def(), &FieldPath::parse("kinder[0].name").unwrap()), Some(1));
        assert_eq!(step_of_path(form.def(), &FieldPath::parse("person.name").unwrap()), Some(0));
        assert_eq!(step_of_path(form.def(), &FieldPath::parse("unbekannt").unwrap()), None);
    }

    #[test]
    fn next_and_back_skip_hidden_steps() {
        let visible = [0, 2, 3];
        assert_eq!(following(&visible, 0), Some(2));
        assert_eq!(following(&visible, 1), Some(2));
        assert_eq!(following(&visible, 3), None);
        assert_eq!(preceding(&visible, 2), Some(0));
        assert_eq!(preceding(&visible, 0), None);
    }
}
