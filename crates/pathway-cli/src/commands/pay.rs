//! `pathway pay` and `pathway project`: salary, increments, placement, projections.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use pathway_app::model::{Amount, NextIncrement};
use pathway_app::pay::{self, PayAnswer, PayQuestion, ProjectionQuestion};

use super::{parse_date, today};
use crate::output;

#[derive(Debug, Args)]
pub struct PayArgs {
    /// A bundled framework id or a file path.
    #[arg(long)]
    framework: String,
    /// The grade as the document prints it: "10", "HAY A", "J", "Band J".
    #[arg(long)]
    grade: String,
    /// The point as the document prints it: "37", "2", "top".
    #[arg(long)]
    point: String,
    /// The date (default: today).
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// When the person started on this grade, to work out the next increment date.
    #[arg(long, value_parser = parse_date)]
    started: Option<NaiveDate>,
    /// Also show where promotion to this grade would place them.
    #[arg(long)]
    promote_to: Option<String>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(a: PayArgs) -> anyhow::Result<ExitCode> {
    let question = PayQuestion {
        framework: a.framework,
        grade: a.grade,
        point: a.point,
        on: a.on.unwrap_or_else(today),
        started: a.started,
        promote_to: a.promote_to,
    };
    let answer = pay::answer(&question)?;
    if a.json {
        output::json(&answer)?;
    } else {
        print_answer(&answer);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_answer(a: &PayAnswer) {
    let s = &a.salary;
    let scp = s.scp.map(|n| format!(" (SCP {n})")).unwrap_or_default();
    crate::out!("{} {}, point {}{scp}, on {}", s.framework, s.grade, s.point, s.on);
    match &s.basic {
        Amount::Known { pence } => crate::out!("  Basic salary:  {pence} a year"),
        Amount::Unknown { reason } => crate::out!("  Basic salary:  not known — {reason}"),
    }
    for al in &s.allowances {
        let window = al.window();
        let window = if window.is_empty() { String::new() } else { format!(" (paid {window})") };
        crate::out!("  {}: {} a year{window}", al.name, al.annual_pence);
    }
    match s.total_annual_pence {
        Some(t) => crate::out!("  Total:         {t} a year"),
        None => crate::out!("  Total:         not known (basic salary not published)"),
    }
    if let Some(y) = &s.pay_year {
        let caveat = if s.figure_unverified.is_some() { " (figure UNVERIFIED; see the note)" } else { "" };
        crate::out!("  Pay table:     {y}{caveat}");
    }
    match (&a.top_point, &a.top_basic) {
        (Some(p), Some(b)) if s.top_of_grade => crate::out!("  This is the top of the grade ({p}, {b})."),
        (Some(p), Some(b)) => crate::out!("  Top of grade:  point {p}, {b}"),
        _ => {}
    }
    match &a.next_increment {
        Some(NextIncrement::AtTop) => crate::out!("  Next increment: none — already at the top of the grade"),
        Some(NextIncrement::Due { date, to_point, assumed, .. }) => {
            let caveat = if *assumed {
                " (the framework does not state its increment rule; usual practice assumed)"
            } else {
                ""
            };
            crate::out!("  Next increment: {date}, to point {to_point}{caveat}");
        }
        Some(NextIncrement::Held { date, to_point, hold, .. }) => {
            crate::out!("  Next increment: NOT APPLIED — the move on {date} to point {to_point} is {hold}")
        }
        Some(NextIncrement::NoRule) => crate::out!("  Next increment: the framework states no increment rule"),
        Some(NextIncrement::NotPublished { reason }) => crate::out!("  Next increment: not published — {reason}"),
        None => {}
    }
    if let Some(p) = &a.promotion {
        crate::out!(
            "  On promotion to {}: point {} at {} — {}",
            p.grade,
            p.placement.point,
            p.placement.basic,
            p.placement.reason
        );
        if let Some(hold) = &p.placement.hold {
            crate::out!("  That promotion is NOT APPLIED: it is {hold}");
        }
    }
    for n in &s.notes {
        crate::out!("  Note: {n}");
    }
}

#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// A bundled framework id or a file path.
    #[arg(long)]
    framework: String,
    /// Starting grade.
    #[arg(long)]
    grade: String,
    /// Starting point.
    #[arg(long)]
    point: String,
    /// Start date (default: today).
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// How many years to project.
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// A planned promotion: DATE=GRADE, e.g. 2026-10-01=10. Repeatable.
    #[arg(long = "move", value_parser = parse_move)]
    moves: Vec<(NaiveDate, String)>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_move(s: &str) -> Result<(NaiveDate, String), String> {
    let (d, g) = s.split_once('=').ok_or_else(|| format!("`{s}`: write a move as DATE=GRADE, e.g. 2026-10-01=10"))?;
    Ok((parse_date(d)?, g.to_owned()))
}

pub fn run_project(a: ProjectArgs) -> anyhow::Result<ExitCode> {
    let question = ProjectionQuestion {
        framework: a.framework,
        grade: a.grade,
        point: a.point,
        from: a.from.unwrap_or_else(today),
        years: a.years,
        moves: a.moves,
    };
    let projection = pay::project(&question)?;
    if a.json {
        output::json(&projection.rows)?;
    } else {
        crate::out!("{:<11} {:<14} {:<8} {:>12} {:>12}  EVENT", "DATE", "GRADE", "POINT", "BASIC", "TOTAL");
        for row in &projection.rows {
            let total = row.total_annual_pence.map(|t| t.to_string()).unwrap_or_else(|| "not known".into());
            crate::out!(
                "{:<11} {:<14} {:<8} {:>12} {:>12}  {}",
                row.date,
                row.grade,
                row.point,
                row.basic.to_string(),
                total,
                row.event
            );
        }
        for note in &projection.notes {
            crate::out!("Increments stop here: {note}.");
        }
        for held in &projection.held {
            crate::out!("Not applied: {held}.");
        }
        if projection.increments_assumed {
            crate::out!("Increments follow an assumed rule: the framework does not state one.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
