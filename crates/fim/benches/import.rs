//! Import speed: a generated XDatenfelder 3.0.0 schema of about 1.4 MB (the size of the
//! largest real exports) and, when `../shared/fixtures/fim` is present, the largest real
//! export there. Target: well under a second natively. Run: `cargo bench -p antrag-fim`.

use std::path::PathBuf;

use antrag_fim::{import, CodeLists, Options};
use criterion::{criterion_group, criterion_main, Criterion};

/// A schema with `groups` groups of ten fields (every common type, help texts, legal
/// references) and one translatable rule per group.
fn generated(groups: usize) -> String {
    let mut body = String::new();
    for g in 0..groups {
        let gid = format!("G9{g:010}");
        let mut fields = String::new();
        for f in 0..10 {
            let fid = format!("F9{:010}", g * 10 + f);
            let (feldart, datentyp, extra) = match f {
                0 => ("input", "bool", String::new()),
                1 => ("input", "text", r#"<xdf:praezisierung minLength="1" maxLength="120"/>"#.to_owned()),
                2 => ("input", "date", r#"<xdf:praezisierung minValue="1900-01-01"/>"#.to_owned()),
                3 => ("input", "num_int", r#"<xdf:praezisierung minValue="0" maxValue="9999"/>"#.to_owned()),
                4 => (
                    "select",
                    "text",
                    "<xdf:werte><xdf:wert><xdf:code>001</xdf:code><xdf:name>Erste Möglichkeit</xdf:name></xdf:wert>\
                     <xdf:wert><xdf:code>002</xdf:code><xdf:name>Zweite Möglichkeit</xdf:name></xdf:wert></xdf:werte>"
                        .to_owned(),
                ),
                5 => (
                    "input",
                    "file",
                    "<xdf:maxSize>10000000</xdf:maxSize><xdf:mediaType>application/pdf</xdf:mediaType>".to_owned(),
                ),
                6 => (
                    "label",
                    "text",
                    "<xdf:inhalt>Bitte beachten Sie die Hinweise zu diesem Abschnitt.</xdf:inhalt>".to_owned(),
                ),
                7 => (
                    "input",
                    "text",
                    r#"<xdf:praezisierung minLength="5" maxLength="5" pattern="[0-9]{5}"/>"#.to_owned(),
                ),
                8 => ("input", "num_currency", String::new()),
                _ => ("input", "text_latin", r#"<xdf:praezisierung maxLength="250"/>"#.to_owned()),
            };
            fields.push_str(&format!(
                "<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl><xdf:bezug link=\"https://www.gesetze-im-internet.de/muster/__{g}.html\">§ {g} Abs. {f} MusterG</xdf:bezug><xdf:enthaelt>\
                 <xdf:datenfeld><xdf:identifikation><xdf:id>{fid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>\
                 <xdf:name>Feld {f} der Gruppe {g}</xdf:name><xdf:beschreibung>Ein generiertes Datenfeld für die Messung der Importgeschwindigkeit.</xdf:beschreibung>\
                 <xdf:definition>Das Feld steht für eine typische Angabe in einem Antrag einer Verwaltungsleistung.</xdf:definition>\
                 <xdf:bezug>XOEV.Kernkomponente.Beispiel vom 01.01.2024</xdf:bezug>\
                 <xdf:freigabestatus listVersionID=\"2022-07-12\"><code>6</code></xdf:freigabestatus><xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>\
                 <xdf:bezeichnungEingabe>Angabe {f} zu Abschnitt {g}</xdf:bezeichnungEingabe><xdf:bezeichnungAusgabe>Angabe {f}</xdf:bezeichnungAusgabe>\
                 <xdf:schemaelementart><code>HAR</code></xdf:schemaelementart>\
                 <xdf:hilfetextEingabe>Geben Sie hier die Angabe so an, wie sie in Ihren Unterlagen steht. Beispiele helfen beim Ausfüllen.</xdf:hilfetextEingabe>\
                 <xdf:feldart><code>{feldart}</code></xdf:feldart><xdf:datentyp><code>{datentyp}</code></xdf:datentyp>{extra}\
                 <xdf:vorbefuellung><code>keine</code></xdf:vorbefuellung></xdf:datenfeld></xdf:enthaelt></xdf:struktur>",
                anzahl = if f % 3 == 0 { "0:1" } else { "1:1" },
            ));
        }
        let rule = format!(
            "<xdf:regel><xdf:identifikation><xdf:id>R9{g:010}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>\
             <xdf:name>Regel {g}</xdf:name><xdf:freitextRegel>WENN F9{a:010} 'Frage' = JA, DANN aktiviere F9{b:010} 'Angabe' UND mache es zu einer Pflichtangabe.</xdf:freitextRegel>\
             <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung><xdf:typ><code>K</code></xdf:typ></xdf:regel>",
            a = g * 10,
            b = g * 10 + 9,
        );
        body.push_str(&format!(
            "<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe>\
             <xdf:identifikation><xdf:id>{gid}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Abschnitt {g}</xdf:name>\
             <xdf:freigabestatus listVersionID=\"2022-07-12\"><code>6</code></xdf:freigabestatus><xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung>\
             <xdf:bezeichnungEingabe>Abschnitt {g}</xdf:bezeichnungEingabe><xdf:schemaelementart><code>RNG</code></xdf:schemaelementart>\
             {rule}{fields}</xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf=\"urn:xoev-de:fim:standard:xdatenfelder_3.0.0\">\
         <xdf:header><xdf:nachrichtID>bench</xdf:nachrichtID><xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>\
         <xdf:stammdatenschema><xdf:identifikation><xdf:id>S99000000999</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation>\
         <xdf:name>Generiert</xdf:name><xdf:freigabestatus listVersionID=\"2022-07-12\"><code>6</code></xdf:freigabestatus>\
         <xdf:letzteAenderung>2024-01-01T00:00:00Z</xdf:letzteAenderung><xdf:bezeichnung>Generierter Antrag</xdf:bezeichnung>\
         {body}</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>"
    )
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("fim_import");
    group.sample_size(10);
    let xml = generated(100);
    let options = Options::default();
    let imported = import(&xml, &options).expect("the generated schema imports");
    eprintln!("generated schema: {} bytes, {}", xml.len(), imported.report.figures());
    group.bench_function(format!("generated_{}kb", xml.len() / 1024), |b| b.iter(|| import(&xml, &options)));

    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fim");
    let largest = PathBuf::from(&shared).join("xdf2/S00000009_xdatenfelder.xml");
    match (std::fs::read_to_string(&largest), CodeLists::load_dir(&shared.join("codelists"))) {
        (Ok(xml), Ok(lists)) => {
            let options = Options { codelists: lists, ..Options::default() };
            group.bench_function(format!("S00000009_{}kb", xml.len() / 1024), |b| b.iter(|| import(&xml, &options)));
        }
        _ => eprintln!("SKIPPED: {} not found", largest.display()),
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
