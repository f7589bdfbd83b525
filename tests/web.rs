//! Component tests in headless Chromium (wasm-bindgen-test): widgets mounted on their own,
//! driven through DOM events, checked through the DOM by id and role.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use antrag::components::field::FieldView;
use antrag::state::FormState;
use antrag_core::{FieldPath, Form};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DEFINITION: &str = r#"{
  "format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de", "en"],
  "items": [
    {"field": "plz", "datatype": "text", "format": "plz", "label": {"de": "Postleitzahl", "en": "Postcode"}, "required": true, "hint": {"de": "5 Ziffern", "en": "5 digits"}},
    {"field": "ok", "datatype": "bool", "label": {"de": "Einverstanden?", "en": "Agreed?"}, "required": true}
  ]
}"#;

async fn tick() {
    antrag::dom::sleep(0).await;
}

fn host() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn mount_field(key: &str, lang: &str) -> (FormState, web_sys::HtmlElement, impl Drop) {
    let form = Form::from_json(DEFINITION).expect("definition");
    let field = Arc::new(form.field(key).unwrap().clone());
    let el = host();
    let state_slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = state_slot.clone();
    let lang = lang.to_owned();
    let path = FieldPath::root().key(key);
    let handle = leptos::mount::mount_to(el.clone(), move || {
        let state = FormState::new(
            form,
            RwSignal::new(lang),
            "t-",
            antrag::config::ClientConfig::default(),
            antrag::page_data::FormStart::new(antrag_testing::today()),
        );
        slot.set(Some(state));
        view! { <FieldView state=state field=field path=path /> }
    });
    (state_slot.take().unwrap(), el, handle)
}

fn by_id<T: JsCast>(id: &str) -> T {
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id}"))
        .unchecked_into()
}

fn type_into(input: &web_sys::HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn text_input_writes_the_answer_and_shows_the_core_error_once_flagged() {
    let (state, _el, _handle) = mount_field("plz", "de");
    let input: web_sys::HtmlInputElement = by_id("t-plz");
    assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
    assert_eq!(input.get_attribute("aria-describedby").as_deref(), Some("t-plz-hint"));
    let label: web_sys::HtmlElement = by_id("t-plz-label");
    assert_eq!(label.get_attribute("for").as_deref(), Some("t-plz"));

    type_into(&input, "1234");
    tick().await;
    assert_eq!(state.answers.get_untracked().get("plz"), Some(&serde_json::json!("1234")));
    // Not flagged yet: no error while the citizen is still typing for the first time.
    assert!(web_sys::window().unwrap().document().unwrap().get_element_by_id("t-plz-error").is_none());

    state.verdict.flagged.update(|f| {
        f.insert("plz".into());
    });
    tick().await;
    let error: web_sys::HtmlElement = by_id("t-plz-error");
    assert_eq!(
        error.text_content().unwrap(),
        "Fehler: Die Postleitzahl muss aus 5 Ziffern bestehen, zum Beispiel 06108."
    );
    assert_eq!(input.get_attribute("aria-describedby").as_deref(), Some("t-plz-hint t-plz-error"));
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));

    // Flagged fields re-validate as they change.
    type_into(&input, "06108");
    tick().await;
    assert!(web_sys::window().unwrap().document().unwrap().get_element_by_id("t-plz-error").is_none());
    assert_eq!(input.get_attribute("aria-describedby").as_deref(), Some("t-plz-hint"));
}

#[wasm_bindgen_test]
async fn yes_no_radios_share_a_legend_and_store_booleans() {
    let (state, _el, _handle) = mount_field("ok", "en");
    let yes: web_sys::HtmlInputElement = by_id("t-ok");
    let no: web_sys::HtmlInputElement = by_id("t-ok-2");
    assert_eq!(yes.type_(), "radio");
    assert_eq!(yes.name(), no.name());
    let legend: web_sys::HtmlElement = by_id("t-ok-label");
    assert_eq!(legend.tag_name(), "LEGEND");
    assert_eq!(legend.text_content().unwrap(), "Agreed?");
    no.click();
    tick().await;
    assert_eq!(state.answers.get_untracked().get("ok"), Some(&serde_json::json!(false)));
    assert!(no.checked() && !yes.checked());
}

/// Server HTML as the hydration takes it over: an untouched page has nothing "typed early" —
/// a drop-down list without a `selected` option shows its first one, which is not a change
/// (else every visit to such a page would store an untouched form as a draft) — while each
/// control the citizen did change counts once.
#[wasm_bindgen_test]
fn only_controls_the_citizen_changed_count_as_typed_before_the_app_started() {
    let root = host();
    root.set_inner_html(concat!(
        r#"<select id="e-one"><option value="">Bitte auswählen</option><option value="a">A</option></select>"#,
        r#"<select id="e-marked"><option value="">Bitte</option><option value="b" selected>B</option></select>"#,
        r#"<select id="e-many" multiple><option value="x">X</option><option value="y" selected>Y</option></select>"#,
        r#"<input id="e-text" value="vom Server"><input id="e-box" type="checkbox">"#,
        r#"<textarea id="e-area">Text</textarea>"#,
    ));
    assert_eq!(antrag::boot::changed_controls(&root).len(), 0, "an untouched page");

    by_id::<web_sys::HtmlSelectElement>("e-one").set_value("a");
    assert_eq!(antrag::boot::changed_controls(&root).len(), 1, "a choice in a list without a marked option");
    by_id::<web_sys::HtmlSelectElement>("e-marked").set_value("");
    assert_eq!(antrag::boot::changed_controls(&root).len(), 2, "the marked option deselected");
    by_id::<web_sys::HtmlInputElement>("e-text").set_value("getippt");
    by_id::<web_sys::HtmlInputElement>("e-box").set_checked(true);
    by_id::<web_sys::HtmlTextAreaElement>("e-area").set_value("geändert");
    assert_eq!(antrag::boot::changed_controls(&root).len(), 5, "text, checkbox and text area");
    root.remove();
}
