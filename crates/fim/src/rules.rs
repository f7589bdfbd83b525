//! Translating FIM rule prose into antrag-core conditions.
//!
//! FIM rules (Regeln) are written in German prose. A good share follows a few fixed shapes,
//! which this module recognizes word by word and translates; everything else is reported as
//! not translated, and the prose is kept either way. The recognizer is strict on purpose: a
//! statement it does not fully understand makes the whole rule "not translated" — it never
//! guesses what a rule might mean.
//!
//! Recognized statements (case and quote style do not matter, `F…`/`G…` are element ids,
//! labels after an id are optional and may be quoted or not):
//!
//! * `WENN <condition> DANN <actions> [SONST <actions>]`, where a condition is one or more
//!   comparisons joined by `UND` or by `ODER` (not both):
//!   `F… = JA|NEIN|WAHR|FALSCH`, `F… = 001 "Text"`, `F… = "Text"` (matched against the
//!   field's values), `F… <> …`, `… ODER = 005 "…"` (same field again), `F… = alle anderen
//!   möglichen Ausprägungen der Codeliste` (every value the rule does not name),
//!   `F… nicht leer` / `befüllt` / `leer`, `F… < 18` (numbers only), and the 2.0 shape
//!   `bei F… "02 Text" angegeben wird`.
//! * Actions, joined by `UND` or commas: `aktiviere X`, `deaktiviere X`, `zeige [als Pflicht] X
//!   [an]`, `zeige X nicht an`, `mache es/sie zu einer Pflichtangabe`, `muss X befüllt sein`,
//!   `darf X nicht leer sein`, `darf X nicht befüllt sein`, `wird X (zur|eine) Pflichtangabe`.
//! * `Es muss mindestens eines der Felder A, B oder C befüllt sein` (at least one of) and
//!   `Es muss entweder A oder B befüllt werden` (exactly one of).

use serde_json::{json, Value};

/// What the translator needs to know about an element a rule names.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// Data path (dotted keys).
    pub path: String,
    /// Label, for messages.
    pub label: String,
    /// What the element is.
    pub shape: Shape,
}

/// The kind of element a rule names.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A group; `list` when its answers are a list of entries.
    Group {
        /// Minimum number of entries.
        min: u32,
    },
    /// A field that takes an answer.
    Field {
        /// Datatype word (`text`, `bool`, `num_int`, …).
        datatype: String,
        /// `(code, label)` of a select field's values; `None` for other fields.
        values: Option<Vec<(String, String)>>,
        /// Whether the field takes an answer at all (labels do not).
        answers: bool,
        /// Several values may be chosen (the answer is a list).
        multiple: bool,
    },
}

/// One translated effect of a rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Show the target only while the condition holds.
    Show(Target, Value),
    /// Hide the target while the condition holds.
    Hide(Target, Value),
    /// The target must be answered while the condition holds.
    Require(Target, Value),
    /// At least one of the targets must be answered.
    AtLeastOne(Vec<Target>),
    /// Exactly one of the targets must be answered.
    ExactlyOne(Vec<Target>),
}

/// Translate a rule's prose. `resolve` finds an element by FIM id from where the rule is
/// attached. Fails with the reason the rule cannot be translated.
pub fn translate(text: &str, resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Vec<Effect>, String> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err("the rule has no text".into());
    }
    let statements = split_statements(&tokens);
    let mut parsed = Vec::new();
    for statement in &statements {
        parsed.push(parse_statement(statement, resolve)?);
    }
    // "alle anderen Ausprägungen": every value this rule compares the same field with.
    let mut named: Vec<(String, Value)> = Vec::new();
    for statement in &parsed {
        if let Statement::When { cond, .. } = statement {
            cond.collect_values(&mut named);
        }
    }
    let mut effects = Vec::new();
    for statement in parsed {
        match statement {
            Statement::When { cond, then, otherwise } => {
                let logic = cond.to_logic(&named)?;
                apply_actions(then, &logic, &mut effects)?;
                if !otherwise.is_empty() {
                    apply_actions(otherwise, &json!({ "!": logic }), &mut effects)?;
                }
            }
            Statement::AtLeastOne(targets) => effects.push(Effect::AtLeastOne(targets)),
            Statement::ExactlyOne(targets) => effects.push(Effect::ExactlyOne(targets)),
        }
    }
    if effects.is_empty() {
        return Err("no action recognized".into());
    }
    Ok(effects)
}

fn apply_actions(actions: Vec<Action>, logic: &Value, effects: &mut Vec<Effect>) -> Result<(), String> {
    for action in actions {
        effects.push(match action {
            Action::Show(t) => Effect::Show(t, logic.clone()),
            Action::Hide(t) => Effect::Hide(t, logic.clone()),
            Action::Require(t) => Effect::Require(t, logic.clone()),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A word (letters, digits, hyphens, dots inside).
    Word(String),
    /// An element id (`F60000000231`, `G00000082`, `F00-4cb0…`).
    Id(String),
    /// Text in quotes.
    Quoted(String),
    /// A comparison operator.
    Op(&'static str),
    /// `,` or `;`.
    Comma,
    /// `.` at the end of a sentence, `:` and other punctuation.
    Stop,
}

impl Tok {
    fn word(&self) -> Option<String> {
        match self {
            Tok::Word(w) => Some(w.to_lowercase()),
            _ => None,
        }
    }

    fn is(&self, word: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(word) || w.to_lowercase() == word)
    }
}

fn is_quote(c: char) -> Option<char> {
    match c {
        '"' | '„' | '“' | '”' | '»' | '«' => Some('"'),
        '\'' | '‚' | '‘' | '’' => Some('\''),
        _ => None,
    }
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if let Some(kind) = is_quote(c) {
            // A quote closes at the next quote of the same kind (any style of it).
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && is_quote(chars[j]) != Some(kind) {
                j += 1;
            }
            let inner: String = chars[start..j.min(chars.len())].iter().collect();
            out.push(Tok::Quoted(inner.split_whitespace().collect::<Vec<_>>().join(" ")));
            i = j + 1;
        } else if "=<>!".contains(c) {
            let mut j = i;
            while j < chars.len() && "=<>!".contains(chars[j]) {
                j += 1;
            }
            let op: String = chars[i..j].iter().collect();
            out.push(Tok::Op(match op.as_str() {
                "=" | "==" | "===" => "==",
                "<>" | "!=" | "!==" => "!=",
                "<" => "<",
                "<=" | "=<" => "<=",
                ">" => ">",
                ">=" | "=>" => ">=",
                _ => "?",
            }));
            i = j;
        } else if c == '(' {
            // Parenthetical remarks belong to labels ("Person (juristische Person)"): dropped.
            let mut depth = 0;
            while i < chars.len() {
                match chars[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
                if depth == 0 {
                    break;
                }
            }
        } else if c == ',' || c == ';' {
            out.push(Tok::Comma);
            i += 1;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric()
                    || ((chars[j] == '-' || chars[j] == '.' || chars[j] == '/')
                        && chars.get(j + 1).is_some_and(|n| n.is_alphanumeric())))
            {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            out.push(if is_element_id(&word) { Tok::Id(word) } else { Tok::Word(word) });
            i = j;
        } else {
            out.push(Tok::Stop);
            i += 1;
        }
    }
    out
}

/// `F`/`G` followed by digits (FIM ids), or a 2.0 generated id (`F00-4cb0dd14-…`).
fn is_element_id(word: &str) -> bool {
    let mut chars = word.chars();
    let first = chars.next();
    let rest: String = chars.collect();
    matches!(first, Some('F' | 'G'))
        && rest.len() >= 5
        && rest.chars().next().is_some_and(|c| c.is_ascii_digit())
        && (rest.chars().all(|c| c.is_ascii_digit()) || rest.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// Split at every `wenn`; text before the first is a statement of its own.
fn split_statements(tokens: &[Tok]) -> Vec<Vec<Tok>> {
    let mut out: Vec<Vec<Tok>> = Vec::new();
    let mut current = Vec::new();
    for tok in tokens {
        if tok.is("wenn") && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.push(tok.clone());
    }
    if !current.is_empty() {
        out.push(current);
    }
    // Sentence punctuation and separators at the edges carry no meaning.
    out.into_iter()
        .map(|mut s| {
            while matches!(s.last(), Some(Tok::Stop | Tok::Comma)) {
                s.pop();
            }
            s
        })
        .filter(|s| !s.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Statements

enum Statement {
    When { cond: Cond, then: Vec<Action>, otherwise: Vec<Action> },
    AtLeastOne(Vec<Target>),
    ExactlyOne(Vec<Target>),
}

enum Action {
    Show(Target),
    Hide(Target),
    Require(Target),
}

fn parse_statement(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Statement, String> {
    let shown = show(tokens);
    if tokens[0].is("wenn") {
        let dann = tokens.iter().position(|t| t.is("dann")).ok_or_else(|| format!("no DANN in \"{shown}\""))?;
        let cond = parse_cond(&tokens[1..dann], resolve).map_err(|e| format!("{e} in \"{shown}\""))?;
        let rest = &tokens[dann + 1..];
        let (then, otherwise) = match rest.iter().position(|t| t.is("sonst")) {
            Some(s) => (&rest[..s], &rest[s + 1..]),
            None => (rest, &[][..]),
        };
        let then = parse_actions(then, resolve).map_err(|e| format!("{e} in \"{shown}\""))?;
        let otherwise = parse_actions(otherwise, resolve).map_err(|e| format!("{e} in \"{shown}\""))?;
        if then.is_empty() {
            return Err(format!("no action after DANN in \"{shown}\""));
        }
        return Ok(Statement::When { cond, then, otherwise });
    }
    // "Es muss mindestens eines der Felder …" / "Es muss entweder … oder …"
    let words: Vec<String> = tokens.iter().filter_map(Tok::word).collect();
    let filled = words.iter().any(|w| ["befüllt", "ausgefüllt", "angegeben"].contains(&w.as_str()));
    let negated = words.iter().any(|w| w == "nicht");
    if words.first().is_some_and(|w| w == "es") && words.get(1).is_some_and(|w| w == "muss") && filled && !negated {
        let targets = ids_in(tokens, resolve)?;
        if targets.len() < 2 {
            return Err(format!("fewer than two elements in \"{shown}\""));
        }
        if words.iter().any(|w| w == "mindestens")
            && words.iter().any(|w| ["eines", "eine", "ein", "einer"].contains(&w.as_str()))
        {
            return Ok(Statement::AtLeastOne(targets));
        }
        if words.iter().any(|w| w == "entweder") && words.iter().any(|w| w == "oder") {
            return Ok(Statement::ExactlyOne(targets));
        }
    }
    Err(format!("not a recognized rule pattern: \"{shown}\""))
}

fn ids_in(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Vec<Target>, String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Id(id) => Some(resolve(id)),
            _ => None,
        })
        .collect()
}

fn show(tokens: &[Tok]) -> String {
    let mut out = String::new();
    for t in tokens {
        let piece = match t {
            Tok::Word(w) | Tok::Id(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
            Tok::Op(o) => (*o).to_owned(),
            Tok::Comma => ",".into(),
            Tok::Stop => ".".into(),
        };
        if !out.is_empty() && !matches!(t, Tok::Comma | Tok::Stop) {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    if out.chars().count() > 160 {
        out = out.chars().take(157).collect::<String>() + "…";
    }
    out
}

/// Words that may stand before an element id ("das Feld F…", "bei Datenfeldgruppe G…").
const ARTICLES: &[&str] = &[
    "das",
    "die",
    "der",
    "dem",
    "den",
    "feld",
    "datenfeld",
    "feldgruppe",
    "datenfeldgruppe",
    "gruppe",
    "bei",
    "im",
    "in",
    "es",
    "sie",
];

// ---------------------------------------------------------------------------------------
// Conditions

#[derive(Clone, Debug)]
enum Value1 {
    Bool(bool),
    Code(String),
    Number(f64),
    Others,
}

#[derive(Clone, Debug)]
enum Atom {
    Compare { target: Target, op: &'static str, value: Value1 },
    Filled(Target),
    Empty(Target),
}

enum Cond {
    One(Atom),
    And(Vec<Atom>),
    Or(Vec<Atom>),
}

impl Cond {
    fn atoms(&self) -> &[Atom] {
        match self {
            Cond::One(a) => std::slice::from_ref(a),
            Cond::And(atoms) | Cond::Or(atoms) => atoms,
        }
    }

    fn collect_values(&self, out: &mut Vec<(String, Value)>) {
        for atom in self.atoms() {
            if let Atom::Compare { target, value, .. } = atom {
                let v = match value {
                    Value1::Code(c) => json!(c),
                    Value1::Bool(b) => json!(b),
                    Value1::Number(n) => json!(n),
                    Value1::Others => continue,
                };
                if !out.iter().any(|(p, x)| *p == target.path && *x == v) {
                    out.push((target.path.clone(), v));
                }
            }
        }
    }

    fn to_logic(&self, named: &[(String, Value)]) -> Result<Value, String> {
        let atoms: Result<Vec<Value>, String> = self.atoms().iter().map(|a| atom_logic(a, named)).collect();
        let mut atoms = atoms?;
        Ok(match self {
            Cond::One(_) => atoms.remove(0),
            Cond::And(_) => json!({ "and": atoms }),
            Cond::Or(_) => json!({ "or": atoms }),
        })
    }
}

fn atom_logic(atom: &Atom, named: &[(String, Value)]) -> Result<Value, String> {
    Ok(match atom {
        Atom::Filled(t) => json!({ "!": { "missing": [t.path] } }),
        Atom::Empty(t) => json!({ "!!": { "missing": [t.path] } }),
        Atom::Compare { target, op, value } => {
            let var = json!({ "var": target.path });
            match value {
                Value1::Others if is_multiple(target) => {
                    return Err(format!("\"all other values\" of {}, where several may be chosen", target.label));
                }
                Value1::Others => {
                    let values: Vec<Value> =
                        named.iter().filter(|(p, _)| *p == target.path).map(|(_, v)| v.clone()).collect();
                    if values.is_empty() {
                        return Err(format!("\"all other values\" of {} without any value named", target.label));
                    }
                    let any = json!({ "or": values.iter().map(|v| json!({ "==": [var, v] })).collect::<Vec<_>>() });
                    // "every other value": answered, and none of the named ones.
                    let other = json!({ "and": [{ "!": { "missing": [target.path] } }, { "!": any }] });
                    if *op == "==" {
                        other
                    } else {
                        json!({ "!": other })
                    }
                }
                Value1::Code(c) if is_multiple(target) => {
                    let contains = json!({ "in": [c, var] });
                    if *op == "==" {
                        contains
                    } else {
                        json!({ "!": contains })
                    }
                }
                Value1::Code(c) => json!({ *op: [var, c] }),
                Value1::Bool(b) => json!({ *op: [var, b] }),
                Value1::Number(n) => json!({ *op: [var, n] }),
            }
        }
    })
}

fn is_multiple(target: &Target) -> bool {
    matches!(target.shape, Shape::Field { multiple: true, .. })
}

fn parse_cond(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Cond, String> {
    let mut atoms = Vec::new();
    let mut connective: Option<&str> = None;
    let mut i = 0;
    let mut last: Option<Target> = None;
    while i < tokens.len() {
        let (atom, next) = parse_atom(tokens, i, last.as_ref(), resolve)?;
        last = Some(match &atom {
            Atom::Compare { target, .. } | Atom::Filled(target) | Atom::Empty(target) => target.clone(),
        });
        atoms.push(atom);
        i = next;
        while i < tokens.len() && matches!(tokens[i], Tok::Comma | Tok::Stop) {
            i += 1;
        }
        if i >= tokens.len() {
            break;
        }
        let word = tokens[i].word();
        match word.as_deref() {
            Some(w @ ("und" | "oder")) => {
                if connective.is_some_and(|c| c != w) {
                    return Err("UND and ODER mixed in one condition".into());
                }
                connective = Some(if w == "und" { "und" } else { "oder" });
                i += 1;
            }
            _ => return Err(format!("unexpected \"{}\" in the condition", show(&tokens[i..i + 1]))),
        }
    }
    match (atoms.len(), connective) {
        (0, _) => Err("empty condition".into()),
        (1, _) => Ok(Cond::One(atoms.remove(0))),
        (_, Some("und")) => Ok(Cond::And(atoms)),
        _ => Ok(Cond::Or(atoms)),
    }
}

/// One comparison starting at `i`; returns it and the index after it.
fn parse_atom(
    tokens: &[Tok],
    mut i: usize,
    last: Option<&Target>,
    resolve: &dyn Fn(&str) -> Result<Target, String>,
) -> Result<(Atom, usize), String> {
    while i < tokens.len() && tokens[i].word().is_some_and(|w| ARTICLES.contains(&w.as_str())) {
        i += 1;
    }
    let target = match tokens.get(i) {
        Some(Tok::Id(id)) => {
            i += 1;
            resolve(id)?
        }
        // "… ODER = 005": the same field again.
        Some(Tok::Op(_)) if last.is_some() => last.cloned().unwrap_or_else(|| unreachable!()),
        Some(t) => return Err(format!("expected an element id, found \"{}\"", show(std::slice::from_ref(t)))),
        None => return Err("expected an element id".into()),
    };
    // Skip the label: quoted texts and words up to the operator or a keyword.
    let label_start = i;
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Quoted(_) => i += 1,
            Tok::Word(w) => {
                let w = w.to_lowercase();
                if ["nicht", "leer", "befüllt", "ausgefüllt", "angegeben", "und", "oder", "ist", "sind", "wird"]
                    .contains(&w.as_str())
                {
                    break;
                }
                i += 1;
            }
            _ => break,
        }
    }
    // 2.0: `bei F… "02 Text" angegeben wird` — the last quoted text is the value.
    let word = tokens.get(i).and_then(Tok::word);
    if matches!(word.as_deref(), Some("angegeben" | "ausgewählt" | "gewählt")) {
        let quoted = tokens[label_start..i].iter().rev().find_map(|t| match t {
            Tok::Quoted(q) => Some(q.clone()),
            _ => None,
        });
        let mut next = i + 1;
        while tokens.get(next).is_some_and(|t| t.is("wird") || t.is("ist") || t.is("wurde")) {
            next += 1;
        }
        return match quoted {
            Some(q) => Ok((Atom::Compare { value: quoted_value(&q, &target)?, target, op: "==" }, next)),
            None => Ok((Atom::Filled(target), next)),
        };
    }
    // Emptiness.
    let mut j = i;
    while tokens.get(j).is_some_and(|t| t.is("ist") || t.is("sind") || t.is("wird")) {
        j += 1;
    }
    let w0 = tokens.get(j).and_then(Tok::word);
    let w1 = tokens.get(j + 1).and_then(Tok::word);
    let skip_verb = |mut k: usize| {
        while tokens.get(k).is_some_and(|t| t.is("ist") || t.is("sind") || t.is("wird") || t.is("werden")) {
            k += 1;
        }
        k
    };
    match (w0.as_deref(), w1.as_deref()) {
        (Some("nicht"), Some("leer")) => return Ok((Atom::Filled(target), skip_verb(j + 2))),
        (Some("nicht"), Some("befüllt" | "ausgefüllt" | "angegeben")) => {
            return Ok((Atom::Empty(target), skip_verb(j + 2)))
        }
        (Some("leer"), _) => return Ok((Atom::Empty(target), skip_verb(j + 1))),
        (Some("befüllt" | "ausgefüllt"), _) => return Ok((Atom::Filled(target), skip_verb(j + 1))),
        _ => {}
    }
    // Comparison.
    let op = match tokens.get(i) {
        Some(Tok::Op(op)) if *op != "?" => *op,
        Some(t) => {
            return Err(format!(
                "expected a comparison after {}, found \"{}\"",
                target.label,
                show(std::slice::from_ref(t))
            ))
        }
        None => return Err(format!("expected a comparison after {}", target.label)),
    };
    i += 1;
    let Shape::Field { datatype, .. } = &target.shape else {
        return Err(format!("{} is a group; a group cannot be compared with a value", target.label));
    };
    let numeric = ["num", "num_int", "num_currency"].contains(&datatype.as_str());
    if ["<", "<=", ">", ">="].contains(&op) && !numeric {
        return Err(format!("{op} on {}, which is not a number field", target.label));
    }
    let (value, next) = parse_value(tokens, i, &target)?;
    if ["<", "<=", ">", ">="].contains(&op) && !matches!(value, Value1::Number(_)) {
        return Err(format!("{op} needs a number"));
    }
    Ok((Atom::Compare { target, op, value }, next))
}

fn parse_value(tokens: &[Tok], i: usize, target: &Target) -> Result<(Value1, usize), String> {
    let Shape::Field { datatype, values, answers, .. } = &target.shape else {
        return Err(format!("{} is a group", target.label));
    };
    if !answers {
        return Err(format!("{} takes no answer", target.label));
    }
    match tokens.get(i) {
        Some(Tok::Word(w)) => {
            let lower = w.to_lowercase();
            if datatype == "bool" {
                let b = match lower.as_str() {
                    "ja" | "wahr" | "true" => true,
                    "nein" | "falsch" | "false" => false,
                    _ => return Err(format!("\"{w}\" is not a yes/no value of {}", target.label)),
                };
                return Ok((Value1::Bool(b), skip_label(tokens, i + 1)));
            }
            if lower == "alle" && tokens.get(i + 1).is_some_and(|t| t.is("anderen")) {
                // "alle anderen möglichen Ausprägungen der Codeliste"
                let mut j = i + 2;
                while tokens.get(j).and_then(Tok::word).is_some_and(|w| {
                    ["möglichen", "ausprägungen", "werte", "der", "codeliste", "werteliste"].contains(&w.as_str())
                }) {
                    j += 1;
                }
                return Ok((Value1::Others, j));
            }
            if let Some(values) = values {
                if let Some((code, _)) = values.iter().find(|(c, _)| c == w) {
                    return Ok((Value1::Code(code.clone()), skip_label(tokens, i + 1)));
                }
                return Err(format!("\"{w}\" is not a value of {}", target.label));
            }
            if ["num", "num_int", "num_currency"].contains(&datatype.as_str()) {
                let n: f64 = w.replace(',', ".").parse().map_err(|_| format!("\"{w}\" is not a number"))?;
                // Units after the number ("18 Jahre") change the meaning: refuse them.
                if tokens.get(i + 1).and_then(Tok::word).is_some_and(|w| !["und", "oder", "dann"].contains(&w.as_str()))
                {
                    return Err(format!("\"{w}\" with a unit cannot be compared"));
                }
                return Ok((Value1::Number(n), i + 1));
            }
            Err(format!("cannot compare {} ({datatype}) with \"{w}\"", target.label))
        }
        Some(Tok::Quoted(q)) => Ok((quoted_value(q, target)?, i + 1)),
        Some(t) => Err(format!("expected a value, found \"{}\"", show(std::slice::from_ref(t)))),
        None => Err("expected a value".into()),
    }
}

/// Skip a quoted label after a value (`001 "schwanger"`).
fn skip_label(tokens: &[Tok], mut i: usize) -> usize {
    while matches!(tokens.get(i), Some(Tok::Quoted(_))) {
        i += 1;
    }
    i
}

/// A value given in quotes: `"Natürliche Person"` (a value's text) or `"02 Text"` (code
/// and text).
fn quoted_value(q: &str, target: &Target) -> Result<Value1, String> {
    let Shape::Field { datatype, values, .. } = &target.shape else {
        return Err(format!("{} is a group", target.label));
    };
    if let Some(values) = values {
        let norm = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
        if let Some((code, _)) = values.iter().find(|(_, label)| norm(label) == norm(q)) {
            return Ok(Value1::Code(code.clone()));
        }
        if let Some((first, rest)) = q.split_once(' ') {
            if let Some((code, label)) = values.iter().find(|(c, _)| c == first) {
                if norm(label) == norm(rest)
                    || norm(label).starts_with(&norm(rest))
                    || norm(rest).starts_with(&norm(label))
                {
                    return Ok(Value1::Code(code.clone()));
                }
            }
        }
        if let Some((code, _)) = values.iter().find(|(c, _)| c == q.trim()) {
            return Ok(Value1::Code(code.clone()));
        }
        return Err(format!("\"{q}\" is not a value of {}", target.label));
    }
    if datatype == "bool" {
        return match q.trim().to_lowercase().as_str() {
            "ja" | "wahr" | "true" => Ok(Value1::Bool(true)),
            "nein" | "falsch" | "false" => Ok(Value1::Bool(false)),
            _ => Err(format!("\"{q}\" is not a yes/no value of {}", target.label)),
        };
    }
    if ["text", "text_latin"].contains(&datatype.as_str()) {
        return Ok(Value1::Code(q.trim().to_owned()));
    }
    Err(format!("cannot compare {} ({datatype}) with \"{q}\"", target.label))
}

// ---------------------------------------------------------------------------------------
// Actions

fn parse_actions(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Vec<Action>, String> {
    // Split at UND / commas.
    let mut chunks: Vec<&[Tok]> = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is("und") || matches!(t, Tok::Comma | Tok::Stop) {
            if i > start {
                chunks.push(&tokens[start..i]);
            }
            start = i + 1;
        }
    }
    if start < tokens.len() {
        chunks.push(&tokens[start..]);
    }
    let mut actions: Vec<Action> = Vec::new();
    for chunk in chunks {
        let parsed = parse_action(chunk, actions.last(), resolve)?;
        actions.extend(parsed);
    }
    Ok(actions)
}

fn parse_action(
    chunk: &[Tok],
    previous: Option<&Action>,
    resolve: &dyn Fn(&str) -> Result<Target, String>,
) -> Result<Vec<Action>, String> {
    let words: Vec<String> = chunk.iter().filter_map(Tok::word).collect();
    let ids: Vec<&str> = chunk
        .iter()
        .filter_map(|t| match t {
            Tok::Id(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let shown = show(chunk);
    let verb = words.first().map(String::as_str).unwrap_or("");
    let has = |w: &str| words.iter().any(|x| x == w);
    let pflicht = words.iter().any(|w| w.starts_with("pflicht"));
    // "mache es zu einer Pflichtangabe": the element of the action before.
    if verb == "mache" && ids.is_empty() && pflicht {
        return match previous {
            Some(Action::Show(t)) => Ok(vec![Action::Require(t.clone())]),
            _ => Err(format!("\"{shown}\" does not follow an element being shown")),
        };
    }
    let [id] = ids[..] else {
        return Err(format!("expected one element in \"{shown}\""));
    };
    // "aktiviere F1 und F2": an element alone continues the action before.
    if chunk.first().is_some_and(|t| matches!(t, Tok::Id(_))) {
        return match previous {
            Some(Action::Show(_)) => Ok(vec![Action::Show(resolve(id)?)]),
            Some(Action::Hide(_)) => Ok(vec![Action::Hide(resolve(id)?)]),
            Some(Action::Require(_)) => Ok(vec![Action::Require(resolve(id)?)]),
            None => Err(format!("no action for \"{shown}\"")),
        };
    }
    // The words after the id, past its label, tell the rest.
    let after: Vec<String> = {
        let pos = chunk.iter().position(|t| matches!(t, Tok::Id(x) if x == id)).unwrap_or(0);
        chunk[pos + 1..].iter().filter_map(Tok::word).collect()
    };
    let tail = |w: &[&str]| after.len() >= w.len() && after[after.len() - w.len()..].iter().zip(w).all(|(a, b)| a == b);
    let target = || resolve(id);
    match verb {
        "aktiviere" => Ok(vec![Action::Show(target()?)]),
        "deaktiviere" => Ok(vec![Action::Hide(target()?)]),
        "zeige" if tail(&["nicht", "an"]) => Ok(vec![Action::Hide(target()?)]),
        "zeige" if has("pflicht") || has("pflichtangabe") || has("pflichtfeld") => {
            let t = target()?;
            Ok(vec![Action::Show(t.clone()), Action::Require(t)])
        }
        "zeige" => Ok(vec![Action::Show(target()?)]),
        "muss"
            if tail(&["befüllt", "sein"])
                || tail(&["befüllt", "werden"])
                || tail(&["ausgefüllt", "sein"])
                || tail(&["ausgefüllt", "werden"])
                || tail(&["angegeben", "werden"]) =>
        {
            Ok(vec![Action::Require(target()?)])
        }
        "darf" if tail(&["nicht", "leer", "sein"]) => Ok(vec![Action::Require(target()?)]),
        "darf"
            if tail(&["nicht", "befüllt", "sein"])
                || tail(&["nicht", "befüllt", "werden"])
                || tail(&["nicht", "ausgefüllt", "sein"])
                || tail(&["nicht", "ausgefüllt", "werden"])
                || tail(&["nicht", "angegeben", "werden"]) =>
        {
            Ok(vec![Action::Hide(target()?)])
        }
        "wird" if pflicht && !has("nicht") => Ok(vec![Action::Require(target()?)]),
        _ => Err(format!("not a recognized action: \"{shown}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small world: a yes/no field, a select with codes, a text, a number, groups.
    fn resolve(id: &str) -> Result<Target, String> {
        let field = |path: &str, datatype: &str, values: Option<Vec<(&str, &str)>>, multiple: bool| Target {
            path: path.into(),
            label: path.into(),
            shape: Shape::Field {
                datatype: datatype.into(),
                values: values.map(|v| v.into_iter().map(|(c, l)| (c.to_owned(), l.to_owned())).collect()),
                answers: true,
                multiple,
            },
        };
        let art = Some(vec![("001", "Neuantrag"), ("002", "Verlängerung."), ("999", "Sonstiges")]);
        Ok(match id {
            "F60000000001" => field("a.ja", "bool", None, false),
            "F60000000002" => field("a.art", "text", art, false),
            "F60000000003" => field("a.text", "text", None, false),
            "F60000000004" => field("a.zahl", "num_int", None, false),
            "F60000000005" => field("a.mehrere", "text", Some(vec![("01", "Eins"), ("02", "Zwei")]), true),
            "G60000000001" => Target { path: "b".into(), label: "Gruppe B".into(), shape: Shape::Group { min: 0 } },
            "G60000000002" => Target { path: "c".into(), label: "Gruppe C".into(), shape: Shape::Group { min: 1 } },
            other => return Err(format!("{other} is not part of the schema")),
        })
    }

    fn effects(text: &str) -> Vec<String> {
        translate(text, &resolve)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .iter()
            .map(|e| match e {
                Effect::Show(t, c) => format!("show {} if {c}", t.path),
                Effect::Hide(t, c) => format!("hide {} if {c}", t.path),
                Effect::Require(t, c) => format!("require {} if {c}", t.path),
                Effect::AtLeastOne(ts) => {
                    format!("one of {}", ts.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(","))
                }
                Effect::ExactlyOne(ts) => {
                    format!("exactly one of {}", ts.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(","))
                }
            })
            .collect()
    }

    fn fails(text: &str) -> String {
        match translate(text, &resolve) {
            Ok(e) => panic!("{text} translated to {e:?}"),
            Err(reason) => reason,
        }
    }

    #[test]
    fn activate_and_deactivate_on_yes_no() {
        assert_eq!(
            effects("WENN F60000000001 \"Frage\" = JA, DANN aktiviere G60000000001 \"Gruppe\".\n\nWENN F60000000001 \"Frage\" = NEIN, DANN deaktiviere G60000000001 \"Gruppe\"."),
            vec![
                r#"show b if {"==":[{"var":"a.ja"},true]}"#,
                r#"hide b if {"==":[{"var":"a.ja"},false]}"#,
            ]
        );
    }

    #[test]
    fn codes_with_labels_and_required() {
        assert_eq!(
            effects("WENN F60000000002 ‚Art‘ = 002 ‚Verlängerung‘, DANN aktiviere F60000000003 ‚Text‘ UND mache es zu einer Pflichtangabe UND deaktiviere F60000000004 ‚Zahl‘."),
            vec![
                r#"show a.text if {"==":[{"var":"a.art"},"002"]}"#,
                r#"require a.text if {"==":[{"var":"a.art"},"002"]}"#,
                r#"hide a.zahl if {"==":[{"var":"a.art"},"002"]}"#,
            ]
        );
    }

    #[test]
    fn or_and_not_equal_with_the_same_field() {
        assert_eq!(
            effects("Wenn das Feld F60000000002 \"Art\" = 001 \"Neuantrag\" ODER = 002 \"Verlängerung.\", dann muss die Datenfeldgruppe G60000000001 \"B\" befüllt sein. Wenn das Feld F60000000002 \"Art\" <> 001 \"Neuantrag\" UND <> 002 \"Verlängerung.\", dann darf die Datenfeldgruppe G60000000001 \"B\" nicht befüllt sein."),
            vec![
                r#"require b if {"or":[{"==":[{"var":"a.art"},"001"]},{"==":[{"var":"a.art"},"002"]}]}"#,
                r#"hide b if {"and":[{"!=":[{"var":"a.art"},"001"]},{"!=":[{"var":"a.art"},"002"]}]}"#,
            ]
        );
    }

    #[test]
    fn value_by_label_and_all_other_values() {
        assert_eq!(
            effects("Wenn F60000000002 Art === \"Sonstiges\", dann zeige F60000000003 Text (frei), wenn F60000000002 Art = alle anderen möglichen Ausprägungen der Codeliste, dann zeige F60000000003 Text nicht an."),
            vec![
                r#"show a.text if {"==":[{"var":"a.art"},"999"]}"#,
                r#"hide a.text if {"and":[{"!":{"missing":["a.art"]}},{"!":{"or":[{"==":[{"var":"a.art"},"999"]}]}}]}"#,
            ]
        );
    }

    #[test]
    fn otherwise_negates() {
        assert_eq!(
            effects("WENN F60000000001 Frage = FALSCH, DANN zeige als Pflicht F60000000003 Text an, SONST zeige F60000000003 Text nicht an."),
            vec![
                r#"show a.text if {"==":[{"var":"a.ja"},false]}"#,
                r#"require a.text if {"==":[{"var":"a.ja"},false]}"#,
                r#"hide a.text if {"!":{"==":[{"var":"a.ja"},false]}}"#,
            ]
        );
    }

    #[test]
    fn emptiness_and_2_0_shapes() {
        assert_eq!(
            effects("Wenn F60000000003 \"Text\" nicht leer, dann darf F60000000004 \"Zahl\" nicht leer sein."),
            vec![r#"require a.zahl if {"!":{"missing":["a.text"]}}"#]
        );
        assert_eq!(
            effects("Wenn bei F60000000002 \"002 Verlängerung\" angegeben wird, dann\n wird G60000000001 zur Pflichtangabe."),
            vec![r#"require b if {"==":[{"var":"a.art"},"002"]}"#]
        );
        // A 2.0 id in a 3.0.0 rule is the resolver's business; numbers compare as numbers.
        assert_eq!(
            effects("WENN F60000000004 Zahl > 17, DANN aktiviere F60000000003"),
            vec![r#"show a.text if {">":[{"var":"a.zahl"},17.0]}"#]
        );
    }

    #[test]
    fn an_action_continues_to_the_next_element() {
        assert_eq!(
            effects("WENN F60000000003 = \"x\", DANN deaktiviere F60000000001 \"Frage\" und F60000000004."),
            vec![r#"hide a.ja if {"==":[{"var":"a.text"},"x"]}"#, r#"hide a.zahl if {"==":[{"var":"a.text"},"x"]}"#,]
        );
    }

    #[test]
    fn multiple_choice_compares_by_membership() {
        assert_eq!(
            effects("WENN F60000000005 = 02 \"Zwei\", DANN aktiviere F60000000003."),
            vec![r#"show a.text if {"in":["02",{"var":"a.mehrere"}]}"#]
        );
    }

    #[test]
    fn at_least_one_and_exactly_one() {
        assert_eq!(
            effects("Es muss mindestens eines der Felder F60000000003 \"Text\", F60000000004 \"Zahl\" oder F60000000001 \"Frage\" befüllt sein."),
            vec!["one of a.text,a.zahl,a.ja"]
        );
        assert_eq!(
            effects(
                "Es muss entweder Feldgruppe G60000000001 \"B\" oder Feldgruppe G60000000002 \"C\" befüllt werden."
            ),
            vec!["exactly one of b,c"]
        );
    }

    #[test]
    fn what_is_not_understood_is_not_translated() {
        assert!(fails("Das Datum muss in der Zukunft liegen.").contains("not a recognized rule pattern"));
        assert!(fails("Wenn alle drei Felder F60000000003, F60000000004 und F60000000001 befüllt sind, muss das Datum gültig sein.").contains("no DANN"));
        assert!(fails("WENN G60000000001 Gruppe = < 18 Jahre, DANN zeige F60000000003 an.").contains("group"));
        assert!(fails("WENN F60000000004 Zahl < 18 Jahre, DANN zeige F60000000003 an.").contains("unit"));
        assert!(fails("WENN F60000000002 = 005, DANN aktiviere F60000000003.").contains("not a value"));
        assert!(fails(
            "WENN F60000000001 = JA UND F60000000003 nicht leer ODER F60000000004 leer, DANN aktiviere G60000000001."
        )
        .contains("mixed"));
        assert!(fails("WENN F60000000001 = JA, DANN berechne F60000000004.").contains("not a recognized action"));
        assert!(fails("WENN F60000000009 = JA, DANN aktiviere F60000000003.")
            .contains("F60000000009 is not part of the schema"));
        assert!(fails("WENN F60000000003 = \"x\", DANN aktiviere F60000000001 F60000000004.")
            .contains("expected one element"));
        assert!(fails("").contains("no text"));
        assert!(fails("Es muss mindestens eines der Felder F60000000003 befüllt sein.").contains("fewer than two"));
    }

    #[test]
    fn tokens() {
        assert!(is_element_id("F60000000227"));
        assert!(is_element_id("G00000082"));
        assert!(is_element_id("F00-4cb0dd14-629c"));
        assert!(!is_element_id("Feld"));
        assert!(!is_element_id("F1"));
        let toks = tokenize("WENN F60000000001 „Frage (neu)“ <> JA");
        assert_eq!(
            toks,
            vec![
                Tok::Word("WENN".into()),
                Tok::Id("F60000000001".into()),
                Tok::Quoted("Frage (neu)".into()),
                Tok::Op("!="),
                Tok::Word("JA".into())
            ]
        );
    }
}
