//! `pathway eligibility`: who can progress, by which route, when — with the reason for every
//! "not yet".

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use pathway_app::model::{CriterionStatus, ReportLine, RouteStatus, WorkforceReport};

use super::db::{block_on, open};
use super::{parse_date, today};
use crate::output;

#[derive(Debug, Args)]
pub struct EligibilityArgs {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// One worker, by employee number: every route out of their level, criterion by criterion.
    #[arg(long)]
    worker: Option<String>,
    /// Look-ahead window for "becomes eligible", e.g. 6m or 1y.
    #[arg(long, default_value = "6m", value_parser = parse_window)]
    within: u32,
    /// As on this date (default: today).
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

/// "6m" → 6 months, "1y" → 12, "18" → 18.
fn parse_window(s: &str) -> Result<u32, String> {
    let t = s.trim().to_lowercase();
    let (n, unit) = match t.strip_suffix('y') {
        Some(n) => (n, 12),
        None => (t.strip_suffix('m').unwrap_or(&t), 1),
    };
    n.trim()
        .parse::<u32>()
        .map(|n| n * unit)
        .map_err(|_| format!("`{s}` is not a window; write months like 6m or years like 1y"))
}

fn status_word(s: RouteStatus) -> &'static str {
    match s {
        RouteStatus::Eligible => "ELIGIBLE",
        RouteStatus::NotYet => "NOT YET",
        RouteStatus::NeedsJudgement => "NEEDS A MANAGER'S JUDGEMENT",
        RouteStatus::ApplyWhenAdvertised => "CAN APPLY WHEN A POST IS ADVERTISED",
        RouteStatus::Blocked => "BLOCKED",
    }
}

pub fn run(a: EligibilityArgs) -> anyhow::Result<ExitCode> {
    let on = a.on.unwrap_or_else(today);
    block_on(async move {
        let p = open().await?;
        match &a.worker {
            Some(number) => {
                let e = p.worker_eligibility(&a.authority, number, on).await?;
                if a.json {
                    output::json(&e)?;
                } else {
                    crate::out!("{} ({}), {} — as on {on}", e.worker.name, e.worker.employee_number, e.level);
                    if e.routes.is_empty() {
                        crate::out!("  No route leads on from this level in the framework.");
                    }
                    for r in &e.routes {
                        crate::out!("\n  {} → {}: {}", r.route_name, r.to_level_name, status_word(r.status));
                        crate::out!("  {}", r.summary);
                        for c in &r.criteria {
                            let mark = match c.status {
                                CriterionStatus::Met => "met",
                                CriterionStatus::NotMet => "not met",
                                CriterionStatus::Unknown if c.needs_judgement => "needs a manager's judgement",
                                CriterionStatus::Unknown => "unknown",
                            };
                            let kind = if c.essential { "" } else { " (desirable)" };
                            crate::out!("    [{mark}]{kind} {} — {}", c.text, c.explanation);
                        }
                        for x in e.exceptions.iter().filter(|x| x.exception.route == r.route) {
                            let reference = x.exception.reference(x.id);
                            crate::out!("    Exception: {}", reference.describe());
                        }
                    }
                }
            }
            None => {
                let r = p.workforce_eligibility(&a.authority, on, a.within).await?;
                if a.json {
                    output::json(&r)?;
                } else {
                    print_report(&r, on);
                }
            }
        }
        p.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// At most this many lines per group in text; `--json` has them all.
const SHOWN: usize = 20;

fn who(l: &ReportLine) -> String {
    format!("{:<24} {:<10} {} → {}", l.worker.name, l.worker.employee_number, l.level, l.to_level)
}

fn more(n: usize) {
    if n > SHOWN {
        crate::out!("  … and {} more (--json for all)", n - SHOWN);
    }
}

/// The workforce report in text: every primary group with its count, so the counts add up
/// to the worker-routes evaluated.
fn print_report(r: &WorkforceReport, on: NaiveDate) {
    crate::out!("{} — {} workers on the framework, as on {on}", r.framework, r.workers);
    crate::out!(
        "{} routes onward from their levels; {} at a level no route leads on from",
        r.worker_routes,
        r.without_routes
    );
    crate::out!("\nEligible now: {} ({} stuck)", r.eligible_now.len(), r.stuck.len());
    for l in r.eligible_now.iter().take(SHOWN) {
        let stuck = if l.stuck { "  [stuck]" } else { "" };
        crate::out!("  {}{stuck}", who(l));
    }
    more(r.eligible_now.len());
    crate::out!("\nBecoming eligible within {} months: {}", r.within_months, r.upcoming.len());
    for l in r.upcoming.iter().take(SHOWN) {
        let when = l.eligible_from.map(|d| d.to_string()).unwrap_or_default();
        crate::out!("  {when}  {}", who(l));
    }
    more(r.upcoming.len());
    crate::out!("\nLater (beyond {} months, or on no date the records give): {}", r.within_months, r.later.len());
    for l in r.later.iter().take(SHOWN) {
        let when = l.eligible_from.map(|d| d.to_string()).unwrap_or_else(|| "no date   ".into());
        crate::out!("  {when}  {}", who(l));
    }
    more(r.later.len());
    crate::out!("\nNeeds a manager's judgement: {}", r.needs_judgement.len());
    // Lines come grouped by route and criteria: each set of criteria is named once, with
    // the people it holds up.
    let mut sets: Vec<(&ReportLine, Vec<&ReportLine>)> = Vec::new();
    for l in &r.needs_judgement {
        match sets.last_mut() {
            Some((first, people)) if first.route == l.route && first.needs_judgement == l.needs_judgement => {
                people.push(l)
            }
            _ => sets.push((l, vec![l])),
        }
    }
    for (first, people) in sets {
        crate::out!("  To {} ({}), {} waiting on a manager's judgement of:", first.to_level, first.route, people.len());
        for c in &first.needs_judgement {
            crate::out!("    - {c}");
        }
        for l in people.iter().take(SHOWN) {
            crate::out!("      {:<24} {:<10} {}", l.worker.name, l.worker.employee_number, l.level);
        }
        if people.len() > SHOWN {
            crate::out!("      … and {} more (--json for all)", people.len() - SHOWN);
        }
    }
    crate::out!("\nCan apply when a post is advertised: {}", r.when_advertised.len());
    for l in r.when_advertised.iter().take(SHOWN) {
        crate::out!("  {}", who(l));
    }
    more(r.when_advertised.len());
    crate::out!("\nStuck (eligible for over a year, no application): {}", r.stuck.len());
    for l in &r.stuck {
        let since = l.eligible_from.map(|d| d.to_string()).unwrap_or_default();
        crate::out!("  since {since}  {}", who(l));
    }
    crate::out!("\nBlocked: {}", r.blocked.len());
    for l in &r.blocked {
        crate::out!("  {:<24} {:<10} {}", l.worker.name, l.worker.employee_number, l.summary);
    }
    crate::out!(
        "\nIn all: {} eligible + {} upcoming + {} later + {} judgement + {} advertised + {} blocked = {}",
        r.eligible_now.len(),
        r.upcoming.len(),
        r.later.len(),
        r.needs_judgement.len(),
        r.when_advertised.len(),
        r.blocked.len(),
        r.groups_total()
    );
    crate::out!("\nBy team: eligible (stuck) / upcoming / later / judgement / advertised / blocked, of workers");
    for (team, c) in &r.by_team {
        crate::out!(
            "  {team:<40} {:>3} ({}) / {:>3} / {:>3} / {:>3} / {:>3} / {:>3} of {:>3}",
            c.eligible,
            c.stuck,
            c.upcoming,
            c.later,
            c.needs_judgement,
            c.when_advertised,
            c.blocked,
            c.workers
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_are_months_or_years() {
        assert_eq!(super::parse_window("6m"), Ok(6));
        assert_eq!(super::parse_window("1y"), Ok(12));
        assert_eq!(super::parse_window("18"), Ok(18));
        assert!(super::parse_window("soon").is_err());
    }
}
