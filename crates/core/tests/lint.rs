//! Lint: every problem, each with a JSON pointer and a stable code; never a panic.
use antrag_core::{lint, parse, Severity};
use serde_json::json;

fn codes(definition: serde_json::Value) -> Vec<(String, String)> {
    match parse(&definition.to_string()) {
        Err(problems) => problems.into_iter().map(|p| (p.pointer, p.code)).collect(),
        Ok(def) => {
            lint(&def).into_iter().filter(|p| p.severity == Severity::Error).map(|p| (p.pointer, p.code)).collect()
        }
    }
}

fn base(items: serde_json::Value) -> serde_json::Value {
    json!({"format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"], "items": items})
}

#[test]
fn reports_every_semantic_problem_with_its_pointer() {
    let def = base(json!([
        {"field": "a", "datatype": "texte", "label": "A"},
        {"field": "a", "datatype": "text", "label": "A2"},
        {"field": "b", "datatype": "text", "label": "B", "constraints": {"pattern": "([a-z", "minLength": 5, "maxLength": 2}},
        {"field": "c", "datatype": "date", "label": "C", "constraints": {"minDate": "gestern"}},
        {"field": "d", "datatype": "text", "label": {"de": "D", "fr": "D"}, "visibleIf": {"==": [{"var": "nirgends"}, 1]}},
        {"field": "e", "kind": "select", "datatype": "text", "label": "E", "codeList": {"id": "urn:x", "version": "1"}},
        {"group": "g", "label": "G", "min": 3, "max": 2, "items": [{"field": "1x", "datatype": "text", "label": "X"}]},
        {"field": "f", "datatype": "text", "label": "F", "visibleIf": {"eval": ["1"]}}
    ]));
    assert_eq!(
        codes(def),
        vec![
            ("/items/0/datatype".into(), "unknown_datatype".into()),
            ("/items/1".into(), "duplicate_key".into()),
            ("/items/2/constraints/minLength".into(), "min_greater_than_max".into()),
            ("/items/2/constraints/pattern".into(), "invalid_regex".into()),
            ("/items/3/constraints/minDate".into(), "invalid_date_bound".into()),
            ("/items/4/label/fr".into(), "unknown_language".into()),
            ("/items/4/visibleIf".into(), "condition_unknown_field".into()),
            ("/items/5/codeList".into(), "unknown_code_list".into()),
            ("/items/6/min".into(), "min_greater_than_max".into()),
            ("/items/6/items/0/field".into(), "invalid_key".into()),
            ("/items/7/visibleIf/eval".into(), "condition_unknown_operator".into()),
        ]
    );
}

#[test]
fn cycles_are_found() {
    let def = base(json!([
        {"field": "a", "datatype": "bool", "label": "A", "visibleIf": {"var": "b"}},
        {"field": "b", "datatype": "bool", "label": "B", "visibleIf": {"var": "a"}},
        {"group": "g", "label": "G", "visibleIf": {"var": "g.x"}, "items": [{"field": "x", "datatype": "bool", "label": "X"}]}
    ]));
    let found = codes(def);
    assert_eq!(found.iter().filter(|(_, c)| c == "condition_cycle").count(), 2, "{found:?}");
}

/// A member whose condition reads its own group as a whole: the group's value holds only its
/// shown members, so deciding the member's visibility needs itself (found by the property
/// test as a stack overflow of validate).
#[test]
fn a_member_reading_its_own_group_is_a_cycle() {
    let def = base(json!([
        {"group": "g", "label": "G", "items": [
            {"field": "a", "datatype": "bool", "label": "A"},
            {"field": "b", "datatype": "bool", "label": "B", "visibleIf": {"!!": {"var": "g"}}}
        ]}
    ]));
    let found = codes(def);
    assert_eq!(found.iter().filter(|(_, c)| c == "condition_cycle").count(), 1, "{found:?}");
}

#[test]
fn ambiguous_repeat_references() {
    let def = base(json!([
        {"group": "kinder", "label": "K", "min": 0, "max": null, "items": [{"field": "alter", "datatype": "num_int", "label": "A"}]},
        {"field": "x", "datatype": "text", "label": "X", "visibleIf": {">": [{"var": "kinder.alter"}, 3]}},
        {"field": "y", "datatype": "text", "label": "Y", "visibleIf": {"some": [{"var": "kinder"}, {">": [{"var": "alter"}, 3]}]}}
    ]));
    assert_eq!(codes(def), vec![("/items/1/visibleIf".into(), "condition_ambiguous_repeat".into())]);
}

#[test]
fn steps_cover_every_item_once() {
    let mut def = base(json!([
        {"field": "a", "datatype": "text", "label": "A"},
        {"field": "b", "datatype": "text", "label": "B"}
    ]));
    def["ui"] = json!({"steps": [
        {"id": "s", "title": "S", "items": ["a", "zz"]},
        {"id": "s", "title": "S2", "items": ["a"]}
    ]});
    assert_eq!(
        codes(def),
        vec![
            ("/ui/steps/0/items/1".into(), "step_unknown_item".into()),
            ("/ui/steps/1/id".into(), "duplicate_step".into()),
            ("/ui/steps/1/items/0".into(), "item_on_two_steps".into()),
            ("/items/1".into(), "item_not_on_step".into()),
        ]
    );
}

#[test]
fn structural_problems_name_each_broken_node() {
    let def = base(json!([
        {"field": "a", "datatype": "text", "label": "A", "requird": true},
        {"group": "g", "label": "G", "items": [
            {"field": "b", "datatype": "text", "label": 5},
            {"nothing": 1}
        ]},
        "not a node"
    ]));
    let found = codes(def);
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/items/0/requird", "/items/1/items/0/label", "/items/1/items/1", "/items/2"]);
    assert!(found.iter().all(|(_, c)| c == "invalid_structure"));
}

#[test]
fn syntax_version_and_language_problems() {
    assert_eq!(codes(json!("x"))[0].1, "invalid_structure");
    let broken = parse("{\"format\": ").unwrap_err();
    assert_eq!(broken[0].code, "json_syntax");
    assert!(broken[0].message.contains("line 1"));
    assert_eq!(codes(json!({"format": "antrag/2"})), vec![("/format".into(), "unsupported_format".into())]);
    let mut def = base(json!([{"field": "a", "datatype": "text", "label": "A"}]));
    def["languages"] = json!(["de", "Deutsch"]);
    assert_eq!(codes(def), vec![("/languages/1".into(), "invalid_language".into())]);
}

#[test]
fn the_reply_address_must_be_an_email_field() {
    let items = json!([
        {"field": "mail", "datatype": "text", "format": "email", "label": "E-Mail"},
        {"field": "name", "datatype": "text", "label": "Name"},
        {"group": "kinder", "label": "Kinder", "min": 0, "max": 3,
         "items": [{"field": "mail", "datatype": "text", "format": "email", "label": "E-Mail"}]}
    ]);
    let with = |path: &str| {
        let mut def = base(items.clone());
        def["service"] = json!({ "replyEmail": path });
        codes(def)
    };
    assert_eq!(with("mail"), vec![]);
    for wrong in ["name", "nirgends", "kinder.mail"] {
        assert_eq!(with(wrong), vec![("/service/replyEmail".to_owned(), "invalid_reply_email".to_owned())], "{wrong}");
    }
}

#[test]
fn a_legal_basis_links_only_to_a_web_address() {
    let basis = |url: &str| json!({"text": "§ 45 StVO", "url": url});
    let def = base(json!([
        {"field": "a", "datatype": "text", "label": "A", "legalBasis": basis("javascript:alert(document.cookie)")},
        {"field": "b", "datatype": "text", "label": "B", "legalBasis": basis(" https://example.org")},
        {"group": "g", "label": "G", "legalBasis": basis("data:text/html,<script>1</script>"),
         "items": [{"field": "c", "datatype": "text", "label": "C", "legalBasis": basis("JavaScript:void(0)")}]},
        {"field": "d", "datatype": "text", "label": "D", "legalBasis": basis("https://www.gesetze-im-internet.de/stvo_2013/__45.html")},
        {"field": "e", "datatype": "text", "label": "E", "legalBasis": basis("HTTP://example.org/x")}
    ]));
    assert_eq!(
        codes(def),
        vec![
            ("/items/0/legalBasis/url".into(), "unsafe_link".into()),
            ("/items/1/legalBasis/url".into(), "unsafe_link".into()),
            ("/items/2/legalBasis/url".into(), "unsafe_link".into()),
            ("/items/2/items/0/legalBasis/url".into(), "unsafe_link".into()),
        ]
    );
    let lb = |url: &str| antrag_core::definition::LegalBasis {
        text: antrag_core::Text::Plain("§".into()),
        url: Some(url.into()),
    };
    assert_eq!(lb("javascript:alert(1)").safe_url(), None);
    assert_eq!(lb("https://").safe_url(), None);
    assert_eq!(lb("https://example.org").safe_url(), Some("https://example.org"));
}

#[test]
fn a_pattern_must_be_a_regular_expression_on_its_own_and_is_never_dropped() {
    // Wrapped as ^(?:p)$ this compiles and matches anything; on its own it does not compile.
    let escaping = r"\d{5})|(?:.*";
    let def = base(json!([{"field": "plz", "datatype": "text", "label": "PLZ", "constraints": {"pattern": escaping}}]));
    assert_eq!(codes(def.clone()), vec![("/items/0/constraints/pattern".into(), "invalid_regex".into())]);
    // A form compiled without lint (the browser's) refuses every answer rather than none.
    let form = antrag_core::Form::trusted(serde_json::from_value(def).unwrap());
    let today = antrag_core::Context::on(antrag_core::Date::new(2026, 11, 28).unwrap());
    for answer in ["06108", "beliebig"] {
        let answers: antrag_core::Answers = serde_json::from_value(json!({"plz": answer})).unwrap();
        let report = antrag_core::validate(&form, &answers, &today);
        assert_eq!(report.issues.len(), 1, "{answer}: {report:?}");
        assert_eq!(report.issues[0].error, antrag_core::ErrorCode::PatternMismatch, "{answer}");
    }
}
