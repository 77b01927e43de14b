//! `pathway legal-hold`: place, lift and list legal holds. A hold on a worker stops
//! `run-due` erasing their records and evidence under the retention periods until it is
//! lifted. Placing and lifting need a reason and are recorded in the audit trail; the
//! operator must hold the system-admin or hr-admin system role (or be the built-in one).

use std::process::ExitCode;

use clap::Subcommand;
use pathway_app::retention::LegalHold;

use super::db::{block_on, open};
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum LegalHoldCommand {
    /// Place a hold on a worker's records.
    Place {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker's employee number.
        #[arg(long)]
        worker: String,
        /// Why (a claim, a tribunal, an investigation): required.
        #[arg(long)]
        reason: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Lift the holds in force on a worker.
    Lift {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker's employee number.
        #[arg(long)]
        worker: String,
        /// Why it is no longer needed: required.
        #[arg(long)]
        reason: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The holds in force (with `--all`, lifted ones too).
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Include holds that were lifted.
        #[arg(long)]
        all: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: LegalHoldCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = async {
            match command {
                LegalHoldCommand::Place { authority, worker, reason, json } => {
                    let hold = pathway.place_legal_hold(&authority, &worker, &reason).await?;
                    if json {
                        return output::json(&hold);
                    }
                    out!("Placed:");
                    show(&[hold]);
                }
                LegalHoldCommand::Lift { authority, worker, reason, json } => {
                    let holds = pathway.lift_legal_hold(&authority, &worker, &reason).await?;
                    if json {
                        return output::json(&holds);
                    }
                    out!("Lifted:");
                    show(&holds);
                }
                LegalHoldCommand::List { authority, all, json } => {
                    let holds = pathway.legal_holds(&authority, all).await?;
                    if json {
                        return output::json(&holds);
                    }
                    if holds.is_empty() {
                        out!("{authority} has no legal hold{}.", if all { "s" } else { " in force" });
                    }
                    show(&holds);
                }
            }
            Ok(())
        }
        .await;
        pathway.close().await;
        result?;
        Ok(ExitCode::SUCCESS)
    })
}

fn show(holds: &[LegalHold]) {
    for h in holds {
        let lifted = match &h.lifted {
            Some(l) => format!("; lifted {} by {}: {}", l.at.format("%Y-%m-%d %H:%M UTC"), l.by, l.because),
            None => String::new(),
        };
        out!(
            "hold {} on {} {}: {} (placed {} by {}){lifted}",
            h.id,
            h.employee_number,
            h.worker_name,
            h.reason,
            h.placed_at.format("%Y-%m-%d %H:%M UTC"),
            h.placed_by
        );
    }
}
