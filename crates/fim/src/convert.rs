//! From the XDatenfelder model to an antrag-core definition.

use std::collections::{BTreeMap, BTreeSet};

use antrag_core::definition::{
    Choice, CodeListRef, Constraints, DataType, Field, FimRef, FimRule, FormDef, Group, Kind, LegalBasis, Node,
    Prefill, PrefillMode, Rule, RuleSource, Service, Step, Ui, FORMAT,
};
use antrag_core::logic::Condition;
use antrag_core::{Severity, Text};
use serde_json::{json, Value};

use crate::genericode::Lookup;
use crate::report::{Report, RuleOutcome};
use crate::rules::{self, Effect, Shape, Target};
use crate::xdf::{Bezug, Child, Datenfeld, Element, Gruppe, Message, Meta, Regel};
use crate::{Import, ImportError, Options};

/// Most files a file field with `anzahl …:*` takes (a server needs a bound).
pub const FILE_CAP: u32 = 20;

/// Hints longer than this (or with paragraphs) become help texts shown on request.
const HINT_MAX: usize = 200;

/// An element of the definition, for resolving the ids rules name.
struct Entry {
    fim_id: String,
    parent: Option<usize>,
    target: Target,
}

/// A rule waiting for translation: where it is attached and what it says.
struct Pending {
    owner: Option<usize>,
    at: String,
    regel: Regel,
}

struct Cx<'o> {
    options: &'o Options,
    report: Report,
    index: Vec<Entry>,
    pending: Vec<Pending>,
}

pub(crate) fn convert(msg: &Message, options: &Options) -> Result<Import, ImportError> {
    let root = &msg.root;
    let mut cx = Cx {
        options,
        report: Report {
            schema_id: root.meta.id.clone(),
            schema_version: root.meta.version.clone(),
            xdatenfelder: msg.version.as_str().into(),
            message: msg.kind.into(),
            ..Report::default()
        },
        index: Vec::new(),
        pending: Vec::new(),
    };
    for regel in &root.regeln {
        cx.pending.push(Pending { owner: None, at: String::new(), regel: regel.clone() });
    }
    let items = cx.children(root, "", None)?;
    if items.is_empty() {
        return Err(ImportError::Structure {
            at: root.meta.id.clone(),
            message: format!(
                "the {} contains no data fields{}; there is nothing to fill in",
                msg.kind,
                match cx.pending.len() {
                    0 => String::new(),
                    n => format!(" (only {n} rule{})", if n == 1 { "" } else { "s" }),
                }
            ),
        });
    }
    let mut items = items;
    dedupe_legal_basis(&mut items, None);
    let base = cx.base_definition(msg, items);
    let base = cx.repair(base)?;

    // Rules: translate each, apply all, lint once; a rule whose translation the linter
    // rejects (found from the problem's pointer) is taken back and reported as not translated.
    let pending = std::mem::take(&mut cx.pending);
    let mut outcomes: Vec<Result<Vec<Effect>, String>> =
        pending.iter().map(|p| rules::translate(&p.regel.text, &|id: &str| cx.resolve(p.owner, id))).collect();
    let def = loop {
        let applied: Vec<(usize, Effect)> = outcomes
            .iter()
            .enumerate()
            .filter_map(|(n, o)| o.as_ref().ok().map(|effects| (n, effects)))
            .flat_map(|(n, effects)| effects.iter().cloned().map(move |e| (n, e)))
            .collect();
        let (def, rule_ids) = apply(&base, &applied, &pending);
        let errors: Vec<_> = antrag_core::lint(&def).into_iter().filter(|p| p.severity == Severity::Error).collect();
        if errors.is_empty() {
            break def;
        }
        let mut culprits = BTreeSet::new();
        for problem in &errors {
            for n in culprits_of(&def, &problem.pointer, &applied, &rule_ids) {
                if culprits.insert(n) {
                    outcomes[n] = Err(format!("translation rejected by lint: {} ({})", problem.message, problem.code));
                }
            }
        }
        if culprits.is_empty() {
            return Err(ImportError::Lint(errors));
        }
    };
    let mut def = def;
    let mut fim_rules = Vec::new();
    for (n, p) in pending.iter().enumerate() {
        let (translated, note) = match &outcomes[n] {
            Ok(effects) => (true, describe(effects)),
            Err(reason) => (false, reason.clone()),
        };
        let note = match (&p.regel.script, translated) {
            (Some(_), false) => format!("{note}; the rule also has a script, which is not run"),
            _ => note,
        };
        cx.report.rules.push(RuleOutcome {
            id: p.regel.id.clone(),
            version: p.regel.version.clone(),
            name: p.regel.name.clone(),
            at: p.at.clone(),
            translated,
            note: note.clone(),
        });
        fim_rules.push(FimRule {
            fim: FimRef { id: p.regel.id.clone(), version: p.regel.version.clone() },
            name: p.regel.name.clone(),
            text: p.regel.text.clone(),
            at: (!p.at.is_empty()).then(|| p.at.clone()),
            translated,
            note: Some(note),
        });
    }
    def.service.fim_rules = fim_rules;
    let problems: Vec<_> = antrag_core::lint(&def).into_iter().filter(|p| p.severity == Severity::Error).collect();
    if !problems.is_empty() {
        return Err(ImportError::Lint(problems));
    }
    count(&def.items, &mut cx.report);
    cx.report.steps = def.ui.steps.len().max(1);
    Ok(Import { definition: def, report: cx.report })
}

/// A legal basis equal to the one of the enclosing group is shown there already.
fn dedupe_legal_basis(nodes: &mut [Node], inherited: Option<&LegalBasis>) {
    for node in nodes {
        match node {
            Node::Field(f) => {
                if f.legal_basis.is_some() && f.legal_basis.as_ref() == inherited {
                    f.legal_basis = None;
                }
            }
            Node::Group(g) => {
                if g.legal_basis.is_some() && g.legal_basis.as_ref() == inherited {
                    g.legal_basis = None;
                }
                let own = g.legal_basis.clone();
                dedupe_legal_basis(&mut g.items, own.as_ref().or(inherited));
            }
        }
    }
}

fn count(nodes: &[Node], report: &mut Report) {
    for node in nodes {
        match node {
            Node::Field(_) => report.fields += 1,
            Node::Group(g) => {
                report.groups += 1;
                count(&g.items, report);
            }
        }
    }
}

impl Cx<'_> {
    // -----------------------------------------------------------------------------------
    // Structure

    fn children(&mut self, group: &Gruppe, prefix: &str, parent: Option<usize>) -> Result<Vec<Node>, ImportError> {
        let mut used = BTreeSet::new();
        let mut out = Vec::new();
        for child in &group.children {
            let meta = match &child.element {
                Element::Feld(f) => &f.meta,
                Element::Gruppe(g) => &g.meta,
            };
            let mut key = sanitize_key(&meta.id);
            if !used.insert(key.clone()) {
                let mut n = 2;
                while !used.insert(format!("{key}_{n}")) {
                    n += 1;
                }
                let new_key = format!("{key}_{n}");
                self.report.warn(
                    join(prefix, &new_key),
                    "duplicate_element",
                    format!(
                        "{} is used more than once in {}; this use is stored under the key {new_key}",
                        meta.id, group.meta.id
                    ),
                );
                key = new_key;
            }
            let path = join(prefix, &key);
            let node = match &child.element {
                Element::Feld(f) => self.field(f, child, key, &path, parent)?,
                Element::Gruppe(g) => match self.group(g, child, key, &path, parent)? {
                    Some(node) => node,
                    None => continue,
                },
            };
            out.push(node);
        }
        Ok(out)
    }

    fn group(
        &mut self,
        g: &Gruppe,
        child: &Child,
        key: String,
        path: &str,
        parent: Option<usize>,
    ) -> Result<Option<Node>, ImportError> {
        let label = g.meta.label().to_owned();
        let me = self.index.len();
        self.index.push(Entry {
            fim_id: g.meta.id.clone(),
            parent,
            target: Target { path: path.to_owned(), label: label.clone(), shape: Shape::Group { min: child.min } },
        });
        for regel in &g.regeln {
            self.pending.push(Pending { owner: Some(me), at: path.to_owned(), regel: regel.clone() });
        }
        let items = self.children(g, path, Some(me))?;
        if items.is_empty() {
            self.report.warn(path, "empty_group", format!("group {} contains no fields and was left out", g.meta.id));
            return Ok(None);
        }
        let (hint, help) = hint_or_help(g.meta.help_in.as_deref());
        let hint = hint.or(help);
        Ok(Some(Node::Group(Box::new(Group {
            group: key,
            label: Text::Plain(label.clone()),
            output_label: output_label(&g.meta),
            hint: hint.map(Text::Plain),
            min: child.min,
            max: child.max,
            entry_label: None,
            visible_if: None,
            legal_basis: legal_basis(&child.bezug, &g.meta.bezug),
            fim: Some(fim_ref(&g.meta)),
            items,
            rules: Vec::new(),
        }))))
    }

    fn field(
        &mut self,
        f: &Datenfeld,
        child: &Child,
        key: String,
        path: &str,
        parent: Option<usize>,
    ) -> Result<Node, ImportError> {
        let at_err =
            |message: String| ImportError::Structure { at: format!("{} (line {})", f.meta.id, f.meta.line), message };
        let mut kind = match f.feldart.as_str() {
            "input" => Kind::Input,
            "select" => Kind::Select,
            "label" => Kind::Label,
            "hidden" => Kind::Hidden,
            "locked" => Kind::Locked,
            other => {
                return Err(at_err(format!("feldart \"{other}\" is not one of input, select, label, hidden, locked")))
            }
        };
        let mut datatype = DataType::from(f.datentyp.clone());
        if let DataType::Unknown(word) = &datatype {
            return Err(at_err(format!(
                "datentyp \"{word}\" is not one of text, text_latin, date, time, datetime, bool, num, num_int, num_currency, file, obj"
            )));
        }
        let label = f.meta.label().to_owned();
        let multi = child.max != Some(1);
        // A field that repeats (other than files and choices) becomes a repeatable group of one
        // field; the field then lives one level down.
        let wrap = multi && kind != Kind::Label && datatype != DataType::File && kind != Kind::Select;
        let field_path = if wrap { join(path, &key) } else { path.to_owned() };

        // Choices.
        let mut options: Option<Vec<Choice>> = None;
        let mut code_list = None;
        if !f.werte.is_empty() {
            options = Some(
                f.werte
                    .iter()
                    .map(|w| Choice {
                        value: w.code.clone(),
                        label: Text::Plain(if w.name.is_empty() { w.code.clone() } else { w.name.clone() }),
                        hint: w.hilfe.clone().map(Text::Plain),
                    })
                    .collect(),
            );
        } else if let Some(reference) = &f.code_list {
            let wanted = reference.version.as_deref();
            let shown_version = wanted.map(|v| format!(" version {v}")).unwrap_or_default();
            match self.options.codelists.lookup(&reference.canonical_id, wanted) {
                Lookup::Exact(list) | Lookup::OtherVersion(list) => {
                    if let Lookup::OtherVersion(_) = self.options.codelists.lookup(&reference.canonical_id, wanted) {
                        self.report.warn(
                            &field_path,
                            "code_list_version",
                            format!(
                                "code list {}{shown_version} not found; used version {} instead",
                                reference.canonical_id, list.version
                            ),
                        );
                    }
                    match list.choices(reference.code_key.as_deref(), reference.name_key.as_deref()) {
                        Ok(choices) if !choices.is_empty() => {
                            self.report.code_lists_resolved += 1;
                            options = Some(choices);
                            code_list = Some(CodeListRef {
                                id: reference.canonical_id.clone(),
                                version: Some(list.version.clone()),
                            });
                        }
                        Ok(_) => {
                            self.report.code_lists_missing += 1;
                            self.report.warn(
                                &field_path,
                                "code_list_empty",
                                format!(
                                    "code list {} has no entries; the field is a free-text input",
                                    reference.canonical_id
                                ),
                            );
                        }
                        Err(message) => {
                            self.report.code_lists_missing += 1;
                            self.report.warn(
                                &field_path,
                                "code_list_columns",
                                format!("{message}; the field is a free-text input"),
                            );
                        }
                    }
                }
                Lookup::Missing => {
                    self.report.code_lists_missing += 1;
                    self.report.warn(
                        &field_path,
                        "code_list_missing",
                        format!(
                            "code list {}{shown_version} is not among the given code lists; the field is a free-text input",
                            reference.canonical_id
                        ),
                    );
                }
            }
        }
        if kind == Kind::Select && options.is_none() {
            if f.code_list.is_none() {
                self.report.warn(
                    &field_path,
                    "select_without_values",
                    "select field without values or code list; the field is a free-text input",
                );
            }
            kind = Kind::Input;
        }
        if kind != Kind::Select && options.is_some() {
            // Values on an input field (allowed by the XSD): offer them as choices.
            self.report.warn(
                &field_path,
                "values_on_input",
                format!("feldart {} with a value list; imported as a select field", f.feldart),
            );
            kind = Kind::Select;
        }
        if datatype == DataType::Obj {
            self.report.warn(
                &field_path,
                "obj_field",
                "datentyp obj (binary object) cannot be entered in a browser form; shown as unsupported and optional",
            );
        }

        let takes_answer = !matches!(kind, Kind::Label);
        let mut required = takes_answer && child.min >= 1 && datatype != DataType::Obj;
        let mut constraints = self.constraints(f, &datatype, &kind, &field_path);
        let mut multiple = false;
        if multi && kind == Kind::Select {
            multiple = true;
            if child.min > 1 {
                constraints.min_selected = Some(child.min);
            }
            constraints.max_selected = child.max;
        }
        if datatype == DataType::File {
            if let Some(size) = &f.max_size {
                match size.trim().parse::<u64>() {
                    Ok(bytes) if bytes > 0 => constraints.max_size = Some(bytes),
                    _ => self.report.warn(
                        &field_path,
                        "max_size_invalid",
                        format!("maxSize \"{size}\" is not a number of bytes; ignored"),
                    ),
                }
            }
            constraints.media_types = f.media_types.clone();
            constraints.max_files = match child.max {
                Some(max) => Some(max),
                None => {
                    self.report.warn(
                        &field_path,
                        "file_cap",
                        format!("anzahl {}:* on a file field: at most {FILE_CAP} files are taken", child.min),
                    );
                    Some(FILE_CAP)
                }
            };
            if child.min > 1 {
                self.report.warn(
                    &field_path,
                    "file_minimum",
                    format!("at least {} files are asked for; the form requires at least one", child.min),
                );
            }
        }
        if datatype != DataType::File && (f.max_size.is_some() || !f.media_types.is_empty()) {
            self.report.warn(
                &field_path,
                "file_limits_ignored",
                format!("maxSize/mediaType on a {} field apply to files only; ignored", f.datentyp),
            );
        }
        // Default (inhalt) — the static text of a label field.
        let mut content = None;
        let mut default = None;
        if let Some(inhalt) = &f.inhalt {
            if kind == Kind::Label {
                content = Some(inhalt.clone());
            } else {
                match typed_default(inhalt, &datatype, &kind, options.as_deref(), multiple) {
                    Ok(value) => default = Some(value),
                    Err(message) => self.report.warn(
                        &field_path,
                        "default_dropped",
                        format!("inhalt \"{inhalt}\" dropped: {message}"),
                    ),
                }
            }
        }
        if kind == Kind::Label && content.is_none() {
            content = f.meta.help_in.clone();
        }
        if matches!(kind, Kind::Hidden | Kind::Locked) && default.is_none() && required {
            self.report.warn(
                &field_path,
                "hidden_without_value",
                format!("{} field without inhalt cannot be answered by the citizen; made optional", f.feldart),
            );
            required = false;
        }
        let prefill = match f.vorbefuellung.as_deref() {
            None | Some("keine") => None,
            Some(mode @ ("optional" | "verpflichtend")) => Some(Prefill {
                mode: if mode == "optional" { PrefillMode::Optional } else { PrefillMode::Mandatory },
                attribute: f.meta.id.clone(),
            }),
            Some(other) => {
                self.report.warn(
                    &field_path,
                    "prefill_unknown",
                    format!("vorbefuellung \"{other}\" is not keine, optional or verpflichtend; ignored"),
                );
                None
            }
        };
        let (hint, help) = if kind == Kind::Label { (None, None) } else { hint_or_help(f.meta.help_in.as_deref()) };

        let values = options
            .as_ref()
            .map(|o| o.iter().map(|c| (c.value.clone(), c.label.resolve("de", "de").to_owned())).collect::<Vec<_>>());
        let me = self.index.len();
        self.index.push(Entry {
            fim_id: f.meta.id.clone(),
            parent,
            target: Target {
                path: field_path.clone(),
                label: label.clone(),
                shape: Shape::Field { datatype: datatype.to_string(), values, answers: takes_answer, multiple },
            },
        });
        for regel in &f.regeln {
            self.pending.push(Pending { owner: Some(me), at: field_path.clone(), regel: regel.clone() });
        }
        if datatype == DataType::Obj {
            datatype = DataType::Obj;
        }
        let field = Field {
            field: key.clone(),
            kind,
            datatype,
            format: None,
            label: Text::Plain(label.clone()),
            output_label: output_label(&f.meta),
            hint: hint.map(Text::Plain),
            help: help.map(Text::Plain),
            content: content.filter(|c| *c != label).map(Text::Plain),
            legal_basis: legal_basis(&child.bezug, &f.meta.bezug),
            default,
            placeholder: None,
            prefill,
            required: required || (wrap && takes_answer),
            required_if: None,
            visible_if: None,
            constraints,
            options,
            code_list,
            multiple,
            widget: None,
            messages: BTreeMap::new(),
            autocomplete: None,
            fim: Some(fim_ref(&f.meta)),
        };
        if !wrap {
            return Ok(Node::Field(Box::new(field)));
        }
        self.report.warn(
            path,
            "repeated_field",
            format!(
                "{} occurs {}:{} times; imported as a repeatable group of one field",
                f.meta.id,
                child.min,
                child.max.map(|m| m.to_string()).unwrap_or_else(|| "*".into())
            ),
        );
        Ok(Node::Group(Box::new(Group {
            group: key,
            label: Text::Plain(label),
            output_label: output_label(&f.meta),
            hint: None,
            min: child.min,
            max: child.max,
            entry_label: None,
            visible_if: None,
            legal_basis: None,
            fim: Some(fim_ref(&f.meta)),
            items: vec![Node::Field(Box::new(Field { legal_basis: None, ..field }))],
            rules: Vec::new(),
        })))
    }

    fn constraints(&mut self, f: &Datenfeld, datatype: &DataType, kind: &Kind, at: &str) -> Constraints {
        let p = &f.praezisierung;
        let mut c = Constraints::default();
        let is_text = matches!(datatype, DataType::Text | DataType::TextLatin) && *kind != Kind::Select;
        let is_num =
            matches!(datatype, DataType::Num | DataType::NumInt | DataType::NumCurrency) && *kind != Kind::Select;
        let is_date = *datatype == DataType::Date && *kind != Kind::Select;
        let mut dropped: Vec<String> = Vec::new();
        let length = |name: &str, value: &Option<String>, dropped: &mut Vec<String>| -> Option<u32> {
            let v = value.as_ref()?;
            if !is_text {
                dropped.push(format!("{name}={v}"));
                return None;
            }
            match v.parse::<u32>() {
                Ok(0) if name == "minLength" => None,
                Ok(n) => Some(n),
                Err(_) => {
                    dropped.push(format!("{name}={v} (not a whole number)"));
                    None
                }
            }
        };
        c.min_length = length("minLength", &p.min_length, &mut dropped);
        c.max_length = length("maxLength", &p.max_length, &mut dropped);
        for (name, value, is_min) in [("minValue", &p.min_value, true), ("maxValue", &p.max_value, false)] {
            let Some(v) = value else { continue };
            if is_num {
                match parse_number(v) {
                    Some(n) if is_min => c.min = Some(n),
                    Some(n) => c.max = Some(n),
                    None => dropped.push(format!("{name}={v} (not a number)")),
                }
            } else if is_date {
                match parse_date(v) {
                    Some(d) if is_min => c.min_date = Some(d),
                    Some(d) => c.max_date = Some(d),
                    None => dropped.push(format!("{name}={v} (not a date)")),
                }
            } else {
                dropped.push(format!("{name}={v}"));
            }
        }
        if let Some(pattern) = &p.pattern {
            if !is_text {
                dropped.push(format!("pattern={pattern}"));
            } else if !pattern.chars().any(|ch| "[](){}*+?|\\^$.".contains(ch)) {
                self.report.warn(
                    at,
                    "pattern_prose",
                    format!("pattern \"{pattern}\" has no regular-expression syntax and reads as prose; dropped"),
                );
            } else {
                c.pattern = Some(pattern.clone());
            }
        }
        if let Some(other) = &p.other {
            // 2.0 legacy forms: "1..12" (range), "5" (length).
            let range = other.split_once("..").and_then(|(a, b)| Some((parse_number(a)?, parse_number(b)?)));
            match (range, other.trim().parse::<u32>()) {
                (Some((a, b)), _) if is_num => {
                    c.min = c.min.or(Some(a));
                    c.max = c.max.or(Some(b));
                    self.report.warn(
                        at,
                        "praezisierung_legacy",
                        format!("Präzisierung \"{other}\" read as the value range {a} to {b}"),
                    );
                }
                (Some((a, b)), _) if is_text && a >= 0.0 && b >= a && a.fract() == 0.0 && b.fract() == 0.0 => {
                    c.min_length = c.min_length.or(Some(a as u32).filter(|n| *n > 0));
                    c.max_length = c.max_length.or(Some(b as u32));
                    self.report.warn(
                        at,
                        "praezisierung_legacy",
                        format!("Präzisierung \"{other}\" read as a length of {a} to {b} characters"),
                    );
                }
                (None, Ok(n)) if is_text && n > 0 => {
                    c.max_length = c.max_length.or(Some(n));
                    self.report.warn(
                        at,
                        "praezisierung_legacy",
                        format!("Präzisierung \"{other}\" read as at most {n} characters"),
                    );
                }
                _ => self.report.warn(
                    at,
                    "praezisierung_unknown",
                    format!("Präzisierung \"{other}\" not understood; ignored"),
                ),
            }
        }
        if let (Some(min), Some(max)) = (c.min_length, c.max_length) {
            if min > max {
                dropped.push(format!("minLength={min} above maxLength={max}"));
                c.min_length = None;
            }
        }
        if !dropped.is_empty() {
            self.report.warn(
                at,
                "praezisierung_dropped",
                format!("Präzisierung not applicable to a {} {} field: {}", f.feldart, f.datentyp, dropped.join(", ")),
            );
        }
        c
    }

    // -----------------------------------------------------------------------------------
    // The definition around the items

    fn base_definition(&mut self, msg: &Message, items: Vec<Node>) -> FormDef {
        let meta = &msg.root.meta;
        let id = match &self.options.form_id {
            Some(id) => id.clone(),
            None => {
                let slug: String =
                    meta.id.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
                format!("fim-{}", slug.trim_matches('-')).chars().take(64).collect()
            }
        };
        let version = meta.version.clone().unwrap_or_else(|| {
            self.report.warn("", "no_version", format!("{} has no version; the definition is version 0", meta.id));
            "0".into()
        });
        let title = msg.title.clone().unwrap_or_else(|| meta.label().to_owned());
        let leika = self.leika(meta);
        let schema_uri = (msg.kind == "stammdatenschema")
            .then(|| format!("https://schema.fitko.de/fim/{}_{}.schema.json", meta.id.to_lowercase(), version));
        FormDef {
            json_schema: None,
            format: FORMAT.into(),
            id,
            version,
            title: Text::Plain(title),
            description: msg.help.clone().map(Text::Plain),
            languages: vec!["de".into()],
            default_language: "de".into(),
            service: Service {
                leika_key: leika,
                fim_schema: Some(fim_ref(meta)),
                schema_uri,
                reference_prefix: None,
                reply_email: None,
                fim_rules: Vec::new(),
            },
            items,
            rules: Vec::new(),
            ui: Ui::default(),
            payment: None,
        }
    }

    /// The LeiKa key: a 14-digit number starting with 99 in the schema's description.
    fn leika(&mut self, meta: &Meta) -> Option<String> {
        let mut keys: Vec<String> = Vec::new();
        for text in [&meta.beschreibung, &meta.definition].into_iter().flatten() {
            let bytes: Vec<char> = text.chars().collect();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
                    let run: String = bytes[i..].iter().take_while(|c| c.is_ascii_digit()).collect();
                    i += run.len();
                    if run.len() == 14 && run.starts_with("99") && !keys.contains(&run) {
                        keys.push(run);
                    }
                } else {
                    i += 1;
                }
            }
        }
        if keys.len() > 1 {
            self.report.warn(
                "",
                "several_leika_keys",
                format!("the schema names several LeiKa keys ({}); the definition carries the first", keys.join(", ")),
            );
        }
        keys.into_iter().next()
    }

    /// Lint the base definition; problems an import can work around (a default, a
    /// constraint or a prefill the core does not accept) are dropped with a warning, any other
    /// problem fails the import.
    fn repair(&mut self, def: FormDef) -> Result<FormDef, ImportError> {
        let errors: Vec<_> = antrag_core::lint(&def).into_iter().filter(|p| p.severity == Severity::Error).collect();
        if errors.is_empty() {
            return Ok(def);
        }
        let mut value = serde_json::to_value(&def).map_err(|e| ImportError::Lint(vec![internal(e.to_string())]))?;
        let mut fatal = Vec::new();
        for problem in &errors {
            let droppable = ["/default", "/constraints/", "/prefill"].iter().any(|s| problem.pointer.contains(s));
            if droppable && remove_pointer(&mut value, &problem.pointer) {
                let at = data_path_of(&value, &problem.pointer);
                self.report.warn(
                    at,
                    "dropped",
                    format!("{} dropped: {}", last_segment(&problem.pointer), problem.message),
                );
            } else {
                fatal.push(problem.clone());
            }
        }
        if !fatal.is_empty() {
            return Err(ImportError::Lint(fatal));
        }
        let def: FormDef =
            serde_json::from_value(value).map_err(|e| ImportError::Lint(vec![internal(e.to_string())]))?;
        let left: Vec<_> = antrag_core::lint(&def).into_iter().filter(|p| p.severity == Severity::Error).collect();
        if left.is_empty() {
            Ok(def)
        } else {
            Err(ImportError::Lint(left))
        }
    }

    /// Find the element a rule names: in the subtree of the element the rule is attached to,
    /// then of its parent, and so on up to the whole schema.
    fn resolve(&self, owner: Option<usize>, id: &str) -> Result<Target, String> {
        let mut candidates: Vec<usize> = (0..self.index.len()).filter(|&i| self.index[i].fim_id == id).collect();
        if candidates.is_empty() {
            // Rules carried over from 2.0 may still name elements by their 2.0 ids.
            if let Some(long) = v3_id(id) {
                candidates = (0..self.index.len()).filter(|&i| self.index[i].fim_id == long).collect();
            }
        }
        if candidates.is_empty() {
            return Err(format!("{id} is not part of the schema"));
        }
        let mut scope = owner;
        loop {
            let inside: Vec<usize> = candidates.iter().copied().filter(|&c| self.within(c, scope)).collect();
            match inside.len() {
                1 => return Ok(self.index[inside[0]].target.clone()),
                0 => {}
                n => {
                    let place = scope.map(|s| self.index[s].target.path.clone()).unwrap_or_else(|| "the schema".into());
                    return Err(format!("{id} occurs {n} times in {place}; the rule does not say which"));
                }
            }
            match scope {
                Some(s) => scope = self.index[s].parent,
                None => return Err(format!("{id} is not part of the schema")),
            }
        }
    }

    fn within(&self, mut node: usize, scope: Option<usize>) -> bool {
        let Some(scope) = scope else { return true };
        loop {
            if node == scope {
                return true;
            }
            match self.index[node].parent {
                Some(p) => node = p,
                None => return false,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Applying translated rules

/// The base definition with the translated effects and the generated UI overlay.
fn apply(base: &FormDef, effects: &[(usize, Effect)], pending: &[Pending]) -> (FormDef, BTreeMap<String, usize>) {
    let mut def = base.clone();
    let mut shows: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut hides: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut requires: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut groups_required: BTreeMap<String, (String, Vec<(usize, Value)>)> = BTreeMap::new();
    let mut extra: Vec<(usize, Effect)> = Vec::new();
    for (n, effect) in effects {
        match effect {
            Effect::Show(t, c) => shows.entry(t.path.clone()).or_default().push(c.clone()),
            Effect::Hide(t, c) => hides.entry(t.path.clone()).or_default().push(c.clone()),
            Effect::Require(t, c) => match t.shape {
                Shape::Group { min: 0 } => groups_required
                    .entry(t.path.clone())
                    .or_insert_with(|| (t.label.clone(), Vec::new()))
                    .1
                    .push((*n, c.clone())),
                Shape::Group { .. } => {}
                Shape::Field { answers: false, .. } => {}
                Shape::Field { .. } => requires.entry(t.path.clone()).or_default().push(c.clone()),
            },
            Effect::AtLeastOne(_) | Effect::ExactlyOne(_) | Effect::Check(_) => extra.push((*n, effect.clone())),
        }
    }
    let mut rules_at: Vec<(String, Rule)> = Vec::new();
    let mut counter: BTreeMap<String, usize> = BTreeMap::new();
    let mut rule_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut rule_id = |n: usize| {
        let base = pending[n].regel.id.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        let k = counter.entry(base.clone()).or_insert(0);
        *k += 1;
        let id = format!("{base}-{k}");
        rule_ids.insert(id.clone(), n);
        id
    };
    // A group that must be filled while a condition holds: when it is shown under the same
    // rules it simply becomes mandatory while shown; otherwise a rule checks it.
    let mut make_mandatory = BTreeSet::new();
    for (path, (label, conds)) in &groups_required {
        if shows.contains_key(path) || hides.contains_key(path) {
            make_mandatory.insert(path.clone());
            continue;
        }
        for (n, c) in conds {
            rules_at.push((
                parent_path(path),
                Rule {
                    id: rule_id(*n),
                    when: (c != &Value::Bool(true)).then(|| Condition(c.clone())),
                    assert: Condition(json!({ "!": { "missing": [path] } })),
                    fields: vec![path.clone()],
                    message: Text::Plain(format!("Bitte machen Sie die Angaben zu „{label}“.")),
                    source: Some(source(&pending[*n].regel)),
                },
            ));
        }
    }
    for (n, effect) in &extra {
        let (targets, exactly) = match effect {
            Effect::AtLeastOne(t) => (t, false),
            Effect::ExactlyOne(t) => (t, true),
            Effect::Check(check) => {
                let paths: Vec<String> = check.fields.iter().map(|t| t.path.clone()).collect();
                rules_at.push((
                    common_group(&paths),
                    Rule {
                        id: rule_id(*n),
                        when: check.when.clone().map(Condition),
                        assert: Condition(check.assert.clone()),
                        fields: paths,
                        message: Text::Plain(check.message.clone()),
                        source: Some(source(&pending[*n].regel)),
                    },
                ));
                continue;
            }
            _ => continue,
        };
        let paths: Vec<String> = targets.iter().map(|t| t.path.clone()).collect();
        let filled = |p: &str| json!({ "!": { "missing": [p] } });
        let assert = if exactly {
            json!({ "or": paths.iter().map(|p| {
                let others: Vec<Value> = paths.iter().filter(|q| *q != p).map(|q| json!({ "!!": { "missing": [q] } })).collect();
                let mut all = vec![filled(p)];
                all.extend(others);
                json!({ "and": all })
            }).collect::<Vec<_>>() })
        } else {
            json!({ "!": { "missing_some": [1, paths] } })
        };
        let labels: Vec<&str> = targets.iter().map(|t| t.label.as_str()).collect();
        let list = match labels.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} oder {last}", rest.join(", ")),
            _ => labels.join(""),
        };
        let message = if exactly {
            format!("Bitte machen Sie genau eine dieser Angaben: {list}.")
        } else {
            format!("Bitte machen Sie mindestens eine dieser Angaben: {list}.")
        };
        rules_at.push((
            common_group(&paths),
            Rule {
                id: rule_id(*n),
                when: None,
                assert: Condition(assert),
                fields: paths.clone(),
                message: Text::Plain(message),
                source: Some(source(&pending[*n].regel)),
            },
        ));
    }
    let either = |mut conds: Vec<Value>| if conds.len() == 1 { conds.remove(0) } else { json!({ "or": conds }) };
    let visible = |path: &str| -> Option<Condition> {
        let show = shows.get(path).cloned().map(either);
        let hide = hides.get(path).cloned().map(|h| json!({ "!": either(h) }));
        match (show, hide) {
            (None, None) => None,
            (Some(s), None) => Some(Condition(s)),
            (None, Some(h)) => Some(Condition(h)),
            (Some(s), Some(h)) => Some(Condition(json!({ "and": [s, h] }))),
        }
    };
    fn walk(
        nodes: &mut [Node],
        prefix: &str,
        visible: &dyn Fn(&str) -> Option<Condition>,
        requires: &BTreeMap<String, Vec<Value>>,
        mandatory: &BTreeSet<String>,
        rules_at: &mut Vec<(String, Rule)>,
    ) {
        for node in nodes {
            let path = join(prefix, node.key());
            match node {
                Node::Field(f) => {
                    f.visible_if = visible(&path);
                    if !f.required {
                        if let Some(conds) = requires.get(&path) {
                            // "Das Feld … ist ein Pflichtfeld": always.
                            if conds.iter().any(|c| c == &Value::Bool(true)) {
                                f.required = true;
                            } else {
                                let mut conds = conds.clone();
                                f.required_if = Some(Condition(if conds.len() == 1 {
                                    conds.remove(0)
                                } else {
                                    json!({ "or": conds })
                                }));
                            }
                        }
                    }
                }
                Node::Group(g) => {
                    g.visible_if = visible(&path);
                    if mandatory.contains(&path) && g.min == 0 {
                        g.min = 1;
                    }
                    let mut i = 0;
                    while i < rules_at.len() {
                        if rules_at[i].0 == path {
                            g.rules.push(rules_at.remove(i).1);
                        } else {
                            i += 1;
                        }
                    }
                    walk(&mut g.items, &path, visible, requires, mandatory, rules_at);
                }
            }
        }
    }
    walk(&mut def.items, "", &visible, &requires, &make_mandatory, &mut rules_at);
    def.rules.extend(rules_at.into_iter().map(|(_, r)| r));
    def.ui.steps = steps(&def.items);
    (def, rule_ids)
}

/// The rules behind a lint problem: the rule at the pointer, or the rules that set the
/// condition of the node (or step) at the pointer.
fn culprits_of(
    def: &FormDef,
    pointer: &str,
    applied: &[(usize, Effect)],
    rule_ids: &BTreeMap<String, usize>,
) -> Vec<usize> {
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let mut nodes = &def.items;
    let mut rules = &def.rules;
    let mut path: Vec<String> = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        match (segments[i], segments.get(i + 1).and_then(|s| s.parse::<usize>().ok())) {
            ("items", Some(k)) => match nodes.get(k) {
                Some(node) => {
                    path.push(node.key().to_owned());
                    if let Node::Group(g) = node {
                        nodes = &g.items;
                        rules = &g.rules;
                    }
                    i += 2;
                }
                None => break,
            },
            ("rules", Some(k)) => {
                return rules.get(k).and_then(|r| rule_ids.get(&r.id)).copied().into_iter().collect();
            }
            ("ui", _) => {
                // A step's condition is its group's.
                if let (Some(&"steps"), Some(k)) =
                    (segments.get(i + 1), segments.get(i + 2).and_then(|s| s.parse::<usize>().ok()))
                {
                    if let Some(key) = def.ui.steps.get(k).and_then(|s| s.items.first()) {
                        path = vec![key.clone()];
                    }
                }
                break;
            }
            _ => break,
        }
    }
    let target = path.join(".");
    let mut out: Vec<usize> = applied
        .iter()
        .filter(|(_, e)| match e {
            Effect::Show(t, _) | Effect::Hide(t, _) | Effect::Require(t, _) => t.path == target,
            Effect::AtLeastOne(ts) | Effect::ExactlyOne(ts) => ts.iter().any(|t| t.path == target),
            Effect::Check(check) => check.fields.iter().any(|t| t.path == target),
        })
        .map(|(n, _)| *n)
        .collect();
    out.dedup();
    out
}

/// Top-level groups become steps; runs of top-level fields between them share a step.
fn steps(items: &[Node]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut loose: Vec<String> = Vec::new();
    let flush = |loose: &mut Vec<String>, steps: &mut Vec<Step>| {
        if loose.is_empty() {
            return;
        }
        let title = if steps.is_empty() { "Allgemeine Angaben" } else { "Weitere Angaben" };
        steps.push(Step {
            id: format!("angaben-{}", steps.len() + 1),
            title: Text::Plain(title.into()),
            intro: None,
            items: std::mem::take(loose),
            visible_if: None,
        });
    };
    for node in items {
        match node {
            // A field that repeats (imported as a group of itself) stays with its neighbours.
            Node::Group(g) if g.items.len() == 1 && g.items[0].key() == g.group => loose.push(g.group.clone()),
            Node::Group(g) => {
                flush(&mut loose, &mut steps);
                steps.push(Step {
                    id: g.group.to_lowercase().replace('_', "-"),
                    title: g.label.clone(),
                    intro: None,
                    items: vec![g.group.clone()],
                    visible_if: g.visible_if.clone(),
                });
            }
            Node::Field(_) => loose.push(node.key().to_owned()),
        }
    }
    flush(&mut loose, &mut steps);
    if steps.len() == 1 {
        // One step: the form title says it all.
        return Vec::new();
    }
    steps
}

fn describe(effects: &[Effect]) -> String {
    let parts: Vec<String> = effects
        .iter()
        .map(|e| match e {
            Effect::Show(t, _) => format!("shows {}", t.path),
            Effect::Hide(t, _) => format!("hides {}", t.path),
            Effect::Require(t, _) => match t.shape {
                Shape::Group { min } if min > 0 => format!("requires {} (already mandatory)", t.path),
                Shape::Field { answers: false, .. } => format!("requires {} (takes no answer; ignored)", t.path),
                _ => format!("requires {}", t.path),
            },
            Effect::AtLeastOne(ts) => {
                format!("at least one of {}", ts.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(", "))
            }
            Effect::ExactlyOne(ts) => {
                format!("exactly one of {}", ts.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(", "))
            }
            Effect::Check(check) => check.note.clone(),
        })
        .collect();
    let mut seen = BTreeSet::new();
    parts.into_iter().filter(|p| seen.insert(p.clone())).collect::<Vec<_>>().join("; ")
}

fn source(regel: &Regel) -> RuleSource {
    RuleSource { fim: Some(FimRef { id: regel.id.clone(), version: regel.version.clone() }), text: regel.text.clone() }
}

// ---------------------------------------------------------------------------------------
// Small helpers

/// The 3.0.0 form of a 2.0 element id: the two digits of the number range, then the number
/// padded to nine digits (`F60000263` → `F60000000263`), as the FIM conversion does.
fn v3_id(id: &str) -> Option<String> {
    let (letter, digits) = id.split_at(1);
    if !matches!(letter, "F" | "G" | "R" | "S") || digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{letter}{}{:0>9}", &digits[..2], &digits[2..]))
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn parent_path(path: &str) -> String {
    path.rsplit_once('.').map(|(p, _)| p.to_owned()).unwrap_or_default()
}

/// The deepest group that contains every path (empty for the form).
fn common_group(paths: &[String]) -> String {
    let parents: Vec<Vec<&str>> = paths.iter().map(|p| p.split('.').collect::<Vec<_>>()).collect();
    let Some(first) = parents.first() else { return String::new() };
    let mut common = first[..first.len().saturating_sub(1)].to_vec();
    for p in &parents[1..] {
        let parent = &p[..p.len().saturating_sub(1)];
        let n = common.iter().zip(parent).take_while(|(a, b)| a == b).count();
        common.truncate(n);
    }
    common.join(".")
}

/// FIM ids as data keys: letters, digits and `_` (anything else becomes `_`).
pub(crate) fn sanitize_key(id: &str) -> String {
    let mut key: String = id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        key.insert(0, '_');
    }
    key.chars().take(64).collect()
}

fn fim_ref(meta: &Meta) -> FimRef {
    FimRef { id: meta.id.clone(), version: meta.version.clone() }
}

fn output_label(meta: &Meta) -> Option<Text> {
    meta.label_out.as_ref().filter(|o| *o != meta.label()).map(|o| Text::Plain(o.clone()))
}

/// A short help text is a hint under the label; a long one (or one with paragraphs) is shown
/// on request.
fn hint_or_help(help: Option<&str>) -> (Option<String>, Option<String>) {
    match help {
        None => (None, None),
        Some(h) if h.chars().count() <= HINT_MAX && !h.contains("\n\n") => (Some(h.to_owned()), None),
        Some(h) => (None, Some(h.to_owned())),
    }
}

/// The legal basis: the use's own (`struktur/bezug`), else the element's references that
/// cite law (`§`, `Art.`) or carry a link.
fn legal_basis(use_bezug: &[Bezug], element_bezug: &[Bezug]) -> Option<LegalBasis> {
    let cites = |b: &&Bezug| {
        b.link.is_some() || b.text.starts_with('§') || b.text.starts_with("Art") || b.text.contains("Abs.")
    };
    let chosen: Vec<&Bezug> = if use_bezug.iter().any(|b| cites(&b)) {
        use_bezug.iter().filter(cites).collect()
    } else {
        element_bezug.iter().filter(cites).collect()
    };
    if chosen.is_empty() {
        return None;
    }
    let text = chosen.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("; ");
    let url =
        chosen.iter().filter_map(|b| b.link.clone()).find(|l| antrag_core::definition::is_web_link(l)).or_else(|| {
            // 2.0 has no link attribute; a URL in the text is the link.
            chosen.iter().find_map(|b| {
                b.text
                    .split_whitespace()
                    .find(|w| w.starts_with("https://") || w.starts_with("http://"))
                    .map(str::to_owned)
            })
        });
    Some(LegalBasis { text: Text::Plain(text), url })
}

fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = if t.contains(',') { t.replace('.', "").replace(',', ".") } else { t.to_owned() };
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `YYYY-MM-DD` or `DD.MM.YYYY` as `YYYY-MM-DD`; `heute` / `today` as `today`.
fn parse_date(text: &str) -> Option<String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("today") || t.eq_ignore_ascii_case("heute") {
        return Some("today".into());
    }
    let d = if let Some((d, rest)) = t.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        format!("{y:0>4}-{m:0>2}-{d:0>2}")
    } else {
        t.to_owned()
    };
    antrag_core::Date::parse_iso(&d).map(|date| date.to_string())
}

fn typed_default(
    inhalt: &str,
    datatype: &DataType,
    kind: &Kind,
    options: Option<&[Choice]>,
    multiple: bool,
) -> Result<Value, String> {
    if *kind == Kind::Select {
        let options = options.unwrap_or(&[]);
        if !options.iter().any(|o| o.value == inhalt) {
            return Err("not one of the field's values".into());
        }
        return Ok(if multiple { json!([inhalt]) } else { json!(inhalt) });
    }
    match datatype {
        DataType::Bool => match inhalt.to_lowercase().as_str() {
            "true" | "ja" | "wahr" | "1" => Ok(json!(true)),
            "false" | "nein" | "falsch" | "0" => Ok(json!(false)),
            _ => Err("not a yes/no value".into()),
        },
        DataType::Num | DataType::NumInt | DataType::NumCurrency => {
            parse_number(inhalt).map(|_| json!(inhalt)).ok_or_else(|| "not a number".into())
        }
        DataType::Date => {
            parse_date(inhalt).filter(|d| d != "today").map(Value::String).ok_or_else(|| "not a date".into())
        }
        DataType::File | DataType::Obj => Err("a file field has no default".into()),
        _ => Ok(json!(inhalt)),
    }
}

fn internal(message: String) -> antrag_core::Problem {
    antrag_core::Problem { pointer: String::new(), code: "internal".into(), severity: Severity::Error, message }
}

fn last_segment(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

/// Remove the value at a JSON pointer; whether something was removed.
fn remove_pointer(value: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return false };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// The data path of the node a pointer (`/items/0/items/3/default`) points into.
fn data_path_of(value: &Value, pointer: &str) -> String {
    let mut keys = Vec::new();
    let mut current = value;
    let mut segments = pointer.trim_start_matches('/').split('/').peekable();
    while let Some(seg) = segments.next() {
        if seg == "items" {
            let Some(i) = segments.peek().and_then(|s| s.parse::<usize>().ok()) else { break };
            segments.next();
            let Some(node) = current.get("items").and_then(|items| items.get(i)) else { break };
            if let Some(key) = node.get("field").or_else(|| node.get("group")).and_then(Value::as_str) {
                keys.push(key.to_owned());
            }
            current = node;
        } else {
            break;
        }
    }
    keys.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bezug_link_is_kept_only_when_it_is_a_web_address() {
        let bezug = |link: &str| Bezug { text: "§ 34c GewO".into(), link: Some(link.into()) };
        let basis = legal_basis(&[bezug("javascript:alert(1)")], &[]).expect("the citation stays");
        assert_eq!(basis.text, Text::Plain("§ 34c GewO".into()));
        assert_eq!(basis.url, None);
        let both = legal_basis(
            &[bezug("javascript:alert(1)"), bezug("https://www.gesetze-im-internet.de/gewo/__34c.html")],
            &[],
        );
        assert_eq!(both.unwrap().url.as_deref(), Some("https://www.gesetze-im-internet.de/gewo/__34c.html"));
    }

    #[test]
    fn keys_and_paths() {
        assert_eq!(sanitize_key("F60000000227"), "F60000000227");
        assert_eq!(sanitize_key("F00-4cb0dd14"), "F00_4cb0dd14");
        assert_eq!(sanitize_key("123"), "_123");
        assert_eq!(common_group(&["a.b.c".into(), "a.b.d".into()]), "a.b");
        assert_eq!(common_group(&["a.c".into(), "b.d".into()]), "");
        assert_eq!(parent_path("a.b"), "a");
        assert_eq!(parent_path("a"), "");
    }

    #[test]
    fn v2_ids_in_v3_terms() {
        assert_eq!(v3_id("F60000263").as_deref(), Some("F60000000263"));
        assert_eq!(v3_id("G60000086").as_deref(), Some("G60000000086"));
        assert_eq!(v3_id("F60000000263"), None);
        assert_eq!(v3_id("X60000263"), None);
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(parse_number("1850"), Some(1850.0));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("x"), None);
        assert_eq!(parse_date("01.02.2020").as_deref(), Some("2020-02-01"));
        assert_eq!(parse_date("2020-02-30"), None);
        assert_eq!(parse_date("heute").as_deref(), Some("today"));
    }
}
