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
    /// A check the answers must pass: `assert` must hold (while `when` holds); the message
    /// names what is wrong, at `fields`.
    Check(Check),
}

/// A rule the answers must pass (a definition `rule`), from a recognized rule shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Checked only while this holds.
    pub when: Option<Value>,
    /// What must hold.
    pub assert: Value,
    /// The elements the check concerns (its message is shown at the first).
    pub fields: Vec<Target>,
    /// What the citizen reads when it does not hold.
    pub message: String,
    /// What the import report says it became.
    pub note: String,
}

/// Translate a rule's prose. `resolve` finds an element by FIM id from where the rule is
/// attached. Fails with the reason the rule cannot be translated.
pub fn translate(text: &str, resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Vec<Effect>, String> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Err("the rule has no text".into());
    }
    if let Some(effect) = required_when_any_yes(&tokens, resolve)? {
        return Ok(vec![effect]);
    }
    let statements = split_statements(&tokens);
    let mut parsed = Vec::new();
    for statement in &statements {
        parsed.push(parse_statement(statement, resolve)?);
    }
    if statements.len() > 1 && parsed.iter().any(|s| matches!(s, Statement::Always(_))) {
        return Err("\"ist ein Pflichtfeld\" next to other statements: it may depend on them".into());
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
            Statement::Always(action) => apply_actions(vec![action], &json!(true), &mut effects)?,
            Statement::AtLeastOne(targets) => effects.push(Effect::AtLeastOne(targets)),
            Statement::ExactlyOne(targets) => effects.push(Effect::ExactlyOne(targets)),
            Statement::Check(check) => effects.push(Effect::Check(check)),
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
            out.push(match element_path(&word) {
                Some(id) => Tok::Id(id),
                None => Tok::Word(word),
            });
            i = j;
        } else {
            out.push(Tok::Stop);
            i += 1;
        }
    }
    out
}

/// An element id, or a path of them (`G05000012735.F05000018558`: the field in that group),
/// which names its last element.
fn element_path(word: &str) -> Option<String> {
    if is_element_id(word) {
        return Some(word.to_owned());
    }
    let parts: Vec<&str> = word.split('.').collect();
    (parts.len() >= 2 && parts.iter().all(|p| is_element_id(p))).then(|| parts[parts.len() - 1].to_owned())
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
    let mut current: Vec<Tok> = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        // "…, bei F… == "Nein" zeige …": a second condition after a comma.
        let bei = tok.is("bei")
            && matches!(current.last(), Some(Tok::Comma))
            && matches!(tokens.get(i + 1), Some(Tok::Id(_)))
            && current.iter().any(|t| t.is("dann"));
        if (tok.is("wenn") || bei) && !current.is_empty() {
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
    When {
        cond: Cond,
        then: Vec<Action>,
        otherwise: Vec<Action>,
    },
    /// Always: the element must be answered.
    Always(Action),
    AtLeastOne(Vec<Target>),
    ExactlyOne(Vec<Target>),
    Check(Check),
}

enum Action {
    Show(Target),
    Hide(Target),
    Require(Target),
}

impl Action {
    fn target(&self) -> &Target {
        match self {
            Action::Show(t) | Action::Hide(t) | Action::Require(t) => t,
        }
    }
}

/// Verbs that begin an action, where a rule leaves out its DANN ("Wenn F… == "Ja" zeige G…").
const ACTION_VERBS: &[&str] = &["zeige", "blende", "aktiviere", "deaktiviere"];

fn parse_statement(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Statement, String> {
    let shown = show(tokens);
    if let Some(check) = valid_date(tokens, resolve)? {
        return Ok(Statement::Check(check));
    }
    if tokens[0].is("wenn") || tokens[0].is("bei") {
        let (cond_end, rest_start) = match tokens.iter().position(|t| t.is("dann")) {
            Some(dann) => (dann, dann + 1),
            None => {
                let verb = tokens
                    .iter()
                    .skip(2)
                    .position(|t| t.word().is_some_and(|w| ACTION_VERBS.contains(&w.as_str())))
                    .map(|p| p + 2)
                    .ok_or_else(|| format!("no DANN in \"{shown}\""))?;
                (verb, verb)
            }
        };
        let cond = parse_cond(&tokens[1..cond_end], resolve).map_err(|e| format!("{e} in \"{shown}\""))?;
        let rest = &tokens[rest_start..];
        let (then, otherwise) = match rest.iter().position(|t| t.is("sonst") || t.is("ansonsten")) {
            Some(s) => (&rest[..s], &rest[s + 1..]),
            None => (rest, &[][..]),
        };
        let then = parse_actions(then, &[], resolve).map_err(|e| format!("{e} in \"{shown}\""))?;
        // "sonst zeige die Felder nicht an": the elements of the DANN part.
        let mut referents: Vec<Target> = Vec::new();
        for action in &then {
            if !referents.iter().any(|t| t.path == action.target().path) {
                referents.push(action.target().clone());
            }
        }
        let otherwise_words: Vec<String> = otherwise.iter().filter_map(Tok::word).collect();
        let otherwise = if otherwise_words == ["nicht"] {
            // "dann zeige F…, ansonsten nicht": shown only then.
            not_otherwise(&then).map_err(|e| format!("{e} in \"{shown}\""))?
        } else {
            parse_actions(otherwise, &referents, resolve).map_err(|e| format!("{e} in \"{shown}\""))?
        };
        if then.is_empty() {
            return Err(format!("no action after DANN in \"{shown}\""));
        }
        return Ok(Statement::When { cond, then, otherwise });
    }
    let words: Vec<String> = tokens.iter().filter_map(Tok::word).collect();
    let ids: Vec<&Tok> = tokens.iter().filter(|t| matches!(t, Tok::Id(_))).collect();
    let only = |allowed: &[&str]| words.iter().all(|w| allowed.contains(&w.as_str()));
    // "Das Feld F… ist ein Pflichtfeld"
    if ids.len() == 1
        && only(&[
            "das",
            "feld",
            "datenfeld",
            "die",
            "gruppe",
            "datenfeldgruppe",
            "ist",
            "ein",
            "eine",
            "pflichtfeld",
            "pflichtangabe",
        ])
        && words.iter().any(|w| w.starts_with("pflicht"))
    {
        let target = ids_in(tokens, resolve)?.remove(0);
        return Ok(Statement::Always(Action::Require(target)));
    }
    // "Mindestens eines der Datenfelder A, B oder C muss den Wert "wahr" haben"
    let quoted: Vec<String> = tokens
        .iter()
        .filter_map(|t| match t {
            Tok::Quoted(q) => Some(q.to_lowercase()),
            _ => None,
        })
        .collect();
    if words.first().is_some_and(|w| w == "mindestens")
        && words.ends_with(&["muss".into(), "den".into(), "wert".into(), "haben".into()])
        && quoted.last().is_some_and(|q| q == "wahr")
        && only(&[
            "mindestens",
            "eines",
            "einer",
            "der",
            "felder",
            "datenfelder",
            "oder",
            "muss",
            "den",
            "wert",
            "haben",
        ])
    {
        let targets = ids_in(tokens, resolve)?;
        if targets.len() < 2 {
            return Err(format!("fewer than two elements in \"{shown}\""));
        }
        if let Some(t) =
            targets.iter().find(|t| !matches!(&t.shape, Shape::Field { datatype, .. } if datatype == "bool"))
        {
            return Err(format!("{} is not a yes/no field in \"{shown}\"", t.label));
        }
        let labels = label_list(&targets);
        return Ok(Statement::Check(Check {
            when: None,
            assert: json!({ "or": targets.iter().map(|t| json!({ "==": [{ "var": t.path }, true] })).collect::<Vec<_>>() }),
            note: format!(
                "at least one of {} is yes",
                targets.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(", ")
            ),
            message: format!("Bitte wählen Sie mindestens eines aus: {labels}."),
            fields: targets,
        }));
    }
    // "Das Datum im Feld A "von" muss zeitlich vor dem Datum in Feld B "bis" liegen"
    if ids.len() == 2
        && words.iter().any(|w| w == "vor")
        && words.iter().any(|w| w == "zeitlich")
        && only(&["das", "datum", "im", "in", "feld", "datenfeld", "muss", "zeitlich", "vor", "dem", "liegen"])
    {
        let targets = ids_in(tokens, resolve)?;
        let before = tokens.iter().position(|t| t.is("vor")).unwrap_or(0);
        let first_id = tokens.iter().position(|t| matches!(t, Tok::Id(_))).unwrap_or(usize::MAX);
        if first_id > before {
            return Err(format!("not a recognized rule pattern: \"{shown}\""));
        }
        if let Some(t) =
            targets.iter().find(|t| !matches!(&t.shape, Shape::Field { datatype, .. } if datatype == "date"))
        {
            return Err(format!("{} is not a date field in \"{shown}\"", t.label));
        }
        let (a, b) = (&targets[0], &targets[1]);
        return Ok(Statement::Check(Check {
            when: Some(json!({ "!": { "missing": [a.path, b.path] } })),
            assert: json!({ "<": [{ "var": a.path }, { "var": b.path }] }),
            note: format!("{} before {}", a.path, b.path),
            message: format!("„{}“ muss vor „{}“ liegen.", a.label, b.label),
            fields: vec![b.clone(), a.clone()],
        }));
    }
    // "Es muss mindestens eines der Felder …" / "Es muss entweder … oder …" / "Entweder muss …"
    let filled = words.iter().any(|w| ["befüllt", "ausgefüllt", "angegeben"].contains(&w.as_str()));
    let negated = words.iter().any(|w| w == "nicht");
    let opening = (words.first().is_some_and(|w| w == "es") && words.get(1).is_some_and(|w| w == "muss"))
        || (words.first().is_some_and(|w| w == "entweder") && words.get(1).is_some_and(|w| w == "muss"));
    if opening && filled && !negated {
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

/// "…, ansonsten nicht" after actions that show (and require) elements: otherwise they are
/// hidden. Any other action leaves "not" open to reading.
fn not_otherwise(then: &[Action]) -> Result<Vec<Action>, String> {
    if !then.iter().any(|a| matches!(a, Action::Show(_))) {
        return Err("\"ansonsten nicht\" after an action that shows nothing".into());
    }
    // "zeige X als Pflichtfeld an, ansonsten nicht": not shown, or shown but optional? Open.
    if then.iter().any(|a| matches!(a, Action::Require(_))) {
        return Err("\"ansonsten nicht\" after showing as required: not shown, or not required?".into());
    }
    then.iter()
        .filter_map(|a| match a {
            Action::Show(t) => Some(Ok(Action::Hide(t.clone()))),
            Action::Require(_) => None,
            Action::Hide(t) => Some(Err(format!("\"ansonsten nicht\" after hiding {}", t.label))),
        })
        .collect()
}

/// "[Das Feld] F… ist ein Pflichtfeld, wenn eines der [folgenden] Felder F…, F…, F… mit "Ja"
/// belegt ist" (yes/no fields): required while any of them is yes. `None` for other shapes.
fn required_when_any_yes(
    tokens: &[Tok],
    resolve: &dyn Fn(&str) -> Result<Target, String>,
) -> Result<Option<Effect>, String> {
    let Some(wenn) = tokens.iter().position(|t| t.is("wenn")) else { return Ok(None) };
    let (head, tail) = (&tokens[..wenn], &tokens[wenn + 1..]);
    let head_words: Vec<String> = head.iter().filter_map(Tok::word).collect();
    let head_ids =
        ids_in(head, &|id| Ok(Target { path: id.into(), label: id.into(), shape: Shape::Group { min: 0 } }))?;
    let is_head = head_ids.len() == 1
        && head_words.iter().map(String::as_str).collect::<Vec<_>>().ends_with(&["ist", "ein", "pflichtfeld"])
        && head_words.iter().all(|w| ["das", "feld", "datenfeld", "ist", "ein", "pflichtfeld"].contains(&w.as_str()));
    let tail_words: Vec<String> = tail.iter().filter_map(Tok::word).collect();
    let yes = tail.iter().any(|t| matches!(t, Tok::Quoted(q) if q.eq_ignore_ascii_case("ja")));
    let is_tail = yes
        && tail_words.first().is_some_and(|w| w == "eines")
        && tail_words.ends_with(&["mit".into(), "belegt".into(), "ist".into()])
        && tail_words.iter().all(|w| {
            ["eines", "der", "folgenden", "felder", "datenfelder", "mit", "belegt", "ist"].contains(&w.as_str())
        })
        && tail.iter().all(|t| matches!(t, Tok::Word(_) | Tok::Id(_) | Tok::Comma | Tok::Stop | Tok::Quoted(_)));
    if !is_head || !is_tail {
        return Ok(None);
    }
    let target = ids_in(head, resolve)?.remove(0);
    let any = ids_in(tail, resolve)?;
    if any.len() < 2 {
        return Err("fewer than two elements after \"wenn eines der Felder\"".into());
    }
    if let Some(t) = any.iter().find(|t| !matches!(&t.shape, Shape::Field { datatype, .. } if datatype == "bool")) {
        return Err(format!("{} is not a yes/no field", t.label));
    }
    let cond = json!({ "or": any.iter().map(|t| json!({ "==": [{ "var": t.path }, true] })).collect::<Vec<_>>() });
    Ok(Some(Effect::Require(target, cond)))
}

/// "A, B oder C" of the targets' labels, for a message.
fn label_list(targets: &[Target]) -> String {
    let labels: Vec<&str> = targets.iter().map(|t| t.label.as_str()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} oder {last}", rest.join(", ")),
        _ => labels.join(""),
    }
}

/// The FIM library rule for a date split into day, month and year fields ("Datumkorrekt"):
/// "Wenn alle drei Felder F… "Tag …", F… "Monat" und F… "Jahr" befüllt sind, muss die
/// Validität des sich ergebenden Kalenderdatums sichergestellt werden", optionally followed by
/// an illustration ("D.h. es muss z.B. 30.02.2019 … verhindert werden"). `None` when the
/// statement is not of that shape.
fn valid_date(tokens: &[Tok], resolve: &dyn Fn(&str) -> Result<Target, String>) -> Result<Option<Check>, String> {
    if !tokens[0].is("wenn") || tokens.iter().any(|t| t.is("dann")) {
        return Ok(None);
    }
    // The illustration after "D.h." restates the rule with examples.
    let end = tokens
        .windows(2)
        .position(|w| matches!(w[0], Tok::Stop) && w[1].word().is_some_and(|x| x == "d.h" || x == "dh"))
        .unwrap_or(tokens.len());
    let illustration_words = [
        "d.h",
        "dh",
        "es",
        "muss",
        "z.b",
        "zb",
        "oder",
        "der",
        "die",
        "das",
        "verhindert",
        "werden",
        "da",
        "diese",
        "keine",
        "korrekten",
        "datumsangaben",
        "sind",
    ];
    let illustration_ok = tokens[end..].iter().all(|t| match t {
        Tok::Word(w) => {
            let w = w.to_lowercase();
            illustration_words.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit() || c == '.')
        }
        Tok::Stop | Tok::Comma => true,
        _ => false,
    });
    if !illustration_ok {
        return Ok(None);
    }
    let tokens = &tokens[..end];
    let Some(muss) = tokens.iter().position(|t| t.is("muss")) else { return Ok(None) };
    let (cond, rule) = (&tokens[1..muss], &tokens[muss..]);
    let cond_words: Vec<String> = cond.iter().filter_map(Tok::word).collect();
    let rule_words: Vec<String> = rule.iter().filter_map(Tok::word).collect();
    let allowed_cond = ["alle", "drei", "felder", "datenfelder", "die", "und", "befüllt", "ausgefüllt", "sind"];
    let rule_shape = |w: &[String]| {
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        matches!(
            w[..],
            [
                "muss",
                "die",
                "validität" | "gültigkeit",
                "des",
                "sich",
                "ergebenden",
                "datums" | "kalenderdatums",
                "sichergestellt" | "geprüft",
                "werden"
            ]
        )
    };
    if !cond_words.iter().all(|w| allowed_cond.contains(&w.as_str()))
        || !cond_words.iter().any(|w| w == "befüllt" || w == "ausgefüllt")
        || !rule_shape(&rule_words)
        || rule.iter().any(|t| !matches!(t, Tok::Word(_) | Tok::Stop))
    {
        return Ok(None);
    }
    let targets = ids_in(cond, resolve)?;
    let part = |prefix: &str| {
        let found: Vec<&Target> = targets.iter().filter(|t| t.label.to_lowercase().starts_with(prefix)).collect();
        match found[..] {
            [t] if matches!(&t.shape, Shape::Field { datatype, .. } if datatype == "num_int") => Ok(t.clone()),
            _ => Err(format!("no single number field for the {prefix} of the date")),
        }
    };
    if targets.len() != 3 {
        return Err(format!("a date of {} fields, expected day, month and year", targets.len()));
    }
    let (day, month, year) = (part("tag")?, part("monat")?, part("jahr")?);
    let (d, m, y) = (json!({ "var": day.path }), json!({ "var": month.path }), json!({ "var": year.path }));
    let leap = json!({ "and": [
        { "==": [{ "%": [y, 4] }, 0] },
        { "or": [{ "!=": [{ "%": [y, 100] }, 0] }, { "==": [{ "%": [y, 400] }, 0] }] }
    ] });
    let long_months: Vec<Value> = [1, 3, 5, 7, 8, 10, 12].iter().map(|n| json!({ "==": [m, n] })).collect();
    let assert = json!({ "and": [
        { ">=": [m, 1] }, { "<=": [m, 12] }, { ">=": [d, 1] },
        { "or": [
            { "<=": [d, 28] },
            { "and": [{ "<=": [d, 30] }, { "!=": [m, 2] }] },
            { "and": [{ "==": [d, 31] }, { "or": long_months }] },
            { "and": [{ "==": [d, 29] }, { "==": [m, 2] }, leap] }
        ] }
    ] });
    Ok(Some(Check {
        when: Some(json!({ "!": { "missing": [day.path, month.path, year.path] } })),
        assert,
        note: format!("checks that {}, {} and {} make a real date", day.path, month.path, year.path),
        message: "Dieses Datum gibt es nicht. Bitte prüfen Sie Tag, Monat und Jahr.".into(),
        fields: vec![day, month, year],
    }))
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
        // "Wenn F… == "Ja" ist, dann …"
        while tokens.get(i).is_some_and(|t| t.is("ist") || t.is("sind")) {
            i += 1;
        }
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
            // "F… Auswahl: Betriebsleitung == "Ja"": punctuation inside the label.
            Tok::Stop
                if matches!(tokens.get(i + 1), Some(Tok::Word(_) | Tok::Quoted(_)))
                    && tokens[i..].iter().any(|t| matches!(t, Tok::Op(_))) =>
            {
                i += 1
            }
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
                if let Some((code, label)) = values.iter().find(|(c, _)| c == w) {
                    let next = skip_label(tokens, i + 1);
                    return Ok((Value1::Code(code.clone()), skip_plain_label(tokens, next, label)));
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

/// Skip a value's label written in plain words after its code (`== 01 Natürliche Person`),
/// only when the words are exactly that label.
fn skip_plain_label(tokens: &[Tok], i: usize, label: &str) -> usize {
    let label: String = {
        // Parenthetical remarks are not tokens.
        let mut depth = 0;
        label
            .chars()
            .filter(|c| {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        return false;
                    }
                    _ => {}
                }
                depth == 0
            })
            .collect()
    };
    let expected: Vec<String> = tokenize(&label).iter().filter_map(Tok::word).collect();
    if expected.is_empty() {
        return i;
    }
    let got: Vec<String> = tokens[i.min(tokens.len())..].iter().take(expected.len()).filter_map(Tok::word).collect();
    if got == expected {
        i + expected.len()
    } else {
        i
    }
}

/// A label compared loosely: case, a final full stop and a leading article do not matter
/// ("Auskunft wurde beantragt" is "Die Auskunft wurde beantragt.").
fn norm_label(s: &str) -> String {
    let s = s.trim().trim_end_matches('.').to_lowercase();
    for article in ["die ", "der ", "das ", "ein ", "eine "] {
        if let Some(rest) = s.strip_prefix(article) {
            return rest.trim().to_owned();
        }
    }
    s
}

/// A value given in quotes: `"Natürliche Person"` (a value's text) or `"02 Text"` (code
/// and text).
fn quoted_value(q: &str, target: &Target) -> Result<Value1, String> {
    let Shape::Field { datatype, values, .. } = &target.shape else {
        return Err(format!("{} is a group", target.label));
    };
    if let Some(values) = values {
        let norm = norm_label;
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

fn parse_actions(
    tokens: &[Tok],
    referents: &[Target],
    resolve: &dyn Fn(&str) -> Result<Target, String>,
) -> Result<Vec<Action>, String> {
    // Split at UND / commas / full stops; a chunk after a full stop begins a new sentence.
    let mut chunks: Vec<(&[Tok], bool)> = Vec::new();
    let (mut start, mut after_stop) = (0, false);
    for (i, t) in tokens.iter().enumerate() {
        if t.is("und") || matches!(t, Tok::Comma | Tok::Stop) {
            if i > start {
                chunks.push((&tokens[start..i], after_stop));
            }
            after_stop = matches!(t, Tok::Stop);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        chunks.push((&tokens[start..], after_stop));
    }
    let mut actions: Vec<Action> = Vec::new();
    // The chunk with the verb the elements after it continue ("zeige A und B als Pflichtfeld
    // an"): where its actions begin, its verb and words, and its elements. Only an action left
    // open (no closing words after its element) is continued, and never across a full stop.
    let mut run: Option<(usize, String, Vec<String>, Vec<Target>)> = None;
    for (chunk, new_sentence) in chunks {
        if new_sentence {
            run = None;
        }
        if let Some(Tok::Id(id)) = chunk.first() {
            let Some((start, verb, verb_words, targets)) = run.as_mut() else {
                return Err(format!("no action for \"{}\"", show(chunk)));
            };
            let after: Vec<String> = chunk[1..].iter().filter_map(Tok::word).collect();
            let kind = if after.iter().all(|w| !CLOSING.contains(&w.as_str())) {
                // Only a label: the same action.
                action_kind(verb, &[], verb_words)
            } else if after.iter().all(|w| CONTINUED.contains(&w.as_str())) {
                // What follows the last element applies to all of them: re-read the run with it.
                let words: Vec<String> = verb_words.iter().chain(&after).cloned().collect();
                action_kind(verb, &after, &words)
            } else {
                None
            };
            let kind = kind.ok_or_else(|| format!("not a recognized action: \"{}\"", show(chunk)))?;
            targets.push(resolve(id)?);
            actions.truncate(*start);
            for t in targets.iter() {
                actions.extend(kind.apply(t.clone()));
            }
            continue;
        }
        let start = actions.len();
        let parsed = parse_action(chunk, actions.last(), referents, resolve)?;
        let words: Vec<String> = chunk.iter().filter_map(Tok::word).collect();
        let open = {
            let pos = chunk.iter().position(|t| matches!(t, Tok::Id(_)));
            pos.is_some_and(|p| chunk[p + 1..].iter().filter_map(Tok::word).all(|w| !CLOSING.contains(&w.as_str())))
        };
        run = match (words.first(), &parsed[..]) {
            (Some(verb), [first, ..]) if open && parsed.iter().all(|a| a.target().path == first.target().path) => {
                Some((start, verb.clone(), words.clone(), vec![first.target().clone()]))
            }
            _ => None,
        };
        actions.extend(parsed);
    }
    Ok(actions)
}

/// Words that close an action after its element ("an", "nicht", "als Pflichtfeld", …).
const CLOSING: &[&str] = &[
    "an",
    "aus",
    "nicht",
    "als",
    "pflicht",
    "pflichtfeld",
    "pflichtfelder",
    "pflichtangabe",
    "angezeigt",
    "befüllt",
    "ausgefüllt",
    "angegeben",
    "werden",
    "sein",
    "ausgeblendet",
    "eingeblendet",
    "bleibt",
    "bleiben",
    "ist",
    "sind",
    "nie",
    "niemals",
    "kein",
    "keine",
    "keinesfalls",
];

/// The closing words a continued run may take over for all its elements.
const CONTINUED: &[&str] = &["an", "nicht", "als", "pflichtfeld", "pflichtfelder", "pflichtangabe"];

/// Words that negate other than "nicht": a rule with them is not read.
const OTHER_NEGATIONS: &[&str] = &["nie", "niemals", "kein", "keine", "keinesfalls"];

fn parse_action(
    chunk: &[Tok],
    previous: Option<&Action>,
    referents: &[Target],
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
    let pflicht = words.iter().any(|w| w.starts_with("pflicht"));
    // "mache es zu einer Pflichtangabe": the element of the action before.
    if verb == "mache" && ids.is_empty() && pflicht {
        return match previous {
            Some(Action::Show(t)) => Ok(vec![Action::Require(t.clone())]),
            _ => Err(format!("\"{shown}\" does not follow an element being shown")),
        };
    }
    // "sonst zeige die Felder nicht an": the elements the DANN part named.
    if ids.is_empty()
        && !referents.is_empty()
        && words.iter().any(|w| ["felder", "datenfelder", "sie"].contains(&w.as_str()))
        && words[1..]
            .iter()
            .all(|w| ["die", "diese", "felder", "datenfelder", "sie", "nicht", "an", "aus"].contains(&w.as_str()))
    {
        let kind =
            action_kind(verb, &words[1..], &words).ok_or_else(|| format!("not a recognized action: \"{shown}\""))?;
        return Ok(referents.iter().flat_map(|t| kind.apply(t.clone())).collect());
    }
    let [id] = ids[..] else {
        return Err(format!("expected one element in \"{shown}\""));
    };
    // An element alone continues an action (see `parse_actions`); here there is none before.
    if chunk.first().is_some_and(|t| matches!(t, Tok::Id(_))) {
        return Err(format!("no action for \"{shown}\""));
    }
    // The words after the id, past its label, tell the rest.
    let after: Vec<String> = {
        let pos = chunk.iter().position(|t| matches!(t, Tok::Id(x) if x == id)).unwrap_or(0);
        chunk[pos + 1..].iter().filter_map(Tok::word).collect()
    };
    match action_kind(verb, &after, &words) {
        Some(kind) => Ok(kind.apply(resolve(id)?)),
        None => Err(format!("not a recognized action: \"{shown}\"")),
    }
}

/// What an action does to its element.
#[derive(Clone, Copy)]
enum Kind {
    Show,
    Hide,
    Require,
    ShowRequired,
}

impl Kind {
    fn apply(self, target: Target) -> Vec<Action> {
        match self {
            Kind::Show => vec![Action::Show(target)],
            Kind::Hide => vec![Action::Hide(target)],
            Kind::Require => vec![Action::Require(target)],
            Kind::ShowRequired => vec![Action::Show(target.clone()), Action::Require(target)],
        }
    }
}

/// The action a verb and the words at its end (`after`, past the element) make; `words` are
/// all of the action's words.
fn action_kind(verb: &str, after: &[String], words: &[String]) -> Option<Kind> {
    let tail = |w: &[&str]| after.len() >= w.len() && after[after.len() - w.len()..].iter().zip(w).all(|(a, b)| a == b);
    let has = |w: &str| words.iter().any(|x| x == w);
    let pflicht = words.iter().any(|w| w.starts_with("pflicht"));
    let filled = |negated: bool| {
        ["befüllt", "ausgefüllt", "angegeben"]
            .iter()
            .any(|p| ["sein", "werden"].iter().any(|v| if negated { tail(&["nicht", p, v]) } else { tail(&[p, v]) }))
    };
    if words.iter().any(|w| OTHER_NEGATIONS.contains(&w.as_str())) {
        return None;
    }
    Some(match verb {
        "aktiviere" if !has("nicht") => Kind::Show,
        "deaktiviere" if !has("nicht") => Kind::Hide,
        // "zeige X nicht an", "zeige X nicht"
        "zeige" if tail(&["nicht", "an"]) || tail(&["nicht"]) => Kind::Hide,
        // A "nicht" anywhere else leaves the meaning open.
        "zeige" if has("nicht") => return None,
        "zeige" if has("pflicht") || has("pflichtangabe") || has("pflichtfeld") || has("pflichtfelder") => {
            Kind::ShowRequired
        }
        "zeige" => Kind::Show,
        // "blende G… aus"
        "blende" if !has("nicht") && tail(&["aus"]) => Kind::Hide,
        "muss" if !has("nicht") && filled(false) => Kind::Require,
        "muss" if !has("nicht") && tail(&["angezeigt", "werden"]) => Kind::Show,
        "darf" if tail(&["nicht", "leer", "sein"]) => Kind::Require,
        "darf" if filled(true) || tail(&["nicht", "angezeigt", "werden"]) => Kind::Hide,
        "wird" if !has("nicht") && tail(&["ausgeblendet"]) => Kind::Hide,
        "wird" if pflicht && !has("nicht") => Kind::Require,
        _ => return None,
    })
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
        effects_in(text, &resolve)
    }

    /// The effects of a rule, one line each, with the elements `world` knows.
    fn effects_in(text: &str, world: &dyn Fn(&str) -> Result<Target, String>) -> Vec<String> {
        translate(text, world)
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
                Effect::Check(c) => format!(
                    "check {} if {} at {}: {}",
                    c.assert,
                    c.when.as_ref().map_or("always".into(), Value::to_string),
                    c.fields.iter().map(|t| t.path.as_str()).collect::<Vec<_>>().join(","),
                    c.message
                ),
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

    /// The elements the real rules below name, as the corpus defines them (labels shortened).
    fn real(id: &str) -> Result<Target, String> {
        let field = |path: &str, label: &str, datatype: &str, values: Option<Vec<(&str, &str)>>| Target {
            path: path.into(),
            label: label.into(),
            shape: Shape::Field {
                datatype: datatype.into(),
                values: values.map(|v| v.into_iter().map(|(c, l)| (c.to_owned(), l.to_owned())).collect()),
                answers: true,
                multiple: false,
            },
        };
        let group =
            |path: &str, min: u32| Target { path: path.into(), label: path.into(), shape: Shape::Group { min } };
        let auskunft =
            Some(vec![("001", "Die Auskunft wurde bereits beantragt"), ("002", "Die Beantragung wird nachgeholt")]);
        Ok(match id {
            "F60000000231" => field("gd.tag", "Tag (ohne Monat und Jahr)", "num_int", None),
            "F60000000232" => field("gd.monat", "Monat", "num_int", None),
            "F60000000233" => field("gd.jahr", "Jahr", "num_int", None),
            "F05000019548" => field("k.fluor", "Fluorierte Treibhausgase", "bool", None),
            "F05000019549" => field("k.co2", "Kohlendioxid", "bool", None),
            "F05000019550" => field("k.nh3", "Ammoniak", "bool", None),
            "F05000017278" => field("z.von", "von", "date", None),
            "F05000017279" => field("z.bis", "bis", "date", None),
            "G60000000086" => group("anschrift.inland", 0),
            "G60000000091" => group("anschrift.ausland", 0),
            "F05000016234" => field("hn.abweichend", "Abweichende gewerbliche Hauptniederlassungen", "bool", None),
            "G05000010359" => group("hn.liste", 0),
            "F05000016274" => field("ma.eintragung", "Eintragung Mitarbeitende", "bool", None),
            "G05000011194" => group("ma.liste", 0),
            "F05000016546" => field("sv.erklaerung", "Erklärung Strafverfahren", "bool", None),
            "F05000016407" => field("sv.behoerde", "Angabe Behörde", "text", None),
            "F05000016480" => field(
                "person.art",
                "Auswahl der Person",
                "text",
                Some(vec![("01", "Natürliche Person"), ("02", "Juristische Person")]),
            ),
            "G05000010616" => group("person.natuerlich", 0),
            "G05000010622" => group("person.juristisch", 0),
            "F05000016531" => field("bt.beteiligt", "Angaben zu Beteiligungen", "bool", None),
            "F05000016532" => field("bt.name", "Name", "text", None),
            "F05000016533" => field("bt.anteil", "Anteil", "text", None),
            "F05000018558" => field("fv.abfrage", "Abfrage Freiverkauf", "bool", None),
            "F05000018557" => field("fv.name", "Name Versandhandel", "text", None),
            "F05000018533" => field("fv.formular", "Datenerfassungsformular", "text", None),
            "F05000018979" => field(
                "sk.nachreichen",
                "Abfrage Sachkenntnis (Nachreichen)",
                "text",
                Some(vec![("001", "Ja"), ("002", "Nein")]),
            ),
            "F05000018604" => field("sk.nachweis", "Sachkenntnisnachweis", "text", None),
            "F05000018430" => field("be.abweichend", "Abfrage Abweichender Bescheidempfänger", "bool", None),
            "G05000012377" => group("be.person", 1),
            "F05000016680" => field("fz.auskunft", "Führungszeugnis zur Vorlage bei einer Behörde", "text", auskunft),
            "F05000016256" => field("fz.datum", "Beantragungsdatum Führungszeugnis", "date", None),
            "F05000016978" => field("ins.gericht", "Insolvenzgericht", "text", None),
            "F05000016549" | "F05000016287" | "F05000016514" | "F05000016515" | "F05000016516" => {
                field(&format!("ins.{}", &id[7..]), id, "bool", None)
            }
            other => return Err(format!("{other} is not part of the schema")),
        })
    }

    fn real_effects(text: &str) -> Vec<String> {
        effects_in(text, &real)
    }

    // Each test below is a real rule of the FIM corpus (ids as in the export).

    #[test]
    fn real_date_of_day_month_and_year_must_exist() {
        // R60000000024 "Datumkorrekt", in 22 places of the corpus.
        let effects = real_effects("Wenn alle drei Felder F60000000231 \"Tag (ohne Monat und Jahr)\", F60000000232 \"Monat\" und F60000000233 \"Jahr\" befüllt sind, muss die Validität des sich ergebenden Kalenderdatums sichergestellt werden. D.h. es muss z.B. 30.02.2019 oder der 31.11.1968 verhindert werden, da diese keine korrekten Datumsangaben sind.");
        assert_eq!(effects.len(), 1);
        assert!(effects[0].starts_with("check {\"and\":[{\">=\":[{\"var\":\"gd.monat\"},1]}"), "{}", effects[0]);
        assert!(
            effects[0].ends_with(r#"if {"!":{"missing":["gd.tag","gd.monat","gd.jahr"]}} at gd.tag,gd.monat,gd.jahr: Dieses Datum gibt es nicht. Bitte prüfen Sie Tag, Monat und Jahr."#),
            "{}",
            effects[0]
        );
        // The check itself: which dates it lets through is tested with antrag-core in
        // tests/import.rs; here, that another sentence in place of the illustration is refused.
        assert!(translate("Wenn alle drei Felder F60000000231 \"Tag\", F60000000232 \"Monat\" und F60000000233 \"Jahr\" befüllt sind, muss die Validität des sich ergebenden Kalenderdatums sichergestellt werden. Außerdem muss das Jahr 2000 sein.", &real).is_err());
    }

    #[test]
    fn real_at_least_one_yes() {
        // R05000015323
        assert_eq!(
            real_effects("Mindestens eines der Datenfelder F05000019548 \"Fluorierte Treibhausgase\", F05000019549 \"Kohlendioxid\" oder F05000019550 \"Ammoniak\" muss den Wert \"wahr\" haben."),
            vec![r#"check {"or":[{"==":[{"var":"k.fluor"},true]},{"==":[{"var":"k.co2"},true]},{"==":[{"var":"k.nh3"},true]}]} if always at k.fluor,k.co2,k.nh3: Bitte wählen Sie mindestens eines aus: Fluorierte Treibhausgase, Kohlendioxid oder Ammoniak."#]
        );
    }

    #[test]
    fn real_date_before_date() {
        // R05000012171
        assert_eq!(
            real_effects("Das Datum im Feld F05000017278 \"von\" muss zeitlich vor dem Datum in Feld F05000017279 \"bis\" liegen."),
            vec![r#"check {"<":[{"var":"z.von"},{"var":"z.bis"}]} if {"!":{"missing":["z.von","z.bis"]}} at z.bis,z.von: „von“ muss vor „bis“ liegen."#]
        );
    }

    #[test]
    fn real_either_group() {
        // R00000000217
        assert_eq!(
            real_effects("Entweder muss die Feldgruppe G60000000086 \"Anschrift Inland Straßenanschrift\" oder die Feldgruppe G60000000091 \"Anschrift Ausland\" befüllt sein."),
            vec!["exactly one of anschrift.inland,anschrift.ausland"]
        );
    }

    #[test]
    fn real_without_dann_and_show_not() {
        // R05000011301: no DANN, a colon in the label, "zeige … nicht".
        assert_eq!(
            real_effects("Wenn F05000016234 Auswahlfeld: Abweichende gewerbliche Hauptniederlassungen (Natürliche Person) === \"Ja\" zeige G05000010359 Hauptniederlassungen, wenn F05000016234 Auswahlfeld: Abweichende gewerbliche Hauptniederlassungen (Natürliche Person) === \"Nein\" zeige G05000010359 Hauptniederlassungen nicht."),
            vec![
                r#"show hn.liste if {"==":[{"var":"hn.abweichend"},true]}"#,
                r#"hide hn.liste if {"==":[{"var":"hn.abweichend"},false]}"#,
            ]
        );
    }

    #[test]
    fn real_fade_out() {
        // R05000011944 "blende … aus"
        assert_eq!(
            real_effects("Wenn F05000016274 Eintragung Mitarbeitende === \"Ja\", dann zeige G05000011194  Mitwirkende Mitarbeitende (Eintragung) an, wenn F05000016274 Eintragung Mitarbeitende === \"Nein\", dann blende G05000011194 Mitwirkende Mitarbeitende (Eintragung) aus."),
            vec![
                r#"show ma.liste if {"==":[{"var":"ma.eintragung"},true]}"#,
                r#"hide ma.liste if {"==":[{"var":"ma.eintragung"},false]}"#,
            ]
        );
        // R05000013563 "wird … ausgeblendet"
        assert_eq!(
            real_effects("Wenn das Feld F05000018430 \"Abfrage Abweichender Bescheidempfänger\" = \"wahr\", dann muss die Gruppe G05000012377 \"Natürliche Person (Name, Vorname, Straßenanschrift Inland)\" befüllt werden. Wenn das Feld F05000018430 \"Abfrage Abweichender Bescheidempfänger\" <> \"wahr\", dann wird die Gruppe G05000012377 \"Natürliche Person (Name, Vorname, Straßenanschrift Inland)\" ausgeblendet."),
            vec![
                r#"require be.person if {"==":[{"var":"be.abweichend"},true]}"#,
                r#"hide be.person if {"!=":[{"var":"be.abweichend"},true]}"#,
            ]
        );
    }

    #[test]
    fn real_second_condition_after_bei() {
        // R05000011251
        assert_eq!(
            real_effects("Wenn Feld F05000016546 Erklärung Strafverfahren (Gesellschaft) === \"Ja\", dann zeige Feld F05000016407 Angabe Behörde an, bei  F05000016546  == \"Nein\" zeige Feld F05000016407 Angabe Behörde nicht an."),
            vec![
                r#"show sv.behoerde if {"==":[{"var":"sv.erklaerung"},true]}"#,
                r#"hide sv.behoerde if {"==":[{"var":"sv.erklaerung"},false]}"#,
            ]
        );
    }

    #[test]
    fn real_code_with_its_label_in_plain_words() {
        // R05000011289
        assert_eq!(
            real_effects("Wenn F05000016480 Auswahl der Person === 01 Natürliche Person, dann zeige G05000010616 Person an, wenn F05000016480 Auswahl der Person === 02 Juristische Person, dann zeige G05000010622 Person (juristische Person) an."),
            vec![
                r#"show person.natuerlich if {"==":[{"var":"person.art"},"01"]}"#,
                r#"show person.juristisch if {"==":[{"var":"person.art"},"02"]}"#,
            ]
        );
        // A code followed by words that are not its label is refused.
        assert!(translate(
            "Wenn F05000016480 Auswahl der Person === 01 Juristische Person, dann zeige G05000010616 Person an",
            &real
        )
        .is_err());
    }

    #[test]
    fn real_otherwise_the_fields_and_otherwise_not() {
        // R05000011857 "sonst zeige die Felder nicht an"
        assert_eq!(
            real_effects("Wenn F05000016531 == Ja, dann zeige F05000016532 und F05000016533 als Pflichtfeld an, sonst zeige die Felder nicht an.\n"),
            vec![
                r#"show bt.name if {"==":[{"var":"bt.beteiligt"},true]}"#,
                r#"require bt.name if {"==":[{"var":"bt.beteiligt"},true]}"#,
                r#"show bt.anteil if {"==":[{"var":"bt.beteiligt"},true]}"#,
                r#"require bt.anteil if {"==":[{"var":"bt.beteiligt"},true]}"#,
                r#"hide bt.name if {"!":{"==":[{"var":"bt.beteiligt"},true]}}"#,
                r#"hide bt.anteil if {"!":{"==":[{"var":"bt.beteiligt"},true]}}"#,
            ]
        );
        // R05000011231 "ansonsten nicht"; the code's label without its article.
        assert_eq!(
            real_effects("Wenn Feld F05000016680 Führungszeugnis zur Vorlage bei einer Behörde == \"001 Auskunft wurde bereits beantragt\", dann zeige  F05000016256 Beantragungsdatum Führungszeugnis, ansonsten nicht."),
            vec![
                r#"show fz.datum if {"==":[{"var":"fz.auskunft"},"001"]}"#,
                r#"hide fz.datum if {"!":{"==":[{"var":"fz.auskunft"},"001"]}}"#,
            ]
        );
    }

    #[test]
    fn real_may_not_be_shown_and_must_be_shown() {
        // R05000014146
        assert_eq!(
            real_effects("Wenn das Feld F05000018558 \"Abfrage Freiverkauf\" = \"wahr\",\ndann muss das Feld F05000018557 \"Name Versandhandel\" befüllt werden.\nWenn das Feld F05000018558 \"Abfrage Freiverkauf\" <> \"wahr\",\ndann darf das Feld F05000018557 \"Name Versandhandel\" nicht angezeigt werden."),
            vec![
                r#"require fv.name if {"==":[{"var":"fv.abfrage"},true]}"#,
                r#"hide fv.name if {"!=":[{"var":"fv.abfrage"},true]}"#,
            ]
        );
        // R05000014158
        assert_eq!(
            real_effects("Wenn das Feld F05000018979 \"Abfrage Sachkenntnis (Nachreichen)\" = 001 \"Ja\",\ndann muss das Feld F05000018604 \"Sachkenntnisnachweis\" angezeigt werden.\nWenn das Feld F05000018979 \"Abfrage Sachkenntnis (Nachreichen)\" <> 001 \"Ja\",\ndann darf das Feld F05000018604 \"Sachkenntnisnachweis\" nicht angezeigt werden."),
            vec![
                r#"show sk.nachweis if {"==":[{"var":"sk.nachreichen"},"001"]}"#,
                r#"hide sk.nachweis if {"!=":[{"var":"sk.nachreichen"},"001"]}"#,
            ]
        );
    }

    #[test]
    fn real_element_paths_name_their_last_element() {
        // R05000013728
        assert_eq!(
            real_effects("Wenn das Feld G05000012735.F05000018558 \"Abfrage Freiverkauf\" = \"wahr\", dann muss das Feld G05000012493.F05000018533 \"Datenerfassungsformular Versandapotheken-/Versandhandelsregister\" befüllt werden."),
            vec![r#"require fv.formular if {"==":[{"var":"fv.abfrage"},true]}"#]
        );
        // Two ids run together are no path.
        assert_eq!(element_path("G05000013225G05000013286.F05000019620"), None);
    }

    #[test]
    fn real_required_when_any_is_yes() {
        // R05000011898
        assert_eq!(
            real_effects("Das Feld F05000016978 ist ein Pflichtfeld, wenn eines der Felder F05000016549, F05000016287, F05000016514, F05000016515, F05000016516 mit \"Ja\" belegt ist."),
            vec![
                r#"require ins.gericht if {"or":[{"==":[{"var":"ins.16549"},true]},{"==":[{"var":"ins.16287"},true]},{"==":[{"var":"ins.16514"},true]},{"==":[{"var":"ins.16515"},true]},{"==":[{"var":"ins.16516"},true]}]}"#
            ]
        );
        // Alone, "ist ein Pflichtfeld" is always; next to another statement it is refused.
        assert_eq!(real_effects("Das Feld F05000016978 ist ein Pflichtfeld"), vec!["require ins.gericht if true"]);
        assert!(translate(
            "F05000016978 ist ein Pflichtfeld. Wenn F05000016549 = \"Ja\", dann zeige F05000016978 an.",
            &real
        )
        .is_err());
    }

    #[test]
    fn a_closed_action_is_not_continued_and_other_shapes_are_refused() {
        // What a review found read wrongly: each is left untranslated now.
        for text in [
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an und F60000000004 nicht.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an und F60000000004 als Pflichtfeld an.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 als Pflichtfeld an und F60000000004 an.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an. F60000000004 bleibt ausgeblendet.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an. F60000000004 ist ein Pflichtfeld.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an, sonst zeige die übrigen Felder an.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 an, sonst zeige die Felder zur Anschrift im Ausland nicht an.",
            "Wenn F60000000001 = Ja, dann blende F60000000003 nie aus.",
            "Wenn F60000000001 = Ja, dann wird F60000000003 keine Pflichtangabe.",
            "Wenn F60000000001 = Ja, dann zeige F60000000003 als Pflichtfeld an, ansonsten nicht.",
        ] {
            assert!(translate(text, &resolve).is_err(), "{text} was translated: {:?}", translate(text, &resolve));
        }
        // A Datumkorrekt rule whose "D.h." sentence adds a requirement is not read as the library rule.
        assert!(translate("Wenn alle drei Felder F60000000231 \"Tag\", F60000000232 \"Monat\" und F60000000233 \"Jahr\" befüllt sind, muss die Validität des sich ergebenden Kalenderdatums sichergestellt werden. D.h. zusätzlich darf das Jahr nicht vor 1900 liegen.", &real).is_err());
        // A label alone after the element continues the action.
        assert_eq!(
            effects("WENN F60000000001 = JA, DANN aktiviere F60000000003 \"Text\" und F60000000004 Zahl."),
            vec![r#"show a.text if {"==":[{"var":"a.ja"},true]}"#, r#"show a.zahl if {"==":[{"var":"a.ja"},true]}"#]
        );
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
