//! The widget registry: which widget renders a field, decided in the core so that every
//! renderer (and the tests) agree. Ranked: the field's kind first, then an explicit, fitting
//! widget hint, then datatype and format.

use crate::definition::{DataType, Field, Format, Kind, WidgetHint};

/// Choices up to this many are shown as radio buttons, more as a drop-down list.
pub const RADIO_LIMIT: usize = 6;

/// The widget a field is rendered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WidgetKind {
    /// Single-line text.
    Text,
    /// Multi-line text.
    Textarea,
    /// A number.
    Number,
    /// An amount in euros.
    Currency,
    /// A date as day, month and year inputs.
    Date,
    /// A time of day.
    Time,
    /// A date and a time.
    DateTime,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// An IBAN (shown in groups of four).
    Iban,
    /// A German postcode.
    Plz,
    /// A drop-down list.
    Select,
    /// Radio buttons.
    Radios,
    /// Checkboxes (several choices).
    Checkboxes,
    /// Yes/no radio buttons.
    YesNo,
    /// One checkbox (consent).
    Checkbox,
    /// File upload.
    File,
    /// Static text.
    StaticText,
    /// A read-only value.
    Locked,
    /// Not shown.
    Hidden,
    /// Nothing can render this field: a visible placeholder with an error.
    Unsupported,
}

/// Choose the widget for a field.
pub fn select_widget(field: &Field) -> WidgetKind {
    match field.kind {
        Kind::Label => return WidgetKind::StaticText,
        Kind::Hidden => return WidgetKind::Hidden,
        Kind::Locked => return WidgetKind::Locked,
        Kind::Unknown(_) => return WidgetKind::Unsupported,
        Kind::Input | Kind::Select => {}
    }
    if matches!(field.datatype, DataType::Obj | DataType::Unknown(_)) {
        return WidgetKind::Unsupported;
    }
    if field.kind == Kind::Select {
        let count = field.options.as_ref().map_or(0, Vec::len);
        return match (&field.widget, field.multiple) {
            (_, true) => WidgetKind::Checkboxes,
            (Some(WidgetHint::Radios), false) => WidgetKind::Radios,
            (Some(WidgetHint::Select), false) => WidgetKind::Select,
            _ if count <= RADIO_LIMIT => WidgetKind::Radios,
            _ => WidgetKind::Select,
        };
    }
    match field.datatype {
        DataType::Bool if field.widget == Some(WidgetHint::Checkbox) => WidgetKind::Checkbox,
        DataType::Bool => WidgetKind::YesNo,
        DataType::Date => WidgetKind::Date,
        DataType::Time => WidgetKind::Time,
        DataType::DateTime => WidgetKind::DateTime,
        DataType::File => WidgetKind::File,
        DataType::Num | DataType::NumInt => WidgetKind::Number,
        DataType::NumCurrency => WidgetKind::Currency,
        DataType::Text | DataType::TextLatin => match (&field.format, &field.widget) {
            (Some(Format::Email), _) => WidgetKind::Email,
            (Some(Format::Phone), _) => WidgetKind::Phone,
            (Some(Format::Iban), _) => WidgetKind::Iban,
            (Some(Format::Plz), _) => WidgetKind::Plz,
            (_, Some(WidgetHint::Textarea)) => WidgetKind::Textarea,
            _ => WidgetKind::Text,
        },
        DataType::Obj | DataType::Unknown(_) => WidgetKind::Unsupported,
    }
}
