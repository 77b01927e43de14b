//! `pathway framework ...`: validate, list, show, compare.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use pathway_core::framework::{Framework, Grade, Level, Route};
use pathway_core::pay::{self, Amount};
use pathway_core::standards::Standards;
use pathway_core::{Pence, Severity};
use serde::Serialize;

use super::{parse_date, today};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum FrameworkCommand {
    /// Check framework files; exit 1 if any has errors (warnings are allowed).
    Validate {
        /// Framework files (or bundled ids) to check.
        #[arg(required = true)]
        paths: Vec<String>,
        /// Print the diagnostics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the bundled frameworks.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a whole framework: the career ladder with pay and routes.
    Show {
        /// A bundled id (medway, rotherham, bexley, west-sussex) or a file path.
        id: String,
        /// Print the framework as JSON.
        #[arg(long)]
        json: bool,
        /// Show pay as on this date (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Store framework files for an authority in the database (the files are the source of truth).
    Sync(super::db::SyncArgs),
    /// Compare frameworks side by side, levels aligned by PCF level, with pay ranges.
    Compare {
        /// Two or more bundled ids or file paths.
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        /// Show pay as on this date (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: FrameworkCommand) -> anyhow::Result<ExitCode> {
    match command {
        FrameworkCommand::Validate { paths, json } => validate(&paths, json),
        FrameworkCommand::List { json } => list(json),
        FrameworkCommand::Sync(a) => super::db::run_sync(a),
        FrameworkCommand::Show { id, json, on } => {
            let f = super::framework(&id)?;
            if json {
                output::json(&f)?;
            } else {
                let on = pay_date(on, std::slice::from_ref(&f));
                crate::out_nonl!("{}", render_ladder(&f, on));
            }
            Ok(ExitCode::SUCCESS)
        }
        FrameworkCommand::Compare { ids, on, json } => {
            let frameworks = ids.iter().map(|id| super::framework(id)).collect::<anyhow::Result<Vec<_>>>()?;
            let table = compare(&frameworks, pay_date(on, &frameworks));
            if json {
                output::json(&table)?;
            } else {
                crate::out_nonl!("{}", render_compare(&table));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The date to show pay on: the one asked for, else today — unless a framework takes figures
/// from the NJC spine and today is past the last pay year on record, when the last day of that
/// year is used (and said), so the ladder shows the latest known figures rather than blanks.
fn pay_date(asked: Option<NaiveDate>, frameworks: &[Framework]) -> NaiveDate {
    if let Some(on) = asked {
        return on;
    }
    let today = today();
    let uses_njc = frameworks.iter().any(|f| f.grades.iter().any(|g| g.spine == pathway_core::framework::Spine::Njc));
    match Standards::bundled().njc.last_day_on_record() {
        Some(last) if uses_njc && today > last => {
            eprintln!(
                "note: NJC figures on record end on {last}; pay is shown as on that date (use --on to choose another)"
            );
            last
        }
        _ => today,
    }
}

#[derive(Serialize)]
struct FileReport {
    file: String,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<pathway_core::Diagnostic>,
}

fn validate(paths: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::new();
    for path in paths {
        let sourced = match pathway_core::bundled::file(path) {
            Some(b) if !std::path::Path::new(path).exists() => pathway_app::catalog::SourcedFramework {
                origin: format!("frameworks/{}", b.file),
                text: b.text.to_owned(),
                loaded: pathway_core::framework::load(b.text),
            },
            _ => pathway_app::catalog::read_file(&PathBuf::from(path))?,
        };
        let diagnostics = sourced.loaded.diagnostics;
        reports.push(FileReport {
            errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
            warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
            file: sourced.origin,
            diagnostics,
        });
    }
    if json {
        output::json(&reports)?;
    } else {
        for r in &reports {
            for d in &r.diagnostics {
                crate::out!("{}", d.render(&r.file));
            }
            let verdict = if r.errors == 0 { "ok" } else { "invalid" };
            crate::out!("{}: {verdict} ({} error(s), {} warning(s))", r.file, r.errors, r.warnings);
        }
    }
    Ok(if reports.iter().any(|r| r.errors > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[derive(Serialize)]
struct ListEntry {
    id: String,
    authority: String,
    service: String,
    version: String,
    effective_from: NaiveDate,
    levels: usize,
    grades: usize,
    routes: usize,
}

fn list(json: bool) -> anyhow::Result<ExitCode> {
    let entries: Vec<ListEntry> = pathway_app::catalog::bundled_frameworks()
        .into_iter()
        .map(|f| ListEntry {
            id: f.framework.id.to_string(),
            authority: f.framework.authority.clone(),
            service: f.framework.service.clone(),
            version: f.framework.version.clone(),
            effective_from: f.framework.effective_from,
            levels: f.levels.len(),
            grades: f.grades.len(),
            routes: f.routes.len(),
        })
        .collect();
    if json {
        output::json(&entries)?;
    } else {
        crate::out!("{:<12} {:<50} {:>6} {:>6} {:>6}", "ID", "AUTHORITY", "LEVELS", "GRADES", "ROUTES");
        for e in &entries {
            crate::out!("{:<12} {:<50} {:>6} {:>6} {:>6}", e.id, e.authority, e.levels, e.grades, e.routes);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The pay range of a level on a date: lowest and highest known basic, and whether any
/// point's figure is missing.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PayRange {
    pub grades: Vec<String>,
    pub min_pence: Option<Pence>,
    pub max_pence: Option<Pence>,
    pub allowances_pence: Pence,
    pub complete: bool,
    /// A figure in the range is one the file marks as an anomaly in the source.
    pub includes_anomaly: bool,
}

pub fn pay_range(f: &Framework, level: &Level, on: NaiveDate) -> PayRange {
    let grades: Vec<&Grade> = level.grades.iter().filter_map(|g| f.grade(g)).collect();
    let mut known = Vec::new();
    let mut complete = !grades.is_empty();
    let mut includes_anomaly = false;
    for g in &grades {
        includes_anomaly |= g.points.iter().any(|p| p.anomaly.is_some());
        complete &= g.points_complete;
        for p in &g.points {
            match pay::basic_pay(f, g, p, on).0 {
                Amount::Known { pence } => known.push(pence),
                Amount::Unknown { .. } => complete = false,
            }
        }
    }
    PayRange {
        grades: grades.iter().map(|g| g.name.clone()).collect(),
        min_pence: known.iter().min().copied(),
        max_pence: known.iter().max().copied(),
        allowances_pence: grades.first().and_then(|g| pay::allowances_total(f, &g.id)).unwrap_or_default(),
        complete,
        includes_anomaly,
    }
}

fn describe_range(r: &PayRange) -> String {
    if r.grades.is_empty() {
        return "pay not published".into();
    }
    let figures = match (r.min_pence, r.max_pence) {
        (Some(a), Some(b)) if a == b => format!("{a}"),
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "figures not published".into(),
    };
    let mut s = format!("{}: {figures}", r.grades.join(", "));
    if r.allowances_pence > Pence::ZERO {
        s.push_str(&format!(" + {} allowances", r.allowances_pence));
    }
    if !r.complete && r.min_pence.is_some() {
        s.push_str(" (some points not published)");
    }
    if r.includes_anomaly {
        s.push_str(" (includes a published figure marked as an anomaly)");
    }
    s
}

fn describe_grade(f: &Framework, g: &Grade, on: NaiveDate) -> String {
    let points: Vec<String> = g
        .points
        .iter()
        .map(|p| {
            let label = match p.scp {
                Some(scp) => format!("SCP {scp}"),
                None => p.point.clone(),
            };
            let amount = pay::basic_pay(f, g, p, on).0;
            let flag = if p.anomaly.is_some() { " (!)" } else { "" };
            format!("{label} {amount}{flag}")
        })
        .collect();
    format!("{}: {}", g.name, points.join(", "))
}

fn describe_route(f: &Framework, r: &Route) -> Vec<String> {
    let to = f.level(&r.to).map(|l| l.name.as_str()).unwrap_or(r.to.as_str());
    let mut lines = vec![format!("→ {to}: {} [{}]", r.name, r.kind)];
    for c in &r.criteria {
        let tag = if c.essential { "essential" } else { "desirable" };
        lines.push(format!("    criterion ({tag}): {}", c.text));
    }
    for e in &r.evidence {
        let mut s = format!("    evidence: {} × {}", e.min, e.description);
        if !e.authorised_by.is_empty() {
            let names: Vec<&str> =
                e.authorised_by.iter().map(|a| f.role(a).map(|r| r.name.as_str()).unwrap_or(a.as_str())).collect();
            s.push_str(&format!(" (authorised by {})", names.join(" and ")));
        }
        lines.push(s);
    }
    for (i, s) in r.steps.iter().enumerate() {
        let who: Vec<String> = s
            .assessors
            .iter()
            .map(|a| {
                let name = f.role(&a.role).map(|r| r.name.clone()).unwrap_or_else(|| a.role.to_string());
                match a.relation {
                    pathway_core::framework::Relation::Independent => format!("{name} (independent)"),
                    pathway_core::framework::Relation::Own => format!("own {name}"),
                    pathway_core::framework::Relation::Any => name,
                }
            })
            .collect();
        let form = s.form.as_ref().map(|f| format!(" [{f}]")).unwrap_or_default();
        let files = s.case_files.map(|n| format!(", {n} case files")).unwrap_or_default();
        let who = if who.is_empty() { String::new() } else { format!(" — {}", who.join(", ")) };
        lines.push(format!("    step {}: {}{form}{files}{who}", i + 1, s.title));
    }
    if let Some(d) = r.decided_by.as_ref().and_then(|d| f.role(d)) {
        lines.push(format!("    decided by: {}", d.name));
    }
    if let Some(d) = r.signed_off_by.as_ref().and_then(|d| f.role(d)) {
        lines.push(format!("    signed off by: {}", d.name));
    }
    lines
}

/// The human-readable career ladder.
pub fn render_ladder(f: &Framework, on: NaiveDate) -> String {
    let std = Standards::bundled();
    let mut out = String::new();
    let a = &f.framework;
    out.push_str(&format!("{} — {}\n{}\n", a.authority, a.service, a.title));
    out.push_str(&format!(
        "Framework `{}` version {} in effect from {}; pay shown as on {on}\n",
        a.id, a.version, a.effective_from
    ));
    if let Some(note) = &f.pay.note {
        out.push_str(&format!("Pay: {note}\n"));
    }
    out.push_str("\nCareer ladder\n");
    for (i, l) in f.levels.iter().enumerate() {
        let pcf = l.pcf_level.as_deref().and_then(|p| std.pcf_level(p)).map(|p| p.title.as_str()).unwrap_or("—");
        out.push_str(&format!("\n{:>2}. {} [{}]\n", i + 1, l.name, l.id));
        out.push_str(&format!(
            "    PCF level: {pcf}; KSS: {}\n",
            if l.kss.is_empty() { "—".into() } else { l.kss.join(", ") }
        ));
        out.push_str(&format!("    Pay: {}\n", describe_range(&pay_range(f, l, on))));
        for c in &l.requirements {
            let tag = if c.essential { "essential" } else { "desirable" };
            out.push_str(&format!("    Requires ({tag}): {}\n", c.text));
        }
        if let Some(t) = &l.time_in_role {
            out.push_str(&format!("    Time in role: {t}\n"));
        }
        for r in f.routes_from(&l.id) {
            for line in describe_route(f, r) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    if !f.grades.is_empty() {
        out.push_str("\nGrades\n");
        for g in &f.grades {
            out.push_str(&format!("  {}\n", describe_grade(f, g, on)));
        }
        for al in &f.pay.allowances {
            out.push_str(&format!("  Allowance: {} {} a year\n", al.name, al.annual));
        }
    }
    if !f.anomalies.is_empty() {
        out.push_str("\nKnown anomalies in the source\n");
        for an in &f.anomalies {
            out.push_str(&format!("  (!) {}\n", an.description));
        }
    }
    out
}

#[derive(Debug, Serialize)]
pub struct CompareTable {
    pub on: NaiveDate,
    pub frameworks: Vec<String>,
    pub rows: Vec<CompareRow>,
}

#[derive(Debug, Serialize)]
pub struct CompareRow {
    pub pcf_level: String,
    pub cells: Vec<Vec<CompareCell>>,
}

#[derive(Debug, Serialize)]
pub struct CompareCell {
    pub level: String,
    /// True when the document does not state the PCF level and the ladder position was used.
    pub pcf_level_inferred: bool,
    pub pay: PayRange,
}

/// Levels side by side, one row per PCF level in ladder order.
pub fn compare(frameworks: &[Framework], on: NaiveDate) -> CompareTable {
    let std = Standards::bundled();
    let keys: Vec<(u32, String, String)> =
        std.pcf.levels.iter().map(|l| (l.order, l.id.clone(), l.title.clone())).collect();
    let rows = keys
        .into_iter()
        .filter_map(|(_, id, title)| {
            let cells: Vec<Vec<CompareCell>> = frameworks
                .iter()
                .map(|f| {
                    f.levels
                        .iter()
                        .filter_map(|l| {
                            let aligned = f.pcf_alignment(l);
                            (aligned.pcf_level == id).then(|| CompareCell {
                                level: l.name.clone(),
                                pcf_level_inferred: aligned.inferred,
                                pay: pay_range(f, l, on),
                            })
                        })
                        .collect()
                })
                .collect();
            cells.iter().any(|c| !c.is_empty()).then_some(CompareRow { pcf_level: title, cells })
        })
        .collect();
    CompareTable { on, frameworks: frameworks.iter().map(|f| f.framework.id.to_string()).collect(), rows }
}

fn render_compare(t: &CompareTable) -> String {
    let mut out = format!("Levels aligned by PCF level; pay as on {}\n", t.on);
    for row in &t.rows {
        out.push_str(&format!("\n{}\n", row.pcf_level));
        for (name, cells) in t.frameworks.iter().zip(&row.cells) {
            if cells.is_empty() {
                out.push_str(&format!("  {name:<12} —\n"));
            }
            for c in cells {
                let mark = if c.pcf_level_inferred { "*" } else { "" };
                out.push_str(&format!("  {name:<12} {}{mark} — {}\n", c.level, describe_range(&c.pay)));
            }
        }
    }
    if t.rows.iter().flat_map(|r| r.cells.iter().flatten()).any(|c| c.pcf_level_inferred) {
        out.push_str(
            "\n* the document does not state this level's PCF level; it is placed by its position on the ladder\n",
        );
    }
    out
}
