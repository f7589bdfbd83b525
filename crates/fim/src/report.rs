//! The import report: figures, rules translated and not, warnings.

use std::fmt;

use serde::Serialize;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// FIM id of the schema (or group / field of the message).
    pub schema_id: String,
    /// Its version.
    pub schema_version: Option<String>,
    /// `2.0` or `3.0.0`.
    pub xdatenfelder: String,
    /// Kind of message (`stammdatenschema`, `datenfeldgruppe`, `datenfeld`).
    pub message: String,
    /// Fields in the definition (label fields included).
    pub fields: usize,
    /// Groups in the definition.
    pub groups: usize,
    /// Steps of the generated UI overlay.
    pub steps: usize,
    /// Code-list references resolved from the given lists.
    pub code_lists_resolved: usize,
    /// Code-list references not resolved (fields became free-text inputs).
    pub code_lists_missing: usize,
    /// Every rule occurrence, in document order.
    pub rules: Vec<RuleOutcome>,
    /// Everything the import changed, approximated or left out.
    pub warnings: Vec<Warning>,
}

/// One rule and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleOutcome {
    /// FIM rule id.
    pub id: String,
    /// Its version.
    pub version: Option<String>,
    /// Its name.
    pub name: String,
    /// Data path of the element it is attached to (empty for the schema).
    pub at: String,
    /// Whether it was translated.
    pub translated: bool,
    /// What it became, or why it was not translated.
    pub note: String,
}

/// A warning, with the data path (or FIM id) it concerns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    /// Data path of the element (FIM id where there is no path yet).
    pub at: String,
    /// A stable word for the kind of warning (`code_list_missing`, `pattern_dropped`, …).
    pub code: &'static str,
    /// What happened, in words.
    pub message: String,
}

impl Report {
    /// Rules translated.
    pub fn rules_translated(&self) -> usize {
        self.rules.iter().filter(|r| r.translated).count()
    }

    /// Rules not translated.
    pub fn rules_not_translated(&self) -> usize {
        self.rules.len() - self.rules_translated()
    }

    pub(crate) fn warn(&mut self, at: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.warnings.push(Warning { at: at.into(), code, message: message.into() });
    }

    /// The figures in one line (`fields=… groups=… …`), stable for snapshots.
    pub fn figures(&self) -> String {
        format!(
            "fields={} groups={} steps={} code_lists={}/{} rules={}/{} warnings={}",
            self.fields,
            self.groups,
            self.steps,
            self.code_lists_resolved,
            self.code_lists_resolved + self.code_lists_missing,
            self.rules_translated(),
            self.rules.len(),
            self.warnings.len()
        )
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "FIM import of {} {} (XDatenfelder {}, {})",
            self.schema_id,
            self.schema_version.as_deref().unwrap_or("(no version)"),
            self.xdatenfelder,
            self.message
        )?;
        writeln!(f, "  fields:     {}", self.fields)?;
        writeln!(f, "  groups:     {}", self.groups)?;
        writeln!(f, "  steps:      {}", self.steps)?;
        writeln!(f, "  code lists: {} resolved, {} missing", self.code_lists_resolved, self.code_lists_missing)?;
        writeln!(
            f,
            "  rules:      {} translated, {} not translated",
            self.rules_translated(),
            self.rules_not_translated()
        )?;
        writeln!(f, "  warnings:   {}", self.warnings.len())?;
        let at = |a: &str| if a.is_empty() { "(schema)".to_owned() } else { a.to_owned() };
        if self.rules.iter().any(|r| r.translated) {
            writeln!(f, "\nRules translated:")?;
            for r in self.rules.iter().filter(|r| r.translated) {
                writeln!(f, "  {} \"{}\" at {}: {}", r.id, r.name, at(&r.at), r.note)?;
            }
        }
        if self.rules.iter().any(|r| !r.translated) {
            writeln!(f, "\nRules NOT translated (the authority must check these):")?;
            for r in self.rules.iter().filter(|r| !r.translated) {
                writeln!(f, "  {} \"{}\" at {}: {}", r.id, r.name, at(&r.at), r.note)?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(f, "\nWarnings:")?;
            for w in &self.warnings {
                writeln!(f, "  [{}] {}: {}", w.code, at(&w.at), w.message)?;
            }
        }
        Ok(())
    }
}
