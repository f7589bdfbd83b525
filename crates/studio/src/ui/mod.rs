//! The studio page in the browser: one component per file, sharing one [`Workspace`].

mod editor;
mod payload;
mod preview;
mod problems;
mod report;
mod source;
mod studio;

use std::sync::Arc;

use antrag_core::lint::Problem;
use antrag_fim::{CodeLists, Report};
use leptos::prelude::*;

/// Mount the studio into `#antrag-studio`.
pub fn mount() {
    antrag::preview::activate();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("antrag-studio"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    if let Some(root) = root {
        root.set_inner_html("");
        leptos::mount::mount_to(root, studio::Studio).forget();
    }
}

/// A message about a dropped file.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The file.
    pub file: String,
    /// What became of it.
    pub text: String,
    /// Whether it failed.
    pub failed: bool,
}

/// The definition's verdict: the form, or lint's problems.
#[derive(Clone)]
pub enum Verdict {
    /// Nothing loaded yet.
    Empty,
    /// Lint found nothing wrong.
    Form(Arc<antrag_core::Form>),
    /// What lint found.
    Problems(Vec<Problem>),
}

/// Everything the studio's parts share.
#[derive(Clone, Copy)]
pub struct Workspace {
    /// The definition text as it stands (after the editor's pause).
    pub text: RwSignal<String>,
    /// Bumped when the text is replaced from outside the editor (a file), so the editor shows it.
    pub loaded: RwSignal<u32>,
    /// The report of the last FIM import (`None` for a definition dropped as it is).
    pub report: RwSignal<Option<Report>>,
    /// Milliseconds the last FIM import took.
    pub import_ms: RwSignal<Option<f64>>,
    /// Messages about dropped files.
    pub notes: RwSignal<Vec<Note>>,
    /// Code lists dropped so far (for the imports that follow).
    pub lists: StoredValue<CodeLists>,
    /// The verdict on the text.
    pub verdict: RwSignal<Verdict>,
    /// The problem pointer last chosen: the editor selects its place, the preview its question.
    pub chosen: RwSignal<Option<(String, u32)>>,
    /// The preview's language.
    pub lang: RwSignal<String>,
    /// The form in the preview: the last one lint found nothing wrong with.
    pub shown: RwSignal<Option<Arc<antrag_core::Form>>>,
    /// The preview's answers, as the citizen would give them.
    pub answers: RwSignal<antrag_core::Answers>,
    /// Where the preview starts when it is shown again.
    pub start: RwSignal<Start>,
}

/// Where the preview starts: its answers and screen (a new form: none, the first step).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Start {
    /// Answers to start with.
    pub answers: Option<antrag_core::Answers>,
    /// The screen.
    pub screen: antrag::page_data::StartScreen,
    /// A question to bring into view once shown (its data path).
    pub focus: Option<String>,
}

impl Workspace {
    fn new() -> Self {
        let ws = Workspace {
            text: RwSignal::new(String::new()),
            loaded: RwSignal::new(0),
            report: RwSignal::new(None),
            import_ms: RwSignal::new(None),
            notes: RwSignal::new(Vec::new()),
            lists: StoredValue::new(CodeLists::new()),
            verdict: RwSignal::new(Verdict::Empty),
            chosen: RwSignal::new(None),
            lang: RwSignal::new("de".to_owned()),
            shown: RwSignal::new(None),
            answers: RwSignal::new(antrag_core::Answers::new()),
            start: RwSignal::new(Start::default()),
        };
        // Lint follows the text.
        Effect::new(move |_| {
            let verdict = ws.text.with(|text| {
                if text.trim().is_empty() {
                    Verdict::Empty
                } else {
                    match crate::load::check(text) {
                        Ok(form) => Verdict::Form(Arc::new(form)),
                        Err(problems) => Verdict::Problems(problems),
                    }
                }
            });
            if let Verdict::Form(form) = &verdict {
                let languages = &form.def().languages;
                if !languages.contains(&ws.lang.get_untracked()) {
                    ws.lang.set(languages.first().cloned().unwrap_or_else(|| "de".to_owned()));
                }
                // A new form starts empty; an edited one keeps the answers that still fit.
                let same = ws.shown.with_untracked(|s| s.as_ref().is_some_and(|s| s.def().id == form.def().id));
                let answers = same.then(|| ws.answers.get_untracked());
                ws.start.set(Start { answers, ..Start::default() });
                ws.shown.set(Some(form.clone()));
            }
            ws.verdict.set(verdict);
        });
        ws
    }

    /// Replace the definition (a file was dropped).
    pub fn load(&self, text: String) {
        self.chosen.set(None);
        self.text.set(text);
        self.loaded.update(|n| *n += 1);
    }

    /// Choose a problem's pointer: the editor selects its place; the preview shows the step
    /// of its question (the answers kept) and brings the question into view.
    pub fn choose(&self, pointer: String) {
        let n = self.chosen.get_untracked().map_or(0, |(_, n)| n + 1);
        self.chosen.set(Some((pointer.clone(), n)));
        let value: Option<serde_json::Value> = self.text.with_untracked(|t| serde_json::from_str(t).ok());
        let Some(path) = value.and_then(|v| crate::load::question_path(&v, &pointer)) else { return };
        let Some(form) = self.shown.get_untracked() else { return };
        let step = antrag_core::path::FieldPath::parse(&path)
            .ok()
            .and_then(|p| antrag_core::steps::step_of_path(form.def(), &p));
        let screen = step.map_or(antrag::page_data::StartScreen::First, antrag::page_data::StartScreen::Step);
        self.start.set(Start { answers: Some(self.answers.get_untracked()), screen, focus: Some(path) });
    }
}
