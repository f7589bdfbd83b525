//! Date and time rules: parts, real dates, absolute and relative bounds.
mod common;
use common::*;
use serde_json::json;

#[test]
fn date_parts_and_real_dates() {
    let f = one(json!({"field": "d", "datatype": "date", "label": "D", "required": true}));
    assert_eq!(check(&f, json!({"d": "2024-02-29"})), errs(&[]));
    assert_eq!(check(&f, json!({"d": "2024-2-9"})), errs(&[]));
    assert_eq!(check(&f, json!({"d": "2023-02-29"})), errs(&[("d", "invalid_date")]));
    assert_eq!(check(&f, json!({"d": "24-02-01"})), errs(&[("d", "invalid_date")]));
    assert_eq!(check(&f, json!({"d": "2024-13-01"})), errs(&[("d", "invalid_date")]));
    assert_eq!(check(&f, json!({"d": "2024-x-01"})), errs(&[("d", "invalid_date")]));
    assert_eq!(check(&f, json!({"d": "27.03.1990"})), errs(&[("d", "invalid_date")]));
    assert_eq!(
        report(&f, json!({"d": "2024--05"})),
        json!([{"path": "d", "code": "date_incomplete", "params": {"missing": "month"}}])
    );
    assert_eq!(
        report(&f, json!({"d": "-3-"})),
        json!([{"path": "d", "code": "date_incomplete", "params": {"missing": "day"}}])
    );
    assert_eq!(
        report(&f, json!({"d": "-3-5"})),
        json!([{"path": "d", "code": "date_incomplete", "params": {"missing": "year"}}])
    );
    assert_eq!(check(&f, json!({"d": "--"})), errs(&[("d", "required")]));
}

#[test]
fn absolute_and_relative_bounds() {
    // Today is 2026-11-28 in the tests: at least 18 years old, born after 1900.
    let f = one(
        json!({"field": "d", "datatype": "date", "label": "D", "constraints": {"minDate": "1900-01-01", "maxDate": "today-18y"}}),
    );
    assert_eq!(check(&f, json!({"d": "2008-11-28"})), errs(&[]));
    assert_eq!(
        report(&f, json!({"d": "2008-11-29"})),
        json!([{"path": "d", "code": "date_too_late", "params": {"max": "2008-11-28"}}])
    );
    assert_eq!(
        report(&f, json!({"d": "1899-12-31"})),
        json!([{"path": "d", "code": "date_too_early", "params": {"min": "1900-01-01"}}])
    );
    let future = one(
        json!({"field": "d", "datatype": "date", "label": "D", "constraints": {"minDate": "today+1d", "maxDate": "today+1y"}}),
    );
    assert_eq!(check(&future, json!({"d": "2026-11-28"})), errs(&[("d", "date_too_early")]));
    assert_eq!(check(&future, json!({"d": "2027-11-28"})), errs(&[]));
    assert_eq!(check(&future, json!({"d": "2027-11-29"})), errs(&[("d", "date_too_late")]));
}

#[test]
fn times_and_datetimes() {
    let t = one(json!({"field": "t", "datatype": "time", "label": "T"}));
    assert_eq!(check(&t, json!({"t": "09:30"})), errs(&[]));
    assert_eq!(check(&t, json!({"t": "24:00"})), errs(&[("t", "invalid_time")]));
    let dt = one(json!({"field": "dt", "datatype": "datetime", "label": "DT", "constraints": {"maxDate": "today"}}));
    assert_eq!(check(&dt, json!({"dt": "2026-11-28T23:59"})), errs(&[]));
    assert_eq!(check(&dt, json!({"dt": "2026-11-2T9:30"})), errs(&[("dt", "invalid_time")]));
    assert_eq!(check(&dt, json!({"dt": "2026-11-29T00:00"})), errs(&[("dt", "date_too_late")]));
    assert_eq!(check(&dt, json!({"dt": "2026-11-28"})), errs(&[("dt", "invalid_date_time")]));
}
