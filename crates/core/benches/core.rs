//! Criterion benchmarks of the core: parse, lint and validate generated definitions with all
//! fields filled (target: full validation of 1000 fields under 1 ms natively).

use antrag_core::{generate, lint, validate, visibility, Answers, Context, Date, Form};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn bench(c: &mut Criterion) {
    let ctx = Context::on(Date::new(2026, 11, 28).unwrap());
    let mut group = c.benchmark_group("core");
    for fields in [20, 200, 1000] {
        let json = generate::definition(fields).to_string();
        let def = antrag_core::parse(&json).expect("generated definition parses");
        let form = Form::new(def.clone()).expect("generated definition lints");
        let answers: Answers = serde_json::from_value(generate::answers(fields)).unwrap();
        assert!(validate(&form, &answers, &ctx).is_valid(), "generated answers are valid");
        group.bench_with_input(BenchmarkId::new("parse", fields), &json, |b, json| b.iter(|| antrag_core::parse(json)));
        group.bench_with_input(BenchmarkId::new("lint", fields), &def, |b, def| b.iter(|| lint(def)));
        group.bench_with_input(BenchmarkId::new("validate_filled", fields), &answers, |b, a| {
            b.iter(|| validate(&form, a, &ctx))
        });
        let empty = Answers::new();
        group.bench_with_input(BenchmarkId::new("validate_empty", fields), &empty, |b, a| {
            b.iter(|| validate(&form, a, &ctx))
        });
        group.bench_with_input(BenchmarkId::new("visibility", fields), &answers, |b, a| {
            b.iter(|| visibility(&form, a, &ctx))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
