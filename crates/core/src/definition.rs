//! The definition format `antrag/1`: identity, data model, rules and the UI overlay.
//!
//! A definition is plain JSON (see `docs/definition-format.md` and the generated
//! `docs/definition.schema.json`). The types here mirror it one to one; parsing never fails on
//! an unknown data type, kind or format word — those become [`DataType::Unknown`] and friends
//! so that [`crate::lint`] can report every problem at once with its JSON pointer.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::logic::Condition;
use crate::text::Text;

/// The format tag every definition carries in `"format"`.
pub const FORMAT: &str = "antrag/1";

/// A complete form definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormDef {
    /// Optional link to the JSON Schema of the format, for editors (ignored by Antrag).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Must be `"antrag/1"`.
    pub format: String,
    /// Form id: lowercase letters, digits and hyphens (`bewohnerparkausweis`).
    pub id: String,
    /// Version of this definition (`1.0.0`). A submission names the version it was made with.
    pub version: String,
    /// Title of the form.
    pub title: Text,
    /// Short description for the catalog and the start of the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Languages the texts are offered in; the first is used when none is requested.
    pub languages: Vec<String>,
    /// Language of plain (non-localized) texts. Defaults to `de`.
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Where the form comes from and what service it belongs to.
    #[serde(default)]
    pub service: Service,
    /// The data model: groups and fields in document order.
    pub items: Vec<Node>,
    /// Cross-field rules on the whole form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Presentation overlay: steps, intro and outro. Kept apart from the data model so that a
    /// new FIM schema version can be merged without touching it.
    #[serde(default)]
    pub ui: Ui,
    /// The fee of the service and when it is paid (see [`crate::fee`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

fn default_language() -> String {
    "de".to_owned()
}

/// Identity of the administrative service a form belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    /// LeiKa service key (Leistungsschlüssel), 14 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leika_key: Option<String>,
    /// The FIM Stammdatenschema this form derives from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim_schema: Option<FimRef>,
    /// The schema URI a FIT-Connect submission names in `submissionSchema.schemaUri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_uri: Option<String>,
    /// Prefix of reference numbers given to submissions (`BPA` → `BPA-2026-000123`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_prefix: Option<String>,
    /// Data path of the e-mail question whose answer is the citizen's reply address
    /// (FIT-Connect `replyChannel.eMail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_email: Option<String>,
    /// The rules of the FIM schema as written, for traceability (set by the FIM importer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fim_rules: Vec<FimRule>,
}

/// A rule of a FIM schema as the schema states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FimRule {
    /// FIM rule id and version.
    pub fim: FimRef,
    /// Name of the rule.
    pub name: String,
    /// The rule's prose (`freitextRegel`, 2.0 `definition`).
    pub text: String,
    /// Data path of the element the rule is attached to; absent for the schema itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Whether the rule is expressed by this definition's conditions and rules. An
    /// untranslated rule must be checked by the receiving authority.
    pub translated: bool,
    /// What the translation did, or why there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A FIM element id with its version (`S05000058` / `1.0`, `F60000227` / `1.2`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FimRef {
    /// FIM id (`S…`, `G…`, `F…`, `R…`).
    pub id: String,
    /// Version of the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A node of the data model: a field or a group of nodes.
///
/// In JSON a node is an object with either a `"field"` or a `"group"` key naming its data key.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Node {
    /// A field holding one answer.
    Field(Box<Field>),
    /// A group of nodes, possibly repeatable.
    Group(Box<Group>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = Value::deserialize(deserializer)?;
        match &value {
            Value::Object(map) if map.contains_key("group") => {
                Group::deserialize(value).map(|g| Node::Group(Box::new(g))).map_err(D::Error::custom)
            }
            Value::Object(map) if map.contains_key("field") => {
                Field::deserialize(value).map(|f| Node::Field(Box::new(f))).map_err(D::Error::custom)
            }
            Value::Object(_) => {
                Err(D::Error::custom("a node needs a \"field\" or a \"group\" key naming its data key"))
            }
            _ => Err(D::Error::custom("a node must be an object")),
        }
    }
}

impl Node {
    /// The node's data key.
    pub fn key(&self) -> &str {
        match self {
            Node::Field(f) => &f.field,
            Node::Group(g) => &g.group,
        }
    }

    /// The condition under which the node is shown (always when `None`).
    pub fn visible_if(&self) -> Option<&Condition> {
        match self {
            Node::Field(f) => f.visible_if.as_ref(),
            Node::Group(g) => g.visible_if.as_ref(),
        }
    }

    /// The label shown while entering.
    pub fn label(&self) -> &Text {
        match self {
            Node::Field(f) => &f.label,
            Node::Group(g) => &g.label,
        }
    }
}

/// A group of nodes. With `max > 1` (or `min == 0`) it is a repeatable section whose answers
/// are an array of entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Group {
    /// Data key of the group.
    pub group: String,
    /// Heading of the group (legend of its fieldset).
    pub label: Text,
    /// Heading on the answer summary (defaults to `label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_label: Option<Text>,
    /// Hint shown under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Minimum number of entries (default 1). `0` makes a single group optional.
    #[serde(default = "one")]
    pub min: u32,
    /// Maximum number of entries (default 1); `null` means unbounded.
    #[serde(default = "max_one")]
    pub max: Option<u32>,
    /// Label of one entry of a repeatable group; `{n}` is replaced by its number
    /// (`"Fahrzeug {n}"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_label: Option<Text>,
    /// Shown only while this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    /// Legal basis of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasis>,
    /// The FIM element this group comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    /// Children in document order.
    pub items: Vec<Node>,
    /// Cross-field rules evaluated once per entry of this group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

fn one() -> u32 {
    1
}

fn max_one() -> Option<u32> {
    Some(1)
}

impl Group {
    /// Whether the answers hold an array of entries (repeatable or optional group) rather
    /// than one object.
    pub fn is_list(&self) -> bool {
        self.min != 1 || self.max != Some(1)
    }
}

/// A field: one question and its answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Field {
    /// Data key of the field (a FIM id such as `F60000227` where known).
    pub field: String,
    /// FIM Feldart: input (default), select, label, hidden or locked.
    #[serde(default)]
    pub kind: Kind,
    /// FIM Datentyp.
    pub datatype: DataType,
    /// A semantic format with its own validator (e-mail, IBAN, PLZ, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Label while entering.
    pub label: Text,
    /// Label on the answer summary and in print (defaults to `label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_label: Option<Text>,
    /// Short hint under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// Longer help text, shown on request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Static text of a `label` field (defaults to `label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Text>,
    /// Legal basis (Rechtsgrundlage), shown as a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasis>,
    /// Default answer, in the same shape as an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Placeholder text (use sparingly: placeholders are not labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<Text>,
    /// Prefill from the citizen's account (BundID/Servicekonto attributes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// The field must be answered (FIM multiplicity `1:1`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// The field must be answered while this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_if: Option<Condition>,
    /// The field is shown only while this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
    /// Constraints on the answer.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// Choices of a `select` field (filled from `codeList` when the server resolves it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<Choice>>,
    /// Choices from a code list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_list: Option<CodeListRef>,
    /// Several choices may be selected (checkboxes); the answer is an array.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multiple: bool,
    /// Preferred widget; the widget registry decides when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widget: Option<WidgetHint>,
    /// Messages for this field by error code (`pattern_mismatch`, `required`, …), overriding
    /// the generic ones: say what to enter, e.g. "Geben Sie ein Kennzeichen wie B-AB 1234 ein".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages: BTreeMap<String, Text>,
    /// Autocomplete token for the browser (`given-name`, `postal-code`, `email`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
    /// The FIM element this field comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// FIM Feldart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Kind {
    /// A question the citizen answers.
    #[default]
    Input,
    /// A choice from options.
    Select,
    /// Static text, no answer.
    Label,
    /// Not shown; its default is submitted.
    Hidden,
    /// Shown read-only (e.g. prefilled from an account); its value is submitted.
    Locked,
    /// A word this version does not know (reported by lint).
    Unknown(String),
}

/// FIM Datentyp.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum DataType {
    /// Free text.
    Text,
    /// Text limited to the Latin characters of DIN SPEC 91379 (XÖV String.Latin).
    TextLatin,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time.
    DateTime,
    /// Yes or no.
    Bool,
    /// A decimal number.
    Num,
    /// A whole number.
    NumInt,
    /// An amount of money in euros (at most two decimals).
    NumCurrency,
    /// Uploaded files.
    File,
    /// A FIM binary object: no widget can take it (shown as unsupported).
    Obj,
    /// A word this version does not know (reported by lint).
    Unknown(String),
}

/// Semantic formats with their own validators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Format {
    /// E-mail address (WHATWG HTML rules, domain with a dot).
    Email,
    /// Phone number (digits with `+ ( ) - /` and spaces).
    Phone,
    /// IBAN (ISO 13616, mod 97).
    Iban,
    /// BIC (ISO 9362).
    Bic,
    /// German postcode, five digits.
    Plz,
    /// German tax identification number with its check digit.
    SteuerId,
    /// An http(s) URL.
    Url,
    /// A word this version does not know (reported by lint).
    Unknown(String),
}

/// Widget preferences an author may state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum WidgetHint {
    /// Single-line text input.
    Text,
    /// Multi-line text.
    Textarea,
    /// Radio buttons.
    Radios,
    /// A drop-down list.
    Select,
    /// Checkboxes (multiple choice).
    Checkboxes,
    /// A single checkbox for a yes/no consent.
    Checkbox,
    /// Yes/no radio buttons.
    YesNo,
    /// A word this version does not know (reported by lint).
    Unknown(String),
}

macro_rules! word_enum {
    ($ty:ident { $($variant:ident => $word:literal),* $(,)? }) => {
        impl $ty {
            /// Every word this version knows, in documentation order.
            pub const WORDS: &'static [&'static str] = &[$($word),*];

            /// The word used in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $($ty::$variant => $word,)*
                    $ty::Unknown(word) => word,
                }
            }
        }

        impl From<String> for $ty {
            fn from(word: String) -> Self {
                match word.as_str() {
                    $($word => $ty::$variant,)*
                    _ => $ty::Unknown(word),
                }
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.as_str().to_owned()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": Self::WORDS })
            }
        }
    };
}

word_enum!(Kind { Input => "input", Select => "select", Label => "label", Hidden => "hidden", Locked => "locked" });
word_enum!(DataType {
    Text => "text", TextLatin => "text_latin", Date => "date", Time => "time", DateTime => "datetime",
    Bool => "bool", Num => "num", NumInt => "num_int", NumCurrency => "num_currency", File => "file",
    Obj => "obj",
});
word_enum!(Format {
    Email => "email", Phone => "phone", Iban => "iban", Bic => "bic", Plz => "plz",
    SteuerId => "steuer_id", Url => "url",
});
word_enum!(WidgetHint {
    Text => "text", Textarea => "textarea", Radios => "radios", Select => "select",
    Checkboxes => "checkboxes", Checkbox => "checkbox", YesNo => "yes_no",
});

/// Constraints on an answer. Every constraint passes on an absent answer; only `required`
/// demands one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Constraints {
    /// Minimum length in characters (not bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Maximum length in characters (not bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Smallest allowed number (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest allowed number (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Regular expression the whole answer must match (anchored automatically).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Earliest allowed date: `YYYY-MM-DD`, `today`, or `today` with offsets (`today-18y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_date: Option<String>,
    /// Latest allowed date, same forms as `minDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_date: Option<String>,
    /// Largest allowed size of one file, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    /// Allowed media types of files (`application/pdf`, `image/*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
    /// Maximum number of files (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_files: Option<u32>,
    /// Minimum number of selected choices of a multiple-choice field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_selected: Option<u32>,
    /// Maximum number of selected choices of a multiple-choice field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<u32>,
}

impl Constraints {
    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        self == &Constraints::default()
    }
}

/// One choice of a select field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Choice {
    /// The stored value (a code).
    pub value: String,
    /// The text shown.
    pub label: Text,
    /// Hint under this choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
}

/// A reference to a code list (XRepository genericode), resolved by the server from its
/// bundled code-list files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeListRef {
    /// Canonical identification (`urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat`).
    pub id: String,
    /// Version (`2023-02-24`); the newest bundled version when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A legal basis (Rechtsgrundlage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalBasis {
    /// Citation (`§ 45 Abs. 1b StVO`).
    pub text: Text,
    /// Link to the law text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl LegalBasis {
    /// The link, when it is one a citizen may be sent to: `https:` or `http:` only (a
    /// `javascript:` or `data:` address from a definition is never a link).
    pub fn safe_url(&self) -> Option<&str> {
        self.url.as_deref().filter(|url| is_web_link(url))
    }
}

/// Whether `url` is an `https:` or `http:` address, as written (no leading blanks or control
/// characters, which a browser would strip and so could hide another scheme).
pub fn is_web_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") && url.len() > 8) || (lower.starts_with("http://") && url.len() > 7)
}

/// Prefill of a field from the citizen's account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Prefill {
    /// FIM vorbefuellung: `none`, `optional` or `mandatory`.
    pub mode: PrefillMode,
    /// Name of the identity attribute (`givenName`, `familyName`, `birthDate`, `postalCode`).
    pub attribute: String,
}

/// FIM vorbefuellung.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrefillMode {
    /// Never prefilled.
    None,
    /// Prefilled when the attribute is known; the citizen may change it.
    Optional,
    /// Must come from the account; shown read-only.
    Mandatory,
}

/// A cross-field rule: while `when` holds (always when absent), `assert` must hold; otherwise
/// the error is reported on the first of `fields` with the rule's message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Id of the rule, unique in the form; also the message key (`ende_nach_beginn`).
    pub id: String,
    /// Precondition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// What must hold.
    pub assert: Condition,
    /// Data paths (dotted keys) of the fields the error belongs to; the first gets it.
    pub fields: Vec<String>,
    /// The message shown.
    pub message: Text,
    /// Where the rule comes from (FIM prose), kept for traceability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RuleSource>,
}

/// The origin of a rule, e.g. a FIM Regel with its prose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSource {
    /// FIM rule id and version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fim: Option<FimRef>,
    /// The rule as written (FIM freitextRegel / definition).
    pub text: String,
}

/// The fee of a service: its items and when the citizen pays it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Payment {
    /// Purpose of the payment on the citizen's bank statement (Verwendungszweck): at most 27
    /// letters, digits, spaces or hyphens. The application's reference number is what the
    /// provider receives when it fits; this text when it does not.
    pub purpose: String,
    /// Description the payment provider may show on its page (at most 250 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the fee is paid: `before` the application is sent (online, the usual case) or with
    /// the authority's `notice` (the fee is only shown).
    #[serde(default)]
    pub timing: PaymentTiming,
    /// The fee items (1–99).
    pub items: Vec<FeeItem>,
}

/// When a fee is paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum PaymentTiming {
    /// Online, before the application is sent: it is stored as *payment pending* until paid.
    #[default]
    Before,
    /// With the authority's notice ("Bescheid mit Gebühr folgt"): the fee is shown, not charged.
    Notice,
}

/// One fee item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeeItem {
    /// Id of the item, unique in the form; its reference for the payment provider (1–36
    /// letters, digits, hyphens or underscores).
    pub id: String,
    /// What the citizen reads on check your answers.
    pub label: Text,
    /// Amount per unit in euros with a dot (`"10.00"`).
    pub amount: String,
    /// The item applies only while this condition holds (over the visible answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Number of units: a whole number, or an expression over the answers giving one
    /// (`{"var": "bescheinigung.anzahl"}`). Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Condition>,
    /// Data path of a repeatable group: one unit per entry (times `quantity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// VAT rate in percent included in the amount (fees are usually 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<u8>,
    /// Booking data passed to the payment provider as given (e.g. the authority's budget
    /// position or object number).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub booking: serde_json::Map<String, Value>,
}

/// The presentation overlay.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ui {
    /// Steps in order. When empty, the whole form is one step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Text before the first step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    /// What happens after submitting (shown on the confirmation page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outro: Option<Text>,
}

/// One step (page) of the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// Id of the step, unique in the form.
    pub id: String,
    /// Title, also the document title while the step is shown.
    pub title: Text,
    /// Text above the step's questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    /// Keys of the top-level nodes on this step, in order.
    pub items: Vec<String>,
    /// The step is shown only while this condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_if: Option<Condition>,
}

/// Where a step's items come from: the overlay's steps, or one implicit step with everything.
#[derive(Clone, Debug, PartialEq)]
pub struct StepView<'a> {
    /// Index of the step.
    pub index: usize,
    /// Step id (`main` for the implicit step).
    pub id: &'a str,
    /// Title (the form title for the implicit step).
    pub title: &'a Text,
    /// Intro text.
    pub intro: Option<&'a Text>,
    /// Top-level nodes on this step, in step order.
    pub nodes: Vec<&'a Node>,
    /// Visibility condition.
    pub visible_if: Option<&'a Condition>,
}

impl FormDef {
    /// The steps as the renderer shows them.
    pub fn steps(&self) -> Vec<StepView<'_>> {
        if self.ui.steps.is_empty() {
            return vec![StepView {
                index: 0,
                id: "main",
                title: &self.title,
                intro: self.ui.intro.as_ref(),
                nodes: self.items.iter().collect(),
                visible_if: None,
            }];
        }
        self.ui
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| StepView {
                index,
                id: &step.id,
                title: &step.title,
                intro: step.intro.as_ref(),
                nodes: step.items.iter().filter_map(|key| self.items.iter().find(|n| n.key() == key)).collect(),
                visible_if: step.visible_if.as_ref(),
            })
            .collect()
    }

    /// The index of the step that shows the top-level node `key`.
    pub fn step_of(&self, key: &str) -> Option<usize> {
        if self.ui.steps.is_empty() {
            return self.items.iter().any(|n| n.key() == key).then_some(0);
        }
        self.ui.steps.iter().position(|s| s.items.iter().any(|k| k == key))
    }
}
