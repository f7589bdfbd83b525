//! Where a JSON pointer (RFC 6901) points in a JSON text: the byte range of the value, so that
//! a lint problem's pointer selects its place in the definition the author edits. A small
//! scanner of its own: serde_json keeps no positions.

/// The byte range of the value at `pointer` in `text`, or of the deepest part of it that
/// exists (a problem may point at a member that is missing: its object is shown). `None`
/// when the text is not JSON up to that place.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.strip_prefix('/')?.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
    };
    let mut scanner = Scanner { bytes: text.as_bytes(), at: 0 };
    scanner.skip_space();
    let mut range = scanner.value_range()?;
    for token in &tokens {
        let mut inner = Scanner { bytes: text.as_bytes(), at: range.0 };
        match inner.find_member(token) {
            Some(found) => range = found,
            None => break,
        }
    }
    Some(range)
}

/// The 1-based line and column of byte `offset` in `text` (columns count characters).
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// The range of the value starting here (after white space), the scanner after it.
    fn value_range(&mut self) -> Option<(usize, usize)> {
        self.skip_space();
        let start = self.at;
        self.skip_value()?;
        Some((start, self.at))
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let (open, close) = if self.peek()? == b'{' { (b'{', b'}') } else { (b'[', b']') };
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        c if c == open => depth += 1,
                        c if c == close => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// A string starting here; its decoded text (escapes resolved as far as keys need).
    fn string(&mut self) -> Option<String> {
        let start = self.at + 1;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    let raw = std::str::from_utf8(&self.bytes[start..self.at - 1]).ok()?;
                    return Some(serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned()));
                }
                _ => self.at += 1,
            }
        }
    }

    /// In the object or array starting here: the range of member `token`.
    fn find_member(&mut self, token: &str) -> Option<(usize, usize)> {
        self.skip_space();
        match self.peek()? {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    if self.peek()? == b'}' {
                        return None;
                    }
                    let key = self.string()?;
                    self.skip_space();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    let range = self.value_range()?;
                    if key == token {
                        return Some(range);
                    }
                    self.skip_space();
                    if self.peek()? == b',' {
                        self.at += 1;
                    }
                }
            }
            b'[' => {
                let wanted: usize = token.parse().ok()?;
                self.at += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    if self.peek()? == b']' {
                        return None;
                    }
                    let range = self.value_range()?;
                    if index == wanted {
                        return Some(range);
                    }
                    index += 1;
                    self.skip_space();
                    if self.peek()? == b',' {
                        self.at += 1;
                    }
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  "id": "x",
  "a/b": {"~k": [1, "two", {"deep": true}]},
  "items": [
    {"field": "name", "label": {"de": "Name \"quoted\" {not a brace}"}},
    {"field": "age", "constraints": {"pattern": "[0-9"}}
  ]
}"#;

    fn at(pointer: &str) -> &'static str {
        let (start, end) = locate(TEXT, pointer).unwrap();
        &TEXT[start..end]
    }

    #[test]
    fn finds_members_elements_and_escaped_keys() {
        assert_eq!(at("/id"), "\"x\"");
        assert_eq!(at("/items/1/constraints/pattern"), "\"[0-9\"");
        assert_eq!(at("/items/0/label/de"), r#""Name \"quoted\" {not a brace}""#);
        assert_eq!(at("/a~1b/~0k/2/deep"), "true");
        assert_eq!(at("/a~1b/~0k/0"), "1");
        assert!(at("").starts_with('{') && at("").ends_with('}'));
    }

    #[test]
    fn a_missing_member_shows_the_deepest_part_that_exists() {
        assert_eq!(at("/items/1/constraints/minLength"), r#"{"pattern": "[0-9"}"#);
        assert!(at("/items/7").starts_with('['));
        assert_eq!(locate("not json", "/x").map(|(s, _)| s), Some(0));
        assert_eq!(locate("{\"a\": ", "/a"), None);
    }

    #[test]
    fn line_and_column() {
        let (start, _) = locate(TEXT, "/items/1").unwrap();
        assert_eq!(line_column(TEXT, start), (6, 5));
        assert_eq!(line_column("äb\ncd", 3), (1, 3));
    }
}
