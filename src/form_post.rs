//! The no-JavaScript path: a step is a real `<form method="post">`, and this reads what it
//! posts back into answers — the inverse of the names the components give their controls
//! ([`control_name`]), kept beside them so the two cannot drift. The server uses it to handle
//! a step without JavaScript; the rules are those of the widgets (empty means absent, dates
//! from their parts as typed, choices as values).
//!
//! Names: a field's data path (`antragsteller.vorname`, `kinder[1].name`); the parts of a date
//! `…:day`, `…:month`, `…:year` and `…:time`. The button pressed is `aktion` ([`Action`]);
//! hidden fields start with `_`.

use antrag_core::definition::{DataType, Field, Node};
use antrag_core::{Answers, Context, FieldPath, Form, WidgetKind};
use serde_json::Value;

/// The name of the button field.
pub const ACTION: &str = "aktion";
/// Hidden field: the definition version the page was rendered for.
pub const VERSION: &str = "_version";
/// Hidden field: the step the page showed (its id).
pub const STEP: &str = "_schritt";
/// Hidden field: "next" returns to the answer summary (after a change link).
pub const BACK_TO_REVIEW: &str = "_zur_uebersicht";

/// The name of a field's control (`part`: a date's `day`, `month`, `year` or `time`).
pub fn control_name(path: &FieldPath, part: Option<&str>) -> String {
    match part {
        Some(part) => format!("{path}:{part}"),
        None => path.to_string(),
    }
}

/// What the citizen asked for with the button they pressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// "Weiter": check the step and go on.
    Next,
    /// "Zurück": keep what was typed, go to the previous step.
    Back,
    /// Add an entry to a repeatable group.
    Add(FieldPath),
    /// Remove entry `index` of a repeatable group.
    Remove(FieldPath, usize),
    /// Remove one uploaded file (by its id) from a file field.
    RemoveFile(FieldPath, String),
    /// "Absenden" on the answer summary.
    Send,
}

impl Action {
    /// The button's `value`.
    pub fn value(&self) -> String {
        match self {
            Action::Next => "weiter".into(),
            Action::Back => "zurueck".into(),
            Action::Add(path) => format!("hinzufuegen:{path}"),
            Action::Remove(path, index) => format!("entfernen:{path}:{index}"),
            Action::RemoveFile(path, id) => format!("datei-entfernen:{path}:{id}"),
            Action::Send => "absenden".into(),
        }
    }

    /// The action a button's value names.
    pub fn parse(value: &str) -> Option<Action> {
        let path = |p: &str| FieldPath::parse(p).ok();
        Some(match value.split_once(':') {
            None if value == "weiter" => Action::Next,
            None if value == "zurueck" => Action::Back,
            None if value == "absenden" => Action::Send,
            Some(("hinzufuegen", p)) => Action::Add(path(p)?),
            Some(("entfernen", rest)) => {
                let (p, index) = rest.rsplit_once(':')?;
                Action::Remove(path(p)?, index.parse().ok()?)
            }
            Some(("datei-entfernen", rest)) => {
                let (p, id) = rest.rsplit_once(':')?;
                Action::RemoveFile(path(p)?, id.to_owned())
            }
            _ => return None,
        })
    }
}

/// What is wrong with a posted step (the server answers with these, never with a 500).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostError {
    /// A field name this form does not have.
    UnknownField(String),
    /// A field of the form that the step does not show.
    NotOnStep(String),
}

impl std::fmt::Display for PostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PostError::UnknownField(name) => write!(f, "the form has no field \"{name}\""),
            PostError::NotOnStep(name) => write!(f, "the field \"{name}\" is not on this step"),
        }
    }
}

/// The parts of a date answer (`1990-3-27T10:15` → year, month, day, time), as typed.
pub fn date_parts(value: &str) -> ([String; 3], String) {
    let (date, time) = value.split_once('T').unwrap_or((value, ""));
    let mut it = date.splitn(3, '-').map(str::to_owned);
    let year = it.next().unwrap_or_default();
    let month = it.next().unwrap_or_default();
    let day = it.next().unwrap_or_default();
    ([year, month, day], time.to_owned())
}

/// A date answer from its parts (empty parts stay empty, so the core can say which is
/// missing); nothing typed at all is no answer.
pub fn compose_date(year: &str, month: &str, day: &str, time: Option<&str>) -> Value {
    let (year, month, day) = (year.trim(), month.trim(), day.trim());
    let time = time.map(str::trim).unwrap_or("");
    if year.is_empty() && month.is_empty() && day.is_empty() && time.is_empty() {
        return Value::Null;
    }
    let date = format!("{year}-{month}-{day}");
    Value::String(if time.is_empty() { date } else { format!("{date}T{time}") })
}

/// Take the posted values of step `step` into `answers`: every field the step showed (under
/// the answers as they were) gets what was posted for it — a field shown but not posted (an
/// unticked box, no choice) is cleared; fields not shown keep their answers. Files come as
/// uploads and are not read here. Names other than the step's fields are refused.
pub fn apply_step(
    form: &Form,
    ctx: &Context,
    step: usize,
    answers: &mut Answers,
    posted: &[(String, String)],
) -> Result<(), PostError> {
    let visibility = antrag_core::visibility(form, answers, ctx);
    let def = form.def();
    let steps = def.steps();
    let nodes: Vec<Node> = steps.get(step).map(|s| s.nodes.iter().map(|n| (*n).clone()).collect()).unwrap_or_default();
    let mut shown = Vec::new();
    let mut names = Vec::new();
    collect(&nodes, &FieldPath::root(), answers, &|p| visibility.is_visible(p), &mut shown, &mut names);
    for (name, _) in posted {
        if name == ACTION || name.starts_with('_') || names.contains(name) {
            continue;
        }
        let path = name.split(':').next().unwrap_or_default();
        let known = FieldPath::parse(path).ok().is_some_and(|p| form.node(&p.static_path()).is_some());
        return Err(if known { PostError::NotOnStep(name.clone()) } else { PostError::UnknownField(name.clone()) });
    }
    for (field, path) in shown {
        let value = posted_value(&field, &path, posted);
        antrag_core::answers::set(answers, &path, value);
    }
    Ok(())
}

/// The fields a step shows (with their runtime paths) and their control names.
fn collect(
    nodes: &[Node],
    path: &FieldPath,
    answers: &Answers,
    visible: &dyn Fn(&FieldPath) -> bool,
    shown: &mut Vec<(Field, FieldPath)>,
    names: &mut Vec<String>,
) {
    for node in nodes {
        let here = path.key(node.key());
        if !visible(&here) {
            continue;
        }
        match node {
            Node::Field(field) => {
                let widget = antrag_core::select_widget(field);
                match widget {
                    WidgetKind::Date | WidgetKind::DateTime => {
                        for part in ["day", "month", "year"] {
                            names.push(control_name(&here, Some(part)));
                        }
                        if widget == WidgetKind::DateTime {
                            names.push(control_name(&here, Some("time")));
                        }
                    }
                    WidgetKind::File => names.push(control_name(&here, None)),
                    _ => names.push(control_name(&here, None)),
                }
                if takes_post(widget) {
                    shown.push(((**field).clone(), here));
                }
            }
            Node::Group(group) if group.is_list() => {
                for i in 0..antrag_core::answers::entry_count(answers, &here) {
                    collect(&group.items, &here.index(i), answers, visible, shown, names);
                }
            }
            Node::Group(group) => collect(&group.items, &here, answers, visible, shown, names),
        }
    }
}

/// Whether a widget's answer comes from the posted form (files come as uploads; locked,
/// hidden and static fields are nobody's input).
fn takes_post(widget: WidgetKind) -> bool {
    !matches!(
        widget,
        WidgetKind::File | WidgetKind::Locked | WidgetKind::Hidden | WidgetKind::StaticText | WidgetKind::Unsupported
    )
}

/// A field's answer from the posted values.
fn posted_value(field: &Field, path: &FieldPath, posted: &[(String, String)]) -> Value {
    fn values<'a>(posted: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        posted.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    let one = |name: &str| values(posted, name).next().unwrap_or("").to_owned();
    let name = control_name(path, None);
    match antrag_core::select_widget(field) {
        WidgetKind::Date | WidgetKind::DateTime => {
            let time = (field.datatype == DataType::DateTime).then(|| one(&control_name(path, Some("time"))));
            compose_date(
                &one(&control_name(path, Some("year"))),
                &one(&control_name(path, Some("month"))),
                &one(&control_name(path, Some("day"))),
                time.as_deref(),
            )
        }
        WidgetKind::Checkboxes => {
            let chosen: Vec<&str> = values(posted, &name).collect();
            let order: Vec<&str> = field.options.iter().flatten().map(|o| o.value.as_str()).collect();
            let mut list: Vec<Value> = order.iter().filter(|o| chosen.contains(o)).map(|o| Value::from(*o)).collect();
            // A value that is no option stays, so the core reports it.
            list.extend(chosen.iter().filter(|c| !order.contains(c)).map(|c| Value::from(*c)));
            if list.is_empty() {
                Value::Null
            } else {
                Value::Array(list)
            }
        }
        WidgetKind::YesNo => match one(&name).as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "" => Value::Null,
            other => Value::String(other.to_owned()),
        },
        WidgetKind::Checkbox => match one(&name).as_str() {
            "" => Value::Null,
            _ => Value::Bool(true),
        },
        _ => {
            let text = one(&name);
            if text.trim().is_empty() {
                Value::Null
            } else {
                Value::String(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form() -> Form {
        Form::from_json(
            r#"{"format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"],
                "items": [
                  {"group": "person", "label": "Person", "items": [
                    {"field": "name", "datatype": "text", "label": "Name", "required": true},
                    {"field": "geboren", "datatype": "date", "label": "Geboren"},
                    {"field": "hund", "datatype": "bool", "label": "Hund?"},
                    {"field": "rasse", "datatype": "text", "label": "Rasse", "visibleIf": {"==": [{"var": "person.hund"}, true]}}
                  ]},
                  {"group": "kinder", "label": "Kinder", "min": 0, "max": 3, "items": [{"field": "name", "datatype": "text", "label": "Name"}]},
                  {"field": "sprachen", "kind": "select", "multiple": true, "datatype": "text", "label": "Sprachen",
                   "options": [{"value": "de", "label": "Deutsch"}, {"value": "en", "label": "Englisch"}]},
                  {"field": "ok", "datatype": "bool", "widget": "checkbox", "label": "OK"},
                  {"field": "termin", "datatype": "datetime", "label": "Termin"}
                ],
                "ui": {"steps": [
                  {"id": "person", "title": "Person", "items": ["person", "kinder"]},
                  {"id": "rest", "title": "Rest", "items": ["sprachen", "ok", "termin"]}
                ]}}"#,
        )
        .unwrap()
    }

    fn ctx() -> Context {
        Context::on(antrag_core::Date::new(2026, 11, 28).unwrap())
    }

    fn post(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_step_posts_back_into_answers_as_the_widgets_write_them() {
        let form = form();
        let mut answers: Answers = serde_json::from_value(json!({"kinder": [{}, {}], "sprachen": ["en"]})).unwrap();
        let posted = post(&[
            ("_version", "1"),
            ("person.name", "Jürgen Groß"),
            ("person.geboren:day", "27"),
            ("person.geboren:month", "3"),
            ("person.geboren:year", ""),
            ("person.hund", "true"),
            ("kinder[0].name", "Mia"),
            ("kinder[1].name", ""),
            ("aktion", "weiter"),
        ]);
        apply_step(&form, &ctx(), 0, &mut answers, &posted).unwrap();
        assert_eq!(
            Value::Object(answers.clone()),
            json!({"person": {"name": "Jürgen Groß", "geboren": "-3-27", "hund": true}, "kinder": [{"name": "Mia"}, {}], "sprachen": ["en"]})
        );
        // The breed was not shown (no dog yet): now it is, and an empty post clears nothing else.
        let posted = post(&[("person.name", "Jürgen Groß"), ("person.hund", "true"), ("person.rasse", "Dackel")]);
        apply_step(&form, &ctx(), 0, &mut answers, &posted).unwrap();
        assert_eq!(answers["person"]["rasse"], "Dackel");
        assert_eq!(answers["person"].get("geboren"), None, "all date parts empty: no answer");
    }

    #[test]
    fn choices_checkboxes_and_date_times() {
        let form = form();
        let mut answers = Answers::new();
        let posted = post(&[
            ("sprachen", "en"),
            ("sprachen", "de"),
            ("ok", "true"),
            ("termin:day", "2"),
            ("termin:month", "1"),
            ("termin:year", "2032"),
            ("termin:time", "10:15"),
        ]);
        apply_step(&form, &ctx(), 1, &mut answers, &posted).unwrap();
        assert_eq!(
            Value::Object(answers.clone()),
            json!({"sprachen": ["de", "en"], "ok": true, "termin": "2032-1-2T10:15"})
        );
        // Unticked and unchosen: cleared.
        apply_step(&form, &ctx(), 1, &mut answers, &post(&[("termin:year", "2032")])).unwrap();
        assert_eq!(Value::Object(answers), json!({"termin": "2032--"}));
    }

    #[test]
    fn unknown_names_and_fields_of_other_steps_are_refused() {
        let form = form();
        let mut answers = Answers::new();
        assert_eq!(
            apply_step(&form, &ctx(), 0, &mut answers, &post(&[("person.beruf", "x")])),
            Err(PostError::UnknownField("person.beruf".into()))
        );
        assert_eq!(
            apply_step(&form, &ctx(), 0, &mut answers, &post(&[("ok", "true")])),
            Err(PostError::NotOnStep("ok".into()))
        );
        // A hidden question cannot be answered by a tampered post.
        assert_eq!(
            apply_step(&form, &ctx(), 0, &mut answers, &post(&[("person.rasse", "Dackel")])),
            Err(PostError::NotOnStep("person.rasse".into()))
        );
        assert!(answers.is_empty());
    }

    #[test]
    fn actions_round_trip() {
        for action in [
            Action::Next,
            Action::Back,
            Action::Send,
            Action::Add(FieldPath::parse("kinder").unwrap()),
            Action::Remove(FieldPath::parse("kinder").unwrap(), 2),
            Action::RemoveFile(FieldPath::parse("anlagen[0].datei").unwrap(), "a1b2".into()),
        ] {
            assert_eq!(Action::parse(&action.value()), Some(action));
        }
        assert_eq!(Action::parse("loeschen"), None);
        assert_eq!(Action::parse("entfernen:kinder:x"), None);
    }
}
