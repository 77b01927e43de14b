//! `pathway export workers` and `pathway import template`: the workforce as a spreadsheet in
//! the import's own column set, so an export can be edited and imported again.
//!
//! Every cell a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab or
//! carriage return) is written with a leading `'`, which the import removes again.

use std::collections::HashMap;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use pathway_core::framework::Framework;
use pathway_core::ids::OrgUnitId;
use pathway_core::workforce::{AsyeRecord, WorkerRecord};
use pathway_store::{AuthorityScope, Organisation, Store, Workforce};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::AppError;
use crate::frameworks::Applies;
use crate::import::{Column, WORKERS_SHEET, guard_formula};
use crate::service::Pathway;

/// A spreadsheet format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Comma-separated values, UTF-8 with a byte order mark so Excel reads accents right.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// Rows of cells in [`Column::ALL`] order, not yet guarded against formulas.
pub type Rows = Vec<Vec<String>>;

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// One worker as an import row, as of `today`, naming levels and grades as `framework`
/// prints them (ids when the worker's entry is from another framework).
pub fn worker_row(
    r: &WorkerRecord,
    framework: Option<&Framework>,
    units: &HashMap<OrgUnitId, String>,
    today: NaiveDate,
) -> Vec<String> {
    let d = &r.worker.details;
    let q = d.qualification.as_ref();
    let reg = d.registration.as_ref();
    let asye = d.asye.as_ref();
    let entry = r.timeline.on(today).or_else(|| r.timeline.entries().first());
    let as_of = entry.map(|e| e.entry.starts_on.max(today)).unwrap_or(today);
    let f = framework.filter(|f| entry.is_some_and(|e| e.entry.framework == *f.id()));
    let appraisal = r.latest_appraisal(today).or_else(|| r.appraisals.last());
    let awards: Vec<String> = r
        .awards
        .iter()
        .map(|a| {
            let a = &a.award;
            let mut s = format!("{} | {} | {}", a.kind, a.title, a.completed_on.format("%Y-%m-%d"));
            if let Some(p) = &a.provider {
                s.push_str(&format!(" | {p}"));
            }
            if let Some(level) = a.academic_level {
                s.push_str(&format!(" | level {level}"));
            }
            if let Some(n) = a.credits {
                s.push_str(&format!(" | {n} credits"));
            }
            s
        })
        .collect();
    Column::ALL
        .iter()
        .map(|c| match c {
            Column::EmployeeNumber => d.employee_number.to_string(),
            Column::Name => d.name.to_string(),
            Column::EmploymentType => d.employment.to_string(),
            Column::StartDate => date(Some(d.started_on)),
            Column::LeavingDate => date(d.left_on),
            Column::Team => d.unit.and_then(|u| units.get(&u)).cloned().unwrap_or_default(),
            Column::QualificationTitle => q.map(|q| q.title.to_string()).unwrap_or_default(),
            Column::QualificationInstitution => q.map(|q| q.institution.to_string()).unwrap_or_default(),
            Column::QualifiedOn => date(q.map(|q| q.awarded_on)),
            Column::SweNumber => reg.map(|r| r.number.to_string()).unwrap_or_default(),
            Column::SweStatus => reg.map(|r| r.status.to_string()).unwrap_or_default(),
            Column::SweRenewalDue => date(reg.and_then(|r| r.renewal_due)),
            Column::AsyeCohort => asye.and_then(AsyeRecord::cohort).map(|c| c.to_string()).unwrap_or_default(),
            Column::AsyeStartDate => date(asye.and_then(AsyeRecord::started_on)),
            Column::AsyeStatus => asye.map(|a| a.status().to_string()).unwrap_or_default(),
            Column::AsyeOutcome => asye.and_then(AsyeRecord::outcome).map(|o| o.to_string()).unwrap_or_default(),
            Column::AsyeOutcomeDate => date(asye.and_then(AsyeRecord::outcome_on)),
            Column::ProbationStatus => d.probation.map(|p| p.status.to_string()).unwrap_or_default(),
            Column::ProbationEndDate => date(d.probation.and_then(|p| p.ends_on)),
            Column::Level => entry
                .map(|e| {
                    f.and_then(|f| f.level(&e.entry.level))
                        .map(|l| l.name.clone())
                        .unwrap_or_else(|| e.entry.level.to_string())
                })
                .unwrap_or_default(),
            Column::LevelSince => date(r.timeline.level_since(as_of)),
            Column::Grade => entry
                .and_then(|e| e.entry.grade.as_ref())
                .map(|g| f.and_then(|f| f.grade(g)).map(|g| g.name.clone()).unwrap_or_else(|| g.to_string()))
                .unwrap_or_default(),
            Column::PayPoint => entry.and_then(|e| e.entry.point.as_ref()).map(|p| p.to_string()).unwrap_or_default(),
            Column::Awards => awards.join("; "),
            Column::LastAppraisalDate => date(appraisal.map(|a| a.appraisal.held_on)),
            Column::LastAppraisalOutcome => appraisal.map(|a| a.appraisal.outcome.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// Every worker of the authority as import rows, by employee number.
pub async fn export_rows(
    store: &Store,
    scope: &AuthorityScope,
    framework: Option<&Framework>,
    today: NaiveDate,
) -> Result<Rows, AppError> {
    let units: HashMap<OrgUnitId, String> =
        store.units(scope).await?.into_iter().map(|u| (u.id, u.name.to_string())).collect();
    let mut records = store.worker_records(scope).await?;
    records.sort_by(|a, b| a.worker.details.employee_number.cmp(&b.worker.details.employee_number));
    Ok(records.iter().map(|r| worker_row(r, framework, &units, today)).collect())
}

/// Write rows as CSV (UTF-8 with a byte order mark), header first, cells guarded.
pub fn write_csv(rows: &Rows, out: &mut dyn Write) -> Result<(), AppError> {
    let failed =
        |e: std::io::Error| AppError::BadInput { field: "output".into(), message: format!("cannot write: {e}") };
    out.write_all("\u{feff}".as_bytes()).map_err(failed)?;
    let mut w = csv::Writer::from_writer(out);
    let csv_failed =
        |e: csv::Error| AppError::BadInput { field: "output".into(), message: format!("cannot write: {e}") };
    w.write_record(Column::ALL.iter().map(|c| c.name())).map_err(csv_failed)?;
    for row in rows {
        w.write_record(row.iter().map(|c| guard_formula(c))).map_err(csv_failed)?;
    }
    w.flush().map_err(failed)
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::BadInput { field: "output".into(), message: format!("cannot write the workbook: {e}") }
}

/// The workbook: a `Workers` sheet with the rows (dates as real dates), and optionally a
/// `Notes` sheet.
pub fn write_xlsx(rows: &Rows, notes: Option<&[Vec<String>]>) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.set_name(WORKERS_SHEET).map_err(xlsx_error)?;
    for (col, c) in Column::ALL.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| xlsx_error(XlsxError::ParameterError("too many columns".into())))?;
        sheet.write_string_with_format(0, col, c.name(), &bold).map_err(xlsx_error)?;
        sheet
            .set_column_width(col, if *c == Column::Awards { 50 } else { c.name().len().max(12) as u16 + 2 })
            .map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
        for (col, (c, value)) in Column::ALL.iter().zip(row).enumerate() {
            let col = u16::try_from(col).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
            if value.is_empty() {
                continue;
            }
            let as_date = if c.format() == "date" { NaiveDate::parse_from_str(value, "%Y-%m-%d").ok() } else { None };
            match as_date.and_then(|d| excel_date(d).ok()) {
                Some(d) => sheet.write_datetime_with_format(r, col, d, &date_format).map_err(xlsx_error)?,
                None => sheet.write_string(r, col, guard_formula(value)).map_err(xlsx_error)?,
            };
        }
    }
    if let Some(notes) = notes {
        let sheet = book.add_worksheet();
        sheet.set_name("Notes").map_err(xlsx_error)?;
        sheet.set_column_width(0, 28).map_err(xlsx_error)?;
        sheet.set_column_width(1, 10).map_err(xlsx_error)?;
        sheet.set_column_width(2, 45).map_err(xlsx_error)?;
        sheet.set_column_width(3, 80).map_err(xlsx_error)?;
        for (i, line) in notes.iter().enumerate() {
            let r = u32::try_from(i).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
            for (col, value) in line.iter().enumerate() {
                let col = u16::try_from(col).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
                if i == 0 {
                    sheet.write_string_with_format(r, col, guard_formula(value), &bold).map_err(xlsx_error)?;
                } else {
                    sheet.write_string(r, col, guard_formula(value)).map_err(xlsx_error)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError("year".into()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// Rows in `format`, as bytes to save.
pub fn to_bytes(rows: &Rows, format: SheetFormat, notes: Option<&[Vec<String>]>) -> Result<Vec<u8>, AppError> {
    match format {
        SheetFormat::Csv => {
            let mut out = Vec::new();
            write_csv(rows, &mut out)?;
            Ok(out)
        }
        SheetFormat::Xlsx => write_xlsx(rows, notes),
    }
}

/// The import template for the framework `id_or_path` names (a bundled id or a file).
pub fn template_for(format: SheetFormat, id_or_path: &str) -> Result<Vec<u8>, AppError> {
    template(format, &crate::catalog::resolve(id_or_path)?)
}

/// The import template: the column set with one example row (levels, grades and points from
/// `framework`) and, in XLSX, a `Notes` sheet describing every column and listing the
/// framework's levels, grades and points.
pub fn template(format: SheetFormat, framework: &Framework) -> Result<Vec<u8>, AppError> {
    let level = framework.levels.iter().find(|l| !l.grades.is_empty()).or_else(|| framework.levels.first());
    let grade = level.and_then(|l| l.grades.first()).and_then(|g| framework.grade(g));
    let point = grade.and_then(|g| g.points.first());
    let example: Vec<String> = Column::ALL
        .iter()
        .map(|c| {
            match c {
                Column::EmployeeNumber => "E10234",
                Column::Name => "Alex Example",
                Column::EmploymentType => "permanent",
                Column::StartDate => "2021-09-06",
                Column::LeavingDate | Column::Team => "",
                Column::QualificationTitle => "MA Social Work",
                Column::QualificationInstitution => "University of Sheffield",
                Column::QualifiedOn => "2021-07-01",
                Column::SweNumber => "SW123456",
                Column::SweStatus => "registered",
                Column::SweRenewalDue => "2026-11-30",
                Column::AsyeCohort => "2021-10",
                Column::AsyeStartDate => "2021-10-04",
                Column::AsyeStatus => "completed",
                Column::AsyeOutcome => "passed",
                Column::AsyeOutcomeDate => "2022-10-03",
                Column::ProbationStatus => "completed",
                Column::ProbationEndDate => "2022-03-06",
                Column::Level => level.map(|l| l.name.as_str()).unwrap_or(""),
                Column::LevelSince => "2022-10-03",
                Column::Grade => grade.map(|g| g.name.as_str()).unwrap_or(""),
                Column::PayPoint => point.map(|p| p.point.as_str()).unwrap_or(""),
                Column::Awards => "peps-stage-1 | PEPS stage 1 | 2024-06-28 | University of Sheffield",
                Column::LastAppraisalDate => "2025-04-15",
                Column::LastAppraisalOutcome => "meeting-expectations",
            }
            .to_owned()
        })
        .collect();
    let rows = vec![example];
    let mut notes: Vec<Vec<String>> = vec![["column", "required", "write", "what it holds"].map(String::from).to_vec()];
    for c in Column::ALL {
        notes.push(vec![
            c.name().into(),
            if c.required() { "yes" } else { "" }.into(),
            c.format().into(),
            c.about().into(),
        ]);
    }
    notes.push(Vec::new());
    notes.push(vec![
        "Dates".into(),
        String::new(),
        "YYYY-MM-DD or DD/MM/YYYY".into(),
        "Date cells are fine too. Day first: 03/04/2024 is 3 April 2024.".into(),
    ]);
    notes.push(vec![
        "Rows".into(),
        String::new(),
        String::new(),
        "One worker per row, on the Workers sheet. Delete the example row before importing.".into(),
    ]);
    notes.push(Vec::new());
    notes.push(vec![format!("{} ({})", framework.framework.title, framework.id()), String::new(), "levels".into()]);
    for l in &framework.levels {
        let grades: Vec<String> = l.grades.iter().filter_map(|g| framework.grade(g)).map(|g| g.name.clone()).collect();
        notes.push(vec![String::new(), String::new(), l.name.clone(), format!("paid on: {}", grades.join(", "))]);
    }
    notes.push(vec![String::new(), String::new(), "grades".into()]);
    for g in &framework.grades {
        let points: Vec<&str> = g.points.iter().map(|p| p.point.as_str()).collect();
        let aliases = if g.aliases.is_empty() { String::new() } else { format!(" (also: {})", g.aliases.join(", ")) };
        notes.push(vec![
            String::new(),
            String::new(),
            format!("{}{aliases}", g.name),
            format!("points: {}", points.join(", ")),
        ]);
    }
    to_bytes(&rows, format, Some(&notes))
}

impl Pathway {
    /// Every worker of `authority` as a spreadsheet in the import's column set.
    pub async fn export_workers(&self, authority: &str, format: SheetFormat) -> Result<Vec<u8>, AppError> {
        let scope = self.scope(authority).await?;
        let today = chrono::Local::now().date_naive();
        // An authority with no framework yet still exports; levels and grades show as ids.
        let framework = match self.framework_in_force(&scope, Applies::Authority, today).await {
            Ok(f) => Some(f),
            Err(AppError::BadInput { .. }) => None,
            Err(e) => return Err(e),
        };
        let rows = export_rows(self.store(), &scope, framework.as_deref(), today).await?;
        to_bytes(&rows, format, None)
    }
}
