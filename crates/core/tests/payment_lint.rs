//! Lint of a definition's payment section: every wrong part named with its JSON pointer.

use serde_json::json;

#[test]
fn lint_names_every_wrong_part_of_a_payment_section() {
    let def: antrag_core::FormDef = serde_json::from_value(json!({
        "format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"],
        "items": [
            {"field": "n", "datatype": "num_int", "label": "N"},
            {"group": "fahrzeuge", "label": "F", "min": 0, "max": 3, "items": [{"field": "kz", "datatype": "text", "label": "K"}]}
        ],
        "payment": {"purpose": "Viel zu langer Verwendungszweck!", "items": [
            {"id": "A", "label": "A", "amount": "10,00"},
            {"id": "A", "label": "B", "amount": "1", "quantity": -2},
            {"id": "C d", "label": "C", "amount": "1", "per": "n", "when": {"var": "nix"}},
            {"id": "D", "label": "D", "amount": "2.50", "per": "fahrzeuge", "quantity": {"var": "n"}}
        ]}
    }))
    .unwrap();
    let problems: Vec<(String, String)> = antrag_core::lint(&def)
        .into_iter()
        .map(|p| (p.pointer, p.code))
        .filter(|(p, _)| p.starts_with("/payment"))
        .collect();
    let expected = [
        ("/payment/purpose", "invalid_payment_purpose"),
        ("/payment/items/0/amount", "invalid_amount"),
        ("/payment/items/1/id", "duplicate_fee_id"),
        ("/payment/items/1/quantity", "invalid_quantity"),
        ("/payment/items/2/id", "invalid_fee_id"),
        ("/payment/items/2/when", "condition_unknown_field"),
        ("/payment/items/2/per", "fee_per_not_repeatable"),
    ];
    assert_eq!(problems, expected.map(|(p, c)| (p.to_owned(), c.to_owned())));
}
