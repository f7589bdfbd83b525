//! The app's components rendered on the server (feature `ssr`): every screen of a demo form
//! renders without a browser, with the answers in the controls, the errors the page names, the
//! no-JavaScript form around each step, and definition texts escaped.
#![cfg(all(feature = "ssr", not(target_arch = "wasm32")))]

use antrag::page_data::{FormData, FormStart, Page, PageData, StartScreen};
use antrag::ssr::render;
use serde_json::{json, Value};

fn definition(id: &str) -> Value {
    let text = std::fs::read_to_string(antrag_testing::root().join(format!("forms/{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn form_page(id: &str, start: FormStart) -> PageData {
    PageData {
        lang: "de".into(),
        page: Page::Form(Box::new(FormData { definition: definition(id), transport: Some(Default::default()), start })),
        embedded: None,
    }
}

#[test]
fn the_first_step_renders_as_a_form_that_posts_without_javascript() {
    let out = render(&form_page("bewohnerparkausweis", FormStart::new(antrag_testing::today())));
    assert_eq!(out.lang, "de");
    assert!(out.title.starts_with("Angaben zur Person – "), "{}", out.title);
    let html = &out.html;
    assert!(
        html.contains(r#"method="post""#) && html.contains(r#"action="/forms/bewohnerparkausweis?lang=de""#),
        "{html}"
    );
    assert!(html.contains(r#"name="_schritt" value="person""#), "{html}");
    assert!(html.contains(r#"name="antragsteller.vorname""#), "{html}");
    assert!(html.contains(r#"name="antragsteller.geburtsdatum:day""#), "{html}");
    assert!(html.contains(r#"name="aktion" value="weiter""#), "{html}");
    // No error summary on arrival.
    assert!(!html.contains("antrag-error-summary__list"), "{html}");
}

#[test]
fn answers_and_flagged_errors_render_in_the_controls_and_the_summary() {
    let mut start = FormStart::new(antrag_testing::today());
    start.answers = Some(
        serde_json::from_value(json!({"antragsteller": {"vorname": "Jürgen <b>", "geburtsdatum": "1990-3-27"}}))
            .unwrap(),
    );
    start.flagged = vec!["antragsteller.nachname".into()];
    let out = render(&form_page("bewohnerparkausweis", start));
    let html = &out.html;
    assert!(html.contains(r#"value="Jürgen &lt;b&gt;""#), "{html}");
    assert!(
        html.contains(r#"name="antragsteller.geburtsdatum:month" value="3""#) || html.contains(r#"value="3""#),
        "{html}"
    );
    assert!(html.contains("antrag-error-summary"), "{html}");
    assert!(html.contains(r#"id="f-antragsteller-nachname-error""#), "{html}");
    assert!(out.title.starts_with("Fehler: "), "{}", out.title);
}

#[test]
fn every_screen_of_every_demo_form_renders() {
    for id in ["bewohnerparkausweis", "hundesteuer", "meldebescheinigung", "sondernutzung", "wohngeld"] {
        let examples = antrag_testing::examples(id);
        let answers = examples["valid"].as_object().unwrap().values().next().unwrap().clone();
        let steps = definition(id)["ui"]["steps"].as_array().map_or(1, Vec::len);
        let mut screens: Vec<StartScreen> = (0..steps).map(StartScreen::Step).collect();
        screens.push(StartScreen::Review);
        screens.push(StartScreen::Done(antrag::api::Receipt {
            reference: "ABC-2026-000001".into(),
            received_at: "2026-11-28T12:00:00Z".into(),
            status: "received".into(),
            status_url: "/x".into(),
            payment_url: None,
        }));
        for screen in screens {
            let mut start = FormStart::new(antrag_testing::today());
            start.answers = Some(serde_json::from_value(answers.clone()).unwrap());
            start.screen = screen.clone();
            let out = render(&form_page(id, start));
            assert!(out.html.contains("<h1"), "{id} {screen:?}: {}", out.html);
            assert!(!out.title.is_empty(), "{id} {screen:?}");
        }
    }
}

#[test]
fn the_catalog_and_unknown_pages_render() {
    let forms = vec![antrag::api::Summary {
        id: "x/y".into(),
        version: "1".into(),
        title: antrag_core::Text::Plain("Titel <script>".into()),
        description: None,
        languages: vec!["de".into()],
        default_language: "de".into(),
    }];
    let out = render(&PageData { lang: "en".into(), page: Page::Catalog { forms }, embedded: None });
    assert!(out.html.contains(r#"href="/forms/x%2Fy""#), "{}", out.html);
    assert!(out.html.contains("Titel &lt;script&gt;"), "{}", out.html);
    assert_eq!(out.lang, "en");
    let out = render(&PageData { lang: "de".into(), page: Page::NotFound, embedded: None });
    assert!(out.html.contains("Seite nicht gefunden"));
}

#[test]
#[ignore = "prints a rendered page for a look (cargo test --test ssr -- --ignored --nocapture)"]
fn print_a_page() {
    let out = render(&form_page("hundesteuer", FormStart::new(antrag_testing::today())));
    println!("{}\n{}", out.title, out.html);
}

#[test]
fn a_legal_basis_link_is_only_ever_a_web_address() {
    // The browser gets definitions the server linted, but the renderer does not rely on it.
    let mut def = json!({"format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"], "items": [
        {"field": "a", "datatype": "text", "label": "A", "legalBasis": {"text": "§ 1 Gefährlich", "url": "javascript:alert(document.cookie)"}},
        {"field": "b", "datatype": "text", "label": "B", "legalBasis": {"text": "§ 45 StVO", "url": "https://www.gesetze-im-internet.de/stvo_2013/__45.html"}}
    ]});
    let page = |def: &Value| PageData {
        lang: "de".into(),
        page: Page::Form(Box::new(FormData {
            definition: def.clone(),
            transport: Some(Default::default()),
            start: FormStart::new(antrag_testing::today()),
        })),
        embedded: None,
    };
    let html = render(&page(&def)).html;
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains("§ 1 Gefährlich"), "the citation stays, as text: {html}");
    assert!(html.contains(r#"href="https://www.gesetze-im-internet.de/stvo_2013/__45.html""#), "{html}");
    def["items"][0]["legalBasis"]["url"] = json!("JAVASCRIPT:void(0)");
    assert!(!render(&page(&def)).html.to_lowercase().contains("javascript:"));
}
