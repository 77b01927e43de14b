//! `pathway registration ...`, `pathway cpd ...` and `pathway appraisal ...`: a worker's
//! registration with Social Work England (recorded by HR, kept as a history, and who is
//! lapsing), their CPD against SWE's minimum for the registration year, and the appraisal
//! history and who is due one. Each parses its arguments, calls one `pathway_app::career`
//! (or `records`) use case and prints its result.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use pathway_app::career::{
    AppraisalDueReport, CpdLine, CpdSummaryView, LapsingReport, RecordCpd, RecordRegistration, RegistrationLine,
};
use pathway_app::model::EvidenceId;
use pathway_app::records::AppraisalLine;

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

/// "60d" → 60 days, "8w" → 56, "60" → 60.
fn parse_days(text: &str) -> Result<u32, String> {
    let t = text.trim().to_lowercase();
    let (n, per) = match (t.strip_suffix('d'), t.strip_suffix('w')) {
        (Some(n), _) => (n, 1),
        (None, Some(n)) => (n, 7),
        (None, None) => (t.as_str(), 1),
    };
    n.trim()
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(per))
        .filter(|days| *days <= 3660)
        .ok_or_else(|| format!("`{text}` is not a number of days up to ten years: write it like 60d, 8w or 60"))
}

#[derive(Debug, Subcommand)]
pub enum RegistrationCommand {
    /// Record what the Social Work England register says about a worker from a date (HR:
    /// the operator must hold system-admin or hr-admin, or be the built-in one).
    Record {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker, by employee number.
        #[arg(long)]
        worker: String,
        /// The registration number: SW followed by digits.
        #[arg(long)]
        number: String,
        /// registered, registered-with-conditions, suspended, removed, lapsed, applied.
        #[arg(long)]
        status: String,
        /// The conditions of practice (with registered-with-conditions only).
        #[arg(long)]
        conditions: Option<String>,
        /// When it must next be renewed, YYYY-MM-DD (SWE: 30 November).
        #[arg(long, value_parser = parse_date)]
        renewal_due: Option<NaiveDate>,
        /// The first day the register said this, YYYY-MM-DD (default: today).
        #[arg(long = "from", value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Where it was checked, a reference.
        #[arg(long)]
        note: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The registration records of an authority, or of one worker, earliest first.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// One worker, by employee number.
        #[arg(long)]
        worker: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Who is not registered today, or must renew within a window.
    Lapsing {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// How far ahead to look: 60d, 8w or a number of days.
        #[arg(long, default_value = "60d", value_parser = parse_days)]
        within: u32,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CpdCommand {
    /// Record a piece of a worker's CPD with their reflection.
    Add {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker, by employee number.
        #[arg(long)]
        worker: String,
        /// The day of the learning, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        /// What it was.
        #[arg(long)]
        title: String,
        /// The activity, in the worker's words.
        #[arg(long)]
        description: Option<String>,
        /// What they learned and how it changed their practice.
        #[arg(long)]
        reflection: String,
        /// The peer they reflected with, by employee number (a colleague here).
        #[arg(long)]
        peer: Option<String>,
        /// The peer they reflected with, by name (someone from outside).
        #[arg(long)]
        peer_name: Option<String>,
        /// An evidence item of the worker's portfolio it draws on (repeat for more).
        #[arg(long)]
        evidence: Vec<EvidenceId>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The CPD records of an authority, or of one worker.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// One worker, by employee number.
        #[arg(long)]
        worker: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// A worker's CPD in a registration year against Social Work England's minimum.
    Summary {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker, by employee number.
        #[arg(long)]
        worker: String,
        /// The registration year, by the year it ends in (2026 = 1 Dec 2025 to 30 Nov 2026);
        /// default: the year today is in.
        #[arg(long)]
        year: Option<i32>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppraisalCommand {
    /// Every appraisal recorded in an authority, or of one worker, earliest first.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// One worker, by employee number.
        #[arg(long)]
        worker: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Whose next appraisal is due within a window (overdue ones first), by the framework's
    /// cycle or 12 months where it says none.
    Due {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// How far ahead to look: 30d, 8w or a number of days.
        #[arg(long, default_value = "30d", value_parser = parse_days)]
        within: u32,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run_registration(command: RegistrationCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        match command {
            RegistrationCommand::Record {
                authority,
                worker,
                number,
                status,
                conditions,
                renewal_due,
                from,
                note,
                json,
            } => {
                let input =
                    RecordRegistration { worker, number, status, conditions, renewal_due, effective_on: from, note };
                let line = p.record_registration(&authority, &input).await?;
                if json {
                    output::json(&line)?;
                } else {
                    out!("Recorded {}", describe_registration(&line));
                }
            }
            RegistrationCommand::List { authority, worker, json } => {
                let lines = p.registrations(&authority, worker.as_deref()).await?;
                if json {
                    output::json(&lines)?;
                } else if lines.is_empty() {
                    out!("No registration records.");
                } else {
                    for line in &lines {
                        out!("{}", describe_registration(line));
                    }
                }
            }
            RegistrationCommand::Lapsing { authority, within, json } => {
                let report = p.registration_lapsing(&authority, within, None).await?;
                if json {
                    output::json(&report)?;
                } else {
                    print_lapsing(&report);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// "#4 Mia Cole (E100) SW123456 registered from 2025-12-01, renewal due 2026-11-30 (recorded by hr-lead)".
fn describe_registration(line: &RegistrationLine) -> String {
    let due = line.renewal_due.map(|d| format!(", renewal due {d}")).unwrap_or_default();
    let conditions = line.conditions.as_ref().map(|c| format!(" — conditions: {c}")).unwrap_or_default();
    format!(
        "#{} {} ({}) {} {} from {}{due}{conditions} (recorded by {})",
        line.id, line.worker_name, line.worker, line.number, line.status, line.effective_on, line.recorded_by
    )
}

fn print_lapsing(report: &LapsingReport) {
    out!(
        "Registrations in {} needing attention on {} (renewals due up to {}): {}",
        report.authority,
        report.as_of,
        report.until,
        report.workers.len()
    );
    for line in &report.workers {
        let number = line.number.as_deref().unwrap_or("no number");
        out!("  {} ({}) {number}: {}", line.worker_name, line.worker, line.reason);
    }
}

pub fn run_cpd(command: CpdCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        match command {
            CpdCommand::Add {
                authority,
                worker,
                on,
                title,
                description,
                reflection,
                peer,
                peer_name,
                evidence,
                json,
            } => {
                let input = RecordCpd { worker, on, title, description, reflection, peer, peer_name, evidence };
                let line = p.record_cpd(&authority, &input).await?;
                if json {
                    output::json(&line)?;
                } else {
                    out!("Recorded {}", describe_cpd(&line));
                }
            }
            CpdCommand::List { authority, worker, json } => {
                let lines = p.cpd_records(&authority, worker.as_deref()).await?;
                if json {
                    output::json(&lines)?;
                } else if lines.is_empty() {
                    out!("No CPD records.");
                } else {
                    for line in &lines {
                        out!("{}", describe_cpd(line));
                    }
                }
            }
            CpdCommand::Summary { authority, worker, year, json } => {
                let view = p.cpd_summary(&authority, &worker, year).await?;
                if json {
                    output::json(&view)?;
                } else {
                    print_summary(&view);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// "CPD #2 2026-03-04 (2025-26) Mia Cole (E100): Working with neglect — with a peer: Dee Lane; evidence 7".
fn describe_cpd(line: &CpdLine) -> String {
    let peer = match &line.peer_name {
        Some(name) => format!(" — reflected with a peer: {name}"),
        None => " — no peer reflection".to_owned(),
    };
    let evidence = if line.evidence.is_empty() {
        String::new()
    } else {
        let ids: Vec<String> = line.evidence.iter().map(ToString::to_string).collect();
        format!("; evidence {}", ids.join(", "))
    };
    format!(
        "CPD #{} {} ({}) {} ({}): {}{peer}{evidence}",
        line.id, line.on, line.registration_year, line.worker_name, line.worker, line.title
    )
}

fn print_summary(view: &CpdSummaryView) {
    let s = &view.summary;
    out!("{} ({}), registration year {} ({} to {})", view.worker_name, view.worker, s.year, s.starts_on, s.ends_on);
    out!("  {}", s.verdict);
    let window = if s.window_open { "open" } else { "not open" };
    out!("  Renewal window {} to {}: {window} on {}.", s.window_opens, s.ends_on, view.as_of);
}

pub fn run_appraisal(command: AppraisalCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        match command {
            AppraisalCommand::List { authority, worker, json } => {
                let lines = p.appraisals(&authority, worker.as_deref()).await?;
                if json {
                    output::json(&lines)?;
                } else if lines.is_empty() {
                    out!("No appraisals recorded.");
                } else {
                    for line in &lines {
                        print_appraisal(line);
                    }
                }
            }
            AppraisalCommand::Due { authority, within, json } => {
                let report = p.appraisals_due(&authority, within, None).await?;
                if json {
                    output::json(&report)?;
                } else {
                    print_due(&report);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print_appraisal(a: &AppraisalLine) {
    let by = match (&a.by_name, &a.by) {
        (Some(name), Some(number)) => format!(" by {name} ({number})"),
        _ => String::new(),
    };
    out!("appraisal #{} {} of {} ({}){by}: {}", a.id, a.held_on, a.worker_name, a.worker, a.outcome);
    for (label, text) in
        [("summary", &a.summary), ("objectives", &a.objectives), ("development plan", &a.development_plan)]
    {
        if let Some(text) = text {
            out!("  {label}: {text}");
        }
    }
}

fn print_due(report: &AppraisalDueReport) {
    out!(
        "Appraisals in {} due by {} (as of {}): {}",
        report.authority,
        report.until,
        report.as_of,
        report.workers.len()
    );
    for line in &report.workers {
        let last = match (line.last_held, line.last_outcome) {
            (Some(on), Some(outcome)) => format!("last {on} ({outcome})"),
            _ => "none recorded".to_owned(),
        };
        let when = if line.overdue {
            format!("overdue since {}", line.due_on)
        } else {
            format!("due {} (in {} days)", line.due_on, line.days_left)
        };
        out!("  {} ({}): {when}; {last}; {}", line.worker_name, line.worker, line.cycle);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_days;

    #[test]
    fn windows_are_read_in_days_or_weeks() {
        assert_eq!(parse_days("60d"), Ok(60));
        assert_eq!(parse_days("8w"), Ok(56));
        assert_eq!(parse_days("30"), Ok(30));
        assert!(parse_days("2m").is_err());
        assert!(parse_days("99999d").is_err());
    }
}
