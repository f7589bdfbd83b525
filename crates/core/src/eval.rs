//! Evaluation of a form against answers: visibility, validation and the submission payload.
//! All three walk the definition the same way, so they agree on what is shown.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::answers::{self, is_present, Answers, FileRef};
use crate::date::{parse_time, Date};
use crate::definition::{DataType, Field, Format, Group, Kind, Node, Rule};
use crate::error::{DatePart, ErrorCode, Report};
use crate::form::{takes_answer, Compiled, CompiledField, Context, Form};
use crate::formats;
use crate::logic::{self, Vars};
use crate::number::parse_decimal;
use crate::path::{FieldPath, Segment};

pub(crate) struct Eval<'a> {
    form: &'a Form,
    answers: &'a Answers,
    ctx: Context,
    today: String,
    /// Visibility of nodes read by conditions, by runtime path.
    memo: RefCell<HashMap<FieldPath, bool>>,
    in_progress: RefCell<HashSet<FieldPath>>,
    /// Visibility of each step, computed once.
    steps: RefCell<Vec<Option<bool>>>,
}

impl<'a> Eval<'a> {
    pub(crate) fn new(form: &'a Form, answers: &'a Answers, ctx: Context) -> Self {
        Eval {
            form,
            answers,
            ctx,
            today: ctx.today.to_string(),
            memo: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            steps: RefCell::new(vec![None; form.def().ui.steps.len().max(1)]),
        }
    }

    /// Whether a node shows, given that its parent shows: its step (for top-level nodes) and
    /// its own condition. The walks below use this; [`Self::visible`] is for arbitrary paths.
    pub(crate) fn shows(&self, node: &Node, path: &FieldPath, top_level: bool) -> bool {
        (!top_level || self.step_visible_for(node.key())) && node.visible_if().is_none_or(|c| self.holds(&c.0, path))
    }

    /// Whether the node at a runtime path is shown: its step, its ancestors and its own
    /// condition all hold.
    pub(crate) fn visible(&self, path: &FieldPath) -> bool {
        if let Some(v) = self.memo.borrow().get(path) {
            return *v;
        }
        if !self.in_progress.borrow_mut().insert(path.clone()) {
            return false; // a cycle (lint rejects these); never loop
        }
        let visible = self.compute_visible(path);
        self.in_progress.borrow_mut().remove(path);
        self.memo.borrow_mut().insert(path.clone(), visible);
        visible
    }

    fn compute_visible(&self, path: &FieldPath) -> bool {
        let Some(node) = self.form.node(&path.static_path()) else { return false };
        // Parent node: drop the last key and a trailing index.
        let mut parent = path.clone();
        parent.pop();
        if matches!(parent.segments().last(), Some(Segment::Index(_))) {
            parent.pop();
        }
        let ancestors_ok =
            if parent.segments().is_empty() { self.step_visible_for(node.key()) } else { self.visible(&parent) };
        ancestors_ok && node.visible_if().is_none_or(|c| self.holds(&c.0, path))
    }

    fn step_visible_for(&self, top_key: &str) -> bool {
        let def = self.form.def();
        match def.step_of(top_key) {
            Some(i) => self.step_visible(i),
            None => def.ui.steps.is_empty(),
        }
    }

    pub(crate) fn step_visible(&self, index: usize) -> bool {
        if let Some(Some(known)) = self.steps.borrow().get(index) {
            return *known;
        }
        let visible = match self.form.def().ui.steps.get(index) {
            Some(step) => step.visible_if.as_ref().is_none_or(|c| self.holds(&c.0, &FieldPath::root())),
            None => index == 0,
        };
        if let Some(slot) = self.steps.borrow_mut().get_mut(index) {
            *slot = Some(visible);
        }
        visible
    }

    /// Evaluate a condition in the scope of a runtime path (its repeat indices).
    fn holds(&self, logic: &Value, scope: &FieldPath) -> bool {
        let mut vars = ScopedVars { eval: self, scope };
        logic::holds(logic, &mut vars, &self.today).unwrap_or(false)
    }

    /// The runtime path of a static path as seen from `scope`: indices of shared repeatable
    /// groups come from the scope. `None` when a repeat index is not determined.
    fn runtime_path(&self, static_path: &str, scope: &FieldPath) -> Option<FieldPath> {
        let info = self.form.static_info(static_path)?;
        let keys: Vec<&str> = static_path.split('.').collect();
        let scope_segments = scope.segments();
        let mut out = FieldPath::root();
        let mut s = 0; // position in the scope's segments
        let mut following = true;
        for (i, key) in keys.iter().enumerate() {
            out.push_key(key);
            if following {
                match scope_segments.get(s) {
                    Some(Segment::Key(k)) if k == key => s += 1,
                    _ => following = false,
                }
            }
            if info.list_flags[i] && i + 1 < keys.len() {
                match (following, scope_segments.get(s)) {
                    (true, Some(Segment::Index(j))) => {
                        out.push_index(*j);
                        s += 1;
                    }
                    _ => return None,
                }
            }
        }
        Some(out)
    }

    /// Typed value of a variable for conditions (`Null` when absent, hidden or undetermined).
    fn var(&self, name: &str, scope: &FieldPath) -> Value {
        let Some(path) = self.runtime_path(name, scope) else { return Value::Null };
        if !self.visible(&path) {
            return Value::Null;
        }
        match self.form.node(name) {
            Some(node) => {
                let value = answers::get(self.answers, &path);
                self.typed_node(node, value, &mut path.clone()).unwrap_or(Value::Null)
            }
            None => Value::Null,
        }
    }

    /// A node's typed value (what the payload holds), `None` when absent. The node itself is
    /// known to show; its children are checked here.
    fn typed_node(&self, node: &Node, value: Option<&Value>, path: &mut FieldPath) -> Option<Value> {
        match node {
            Node::Field(field) => {
                if !takes_answer(field) {
                    return None;
                }
                let value = self.effective(field, value);
                value.filter(|v| is_present(Some(v))).map(|v| typed(field, v))
            }
            Node::Group(group) if group.is_list() => {
                let entries = value.and_then(Value::as_array)?;
                let mut out = Vec::with_capacity(entries.len());
                for (i, entry) in entries.iter().enumerate() {
                    path.push_index(i);
                    out.push(Value::Object(self.typed_children(&group.items, entry.as_object(), path, false)));
                    path.pop();
                }
                (!out.is_empty()).then_some(Value::Array(out))
            }
            Node::Group(group) => {
                let map = self.typed_children(&group.items, value.and_then(Value::as_object), path, false);
                (!map.is_empty()).then_some(Value::Object(map))
            }
        }
    }

    fn typed_children(
        &self,
        nodes: &[Node],
        object: Option<&Map<String, Value>>,
        path: &mut FieldPath,
        top_level: bool,
    ) -> Map<String, Value> {
        let mut map = Map::new();
        for node in nodes {
            path.push_key(node.key());
            if self.shows(node, path, top_level) {
                if let Some(value) = self.typed_node(node, object.and_then(|o| o.get(node.key())), path) {
                    map.insert(node.key().to_owned(), value);
                }
            }
            path.pop();
        }
        map
    }

    /// The submission payload: visible answers, typed, keyed by data keys.
    pub(crate) fn payload(&self) -> Map<String, Value> {
        self.typed_children(&self.form.def().items, Some(self.answers), &mut FieldPath::root(), true)
    }

    /// A field's answer; hidden and locked fields fall back to their default, since nobody
    /// types them.
    fn effective<'f>(&'f self, field: &'f Field, value: Option<&'f Value>) -> Option<&'f Value> {
        value.or_else(|| matches!(field.kind, Kind::Hidden | Kind::Locked).then_some(field.default.as_ref()).flatten())
    }

    // ---- validation ----

    pub(crate) fn validate(&self) -> Report {
        let mut report = Report::default();
        let mut path = FieldPath::root();
        let items = &self.form.def().items;
        unknown_keys(self.answers, items, &path, &mut report);
        self.nodes(items, self.form.compiled(), Some(self.answers), &mut path, true, &mut report);
        self.rules(&self.form.def().rules, &path, &mut report);
        report
    }

    fn nodes(
        &self,
        nodes: &[Node],
        compiled: &[Compiled],
        object: Option<&Map<String, Value>>,
        path: &mut FieldPath,
        top_level: bool,
        report: &mut Report,
    ) {
        for (node, comp) in nodes.iter().zip(compiled) {
            path.push_key(node.key());
            if self.shows(node, path, top_level) {
                let value = object.and_then(|o| o.get(node.key()));
                match (node, comp) {
                    (Node::Field(field), Compiled::Field(cf)) => {
                        if let Some(error) = self.field(field, cf, value, path) {
                            report.push(path, error);
                        }
                    }
                    (Node::Group(group), Compiled::Group(children)) => self.group(group, children, value, path, report),
                    _ => {}
                }
            }
            path.pop();
        }
    }

    fn group(
        &self,
        group: &Group,
        children: &[Compiled],
        value: Option<&Value>,
        path: &mut FieldPath,
        report: &mut Report,
    ) {
        if !group.is_list() {
            let object = match value {
                None | Some(Value::Null) => None,
                Some(Value::Object(map)) => {
                    unknown_keys(map, &group.items, path, report);
                    Some(map)
                }
                Some(_) => return report.push(path, ErrorCode::WrongType),
            };
            self.nodes(&group.items, children, object, path, false, report);
            self.rules(&group.rules, path, report);
            return;
        }
        let entries = match value {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => items.as_slice(),
            Some(_) => return report.push(path, ErrorCode::WrongType),
        };
        let count = entries.len() as u32;
        if count < group.min {
            report.push(path, ErrorCode::TooFewEntries { min: group.min });
        } else if group.max.is_some_and(|max| count > max) {
            report.push(path, ErrorCode::TooManyEntries { max: group.max.unwrap_or(0) });
        }
        for (i, entry) in entries.iter().enumerate() {
            path.push_index(i);
            match entry {
                Value::Object(map) => {
                    unknown_keys(map, &group.items, path, report);
                    self.nodes(&group.items, children, Some(map), path, false, report);
                    self.rules(&group.rules, path, report);
                }
                _ => report.push(path, ErrorCode::WrongType),
            }
            path.pop();
        }
    }

    fn rules(&self, rules: &[Rule], scope: &FieldPath, report: &mut Report) {
        for rule in rules {
            let applies = rule.when.as_ref().is_none_or(|c| self.holds(&c.0, scope));
            if !applies || self.holds(&rule.assert.0, scope) {
                continue;
            }
            let target = rule.fields.first().and_then(|f| self.runtime_path(f, scope));
            if let Some(target) = target {
                if self.visible(&target) {
                    report.push(&target, ErrorCode::Rule { rule: rule.id.clone() });
                }
            }
        }
    }

    /// Whether the field at `path` must be answered now (`required`, or `requiredIf` holds).
    pub(crate) fn is_required(&self, field: &Field, path: &FieldPath) -> bool {
        field.required || field.required_if.as_ref().is_some_and(|c| self.holds(&c.0, path))
    }

    pub(crate) fn field(
        &self,
        field: &Field,
        cf: &CompiledField,
        value: Option<&Value>,
        path: &FieldPath,
    ) -> Option<ErrorCode> {
        if !takes_answer(field) {
            return None;
        }
        let value = self.effective(field, value);
        if !is_present(value) {
            let required = self.is_required(field, path);
            let exempt = field.kind == Kind::Hidden;
            return (required && !exempt).then_some(ErrorCode::Required);
        }
        check_value(field, cf, value?, self.ctx.today).err()
    }
}

/// Report keys of `object` that no node of `nodes` has.
fn unknown_keys(object: &Map<String, Value>, nodes: &[Node], path: &FieldPath, report: &mut Report) {
    for key in object.keys() {
        if !nodes.iter().any(|n| n.key() == key) {
            report.push(&path.key(key), ErrorCode::UnknownField);
        }
    }
}

struct ScopedVars<'e, 'a> {
    eval: &'e Eval<'a>,
    scope: &'e FieldPath,
}

impl Vars for ScopedVars<'_, '_> {
    fn get(&mut self, name: &str) -> Value {
        self.eval.var(name, self.scope)
    }
}

/// Check a present answer against its field. The first problem only: one message per field.
pub(crate) fn check_value(field: &Field, cf: &CompiledField, value: &Value, today: Date) -> Result<(), ErrorCode> {
    let c = &field.constraints;
    if field.kind == Kind::Select {
        return check_choice(field, cf, value);
    }
    match field.datatype {
        DataType::Bool => value.is_boolean().then_some(()).ok_or(ErrorCode::WrongType),
        DataType::File => check_files(field, value),
        DataType::Date => {
            let text = value.as_str().ok_or(ErrorCode::WrongType)?;
            let date = parse_date_answer(text)?;
            check_date_bounds(cf, date, today)
        }
        DataType::Time => {
            let text = value.as_str().ok_or(ErrorCode::WrongType)?;
            parse_time(text.trim()).map(|_| ()).ok_or(ErrorCode::InvalidTime)
        }
        DataType::DateTime => {
            let text = value.as_str().ok_or(ErrorCode::WrongType)?;
            let (d, t) = text.trim().split_once('T').ok_or(ErrorCode::InvalidDateTime)?;
            let date = parse_date_answer(d)?;
            parse_time(t.trim()).ok_or(ErrorCode::InvalidTime)?;
            check_date_bounds(cf, date, today)
        }
        DataType::Num | DataType::NumInt | DataType::NumCurrency => {
            let text = match value {
                Value::String(s) => s.clone(),
                // A number, not text to guess at: its point is the decimal separator.
                Value::Number(n) => number_text(n).replace('.', ","),
                _ => return Err(ErrorCode::WrongType),
            };
            let number = parse_decimal(&text).ok_or(ErrorCode::NotANumber)?;
            if field.datatype == DataType::NumInt && number.frac_digits.bytes().any(|b| b != b'0') {
                return Err(ErrorCode::NotAnInteger);
            }
            if field.datatype == DataType::NumCurrency && number.frac_digits.trim_end_matches('0').len() > 2 {
                return Err(ErrorCode::TooManyDecimals { max: 2 });
            }
            let n = number.to_f64();
            if let Some(min) = c.min.filter(|min| n < *min) {
                return Err(ErrorCode::TooSmall { min });
            }
            if let Some(max) = c.max.filter(|max| n > *max) {
                return Err(ErrorCode::TooLarge { max });
            }
            // Patterns on numbers see the canonical form (`1234.5`), the same in the answers as
            // in the payload.
            match &cf.pattern {
                _ if cf.pattern_broken => Err(ErrorCode::PatternMismatch),
                Some(re) if !re.is_match(&number.canonical()) => Err(ErrorCode::PatternMismatch),
                _ => Ok(()),
            }
        }
        DataType::Text | DataType::TextLatin => {
            let text = value.as_str().ok_or(ErrorCode::WrongType)?.trim();
            let length = text.chars().count() as u32;
            if let Some(min) = c.min_length.filter(|min| length < *min) {
                return Err(ErrorCode::TooShort { min });
            }
            if let Some(max) = c.max_length.filter(|max| length > *max) {
                return Err(ErrorCode::TooLong { max });
            }
            if field.datatype == DataType::TextLatin && !formats::is_latin(text) {
                return Err(ErrorCode::NotLatin);
            }
            if let Some(format) = &field.format {
                check_format(format, text)?;
            }
            match &cf.pattern {
                _ if cf.pattern_broken => Err(ErrorCode::PatternMismatch),
                Some(re) if !re.is_match(text) => Err(ErrorCode::PatternMismatch),
                _ => Ok(()),
            }
        }
        DataType::Obj | DataType::Unknown(_) => Ok(()),
    }
}

fn check_format(format: &Format, text: &str) -> Result<(), ErrorCode> {
    let (ok, error) = match format {
        Format::Email => (formats::is_email(text), ErrorCode::InvalidEmail),
        Format::Phone => (formats::is_phone(text), ErrorCode::InvalidPhone),
        Format::Iban => (formats::is_iban(text), ErrorCode::InvalidIban),
        Format::Bic => (formats::is_bic(text), ErrorCode::InvalidBic),
        Format::Plz => (formats::is_plz(text), ErrorCode::InvalidPlz),
        Format::SteuerId => (formats::is_steuer_id(text), ErrorCode::InvalidSteuerId),
        Format::Url => (formats::is_url(text), ErrorCode::InvalidUrl),
        Format::Unknown(_) => (true, ErrorCode::WrongType),
    };
    if ok {
        Ok(())
    } else {
        Err(error)
    }
}

fn check_choice(field: &Field, cf: &CompiledField, value: &Value) -> Result<(), ErrorCode> {
    let known = |v: &str| cf.options.as_ref().is_none_or(|set| set.contains(v));
    if !field.multiple {
        let v = value.as_str().ok_or(ErrorCode::WrongType)?;
        return if known(v) { Ok(()) } else { Err(ErrorCode::UnknownOption) };
    }
    let items = value.as_array().ok_or(ErrorCode::WrongType)?;
    let mut seen = HashSet::new();
    for item in items {
        let v = item.as_str().ok_or(ErrorCode::WrongType)?;
        if !known(v) || !seen.insert(v) {
            return Err(ErrorCode::UnknownOption);
        }
    }
    let count = items.len() as u32;
    let c = &field.constraints;
    if let Some(min) = c.min_selected.filter(|min| count < *min) {
        return Err(ErrorCode::TooFewSelected { min });
    }
    if let Some(max) = c.max_selected.filter(|max| count > *max) {
        return Err(ErrorCode::TooManySelected { max });
    }
    Ok(())
}

fn check_files(field: &Field, value: &Value) -> Result<(), ErrorCode> {
    let files: Vec<FileRef> = serde_json::from_value(value.clone()).map_err(|_| ErrorCode::WrongType)?;
    let c = &field.constraints;
    let max_files = c.max_files.unwrap_or(1);
    if files.len() as u32 > max_files {
        return Err(ErrorCode::TooManyFiles { max: max_files });
    }
    files.iter().try_for_each(|file| check_file(field, file.size, &file.media_type))
}

/// Whether one file of `size` bytes and (sniffed) `media_type` fits the field's limits: the
/// same check the answers get, for a renderer to use before it uploads or keeps a file.
pub fn check_file(field: &Field, size: u64, media_type: &str) -> Result<(), ErrorCode> {
    let c = &field.constraints;
    if let Some(max) = c.max_size.filter(|max| size > *max) {
        return Err(ErrorCode::FileTooLarge { max });
    }
    if !c.media_types.is_empty() && !c.media_types.iter().any(|allowed| media_type_matches(allowed, media_type)) {
        return Err(ErrorCode::FileTypeNotAllowed { allowed: c.media_types.clone() });
    }
    Ok(())
}

/// A JSON number as plain decimal text: `1e20` as `100000000000000000000` (serde_json would
/// write an exponent, which no citizen types and `parse_decimal` rejects).
fn number_text(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) if f.is_finite() => f.to_string(),
        _ => n.to_string(),
    }
}

/// Whether a media type matches an allowed pattern (`image/*`, `application/pdf`).
pub fn media_type_matches(allowed: &str, actual: &str) -> bool {
    let actual = actual.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let allowed = allowed.trim().to_ascii_lowercase();
    match allowed.strip_suffix("/*") {
        Some(major) => actual.split('/').next() == Some(major),
        None => allowed == actual,
    }
}

fn check_date_bounds(cf: &CompiledField, date: Date, today: Date) -> Result<(), ErrorCode> {
    if let Some(min) = cf.min_date.map(|b| b.resolve(today)).filter(|min| date < *min) {
        return Err(ErrorCode::DateTooEarly { min: min.to_string() });
    }
    if let Some(max) = cf.max_date.map(|b| b.resolve(today)).filter(|max| date > *max) {
        return Err(ErrorCode::DateTooLate { max: max.to_string() });
    }
    Ok(())
}

/// Parse a date answer `YYYY-MM-DD`; while being typed its parts may be empty (`2024--05`).
pub fn parse_date_answer(text: &str) -> Result<Date, ErrorCode> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let [year, month, day] = parts[..] else { return Err(ErrorCode::InvalidDate) };
    let (year, month, day) = (year.trim(), month.trim(), day.trim());
    for (part, which) in [(day, DatePart::Day), (month, DatePart::Month), (year, DatePart::Year)] {
        if part.is_empty() {
            return Err(ErrorCode::DateIncomplete { missing: which });
        }
    }
    let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u32>().ok()).flatten();
    let (Some(y), Some(m), Some(d)) = (number(year), number(month), number(day)) else {
        return Err(ErrorCode::InvalidDate);
    };
    if year.len() != 4 || month.len() > 2 || day.len() > 2 {
        return Err(ErrorCode::InvalidDate);
    }
    Date::new(y as i32, m, d).ok_or(ErrorCode::InvalidDate)
}

/// A present answer in its typed payload form (numbers as numbers, dates canonical, IBAN
/// compact). Answers that do not convert are passed through as given.
pub(crate) fn typed(field: &Field, value: &Value) -> Value {
    if field.kind == Kind::Select {
        return value.clone();
    }
    match (&field.datatype, value) {
        (DataType::Num | DataType::NumInt | DataType::NumCurrency, Value::String(s)) => {
            parse_decimal(s).map(|d| d.to_json()).unwrap_or_else(|| value.clone())
        }
        (DataType::Date, Value::String(s)) => {
            parse_date_answer(s).map(|d| Value::String(d.to_string())).unwrap_or_else(|_| value.clone())
        }
        (DataType::DateTime, Value::String(s)) => match s.trim().split_once('T') {
            Some((d, t)) => match parse_date_answer(d) {
                Ok(date) => Value::String(format!("{date}T{}", t.trim())),
                Err(_) => value.clone(),
            },
            None => value.clone(),
        },
        (DataType::Text | DataType::TextLatin | DataType::Time, Value::String(s)) => {
            let s = s.trim();
            Value::String(match field.format {
                Some(Format::Iban) => formats::normalize_iban(s),
                Some(Format::Bic) => s.replace(' ', "").to_ascii_uppercase(),
                _ => s.to_owned(),
            })
        }
        _ => value.clone(),
    }
}
