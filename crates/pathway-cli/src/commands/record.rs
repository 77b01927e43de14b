//! `pathway record ...`: what a person records about a worker for criteria to read — a line
//! manager's endorsement, an intent to progress raised in supervision, an assessment against
//! a standard set, an accreditation, an award with its level and credits, an appraisal — and
//! `record list` to see the attestations and appraisals.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pathway_app::model::AttestationKind;
use pathway_app::records::{AppraisalLine, AttestationLine, RecordAppraisal, RecordAttestation, RecordAward};

use super::db::{block_on, open};
use super::{parse_date, today};
use crate::output;

/// Who the record is about, who records it, and when.
#[derive(Debug, Clone, Args)]
pub struct Recorded {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// The worker it is about, by employee number.
    #[arg(long)]
    worker: String,
    /// Who records it, by employee number (for an endorsement: someone who holds a post over
    /// the worker).
    #[arg(long = "by", value_name = "EMPLOYEE_NUMBER")]
    by: String,
    /// The day it happened, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// A note for the record.
    #[arg(long)]
    note: Option<String>,
    /// Print the record as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// The worker's line manager endorses their progression.
    Endorsement {
        #[command(flatten)]
        recorded: Recorded,
        /// What is endorsed, e.g. the level applied for.
        #[arg(long)]
        what: Option<String>,
    },
    /// The worker raised their intent to progress in supervision.
    SupervisionIntent {
        #[command(flatten)]
        recorded: Recorded,
        /// What they intend, e.g. the level.
        #[arg(long)]
        what: Option<String>,
    },
    /// The worker was assessed as meeting a standard set.
    Assessment {
        #[command(flatten)]
        recorded: Recorded,
        /// The standard set: a KSS set (kss.cfp, kss.ps, kss.pl) or the PCF at a level
        /// (pcf.experienced-social-worker, pcf.advanced...).
        #[arg(long)]
        standard: String,
    },
    /// The worker holds an accreditation or endorsement from outside.
    Accreditation {
        #[command(flatten)]
        recorded: Recorded,
        /// Its name, e.g. NAAS.
        #[arg(long)]
        name: String,
    },
    /// An award or course the worker completed, with its FHEQ level and credits.
    Award {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker, by employee number.
        #[arg(long)]
        worker: String,
        /// Its kind: pq-award, peps-stage-1, peps-stage-2, postgraduate-certificate,
        /// postgraduate-diploma, masters, course.
        #[arg(long)]
        kind: String,
        /// Its title as awarded.
        #[arg(long)]
        title: String,
        /// When it was completed, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        /// Who provided it.
        #[arg(long)]
        provider: Option<String>,
        /// The FHEQ level it was awarded at: 7 (Master's level), 6...
        #[arg(long)]
        level: Option<String>,
        /// The academic credits it carries.
        #[arg(long)]
        credits: Option<u32>,
        /// Print the award as JSON.
        #[arg(long)]
        json: bool,
    },
    /// An appraisal (PDR) of the worker: what it concluded about progression, the objectives
    /// and development plan agreed; held by their line manager that day.
    Appraisal {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker appraised, by employee number.
        #[arg(long)]
        worker: String,
        /// The day it was held, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        /// What it concluded: ready-to-apply-for-progression, meeting-expectations,
        /// not-yet-ready, performance-concerns.
        #[arg(long)]
        outcome: String,
        /// Who held it, by employee number (the worker's line manager that day).
        #[arg(long = "by", value_name = "EMPLOYEE_NUMBER")]
        by: String,
        /// A summary.
        #[arg(long)]
        summary: Option<String>,
        /// The objectives agreed for the next cycle.
        #[arg(long)]
        objectives: Option<String>,
        /// The development plan agreed.
        #[arg(long)]
        development_plan: Option<String>,
        /// Print the appraisal as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The endorsements, intents, assessments and accreditations recorded in an authority, or
    /// about one worker, then the appraisals (as JSON: `{"attestations": [...], "appraisals": [...]}`).
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
}

pub fn run(c: RecordCommand) -> anyhow::Result<ExitCode> {
    let (kind, recorded, what) = match c {
        RecordCommand::List { authority, worker, json } => return list(&authority, worker.as_deref(), json),
        RecordCommand::Award { authority, worker, kind, title, on, provider, level, credits, json } => {
            let input = RecordAward { worker, kind, title, provider, completed_on: on, academic_level: level, credits };
            return award(&authority, &input, json);
        }
        RecordCommand::Appraisal {
            authority,
            worker,
            on,
            outcome,
            by,
            summary,
            objectives,
            development_plan,
            json,
        } => {
            let input = RecordAppraisal { worker, held_on: on, outcome, by, summary, objectives, development_plan };
            return appraisal(&authority, &input, json);
        }
        RecordCommand::Endorsement { recorded, what } => (AttestationKind::Endorsement, recorded, what),
        RecordCommand::SupervisionIntent { recorded, what } => (AttestationKind::SupervisionIntent, recorded, what),
        RecordCommand::Assessment { recorded, standard } => (AttestationKind::Assessment, recorded, Some(standard)),
        RecordCommand::Accreditation { recorded, name } => (AttestationKind::Accreditation, recorded, Some(name)),
    };
    let input = RecordAttestation {
        worker: recorded.worker,
        kind,
        what,
        on: recorded.on.unwrap_or_else(today),
        recorded_by: recorded.by,
        note: recorded.note,
    };
    block_on(async move {
        let p = open().await?;
        let line = p.record_attestation(&recorded.authority, &input).await?;
        if recorded.json {
            output::json(&line)?;
        } else {
            crate::out!("Recorded {}", describe(&line));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn award(authority: &str, input: &RecordAward, json: bool) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let line = p.record_award(authority, input).await?;
        if json {
            output::json(&line)?;
        } else {
            let a = &line.award;
            let level = a.academic_level.map(|l| format!(", {}", l.describe())).unwrap_or_default();
            let credits = a.credits.map(|n| format!(", {n} credits")).unwrap_or_default();
            crate::out!(
                "Recorded #{} {} {} ({}{level}{credits}) completed {} by {} ({})",
                line.id,
                a.kind,
                a.title,
                a.provider.as_ref().map(|p| p.to_string()).unwrap_or_else(|| "provider not recorded".into()),
                a.completed_on,
                line.worker_name,
                line.worker
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn appraisal(authority: &str, input: &RecordAppraisal, json: bool) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let line = p.record_appraisal(authority, input).await?;
        if json {
            output::json(&line)?;
        } else {
            crate::out!("Recorded {}", describe_appraisal(&line));
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn list(authority: &str, worker: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let lines = p.attestations(authority, worker).await?;
        let appraisals = p.appraisals(authority, worker).await?;
        if json {
            output::json(&serde_json::json!({ "attestations": lines, "appraisals": appraisals }))?;
        } else if lines.is_empty() && appraisals.is_empty() {
            crate::out!("Nothing recorded.");
        } else {
            for l in &lines {
                crate::out!("{}", describe(l));
            }
            for a in &appraisals {
                crate::out!("{}", describe_appraisal(a));
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// "appraisal #2 2025-03-10 of Tom Reed (A200) by Dee Lane (A920): ready-to-apply-for-progression — summary".
fn describe_appraisal(a: &AppraisalLine) -> String {
    let by = match (&a.by_name, &a.by) {
        (Some(name), Some(number)) => format!(" by {name} ({number})"),
        _ => String::new(),
    };
    let summary = a.summary.as_ref().map(|s| format!(" — {s}")).unwrap_or_default();
    format!("appraisal #{} {} of {} ({}){by}: {}{summary}", a.id, a.held_on, a.worker_name, a.worker, a.outcome)
}

/// "#3 2025-01-10 endorsement of Ravi Practitioner (M2) by Tess Manager (M1): level 3 — note".
fn describe(l: &AttestationLine) -> String {
    let what = l.what.as_ref().map(|w| format!(": {w}")).unwrap_or_default();
    let note = l.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
    format!(
        "#{} {} {} of {} ({}) by {} ({}){what}{note}",
        l.id, l.on, l.kind, l.worker_name, l.worker, l.recorded_by_name, l.recorded_by
    )
}
