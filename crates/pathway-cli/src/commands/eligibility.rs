//! `pathway eligibility`: who can progress, by which route, when — with the reason for every
//! "not yet".

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use pathway_app::model::{CriterionStatus, RouteStatus};

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
                                CriterionStatus::Unknown if c.needs_judgement => "a manager's judgement",
                                CriterionStatus::Unknown => "unknown",
                            };
                            let kind = if c.essential { "" } else { " (desirable)" };
                            crate::out!("    [{mark}]{kind} {} — {}", c.text, c.explanation);
                        }
                    }
                }
            }
            None => {
                let r = p.workforce_eligibility(&a.authority, on, a.within).await?;
                if a.json {
                    output::json(&r)?;
                } else {
                    crate::out!("{} — {} workers on the framework, as on {on}", r.framework, r.workers);
                    crate::out!("\nEligible now: {}", r.eligible_now.len());
                    for l in r.eligible_now.iter().take(20) {
                        crate::out!(
                            "  {:<24} {:<10} {} → {}",
                            l.worker.name,
                            l.worker.employee_number,
                            l.level,
                            l.to_level
                        );
                    }
                    if r.eligible_now.len() > 20 {
                        crate::out!("  … and {} more (--json for all)", r.eligible_now.len() - 20);
                    }
                    crate::out!("\nBecoming eligible within {} months: {}", r.within_months, r.upcoming.len());
                    for l in &r.upcoming {
                        let when = l.eligible_from.map(|d| d.to_string()).unwrap_or_default();
                        crate::out!(
                            "  {when}  {:<24} {:<10} {} → {}",
                            l.worker.name,
                            l.worker.employee_number,
                            l.level,
                            l.to_level
                        );
                    }
                    crate::out!("\nStuck (eligible for over a year, no application): {}", r.stuck.len());
                    for l in &r.stuck {
                        let since = l.eligible_from.map(|d| d.to_string()).unwrap_or_default();
                        crate::out!(
                            "  since {since}  {:<24} {:<10} {} → {}",
                            l.worker.name,
                            l.worker.employee_number,
                            l.level,
                            l.to_level
                        );
                    }
                    crate::out!("\nBlocked: {}", r.blocked.len());
                    for l in &r.blocked {
                        crate::out!("  {:<24} {:<10} {}", l.worker.name, l.worker.employee_number, l.summary);
                    }
                    crate::out!("\nBy team: eligible / upcoming / stuck / blocked of workers");
                    for (team, c) in &r.by_team {
                        crate::out!(
                            "  {team:<40} {:>3} / {:>3} / {:>3} / {:>3} of {:>3}",
                            c.eligible,
                            c.upcoming,
                            c.stuck,
                            c.blocked,
                            c.workers
                        );
                    }
                }
            }
        }
        p.close().await;
        Ok(ExitCode::SUCCESS)
    })
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
