//! `pathway audit verify` and `pathway audit show`: prove each authority's hash-chained audit
//! trail (or name its first broken entry), and list entries by person, record and date.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use pathway_app::audit::{AuditEntry, AuditFilter, ChainReport};

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk each authority's audit chain: "N entries, chain intact, head HASH", or the first
    /// broken entry and why (exit code 1).
    Verify {
        /// Only this authority (default: every one).
        #[arg(long)]
        authority: Option<String>,
        /// Print the reports as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List an authority's audit entries: who, when, what, why, and late entries marked.
    Show {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Entries by this person or about their records (employee number).
        #[arg(long, value_name = "EMPLOYEE_NUMBER")]
        person: Option<String>,
        /// Entries about one record: KIND:ID (application:3, evidence:12, panel:1,
        /// asye-programme:2).
        #[arg(long, value_name = "KIND:ID")]
        record: Option<String>,
        /// Entries that took effect on or after this day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Entries that took effect on or before this day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
        /// Print the entries as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        match command {
            AuditCommand::Verify { authority, json } => {
                let result = pathway.verify_audit(authority.as_deref()).await;
                pathway.close().await;
                let reports = result?;
                if json {
                    output::json(&reports)?;
                } else {
                    print_reports(&reports);
                }
                let intact = reports.iter().all(ChainReport::intact);
                Ok(if intact { ExitCode::SUCCESS } else { ExitCode::FAILURE })
            }
            AuditCommand::Show { authority, person, record, from, to, json } => {
                let filter = AuditFilter { person, record, from, to };
                let result = pathway.audit_show(&authority, &filter).await;
                pathway.close().await;
                let entries = result?;
                if json {
                    output::json(&entries)?;
                } else {
                    print_entries(&entries);
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

fn print_reports(reports: &[ChainReport]) {
    if reports.is_empty() {
        out!("No authorities, so no audit trail to verify.");
    }
    for r in reports {
        match &r.broken {
            None => out!("{}: {} entries, chain intact, head {}", r.authority, r.entries, r.head),
            Some(b) => {
                let place = b.chain_seq.map(|s| format!("entry {s}")).unwrap_or_else(|| "the chain".to_owned());
                let about = match (b.entity_kind, b.entity_id, &b.what) {
                    (Some(kind), Some(id), Some(what)) => format!(" ({kind}:{id}, \"{what}\")"),
                    _ => String::new(),
                };
                out!("{}: BROKEN at {place}{about}: {}", r.authority, b.problem);
                out!("  {} entries before it check; the last of them hashes to {}", r.entries, r.head);
            }
        }
    }
}

fn print_entries(entries: &[AuditEntry]) {
    if entries.is_empty() {
        out!("No audit entries match.");
    }
    for e in entries {
        let seq = e.chain_seq.map(|s| format!("#{s}")).unwrap_or_else(|| "#-".to_owned());
        let who = match &e.by_employee_number {
            Some(number) => format!("{} ({number})", e.by),
            None => e.by.clone(),
        };
        let who = match &e.entered_by {
            Some(operator) => format!("entered by {operator} on behalf of {who}"),
            None => who,
        };
        out!("{seq} {} {} v{}: {who} as {}: {}", e.at.format("%Y-%m-%d %H:%M"), e.record, e.version, e.role, e.what);
        out!("    why: {}", e.why);
        if let Some(from) = &e.entered_from {
            out!("    from: {from}");
        }
        if let (Some(entered), Some(because)) = (e.entered_at, &e.late_because) {
            out!("    entered late on {}: {because}", entered.format("%Y-%m-%d %H:%M"));
        }
    }
}
