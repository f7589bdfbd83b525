//! Parsing and linting definitions: every problem, each with a JSON pointer and a stable code.
//!
//! [`parse`] reports structural problems (JSON syntax, wrong JSON types, unknown properties):
//! one per broken node, rule or step, so several broken parts are all reported. [`lint`]
//! reports every semantic problem of a parsed definition. Neither panics on any input.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::date::DateBound;
use crate::definition::*;
use crate::logic::{self, escape_pointer, Condition, LogicError};
use crate::text::{is_language_tag, Text};

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The definition cannot be used.
    Error,
    /// The definition works, but something is probably not what the author meant.
    Warning,
}

/// A problem in a definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// JSON pointer (RFC 6901) to the offending part (`/items/2/constraints/pattern`).
    pub pointer: String,
    /// Stable code (`invalid_regex`, `duplicate_key`, …).
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// Explanation for the form author (English).
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "{level}[{}] at {pointer}: {}", self.code, self.message)
    }
}

/// Whether any problem is an error.
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(|p| p.severity == Severity::Error)
}

fn problem(pointer: impl Into<String>, code: &str, message: impl Into<String>) -> Problem {
    Problem { pointer: pointer.into(), code: code.to_owned(), severity: Severity::Error, message: message.into() }
}

fn warning(pointer: impl Into<String>, code: &str, message: impl Into<String>) -> Problem {
    Problem { pointer: pointer.into(), code: code.to_owned(), severity: Severity::Warning, message: message.into() }
}

/// Parse a definition from JSON text. On failure, every structural problem found.
pub fn parse(json: &str) -> Result<FormDef, Vec<Problem>> {
    // Fast path: straight from text. Only a failure takes the slow path through a JSON value,
    // which finds every broken part with its pointer.
    if let Ok(def) = serde_json::from_str::<FormDef>(json) {
        if def.format == FORMAT {
            return Ok(def);
        }
    }
    let value: Value = serde_json::from_str(json).map_err(|e| {
        vec![problem("", "json_syntax", format!("not valid JSON: {e} (line {}, column {})", e.line(), e.column()))]
    })?;
    parse_value(value)
}

/// Parse a definition from a JSON value. On failure, every structural problem found.
pub fn parse_value(value: Value) -> Result<FormDef, Vec<Problem>> {
    if let Some(format) = value.get("format").and_then(Value::as_str) {
        if format != FORMAT {
            return Err(vec![problem(
                "/format",
                "unsupported_format",
                format!("format \"{format}\" is not supported; this version reads \"{FORMAT}\""),
            )]);
        }
    }
    match serde_path_to_error::deserialize::<_, FormDef>(&value) {
        Ok(def) => Ok(def),
        Err(first) => {
            let mut problems = Vec::new();
            structural(&value, &mut problems);
            if problems.is_empty() {
                problems.push(serde_problem("", first));
            }
            Err(problems)
        }
    }
}

fn serde_problem(prefix: &str, error: serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let mut pointer = prefix.to_owned();
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Map { key } | serde_path_to_error::Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&escape_pointer(key));
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let message = error.into_inner().to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    problem(pointer, "invalid_structure", message)
}

/// Find one problem per broken part: the document's own properties, each node (descending
/// into groups), each rule and each step.
fn structural(value: &Value, out: &mut Vec<Problem>) {
    let Some(object) = value.as_object() else {
        out.push(problem("", "invalid_structure", "a definition must be a JSON object"));
        return;
    };
    // The document without its lists, so that its own properties are checked on their own.
    let mut shell = object.clone();
    for list in ["items", "rules"] {
        if shell.get(list).is_some_and(Value::is_array) {
            shell.insert(list.to_owned(), Value::Array(Vec::new()));
        }
    }
    if let Some(Value::Object(ui)) = shell.get_mut("ui") {
        if ui.get("steps").is_some_and(Value::is_array) {
            ui.insert("steps".to_owned(), Value::Array(Vec::new()));
        }
    }
    if let Err(e) = serde_path_to_error::deserialize::<_, FormDef>(&Value::Object(shell)) {
        out.push(serde_problem("", e));
    }
    if let Some(items) = object.get("items").and_then(Value::as_array) {
        for (i, item) in items.iter().enumerate() {
            structural_node(item, &format!("/items/{i}"), out);
        }
    }
    if let Some(rules) = object.get("rules").and_then(Value::as_array) {
        for (i, rule) in rules.iter().enumerate() {
            if let Err(e) = serde_path_to_error::deserialize::<_, Rule>(rule) {
                out.push(serde_problem(&format!("/rules/{i}"), e));
            }
        }
    }
    if let Some(steps) = object.get("ui").and_then(|u| u.get("steps")).and_then(Value::as_array) {
        for (i, step) in steps.iter().enumerate() {
            if let Err(e) = serde_path_to_error::deserialize::<_, Step>(step) {
                out.push(serde_problem(&format!("/ui/steps/{i}"), e));
            }
        }
    }
}

fn structural_node(value: &Value, pointer: &str, out: &mut Vec<Problem>) {
    let Some(object) = value.as_object() else {
        out.push(problem(pointer, "invalid_structure", "a node must be an object"));
        return;
    };
    if object.contains_key("group") {
        let mut shell = object.clone();
        let children = shell.insert("items".to_owned(), Value::Array(Vec::new()));
        let rules = shell.get("rules").cloned();
        shell.remove("rules");
        if let Err(e) = serde_path_to_error::deserialize::<_, Group>(&Value::Object(shell)) {
            out.push(serde_problem(pointer, e));
        }
        match children {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    structural_node(item, &format!("{pointer}/items/{i}"), out);
                }
            }
            Some(_) => out.push(problem(format!("{pointer}/items"), "invalid_structure", "items must be an array")),
            None => out.push(problem(pointer, "invalid_structure", "missing field `items`")),
        }
        if let Some(Value::Array(rules)) = rules {
            for (i, rule) in rules.iter().enumerate() {
                if let Err(e) = serde_path_to_error::deserialize::<_, Rule>(rule) {
                    out.push(serde_problem(&format!("{pointer}/rules/{i}"), e));
                }
            }
        }
    } else if object.contains_key("field") {
        if let Err(e) = serde_path_to_error::deserialize::<_, Field>(value) {
            out.push(serde_problem(pointer, e));
        }
    } else {
        out.push(problem(
            pointer,
            "invalid_structure",
            "a node needs a \"field\" or a \"group\" key naming its data key",
        ));
    }
}

/// What the index knows about one node of the definition.
#[derive(Clone, Debug)]
pub struct NodeInfo<'a> {
    /// JSON pointer of the node.
    pub pointer: String,
    /// The node.
    pub node: &'a Node,
    /// Static paths of the repeatable (list) groups that enclose the node, outermost first.
    pub lists: Vec<String>,
    /// Static path of the parent group.
    pub parent: Option<String>,
}

/// Every node by static path.
pub fn index(def: &FormDef) -> BTreeMap<String, NodeInfo<'_>> {
    fn add<'a>(
        nodes: &'a [Node],
        prefix: &str,
        pointer: &str,
        lists: &[String],
        out: &mut BTreeMap<String, NodeInfo<'a>>,
    ) {
        for (i, node) in nodes.iter().enumerate() {
            let path = if prefix.is_empty() { node.key().to_owned() } else { format!("{prefix}.{}", node.key()) };
            let here = format!("{pointer}/{i}");
            let parent = (!prefix.is_empty()).then(|| prefix.to_owned());
            out.entry(path.clone()).or_insert_with(|| NodeInfo {
                pointer: here.clone(),
                node,
                lists: lists.to_vec(),
                parent,
            });
            if let Node::Group(group) = node {
                let mut inner = lists.to_vec();
                if group.is_list() {
                    inner.push(path.clone());
                }
                add(&group.items, &path, &format!("{here}/items"), &inner, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    add(&def.items, "", "/items", &[], &mut out);
    out
}

/// Lint a parsed definition: every problem, errors and warnings.
pub fn lint(def: &FormDef) -> Vec<Problem> {
    let mut linter = Linter { def, index: index(def), out: Vec::new(), deps: BTreeMap::new() };
    linter.document();
    linter.nodes(&def.items, "", "/items", &[]);
    linter.rules(&def.rules, "/rules", &[]);
    linter.steps();
    linter.cycles();
    linter.payment();
    linter.out
}

struct Linter<'a> {
    def: &'a FormDef,
    index: BTreeMap<String, NodeInfo<'a>>,
    out: Vec<Problem>,
    /// Visibility dependencies: static path (or `step:<id>`) → (pointer, paths its visibility reads).
    deps: BTreeMap<String, (String, Vec<String>)>,
}

impl Linter<'_> {
    fn document(&mut self) {
        let def = self.def;
        if def.format != FORMAT {
            self.out.push(problem("/format", "unsupported_format", format!("format must be \"{FORMAT}\"")));
        }
        let id_ok = def.id.bytes().next().is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            && def.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && def.id.len() <= 64;
        if !id_ok {
            self.out.push(problem(
                "/id",
                "invalid_id",
                "the form id must be 1–64 lowercase letters, digits or hyphens",
            ));
        }
        if def.version.trim().is_empty() || def.version.len() > 32 || def.version.contains(char::is_whitespace) {
            self.out.push(problem("/version", "invalid_version", "the version must be a short word such as 1.0.0"));
        }
        if def.languages.is_empty() {
            self.out.push(problem("/languages", "no_languages", "list at least one language"));
        }
        let mut seen = BTreeSet::new();
        for (i, lang) in def.languages.iter().enumerate() {
            if !is_language_tag(lang) {
                self.out.push(problem(
                    format!("/languages/{i}"),
                    "invalid_language",
                    format!("\"{lang}\" is not a language tag such as de, en or de-x-ls"),
                ));
            } else if !seen.insert(lang) {
                self.out.push(problem(
                    format!("/languages/{i}"),
                    "duplicate_language",
                    format!("\"{lang}\" is listed twice"),
                ));
            }
        }
        if !def.languages.is_empty() && !def.languages.contains(&def.default_language) {
            self.out.push(problem(
                "/defaultLanguage",
                "unknown_language",
                format!("default language \"{}\" is not in languages", def.default_language),
            ));
        }
        self.text(&def.title, "/title");
        self.opt_text(def.description.as_ref(), "/description");
        self.opt_text(def.ui.intro.as_ref(), "/ui/intro");
        self.opt_text(def.ui.outro.as_ref(), "/ui/outro");
        if let Some(prefix) = &def.service.reference_prefix {
            if !(2..=6).contains(&prefix.len()) || !prefix.bytes().all(|b| b.is_ascii_uppercase()) {
                self.out.push(problem(
                    "/service/referencePrefix",
                    "invalid_reference_prefix",
                    "the reference prefix must be 2–6 capital letters",
                ));
            }
        }
        if let Some(key) = &def.service.leika_key {
            if !crate::formats::is_leika_key(key) {
                self.out.push(warning("/service/leikaKey", "invalid_leika_key", "a LeiKa key has 14 digits"));
            }
        }
        if let Some(path) = &def.service.reply_email {
            let ok = match self.index.get(path.as_str()) {
                Some(info) => {
                    info.lists.is_empty()
                        && matches!(info.node, Node::Field(f) if f.format == Some(crate::definition::Format::Email))
                }
                None => false,
            };
            if !ok {
                self.out.push(problem(
                    "/service/replyEmail",
                    "invalid_reply_email",
                    format!("\"{path}\" must be the data path of an e-mail field outside repeatable groups"),
                ));
            }
        }
        if def.items.is_empty() {
            self.out.push(problem("/items", "empty_form", "the form has no fields"));
        }
    }

    /// A legal basis: its text, and a link only to a web address.
    fn legal_basis(&mut self, basis: Option<&crate::definition::LegalBasis>, pointer: &str) {
        let Some(basis) = basis else { return };
        self.text(&basis.text, &format!("{pointer}/text"));
        if let Some(url) = basis.url.as_deref().filter(|url| !crate::definition::is_web_link(url)) {
            let shown: String = url.chars().take(40).collect();
            self.out.push(problem(
                format!("{pointer}/url"),
                "unsafe_link",
                format!("the link must be an https: (or http:) address, not \"{shown}\""),
            ));
        }
    }

    fn text(&mut self, text: &Text, pointer: &str) {
        let Text::Localized(map) = text else { return };
        if map.is_empty() {
            self.out.push(problem(pointer, "empty_text", "a localized text needs at least one language"));
            return;
        }
        for lang in map.keys() {
            if !self.def.languages.contains(lang) {
                self.out.push(problem(
                    format!("{pointer}/{}", escape_pointer(lang)),
                    "unknown_language",
                    format!("language \"{lang}\" is not in the form's languages"),
                ));
            }
        }
        if !map.contains_key(&self.def.default_language) {
            self.out.push(warning(
                pointer,
                "missing_translation",
                format!("no text in the default language \"{}\"", self.def.default_language),
            ));
        }
    }

    fn opt_text(&mut self, text: Option<&Text>, pointer: &str) {
        if let Some(text) = text {
            self.text(text, pointer);
        }
    }

    fn nodes(&mut self, nodes: &[Node], prefix: &str, pointer: &str, lists: &[String]) {
        let mut keys = BTreeSet::new();
        for (i, node) in nodes.iter().enumerate() {
            let here = format!("{pointer}/{i}");
            let key = node.key();
            let path = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
            let key_ok = key.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && key.len() <= 64;
            if !key_ok {
                let which = if matches!(node, Node::Group(_)) { "group" } else { "field" };
                self.out.push(problem(
                    format!("{here}/{which}"),
                    "invalid_key",
                    format!("data key \"{key}\" must start with a letter or _ and contain only letters, digits and _"),
                ));
            }
            if !keys.insert(key) {
                self.out.push(problem(
                    here.clone(),
                    "duplicate_key",
                    format!("data key \"{key}\" is used twice in the same group"),
                ));
                continue;
            }
            self.text(node.label(), &format!("{here}/label"));
            if let Some(condition) = node.visible_if() {
                // A repeatable group's own condition is evaluated outside its entries.
                let scope = lists.to_vec();
                let vars = self.condition(condition, &format!("{here}/visibleIf"), &scope);
                self.deps.insert(path.clone(), (format!("{here}/visibleIf"), vars));
            }
            match node {
                Node::Field(field) => self.field(field, &path, &here, lists),
                Node::Group(group) => {
                    if group.max == Some(0) {
                        self.out.push(problem(
                            format!("{here}/max"),
                            "invalid_multiplicity",
                            "max must be at least 1 (or null for unbounded)",
                        ));
                    }
                    if group.max.is_some_and(|max| group.min > max) {
                        self.out.push(problem(
                            format!("{here}/min"),
                            "min_greater_than_max",
                            format!("min {} is greater than max {}", group.min, group.max.unwrap_or(0)),
                        ));
                    }
                    if group.items.is_empty() {
                        self.out.push(problem(
                            format!("{here}/items"),
                            "empty_group",
                            "a group needs at least one item",
                        ));
                    }
                    self.opt_text(group.hint.as_ref(), &format!("{here}/hint"));
                    self.legal_basis(group.legal_basis.as_ref(), &format!("{here}/legalBasis"));
                    self.opt_text(group.output_label.as_ref(), &format!("{here}/outputLabel"));
                    self.opt_text(group.entry_label.as_ref(), &format!("{here}/entryLabel"));
                    let mut inner = lists.to_vec();
                    if group.is_list() {
                        inner.push(path.clone());
                    }
                    self.nodes(&group.items, &path, &format!("{here}/items"), &inner);
                    self.rules(&group.rules, &format!("{here}/rules"), &inner);
                }
            }
        }
    }

    fn field(&mut self, f: &Field, path: &str, here: &str, lists: &[String]) {
        let p = |s: &str| format!("{here}/{s}");
        if let Kind::Unknown(word) = &f.kind {
            self.out.push(problem(
                p("kind"),
                "unknown_kind",
                format!("unknown kind \"{word}\"; expected one of {}", Kind::WORDS.join(", ")),
            ));
        }
        if let DataType::Unknown(word) = &f.datatype {
            self.out.push(problem(
                p("datatype"),
                "unknown_datatype",
                format!("unknown datatype \"{word}\"; expected one of {}", DataType::WORDS.join(", ")),
            ));
        }
        if f.datatype == DataType::Obj {
            self.out.push(warning(
                p("datatype"),
                "unsupported_datatype",
                "no widget can take datatype obj; the form shows a placeholder",
            ));
        }
        if let Some(format) = &f.format {
            if let Format::Unknown(word) = format {
                self.out.push(problem(
                    p("format"),
                    "unknown_format",
                    format!("unknown format \"{word}\"; expected one of {}", Format::WORDS.join(", ")),
                ));
            } else if !matches!(f.datatype, DataType::Text | DataType::TextLatin) {
                self.out.push(problem(
                    p("format"),
                    "format_needs_text",
                    format!("format \"{format}\" applies to text fields only"),
                ));
            }
        }
        if let Some(WidgetHint::Unknown(word)) = &f.widget {
            self.out.push(problem(
                p("widget"),
                "unknown_widget",
                format!("unknown widget \"{word}\"; expected one of {}", WidgetHint::WORDS.join(", ")),
            ));
        } else if let Some(hint) = &f.widget {
            let choice = f.kind == Kind::Select;
            let fits = match hint {
                WidgetHint::Text | WidgetHint::Textarea => {
                    matches!(f.datatype, DataType::Text | DataType::TextLatin) && !choice
                }
                WidgetHint::Radios | WidgetHint::Select => choice && !f.multiple,
                WidgetHint::Checkboxes => choice && f.multiple,
                WidgetHint::Checkbox | WidgetHint::YesNo => f.datatype == DataType::Bool && !choice,
                WidgetHint::Unknown(_) => true,
            };
            if !fits {
                self.out.push(warning(
                    p("widget"),
                    "widget_not_applicable",
                    format!("widget \"{hint}\" does not fit this field; the default widget is used"),
                ));
            }
        }
        for (text, name) in [
            (&f.output_label, "outputLabel"),
            (&f.hint, "hint"),
            (&f.help, "help"),
            (&f.content, "content"),
            (&f.placeholder, "placeholder"),
        ] {
            self.opt_text(text.as_ref(), &p(name));
        }
        self.legal_basis(f.legal_basis.as_ref(), &p("legalBasis"));
        for (code, text) in &f.messages {
            let here = format!("{here}/messages/{}", escape_pointer(code));
            if !crate::error::CODES.contains(&code.as_str()) {
                self.out.push(problem(
                    here.clone(),
                    "unknown_error_code",
                    format!("\"{code}\" is not an error code; expected one of {}", crate::error::CODES.join(", ")),
                ));
            }
            self.text(text, &here);
        }
        // Choices.
        let is_select = f.kind == Kind::Select;
        match (&f.options, &f.code_list) {
            (None, None) if is_select => {
                self.out.push(problem(here, "select_without_options", "a select field needs options or a codeList"))
            }
            (None, Some(list)) => self.out.push(problem(
                p("codeList"),
                "unknown_code_list",
                format!(
                    "code list \"{}\"{} is not available",
                    list.id,
                    list.version.as_deref().map(|v| format!(" version {v}")).unwrap_or_default()
                ),
            )),
            (Some(options), _) => {
                if !is_select {
                    self.out.push(problem(
                        p("options"),
                        "options_need_select",
                        "options are only allowed on fields of kind select",
                    ));
                }
                if options.is_empty() {
                    self.out.push(problem(
                        p("options"),
                        "select_without_options",
                        "a select field needs at least one option",
                    ));
                }
                let mut values = BTreeSet::new();
                for (i, option) in options.iter().enumerate() {
                    if !values.insert(&option.value) {
                        self.out.push(problem(
                            format!("{here}/options/{i}/value"),
                            "duplicate_option",
                            format!("option value \"{}\" appears twice", option.value),
                        ));
                    }
                    self.text(&option.label, &format!("{here}/options/{i}/label"));
                }
            }
            (None, None) => {}
        }
        if f.multiple && !(is_select || f.datatype == DataType::File) {
            self.out.push(problem(
                p("multiple"),
                "multiple_not_applicable",
                "multiple applies to select fields only (files use maxFiles)",
            ));
        }
        self.constraints(f, here);
        if let Some(condition) = &f.required_if {
            self.condition(condition, &p("requiredIf"), lists);
        }
        if f.kind == Kind::Hidden && f.default.is_none() && f.prefill.is_none() {
            self.out.push(warning(
                here,
                "hidden_without_value",
                "a hidden field without default or prefill never has a value",
            ));
        }
        if f.prefill.as_ref().is_some_and(|pf| pf.mode == PrefillMode::Mandatory) && f.kind != Kind::Locked {
            self.out.push(warning(
                p("prefill"),
                "mandatory_prefill_not_locked",
                "a field with mandatory prefill should be of kind locked",
            ));
        }
        let _ = path;
    }

    fn constraints(&mut self, f: &Field, here: &str) {
        let c = &f.constraints;
        let p = |s: &str| format!("{here}/constraints/{s}");
        let text = matches!(f.datatype, DataType::Text | DataType::TextLatin);
        let numeric = matches!(f.datatype, DataType::Num | DataType::NumInt | DataType::NumCurrency);
        let dated = matches!(f.datatype, DataType::Date | DataType::DateTime);
        let file = f.datatype == DataType::File;
        let not_for = |name: &str, ok: bool, out: &mut Vec<Problem>| {
            if !ok {
                out.push(warning(
                    p(name),
                    "constraint_not_applicable",
                    format!("{name} does not apply to datatype {}", f.datatype),
                ));
            }
        };
        if c.min_length.is_some() || c.max_length.is_some() {
            not_for(if c.min_length.is_some() { "minLength" } else { "maxLength" }, text, &mut self.out);
        }
        if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
            if min > max {
                self.out.push(problem(
                    p("minLength"),
                    "min_greater_than_max",
                    format!("minLength {min} is greater than maxLength {max}"),
                ));
            }
        }
        if c.min.is_some() || c.max.is_some() {
            not_for(if c.min.is_some() { "min" } else { "max" }, numeric, &mut self.out);
        }
        if let (Some(min), Some(max)) = (c.min, c.max) {
            if min > max {
                self.out.push(problem(
                    p("min"),
                    "min_greater_than_max",
                    format!("min {min} is greater than max {max}"),
                ));
            }
        }
        if let Some(pattern) = &c.pattern {
            not_for("pattern", text || numeric, &mut self.out);
            if let Err(e) = anchored_pattern(pattern) {
                let detail = e.to_string();
                let first = detail.lines().last().unwrap_or(&detail).trim().to_owned();
                self.out.push(problem(
                    p("pattern"),
                    "invalid_regex",
                    format!("the pattern is not a valid regular expression: {first}"),
                ));
            }
        }
        let mut bounds = [None, None];
        for (i, (bound, name)) in [(&c.min_date, "minDate"), (&c.max_date, "maxDate")].into_iter().enumerate() {
            if let Some(text) = bound {
                not_for(name, dated, &mut self.out);
                match DateBound::parse(text) {
                    Some(b) => bounds[i] = Some(b),
                    None => self.out.push(problem(
                        p(name),
                        "invalid_date_bound",
                        format!("\"{text}\" is not a date bound (YYYY-MM-DD, today, today-18y, today+30d)"),
                    )),
                }
            }
        }
        if let [Some(DateBound::Absolute(min)), Some(DateBound::Absolute(max))] = bounds {
            if min > max {
                self.out.push(problem(
                    p("minDate"),
                    "min_greater_than_max",
                    format!("minDate {min} is after maxDate {max}"),
                ));
            }
        }
        if c.max_size.is_some() {
            not_for("maxSize", file, &mut self.out);
        }
        if !c.media_types.is_empty() {
            not_for("mediaTypes", file, &mut self.out);
            for (i, media) in c.media_types.iter().enumerate() {
                let ok = media
                    .split_once('/')
                    .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !media.contains(char::is_whitespace));
                if !ok {
                    self.out.push(problem(
                        format!("{here}/constraints/mediaTypes/{i}"),
                        "invalid_media_type",
                        format!("\"{media}\" is not a media type such as application/pdf or image/*"),
                    ));
                }
            }
        }
        if let Some(max_files) = c.max_files {
            not_for("maxFiles", file, &mut self.out);
            if max_files == 0 {
                self.out.push(problem(p("maxFiles"), "invalid_multiplicity", "maxFiles must be at least 1"));
            }
        }
        if let (Some(min), Some(max)) = (c.min_selected, c.max_selected) {
            if min > max {
                self.out.push(problem(
                    p("minSelected"),
                    "min_greater_than_max",
                    format!("minSelected {min} is greater than maxSelected {max}"),
                ));
            }
        }
        if c.min_selected.is_some() || c.max_selected.is_some() {
            not_for(if c.min_selected.is_some() { "minSelected" } else { "maxSelected" }, f.multiple, &mut self.out);
        }
    }

    /// Check a condition evaluated in the scope of the entries of `lists`; returns the static
    /// paths it reads.
    fn condition(&mut self, condition: &Condition, pointer: &str, lists: &[String]) -> Vec<String> {
        let analysis = logic::check(&condition.0);
        for p in analysis.problems {
            let code = match p.error {
                LogicError::UnknownOperator(_) => "condition_unknown_operator",
                LogicError::NotAnOperation => "condition_invalid",
                LogicError::TooDeep => "condition_too_deep",
            };
            let extra = if code == "condition_unknown_operator" {
                format!(" (supported: {})", logic::OPERATORS.join(" "))
            } else {
                String::new()
            };
            self.out.push(problem(format!("{pointer}{}", p.pointer), code, format!("{}{extra}", p.error)));
        }
        for dynamic in analysis.dynamic_vars {
            self.out.push(problem(
                pointer,
                "condition_dynamic_var",
                format!("variable names must be fixed strings, not {dynamic}"),
            ));
        }
        let mut read = Vec::new();
        for var in &analysis.vars {
            let Some(info) = self.index.get(var) else {
                self.out.push(problem(
                    pointer,
                    "condition_unknown_field",
                    format!("the condition reads \"{var}\", which is not a data path of this form"),
                ));
                continue;
            };
            // Every repeatable group around the variable must also be around the condition,
            // otherwise the variable has no single value. The group itself (as an array) is fine.
            if let Some(outside) = info.lists.iter().find(|l| !lists.contains(l)) {
                self.out.push(problem(pointer, "condition_ambiguous_repeat", format!("\"{var}\" lies inside the repeatable group \"{outside}\"; from outside it, use some/all/none over \"{outside}\"")));
            }
            read.push(var.clone());
        }
        for var in &analysis.element_vars {
            if !self.index.contains_key(var) {
                self.out.push(problem(
                    pointer,
                    "condition_unknown_field",
                    format!("the condition reads \"{var}\", which is not a data path of this form"),
                ));
            } else {
                read.push(var.clone());
            }
        }
        read
    }

    fn payment(&mut self) {
        let Some(payment) = &self.def.payment else { return };
        let provider_text = |s: &str, extra: fn(char) -> bool| {
            s.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' || extra(c))
        };
        if payment.purpose.trim().is_empty()
            || payment.purpose.chars().count() > 27
            || !payment.purpose.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-' || c == '_')
        {
            self.out.push(problem(
                "/payment/purpose",
                "invalid_payment_purpose",
                "the purpose must be 1–27 letters (a–z, no umlauts), digits, spaces or hyphens (it appears on the bank statement)",
            ));
        }
        if let Some(description) = &payment.description {
            if description.chars().count() > 250 || !provider_text(description, |c| c == ',' || c == '.') {
                self.out.push(problem(
                    "/payment/description",
                    "invalid_payment_description",
                    "the description must be at most 250 letters, digits, spaces, hyphens, commas or full stops",
                ));
            }
        }
        if payment.items.is_empty() || payment.items.len() > 99 {
            self.out.push(problem("/payment/items", "invalid_payment_items", "list 1–99 fee items"));
        }
        let mut ids = BTreeSet::new();
        for (i, item) in payment.items.iter().enumerate() {
            let here = format!("/payment/items/{i}");
            let id_ok = (1..=36).contains(&item.id.len())
                && item.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !id_ok {
                self.out.push(problem(
                    format!("{here}/id"),
                    "invalid_fee_id",
                    "the item id must be 1–36 letters, digits, hyphens or underscores",
                ));
            } else if !ids.insert(item.id.as_str()) {
                self.out.push(problem(
                    format!("{here}/id"),
                    "duplicate_fee_id",
                    format!("\"{}\" is used by another item", item.id),
                ));
            }
            self.text(&item.label, &format!("{here}/label"));
            if crate::fee::parse_amount(&item.amount).is_none_or(|c| c == 0) {
                self.out.push(problem(
                    format!("{here}/amount"),
                    "invalid_amount",
                    format!(
                        "\"{}\" is not an amount in euros with a dot such as 10.00 (above 0, at most 999999.99)",
                        item.amount
                    ),
                ));
            }
            if item.tax_rate.is_some_and(|r| r > 100) {
                self.out.push(problem(
                    format!("{here}/taxRate"),
                    "invalid_tax_rate",
                    "the tax rate is a percentage from 0 to 100",
                ));
            }
            if let Some(when) = &item.when {
                self.condition(when, &format!("{here}/when"), &[]);
            }
            if let Some(quantity) = &item.quantity {
                match &quantity.0 {
                    Value::Number(n) if n.as_u64().is_some_and(|n| n <= crate::fee::MAX_QUANTITY) => {}
                    Value::Object(_) => {
                        self.condition(quantity, &format!("{here}/quantity"), &[]);
                    }
                    _ => self.out.push(problem(
                        format!("{here}/quantity"),
                        "invalid_quantity",
                        "the quantity must be a whole number from 0 to 999 or an expression such as {\"var\": \"anzahl\"}",
                    )),
                }
            }
            if let Some(group) = &item.per {
                let is_list =
                    matches!(self.index.get(group).map(|info| info.node), Some(Node::Group(g)) if g.is_list());
                if !is_list {
                    self.out.push(problem(
                        format!("{here}/per"),
                        "fee_per_not_repeatable",
                        format!("\"{group}\" is not the data path of a repeatable group of this form"),
                    ));
                } else if self.index.get(group).is_some_and(|info| !info.lists.is_empty()) {
                    self.out.push(problem(
                        format!("{here}/per"),
                        "fee_per_not_repeatable",
                        format!("\"{group}\" lies inside another repeatable group; count a top-level one"),
                    ));
                }
            }
        }
    }

    fn rules(&mut self, rules: &[Rule], pointer: &str, lists: &[String]) {
        let mut ids = BTreeSet::new();
        for (i, rule) in rules.iter().enumerate() {
            let here = format!("{pointer}/{i}");
            if rule.id.is_empty() || !rule.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                self.out.push(problem(
                    format!("{here}/id"),
                    "invalid_rule_id",
                    "a rule id is letters, digits, _ and -",
                ));
            }
            if !ids.insert(&rule.id) {
                self.out.push(problem(
                    format!("{here}/id"),
                    "duplicate_rule",
                    format!("rule id \"{}\" is used twice", rule.id),
                ));
            }
            if let Some(when) = &rule.when {
                self.condition(when, &format!("{here}/when"), lists);
            }
            self.condition(&rule.assert, &format!("{here}/assert"), lists);
            self.text(&rule.message, &format!("{here}/message"));
            if rule.fields.is_empty() {
                self.out.push(problem(
                    format!("{here}/fields"),
                    "rule_without_field",
                    "a rule names at least one field to show its error on",
                ));
            }
            for (j, field) in rule.fields.iter().enumerate() {
                match self.index.get(field) {
                    None => self.out.push(problem(
                        format!("{here}/fields/{j}"),
                        "rule_unknown_field",
                        format!("\"{field}\" is not a data path of this form"),
                    )),
                    Some(info) => {
                        if let Some(outside) = info.lists.iter().find(|l| !lists.contains(l)) {
                            self.out.push(problem(format!("{here}/fields/{j}"), "condition_ambiguous_repeat", format!("\"{field}\" lies inside the repeatable group \"{outside}\"; put the rule on that group")));
                        }
                    }
                }
            }
        }
    }

    fn steps(&mut self) {
        let steps = &self.def.ui.steps;
        if steps.is_empty() {
            return;
        }
        let mut ids = BTreeSet::new();
        let mut placed: HashMap<&str, usize> = HashMap::new();
        for (i, step) in steps.iter().enumerate() {
            let here = format!("/ui/steps/{i}");
            if !ids.insert(step.id.as_str()) {
                self.out.push(problem(
                    format!("{here}/id"),
                    "duplicate_step",
                    format!("step id \"{}\" is used twice", step.id),
                ));
            }
            self.text(&step.title, &format!("{here}/title"));
            self.opt_text(step.intro.as_ref(), &format!("{here}/intro"));
            if step.items.is_empty() {
                self.out.push(problem(format!("{here}/items"), "empty_step", "a step needs at least one item"));
            }
            for (j, key) in step.items.iter().enumerate() {
                if !self.def.items.iter().any(|n| n.key() == key) {
                    self.out.push(problem(
                        format!("{here}/items/{j}"),
                        "step_unknown_item",
                        format!("\"{key}\" is not a top-level item of the form"),
                    ));
                } else if let Some(other) = placed.insert(key, i) {
                    self.out.push(problem(
                        format!("{here}/items/{j}"),
                        "item_on_two_steps",
                        format!("\"{key}\" is already on step {}", steps[other].id),
                    ));
                }
            }
            if let Some(condition) = &step.visible_if {
                let vars = self.condition(condition, &format!("{here}/visibleIf"), &[]);
                self.deps.insert(format!("step:{}", step.id), (format!("{here}/visibleIf"), vars));
            }
        }
        for (i, node) in self.def.items.iter().enumerate() {
            if !placed.contains_key(node.key()) {
                self.out.push(problem(
                    format!("/items/{i}"),
                    "item_not_on_step",
                    format!("\"{}\" is on no step, so it would never be shown", node.key()),
                ));
            }
        }
    }

    /// Visibility must not depend on itself: a node's condition reads variables whose
    /// visibility depends on their ancestors' and steps' conditions.
    fn cycles(&mut self) {
        let step_of = |path: &str| -> Option<String> {
            let top = path.split('.').next()?;
            let step = self.def.ui.steps.iter().find(|s| s.items.iter().any(|k| k == top))?;
            step.visible_if.as_ref().map(|_| format!("step:{}", step.id))
        };
        // What deciding the visibility of `path` requires: its own condition's variables, and
        // the visibility of its parent and step.
        let requires = |path: &str| -> Vec<String> {
            let mut out = Vec::new();
            if let Some((_, vars)) = self.deps.get(path) {
                out.extend(vars.iter().cloned());
                // A group's value holds only its shown members: reading it requires their
                // visibility too (a member whose condition reads its own group loops).
                for var in vars {
                    let inside = format!("{var}.");
                    out.extend(self.deps.keys().filter(|k| k.starts_with(&inside)).cloned());
                }
            }
            if let Some(parent) = path.rsplit_once('.').map(|(p, _)| p.to_owned()) {
                out.push(parent);
            } else if let Some(step) = step_of(path) {
                out.push(step);
            }
            out
        };
        let mut state: HashMap<String, u8> = HashMap::new(); // 1 = in progress, 2 = done
        let mut reported = BTreeSet::new();
        let starts: Vec<String> = self.deps.keys().cloned().collect();
        for start in starts {
            let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), requires(&start))];
            state.insert(start.clone(), 1);
            while let Some((node, pending)) = stack.last_mut() {
                let Some(next) = pending.pop() else {
                    state.insert(node.clone(), 2);
                    stack.pop();
                    continue;
                };
                match state.get(&next).copied() {
                    Some(1) => {
                        let Some(first) = stack.iter().position(|(n, _)| *n == next) else { continue };
                        let cycle: Vec<String> = stack[first..].iter().map(|(n, _)| n.clone()).collect();
                        let key = cycle.iter().min().cloned().unwrap_or_default();
                        if reported.insert(key) {
                            let pointer = self.deps.get(&next).map(|(p, _)| p.clone()).unwrap_or_default();
                            self.out.push(problem(
                                pointer,
                                "condition_cycle",
                                format!("visibility depends on itself: {} → {next}", cycle.join(" → ")),
                            ));
                        }
                    }
                    Some(_) => {}
                    None => {
                        state.insert(next.clone(), 1);
                        let reqs = requires(&next);
                        stack.push((next, reqs));
                    }
                }
            }
        }
    }
}

/// A definition's pattern, matched against the whole answer: it must be a regular expression on
/// its own before it is anchored as `^(?:pattern)$` — else `\d{5})|(?:.*` would close the
/// wrapper's group and match anything.
pub fn anchored_pattern(pattern: &str) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::Regex::new(pattern)?;
    regex_lite::Regex::new(&format!("^(?:{pattern})$"))
}
