//! `pathway run-due`: apply every automatic move due for an authority on a date (an ASYE
//! pass's transfer): scheduled on the pass, effective on its date, with no one signing it
//! off. Running it twice changes nothing the second time.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use pathway_app::progression::{DueMove, DueOutcome};

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
        let on = a.on.unwrap_or_else(|| pathway.clock().today());
        let result = async { pathway.progression(&a.authority).await?.run_due(Some(on)).await }.await;
        pathway.close().await;
        let done = result?;
        if a.json {
            output::json(&done)?;
        } else {
            print_done(&done, on);
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn print_done(done: &[DueMove], on: NaiveDate) {
    if done.is_empty() {
        out!("Nothing due on {on}.");
        return;
    }
    for m in done {
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
