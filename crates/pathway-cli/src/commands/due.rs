//! `pathway run-due`: apply everything due for an authority on a date: the automatic moves
//! (an ASYE pass's transfer: scheduled on the pass, effective on its date, with no one
//! signing it off), then the retention periods (leavers' records and withdrawn evidence past
//! them are erased, unless a legal hold stops it). Running it twice changes nothing the
//! second time.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use pathway_app::progression::{DueMove, DueOutcome};
use pathway_app::retention::{DueRun, RetentionRun};

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

#[derive(Debug, Args)]
pub struct RunDueArgs {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// Apply what is due by this date, YYYY-MM-DD (default, and at latest: today).
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Print what was done as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(a: RunDueArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = pathway.run_due(&a.authority, a.on).await;
        pathway.close().await;
        let done = result?;
        if a.json {
            output::json(&done)?;
        } else {
            print_done(&done);
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print_done(done: &DueRun) {
    let retention = &done.retention;
    let nothing_retained =
        retention.leavers_erased.is_empty() && retention.evidence_erased.is_empty() && retention.held.is_empty();
    if done.moves.is_empty() && nothing_retained {
        out!("Nothing due on {}.", done.on);
        return;
    }
    print_moves(&done.moves);
    print_retention(retention);
}

fn print_moves(moves: &[DueMove]) {
    for m in moves {
        let what = match &m.outcome {
            DueOutcome::Scheduled { takes_effect } => format!("scheduled; takes effect on {takes_effect}"),
            DueOutcome::MadeEffective { on, position } => {
                let mut at = position.level.clone();
                for part in [&position.grade, &position.point].into_iter().flatten() {
                    at.push_str(", ");
                    at.push_str(part);
                }
                format!("effective from {on}: now {at}")
            }
            DueOutcome::NeedsAPerson { reason } => format!("not applied, needs a person: {reason}"),
        };
        out!("Application {} ({}, {}): {what}", m.application, m.worker, m.route);
    }
}

fn counts(rows: &std::collections::BTreeMap<&'static str, u64>, file_rows: u64) -> String {
    let mut parts: Vec<String> = rows.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
    if file_rows > 0 {
        parts.push(format!("evidence files {file_rows}"));
    }
    parts.join(", ")
}

fn print_retention(r: &RetentionRun) {
    for e in &r.leavers_erased {
        out!(
            "Erased leaver {} (left {}, kept {} days): {}",
            e.id,
            e.from,
            r.periods.leaver_days,
            counts(&e.rows, e.file_rows)
        );
    }
    for e in &r.evidence_erased {
        out!(
            "Deleted withdrawn evidence item {} (withdrawn {}, kept {} days): {}",
            e.id,
            e.from,
            r.periods.withdrawn_evidence_days,
            counts(&e.rows, e.file_rows)
        );
    }
    for h in &r.held {
        let what = match h.what {
            "leaver" => format!("leaver {}", h.worker),
            _ => format!("withdrawn evidence item {} of {}", h.id, h.worker),
        };
        out!("Not erased, under legal hold {}: {what} ({})", h.hold, h.reason);
    }
    if r.files_removed > 0 {
        out!("Files removed: {}", r.files_removed);
    }
}
