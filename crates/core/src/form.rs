//! A checked, compiled form: the definition plus what validation needs precomputed
//! (regular expressions, date bounds, option sets, an index of nodes).

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::date::{Date, DateBound};
use crate::definition::{DataType, Field, FormDef, Group, Kind, Node};
use crate::lint::{self, has_errors, Problem};

/// A definition that passed lint, ready to validate answers against.
#[derive(Debug)]
pub struct Form {
    def: FormDef,
    compiled: Vec<Compiled>,
    statics: BTreeMap<String, StaticInfo>,
    warnings: Vec<Problem>,
}

/// Precomputed facts about a node, parallel to the definition's tree.
#[derive(Debug)]
pub(crate) enum Compiled {
    Field(CompiledField),
    Group(Vec<Compiled>),
}

#[derive(Debug, Default)]
pub(crate) struct CompiledField {
    pub pattern: Option<regex_lite::Regex>,
    /// The definition's pattern does not compile: nothing matches (never silently dropped).
    pub pattern_broken: bool,
    pub min_date: Option<DateBound>,
    pub max_date: Option<DateBound>,
    pub options: Option<HashSet<String>>,
}

/// What the engine needs to know about a static path.
#[derive(Clone, Debug)]
pub(crate) struct StaticInfo {
    /// Index path into the definition's node tree (child indices).
    pub indices: Vec<usize>,
    /// Whether each key on the way (including this node) is a list group.
    pub list_flags: Vec<bool>,
}

impl Form {
    /// Check and compile a definition. Fails with every error (and warning) found.
    pub fn new(def: FormDef) -> Result<Form, Vec<Problem>> {
        let problems = lint::lint(&def);
        if has_errors(&problems) {
            return Err(problems);
        }
        let compiled = compile_nodes(&def.items);
        let mut statics = BTreeMap::new();
        collect_statics(&def.items, "", &[], &[], &mut statics);
        Ok(Form { def, compiled, statics, warnings: problems })
    }

    /// Compile a definition without linting it, for definitions a server already checked (the
    /// browser gets only linted definitions): it leaves the linter and its messages out of the
    /// WebAssembly. Nothing in it panics on a broken definition — an invalid pattern matches no
    /// answer, so it is never skipped silently — but only [`Form::new`] reports problems.
    pub fn trusted(def: FormDef) -> Form {
        let compiled = compile_nodes(&def.items);
        let mut statics = BTreeMap::new();
        collect_statics(&def.items, "", &[], &[], &mut statics);
        Form { def, compiled, statics, warnings: Vec::new() }
    }

    /// Parse, check and compile a definition from JSON text.
    pub fn from_json(json: &str) -> Result<Form, Vec<Problem>> {
        Form::new(lint::parse(json)?)
    }

    /// The definition.
    pub fn def(&self) -> &FormDef {
        &self.def
    }

    /// Warnings lint found (the form works, but the author may want to look).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    pub(crate) fn compiled(&self) -> &[Compiled] {
        &self.compiled
    }

    /// The node at a static path.
    pub fn node(&self, static_path: &str) -> Option<&Node> {
        let info = self.statics.get(static_path)?;
        node_at(&self.def.items, &info.indices)
    }

    pub(crate) fn static_info(&self, static_path: &str) -> Option<&StaticInfo> {
        self.statics.get(static_path)
    }

    /// The field at a static path.
    pub fn field(&self, static_path: &str) -> Option<&Field> {
        match self.node(static_path)? {
            Node::Field(f) => Some(f),
            Node::Group(_) => None,
        }
    }

    /// The field at a static path with its precomputed facts.
    pub(crate) fn compiled_field(&self, static_path: &str) -> Option<(&Field, &CompiledField)> {
        let info = self.statics.get(static_path)?;
        let (last, parents) = info.indices.split_last()?;
        let mut nodes = &self.def.items;
        let mut compiled = &self.compiled[..];
        for &i in parents {
            match (nodes.get(i)?, compiled.get(i)?) {
                (Node::Group(g), Compiled::Group(c)) => {
                    nodes = &g.items;
                    compiled = c;
                }
                _ => return None,
            }
        }
        match (nodes.get(*last)?, compiled.get(*last)?) {
            (Node::Field(f), Compiled::Field(cf)) => Some((f, cf)),
            _ => None,
        }
    }

    /// The group at a static path.
    pub fn group(&self, static_path: &str) -> Option<&Group> {
        match self.node(static_path)? {
            Node::Group(g) => Some(g),
            Node::Field(_) => None,
        }
    }
}

fn node_at<'a>(nodes: &'a [Node], indices: &[usize]) -> Option<&'a Node> {
    let (first, rest) = indices.split_first()?;
    let node = nodes.get(*first)?;
    if rest.is_empty() {
        return Some(node);
    }
    match node {
        Node::Group(g) => node_at(&g.items, rest),
        Node::Field(_) => None,
    }
}

fn compile_nodes(nodes: &[Node]) -> Vec<Compiled> {
    nodes
        .iter()
        .map(|node| match node {
            Node::Field(f) => Compiled::Field(compile_field(f)),
            Node::Group(g) => Compiled::Group(compile_nodes(&g.items)),
        })
        .collect()
}

fn compile_field(f: &Field) -> CompiledField {
    let c = &f.constraints;
    CompiledField {
        pattern: c.pattern.as_deref().and_then(|p| lint::anchored_pattern(p).ok()),
        pattern_broken: c.pattern.as_deref().is_some_and(|p| lint::anchored_pattern(p).is_err()),
        min_date: c.min_date.as_deref().and_then(DateBound::parse),
        max_date: c.max_date.as_deref().and_then(DateBound::parse),
        options: (f.kind == Kind::Select)
            .then(|| f.options.as_ref().map(|o| o.iter().map(|c| c.value.clone()).collect()))
            .flatten(),
    }
}

fn collect_statics(
    nodes: &[Node],
    prefix: &str,
    indices: &[usize],
    flags: &[bool],
    out: &mut BTreeMap<String, StaticInfo>,
) {
    for (i, node) in nodes.iter().enumerate() {
        let path = if prefix.is_empty() { node.key().to_owned() } else { format!("{prefix}.{}", node.key()) };
        let mut idx = indices.to_vec();
        idx.push(i);
        let mut fl = flags.to_vec();
        fl.push(matches!(node, Node::Group(g) if g.is_list()));
        if let Node::Group(g) = node {
            collect_statics(&g.items, &path, &idx, &fl, out);
        }
        out.entry(path).or_insert(StaticInfo { indices: idx, list_flags: fl });
    }
}

/// What validation and visibility depend on besides the answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Today's date, for relative date bounds and the `today` operator. The browser passes
    /// the citizen's date; a server passes its own (or the submission's) date.
    pub today: Date,
}

impl Context {
    /// A context for the given day.
    pub fn on(today: Date) -> Context {
        Context { today }
    }
}

/// Whether a field takes an answer at all (static text does not).
pub fn takes_answer(field: &Field) -> bool {
    field.kind != Kind::Label && !matches!(field.datatype, DataType::Obj | DataType::Unknown(_))
}

/// The default answer of a field (its `default`), if it has one.
pub fn default_answer(field: &Field) -> Option<Value> {
    field.default.clone()
}
