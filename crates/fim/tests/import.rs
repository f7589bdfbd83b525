//! The importer on small synthetic XDatenfelder fixtures of our own (tests/fixtures): what
//! becomes of every element, and that translated rules behave as the prose says when the core
//! validates answers.

use std::path::PathBuf;

use antrag_core::definition::{DataType, Field, FormDef, Group, Kind, Node, PrefillMode};
use antrag_core::{validate, Context, ErrorCode, Form, Text};
use antrag_fim::{import, CodeLists, Import, ImportError, Options};
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn lists() -> CodeLists {
    CodeLists::load_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/codelists")).unwrap()
}

fn run(name: &str) -> Import {
    import(&fixture(name), &Options { codelists: lists(), ..Options::default() })
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn node<'a>(def: &'a FormDef, path: &str) -> &'a Node {
    let mut nodes = &def.items;
    let mut found = None;
    for key in path.split('.') {
        let n = nodes.iter().find(|n| n.key() == key).unwrap_or_else(|| panic!("no {key} in {path}"));
        if let Node::Group(g) = n {
            nodes = &g.items;
        }
        found = Some(n);
    }
    found.unwrap()
}

fn field<'a>(def: &'a FormDef, path: &str) -> &'a Field {
    match node(def, path) {
        Node::Field(f) => f,
        Node::Group(_) => panic!("{path} is a group"),
    }
}

fn group<'a>(def: &'a FormDef, path: &str) -> &'a Group {
    match node(def, path) {
        Node::Group(g) => g,
        Node::Field(_) => panic!("{path} is a field"),
    }
}

fn today() -> Context {
    antrag_testing::context()
}

/// Issues as `path code` strings.
fn issues(form: &Form, answers: Value) -> Vec<String> {
    let answers = answers.as_object().unwrap().clone();
    validate(form, &answers, &today()).issues.iter().map(|i| format!("{} {}", i.path, i.error.code())).collect()
}

fn valid_v3() -> Value {
    json!({
        "G99000000020": {
            "F99000000021": "Erika", "F99000000022": "1980-02-01", "F99000000023": "129",
            "F99000000026": "erika@example.de"
        },
        "F99000000010": "001",
        "G99000000040": [{ "F99000000041": "B-AB 1", "F99000000042": true }],
        "F99000000060": [{ "F99000000060": "a" }, { "F99000000060": "b" }]
    })
}

#[test]
fn v3_identity_service_and_overlay() {
    let imported = run("xdf3-musterantrag.xml");
    let def = &imported.definition;
    assert_eq!(def.id, "fim-s99000000001");
    assert_eq!(def.version, "1.2.0");
    assert_eq!(def.title, Text::Plain("Antrag auf eine Mustergenehmigung".into()));
    assert_eq!(def.description, Some(Text::Plain("Mit diesem Antrag beantragen Sie eine Mustergenehmigung.".into())));
    assert_eq!(def.service.leika_key.as_deref(), Some("99123456789000"));
    let fim = def.service.fim_schema.as_ref().unwrap();
    assert_eq!((fim.id.as_str(), fim.version.as_deref()), ("S99000000001", Some("1.2.0")));
    assert_eq!(def.service.schema_uri.as_deref(), Some("https://schema.fitko.de/fim/s99000000001_1.2.0.schema.json"));
    // Top-level groups are steps titled by their labels; loose fields share a step.
    let steps: Vec<(String, Vec<String>)> =
        def.ui.steps.iter().map(|s| (s.title.resolve("de", "de").to_owned(), s.items.clone())).collect();
    assert_eq!(
        steps,
        vec![
            ("Angaben zur Person".to_owned(), vec!["G99000000020".to_owned()]),
            ("Weitere Angaben".to_owned(), vec!["F99000000010".to_owned()]),
            ("Bisherige Genehmigung".to_owned(), vec!["G99000000030".to_owned()]),
            ("Fahrzeug".to_owned(), vec!["G99000000040".to_owned()]),
            (
                "Weitere Angaben".to_owned(),
                ["F99000000050", "F99000000060", "F99000000070", "F99000000080", "F99000000090"]
                    .map(String::from)
                    .to_vec()
            ),
        ]
    );
    // The step of a conditional group is conditional too.
    assert!(def.ui.steps[2].visible_if.is_some());
    // The definition is served like any other: it round-trips through the core's parser.
    let json = serde_json::to_string(def).unwrap();
    let parsed = antrag_core::lint::parse(&json).unwrap();
    assert!(antrag_core::lint(&parsed).iter().all(|p| p.severity != antrag_core::Severity::Error));
}

#[test]
fn v3_fields_keep_ids_types_constraints_and_texts() {
    let def = run("xdf3-musterantrag.xml").definition;
    let vorname = field(&def, "G99000000020.F99000000021");
    assert_eq!(
        vorname.fim.as_ref().map(|f| (f.id.as_str(), f.version.as_deref())),
        Some(("F99000000021", Some("1.0.0")))
    );
    assert!(vorname.required);
    assert_eq!((vorname.constraints.min_length, vorname.constraints.max_length), (Some(1), Some(50)));
    assert_eq!(vorname.hint, Some(Text::Plain("Geben Sie alle Vornamen an.".into())));
    // The use's legal basis with its link; the element's data-model reference is no law.
    let basis = vorname.legal_basis.as_ref().unwrap();
    assert_eq!(basis.text, Text::Plain("§ 1 MusterG".into()));
    assert_eq!(basis.url.as_deref(), Some("https://www.gesetze-im-internet.de/muster/__1.html"));

    let geburt = field(&def, "G99000000020.F99000000022");
    assert_eq!(geburt.datatype, DataType::Date);
    assert_eq!(geburt.constraints.min_date.as_deref(), Some("1900-01-01"));
    let prefill = geburt.prefill.as_ref().unwrap();
    assert_eq!((prefill.mode, prefill.attribute.as_str()), (PrefillMode::Optional, "F99000000022"));

    let staat = field(&def, "G99000000020.F99000000023");
    assert_eq!(staat.kind, Kind::Select);
    let options: Vec<(&str, &str)> =
        staat.options.as_ref().unwrap().iter().map(|o| (o.value.as_str(), o.label.resolve("de", "de"))).collect();
    assert_eq!(options, vec![("000", "Deutschland"), ("129", "Frankreich"), ("163", "Österreich")]);
    assert_eq!(staat.code_list.as_ref().map(|c| c.id.as_str()), Some("urn:test:staat"));

    let plz = field(&def, "G99000000020.F99000000024");
    assert!(!plz.required);
    assert_eq!(plz.constraints.pattern.as_deref(), Some("[0-9]{5}"));

    let hinweis = field(&def, "G99000000020.F99000000027");
    assert_eq!(hinweis.kind, Kind::Label);
    assert!(!hinweis.required, "static text takes no answer");
    assert_eq!(hinweis.content, Some(Text::Plain("Halten Sie Ihren Ausweis bereit.".into())));

    let kennung = field(&def, "G99000000020.F99000000028");
    assert_eq!((kennung.kind.clone(), kennung.default.clone()), (Kind::Hidden, Some(json!("MUSTER-01"))));

    // A missing code list: a free-text input and a warning, never a silent drop.
    let familienstand = field(&def, "G99000000020.F99000000029");
    assert_eq!((familienstand.kind.clone(), familienstand.options.is_none()), (Kind::Input, true));

    let art = field(&def, "F99000000010");
    assert_eq!(art.options.as_ref().map(Vec::len), Some(2));

    let nachweise = field(&def, "F99000000050");
    assert_eq!(nachweise.datatype, DataType::File);
    assert_eq!(nachweise.constraints.max_size, Some(5_000_000));
    assert_eq!(nachweise.constraints.media_types, vec!["application/pdf", "image/jpeg"]);
    assert_eq!(nachweise.constraints.max_files, Some(antrag_fim_cap()));

    // A text field that occurs 2:4 times: a repeatable group of one field.
    let zeilen = group(&def, "F99000000060");
    assert_eq!((zeilen.min, zeilen.max), (2, Some(4)));
    assert!(field(&def, "F99000000060.F99000000060").required);

    // A select that occurs 0:3 times: multiple choice.
    let interessen = field(&def, "F99000000070");
    assert!(interessen.multiple);
    assert_eq!(interessen.constraints.max_selected, Some(3));

    let gebuehr = field(&def, "F99000000080");
    assert_eq!((gebuehr.kind.clone(), gebuehr.datatype.clone()), (Kind::Locked, DataType::NumCurrency));
    assert_eq!(gebuehr.default, Some(json!("25,00")));
    assert_eq!(field(&def, "F99000000090").datatype, DataType::Time);

    let fahrzeug = group(&def, "G99000000040");
    assert_eq!((fahrzeug.min, fahrzeug.max), (1, Some(3)));
    let leistung = field(&def, "G99000000040.F99000000043");
    assert_eq!((leistung.constraints.min, leistung.constraints.max), (Some(1.0), Some(1000.0)));
}

fn antrag_fim_cap() -> u32 {
    20
}

#[test]
fn v3_report_lists_rules_and_warnings() {
    let report = run("xdf3-musterantrag.xml").report;
    assert_eq!(report.figures(), "fields=20 groups=4 steps=5 code_lists=1/2 rules=3/5 warnings=3");
    let untranslated: Vec<&str> = report.rules.iter().filter(|r| !r.translated).map(|r| r.id.as_str()).collect();
    assert_eq!(untranslated, vec!["R99000000002", "R99000000005"]);
    // A translation the core cannot express (a condition on a field inside a repeatable
    // group, read from outside it) is taken back, with the linter's reason.
    let ladezeit = report.rules.iter().find(|r| r.id == "R99000000005").unwrap();
    assert!(ladezeit.note.contains("condition_ambiguous_repeat"), "{}", ladezeit.note);
    let missing = report.warnings.iter().find(|w| w.code == "code_list_missing").unwrap();
    assert_eq!(missing.at, "G99000000020.F99000000029");
    assert!(missing.message.contains("urn:test:familienstand"), "{}", missing.message);
    let text = report.to_string();
    assert!(text.contains("Rules NOT translated"), "{text}");
    assert!(text.contains("R99000000002 \"Datum plausibel\""), "{text}");
}

#[test]
fn v3_every_rule_keeps_its_prose() {
    let def = run("xdf3-musterantrag.xml").definition;
    let rules = &def.service.fim_rules;
    assert_eq!(rules.len(), 5);
    let untranslated = rules.iter().find(|r| r.fim.id == "R99000000002").unwrap();
    assert!(!untranslated.translated);
    assert_eq!(untranslated.text, "Das Ausstellungsdatum darf nicht vor dem Geburtsdatum liegen.");
    let at_least_one = rules.iter().find(|r| r.fim.id == "R99000000003").unwrap();
    assert_eq!(at_least_one.at.as_deref(), Some("G99000000020"));
    assert!(at_least_one.translated);
    // Rules that became core rules name their source.
    let core_rule = group(&def, "G99000000020").rules.first().unwrap();
    assert_eq!(core_rule.source.as_ref().and_then(|s| s.fim.as_ref()).map(|f| f.id.as_str()), Some("R99000000003"));
}

#[test]
fn v3_valid_answers_pass() {
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    assert_eq!(issues(&form, valid_v3()), Vec::<String>::new());
}

#[test]
fn v3_rule_show_and_require_group() {
    // "WENN F…10 = 002, DANN aktiviere G…30 UND mache sie zu einer Pflichtangabe."
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    let mut answers = valid_v3();
    answers["F99000000010"] = json!("002");
    let found = issues(&form, answers.clone());
    assert!(found.contains(&"G99000000030.F99000000031 required".to_owned()), "{found:?}");
    answers["G99000000030"] = json!({ "F99000000031": "AZ-1", "F99000000032": "2020-01-01" });
    assert_eq!(issues(&form, answers.clone()), Vec::<String>::new());
    // Not shown for a first application: its answers are not submitted.
    answers["F99000000010"] = json!("001");
    let payload = antrag_core::check(&form, answers.as_object().unwrap(), &today()).unwrap().into_inner();
    assert!(payload.get("G99000000030").is_none(), "{payload:?}");
}

#[test]
fn v3_rule_at_least_one_of() {
    // "Es muss mindestens eines der Felder F…25 "Telefon" oder F…26 "E-Mail" befüllt sein."
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    let mut answers = valid_v3();
    answers["G99000000020"].as_object_mut().unwrap().remove("F99000000026");
    let found = issues(&form, answers.clone());
    assert_eq!(found, vec!["G99000000020.F99000000025 rule".to_owned()]);
    let report = validate(&form, answers.as_object().unwrap(), &today());
    match &report.issues[0].error {
        ErrorCode::Rule { rule } => assert!(rule.starts_with("r99000000003"), "{rule}"),
        other => panic!("{other:?}"),
    }
    answers["G99000000020"]["F99000000025"] = json!("+49 30 1234");
    assert_eq!(issues(&form, answers), Vec::<String>::new());
}

#[test]
fn v3_rule_required_if_inside_repeatable_group() {
    // "Wenn F…42 "Elektrofahrzeug" = NEIN, dann muss F…43 "Leistung in kW" befüllt sein." — per entry.
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    let mut answers = valid_v3();
    answers["G99000000040"] = json!([
        { "F99000000041": "B-AB 1", "F99000000042": true },
        { "F99000000041": "B-AB 2", "F99000000042": false }
    ]);
    assert_eq!(issues(&form, answers.clone()), vec!["G99000000040[1].F99000000043 required".to_owned()]);
    answers["G99000000040"][1]["F99000000043"] = json!("75");
    assert_eq!(issues(&form, answers), Vec::<String>::new());
}

#[test]
fn v3_multiplicities_are_checked() {
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    let mut answers = valid_v3();
    answers["F99000000060"] = json!([{ "F99000000060": "nur eine" }]);
    answers["F99000000070"] = json!(["01", "02", "03"]);
    assert_eq!(issues(&form, answers.clone()), vec!["F99000000060 too_few_entries".to_owned()]);
    answers["G99000000040"] = json!([]);
    assert!(issues(&form, answers).contains(&"G99000000040 too_few_entries".to_owned()));
}

#[test]
fn v3_sample_answers_are_found() {
    let form = Form::new(run("xdf3-musterantrag.xml").definition).unwrap();
    let answers = antrag_core::generate::sample_answers(&form, &today()).unwrap();
    assert!(validate(&form, &answers, &today()).is_valid());
}

#[test]
fn v2_json_praezisierung_code_lists_and_rule() {
    let imported = run("xdf2-muster.xml");
    let def = &imported.definition;
    assert_eq!(def.version, "2.1");
    assert_eq!(def.title, Text::Plain("Musterantrag (2.0)".into()));
    assert_eq!(def.service.leika_key.as_deref(), Some("99123456001000"));
    // 2.0 generated ids become valid keys; the FIM id stays as it was.
    let name = field(def, "G99000030.F00_4cb0dd14_629c");
    assert_eq!(name.fim.as_ref().map(|f| f.id.as_str()), Some("F00-4cb0dd14-629c"));
    assert_eq!((name.constraints.min_length, name.constraints.max_length), (Some(1), Some(60)));
    // Legacy "1..12" on a whole number.
    let monat = field(def, "G99000030.F99000013");
    assert_eq!((monat.constraints.min, monat.constraints.max), (Some(1.0), Some(12.0)));
    // A help text with paragraphs is shown on request.
    let halter = field(def, "F99000011");
    assert_eq!(
        halter.help,
        Some(Text::Plain(
            "Geben Sie an, auf wen das Fahrzeug zugelassen ist.\n\nGehört es jemand anderem, machen Sie danach Angaben zum Halter."
                .into()
        ))
    );
    assert_eq!(halter.output_label, Some(Text::Plain("Halter".into())));
    assert_eq!(field(def, "F99000014").default, Some(json!(false)));
    assert_eq!(imported.report.figures(), "fields=4 groups=1 steps=3 code_lists=1/1 rules=1/1 warnings=2");

    // "Wenn bei F…11 "02 …" angegeben wird, dann wird G…30 zur Pflichtangabe."
    let form = Form::new(def.clone()).unwrap();
    assert_eq!(issues(&form, json!({ "F99000011": "01", "F99000014": true })), Vec::<String>::new());
    assert_eq!(issues(&form, json!({ "F99000011": "02", "F99000014": true })), vec!["G99000030 rule".to_owned()]);
    let filled = json!({ "F99000011": "02", "F99000014": true,
        "G99000030": [{ "F00_4cb0dd14_629c": "Max Halter", "F99000013": "5" }] });
    assert_eq!(issues(&form, filled), Vec::<String>::new());
}

#[test]
fn a_group_message_imports_as_a_form() {
    let xml = r#"<xdf:xdatenfelder.datenfeldgruppe.0103 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_3.0.0">
      <xdf:header><xdf:nachrichtID>t</xdf:nachrichtID><xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
      <xdf:datenfeldgruppe><xdf:identifikation><xdf:id>G99000000100</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>
        <xdf:name>Kontakt</xdf:name><xdf:bezeichnungEingabe>Kontakt</xdf:bezeichnungEingabe>
        <xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeld>
          <xdf:identifikation><xdf:id>F99000000101</xdf:id></xdf:identifikation><xdf:name>E-Mail</xdf:name>
          <xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>
          <xdf:vorbefuellung><code>keine</code></xdf:vorbefuellung>
        </xdf:datenfeld></xdf:enthaelt></xdf:struktur>
      </xdf:datenfeldgruppe></xdf:xdatenfelder.datenfeldgruppe.0103>"#;
    let imported = import(xml, &Options::default()).unwrap();
    assert_eq!(imported.definition.id, "fim-g99000000100");
    assert_eq!(imported.definition.title, Text::Plain("Kontakt".into()));
    assert!(field(&imported.definition, "F99000000101").required);
    assert_eq!(imported.definition.service.schema_uri, None, "only a Stammdatenschema has a FIT-Connect schema");
}

#[test]
fn xdatenfelder_1_is_rejected_naming_the_version() {
    let err = import(&fixture("xdf1-legacy.xml"), &Options::default()).unwrap_err();
    assert!(matches!(&err, ImportError::UnsupportedVersion { version, .. } if version == "1"), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("XDatenfelder 1 ") && message.contains("2.0 or 3.0.0"), "{message}");
}

#[test]
fn broken_input_is_named() {
    let err = import("<xdf:a xmlns:xdf=\"x\">\n<b></c></xdf:a>", &Options::default()).unwrap_err();
    assert!(matches!(err, ImportError::Xml { line: 2, .. }), "{err:?}");

    let err = import("<html/>", &Options::default()).unwrap_err();
    assert!(err.to_string().contains("no namespace"), "{err}");

    let v3 = fixture("xdf3-musterantrag.xml");
    let bad_anzahl = v3.replacen("<xdf:anzahl>1:3</xdf:anzahl>", "<xdf:anzahl>3:1</xdf:anzahl>", 1);
    let err = import(&bad_anzahl, &Options::default()).unwrap_err().to_string();
    assert!(err.contains("S99000000001") && err.contains("anzahl \"3:1\""), "{err}");

    let bad_type = v3.replacen("<code>time</code>", "<code>zeitraum</code>", 1);
    let err = import(&bad_type, &Options::default()).unwrap_err().to_string();
    assert!(err.contains("F99000000090") && err.contains("datentyp \"zeitraum\""), "{err}");

    let no_fields = r#"<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
      <xdf:stammdatenschema><xdf:identifikation><xdf:id>S1</xdf:id></xdf:identifikation><xdf:name>Leer</xdf:name></xdf:stammdatenschema>
    </xdf:xdatenfelder.stammdatenschema.0102>"#;
    let err = import(no_fields, &Options::default()).unwrap_err().to_string();
    assert!(err.contains("no data fields"), "{err}");
}

#[test]
fn a_given_form_id_is_used() {
    let options = Options { form_id: Some("mustergenehmigung".into()), codelists: lists() };
    let imported = import(&fixture("xdf3-musterantrag.xml"), &options).unwrap();
    assert_eq!(imported.definition.id, "mustergenehmigung");
}

#[test]
fn v3_library_date_rules_become_checks() {
    // R60000000024 "Datumkorrekt" (day, month and year make a real date) and R05000012171
    // ("von" before "bis"), as the FIM library writes them.
    let imported = run("xdf3-datumsregeln.xml");
    assert_eq!(imported.report.rules_not_translated(), 0, "{}", imported.report);
    let form = Form::new(imported.definition).unwrap();
    let date =
        |d: i64, m: i64, y: i64| json!({ "G60000000083": { "F60000000231": d, "F60000000232": m, "F60000000233": y } });
    let rule = |answers: Value| issues(&form, answers).into_iter().filter(|i| i.ends_with(" rule")).collect::<Vec<_>>();
    for (d, m, y) in [(30, 2, 2019), (31, 11, 1968), (29, 2, 2019), (29, 2, 1900), (31, 4, 2024), (31, 6, 2024)] {
        assert_eq!(rule(date(d, m, y)), ["G60000000083.F60000000231 rule"], "{d}.{m}.{y}");
    }
    for (d, m, y) in
        [(29, 2, 2020), (29, 2, 2000), (28, 2, 2019), (31, 12, 1968), (30, 11, 1968), (31, 1, 2024), (1, 3, 2024)]
    {
        assert_eq!(rule(date(d, m, y)), Vec::<String>::new(), "{d}.{m}.{y}");
    }
    // Typed answers are text in the browser: the same verdicts.
    assert_eq!(
        rule(json!({ "G60000000083": { "F60000000231": "31", "F60000000232": "4", "F60000000233": "2024" } })),
        ["G60000000083.F60000000231 rule"]
    );
    // Not all three given: the field checks speak, not this rule.
    assert_eq!(rule(json!({ "G60000000083": { "F60000000231": 31, "F60000000232": 2 } })), Vec::<String>::new());
    // From before to.
    let period = |von: &str, bis: &str| {
        let mut a = date(1, 1, 2000);
        a["G05000011498"] = json!({ "F05000017278": von, "F05000017279": bis });
        rule(a)
    };
    assert_eq!(period("2026-05-02", "2026-05-01"), ["G05000011498.F05000017279 rule"]);
    assert_eq!(period("2026-05-01", "2026-05-02"), Vec::<String>::new());
}
