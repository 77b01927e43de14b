//! `pathway import workers`: a council's workforce spreadsheet (CSV or XLSX) checked row by
//! row against the authority's framework and written in one transaction.
//!
//! Every bad row is reported with the row number the spreadsheet shows, the column, the value
//! and the reason. A file with any bad row imports nothing unless the caller asks to skip
//! them. The column set is [`Column`]; `docs/import-format.md` describes it for people.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use pathway_core::framework::{Framework, Grade, Level};
use pathway_core::ids::OrgUnitId;
use pathway_core::workforce::{
    AcademicLevel, AppraisalOutcome, AsyeCohort, AsyeOutcome, AsyeParts, AsyeRecord, AsyeStatus, AwardKind,
    ChangeReason, EmployeeNumber, EmploymentType, InvalidValue, Name, NewAppraisal, NewAward, NewOrgUnit,
    NewTimelineEntry, NewWorker, NewWorkerRecord, Note, OrgUnit, PersonName, Probation, ProbationStatus, Qualification,
    RegistrationStatus, SweNumber, SweRegistration, UnitKind, WorkerDetails,
};
use pathway_store::{AuthorityScope, BulkImport, ImportedWorker, Organisation, Store, StoreError, Workforce};
use serde::Serialize;

use crate::AppError;
use crate::frameworks::Applies;
use crate::operator::Operator;
use crate::service::Pathway;

// ---------------------------------------------------------------------------------------
// The column set

/// Defines the import columns once: name, whether required, the format, an example and what
/// the column holds. The template, its notes sheet and the export all come from this list.
macro_rules! columns {
    ($($variant:ident = $name:literal, $required:literal, $format:literal, $about:literal;)+) => {
        /// A column of the worker import (and export) file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Column {
            $(#[doc = $about] $variant),+
        }

        impl Column {
            /// Every column, in the order the template and export write them.
            pub const ALL: &'static [Column] = &[$(Column::$variant),+];

            /// The header as written in the file.
            pub const fn name(self) -> &'static str {
                match self { $(Column::$variant => $name),+ }
            }

            /// Whether every row must have a value.
            pub const fn required(self) -> bool {
                match self { $(Column::$variant => $required),+ }
            }

            /// What to write, in a few words.
            pub const fn format(self) -> &'static str {
                match self { $(Column::$variant => $format),+ }
            }

            /// What the column holds.
            pub const fn about(self) -> &'static str {
                match self { $(Column::$variant => $about),+ }
            }
        }
    };
}

columns! {
    EmployeeNumber = "employee_number", true, "letters, digits, - and /",
        "The authority's employee (payroll) number; unique in the authority and in the file.";
    Name = "name", true, "text", "Full name as used at work.";
    EmploymentType = "employment_type", true, "permanent, fixed-term, agency or secondment", "How the worker is employed.";
    StartDate = "start_date", true, "date", "First day with the authority.";
    LeavingDate = "leaving_date", false, "date", "Last day with the authority, for leavers.";
    Team = "team", false, "name of a team",
        "The team (or other unit) the worker is in, by name. It must exist unless --create-teams is given.";
    QualificationTitle = "qualification_title", false, "text",
        "Social work qualification as the certificate says (MA Social Work, DipSW).";
    QualificationInstitution = "qualification_institution", false, "text", "Where it was awarded.";
    QualifiedOn = "qualified_on", false, "date", "When it was awarded; post-qualifying experience counts from here.";
    SweNumber = "swe_number", false, "SW followed by digits", "Social Work England registration number.";
    SweStatus = "swe_status", false,
        "registered, registered-with-conditions, suspended, removed, lapsed or applied",
        "Standing on the register; needed with swe_number.";
    SweRenewalDue = "swe_renewal_due", false, "date", "When the registration must next be renewed.";
    AsyeCohort = "asye_cohort", false, "year and month (2024-10 or October 2024)", "The ASYE intake.";
    AsyeStartDate = "asye_start_date", false, "date",
        "The day the ASYE started; if blank, the first day of the cohort's month.";
    AsyeStatus = "asye_status", false, "not-started, in-progress, extended, completed or withdrawn",
        "Where the ASYE is; if blank, worked out from the outcome and start.";
    AsyeOutcome = "asye_outcome", false, "passed, failed, nqsw-portfolio-pre-2013 or asye-exempt",
        "How the ASYE ended, or the equivalent held.";
    AsyeOutcomeDate = "asye_outcome_date", false, "date", "When the ASYE ended; needed with asye_outcome.";
    ProbationStatus = "probation_status", false, "in-progress, extended, completed or not-completed",
        "Where the worker's probation stands, where the framework asks (Bexley: ASYE and probation).";
    ProbationEndDate = "probation_end_date", false, "date",
        "The day probation ended, or is due to end; needed when it is completed or not completed.";
    Level = "level", false, "a level of the authority's framework",
        "Current level (role) on the ladder: its id, printed name or an alias. Blank for staff not on the ladder.";
    LevelSince = "level_since", false, "date", "The day the worker started the current level; if blank, start_date.";
    Grade = "grade", false, "a grade the level is paid on",
        "Current pay grade as the framework prints it or an alias (Band J, J, Grade 10).";
    PayPoint = "pay_point", false, "a point of the grade", "Current pay point (37, SCP 37, start); needs grade.";
    Awards = "awards", false, "kind | title | date [| provider] [| level 7] [| 60 credits]; more separated by ;",
        "Post-qualifying awards and courses, e.g. postgraduate-certificate | PG Cert | 2023-06-30 | level 7 | 60 credits.";
    LastAppraisalDate = "last_appraisal_date", false, "date", "When the latest appraisal (PDR) was held.";
    LastAppraisalOutcome = "last_appraisal_outcome", false,
        "ready-to-apply-for-progression, meeting-expectations, not-yet-ready or performance-concerns",
        "What the latest appraisal concluded; needed with last_appraisal_date.";
}

fn normalise_header(h: &str) -> String {
    h.trim().trim_start_matches('\u{feff}').trim().to_lowercase().replace([' ', '-'], "_")
}

impl Column {
    fn from_header(h: &str) -> Option<Column> {
        let n = normalise_header(h);
        Column::ALL.iter().copied().find(|c| c.name() == n)
    }
}

// ---------------------------------------------------------------------------------------
// Reading files

/// One data row as read: the row number a spreadsheet shows for it, and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub number: usize,
    /// Cell text, in file column order. A leading `'` that [`guard_formula`] added is removed.
    pub cells: Vec<String>,
    /// Cells holding a spreadsheet error (`#N/A`), by file column index, with the error.
    pub broken: Vec<(usize, String)>,
}

type Rows = Box<dyn Iterator<Item = Result<RawRow, AppError>> + Send>;

/// A worker file opened for reading: its name, header and rows.
pub struct Sheet {
    /// The file, as named in messages.
    pub file: String,
    /// The header cells.
    pub headers: Vec<String>,
    rows: Rows,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet").field("file", &self.file).field("headers", &self.headers).finish_non_exhaustive()
    }
}

fn bad_file(file: &str, message: impl Into<String>) -> AppError {
    AppError::BadInput { field: file.to_owned(), message: message.into() }
}

/// Undo the formula guard an export applied: `'=x` is read as `=x`.
fn unguard(cell: String) -> String {
    let mut chars = cell.chars();
    match (chars.next(), chars.next()) {
        (Some('\''), Some(c)) if FORMULA_STARTS.contains(&c) => cell[1..].to_owned(),
        _ => cell,
    }
}

/// Characters that make a spreadsheet treat a cell as a formula.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Prefix a cell that a spreadsheet would run as a formula with `'`, so it shows as text.
pub fn guard_formula(cell: &str) -> String {
    if cell.starts_with(FORMULA_STARTS) { format!("'{cell}") } else { cell.to_owned() }
}

impl Sheet {
    /// Open a `.csv` or `.xlsx` file (by its extension); of a workbook, the `Workers` sheet
    /// (or the first).
    pub fn open(path: &Path) -> Result<Sheet, AppError> {
        Sheet::open_sheet(path, WORKERS_SHEET)
    }

    /// Open a `.csv` or `.xlsx` file (by its extension); of a workbook, the sheet named
    /// `wanted` (any case), or the first.
    pub fn open_sheet(path: &Path, wanted: &str) -> Result<Sheet, AppError> {
        let file = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        match ext.as_str() {
            "csv" => {
                let f = File::open(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
                Sheet::from_csv(file, BufReader::new(f))
            }
            "xlsx" | "xlsm" => Sheet::from_xlsx_sheet(path, wanted),
            "xls" | "ods" => Err(bad_file(
                &file,
                format!("`.{ext}` files are not read; save the sheet as .xlsx or .csv (CSV UTF-8)"),
            )),
            _ => Err(bad_file(&file, "give a .csv or .xlsx file")),
        }
    }

    /// A file sent over the network, by the extension of the name it was sent with (`.csv`
    /// or `.xlsx`); of a workbook, the sheet named `wanted` (any case), or the first. The
    /// report names the file by that name's last part, never a path of ours or theirs.
    pub fn from_upload(name: &str, bytes: Vec<u8>, wanted: &str) -> Result<Sheet, AppError> {
        let shown = name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        let ext = shown.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "csv" => Sheet::from_csv(shown, Cursor::new(bytes)),
            "xlsx" | "xlsm" => {
                // The workbook reader reads from a file: a private one, removed when read.
                static UPLOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = UPLOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let temp = std::env::temp_dir().join(format!("pathway-upload-{}-{n}.xlsx", std::process::id()));
                std::fs::write(&temp, &bytes).map_err(|source| AppError::Write { path: temp.clone(), source })?;
                let read = workbook::read_sheet(&temp, &shown, wanted);
                let _ = std::fs::remove_file(&temp);
                let (header, rows) = read?;
                Ok(Sheet { file: shown, headers: header.cells, rows: Box::new(rows.into_iter().map(Ok)) })
            }
            _ => Err(bad_file(&shown, "give a .csv or .xlsx file (by its name's extension)")),
        }
    }

    /// Read CSV from `reader`. A UTF-8 byte order mark (Excel's "CSV UTF-8") is allowed.
    pub fn from_csv(file: String, mut reader: impl Read) -> Result<Sheet, AppError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| bad_file(&file, format!("cannot be read: {e}")))?;
        let bytes: Arc<[u8]> = bytes.into();
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Cursor::new(Arc::clone(&bytes)))
            .into_byte_records();
        let mut rows_seen = RowCounter { bytes, counted_to: 0, lines: 0, extra_lines: 0 };
        let header = match records.next() {
            None => return Err(bad_file(&file, "is empty; the first row must name the columns")),
            Some(Err(e)) => return Err(bad_file(&file, format!("cannot be read as CSV: {e}"))),
            Some(Ok(record)) => {
                let number = rows_seen.row_of(&record);
                csv_text(&file, &record, number, None)?
            }
        };
        let name = file.clone();
        let columns = header.clone();
        let rows = records.map(move |record| {
            let record = record.map_err(|e| bad_file(&name, format!("cannot be read as CSV: {e}")))?;
            let number = rows_seen.row_of(&record);
            let cells = csv_text(&name, &record, number, Some(&columns))?.into_iter().map(unguard).collect();
            Ok(RawRow { number, cells, broken: Vec::new() })
        });
        Ok(Sheet { file, headers: header, rows: Box::new(rows) })
    }

    /// Read the `Workers` sheet of an XLSX workbook (or its first sheet).
    pub fn from_xlsx(path: &Path) -> Result<Sheet, AppError> {
        Sheet::from_xlsx_sheet(path, WORKERS_SHEET)
    }

    /// Read the sheet named `wanted` (any case) of an XLSX workbook, or its first sheet, within
    /// the limits in [`workbook`] (a hostile file is refused, never unpacked whole).
    pub fn from_xlsx_sheet(path: &Path, wanted: &str) -> Result<Sheet, AppError> {
        let file = path.display().to_string();
        let (header, rows) = workbook::read_sheet(path, &file, wanted)?;
        Ok(Sheet { file, headers: header.cells, rows: Box::new(rows.into_iter().map(Ok)) })
    }
}

/// The sheet an XLSX import reads (and the export and template write).
pub const WORKERS_SHEET: &str = "Workers";

/// Works out the row number a spreadsheet shows for each CSV record. A spreadsheet counts
/// every line as a row, blank ones too, except that a quoted cell with line breaks in it is
/// one row. The CSV reader skips blank lines and reports a record's start as the first blank
/// line before it, so the lines are counted here from the bytes.
struct RowCounter {
    bytes: Arc<[u8]>,
    /// Bytes up to here have had their line breaks counted (into `lines`).
    counted_to: usize,
    lines: usize,
    /// Line breaks inside earlier records' cells.
    extra_lines: usize,
}

impl RowCounter {
    fn row_of(&mut self, record: &csv::ByteRecord) -> usize {
        let reported = record.position().and_then(|p| usize::try_from(p.byte()).ok()).unwrap_or(0);
        let start = self
            .bytes
            .get(reported..)
            .and_then(|rest| rest.iter().position(|b| *b != b'\n' && *b != b'\r'))
            .map_or(self.bytes.len(), |skip| reported + skip);
        if start > self.counted_to {
            let newly = self.bytes.get(self.counted_to..start).unwrap_or_default();
            self.lines += newly.iter().filter(|b| **b == b'\n').count();
            self.counted_to = start;
        }
        let row = self.lines + 1 - self.extra_lines.min(self.lines);
        self.extra_lines += record.iter().map(|f| f.iter().filter(|b| **b == b'\n').count()).sum::<usize>();
        row
    }
}

/// The column name a problem gives for a cell under no header.
pub const UNHEADED: &str = "(no header)";

/// A value in a column with no header (blank, or past the header's end) would be lost: each
/// is a problem naming the column's letters.
pub(crate) fn unheaded_cells(raw: &RawRow, headed: impl Fn(usize) -> bool) -> Vec<RowProblem> {
    raw.cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.trim().is_empty() && !headed(*i))
        .map(|(i, c)| RowProblem {
            row: raw.number,
            column: UNHEADED,
            value: c.trim().to_owned(),
            reason: format!(
                "is in column {}, which has no header, so it would be lost; remove it or name the column",
                column_letters(i)
            ),
        })
        .collect()
}

/// The column letters a spreadsheet shows for column `index` (0 is A, 26 is AA).
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The cells of one CSV record as text. A cell that is not UTF-8 is refused naming its row,
/// its column (by header, when the header is known, and letter) and the first bad byte.
fn csv_text(
    file: &str,
    record: &csv::ByteRecord,
    number: usize,
    headers: Option<&[String]>,
) -> Result<Vec<String>, AppError> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            std::str::from_utf8(field).map(str::to_owned).map_err(|e| {
                let at = e.valid_up_to();
                let byte = field.get(at).copied().unwrap_or_default();
                let letters = column_letters(i);
                let column = match headers.and_then(|h| h.get(i)).map(|h| h.trim()).filter(|h| !h.is_empty()) {
                    Some(h) => format!("column {} ({letters})", h.trim_start_matches('\u{feff}')),
                    None => format!("column {letters}"),
                };
                bad_file(
                    &format!("{file} row {number}, {column}"),
                    format!(
                        "byte 0x{byte:02X} is not UTF-8 text (after `{}`); in Excel use Save As > CSV UTF-8 \
                         (Comma delimited)",
                        String::from_utf8_lossy(field.get(..at).unwrap_or_default())
                    ),
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Problems and the report

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The column.
    pub column: &'static str,
    /// The value as given.
    pub value: String,
    /// What is wrong and, where possible, what would be right.
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "row {}, {}: {}", self.row, self.column, self.reason)
        } else {
            write!(f, "row {}, {} `{}`: {}", self.row, self.column, self.value, self.reason)
        }
    }
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The file.
    pub file: String,
    /// The authority imported into.
    pub authority: String,
    /// The framework rows were checked against (`id version`).
    pub framework: String,
    /// Data rows read (blank rows are not counted).
    pub rows: usize,
    /// Rows that passed every check.
    pub valid_rows: usize,
    /// Rows with at least one problem.
    pub invalid_rows: usize,
    /// Workers written to the database.
    pub imported: usize,
    /// Teams created (or, in a dry run or a refused import, that would have been).
    pub new_teams: Vec<String>,
    /// True when nothing was written because `--dry-run` was given.
    pub dry_run: bool,
    /// Every problem, in row order.
    pub problems: Vec<RowProblem>,
}

impl ImportReport {
    /// True when every row was good.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Check and report, write nothing.
    pub dry_run: bool,
    /// Import the good rows even if some are bad (the bad ones are reported).
    pub skip_invalid: bool,
    /// Create teams the file names that do not exist yet.
    pub create_teams: bool,
}

// ---------------------------------------------------------------------------------------
// Checking rows

/// Dates in a spreadsheet are read by the core's one date reader (`2024-02-29`,
/// `29/02/2024`, with or without a midnight time); re-exported for the front ends.
pub use pathway_core::text::parse_date;

/// The authority's situation that rows are checked against.
struct Checker<'a> {
    framework: &'a Framework,
    units: HashMap<String, Vec<&'a OrgUnit>>,
    unit_names: Vec<String>,
    create_teams: bool,
    existing_numbers: HashSet<String>,
    existing_swe: HashSet<String>,
    authority: String,
}

/// Where a row's worker works.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TeamRef {
    None,
    Existing(OrgUnitId),
    New(String),
}

/// A row that passed every check.
#[derive(Debug, Clone)]
struct Candidate {
    row: usize,
    record: NewWorkerRecord,
    team: TeamRef,
}

fn unit_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn list(items: impl IntoIterator<Item = String>, most: usize) -> String {
    let items: Vec<String> = items.into_iter().collect();
    if items.len() > most {
        format!("{} and {} more", items[..most].join(", "), items.len() - most)
    } else {
        items.join(", ")
    }
}

/// Reads one row's cells by column, collecting every problem.
struct RowReader<'r> {
    row: &'r RawRow,
    index: &'r HashMap<Column, usize>,
    problems: Vec<RowProblem>,
}

impl<'r> RowReader<'r> {
    fn text(&self, c: Column) -> &'r str {
        self.index.get(&c).and_then(|i| self.row.cells.get(*i)).map(|s| s.trim()).unwrap_or("")
    }

    fn has(&self, c: Column) -> bool {
        !self.text(c).is_empty()
    }

    fn problem(&mut self, c: Column, value: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(RowProblem {
            row: self.row.number,
            column: c.name(),
            value: value.into(),
            reason: reason.into(),
        });
    }

    /// The cell, or `None` when blank; a blank required cell is a problem.
    fn cell(&mut self, c: Column) -> Option<&'r str> {
        let t = self.text(c);
        if t.is_empty() {
            if c.required() {
                self.problem(c, "", format!("is required ({})", c.format()));
            }
            None
        } else {
            Some(t)
        }
    }

    fn parsed<T>(&mut self, c: Column, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let t = self.cell(c)?;
        match parse(t) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.problem(c, t, reason);
                None
            }
        }
    }

    fn value<T>(&mut self, c: Column, parse: impl FnOnce(&str) -> Result<T, InvalidValue>) -> Option<T> {
        self.parsed(c, |t| parse(t).map_err(|e| e.reason))
    }

    fn date(&mut self, c: Column) -> Option<NaiveDate> {
        self.parsed(c, parse_date)
    }
}

fn default_award_title(kind: AwardKind) -> &'static str {
    match kind {
        AwardKind::PqAward => "PQ award",
        AwardKind::PepsStage1 => "PEPS stage 1",
        AwardKind::PepsStage2 => "PEPS stage 2",
        AwardKind::PostgraduateCertificate => "Postgraduate certificate",
        AwardKind::PostgraduateDiploma => "Postgraduate diploma",
        AwardKind::Masters => "Masters",
        AwardKind::Course => "Course",
    }
}

/// Parse the `awards` cell: entries separated by `;` or line breaks, each
/// `kind | title | date` and then, in any order, `| provider`, `| level 7` (the FHEQ level)
/// and `| 60 credits` (title and the rest may be left out: `kind | date`).
fn parse_awards(cell: &str) -> Result<Vec<NewAward>, String> {
    let mut awards = Vec::new();
    for entry in cell.split([';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
        let shape = "write each award as `kind | title | date` (optionally `| provider`, `| level 7`, \
                     `| 60 credits`), separated by `;`";
        let (kind, title, date, rest) = match parts[..] {
            [kind, date] => (kind, None, date, &[][..]),
            [kind, title, date, ref rest @ ..] if rest.len() <= 3 => (kind, Some(title), date, rest),
            _ => return Err(format!("`{entry}`: {shape}")),
        };
        let kind: AwardKind = kind.parse().map_err(|e: InvalidValue| format!("`{entry}`: award kind {}", e.reason))?;
        let title = Name::parse(title.unwrap_or(default_award_title(kind)))
            .map_err(|e| format!("`{entry}`: award title {}", e.reason))?;
        let completed_on = parse_date(date).map_err(|e| format!("`{entry}`: completion date `{date}` {e}"))?;
        let (mut provider, mut academic_level, mut credits) = (None, None, None);
        for part in rest.iter().copied().filter(|p| !p.is_empty()) {
            let lower = part.to_lowercase();
            if let Some(level) = lower.strip_prefix("level ") {
                let level: AcademicLevel =
                    level.parse().map_err(|e: InvalidValue| format!("`{entry}`: academic level {}", e.reason))?;
                academic_level = Some(level);
            } else if let Some(n) = lower.strip_suffix(" credits").or_else(|| lower.strip_suffix(" credit")) {
                let n: u32 = n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    format!("`{entry}`: credits `{part}` must be a whole number above 0, as in `60 credits`")
                })?;
                credits = Some(n);
            } else if provider.is_none() {
                provider = Some(Name::parse(part).map_err(|e| format!("`{entry}`: provider {}", e.reason))?);
            } else {
                return Err(format!("`{entry}`: {shape}"));
            }
        }
        awards.push(NewAward { kind, title, provider, completed_on, academic_level, credits });
    }
    Ok(awards)
}

/// The ASYE column an [`AsyeRecord::new`] refusal concerns.
fn asye_column(field: &str) -> Column {
    match field {
        "ASYE status" => Column::AsyeStatus,
        "ASYE outcome date" => Column::AsyeOutcomeDate,
        "ASYE start date" => Column::AsyeStartDate,
        "ASYE cohort" => Column::AsyeCohort,
        _ => Column::AsyeOutcome,
    }
}

impl Checker<'_> {
    fn level_problem(&self, name: &str) -> String {
        let f = self.framework;
        let known = f.levels.iter().map(|l| l.name.clone());
        format!("{} has no level `{name}`; its levels are: {}", framework_name(f), list(known, 30))
    }

    fn grade_problem(&self, name: &str, level: &Level) -> String {
        let f = self.framework;
        let names = |ids: &[pathway_core::framework::GradeId]| -> Vec<String> {
            ids.iter().filter_map(|g| f.grade(g)).map(|g| g.name.clone()).collect()
        };
        match f.find_grade(name) {
            None => format!(
                "{} has no grade `{name}`; its grades are: {}",
                framework_name(f),
                list(f.grades.iter().map(|g| g.name.clone()), 30)
            ),
            Some(g) => {
                format!("{} is not paid on {}; it is paid on: {}", level.name, g.name, list(names(&level.grades), 30))
            }
        }
    }

    fn check(&self, raw: &RawRow, index: &HashMap<Column, usize>) -> Result<Candidate, Vec<RowProblem>> {
        use Column as C;
        let mut r = RowReader { row: raw, index, problems: Vec::new() };
        for (i, error) in &raw.broken {
            if let Some((c, _)) = index.iter().find(|(_, j)| *j == i) {
                r.problem(*c, error.clone(), "the cell holds a spreadsheet error; put the value itself");
            }
        }
        if !r.problems.is_empty() {
            return Err(r.problems);
        }
        r.problems = unheaded_cells(raw, |i| index.values().any(|j| *j == i));

        let number = r.value(C::EmployeeNumber, EmployeeNumber::parse);
        if let Some(n) = &number
            && self.existing_numbers.contains(n.as_str())
        {
            r.problem(
                C::EmployeeNumber,
                n.as_str(),
                format!("a worker with this employee number is already in {}", self.authority),
            );
        }
        let name = r.value(C::Name, PersonName::parse);
        let employment = r.value(C::EmploymentType, |t| t.parse::<EmploymentType>());
        let started_on = r.date(C::StartDate);
        let left_on = r.date(C::LeavingDate);

        let team = match r.cell(C::Team) {
            None => Some(TeamRef::None),
            Some(t) => match self.units.get(&unit_key(t)).map(Vec::as_slice) {
                Some([unit]) => Some(TeamRef::Existing(unit.id)),
                Some(many) => {
                    let ids: Vec<String> = many.iter().map(|u| format!("{} {}", u.kind, u.id)).collect();
                    r.problem(
                        C::Team,
                        t,
                        format!(
                            "{} units are called this ({}); rename one so each name is unique",
                            many.len(),
                            ids.join(", ")
                        ),
                    );
                    None
                }
                None if self.create_teams => match Name::parse(t) {
                    Ok(n) => Some(TeamRef::New(n.as_str().to_owned())),
                    Err(e) => {
                        r.problem(C::Team, t, e.reason);
                        None
                    }
                },
                None => {
                    let known = if self.unit_names.is_empty() {
                        format!("{} has no teams yet", self.authority)
                    } else {
                        format!("its teams are: {}", list(self.unit_names.iter().cloned(), 15))
                    };
                    r.problem(
                        C::Team,
                        t,
                        format!("no team of {} has this name; {known} (or import with --create-teams)", self.authority),
                    );
                    None
                }
            },
        };

        let q_title = r.value(C::QualificationTitle, Name::parse);
        let q_institution = r.value(C::QualificationInstitution, Name::parse);
        let q_on = r.date(C::QualifiedOn);
        let q_given =
            [C::QualificationTitle, C::QualificationInstitution, C::QualifiedOn].map(|c| !r.text(c).is_empty());
        let qualification = match (q_title, q_institution, q_on) {
            (Some(title), Some(institution), Some(awarded_on)) => {
                Some(Qualification { title, institution, awarded_on })
            }
            _ => {
                if q_given.iter().any(|g| *g) {
                    for (c, given) in
                        [C::QualificationTitle, C::QualificationInstitution, C::QualifiedOn].iter().zip(q_given)
                    {
                        if !given {
                            r.problem(*c, "", "give the qualification's title, institution and date together");
                        }
                    }
                }
                None
            }
        };

        let swe_number = r.value(C::SweNumber, SweNumber::parse);
        if let Some(n) = &swe_number
            && self.existing_swe.contains(n.as_str())
        {
            r.problem(
                C::SweNumber,
                n.as_str(),
                format!("a worker with this registration number is already in {}", self.authority),
            );
        }
        let swe_status = r.value(C::SweStatus, |t| t.parse::<RegistrationStatus>());
        let renewal_due = r.date(C::SweRenewalDue);
        let registration = match (swe_number, swe_status) {
            (Some(number), Some(status)) => Some(SweRegistration { number, status, renewal_due }),
            _ => {
                if r.has(C::SweNumber) && !r.has(C::SweStatus) {
                    r.problem(
                        C::SweStatus,
                        "",
                        "give the registration status with the registration number (registered, lapsed...)",
                    );
                }
                if !r.has(C::SweNumber) && (r.has(C::SweStatus) || r.has(C::SweRenewalDue)) {
                    r.problem(C::SweNumber, "", "a registration status or renewal date needs the registration number");
                }
                None
            }
        };

        let cohort = r.value(C::AsyeCohort, |t| t.parse::<AsyeCohort>());
        let asye_start = r.date(C::AsyeStartDate);
        let asye_status = r.value(C::AsyeStatus, |t| t.parse::<AsyeStatus>());
        let asye_outcome = r.value(C::AsyeOutcome, |t| t.parse::<AsyeOutcome>());
        let asye_outcome_on = r.date(C::AsyeOutcomeDate);
        let asye_columns = [C::AsyeCohort, C::AsyeStartDate, C::AsyeStatus, C::AsyeOutcome, C::AsyeOutcomeDate];
        let asye_given = asye_columns.iter().any(|c| !r.text(*c).is_empty());
        let asye_parsed =
            asye_columns.iter().all(|c| r.text(*c).is_empty() || !r.problems.iter().any(|p| p.column == c.name()));
        let asye = if asye_given && asye_parsed {
            let started_on =
                asye_start.or_else(|| cohort.and_then(|c| NaiveDate::from_ymd_opt(c.year(), c.month(), 1)));
            let parts = AsyeParts {
                cohort,
                started_on,
                assessor: None,
                status: asye_status,
                outcome: asye_outcome,
                outcome_on: asye_outcome_on,
            };
            match AsyeRecord::new(parts) {
                Ok(a) => Some(a),
                Err(e) => {
                    let value = if e.value == "(none)" { String::new() } else { e.value.clone() };
                    r.problem(asye_column(e.field), value, e.reason);
                    None
                }
            }
        } else {
            None
        };

        let probation_status = r.value(C::ProbationStatus, |t| t.parse::<ProbationStatus>());
        let probation_ends_on = r.date(C::ProbationEndDate);
        let probation = match probation_status {
            Some(status) => {
                let p = Probation { status, ends_on: probation_ends_on };
                match p.check() {
                    Ok(()) => Some(p),
                    Err(e) => {
                        r.problem(C::ProbationEndDate, "", e.reason);
                        None
                    }
                }
            }
            None => {
                if r.has(C::ProbationEndDate) && !r.has(C::ProbationStatus) {
                    r.problem(C::ProbationStatus, "", "give the probation status with its end date (in-progress...)");
                }
                None
            }
        };

        let level = r.parsed(C::Level, |t| self.framework.find_level(t).ok_or_else(|| self.level_problem(t)));
        let level_since = r.date(C::LevelSince);
        let grade: Option<&Grade> = match (r.cell(C::Grade), level) {
            (Some(t), Some(level)) => match self.framework.find_grade(t) {
                Some(g) if level.grades.is_empty() || level.grades.contains(&g.id) => Some(g),
                _ => {
                    let reason = self.grade_problem(t, level);
                    r.problem(C::Grade, t, reason);
                    None
                }
            },
            (Some(t), None) => {
                // No level to check against; still say if the grade is unknown.
                if self.framework.find_grade(t).is_none() {
                    let reason = format!(
                        "{} has no grade `{t}`; its grades are: {}",
                        framework_name(self.framework),
                        list(self.framework.grades.iter().map(|g| g.name.clone()), 30)
                    );
                    r.problem(C::Grade, t, reason);
                }
                None
            }
            (None, _) => None,
        };
        let point = match (r.cell(C::PayPoint), grade) {
            (Some(t), Some(g)) => match g.find_point(t) {
                Some((_, p)) => Some(p.point.clone()),
                None => {
                    let known = g.points.iter().map(|p| p.point.clone());
                    r.problem(
                        C::PayPoint,
                        t,
                        format!("{} has no point `{t}`; its points are: {}", g.name, list(known, 40)),
                    );
                    None
                }
            },
            (Some(t), None) if r.text(C::Grade).is_empty() => {
                r.problem(C::PayPoint, t, "a pay point needs its grade");
                None
            }
            _ => None,
        };

        let awards = r.parsed(C::Awards, parse_awards).unwrap_or_default();
        let appraisal_on = r.date(C::LastAppraisalDate);
        let appraisal_outcome = r.value(C::LastAppraisalOutcome, |t| t.parse::<AppraisalOutcome>());
        let (date_given, outcome_given) = (r.has(C::LastAppraisalDate), r.has(C::LastAppraisalOutcome));
        if date_given && !outcome_given {
            r.problem(C::LastAppraisalOutcome, "", "give the appraisal's outcome with its date");
        } else if outcome_given && !date_given {
            r.problem(C::LastAppraisalDate, "", "give the appraisal's date with its outcome");
        }

        // Checks across columns, once each value is known to be good on its own.
        if let (Some(start), Some(since)) = (started_on, level_since)
            && since < start
        {
            r.problem(
                C::LevelSince,
                since.to_string(),
                format!("is before the start date ({start}); the level must start on or after it"),
            );
        }
        if let (Some(start), Some(left)) = (started_on, left_on)
            && left < start
        {
            r.problem(C::LeavingDate, left.to_string(), format!("is before the start date ({start})"));
        }

        if level.is_none() && !r.has(C::Level) {
            for c in [C::LevelSince, C::Grade, C::PayPoint] {
                if r.has(c) {
                    let value = r.text(c);
                    r.problem(c, value, "needs the level it belongs to (the level column is blank)");
                }
            }
        }
        let (Some(employee_number), Some(name), Some(employment), Some(started_on), Some(team), true) =
            (number, name, employment, started_on, team, r.problems.is_empty())
        else {
            return Err(r.problems);
        };
        let starts_on = level_since.unwrap_or(started_on);
        let point = point.map(|p| Name::parse(&p)).transpose().map_err(|e| {
            vec![RowProblem { row: raw.number, column: C::PayPoint.name(), value: e.value, reason: e.reason }]
        })?;
        let imported_note = Note::parse(IMPORTED_NOTE).map_err(|e| {
            vec![RowProblem { row: raw.number, column: C::LevelSince.name(), value: e.value, reason: e.reason }]
        })?;
        let timeline: Vec<NewTimelineEntry> = level
            .map(|level| NewTimelineEntry {
                starts_on,
                framework: self.framework.id().clone(),
                level: level.id.clone(),
                grade: grade.map(|g| g.id.clone()),
                point,
                reason: if starts_on == started_on { ChangeReason::Appointed } else { ChangeReason::Other },
                note: (starts_on != started_on).then_some(imported_note),
            })
            .into_iter()
            .collect();
        let details = WorkerDetails {
            employee_number,
            name,
            employment,
            started_on,
            left_on,
            unit: match &team {
                TeamRef::Existing(id) => Some(*id),
                _ => None,
            },
            qualification,
            registration,
            asye,
            probation,
        };
        let appraisals = match (appraisal_on, appraisal_outcome) {
            (Some(held_on), Some(outcome)) => vec![NewAppraisal {
                held_on,
                reviewer: None,
                outcome,
                summary: None,
                objectives: None,
                development_plan: None,
            }],
            _ => Vec::new(),
        };
        Ok(Candidate {
            row: raw.number,
            record: NewWorkerRecord { worker: NewWorker { details, timeline }, awards, appraisals, goals: Vec::new() },
            team,
        })
    }
}

/// The note on a timeline entry made from `level_since`: the file gives only the current
/// position, not the steps before it.
pub const IMPORTED_NOTE: &str = "Imported: the level held since this date; earlier history was not in the file";

fn framework_name(f: &Framework) -> String {
    format!("{} ({})", f.framework.title, f.id())
}

/// Map the header to columns: every header must be a known column, once; every required
/// column must be there.
fn map_header(file: &str, headers: &[String]) -> Result<HashMap<Column, usize>, AppError> {
    let mut index = HashMap::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.trim().is_empty() {
            continue;
        }
        match Column::from_header(h) {
            Some(c) => {
                if index.insert(c, i).is_some() {
                    return Err(bad_file(file, format!("has the column `{}` twice", c.name())));
                }
            }
            None => unknown.push(format!("`{}`", h.trim())),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        return Err(bad_file(
            file,
            format!(
                "row 1 has column(s) Pathway does not know: {}. The columns are: {} (see docs/import-format.md)",
                unknown.join(", "),
                known.join(", ")
            ),
        ));
    }
    let missing: Vec<&str> =
        Column::ALL.iter().filter(|c| c.required() && !index.contains_key(c)).map(|c| c.name()).collect();
    if !missing.is_empty() {
        return Err(bad_file(file, format!("row 1 lacks the required column(s): {}", missing.join(", "))));
    }
    Ok(index)
}

/// Check every row of `sheet` and, unless told otherwise, write the good ones in one
/// transaction. `progress` is told (written, total) as workers are written.
pub async fn import_sheet(
    store: &Store,
    scope: &AuthorityScope,
    framework: &Framework,
    sheet: Sheet,
    options: ImportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportReport, AppError> {
    let Sheet { file, headers, rows } = sheet;
    let index = map_header(&file, &headers)?;
    let units = store.units(scope).await?;
    let workers = store.workers(scope).await?;
    let authority = scope.id().to_string();
    let mut by_name: HashMap<String, Vec<&OrgUnit>> = HashMap::new();
    for u in &units {
        by_name.entry(unit_key(u.name.as_str())).or_default().push(u);
    }
    let checker = Checker {
        framework,
        units: by_name,
        unit_names: units.iter().map(|u| u.name.to_string()).collect(),
        create_teams: options.create_teams,
        existing_numbers: workers.iter().map(|w| w.details.employee_number.to_string()).collect(),
        existing_swe: workers
            .iter()
            .filter_map(|w| w.details.registration.as_ref().map(|r| r.number.to_string()))
            .collect(),
        authority: authority.clone(),
    };

    let Checked { candidates, problems, bad_rows, rows_read } = check_rows(&checker, &index, rows)?;
    if rows_read == 0 {
        return Err(bad_file(&file, "has no workers: there are no rows under the header"));
    }

    // New teams in the order the file first names them.
    let parent = single_service(&units);
    let mut new_teams: Vec<String> = Vec::new();
    let mut team_index: HashMap<String, usize> = HashMap::new();
    for c in &candidates {
        if let TeamRef::New(name) = &c.team {
            let key = unit_key(name);
            if let std::collections::hash_map::Entry::Vacant(slot) = team_index.entry(key) {
                slot.insert(new_teams.len());
                new_teams.push(name.clone());
            }
        }
    }

    let mut report = ImportReport {
        file,
        authority,
        framework: format!("{} {}", framework.id(), framework.framework.version),
        rows: rows_read,
        valid_rows: candidates.len(),
        invalid_rows: bad_rows.len(),
        imported: 0,
        new_teams,
        dry_run: options.dry_run,
        problems,
    };
    if options.dry_run || (!report.is_clean() && !options.skip_invalid) || candidates.is_empty() {
        return Ok(report);
    }

    let teams: Vec<NewOrgUnit> = report
        .new_teams
        .iter()
        .map(|n| Name::parse(n).map(|name| NewOrgUnit { kind: UnitKind::Team, name, parent }))
        .collect::<Result<_, _>>()?;
    let rows: Vec<usize> = candidates.iter().map(|c| c.row).collect();
    let workers: Vec<ImportedWorker> = candidates
        .into_iter()
        .map(|c| {
            let new_team = match &c.team {
                TeamRef::New(name) => team_index.get(&unit_key(name)).copied(),
                _ => None,
            };
            ImportedWorker { record: c.record, new_team }
        })
        .collect();
    let total = workers.len();
    let outcome = store.import_workers(scope, &teams, &workers, &|done| progress(done, total)).await;
    match outcome {
        Ok(done) => {
            report.imported = done.workers.len();
            Ok(report)
        }
        // Name the row, not the position in the batch.
        Err(StoreError::Batch { index, source, .. }) if !matches!(*source, StoreError::Database { .. }) => {
            let row = rows.get(index).copied().unwrap_or(0);
            Err(bad_file(&format!("{} row {row}", report.file), format!("{source}; nothing was imported")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every row checked: the good ones, and every problem of the bad ones in row order.
struct Checked {
    candidates: Vec<Candidate>,
    problems: Vec<RowProblem>,
    bad_rows: HashSet<usize>,
    rows_read: usize,
}

fn check_rows(
    checker: &Checker<'_>,
    index: &HashMap<Column, usize>,
    rows: impl IntoIterator<Item = Result<RawRow, AppError>>,
) -> Result<Checked, AppError> {
    let mut candidates = Vec::new();
    let mut problems = Vec::new();
    let mut bad_rows = HashSet::new();
    let mut rows_read = 0;
    let (mut numbers, mut swe_numbers) = (Vec::new(), Vec::new());
    for raw in rows {
        let raw = raw?;
        if raw.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows_read += 1;
        // Keys are collected from every row, good or bad, so a clash with a bad row is seen.
        let key = |c: Column| index.get(&c).and_then(|i| raw.cells.get(*i)).map(|t| t.trim()).unwrap_or("");
        if let Ok(n) = EmployeeNumber::parse(key(Column::EmployeeNumber)) {
            numbers.push((raw.number, n.to_string()));
        }
        if let Ok(n) = SweNumber::parse(key(Column::SweNumber)) {
            swe_numbers.push((raw.number, n.to_string()));
        }
        match checker.check(&raw, index) {
            Ok(c) => candidates.push(c),
            Err(p) => {
                bad_rows.insert(raw.number);
                problems.extend(p);
            }
        }
    }
    // The same person twice in one file: neither row can be trusted over the other.
    let mut duplicates = same_person_twice(Column::EmployeeNumber, &numbers);
    duplicates.extend(same_person_twice(Column::SweNumber, &swe_numbers));
    bad_rows.extend(duplicates.iter().map(|p| p.row));
    problems.extend(duplicates);
    problems.sort_by(|a, b| a.row.cmp(&b.row).then_with(|| column_order(a.column).cmp(&column_order(b.column))));
    candidates.retain(|c| !bad_rows.contains(&c.row));
    Ok(Checked { candidates, problems, bad_rows, rows_read })
}

/// A problem on every row whose key (row, value) another row shares.
fn same_person_twice(column: Column, keys: &[(usize, String)]) -> Vec<RowProblem> {
    let mut rows_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (row, key) in keys {
        rows_of.entry(key).or_default().push(*row);
    }
    let mut problems = Vec::new();
    for (value, rows) in rows_of.into_iter().filter(|(_, rows)| rows.len() > 1) {
        let listed: Vec<String> = rows.iter().map(usize::to_string).collect();
        let (last, first) = listed.split_last().map(|(l, f)| (l.clone(), f.join(", "))).unwrap_or_default();
        for row in &rows {
            problems.push(RowProblem {
                row: *row,
                column: column.name(),
                value: value.to_owned(),
                reason: format!("is on rows {first} and {last}; each worker must appear once"),
            });
        }
    }
    problems
}

fn column_order(name: &str) -> usize {
    Column::ALL.iter().position(|c| c.name() == name).unwrap_or(usize::MAX)
}

/// Where `--create-teams` puts new teams: under the authority's service when it has exactly
/// one top-level service, otherwise at the top level.
fn single_service(units: &[OrgUnit]) -> Option<OrgUnitId> {
    let mut services = units.iter().filter(|u| u.kind == UnitKind::Service && u.parent.is_none());
    match (services.next(), services.next()) {
        (Some(one), None) => Some(one.id),
        _ => None,
    }
}

impl Pathway {
    /// Import the workers in a `.csv` or `.xlsx` file into `authority`, checked against the
    /// framework it uses today.
    pub async fn import_workers(
        &self,
        authority: &str,
        file: &Path,
        options: ImportOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let sheet = Sheet::open(file)?;
        self.import_workers_by(&operator, authority, sheet, options, progress).await
    }

    /// Import the workers of a sheet already opened (an upload, say), recorded as done by
    /// `operator`.
    pub async fn import_workers_by(
        &self,
        operator: &Operator,
        authority: &str,
        sheet: Sheet,
        options: ImportOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<ImportReport, AppError> {
        let scope = self.scope(authority).await?;
        let framework = self.framework_in_force(&scope, Applies::Authority, chrono::Local::now().date_naive()).await?;
        let report = import_sheet(self.store(), &scope, &framework, sheet, options, progress).await?;
        if report.imported > 0 {
            let what = format!("imported {} workers from {}", report.imported, report.file);
            let detail = serde_json::json!({
                "file": report.file, "kind": "workers", "imported": report.imported, "new_teams": report.new_teams,
            });
            self.record_setup(operator, &scope, (pathway_store::EntityKind::Import, 0), "import workers", what, detail)
                .await?;
        }
        Ok(report)
    }
}

pub mod organisation;
pub mod workbook;

#[cfg(test)]
mod tests;
