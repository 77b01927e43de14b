//! The anonymisation check: before evidence goes to a panel, Pathway flags details in its text
//! that could identify a child, a family or anyone else in it (names, dates of birth,
//! addresses, postcodes, NHS numbers, phone numbers, emails, case references), with where
//! they are. The author fixes the text or clears each flag with a reason; only then is the
//! item ready for a panel.
//!
//! The check is a careful reader's heuristics, not a guarantee: it over-flags on purpose
//! (a false alarm costs the author one click, a missed name costs a family its privacy), and
//! the author stays responsible for what they submit.
//!
//! Pure and linear in the text: patterns use the `regex` crate, which never backtracks.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Position;
use crate::framework::Framework;
use crate::workforce::{InvalidValue, Note};

// ---------------------------------------------------------------------------------------
// Flags

/// What kind of identifying detail a flag points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// A person's name ("Ms Kelly Harris", "Jayden's").
    PersonName,
    /// A date of birth ("DOB 03/02/2017", "born on 3 February 2017").
    DateOfBirth,
    /// Any other full date; identifying only in combination, so low severity.
    Date,
    /// A street address ("14 Rochester Road").
    Address,
    /// A UK postcode ("ME4 4TR").
    Postcode,
    /// An NHS number that passes the modulus-11 check ("943 476 5919").
    NhsNumber,
    /// A UK phone number.
    PhoneNumber,
    /// An email address.
    Email,
    /// A case reference from a case management system ("Mosaic 1234567", "CP-20431").
    CaseReference,
}

impl FlagKind {
    /// The stable code used in storage and the API.
    pub const fn code(self) -> &'static str {
        match self {
            FlagKind::PersonName => "person-name",
            FlagKind::DateOfBirth => "date-of-birth",
            FlagKind::Date => "date",
            FlagKind::Address => "address",
            FlagKind::Postcode => "postcode",
            FlagKind::NhsNumber => "nhs-number",
            FlagKind::PhoneNumber => "phone-number",
            FlagKind::Email => "email",
            FlagKind::CaseReference => "case-reference",
        }
    }

    /// What it is, in words an author understands.
    pub const fn describe(self) -> &'static str {
        match self {
            FlagKind::PersonName => "a person's name",
            FlagKind::DateOfBirth => "a date of birth",
            FlagKind::Date => "a date",
            FlagKind::Address => "a street address",
            FlagKind::Postcode => "a postcode",
            FlagKind::NhsNumber => "an NHS number",
            FlagKind::PhoneNumber => "a phone number",
            FlagKind::Email => "an email address",
            FlagKind::CaseReference => "a case reference",
        }
    }
}

impl fmt::Display for FlagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How likely a flag is to identify someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlagSeverity {
    /// Identifying only in combination (a visit date).
    Low,
    /// Possibly identifying (a capitalised word that may be a name or a place).
    Medium,
    /// Almost certainly identifying (a name after "Ms", a postcode, an NHS number).
    High,
}

impl fmt::Display for FlagSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FlagSeverity::Low => "low",
            FlagSeverity::Medium => "medium",
            FlagSeverity::High => "high",
        })
    }
}

/// One likely identifying detail in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// What it looks like.
    pub kind: FlagKind,
    /// How likely it is to identify someone.
    pub severity: FlagSeverity,
    /// Byte offset where it starts (always on a character boundary).
    pub start: usize,
    /// Byte offset just past its end (always on a character boundary).
    pub end: usize,
    /// 1-based line and column (in characters) of `start`.
    pub position: Position,
    /// The flagged text as written.
    pub text: String,
    /// Why it was flagged, in plain English.
    pub reason: String,
}

impl Flag {
    /// "line 3, column 12: `Ms Kelly Harris` looks like a person's name (a title followed by a name)".
    pub fn describe(&self) -> String {
        format!(
            "line {}, column {}: `{}` looks like {} ({})",
            self.position.line,
            self.position.column,
            self.text,
            self.kind.describe(),
            self.reason
        )
    }
}

// ---------------------------------------------------------------------------------------
// Allow-list and case reference patterns

/// Words and phrases an author or authority declares safe: models of practice ("Signs of
/// Safety"), team names, role titles, the authority's own name. Matched whole-word, ignoring
/// case; a flag wholly inside an allowed phrase is dropped.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    phrases: Vec<String>,
}

/// Phrases that appear in almost every social work portfolio and identify nobody.
const STANDARD_ALLOWED: &[&str] = &[
    "Signs of Safety",
    "Social Work England",
    "Research in Practice",
    "Motivational Interviewing",
    "Children's Social Care",
    "Adult Social Care",
    "Child Protection",
    "Child in Need",
    "Looked After Child",
    "Team Around the Family",
    "Working Together",
    "Children Act",
    "Family Group Conference",
    "Graded Care Profile",
    "Professional Capabilities Framework",
    "Knowledge and Skills Statement",
    "Assessed and Supported Year in Employment",
    "Practice Educator",
    "Independent Reviewing Officer",
    "Team Manager",
    "Service Manager",
    "Head of Service",
    "Senior Practitioner",
    "Public Law Outline",
    "Ofsted",
    "Barnardo's",
    "NSPCC",
    "Child and Adolescent Mental Health Services",
];

impl AllowList {
    /// An allow-list of exactly these phrases (empty phrases are ignored).
    pub fn new<I, S>(phrases: I) -> AllowList
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = AllowList::default();
        list.extend(phrases);
        list
    }

    /// The phrases every portfolio uses: models of practice, national bodies, role titles.
    pub fn standard() -> AllowList {
        AllowList::new(STANDARD_ALLOWED)
    }

    /// The standard phrases plus a framework's own: the authority and service, role and
    /// level names, and learning offers ("Bexley Coaching/Mentoring Academy").
    pub fn for_framework(framework: &Framework) -> AllowList {
        let about = &framework.framework;
        let mut list = AllowList::standard();
        list.extend([&about.authority, &about.service, &about.title]);
        // "London Borough of Bexley" is also written "Bexley".
        list.extend(about.authority.split_whitespace().filter(|w| w.chars().count() > 3 && !is_common(w)));
        list.extend(framework.roles.iter().map(|r| &r.name));
        list.extend(framework.levels.iter().flat_map(|l| std::iter::once(&l.name).chain(&l.aliases)));
        list.extend(framework.learning_offers.iter().map(|o| &o.name));
        list
    }

    /// Add phrases (a team name, the author's own name).
    pub fn extend<I, S>(&mut self, phrases: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for p in phrases {
            let p = p.as_ref().split_whitespace().collect::<Vec<_>>().join(" ");
            if !p.is_empty() && !self.phrases.iter().any(|q| q.eq_ignore_ascii_case(&p)) {
                self.phrases.push(p);
            }
        }
    }

    /// The phrases, as given.
    pub fn phrases(&self) -> &[String] {
        &self.phrases
    }
}

/// One expression matching every allowed phrase; `None` for an empty list. Phrases are
/// escaped, so only sheer size can stop it compiling, and then the scanner is refused rather
/// than flagging the author's own words without saying why.
fn build_allow_matcher(phrases: &[String]) -> Result<Option<Regex>, InvalidValue> {
    if phrases.is_empty() {
        return Ok(None);
    }
    // Longest first, so "Head of Service" wins over "Head".
    let mut sorted: Vec<&String> = phrases.iter().collect();
    sorted.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let alternatives: Vec<String> = sorted
        .iter()
        .map(|p| {
            let body = regex::escape(p).replace(['\'', '’'], "['’]").replace(' ', r"\s+");
            let open = if p.starts_with(|c: char| c.is_alphanumeric()) { r"\b" } else { "" };
            let close = if p.ends_with(|c: char| c.is_alphanumeric()) { r"\b" } else { "" };
            format!("{open}{body}{close}")
        })
        .collect();
    RegexBuilder::new(&alternatives.join("|")).case_insensitive(true).size_limit(50 << 20).build().map(Some).map_err(
        |e| {
            InvalidValue::new(
                "allow-list",
                format!("{} phrases", phrases.len()),
                format!("cannot be matched as one pattern: {e}"),
            )
        },
    )
}

/// A format of case reference to flag, such as Mosaic person ids or `CP-` plan numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "CaseReferenceParts", into = "CaseReferenceParts")]
pub struct CaseReferencePattern {
    label: String,
    pattern: String,
    severity: FlagSeverity,
    regex: Regex,
}

/// A case reference pattern as a settings file writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseReferenceParts {
    /// What the reference is, e.g. "Mosaic person id".
    pub label: String,
    /// A regular expression (Rust `regex` syntax) matching the reference.
    pub pattern: String,
    /// How likely a match is to identify someone; high unless said otherwise.
    #[serde(default = "high")]
    pub severity: FlagSeverity,
}

fn high() -> FlagSeverity {
    FlagSeverity::High
}

impl TryFrom<CaseReferenceParts> for CaseReferencePattern {
    type Error = InvalidValue;
    fn try_from(p: CaseReferenceParts) -> Result<CaseReferencePattern, InvalidValue> {
        CaseReferencePattern::with_severity(&p.label, &p.pattern, p.severity)
    }
}

impl From<CaseReferencePattern> for CaseReferenceParts {
    fn from(p: CaseReferencePattern) -> CaseReferenceParts {
        CaseReferenceParts { label: p.label, pattern: p.pattern, severity: p.severity }
    }
}

impl CaseReferencePattern {
    /// A high-severity pattern; refused if the expression does not compile or can match
    /// empty text.
    pub fn new(label: &str, pattern: &str) -> Result<CaseReferencePattern, InvalidValue> {
        CaseReferencePattern::with_severity(label, pattern, FlagSeverity::High)
    }

    /// A pattern with its own severity.
    pub fn with_severity(
        label: &str,
        pattern: &str,
        severity: FlagSeverity,
    ) -> Result<CaseReferencePattern, InvalidValue> {
        let label = label.trim();
        if label.is_empty() {
            return Err(InvalidValue::new("case reference label", label, "must not be empty"));
        }
        let regex = RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|e| {
            InvalidValue::new("case reference pattern", pattern, format!("is not a valid pattern: {e}"))
        })?;
        if regex.is_match("") {
            return Err(InvalidValue::new("case reference pattern", pattern, "must not match empty text"));
        }
        Ok(CaseReferencePattern { label: label.to_owned(), pattern: pattern.to_owned(), severity, regex })
    }

    /// What the reference is.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The regular expression.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The formats flagged when an authority configures none: Mosaic and LCS ids, child
    /// protection / child in need / looked-after plan prefixes, family court case numbers,
    /// "case number: …" and (medium) any long run of digits. An error only if one of these
    /// built-in patterns fails to compile, which [`check_built_in_patterns`] finds at start-up.
    pub fn defaults() -> Result<Vec<CaseReferencePattern>, InvalidValue> {
        built_in().map(|b| b.case_references.clone())
    }
}

/// The default case reference formats: label, pattern, severity.
const DEFAULT_CASE_REFERENCES: &[(&str, &str, FlagSeverity)] = &[
    (
        "Mosaic id",
        r"(?i)\bmosaic\s*(?:person\s*)?(?:id|no\.?|number|ref(?:erence)?)?\s*[:#]?\s*\d{4,}\b",
        FlagSeverity::High,
    ),
    ("LCS id", r"(?i)\blcs\s*(?:id|no\.?|number|ref(?:erence)?)?\s*[:#-]?\s*\d{4,}\b", FlagSeverity::High),
    (
        "plan or case number (CP-, CIN-, LAC-, ...)",
        r"\b(?:CP|CPP|CIN|LAC|CLA|CIC|CiC|EH|EHA|PLO)(?:[-/][A-Za-z0-9/-]*\d[A-Za-z0-9/-]*|\s?\d{3,}\b)",
        FlagSeverity::High,
    ),
    ("family court case number", r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b", FlagSeverity::High),
    (
        "case or person number",
        r"(?i)\b(?:case|client|person|child|family)\s*(?:id|no\.?|number|ref(?:erence)?)\s*[:#]?\s*[A-Za-z0-9-]*\d[A-Za-z0-9-]*",
        FlagSeverity::High,
    ),
    ("long number", r"\b\d{6,}\b", FlagSeverity::Medium),
];

// ---------------------------------------------------------------------------------------
// The scanner

/// Finds likely identifying details in text, given an allow-list and case reference formats.
/// Only built when every pattern it uses compiles, so a scan never skips a check.
#[derive(Debug, Clone)]
pub struct Scanner {
    built_in: &'static BuiltIn,
    allow: AllowList,
    allowed: Option<Regex>,
    case_references: Vec<CaseReferencePattern>,
}

impl Scanner {
    /// A scanner with this allow-list and these case reference formats; refused if a
    /// built-in pattern or the allow-list's matcher does not compile.
    pub fn new(allow: AllowList, case_references: Vec<CaseReferencePattern>) -> Result<Scanner, InvalidValue> {
        let allowed = build_allow_matcher(&allow.phrases)?;
        Ok(Scanner { built_in: built_in()?, allow, allowed, case_references })
    }

    /// The standard allow-list and the default case reference formats.
    pub fn standard() -> Result<Scanner, InvalidValue> {
        Scanner::new(AllowList::standard(), CaseReferencePattern::defaults()?)
    }

    /// The allow-list.
    pub fn allow_list(&self) -> &AllowList {
        &self.allow
    }

    /// Every likely identifying detail in `text`, in order of position. Overlapping
    /// findings are merged to the most severe (then the longest).
    pub fn scan(&self, text: &str) -> Vec<Flag> {
        let mut found: Vec<Finding> = Vec::new();
        find_structured(&self.built_in.structured, text, &mut found);
        for c in &self.case_references {
            for m in c.regex.find_iter(text) {
                found.push(Finding {
                    kind: FlagKind::CaseReference,
                    severity: c.severity,
                    start: m.start(),
                    end: m.end(),
                    reason: format!("matches the {} format", c.label),
                });
            }
        }
        find_names(&self.built_in.word, text, &mut found);

        let allowed: Vec<(usize, usize)> = match &self.allowed {
            Some(matcher) => matcher.find_iter(text).map(|m| (m.start(), m.end())).collect(),
            None => Vec::new(),
        };
        // Allowed ranges come from one regex, so they are in order and do not overlap.
        found.retain(|f| {
            let i = allowed.partition_point(|(s, _)| *s <= f.start);
            f.start < f.end && !(i > 0 && allowed[i - 1].1 >= f.end)
        });
        let kept = resolve_overlaps(found);
        locate(text, kept)
    }
}

/// Scan `text` with the standard allow-list and the default case reference formats.
pub fn scan(text: &str) -> Result<Vec<Flag>, InvalidValue> {
    Ok(Scanner::standard()?.scan(text))
}

/// Compile every pattern the scanner is built on, so a service refuses to start with a
/// broken one instead of finding out when the first author asks for a check.
pub fn check_built_in_patterns() -> Result<(), InvalidValue> {
    built_in().map(|_| ())
}

/// The scanner's own patterns, compiled once for the life of the process.
#[derive(Debug)]
struct BuiltIn {
    structured: Patterns,
    /// What counts as a word when looking for names.
    word: Regex,
    case_references: Vec<CaseReferencePattern>,
}

fn built_in() -> Result<&'static BuiltIn, InvalidValue> {
    static CELL: OnceLock<Result<BuiltIn, InvalidValue>> = OnceLock::new();
    CELL.get_or_init(BuiltIn::compile).as_ref().map_err(Clone::clone)
}

impl BuiltIn {
    fn compile() -> Result<BuiltIn, InvalidValue> {
        let case_references = DEFAULT_CASE_REFERENCES
            .iter()
            .map(|(label, pattern, severity)| CaseReferencePattern::with_severity(label, pattern, *severity))
            .collect::<Result<_, _>>()?;
        Ok(BuiltIn {
            structured: Patterns::compile()?,
            word: compile("word", r"\p{L}[\p{L}\p{M}'’-]*")?,
            case_references,
        })
    }
}

/// A built-in pattern, or an error naming it.
fn compile(name: &str, pattern: &str) -> Result<Regex, InvalidValue> {
    Regex::new(pattern).map_err(|e| {
        InvalidValue::new("anonymisation pattern", name, format!("does not compile, so the check cannot run: {e}"))
    })
}

struct Finding {
    kind: FlagKind,
    severity: FlagSeverity,
    start: usize,
    end: usize,
    reason: String,
}

#[derive(Debug)]
struct Patterns {
    email: Regex,
    postcode: Regex,
    nhs: Regex,
    phone: Regex,
    numeric_date: Regex,
    iso_date: Regex,
    day_month_year: Regex,
    month_day_year: Regex,
    born_month_year: Regex,
    birth_keyword: Regex,
    numbered_address: Regex,
    street_name: Regex,
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const STREET_TYPES: &str = "Road|Rd|Street|St|Avenue|Ave|Close|Lane|Drive|Way|Crescent|Place|Gardens|Grove|Court|\
                            Terrace|Hill|Park|Square|Rise|Walk|Mews|View|Row|Green|Parade|Vale|Gate";

impl Patterns {
    fn compile() -> Result<Patterns, InvalidValue> {
        Ok(Patterns {
            email: compile("email", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")?,
            postcode: compile(
                "postcode",
                r"(?i)\b(?:[A-PR-UWYZ][A-HK-Y]?[0-9][A-HJKPSTUW0-9]?) ?[0-9][ABD-HJLNP-UW-Z]{2}\b",
            )?,
            nhs: compile("NHS number", r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")?,
            phone: compile(
                "phone number",
                r"(?:\+44\s?(?:\(0\)\s?)?\d(?:[\s-]?\d){8,9}\b|\b0\d(?:[\s-]?\d){8,9}\b|\(0\d{2,4}\)\s?\d{3,4}[\s-]?\d{3,4}\b)",
            )?,
            numeric_date: compile("numeric date", r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")?,
            iso_date: compile("ISO date", r"\b(\d{4})-(\d{2})-(\d{2})\b")?,
            day_month_year: compile(
                "day month year",
                &format!(r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?,?\s+\d{{4}}\b"),
            )?,
            month_day_year: compile(
                "month day year",
                &format!(r"(?i)\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"),
            )?,
            born_month_year: compile("born month year", &format!(r"(?i)\bborn\s+(?:in\s+)?({MONTH}\s+\d{{4}})\b"))?,
            birth_keyword: compile("birth keyword", r"(?i)\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth|born|birthday)")?,
            numbered_address: compile(
                "numbered address",
                &format!(
                    r"\b(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’-]+\s+){{1,3}}(?:{STREET_TYPES})\b"
                ),
            )?,
            street_name: compile(
                "street name",
                r"\b(?:[A-Z][a-z'’-]+\s+){1,2}(?:Road|Street|Avenue|Close|Lane|Drive|Crescent|Gardens|Grove|Terrace|Mews)\b",
            )?,
        })
    }
}

fn push(found: &mut Vec<Finding>, kind: FlagKind, severity: FlagSeverity, start: usize, end: usize, reason: &str) {
    found.push(Finding { kind, severity, start, end, reason: reason.to_owned() });
}

fn find_structured(p: &Patterns, text: &str, found: &mut Vec<Finding>) {
    for m in p.email.find_iter(text) {
        push(found, FlagKind::Email, FlagSeverity::High, m.start(), m.end(), "an email address");
    }
    for m in p.postcode.find_iter(text) {
        if m.as_str().chars().any(|c| c.is_ascii_lowercase()) {
            // Postcodes are written in capitals; in lower case the shape is less certain.
            push(found, FlagKind::Postcode, FlagSeverity::Medium, m.start(), m.end(), "a UK postcode in lower case");
        } else {
            push(found, FlagKind::Postcode, FlagSeverity::High, m.start(), m.end(), "a full UK postcode");
        }
    }
    for m in p.nhs.find_iter(text) {
        if nhs_number_is_valid(m.as_str()) {
            push(
                found,
                FlagKind::NhsNumber,
                FlagSeverity::High,
                m.start(),
                m.end(),
                "ten digits with a valid check digit",
            );
        }
    }
    for m in p.phone.find_iter(text) {
        push(found, FlagKind::PhoneNumber, FlagSeverity::High, m.start(), m.end(), "a UK phone number");
    }
    for m in p.numbered_address.find_iter(text) {
        push(found, FlagKind::Address, FlagSeverity::High, m.start(), m.end(), "a house number and street");
    }
    for m in p.street_name.find_iter(text) {
        push(found, FlagKind::Address, FlagSeverity::Medium, m.start(), m.end(), "a street name");
    }

    let keywords: Vec<(usize, usize)> = p.birth_keyword.find_iter(text).map(|m| (m.start(), m.end())).collect();
    let near_birth = |start: usize, end: usize| {
        keywords.iter().any(|(ks, ke)| {
            (*ke <= start && start - ke <= 30 && !sentence_break(text, *ke, start))
                || (*ks >= end && ks - end <= 8 && !sentence_break(text, end, *ks))
        })
    };
    let mut dates: Vec<(usize, usize)> = Vec::new();
    for c in p.numeric_date.captures_iter(text) {
        let (Some(all), Some(d), Some(m)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let (day, month) = (d.as_str().parse::<u32>().unwrap_or(0), m.as_str().parse::<u32>().unwrap_or(0));
        if (1..=31).contains(&day) && (1..=12).contains(&month) {
            dates.push((all.start(), all.end()));
        }
    }
    for c in p.iso_date.captures_iter(text) {
        let (Some(all), Some(m), Some(d)) = (c.get(0), c.get(2), c.get(3)) else { continue };
        let (day, month) = (d.as_str().parse::<u32>().unwrap_or(0), m.as_str().parse::<u32>().unwrap_or(0));
        if (1..=31).contains(&day) && (1..=12).contains(&month) {
            dates.push((all.start(), all.end()));
        }
    }
    dates.extend(p.day_month_year.find_iter(text).map(|m| (m.start(), m.end())));
    dates.extend(p.month_day_year.find_iter(text).map(|m| (m.start(), m.end())));
    for (start, end) in dates {
        if near_birth(start, end) {
            push(found, FlagKind::DateOfBirth, FlagSeverity::High, start, end, "a date next to \"born\" or \"DOB\"");
        } else {
            push(found, FlagKind::Date, FlagSeverity::Low, start, end, "a full date");
        }
    }
    for c in p.born_month_year.captures_iter(text) {
        if let Some(m) = c.get(1) {
            push(found, FlagKind::DateOfBirth, FlagSeverity::High, m.start(), m.end(), "the month and year of birth");
        }
    }
}

/// Whether something stands between a birth keyword and a date: the end of a sentence (so
/// "born" in one sentence does not make a date in the next a date of birth) or another
/// number (so only the first date after "DOB" is the date of birth).
fn sentence_break(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_none_or(|s| s.contains(['\n', '!', '?']) || s.contains(". ") || s.contains(|c: char| c.is_ascii_digit()))
}

/// The NHS number check: ten digits whose last is the modulus-11 check digit of the first
/// nine (weights 10 down to 2). Spaces and hyphens are ignored.
pub fn nhs_number_is_valid(text: &str) -> bool {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits.iter().take(9).zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    digits[9] == check
}

// ---------------------------------------------------------------------------------------
// Names

/// Titles that come before a surname.
const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "master"];

/// Common UK first names across ages and communities, written for Pathway. Words that are
/// also common English words ("Will", "May", "Hope") are left out: their capital letter at
/// the start of a sentence would flag too often.
#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    // Children and young people
    "jayden", "oliver", "harry", "george", "noah", "jack", "leo", "oscar", "charlie", "freddie", "alfie", "theo",
    "archie", "arthur", "muhammad", "mohammed", "mohammad", "ethan", "mason", "logan", "riley", "tyler", "kai",
    "reece", "callum", "kyle", "liam", "connor", "jake", "lewis", "ryan", "dylan", "harvey", "bailey", "finley",
    "jamie", "tommy", "lucas", "isaac", "aaron", "brandon", "olivia", "amelia", "isla", "ava", "mia", "ivy", "lily",
    "freya", "florence", "sophia", "sophie", "emily", "isabella", "poppy", "ella", "evie", "chloe", "jessica",
    "megan", "paige", "courtney", "chelsea", "jasmine", "leah", "holly", "ellie", "lacey", "skye", "kayla", "tia",
    "aaliyah", "layla", "zara", "aisha", "fatima", "maryam", "amira", "nevaeh", "imogen", "millie", "lola", "daisy",
    "ruby", "maisie", "kian", "jaxon", "tilly", "keira",
    // Adults: parents, carers, relatives, professionals
    "kelly", "sarah", "michelle", "lisa", "nicola", "emma", "claire", "gemma", "donna", "tracey", "karen", "joanne",
    "samantha", "rebecca", "hayley", "stacey", "leanne", "kirsty", "natalie", "laura", "amy", "charlotte", "danielle",
    "victoria", "rachel", "louise", "helen", "julie", "sharon", "angela", "susan", "deborah", "amanda", "jennifer",
    "catherine", "elizabeth", "margaret", "patricia", "linda", "barbara", "priya", "sadia", "nadia", "shanice",
    "chantelle", "abimbola", "chidi", "adebayo", "kwame", "kofi", "tariq", "imran", "bilal", "hassan", "omar",
    "ahmed", "yusuf", "ravi", "sanjay", "arjun", "darren", "wayne", "dean", "craig", "gary", "paul", "david",
    "daniel", "james", "john", "michael", "mark", "matthew", "andrew", "christopher", "steven", "stephen", "richard",
    "robert", "anthony", "jason", "shaun", "scott", "carl", "neil", "keith", "kevin", "stuart", "martin", "simon",
    "peter", "thomas", "joseph", "adam", "nathan", "jordan", "marcus", "tyrone", "leon", "jermaine", "dwayne",
    "piotr", "tomasz", "agnieszka", "katarzyna", "bogdan", "andrei", "elena", "ioana",
];

/// Words written with a capital letter in social work writing that name nobody: sentence
/// openers, kinship terms, agencies, meetings, legal orders, days and months, PCF and KSS
/// vocabulary.
#[rustfmt::skip]
const COMMON_WORDS: &[&str] = &[
    // openers and function words
    "the", "a", "an", "this", "that", "these", "those", "he", "she", "they", "we", "i", "it", "his", "her", "their",
    "our", "my", "your", "you", "when", "whilst", "while", "during", "after", "before", "following", "although",
    "however", "as", "at", "in", "on", "of", "for", "from", "with", "without", "to", "and", "but", "or", "if",
    "because", "since", "once", "then", "there", "here", "what", "which", "who", "why", "how", "where", "both",
    "each", "all", "some", "many", "most", "one", "two", "three", "four", "five", "first", "second", "third",
    "finally", "overall", "also", "further", "furthermore", "moreover", "initially", "later", "next", "today",
    "yesterday", "tomorrow", "recently", "previously", "currently", "having", "being", "using", "through", "by",
    "over", "under", "within", "about", "upon", "given", "despite", "not", "no", "yes", "please", "thank", "thanks",
    "dear", "regards", "kind", "best", "reflecting", "reflection", "looking", "going", "working", "throughout",
    "together", "between", "towards", "until", "other", "another", "such", "every", "any", "again", "still", "so",
    "therefore", "thus", "instead", "rather", "perhaps", "part", "summary", "background", "introduction",
    "conclusion", "learning", "analysis", "outcome", "outcomes", "impact", "steps", "note", "notes", "date",
    "name", "role", "title", "author", "appendix", "section", "page", "chapter",
    // people and relationships
    "mum", "mother", "dad", "father", "nan", "nanna", "grandmother", "grandfather", "grandparent", "grandparents",
    "aunt", "auntie", "uncle", "brother", "sister", "sibling", "siblings", "stepfather", "stepmother", "step",
    "parent", "parents", "carer", "carers", "foster", "kinship", "baby", "child", "children", "young", "person",
    "people", "family", "families", "partner", "boyfriend", "girlfriend", "cousin", "friend", "friends", "neighbour",
    "neighbours",
    // practice, agencies and meetings
    "social", "worker", "workers", "work", "services", "service", "care", "team", "teams", "manager", "managers",
    "senior", "practitioner", "practitioners", "practice", "head", "director", "assistant", "deputy", "officer",
    "lead", "designated", "safeguarding", "partnership", "board", "local", "authority", "council", "borough",
    "county", "district", "protection", "plan", "plans", "conference", "conferences", "core", "group",
    "groups", "strategy", "meeting", "meetings", "discussion", "assessment", "assessments", "initial", "review",
    "reviews", "reviewing", "independent", "chair", "early", "help", "looked", "need", "needs", "court", 
    "order", "orders", "interim", "emergency", "police", "powers", "protective", "public", "law", "outline",
    "pre-proceedings", "proceedings", "letter", "special", "guardianship", "guardian", "cafcass", "supervision",
    "school", "schools", "primary", "secondary", "academy", "college", "nursery", "teacher", "headteacher", "health",
    "visitor", "nurse", "midwife", "hospital", "paediatrician", "doctor", "mental", "adolescent", "adult", "adults",
    "housing", "probation", "youth", "justice", "offending", "education", "personal", "domestic", "abuse", "violence",
    "multi", "agency", "multi-agency", "risk", "referral", "referrals", "contact", "front", "door", "hub", "unit",
    "panel", "panels", "level", "levels", "reflective", "observation", "observations", "framework", "professional",
    "capabilities", "knowledge", "skills", "statement", "statements", "domain", "domains", "values", "ethics",
    "diversity", "equality", "rights", "economic", "wellbeing", "critical", "interventions", "intervention",
    "contexts", "organisations", "leadership", "neglect", "toolkit", "solution", "focused", "motivational",
    "interviewing", "systemic", "model", "theory", "attachment", "trauma", "informed", "restorative", "research",
    "evidence", "portfolio", "progression", "career", "pathway", "supervisor", "educator", "consultant", "newly",
    "qualified", "experienced", "advanced", "main", "grade", "direct", "case", "file", "audit", "report", "feedback",
    "study", "application", "act", "acts", "legislation", "guidance", "policy", "procedure", "procedures",
    "standard", "standards", "national", "life", "story", "genogram", "ecomap",
    "chronology", "visit", "visits", "home", "birth", "sections", "article", "regulation", "regulations",
    "looked-after", "leaving", "leaver", "leavers", "virtual", "mash", "camhs", "send", "ehcp", "gp",
    // calendar and places in general
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "christmas", "easter",
    "eid", "diwali", "ramadan", "covid", "english", "british", "england", "uk", "britain", "wales", "scotland",
    "ireland", "europe", "european", "african", "caribbean", "asian", "muslim", "christian", "hindu", "sikh",
    "jewish", "polish", "romanian", "turkish", "arabic", "urdu", "bengali", "somali", "internet", "google", 
    "zoom", "whatsapp", "facebook", "instagram", "snapchat", "tiktok", "youtube",
];

fn is_common(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_WORDS.iter().copied().collect()).contains(word.to_lowercase().as_str())
}

fn is_first_name(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| FIRST_NAMES.iter().copied().collect()).contains(word.to_lowercase().as_str())
}

fn is_title(word: &str) -> bool {
    TITLES.contains(&word.to_lowercase().as_str())
}

/// A word of the text, with its possessive `'s` split off.
struct Word<'t> {
    start: usize,
    /// End of the word without any possessive.
    end: usize,
    base: &'t str,
    possessive: bool,
    /// Two letters or more, the first upper case: "Jayden", "JAYDEN", "CAMHS".
    upper_initial: bool,
    /// Upper case then some lower case: "Jayden", "McKenzie", not "CAMHS".
    capitalised: bool,
    sentence_initial: bool,
}

fn words<'t>(word: &Regex, text: &'t str) -> Vec<Word<'t>> {
    word.find_iter(text)
        .map(|m| {
            let raw = m.as_str().trim_end_matches(['\'', '’', '-']);
            let (base, possessive) = match raw
                .strip_suffix("'s")
                .or_else(|| raw.strip_suffix("’s"))
                .or_else(|| raw.strip_suffix("'S"))
                .or_else(|| raw.strip_suffix("’S"))
            {
                Some(b) if !b.is_empty() => (b, true),
                _ => (raw, false),
            };
            let upper_initial = base.chars().next().is_some_and(char::is_uppercase) && base.chars().nth(1).is_some();
            let capitalised = upper_initial && base.chars().skip(1).any(char::is_lowercase);
            Word {
                start: m.start(),
                end: m.start() + base.len(),
                base,
                possessive,
                upper_initial,
                capitalised,
                sentence_initial: starts_sentence(text, m.start()),
            }
        })
        .collect()
}

/// Whether the word at `start` begins a sentence, a line, a list item or a parenthesis,
/// where a capital letter says nothing about names.
fn starts_sentence(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let trimmed = before.trim_end();
    if trimmed.len() < before.len() && before.get(trimmed.len()..).is_some_and(|gap| gap.contains('\n')) {
        return true;
    }
    match trimmed.chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | ':' | ';' | '"' | '“' | '‘' | '(' | '[' | '•' | '*' | '-' | '–' | '—'),
    }
}

/// Only spaces (at most two, no line break) between two words of one name.
fn joined(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to).is_some_and(|gap| !gap.is_empty() && gap.len() <= 2 && gap.chars().all(|c| c == ' '))
}

fn find_names(word: &Regex, text: &str, found: &mut Vec<Finding>) {
    let ws = words(word, text);
    let surname_like = |w: &Word<'_>| w.capitalised && !is_common(w.base) && !is_title(w.base);
    // Extend a name over following surname-like words ("Kelly Harris", "Ms Kelly Harris").
    let extend = |from: usize| -> usize {
        let mut last = from;
        while last + 1 < ws.len() && last < from + 3 {
            let (cur, next) = (&ws[last], &ws[last + 1]);
            if cur.possessive || !joined(text, cur.end, next.start) || !surname_like(next) {
                break;
            }
            last += 1;
        }
        last
    };
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        if !w.upper_initial {
            i += 1;
            continue;
        }
        if is_title(w.base) {
            // "Ms Harris", "Mr. Harris"; a lone initial ("Ms H") is already anonymised.
            if let Some(next) = ws.get(i + 1)
                && surname_like(next)
                && text.get(w.end..next.start).is_some_and(|g| matches!(g, " " | ". " | "  "))
            {
                let last = extend(i + 1);
                push(
                    found,
                    FlagKind::PersonName,
                    FlagSeverity::High,
                    w.start,
                    ws[last].end,
                    "a title followed by a name",
                );
                i = last + 1;
                continue;
            }
            i += 1;
            continue;
        }
        if is_first_name(w.base) {
            let last = extend(i);
            push(found, FlagKind::PersonName, FlagSeverity::High, w.start, ws[last].end, "a common first name");
            i = last + 1;
            continue;
        }
        // Past here only capitalised words: capitals alone ("CAMHS", "MASH") are acronyms.
        if !w.capitalised || is_common(w.base) {
            i += 1;
            continue;
        }
        if w.possessive {
            push(found, FlagKind::PersonName, FlagSeverity::High, w.start, w.end, "a capitalised name with 's");
            i += 1;
            continue;
        }
        if !w.sentence_initial {
            let last = extend(i);
            push(
                found,
                FlagKind::PersonName,
                FlagSeverity::Medium,
                w.start,
                ws[last].end,
                "a capitalised word mid-sentence: a name or a place?",
            );
            i = last + 1;
            continue;
        }
        i += 1;
    }
}

/// Keep the most severe (then longest, then earliest) of overlapping findings.
fn resolve_overlaps(mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then((b.end - b.start).cmp(&(a.end - a.start))).then(a.start.cmp(&b.start))
    });
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(found.len());
    for f in found {
        let before = taken.range(..=f.start).next_back().is_some_and(|(_, e)| *e > f.start);
        let after = taken.range(f.start..f.end).next().is_some();
        if !before && !after {
            taken.insert(f.start, f.end);
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.start);
    kept
}

/// Turn findings (sorted by start) into flags with line and column, in one pass.
fn locate(text: &str, findings: Vec<Finding>) -> Vec<Flag> {
    let (mut offset, mut line, mut line_start) = (0usize, 1usize, 0usize);
    findings
        .into_iter()
        .filter_map(|f| {
            let segment = text.get(offset..f.start)?;
            for (i, c) in segment.char_indices() {
                if c == '\n' {
                    line += 1;
                    line_start = offset + i + 1;
                }
            }
            offset = f.start;
            let column = text.get(line_start..f.start)?.chars().count() + 1;
            Some(Flag {
                kind: f.kind,
                severity: f.severity,
                start: f.start,
                end: f.end,
                position: Position { line, column },
                text: text.get(f.start..f.end)?.to_owned(),
                reason: f.reason,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Clearing flags and readiness for a panel

/// Where an item's anonymisation check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum AnonymisationStatus {
    /// Nobody has run the check on this version of the item.
    #[default]
    NotChecked,
    /// The check found flags that the author has not yet cleared or fixed.
    FlagsOutstanding {
        /// How many.
        count: u32,
    },
    /// Every flag was cleared or fixed by the author on this date.
    Cleared {
        /// When.
        on: NaiveDate,
    },
}

impl AnonymisationStatus {
    /// Whether the item may go to a panel.
    pub fn is_cleared(self) -> bool {
        matches!(self, AnonymisationStatus::Cleared { .. })
    }
}

impl fmt::Display for AnonymisationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnonymisationStatus::NotChecked => f.write_str("not checked for identifying details"),
            AnonymisationStatus::FlagsOutstanding { count: 1 } => f.write_str("1 identifying detail to clear or fix"),
            AnonymisationStatus::FlagsOutstanding { count } => write!(f, "{count} identifying details to clear or fix"),
            AnonymisationStatus::Cleared { on } => write!(f, "cleared by the author on {on}"),
        }
    }
}

/// The author's decision that one flagged detail is not identifying (a visit date, the
/// office address), with their reason. It names exactly what it clears: the flagged text,
/// where it starts in the checked text (byte offset, line and column) and the rule that
/// flagged it; it clears that flag and no other. An edit that changes the cleared words (or
/// moves them so they are no longer flagged there) voids it, and the author is told.
///
/// Clearances stored before positions were recorded carry only the kind and text; they
/// still clear a flag with the same text until the item is next edited, and are void from
/// then on ([`carry_over`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clearance {
    /// The kind of flag cleared.
    pub kind: FlagKind,
    /// The flagged text cleared, exactly as written.
    pub text: String,
    /// Byte offset in the checked text where the cleared detail starts; `None` on a
    /// clearance stored before positions were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// 1-based line of `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (in characters) of `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The rule that flagged it ("a title followed by a name").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Why it is safe to leave.
    pub reason: Note,
    /// When the author cleared it.
    pub on: NaiveDate,
    /// Set when an edit voided it; a void clearance clears nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voided: Option<Voided>,
}

/// When and why an edit voided a clearance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    /// The day of the edit.
    pub on: NaiveDate,
    /// Why, in plain English.
    pub why: String,
}

impl Clearance {
    /// Clear `flag` for `reason`; a reason is required.
    pub fn new(flag: &Flag, reason: &str, on: NaiveDate) -> Result<Clearance, InvalidValue> {
        let reason = Note::parse(reason).map_err(|e| {
            InvalidValue::new("reason for clearing", e.value, "say why this detail does not identify anyone")
        })?;
        Ok(Clearance {
            kind: flag.kind,
            text: flag.text.clone(),
            start: Some(flag.start),
            line: Some(flag.position.line),
            column: Some(flag.position.column),
            pattern: Some(flag.reason.clone()),
            reason,
            on,
            voided: None,
        })
    }

    /// Whether this clearance covers `flag`: the same kind, the same text at the same place
    /// (a clearance stored without a place: the same kind and text), and not void.
    pub fn clears(&self, flag: &Flag) -> bool {
        if self.voided.is_some() || self.kind != flag.kind {
            return false;
        }
        match self.start {
            Some(start) => start == flag.start && self.text == flag.text,
            None => same_text(&self.text, &flag.text),
        }
    }

    /// Whether it still counts (no edit has voided it).
    pub fn is_live(&self) -> bool {
        self.voided.is_none()
    }

    /// "`12 February 2025` (a date) at line 3, column 5".
    pub fn describe(&self) -> String {
        let place = match (self.line, self.column) {
            (Some(line), Some(column)) => format!(" at line {line}, column {column}"),
            _ => String::new(),
        };
        format!("`{}` ({}){place}", self.text, self.kind.describe())
    }
}

/// After an edit changed the checked text from `old` to `new` (whose flags are `flags`),
/// which clearances still hold. A clearance holds when the words it cleared are untouched
/// by the edit (wholly before or wholly after the changed stretch) and are still flagged,
/// as the same kind, where they now stand; it is moved there. Every other live clearance
/// is voided on `on` with the reason; a clearance stored without a position is voided by
/// any change. Returns all clearances (void ones kept, for the record) and those voided now.
pub fn carry_over(
    clearances: &[Clearance],
    old: &str,
    new: &str,
    flags: &[Flag],
    on: NaiveDate,
) -> (Vec<Clearance>, Vec<Clearance>) {
    if old == new {
        return (clearances.to_vec(), Vec::new());
    }
    // The changed stretch: everything between the common beginning and the common end.
    let prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    let (old_changed_end, shift) = (old.len() - suffix, new.len() as isize - old.len() as isize);
    let mut all = Vec::with_capacity(clearances.len());
    let mut voided_now = Vec::new();
    for c in clearances {
        if !c.is_live() {
            all.push(c.clone());
            continue;
        }
        let moved = match c.start {
            None => {
                Err("it was cleared by flag number before clearances named their position; check the item again"
                    .to_owned())
            }
            Some(start) => {
                let end = start + c.text.len();
                let new_start = if end <= prefix {
                    Some(start)
                } else if start >= old_changed_end {
                    start.checked_add_signed(shift)
                } else {
                    None
                };
                match new_start {
                    None => Err("the edit changed the words it cleared".to_owned()),
                    Some(s) => match flags.iter().find(|f| f.start == s && f.kind == c.kind && f.text == c.text) {
                        Some(f) => Ok(Clearance {
                            start: Some(f.start),
                            line: Some(f.position.line),
                            column: Some(f.position.column),
                            ..c.clone()
                        }),
                        None => Err("after the edit its words are no longer flagged the same way there".to_owned()),
                    },
                }
            }
        };
        match moved {
            Ok(kept) => all.push(kept),
            Err(why) => {
                let void = Clearance { voided: Some(Voided { on, why }), ..c.clone() };
                voided_now.push(void.clone());
                all.push(void);
            }
        }
    }
    (all, voided_now)
}

fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().map(str::to_lowercase).eq(b.split_whitespace().map(str::to_lowercase))
}

/// A flag with the clearance that covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClearedFlag {
    /// The flag.
    pub flag: Flag,
    /// The author's clearance.
    pub clearance: Clearance,
}

/// Whether an item's text may go to a panel, and what stops it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelReadiness {
    /// Flags the author must still clear or fix, in text order.
    pub outstanding: Vec<Flag>,
    /// Flags the author has cleared, with their reasons.
    pub cleared: Vec<ClearedFlag>,
}

impl PanelReadiness {
    /// True when no flag is outstanding.
    pub fn is_ready(&self) -> bool {
        self.outstanding.is_empty()
    }

    /// The status to record on the item after this review.
    pub fn status(&self, on: NaiveDate) -> AnonymisationStatus {
        if self.is_ready() {
            AnonymisationStatus::Cleared { on }
        } else {
            AnonymisationStatus::FlagsOutstanding { count: u32::try_from(self.outstanding.len()).unwrap_or(u32::MAX) }
        }
    }

    /// What remains, in plain English: "ready for a panel" or a line per outstanding flag.
    pub fn explain(&self) -> String {
        if self.is_ready() {
            return "ready for a panel: no identifying details left to clear or fix".to_owned();
        }
        let mut out = match self.outstanding.len() {
            1 => "not ready for a panel: 1 identifying detail to clear or fix".to_owned(),
            n => format!("not ready for a panel: {n} identifying details to clear or fix"),
        };
        for f in &self.outstanding {
            out.push_str("\n- ");
            out.push_str(&f.describe());
        }
        out
    }
}

/// Review an item's flags against the author's clearances: each flag must be cleared (with
/// a reason) or the text fixed so the flag no longer appears.
pub fn review(flags: &[Flag], clearances: &[Clearance]) -> PanelReadiness {
    let mut readiness = PanelReadiness { outstanding: Vec::new(), cleared: Vec::new() };
    for flag in flags {
        match clearances.iter().find(|c| c.clears(flag)) {
            Some(c) => readiness.cleared.push(ClearedFlag { flag: flag.clone(), clearance: c.clone() }),
            None => readiness.outstanding.push(flag.clone()),
        }
    }
    readiness
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(FlagKind, FlagSeverity, String)> {
        scan(text).unwrap().into_iter().map(|f| (f.kind, f.severity, f.text)).collect()
    }

    #[test]
    fn every_built_in_pattern_compiles() {
        check_built_in_patterns().unwrap();
        assert_eq!(CaseReferencePattern::defaults().unwrap().len(), DEFAULT_CASE_REFERENCES.len());
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_an_error_naming_it() {
        let refused = compile("postcode", r"(?:unclosed").unwrap_err();
        assert_eq!(refused.value, "postcode");
        assert!(refused.reason.contains("does not compile"), "{refused}");
    }

    #[test]
    fn nhs_numbers_need_the_right_check_digit() {
        assert!(nhs_number_is_valid("943 476 5919"));
        assert!(nhs_number_is_valid("9434765919"));
        assert!(!nhs_number_is_valid("943 476 5918"));
        assert!(!nhs_number_is_valid("12345"));
    }

    #[test]
    fn postcodes_in_the_formats_councils_use() {
        for pc in ["ME4 4TR", "S60 2TH", "DA6 7AT", "SW1A 1AA", "M1 1AE", "CR2 6XH"] {
            let found = kinds(&format!("lives at {pc} now"));
            assert!(found.iter().any(|(k, _, t)| *k == FlagKind::Postcode && t == pc), "{pc}: {found:?}");
        }
        assert!(kinds("PCF 9 and KSS 2").iter().all(|(k, ..)| *k != FlagKind::Postcode));
    }

    #[test]
    fn a_title_and_a_name_is_one_high_flag() {
        assert_eq!(
            kinds("I spoke to Ms Kelly Harris about it."),
            vec![(FlagKind::PersonName, FlagSeverity::High, "Ms Kelly Harris".to_owned())]
        );
        assert!(kinds("I spoke to Ms H about it.").is_empty());
    }

    #[test]
    fn dates_near_born_are_dates_of_birth() {
        let found = kinds("Child A (DOB 03/02/2017) was seen on 12/03/2024.");
        assert!(found.contains(&(FlagKind::DateOfBirth, FlagSeverity::High, "03/02/2017".into())), "{found:?}");
        assert!(found.contains(&(FlagKind::Date, FlagSeverity::Low, "12/03/2024".into())), "{found:?}");
    }

    #[test]
    fn names_in_capitals_are_names_but_acronyms_are_not() {
        assert_eq!(
            kinds("Referral for JAYDEN from CAMHS."),
            vec![(FlagKind::PersonName, FlagSeverity::High, "JAYDEN".into())]
        );
    }

    #[test]
    fn postcodes_in_lower_case_are_flagged_with_less_certainty() {
        assert_eq!(kinds("moved to me4 4tr"), vec![(FlagKind::Postcode, FlagSeverity::Medium, "me4 4tr".into())]);
    }

    #[test]
    fn a_long_text_is_scanned_in_one_pass() {
        let paragraph = "I visited Jayden at 14 Rochester Road, ME4 4TR, with the Signs of Safety team.\n";
        let text = paragraph.repeat(2_000);
        let flags = scan(&text).unwrap();
        assert_eq!(flags.len(), 6_000);
        assert_eq!(flags.last().map(|f| f.position.line), Some(2_000));
    }

    #[test]
    fn allow_listed_phrases_are_not_flagged() {
        let scanner = Scanner::new(AllowList::new(["Signs of Safety", "Bexley", "Thames Team"]), Vec::new()).unwrap();
        assert!(scanner.scan("We used Signs of Safety mapping with the Thames Team in Bexley.").is_empty());
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 4, 2).unwrap()
    }

    #[test]
    fn a_clearance_clears_the_detail_at_its_place_and_no_other() {
        let text = "Seen on 12/03/2024 at school and on 12/03/2024 at home.";
        let flags = scan(text).unwrap();
        assert_eq!(flags.len(), 2, "{flags:?}");
        let first = Clearance::new(&flags[0], "a visit date", day()).unwrap();
        assert_eq!((first.start, first.line, first.column), (Some(8), Some(1), Some(9)));
        assert_eq!(first.pattern.as_deref(), Some(flags[0].reason.as_str()));
        let readiness = review(&flags, &[first]);
        assert_eq!(readiness.cleared.len(), 1);
        assert_eq!(readiness.outstanding, vec![flags[1].clone()], "the second date is not cleared by the first");
    }

    #[test]
    fn an_edit_elsewhere_keeps_a_clearance_and_moves_it_with_its_words() {
        let old = "Visit on 12/03/2024.";
        let flags = scan(old).unwrap();
        let cleared = Clearance::new(&flags[0], "a visit date", day()).unwrap();
        let new = "Home visit with my manager on 12/03/2024.";
        let new_flags = scan(new).unwrap();
        let (kept, voided) = carry_over(&[cleared], old, new, &new_flags, day());
        assert!(voided.is_empty(), "{voided:?}");
        assert_eq!(kept[0].start, Some(30));
        assert!(review(&new_flags, &kept).is_ready());
    }

    #[test]
    fn after_an_edit_a_clearance_of_changed_words_is_void_and_clears_nothing() {
        // Flag 1 was the visit date; the edit puts a child's name first and changes the date.
        let old = "Visit on 12/03/2024.";
        let flags = scan(old).unwrap();
        let cleared = Clearance::new(&flags[0], "a visit date", day()).unwrap();
        let new = "Jayden's visit on 13/03/2024.";
        let new_flags = scan(new).unwrap();
        let (all, voided) = carry_over(&[cleared], old, new, &new_flags, day());
        assert_eq!(voided.len(), 1);
        assert_eq!(voided[0].voided.as_ref().map(|v| v.why.as_str()), Some("the edit changed the words it cleared"));
        let readiness = review(&new_flags, &all);
        assert_eq!(readiness.outstanding.len(), 2, "neither the name nor the new date is cleared");
    }

    #[test]
    fn an_old_clearance_without_a_position_still_loads_but_is_void_after_any_edit() {
        let stored = r#"{"kind":"date","text":"12/03/2024","reason":"a visit date","on":"2025-04-02"}"#;
        let old: Clearance = serde_json::from_str(stored).unwrap();
        assert_eq!(old.start, None);
        let text = "Visit on 12/03/2024.";
        assert!(review(&scan(text).unwrap(), std::slice::from_ref(&old)).is_ready(), "honoured until an edit");
        let new = "Visit on 12/03/2024, with Jayden.";
        let new_flags = scan(new).unwrap();
        let (all, voided) = carry_over(&[old], text, new, &new_flags, day());
        assert_eq!(voided.len(), 1);
        assert!(voided[0].voided.as_ref().is_some_and(|v| v.why.contains("before clearances named their position")));
        assert!(!review(&new_flags, &all).is_ready());
    }
}
