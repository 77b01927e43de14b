//! `pathway framework ...`: validate, list, show, compare.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use pathway_app::catalog;
use pathway_app::ladder::{self, AsyeSummary, CompareTable, GradePay, Ladder, RouteSummary};
use pathway_app::model::{Pence, Relation};
use pathway_app::pay::PayRange;

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
            if json {
                output::json(&catalog::resolve(&id)?)?;
            } else {
                let ladder = ladder::ladder(&id, on, today())?;
                pay_date_note(ladder.pay_date.note.as_deref());
                crate::out_nonl!("{}", render_ladder(&ladder));
            }
            Ok(ExitCode::SUCCESS)
        }
        FrameworkCommand::Compare { ids, on, json } => {
            let comparison = ladder::compare(&ids, on, today())?;
            pay_date_note(comparison.note.as_deref());
            if json {
                output::json(&comparison.table)?;
            } else {
                crate::out_nonl!("{}", render_compare(&comparison.table));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn validate(paths: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let reports = catalog::validate(paths)?;
    if json {
        output::json(&reports)?;
    } else {
        for report in &reports {
            for diagnostic in &report.diagnostics {
                crate::out!("{}", diagnostic.render(&report.file));
            }
            let verdict = if report.is_valid() { "ok" } else { "invalid" };
            crate::out!("{}: {verdict} ({} error(s), {} warning(s))", report.file, report.errors, report.warnings);
        }
    }
    Ok(if reports.iter().all(|r| r.is_valid()) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn list(json: bool) -> anyhow::Result<ExitCode> {
    let entries = catalog::list();
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

fn describe_range(range: &PayRange) -> String {
    if range.grades.is_empty() {
        return "pay not published".into();
    }
    let figures = match (range.min_pence, range.max_pence) {
        (Some(low), Some(high)) if low == high => format!("{low}"),
        (Some(low), Some(high)) => format!("{low} – {high}"),
        _ => "figures not published".into(),
    };
    let mut text = format!("{}: {figures}", range.grades.join(", "));
    match range.allowances_pence {
        Some(allowances) if allowances > Pence::ZERO => text.push_str(&format!(" + {allowances} allowances")),
        Some(_) => {}
        None => text.push_str(" + allowances too large to add up"),
    }
    if !range.complete && range.min_pence.is_some() {
        text.push_str(" (some points not published)");
    }
    if range.includes_anomaly {
        text.push_str(" (includes a published figure marked as an anomaly)");
    }
    if range.includes_unverified {
        text.push_str(" (includes unverified NJC figures)");
    }
    text
}

fn describe_grade(grade: &GradePay) -> String {
    let points: Vec<String> = grade
        .points
        .iter()
        .map(|point| {
            let flag = if point.anomaly { " (!)" } else { "" };
            let unverified = if point.unverified { " (unverified)" } else { "" };
            format!("{} {}{flag}{unverified}", point.label, point.basic)
        })
        .collect();
    match &grade.not_published {
        Some(gap) if points.is_empty() => format!("{}: {gap}", grade.name),
        Some(gap) => format!("{}: {} ({gap})", grade.name, points.join(", ")),
        None => format!("{}: {}", grade.name, points.join(", ")),
    }
}

fn tag(essential: bool) -> &'static str {
    if essential { "essential" } else { "desirable" }
}

fn describe_route(route: &RouteSummary) -> Vec<String> {
    let mut lines = vec![format!("→ {}: {} [{}]", route.to_level, route.name, route.kind)];
    for criterion in &route.criteria {
        lines.push(format!("    criterion ({}): {}", tag(criterion.essential), criterion.text));
    }
    for evidence in &route.evidence {
        let mut line = format!("    evidence: {} × {}", evidence.min, evidence.description);
        if !evidence.authorised_by.is_empty() {
            line.push_str(&format!(" (authorised by {})", evidence.authorised_by.join(" and ")));
        }
        lines.push(line);
    }
    for (i, step) in route.steps.iter().enumerate() {
        let who: Vec<String> = step
            .assessors
            .iter()
            .map(|(name, relation)| match relation {
                Relation::Independent => format!("{name} (independent)"),
                Relation::Own => format!("own {name}"),
                Relation::Any => name.clone(),
            })
            .collect();
        let form = step.form.as_ref().map(|form| format!(" [{form}]")).unwrap_or_default();
        let files = step.case_files.map(|n| format!(", {n} case files")).unwrap_or_default();
        let who = if who.is_empty() { String::new() } else { format!(" — {}", who.join(", ")) };
        lines.push(format!("    step {}: {}{form}{files}{who}", i + 1, step.title));
    }
    if let Some(role) = &route.decided_by {
        lines.push(format!("    decided by: {role}"));
    }
    if let Some(role) = &route.signed_off_by {
        lines.push(format!("    signed off by: {role}"));
    }
    lines
}

/// The human-readable career ladder.
fn render_ladder(ladder: &Ladder) -> String {
    let mut out = String::new();
    out.push_str(&format!("{} — {}\n{}\n", ladder.authority, ladder.service, ladder.title));
    out.push_str(&format!(
        "Framework `{}` version {} in effect from {}; pay shown as on {}\n",
        ladder.id, ladder.version, ladder.effective_from, ladder.pay_date.on
    ));
    if let Some(note) = &ladder.pay_note {
        out.push_str(&format!("Pay: {note}\n"));
    }
    if !ladder.notes.is_empty() {
        out.push_str("\nNotes on the document\n");
        for note in &ladder.notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    if !ladder.assumptions.is_empty() {
        out.push_str("\nAssumptions (the document does not state these)\n");
        for assumption in &ladder.assumptions {
            out.push_str(&format!("  - {assumption}\n"));
        }
    }
    out.push_str("\nCareer ladder\n");
    for (i, level) in ladder.levels.iter().enumerate() {
        out.push_str(&format!("\n{:>2}. {} [{}]\n", i + 1, level.name, level.id));
        if let Some(grade) = &level.career_grade {
            out.push_str(&format!("    Career grade: {grade}\n"));
        }
        out.push_str(&format!(
            "    PCF level: {}; KSS: {}\n",
            level.pcf_level.as_deref().unwrap_or("—"),
            if level.kss.is_empty() { "—".into() } else { level.kss.join(", ") }
        ));
        if let Some(description) = &level.description {
            out.push_str(&format!("    Role: {description}\n"));
        }
        out.push_str(&format!("    Pay: {}\n", describe_range(&level.pay)));
        for requirement in &level.requirements {
            out.push_str(&format!("    Requires ({}): {}\n", tag(requirement.essential), requirement.text));
        }
        if let Some(time) = &level.time_in_role {
            out.push_str(&format!("    Time in role: {time}\n"));
        }
        for route in &level.routes {
            for line in describe_route(route) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    if !ladder.from_any_level.is_empty() {
        out.push_str("\nOpen from any level\n");
        for route in &ladder.from_any_level {
            for line in describe_route(route) {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    if !ladder.grades.is_empty() {
        out.push_str("\nGrades\n");
        for grade in &ladder.grades {
            out.push_str(&format!("  {}\n", describe_grade(grade)));
        }
        for (name, annual) in &ladder.allowances {
            out.push_str(&format!("  Allowance: {name} {annual}\n"));
        }
    }
    if let Some(asye) = &ladder.asye {
        out.push_str(&render_asye(asye));
    }
    if !ladder.learning_offers.is_empty() {
        out.push_str("\nLearning and development\n");
        for offer in &ladder.learning_offers {
            let for_whom =
                if offer.levels.is_empty() { String::new() } else { format!(" (for {})", offer.levels.join(", ")) };
            let what = offer.description.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
            out.push_str(&format!("  - {}{for_whom}{what}\n", offer.name));
        }
    }
    if !ladder.anomalies.is_empty() {
        out.push_str("\nKnown anomalies in the source\n");
        for anomaly in &ladder.anomalies {
            out.push_str(&format!("  (!) {anomaly}\n"));
        }
    }
    out
}

fn render_asye(asye: &AsyeSummary) -> String {
    let or_not_stated = |items: &[String]| if items.is_empty() { "not stated".to_owned() } else { items.join(", ") };
    let mut out = String::from("\nASYE (Assessed and Supported Year in Employment)\n");
    out.push_str(&format!("  Length: {} months; extension: {}\n", asye.length_months, asye.extension));
    out.push_str(&format!("  Intakes: {}\n", or_not_stated(&asye.intake_months)));
    if !asye.review_months.is_empty() {
        let reviews: Vec<String> = asye.review_months.iter().map(|m| m.to_string()).collect();
        out.push_str(&format!("  Reviews at months: {}\n", reviews.join(", ")));
    }
    out.push_str(&format!("  Assessed by: {}\n", or_not_stated(&asye.assessed_by)));
    for (what, who) in [
        ("Recommended by", &asye.recommended_by),
        ("Decided by", &asye.decided_by),
        ("Signed off by", &asye.signed_off_by),
    ] {
        if let Some(who) = who {
            out.push_str(&format!("  {what}: {who}\n"));
        }
    }
    for support in &asye.support {
        out.push_str(&format!("  Support: {support}\n"));
    }
    out
}

fn render_compare(table: &CompareTable) -> String {
    let mut out = format!("Levels aligned by PCF level; pay as on {}\n", table.on);
    for row in &table.rows {
        out.push_str(&format!("\n{}\n", row.pcf_level));
        for (name, cells) in table.frameworks.iter().zip(&row.cells) {
            if cells.is_empty() {
                out.push_str(&format!("  {name:<12} —\n"));
            }
            for cell in cells {
                let mark = if cell.pcf_level_inferred { "*" } else { "" };
                out.push_str(&format!("  {name:<12} {}{mark} — {}\n", cell.level, describe_range(&cell.pay)));
            }
        }
    }
    if table.rows.iter().flat_map(|r| r.cells.iter().flatten()).any(|c| c.pcf_level_inferred) {
        out.push_str(
            "\n* the document does not state this level's PCF level; it is placed by its position on the ladder\n",
        );
    }
    out
}

/// The note on the date pay is shown for, with the command line's way to choose another.
fn pay_date_note(note: Option<&str>) {
    if let Some(note) = note {
        eprintln!("note: {note} (use --on to choose another date)");
    }
}
