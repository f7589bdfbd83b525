//! Conditions: a JSON Logic subset, evaluated without any code execution.
//!
//! Why our own evaluator and not a crate: measured on this machine (release, `opt-level="z"`,
//! LTO, wasm32, gzip -9, over a serde_json baseline), `datalogic-rs` 5.4 adds about 244 KB,
//! `jsonlogic-rs` 0.5 about 62 KB and `jsonlogic` 0.5 about 44 KB of compressed wasm — a large
//! share of the whole widget's 150 KB budget. This module implements the operators forms need
//! with json-logic-js semantics in a few KB, and its results are checked against
//! `jsonlogic-rs` (the reference, a dev-dependency only) by property tests.
//!
//! Supported operators: `var`, `missing`, `missing_some`, `if`, `?:`, `==`, `===`, `!=`,
//! `!==`, `!`, `!!`, `and`, `or`, `<`, `<=`, `>`, `>=`, `in`, `cat`, `+`, `-`, `*`, `/`, `%`,
//! `min`, `max`, `some`, `all`, `none`, plus the extension `today` (the validation date as
//! `YYYY-MM-DD`, so dates compare as strings).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A condition: a JSON Logic expression over the answers. Variables are static data paths
/// (`antragsteller.geburtsdatum`); inside a repeatable group they resolve within the same entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Condition(
    /// The JSON Logic expression.
    pub Value,
);

/// Every operator the evaluator knows.
pub const OPERATORS: &[&str] = &[
    "var",
    "missing",
    "missing_some",
    "if",
    "?:",
    "==",
    "===",
    "!=",
    "!==",
    "!",
    "!!",
    "and",
    "or",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "cat",
    "+",
    "-",
    "*",
    "/",
    "%",
    "min",
    "max",
    "some",
    "all",
    "none",
    "today",
];

const MAX_DEPTH: usize = 64;

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogicError {
    /// An operator this evaluator does not support.
    UnknownOperator(String),
    /// An object with other than exactly one key where an operation was expected.
    NotAnOperation,
    /// Nested deeper than the evaluator allows.
    TooDeep,
}

impl fmt::Display for LogicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogicError::UnknownOperator(op) => write!(f, "unknown operator \"{op}\""),
            LogicError::NotAnOperation => f.write_str("an operation is an object with exactly one key"),
            LogicError::TooDeep => write!(f, "nested deeper than {MAX_DEPTH} levels"),
        }
    }
}

impl std::error::Error for LogicError {}

/// Looks up a variable by its name (a static data path) and returns its typed value, or
/// `Null` when absent or hidden.
pub trait Vars {
    /// The value of the variable `name`.
    fn get(&mut self, name: &str) -> Value;
}

impl<F: FnMut(&str) -> Value> Vars for F {
    fn get(&mut self, name: &str) -> Value {
        self(name)
    }
}

/// Plain data as variables: dotted names look up nested objects and array indices.
pub struct DataVars<'a>(pub &'a Value);

impl Vars for DataVars<'_> {
    fn get(&mut self, name: &str) -> Value {
        lookup(self.0, name).cloned().unwrap_or(Value::Null)
    }
}

/// Evaluate an expression. `today` is returned by the `today` operator.
pub fn apply(logic: &Value, vars: &mut dyn Vars, today: &str) -> Result<Value, LogicError> {
    Evaluator { vars, today, scopes: Vec::new() }.eval(logic, 0)
}

/// Evaluate an expression and collapse the result to a boolean (JSON Logic truthiness).
pub fn holds(logic: &Value, vars: &mut dyn Vars, today: &str) -> Result<bool, LogicError> {
    apply(logic, vars, today).map(|v| truthy(&v))
}

struct Evaluator<'a> {
    vars: &'a mut dyn Vars,
    today: &'a str,
    /// Current elements of `some`/`all`/`none`; `var` reads the innermost.
    scopes: Vec<Value>,
}

impl Evaluator<'_> {
    fn eval(&mut self, logic: &Value, depth: usize) -> Result<Value, LogicError> {
        if depth > MAX_DEPTH {
            return Err(LogicError::TooDeep);
        }
        let (op, raw) = match logic {
            Value::Object(map) if map.len() == 1 => map.iter().next().expect("one entry"),
            Value::Object(map) if map.is_empty() => return Ok(logic.clone()),
            Value::Object(_) => return Err(LogicError::NotAnOperation),
            Value::Array(items) => {
                return items.iter().map(|i| self.eval(i, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
            }
            _ => return Ok(logic.clone()),
        };
        let args: &[Value] = match raw {
            Value::Array(items) => items,
            other => std::slice::from_ref(other),
        };
        let d = depth + 1;
        Ok(match op.as_str() {
            "var" => {
                let name = self.eval(args.first().unwrap_or(&Value::Null), d)?;
                let value = self.var(&name);
                match (value, args.get(1)) {
                    (Value::Null, Some(default)) => self.eval(default, d)?,
                    (value, _) => value,
                }
            }
            "missing" => {
                let keys = self.missing_keys(args, d)?;
                Value::Array(keys.into_iter().filter(|k| is_missing(&self.var(k))).collect())
            }
            "missing_some" => {
                let need = to_number(&self.eval(args.first().unwrap_or(&Value::Null), d)?);
                let keys = self.missing_keys(args.get(1..).unwrap_or(&[]), d)?;
                let missing: Vec<Value> = keys.iter().filter(|k| is_missing(&self.var(k))).cloned().collect();
                if (keys.len() - missing.len()) as f64 >= need {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(missing)
                }
            }
            "if" | "?:" => {
                let mut i = 0;
                loop {
                    match args.len() - i {
                        0 => break Value::Null,
                        1 => break self.eval(&args[i], d)?,
                        _ => {
                            if truthy(&self.eval(&args[i], d)?) {
                                break self.eval(&args[i + 1], d)?;
                            }
                            i += 2;
                        }
                    }
                }
            }
            "and" | "or" => {
                let want = op == "or";
                let mut last = Value::Null;
                for arg in args {
                    last = self.eval(arg, d)?;
                    if truthy(&last) == want {
                        break;
                    }
                }
                last
            }
            "!" => Value::Bool(!truthy(&self.arg(args, 0, d)?)),
            "!!" => Value::Bool(truthy(&self.arg(args, 0, d)?)),
            "==" | "!=" | "===" | "!==" => {
                let (a, b) = (self.arg(args, 0, d)?, self.arg(args, 1, d)?);
                let equal = if op.len() == 3 { strict_equals(&a, &b) } else { loose_equals(&a, &b) };
                Value::Bool(equal == op.starts_with('='))
            }
            "<" | "<=" | ">" | ">=" => {
                let values = args.iter().map(|a| self.eval(a, d)).collect::<Result<Vec<_>, _>>()?;
                let pairs_hold = |x: &Value, y: &Value| match op.as_str() {
                    "<" => less(x, y),
                    "<=" => less_or_equal(x, y),
                    ">" => less(y, x),
                    _ => less_or_equal(y, x),
                };
                let between = values.len() == 3 && matches!(op.as_str(), "<" | "<=");
                Value::Bool(if between {
                    pairs_hold(&values[0], &values[1]) && pairs_hold(&values[1], &values[2])
                } else {
                    pairs_hold(values.first().unwrap_or(&Value::Null), values.get(1).unwrap_or(&Value::Null))
                })
            }
            "in" => {
                let (needle, haystack) = (self.arg(args, 0, d)?, self.arg(args, 1, d)?);
                Value::Bool(match &haystack {
                    Value::String(s) => s.contains(to_js_string(&needle).as_str()),
                    Value::Array(items) => items.iter().any(|i| strict_equals(i, &needle)),
                    _ => false,
                })
            }
            "cat" => {
                let mut out = String::new();
                for arg in args {
                    out.push_str(&to_js_string(&self.eval(arg, d)?));
                }
                Value::String(out)
            }
            "+" | "*" => {
                // json-logic-js reduces with parseFloat here (lenient), unlike - / % (Number()).
                let mut acc = if op == "+" { 0.0 } else { 1.0 };
                for arg in args {
                    let n = parse_float(&self.eval(arg, d)?);
                    acc = if op == "+" { acc + n } else { acc * n };
                }
                number(acc)
            }
            "-" => {
                let a = to_number(&self.arg(args, 0, d)?);
                if args.len() == 1 {
                    number(-a)
                } else {
                    number(a - to_number(&self.arg(args, 1, d)?))
                }
            }
            "/" | "%" => {
                let (a, b) = (to_number(&self.arg(args, 0, d)?), to_number(&self.arg(args, 1, d)?));
                number(if op == "/" { a / b } else { a % b })
            }
            "min" | "max" => {
                let mut best: Option<f64> = None;
                for arg in args {
                    let n = to_number(&self.eval(arg, d)?);
                    best = Some(match best {
                        None => n,
                        Some(b) if n.is_nan() || b.is_nan() => f64::NAN,
                        Some(b) if op == "min" => b.min(n),
                        Some(b) => b.max(n),
                    });
                }
                best.map(number).unwrap_or(Value::Null)
            }
            "some" | "all" | "none" => {
                let items = match self.arg(args, 0, d)? {
                    Value::Array(items) => items,
                    _ => Vec::new(),
                };
                let body = args.get(1).unwrap_or(&Value::Null);
                let mut count = 0;
                for item in &items {
                    self.scopes.push(item.clone());
                    let result = self.eval(body, d);
                    self.scopes.pop();
                    count += usize::from(truthy(&result?));
                }
                Value::Bool(match op.as_str() {
                    "some" => count > 0,
                    "all" => !items.is_empty() && count == items.len(),
                    _ => count == 0,
                })
            }
            "today" => Value::String(self.today.to_owned()),
            other => return Err(LogicError::UnknownOperator(other.to_owned())),
        })
    }

    fn arg(&mut self, args: &[Value], i: usize, depth: usize) -> Result<Value, LogicError> {
        args.get(i).map_or(Ok(Value::Null), |a| self.eval(a, depth))
    }

    fn var(&mut self, name: &Value) -> Value {
        let name = match name {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => String::new(),
            _ => return Value::Null,
        };
        match self.scopes.last() {
            Some(scope) if name.is_empty() => scope.clone(),
            Some(scope) => lookup(scope, &name).cloned().unwrap_or(Value::Null),
            None => self.vars.get(&name),
        }
    }

    fn missing_keys(&mut self, args: &[Value], depth: usize) -> Result<Vec<Value>, LogicError> {
        let first = self.arg(args, 0, depth)?;
        Ok(match first {
            Value::Array(keys) => keys,
            first => {
                let mut keys = vec![first];
                for arg in args.iter().skip(1) {
                    keys.push(self.eval(arg, depth)?);
                }
                keys
            }
        })
    }
}

fn is_missing(value: &Value) -> bool {
    matches!(value, Value::Null) || value.as_str() == Some("")
}

/// Look up a dotted path in plain data (`a.b.0.c`).
pub fn lookup<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(data);
    }
    path.split('.').try_fold(data, |current, part| match current {
        Value::Object(map) => map.get(part),
        Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// JSON Logic truthiness: `false`, `null`, `0`, `NaN`, `""` and `[]` are false.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(_) => true,
    }
}

fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// JavaScript `ToNumber`.
fn to_number(value: &Value) -> f64 {
    match value {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => string_to_number(s),
        Value::Array(_) => string_to_number(&to_js_string(value)),
        Value::Object(_) => f64::NAN,
    }
}

/// JavaScript `parseFloat(String(value))`: the longest decimal prefix, else NaN.
fn parse_float(value: &Value) -> f64 {
    if let Value::Number(n) = value {
        return n.as_f64().unwrap_or(f64::NAN);
    }
    let text = to_js_string(value);
    let t = text.trim_start();
    let b = t.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if t[i..].starts_with("Infinity") {
        return if b[0] == b'-' { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - digits_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        frac_digits = j - i - 1;
        if int_digits + frac_digits > 0 {
            i = j;
        }
    }
    if int_digits + frac_digits == 0 {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    t[..i].parse().unwrap_or(f64::NAN)
}

fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    match t {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    let plain = t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if plain {
        t.parse().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    }
}

/// JavaScript `String(value)`.
fn to_js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| if i.is_null() { String::new() } else { to_js_string(i) })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

/// JavaScript `ToPrimitive` for comparisons: arrays and objects become strings.
fn to_primitive(value: &Value) -> Value {
    match value {
        Value::Array(_) | Value::Object(_) => Value::String(to_js_string(value)),
        other => other.clone(),
    }
}

/// JavaScript `===` (arrays and objects are never equal: they are distinct references).
fn strict_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(_), _) | (Value::Object(_), _) => false,
        _ => a == b,
    }
}

/// JavaScript `==`.
fn loose_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Array(_) | Value::Object(_), Value::Array(_) | Value::Object(_)) => false,
        (Value::Number(_), Value::Number(_)) | (Value::String(_), Value::String(_)) => strict_equals(a, b),
        (Value::Bool(_), _) => loose_equals(&number(to_number(a)), b),
        (_, Value::Bool(_)) => loose_equals(a, &number(to_number(b))),
        (Value::Array(_) | Value::Object(_), _) => loose_equals(&to_primitive(a), b),
        (_, Value::Array(_) | Value::Object(_)) => loose_equals(a, &to_primitive(b)),
        _ => to_number(a) == to_number(b),
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    let (a, b) = (to_primitive(a), to_primitive(b));
    match (&a, &b) {
        (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
        _ => to_number(&a).partial_cmp(&to_number(&b)),
    }
}

fn less(a: &Value, b: &Value) -> bool {
    compare(a, b) == Some(std::cmp::Ordering::Less)
}

fn less_or_equal(a: &Value, b: &Value) -> bool {
    matches!(compare(a, b), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// A problem found by [`check`] in an expression, with the JSON pointer inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicProblem {
    /// Pointer relative to the expression (`/and/1/var`).
    pub pointer: String,
    /// What is wrong.
    pub error: LogicError,
}

/// Static facts about an expression: the variables it reads and its problems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Static variable names read directly.
    pub vars: Vec<String>,
    /// Variables read inside `some`/`all`/`none`, relative to the array's elements and
    /// prefixed with the array's variable (`kinder.alter`).
    pub element_vars: Vec<String>,
    /// Variable names that are computed at run time (cannot be checked).
    pub dynamic_vars: Vec<String>,
    /// Unknown operators and malformed operations.
    pub problems: Vec<LogicProblem>,
}

/// Analyse an expression without evaluating it.
pub fn check(logic: &Value) -> Analysis {
    let mut analysis = Analysis::default();
    walk(logic, "", None, 0, &mut analysis);
    analysis
}

fn walk(logic: &Value, pointer: &str, scope: Option<&str>, depth: usize, out: &mut Analysis) {
    if depth > MAX_DEPTH {
        out.problems.push(LogicProblem { pointer: pointer.to_owned(), error: LogicError::TooDeep });
        return;
    }
    let named = |name: &str| match scope {
        Some(prefix) if !name.is_empty() => format!("{prefix}.{name}"),
        Some(prefix) => prefix.to_owned(),
        None => name.to_owned(),
    };
    match logic {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), scope, depth + 1, out);
            }
        }
        Value::Object(map) if map.len() > 1 => {
            out.problems.push(LogicProblem { pointer: pointer.to_owned(), error: LogicError::NotAnOperation });
        }
        Value::Object(map) => {
            let Some((op, raw)) = map.iter().next() else { return };
            let here = format!("{pointer}/{}", escape_pointer(op));
            if !OPERATORS.contains(&op.as_str()) {
                out.problems.push(LogicProblem { pointer: here, error: LogicError::UnknownOperator(op.clone()) });
                return;
            }
            let args: Vec<&Value> = match raw {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            let arg_pointer = |i: usize| if raw.is_array() { format!("{here}/{i}") } else { here.clone() };
            match op.as_str() {
                "var" => match args.first() {
                    Some(Value::String(name)) => out.vars.push(named(name)),
                    Some(Value::Number(n)) => out.vars.push(named(&n.to_string())),
                    Some(Value::Null) | None => {}
                    Some(other) => {
                        out.dynamic_vars.push(other.to_string());
                        walk(other, &arg_pointer(0), scope, depth + 1, out);
                    }
                },
                "missing" | "missing_some" => {
                    let keys = if op == "missing" { args.first() } else { args.get(1) };
                    let keys: Vec<&Value> = match keys {
                        Some(Value::Array(list)) => list.iter().collect(),
                        _ if op == "missing" => args.clone(),
                        _ => Vec::new(),
                    };
                    for key in keys {
                        match key {
                            Value::String(name) => out.vars.push(named(name)),
                            other => out.dynamic_vars.push(other.to_string()),
                        }
                    }
                }
                "some" | "all" | "none" => {
                    if let Some(array) = args.first() {
                        walk(array, &arg_pointer(0), scope, depth + 1, out);
                    }
                    let inner = match args.first() {
                        Some(Value::Object(m)) => m.get("var").and_then(|v| match v {
                            Value::String(s) => Some(named(s)),
                            Value::Array(a) => a.first().and_then(Value::as_str).map(named),
                            _ => None,
                        }),
                        _ => None,
                    };
                    if let Some(body) = args.get(1) {
                        let mut nested = Analysis::default();
                        walk(body, &arg_pointer(1), Some(inner.as_deref().unwrap_or("")), depth + 1, &mut nested);
                        out.problems.extend(nested.problems);
                        out.dynamic_vars.extend(nested.dynamic_vars);
                        if inner.is_some() {
                            out.element_vars.extend(nested.vars);
                            out.element_vars.extend(nested.element_vars);
                        }
                    }
                }
                _ => {
                    for (i, arg) in args.iter().enumerate() {
                        walk(arg, &arg_pointer(i), scope, depth + 1, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Escape a JSON pointer token (RFC 6901).
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Build nested data for [`DataVars`] from a flat `name → value` map (test helper and for
/// callers that resolve variables up front).
pub fn nest(pairs: &[(&str, Value)]) -> Value {
    let mut root = Map::new();
    for (name, value) in pairs {
        let mut current = &mut root;
        let parts: Vec<&str> = name.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            current = current
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("intermediate objects");
        }
        current.insert(parts[parts.len() - 1].to_owned(), value.clone());
    }
    Value::Object(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(logic: Value, data: Value) -> Value {
        apply(&logic, &mut DataVars(&data), "2026-11-28").unwrap()
    }

    #[test]
    fn official_examples() {
        assert_eq!(eval(json!({"==": [1, 1]}), json!({})), json!(true));
        assert_eq!(eval(json!({"and": [{">": [3, 1]}, {"<": [1, 3]}]}), json!({})), json!(true));
        assert_eq!(eval(json!({"var": ["a"]}), json!({"a": 1, "b": 2})), json!(1));
        assert_eq!(eval(json!({"var": "z"}), json!({"a": 1})), json!(null));
        assert_eq!(eval(json!({"var": ["z", 26]}), json!({"a": 1})), json!(26));
        assert_eq!(eval(json!({"var": "champ.name"}), json!({"champ": {"name": "Fezzig"}})), json!("Fezzig"));
        assert_eq!(eval(json!({"missing": ["a", "b"]}), json!({"a": "apple", "c": "carrot"})), json!(["b"]));
        assert_eq!(eval(json!({"missing_some": [1, ["a", "b", "c"]]}), json!({"a": "apple"})), json!([]));
        assert_eq!(eval(json!({"if": [false, 1, true, 2, 3]}), json!({})), json!(2));
        assert_eq!(eval(json!({"==": [1, "1"]}), json!({})), json!(true));
        assert_eq!(eval(json!({"==": [0, false]}), json!({})), json!(true));
        assert_eq!(eval(json!({"===": [1, "1"]}), json!({})), json!(false));
        assert_eq!(eval(json!({"!": [[]]}), json!({})), json!(true));
        assert_eq!(eval(json!({"!!": ["0"]}), json!({})), json!(true));
        assert_eq!(eval(json!({"<": [1, 2, 3]}), json!({})), json!(true));
        assert_eq!(eval(json!({"<=": [1, 1, 3]}), json!({})), json!(true));
        assert_eq!(eval(json!({"in": ["Spring", "Springfield"]}), json!({})), json!(true));
        assert_eq!(eval(json!({"cat": ["I love ", "pie", 1]}), json!({})), json!("I love pie1"));
        assert_eq!(eval(json!({"max": [1, 2, 3]}), json!({})), json!(3));
        assert_eq!(eval(json!({"+": ["3", 1]}), json!({})), json!(4));
        assert_eq!(eval(json!({"+": ["3.5kg", [1, "a"]]}), json!({})), json!(4.5));
        assert_eq!(eval(json!({"+": [null]}), json!({})), json!(null));
        assert_eq!(eval(json!({"*": ["2e1", ".5"]}), json!({})), json!(10));
        assert_eq!(eval(json!({"/": [4, 2]}), json!({})), json!(2));
        assert_eq!(eval(json!({"-": [2]}), json!({})), json!(-2));
        assert_eq!(eval(json!({"or": [false, 0, "a"]}), json!({})), json!("a"));
    }

    #[test]
    fn arrays_and_dates() {
        let data = json!({"kinder": [{"alter": 3}, {"alter": 19}]});
        assert_eq!(
            eval(json!({"some": [{"var": "kinder"}, {">=": [{"var": "alter"}, 18]}]}), data.clone()),
            json!(true)
        );
        assert_eq!(
            eval(json!({"all": [{"var": "kinder"}, {">=": [{"var": "alter"}, 18]}]}), data.clone()),
            json!(false)
        );
        assert_eq!(eval(json!({"all": [[], true]}), json!({})), json!(false));
        assert_eq!(eval(json!({"<": ["2026-01-31", {"today": []}]}), json!({})), json!(true));
        assert_eq!(eval(json!({"<": ["2027-01-31", {"today": []}]}), json!({})), json!(false));
    }

    #[test]
    fn unknown_operators_are_errors_not_panics() {
        let err = apply(&json!({"eval": ["alert(1)"]}), &mut DataVars(&json!({})), "2026-01-01");
        assert_eq!(err, Err(LogicError::UnknownOperator("eval".into())));
        let mut deep = json!(true);
        for _ in 0..100 {
            deep = json!({"!": [deep]});
        }
        assert_eq!(apply(&deep, &mut DataVars(&json!({})), "x"), Err(LogicError::TooDeep));
    }

    #[test]
    fn analysis_finds_vars_and_problems() {
        let a = check(&json!({"and": [
            {"==": [{"var": "halter.ist_halter"}, false]},
            {"some": [{"var": "kinder"}, {">": [{"var": "alter"}, 1]}]},
            {"missing": ["x", "y"]},
            {"foo": [1]},
            {"var": {"cat": ["a", "b"]}}
        ]}));
        assert_eq!(a.vars, ["halter.ist_halter", "kinder", "x", "y"]);
        assert_eq!(a.element_vars, ["kinder.alter"]);
        assert_eq!(
            a.problems,
            [LogicProblem { pointer: "/and/3/foo".into(), error: LogicError::UnknownOperator("foo".into()) }]
        );
        assert_eq!(a.dynamic_vars.len(), 1);
    }
}
