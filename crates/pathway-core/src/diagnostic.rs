//! Problems found in a data file, with where they are and how to fix them.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// How serious a problem is: errors stop a file being used, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file can still be used; someone should look.
    Warning,
    /// The file cannot be used until this is fixed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One step in the path to a value inside a document, like `routes` then `2` then `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// The path to a value inside a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldPath(pub Vec<PathSegment>);

impl FieldPath {
    /// The empty path: the whole document.
    pub fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> FieldPath {
        let mut p = self.0.clone();
        p.push(PathSegment::Key(key.to_owned()));
        FieldPath(p)
    }

    /// This path extended by an array index.
    pub fn index(&self, index: usize) -> FieldPath {
        let mut p = self.0.clone();
        p.push(PathSegment::Index(index));
        FieldPath(p)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSegment::Key(k) if i == 0 => write!(f, "{k}")?,
                PathSegment::Key(k) => write!(f, ".{k}")?,
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

impl Position {
    /// The line and column of a byte offset in `source`.
    pub fn of_offset(source: &str, offset: usize) -> Position {
        let offset = offset.min(source.len());
        let before = source.get(..offset).unwrap_or(source);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
        Position { line, column }
    }
}

/// A problem in a file: what, where and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable machine-readable code, like `unknown-level`.
    pub code: &'static str,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where in the document's structure the problem is.
    pub path: FieldPath,
    /// Where in the text the problem is, once located.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The byte range the position was taken from.
    #[serde(skip)]
    pub span: Option<Range<usize>>,
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(code: &'static str, path: FieldPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
            path,
            position: None,
            span: None,
        }
    }

    /// A warning at `path`.
    pub fn warning(code: &'static str, path: FieldPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, path, message) }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this stops the file being used.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: severity: message` followed by an indented hint line, the
    /// form editors and CI logs understand.
    pub fn render(&self, file: &str) -> String {
        let mut out = match self.position {
            Some(p) => format!("{file}:{}:{}: {}: {}", p.line, p.column, self.severity, self.message),
            None => format!("{file}: {}: {}", self.severity, self.message),
        };
        if !self.path.0.is_empty() {
            out.push_str(&format!(" [{}]", self.path));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("\n    hint: {h}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Position::of_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::of_offset(text, 6), Position { line: 2, column: 1 });
        // 'é' is two bytes but one column.
        assert_eq!(Position::of_offset(text, 9), Position { line: 2, column: 3 });
    }

    #[test]
    fn renders_like_a_compiler() {
        let mut d =
            Diagnostic::error("unknown-level", FieldPath::root().key("routes").index(2).key("to"), "no level `x`")
                .with_hint("declare it under [[levels]]");
        d.position = Some(Position { line: 40, column: 6 });
        assert_eq!(
            d.render("f.toml"),
            "f.toml:40:6: error: no level `x` [routes[2].to]\n    hint: declare it under [[levels]]"
        );
    }
}
