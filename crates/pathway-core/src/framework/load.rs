//! Reading a framework file: TOML syntax, then shape, then meaning. Every problem found
//! at each stage is reported at once, with a line and column.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::criterion;
use super::model::{
    About, Anomaly, Appraisal, AsyePolicy, CareerGrade, EligibilityExceptions, ExternalApplicants, FastTrack,
    Framework, Grade, LearningOffer, Level, PayPoint, PaySettings, Role, Route,
};
use super::validate::validate;
use crate::diagnostic::{Diagnostic, FieldPath, PathSegment, Position};

/// The result of reading a framework file.
#[derive(Debug)]
pub struct Loaded {
    /// The framework, present only when there are no errors.
    pub framework: Option<Framework>,
    /// Every problem found, errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Read and validate a framework from the raw bytes of a file. A file that is not UTF-8 is
/// reported at the line and column of its first bad byte. Never panics.
pub fn load_bytes(bytes: &[u8]) -> Loaded {
    match utf8_text(bytes) {
        Ok(text) => load(text),
        Err(diagnostic) => Loaded { framework: None, diagnostics: vec![*diagnostic] },
    }
}

/// The bytes of a file as text, or a diagnostic at the line and column of the first byte
/// that is not UTF-8 (a file saved in a Windows code page often has a `£` or a curly quote
/// that is).
pub fn utf8_text(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        // The prefix up to the bad byte is valid UTF-8 by definition.
        let before = std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or_default();
        let bad = bytes.get(valid).copied().unwrap_or_default();
        let mut d = Diagnostic::error(
            "invalid-utf8",
            FieldPath::root(),
            format!("byte 0x{bad:02X} is not valid UTF-8; the file must be saved as UTF-8"),
        )
        .with_hint(
            "save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\"); the byte is often a £ sign, a dash or a curly quote written in another encoding",
        );
        d.position = Some(Position::of_offset(before, valid));
        d.span = Some(valid..valid + 1);
        Box::new(d)
    })
}

/// Read and validate a framework from the text of a file. Never panics.
pub fn load(source: &str) -> Loaded {
    let (doc, syntax_errors) = DeTable::parse_recoverable(source);
    if !syntax_errors.is_empty() {
        let diagnostics = syntax_errors
            .into_iter()
            .map(|e| match e.span() {
                Some(span) => located(
                    Diagnostic::error("syntax", FieldPath::root(), first_line(e.message()))
                        .with_hint("this is not valid TOML; see https://toml.io for the syntax"),
                    source,
                    Some(span),
                ),
                // The parser gives up on nesting too deep without saying where: point at the
                // most deeply nested line.
                None => located(
                    Diagnostic::error(
                        "syntax",
                        FieldPath::root(),
                        format!("{} (nesting too deep)", first_line(e.message())),
                    )
                    .with_hint(
                        "tables, arrays or dotted keys are nested deeper than any framework needs; flatten them",
                    ),
                    source,
                    Some(most_nested_line(source)),
                ),
            })
            .collect();
        return Loaded { framework: None, diagnostics };
    }

    let mut diagnostics = check_shape(doc.get_ref(), source);
    if diagnostics.is_empty() {
        match Framework::deserialize_from(doc.clone()) {
            Ok(framework) => {
                let mut semantic = validate(&framework);
                for d in &mut semantic {
                    let span = span_of(doc.get_ref(), &d.path);
                    *d = located(d.clone(), source, span);
                }
                diagnostics.extend(semantic);
                sort_by_position(&mut diagnostics);
                let framework = (!diagnostics.iter().any(Diagnostic::is_error)).then(|| with_range_points(framework));
                return Loaded { framework, diagnostics };
            }
            Err(e) => diagnostics.push(from_de_error(&e, source, FieldPath::root())),
        }
    }
    sort_by_position(&mut diagnostics);
    Loaded { framework: None, diagnostics }
}

/// A grade published as a range gets its two known points, named `minimum` and `maximum`,
/// so records, placements and increments can stand on them like on any other point. The
/// validator has made sure such a grade lists no points of its own.
fn with_range_points(mut framework: Framework) -> Framework {
    for grade in &mut framework.grades {
        if let Some(range) = grade.range.clone() {
            let [bottom, top] = crate::pay::RANGE_POINTS;
            grade.points_complete = false;
            grade.points = [(bottom, range.minimum), (top, range.maximum)]
                .into_iter()
                .map(|(name, amount)| PayPoint {
                    point: name.to_owned(),
                    scp: None,
                    salary: Some(amount),
                    salaries: Vec::new(),
                    anomaly: None,
                })
                .collect();
        }
    }
    framework
}

impl Framework {
    fn deserialize_from(doc: Spanned<DeTable<'_>>) -> Result<Framework, toml::de::Error> {
        let span = doc.span();
        let value = Spanned::new(span, DeValue::Table(doc.into_inner()));
        Framework::deserialize(ValueDeserializer::from(value))
    }
}

use serde::Deserialize;

const TOP_LEVEL: &[(&str, &str)] = &[
    ("format", "the file format version: `format = 1`"),
    ("framework", "[framework]: id, authority, service, title, version, effective_from, source"),
    ("pay", "[pay]: salaries, allowances, increments, placement"),
    ("roles", "[[roles]]: people who assess, decide and sign off"),
    ("grades", "[[grades]]: pay grades and their points"),
    ("levels", "[[levels]]: the career levels"),
    ("routes", "[[routes]]: ways to move between levels"),
    ("career_grades", "[[career_grades]]: named groups of neighbouring levels"),
    ("asye", "[asye]: the ASYE arrangements"),
    ("external_applicants", "[external_applicants]"),
    ("fast_track", "[fast_track]"),
    ("eligibility_exceptions", "[eligibility_exceptions]: who may let unmet criteria pass"),
    ("appraisal", "[appraisal]"),
    ("learning_offers", "[[learning_offers]]"),
    ("anomalies", "[[anomalies]]: problems in the source kept on purpose"),
];

/// Check each part of the file against its expected shape separately, so one mistyped
/// field does not hide problems in other parts.
fn check_shape(doc: &DeTable<'_>, source: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for required in ["format", "framework"] {
        if !doc.keys().any(|k| k.get_ref() == required) {
            out.push(located(
                Diagnostic::error(
                    "missing-field",
                    FieldPath::root().key(required),
                    format!("the file has no `{required}`"),
                )
                .with_hint(format!(
                    "add {}",
                    TOP_LEVEL.iter().find(|(k, _)| *k == required).map(|(_, h)| *h).unwrap_or(required)
                )),
                source,
                Some(0..0),
            ));
        }
    }
    for (key, value) in doc.iter() {
        let name = key.get_ref().as_ref();
        let path = FieldPath::root().key(name);
        let part = |out: &mut Vec<Diagnostic>, problem: Option<Diagnostic>| out.extend(problem);
        match name {
            "format" => part(&mut out, check_as::<i64>(value, source, &path)),
            "framework" => part(&mut out, check_as::<About>(value, source, &path)),
            "pay" => part(&mut out, check_as::<PaySettings>(value, source, &path)),
            "asye" => part(&mut out, check_as::<AsyePolicy>(value, source, &path)),
            "external_applicants" => part(&mut out, check_as::<ExternalApplicants>(value, source, &path)),
            "fast_track" => part(&mut out, check_as::<FastTrack>(value, source, &path)),
            "eligibility_exceptions" => part(&mut out, check_as::<EligibilityExceptions>(value, source, &path)),
            "appraisal" => part(&mut out, check_as::<Appraisal>(value, source, &path)),
            "roles" => out.extend(check_each::<Role>(value, source, &path)),
            "grades" => out.extend(check_each::<Grade>(value, source, &path)),
            "levels" => out.extend(check_each::<Level>(value, source, &path)),
            "routes" => out.extend(check_each::<Route>(value, source, &path)),
            "career_grades" => out.extend(check_each::<CareerGrade>(value, source, &path)),
            "learning_offers" => out.extend(check_each::<LearningOffer>(value, source, &path)),
            "anomalies" => out.extend(check_each::<Anomaly>(value, source, &path)),
            other => out.push(located(
                Diagnostic::error("unknown-field", path.clone(), format!("unknown section `{other}`")).with_hint(
                    format!(
                        "a framework file has: {}",
                        TOP_LEVEL.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                    ),
                ),
                source,
                Some(key.span()),
            )),
        }
    }
    out
}

fn check_as<T: DeserializeOwned>(value: &Spanned<DeValue<'_>>, source: &str, path: &FieldPath) -> Option<Diagnostic> {
    T::deserialize(ValueDeserializer::from(value.clone())).err().map(|e| {
        let path = match e.span() {
            Some(span) => path_at(value, path.clone(), span.start),
            None => path.clone(),
        };
        from_de_error(&e, source, path)
    })
}

/// The path of the deepest value under `value` whose span contains `offset`, so a type
/// error names `asye.decided_by`, not just `asye`.
fn path_at(value: &Spanned<DeValue<'_>>, mut path: FieldPath, offset: usize) -> FieldPath {
    let mut current = value;
    loop {
        let next = match current.get_ref() {
            DeValue::Table(t) => t.iter().find_map(|(k, v)| {
                let here = holds(v, offset) || k.span().contains(&offset);
                here.then(|| (PathSegment::Key(k.get_ref().to_string()), v))
            }),
            DeValue::Array(a) => {
                a.iter().enumerate().find(|(_, v)| holds(v, offset)).map(|(i, v)| (PathSegment::Index(i), v))
            }
            _ => None,
        };
        match next {
            Some((seg, v)) => {
                path.0.push(seg);
                current = v;
            }
            None => return path,
        }
    }
}

/// Whether `offset` falls inside `value`. A table written under a header (`[[routes]]`,
/// `[[routes.criteria]]`) spans only its header, with its fields and sub-tables spread over
/// the lines after it, so look inside as well.
fn holds(value: &Spanned<DeValue<'_>>, offset: usize) -> bool {
    value.span().contains(&offset)
        || match value.get_ref() {
            DeValue::Array(items) => items.iter().any(|item| holds(item, offset)),
            DeValue::Table(table) => table.iter().any(|(k, v)| k.span().contains(&offset) || holds(v, offset)),
            _ => false,
        }
}

fn check_each<T: DeserializeOwned>(value: &Spanned<DeValue<'_>>, source: &str, path: &FieldPath) -> Vec<Diagnostic> {
    match value.get_ref() {
        DeValue::Array(items) => {
            items.iter().enumerate().filter_map(|(i, item)| check_as::<T>(item, source, &path.index(i))).collect()
        }
        other => vec![located(
            Diagnostic::error(
                "wrong-type",
                path.clone(),
                format!("`{path}` must be a list of tables, not {}", other.type_str()),
            )
            .with_hint(format!("write each entry under its own [[{path}]] header")),
            source,
            Some(value.span()),
        )],
    }
}

fn from_de_error(e: &toml::de::Error, source: &str, path: FieldPath) -> Diagnostic {
    let message = first_line(e.message());
    if let Some((code, hint)) = criterion::shape_problem(&message) {
        return located(Diagnostic::error(code, path, message).with_hint(hint), source, e.span());
    }
    let hint = if message.starts_with("unknown field") {
        "check the spelling; frameworks/README.md lists every field"
    } else if message.starts_with("missing field") {
        "add the field; frameworks/README.md says what it means"
    } else if message.starts_with("unknown variant") {
        "use one of the values listed in the message"
    } else {
        "see frameworks/README.md for the expected type"
    };
    let code = if message.starts_with("unknown field") {
        "unknown-field"
    } else if message.starts_with("missing field") {
        "missing-field"
    } else {
        "wrong-type"
    };
    located(Diagnostic::error(code, path, message).with_hint(hint), source, e.span())
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// The byte range of the line with the most brackets, braces and dots: where a file nests
/// deepest.
fn most_nested_line(source: &str) -> Range<usize> {
    let mut best = (0, 0..0);
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let depth = line.bytes().filter(|b| matches!(b, b'[' | b'{' | b'.')).count();
        if depth > best.0 {
            best = (depth, start..start + line.trim_end().len());
        }
        start += line.len();
    }
    best.1
}

fn located(mut d: Diagnostic, source: &str, span: Option<Range<usize>>) -> Diagnostic {
    if let Some(span) = span {
        d.position = Some(Position::of_offset(source, span.start));
        d.span = Some(span);
    }
    d
}

fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.span.as_ref().map(|s| s.start).unwrap_or(usize::MAX), d.severity));
}

/// The span of the deepest value along `path` that exists in the document.
fn span_of(doc: &DeTable<'_>, path: &FieldPath) -> Option<Range<usize>> {
    let mut segments = path.0.iter();
    let first = match segments.next()? {
        PathSegment::Key(k) => k,
        PathSegment::Index(_) => return None,
    };
    let (key, mut current) = doc.get_key_value(first.as_str())?;
    let mut best = if path.0.len() == 1 { current.span() } else { key.span() };
    for seg in segments {
        let next = match (seg, current.get_ref()) {
            (PathSegment::Key(k), DeValue::Table(t)) => t.get(k.as_str()),
            (PathSegment::Index(i), DeValue::Array(a)) => a.get(*i),
            _ => None,
        };
        match next {
            Some(v) => {
                current = v;
                best = v.span();
            }
            None => break,
        }
    }
    Some(best)
}
