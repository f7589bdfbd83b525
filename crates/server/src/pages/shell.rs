//! The HTML around a rendered page: the `<head>` of the built web app (`dist/index.html`, with
//! its hashed stylesheet and the external module that loads the wasm), the app's markup in
//! `<div id="antrag-app">` and its data block. No inline script: the page works under the
//! strict Content-Security-Policy.

use std::path::Path;

use antrag::ssr::Rendered;

/// The page frame.
#[derive(Debug, Clone)]
pub struct Shell {
    head: String,
}

/// A head for a server without a built web app (the API and the pages without JavaScript
/// still work; there is no styling).
const BARE_HEAD: &str = r#"<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"#;

impl Shell {
    /// The frame from the built app's `index.html` in `dist` (its `<head>` without the title).
    pub fn load(dist: &Path) -> Shell {
        let head = std::fs::read_to_string(dist.join("index.html"))
            .ok()
            .and_then(|html| {
                let start = html.find("<head>")? + "<head>".len();
                let end = html.find("</head>")?;
                Some(low_priority_preloads(&without_title(&html[start..end])))
            })
            .unwrap_or_else(|| BARE_HEAD.to_owned());
        Shell { head }
    }

    /// The app's stylesheet links, for pages that use its styles without its script.
    pub fn stylesheets(&self) -> String {
        let mut out = String::new();
        let mut rest = self.head.as_str();
        while let Some(start) = rest.find("<link rel=\"stylesheet\"") {
            let end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
            out.push_str(&rest[start..end]);
            rest = &rest[end..];
        }
        out
    }

    /// The whole document of a rendered page.
    pub fn page(&self, rendered: &Rendered) -> String {
        let dir = if antrag_core::text::is_rtl(&rendered.lang) { "rtl" } else { "ltr" };
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>{head}<title>{title}</title></head>\n<body>\n<div id=\"antrag-app\" class=\"antrag\">{html}</div>\n<script type=\"application/json\" id=\"{id}\">{data}</script>\n</body>\n</html>\n",
            lang = antrag::format::escape_html(&rendered.lang),
            head = self.head,
            title = antrag::format::escape_html(&rendered.title),
            html = rendered.html,
            id = antrag::page_data::DATA_ID,
            data = rendered.data,
        )
    }
}

/// The page shows before the app runs: the stylesheet comes first, the app's module and wasm
/// (preloaded by Trunk's links) after it, not competing for a slow line. The wasm's integrity
/// hash moves from its preload to `data-antrag-integrity`, where `boot.js` checks it itself
/// while the module compiles from the stream (a preload with `integrity` is only taken over by
/// a fetch with `integrity`, which hands over nothing before the whole body is checked).
fn low_priority_preloads(head: &str) -> String {
    let head = head
        .replace("<link rel=\"modulepreload\"", "<link rel=\"modulepreload\" fetchpriority=\"low\"")
        .replace("<link rel=\"preload\"", "<link rel=\"preload\" fetchpriority=\"low\"");
    // The wasm's preload (`as="fetch"`, the one boot.js reads), whichever preload comes first.
    let mut from = 0;
    while let Some(found) = head[from..].find("<link rel=\"preload\"") {
        let start = from + found;
        let end = head[start..].find('>').map_or(head.len(), |e| start + e);
        if head[start..end].contains(" as=\"fetch\"") {
            let link = head[start..end].replacen(" integrity=\"", " data-antrag-integrity=\"", 1);
            return format!("{}{link}{}", &head[..start], &head[end..]);
        }
        from = end;
    }
    head
}

fn without_title(head: &str) -> String {
    match (head.find("<title>"), head.find("</title>")) {
        (Some(start), Some(end)) if end > start => format!("{}{}", &head[..start], &head[end + "</title>".len()..]),
        _ => head.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_head_is_kept_and_the_title_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Antrag</title><link rel=\"stylesheet\" href=\"/a-1.css\"></head><body></body></html>",
        )
        .unwrap();
        let shell = Shell::load(dir.path());
        let page = shell.page(&Rendered {
            html: "<p>x</p>".into(),
            title: "Titel & <b>".into(),
            lang: "ar".into(),
            data: "{}".into(),
        });
        assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
        assert!(page.contains(r#"<link rel="stylesheet" href="/a-1.css">"#), "{page}");
        assert!(page.contains("<title>Titel &amp; &lt;b&gt;</title>") && !page.contains("<title>Antrag"), "{page}");
        assert!(page.contains(r#"<div id="antrag-app" class="antrag"><p>x</p></div>"#), "{page}");
        assert!(Shell::load(&dir.path().join("nowhere"))
            .page(&Rendered { html: String::new(), title: String::new(), lang: "de".into(), data: "{}".into() })
            .contains("charset"));
    }

    #[test]
    fn the_wasm_preload_is_low_and_hands_its_hash_to_the_loader() {
        let head = r#"<link rel="stylesheet" href="/a.css" integrity="sha384-css"/><link rel="modulepreload" href="/a.js" integrity="sha384-js"><link rel="preload" href="/a_bg.wasm" crossorigin="anonymous" integrity="sha384-wasm" as="fetch" type="application/wasm">"#;
        assert_eq!(
            low_priority_preloads(head),
            r#"<link rel="stylesheet" href="/a.css" integrity="sha384-css"/><link rel="modulepreload" fetchpriority="low" href="/a.js" integrity="sha384-js"><link rel="preload" fetchpriority="low" href="/a_bg.wasm" crossorigin="anonymous" data-antrag-integrity="sha384-wasm" as="fetch" type="application/wasm">"#
        );
        assert_eq!(low_priority_preloads("<meta charset=\"utf-8\">"), "<meta charset=\"utf-8\">");
        // Another preload before it keeps its own integrity.
        let font = r#"<link rel="preload" href="/f.woff2" integrity="sha384-font" as="font">"#;
        let both = low_priority_preloads(&format!("{font}{head}"));
        assert!(both.contains(r#"integrity="sha384-font" as="font""#), "{both}");
        assert!(both.contains(r#"data-antrag-integrity="sha384-wasm""#), "{both}");
    }
}
