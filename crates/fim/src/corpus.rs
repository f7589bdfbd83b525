//! Figures over a folder of FIM exports: how much of their rules the importer translates and
//! how many of their code-list references it resolves — the figure every change to the rule
//! translation is measured by (`antrag-server fim-corpus DIR…`, and a test over the shared
//! corpus).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::Report;

/// The figures of many imports.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Files imported.
    pub files: usize,
    /// Rule occurrences (a rule used in several places counts in each).
    pub rules: usize,
    /// Rule occurrences translated.
    pub rules_translated: usize,
    /// Per FIM rule id: (occurrences, occurrences translated).
    pub distinct: BTreeMap<String, (usize, usize)>,
    /// Code-list references resolved.
    pub code_lists_resolved: usize,
    /// Code-list references in all.
    pub code_lists: usize,
    /// The slowest import and its file.
    pub slowest: Option<(Duration, String)>,
}

impl Summary {
    /// Count one import.
    pub fn add(&mut self, file: &str, report: &Report, took: Duration) {
        self.files += 1;
        self.rules += report.rules.len();
        self.rules_translated += report.rules_translated();
        for rule in &report.rules {
            let entry = self.distinct.entry(rule.id.clone()).or_default();
            entry.0 += 1;
            entry.1 += usize::from(rule.translated);
        }
        self.code_lists_resolved += report.code_lists_resolved;
        self.code_lists += report.code_lists_resolved + report.code_lists_missing;
        if self.slowest.as_ref().is_none_or(|(d, _)| took > *d) {
            self.slowest = Some((took, file.to_owned()));
        }
    }

    /// Share of rule occurrences translated (0–1).
    pub fn occurrence_share(&self) -> f64 {
        share(self.rules_translated, self.rules)
    }

    /// Distinct rules (by FIM id) translated wherever they occur.
    pub fn distinct_translated(&self) -> usize {
        self.distinct.values().filter(|(n, t)| n == t).count()
    }

    /// Share of distinct rules translated wherever they occur (0–1).
    pub fn distinct_share(&self) -> f64 {
        share(self.distinct_translated(), self.distinct.len())
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "files imported: {}", self.files)?;
        writeln!(
            f,
            "rules translated: {} of {} occurrences ({:.1} %), {} of {} distinct rules ({:.1} %)",
            self.rules_translated,
            self.rules,
            self.occurrence_share() * 100.0,
            self.distinct_translated(),
            self.distinct.len(),
            self.distinct_share() * 100.0
        )?;
        writeln!(
            f,
            "code lists resolved: {} of {} references ({:.1} %)",
            self.code_lists_resolved,
            self.code_lists,
            share(self.code_lists_resolved, self.code_lists) * 100.0
        )?;
        if let Some((took, file)) = &self.slowest {
            writeln!(f, "slowest import: {:.1} ms ({file})", took.as_secs_f64() * 1000.0)?;
        }
        Ok(())
    }
}
