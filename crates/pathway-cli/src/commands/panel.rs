//! `pathway panel ...`: convene a panel, list applications on it, record attendance,
//! conflicts and outcomes; `pathway application decide --panel ID` then applies an outcome.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use pathway_app::model::{ApplicationId, DecisionOutcome, PanelId, StoredPanel};
use pathway_app::operator::Viewer;
use pathway_app::portfolio::PanelPack;
use pathway_app::progression::ConvenePanel;
use pathway_app::service::Pathway;

use super::application::{Who, parse_application, parse_panel, read_json};
use super::db::{block_on, open};
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum PanelCommand {
    /// Convene a panel from JSON: `{"role": "career-progression-panel", "held_on": "2025-06-12",
    /// "members": [{"employee_number": "B300", "role": "service-manager", "chair": true}, ...],
    /// "quorum": {"members": 3, "chair": true}}` (quorum optional: three including the chair).
    Convene {
        #[command(flatten)]
        who: Who,
        /// The panel as JSON (`-` for stdin).
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Print the panel as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put an application on the panel's list.
    List {
        #[command(flatten)]
        who: Who,
        /// The panel.
        #[arg(long, value_parser = parse_panel)]
        panel: PanelId,
        /// The application.
        #[arg(value_parser = parse_application)]
        application: ApplicationId,
        /// Print the panel as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record who attended, by employee number.
    Attendance {
        #[command(flatten)]
        who: Who,
        /// The panel.
        #[arg(long, value_parser = parse_panel)]
        panel: PanelId,
        /// Who was there; repeated or comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        present: Vec<String>,
        /// Print the panel as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a member's conflict of interest for one application.
    Conflict {
        #[command(flatten)]
        who: Who,
        /// The panel.
        #[arg(long, value_parser = parse_panel)]
        panel: PanelId,
        /// The application.
        #[arg(long, value_parser = parse_application)]
        application: ApplicationId,
        /// The member, by employee number.
        #[arg(long)]
        member: String,
        /// The conflict.
        #[arg(long)]
        reason: String,
        /// Print the panel as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the panel's outcome for an application (the chair, when quorate).
    Outcome {
        #[command(flatten)]
        who: Who,
        /// The panel.
        #[arg(long, value_parser = parse_panel)]
        panel: PanelId,
        /// The application.
        #[arg(long, value_parser = parse_application)]
        application: ApplicationId,
        /// The outcome as JSON: `{"outcome": "approved", "feedback": "..."}`.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Print the panel as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The panel pack: each listed application's evidence that passed the anonymisation
    /// check, with files checked, and what is held back and why.
    Pack {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The panel.
        #[arg(value_parser = parse_panel)]
        panel: PanelId,
        /// Who is viewing it, when the operator views it for someone: their employee number.
        /// The view is recorded in the audit trail either way.
        #[arg(long = "as", value_name = "EMPLOYEE_NUMBER")]
        viewer: Option<String>,
        /// Print as JSON (the evidence in full).
        #[arg(long)]
        json: bool,
    },
    /// Show a panel: members, the applications it hears, outcomes.
    Show {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The panel.
        #[arg(value_parser = parse_panel)]
        panel: PanelId,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(c: PanelCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = run_with(&pathway, c).await;
        pathway.close().await;
        result
    })
}

async fn run_with(pathway: &Pathway, c: PanelCommand) -> anyhow::Result<ExitCode> {
    let (stored, json) = match c {
        PanelCommand::Convene { who, input, json } => {
            let request: ConvenePanel = read_json(&input)?;
            (
                pathway
                    .progression(&who.authority)
                    .await?
                    .convene(&who.acting(&pathway.operator().await?), &request)
                    .await?,
                json,
            )
        }
        PanelCommand::List { who, panel, application, json } => {
            let p = pathway.progression(&who.authority).await?;
            (p.list_on_panel(&who.acting(&pathway.operator().await?), panel, application).await?, json)
        }
        PanelCommand::Attendance { who, panel, present, json } => {
            let p = pathway.progression(&who.authority).await?;
            (p.record_attendance(&who.acting(&pathway.operator().await?), panel, &present).await?, json)
        }
        PanelCommand::Conflict { who, panel, application, member, reason, json } => {
            let p = pathway.progression(&who.authority).await?;
            (
                p.declare_conflict(&who.acting(&pathway.operator().await?), panel, application, &member, &reason)
                    .await?,
                json,
            )
        }
        PanelCommand::Outcome { who, panel, application, input, json } => {
            let outcome: DecisionOutcome = read_json(&input)?;
            let p = pathway.progression(&who.authority).await?;
            (p.record_outcome(&who.acting(&pathway.operator().await?), panel, application, &outcome).await?, json)
        }
        PanelCommand::Pack { authority, panel, viewer, json } => {
            let viewer = Viewer { operator: pathway.operator().await?, person: viewer, from: None };
            let pack = pathway.portfolios(&authority).await?.panel_pack(panel, &viewer).await?;
            if json {
                output::json(&pack)?;
            } else {
                print_pack(&pack);
            }
            return Ok(ExitCode::SUCCESS);
        }
        PanelCommand::Show { authority, panel, json } => {
            (pathway.progression(&authority).await?.panel(panel).await?, json)
        }
    };
    if json {
        output::json(&stored)?;
    } else {
        print_panel(&stored);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_panel(s: &StoredPanel) {
    let p = &s.panel;
    out!("Panel {}: {} on {} (version {})", s.id, p.name(), p.held_on(), s.meta.version);
    for m in p.members() {
        out!(
            "  {}{} ({}){}",
            m.member.name,
            if m.chair { ", chair" } else { "" },
            m.member.role,
            if m.present { ", present" } else { "" }
        );
    }
    for h in p.hearings() {
        let outcome = match &h.outcome {
            Some(o) => format!("{} (recorded by {})", o.outcome.code(), o.recorded_by.name),
            None => "no outcome yet".to_owned(),
        };
        out!("  Application {} ({}): {outcome}", h.application, h.route);
        for c in &h.conflicts {
            out!("     conflict: worker {}: {}", c.person, c.reason);
        }
    }
    if p.hearings().is_empty() {
        out!("  No applications listed yet.");
    }
}

fn print_pack(pack: &PanelPack) {
    out!("Panel pack: {} on {}", pack.name, pack.held_on);
    for a in &pack.applications {
        out!("\nApplication {}: {} — \"{}\"", a.application, a.worker, a.route_name);
        for i in &a.evidence {
            let files: Vec<&str> = i.files().iter().map(|f| f.original_name()).collect();
            let files = if files.is_empty() { String::new() } else { format!(" [{}]", files.join(", ")) };
            out!("  {:>5}  {}  {}: {}{files}", i.id(), i.date(), i.kind().name(), i.title());
        }
        for w in &a.withheld {
            out!("  held back: {} \"{}\" — {}", w.item, w.title, w.reason);
        }
    }
}
