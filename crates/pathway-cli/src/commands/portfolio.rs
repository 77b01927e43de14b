//! `pathway portfolio ...`: evidence portfolios — add evidence (with files), authorise it,
//! check it for identifying details and clear the flags, and set a portfolio against a route.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pathway_app::AppError;
use pathway_app::model::{Coverage, EvidenceId, InvalidValue};
use pathway_app::operator::Viewer;
use pathway_app::portfolio::{
    AnonymisationCheck, AuthorityPortfolios, EvidenceEdit, EvidenceRecord, FlagPick, NewEvidence,
};
use pathway_app::service::Pathway;
use serde_json::{Map, Value};

use super::application::{Who, read_json};
use super::db::{block_on, open};
use super::{parse_date, today};
use crate::{out, output};

/// Parse an evidence item id.
fn parse_evidence(s: &str) -> Result<EvidenceId, String> {
    s.parse().map_err(|e: InvalidValue| e.to_string())
}

/// `pathway portfolio add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    who: Who,
    /// The item as JSON (the same fields as the options below); --file still attaches files.
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Whose portfolio: their employee number.
    #[arg(long, required_unless_present = "input")]
    worker: Option<String>,
    /// The type of evidence: reflective-summary, practice-observation, manager-report,
    /// feedback, case-study, statement-of-learning, statement-of-application,
    /// case-file-audit, certificate, portfolio-work, asye-portfolio, other.
    #[arg(long, required_unless_present = "input")]
    kind: Option<String>,
    /// When the evidence is from.
    #[arg(long, value_parser = parse_date, required_unless_present = "input")]
    date: Option<NaiveDate>,
    /// Its title.
    #[arg(long, required_unless_present = "input")]
    title: Option<String>,
    /// Its text.
    #[arg(long, conflicts_with = "text_file")]
    text: Option<String>,
    /// Read its text from a file.
    #[arg(long, value_name = "FILE")]
    text_file: Option<PathBuf>,
    /// PCF domains it evidences (`pcf.6` or a domain id), repeated or comma-separated.
    #[arg(long, value_delimiter = ',')]
    pcf: Vec<String>,
    /// KSS statements it evidences (`cfp.7`), repeated or comma-separated.
    #[arg(long, value_delimiter = ',')]
    kss: Vec<String>,
    /// The PCF level it is written against (`experienced-social-worker`).
    #[arg(long)]
    pcf_level: Option<String>,
    /// Its length in pages.
    #[arg(long)]
    pages: Option<u32>,
    /// For an observation or manager's report: the observer's or writer's role.
    #[arg(long)]
    by_role: Option<String>,
    /// For an observation or manager's report: their name.
    #[arg(long)]
    by_name: Option<String>,
    /// For feedback: who it is from (child-or-young-person, parent-or-carer, adult-service-user,
    /// colleague, other-professional).
    #[arg(long)]
    from: Option<String>,
    /// For a certificate: what it certifies (pq-award, peps-stage-1, ...).
    #[arg(long)]
    award: Option<String>,
    /// Attach a file (PDF, Word, Excel, PNG, JPEG or text; checked by its contents).
    #[arg(long = "file", value_name = "PATH")]
    files: Vec<PathBuf>,
    /// Print the stored item as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PortfolioCommand {
    /// Add an evidence item to a worker's portfolio, with any files attached.
    Add(Box<AddArgs>),
    /// Edit an item; a new title or text re-runs the anonymisation check (clearances of
    /// words the edit changed are voided, and listed) and withdraws its authorisations.
    Edit {
        #[command(flatten)]
        who: Who,
        /// The evidence item.
        #[arg(value_parser = parse_evidence)]
        id: EvidenceId,
        /// A new title.
        #[arg(long)]
        title: Option<String>,
        /// New text.
        #[arg(long, conflicts_with = "text_file")]
        text: Option<String>,
        /// Read the new text from a file.
        #[arg(long, value_name = "FILE")]
        text_file: Option<PathBuf>,
        /// New PCF tags, replacing the old (repeated or comma-separated).
        #[arg(long, value_delimiter = ',')]
        pcf: Option<Vec<String>>,
        /// New KSS tags, replacing the old (repeated or comma-separated).
        #[arg(long, value_delimiter = ',')]
        kss: Option<Vec<String>>,
        /// A new length in pages.
        #[arg(long)]
        pages: Option<u32>,
        /// Print the stored item as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Withdraw an item (who may: as for editing it). It is kept for the authority's
    /// withdrawn-evidence period, then `run-due` deletes it and its files.
    Withdraw {
        #[command(flatten)]
        who: Who,
        /// The evidence item.
        #[arg(value_parser = parse_evidence)]
        id: EvidenceId,
        /// Why it is withdrawn: required.
        #[arg(long)]
        reason: String,
    },
    /// List a worker's portfolio.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Whose portfolio: their employee number.
        #[arg(long)]
        worker: String,
        /// Who is viewing it, when the operator views it for someone: their employee number.
        /// The view is recorded in the audit trail either way.
        #[arg(long = "as", value_name = "EMPLOYEE_NUMBER")]
        viewer: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Authorise an item in the role you hold (a head of service authorising a manager's report).
    Authorise {
        #[command(flatten)]
        who: Who,
        /// The evidence item.
        #[arg(value_parser = parse_evidence)]
        id: EvidenceId,
        /// Print the stored item as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check an item for identifying details (names, dates of birth, addresses, postcodes,
    /// NHS numbers, case references) and record where it stands.
    Check {
        #[command(flatten)]
        who: Who,
        /// The evidence item.
        #[arg(value_parser = parse_evidence)]
        id: EvidenceId,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Clear flagged details that do not identify anyone, with the reason.
    Clear {
        #[command(flatten)]
        who: Who,
        /// The evidence item.
        #[arg(value_parser = parse_evidence)]
        id: EvidenceId,
        /// The flag's number, as `check` lists them, or NUMBER=TEXT to be sure it is the
        /// detail you read (refused if the flag now reads differently); repeat for several.
        #[arg(long = "flag", required = true, value_name = "N[=TEXT]")]
        flags: Vec<FlagPick>,
        /// Why these details do not identify anyone.
        #[arg(long)]
        reason: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set a worker's portfolio against a route: what it asks for, what counts, and whether it
    /// is ready to submit.
    Coverage {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Whose portfolio: their employee number.
        #[arg(long)]
        worker: String,
        /// The route id.
        #[arg(long)]
        route: String,
        /// As on this date (default: today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(c: PortfolioCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = run_with(&pathway, c).await;
        pathway.close().await;
        result
    })
}

async fn portfolios<'p>(pathway: &'p Pathway, authority: &str) -> anyhow::Result<AuthorityPortfolios<'p>> {
    Ok(pathway.portfolios(authority).await?)
}

async fn run_with(pathway: &Pathway, c: PortfolioCommand) -> anyhow::Result<ExitCode> {
    match c {
        PortfolioCommand::Add(add) => {
            let AddArgs {
                who,
                input,
                worker,
                kind,
                date,
                title,
                text,
                text_file,
                pcf,
                kss,
                pcf_level,
                pages,
                by_role,
                by_name,
                from,
                award,
                files,
                json,
            } = *add;
            let new: NewEvidence = match input {
                Some(path) => read_json(&path)?,
                None => {
                    let text = match text_file {
                        Some(path) => Some(
                            std::fs::read_to_string(&path)
                                .map_err(|source| AppError::Read { path: path.clone(), source })?,
                        ),
                        None => text,
                    };
                    let mut m = Map::new();
                    let kind = kind.unwrap_or_default();
                    m.insert("worker".into(), Value::from(worker.unwrap_or_default()));
                    m.insert("kind".into(), Value::from(kind.as_str()));
                    m.insert("date".into(), Value::from(date.map(|d| d.to_string()).unwrap_or_default()));
                    m.insert("title".into(), Value::from(title.unwrap_or_default()));
                    m.insert("text".into(), text.map(Value::from).unwrap_or(Value::Null));
                    m.insert("pages".into(), pages.map(Value::from).unwrap_or(Value::Null));
                    m.insert("pcf".into(), Value::from(pcf));
                    m.insert("kss".into(), Value::from(kss));
                    if let Some(level) = pcf_level {
                        m.insert("pcf_level".into(), Value::from(level));
                    }
                    if let (Some(role), Some(name)) = (by_role, by_name) {
                        let person = serde_json::json!({ "role": role, "name": name });
                        let field = if kind == "manager-report" { "written_by" } else { "observer" };
                        m.insert(field.into(), person);
                    }
                    if let Some(from) = from {
                        m.insert("from".into(), Value::from(from));
                    }
                    if let Some(award) = award {
                        m.insert("award".into(), Value::from(award));
                    }
                    serde_json::from_value(Value::Object(m))
                        .map_err(|e| AppError::BadInput { field: "--kind".into(), message: e.to_string() })?
                }
            };
            let stored = portfolios(pathway, &who.authority)
                .await?
                .add(&who.acting(&pathway.operator().await?), &new, &files)
                .await?;
            if json {
                output::json(&stored)?;
            } else {
                out!(
                    "Added evidence item {}: {} \"{}\" ({}), {} file(s)",
                    stored.item.id(),
                    stored.item.kind().name(),
                    stored.item.title(),
                    stored.item.date(),
                    stored.item.files().len()
                );
                out!(
                    "  Anonymisation: {} — run `pathway portfolio check --authority {} ... {}` before it can go to a panel",
                    stored.item.anonymisation(),
                    who.authority,
                    stored.item.id()
                );
            }
        }
        PortfolioCommand::Withdraw { who, id, reason } => {
            portfolios(pathway, &who.authority)
                .await?
                .withdraw(&who.acting(&pathway.operator().await?), id, &reason)
                .await?;
            out!("Evidence item {id} withdrawn: {reason}");
        }
        PortfolioCommand::Edit { who, id, title, text, text_file, pcf, kss, pages, json } => {
            let text = match text_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path).map_err(|source| AppError::Read { path: path.clone(), source })?,
                ),
                None => text,
            };
            let edit = EvidenceEdit { title, text, pages, pcf, kss };
            let stored = portfolios(pathway, &who.authority)
                .await?
                .edit(&who.acting(&pathway.operator().await?), id, &edit)
                .await?;
            if json {
                output::json(&stored)?;
            } else {
                out!("Evidence item {} \"{}\" saved (version {})", id, stored.item.title(), stored.meta.version);
                out!("  Anonymisation: {}", stored.item.anonymisation());
                for c in &stored.voided {
                    let why = c.voided.as_ref().map_or("", |v| v.why.as_str());
                    out!("  Clearance voided: {} — {why}", c.describe());
                }
            }
        }
        PortfolioCommand::List { authority, worker, viewer, json } => {
            let viewer = Viewer { operator: pathway.operator().await?, person: viewer, from: None };
            let items = portfolios(pathway, &authority).await?.list(&worker, &viewer).await?;
            if json {
                output::json(&items)?;
            } else {
                print_list(&items);
            }
        }
        PortfolioCommand::Authorise { who, id, json } => {
            let stored = portfolios(pathway, &who.authority)
                .await?
                .authorise(&who.acting(&pathway.operator().await?), id)
                .await?;
            if json {
                output::json(&stored)?;
            } else {
                let roles: Vec<String> =
                    stored.item.authorisations().iter().map(|a| format!("{} ({}, {})", a.role, a.by, a.on)).collect();
                out!("Evidence item {} \"{}\" is authorised by: {}", id, stored.item.title(), roles.join("; "));
            }
        }
        PortfolioCommand::Check { who, id, json } => {
            let checked =
                portfolios(pathway, &who.authority).await?.check(&who.acting(&pathway.operator().await?), id).await?;
            print_check(&checked, json)?;
        }
        PortfolioCommand::Clear { who, id, flags, reason, json } => {
            let checked = portfolios(pathway, &who.authority)
                .await?
                .clear_picked(&who.acting(&pathway.operator().await?), id, &flags, &reason)
                .await?;
            print_check(&checked, json)?;
        }
        PortfolioCommand::Coverage { authority, worker, route, on, json } => {
            let on = on.unwrap_or_else(today);
            let c = portfolios(pathway, &authority).await?.coverage(&worker, &route.as_str().into(), on).await?;
            if json {
                output::json(&c)?;
            } else {
                print_coverage(&worker, &c);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(items: &[EvidenceRecord]) {
    if items.is_empty() {
        out!("The portfolio is empty.");
        return;
    }
    for s in items {
        let i = &s.item;
        let auth: Vec<&str> = i.authorisations().iter().map(|a| a.role.as_str()).collect();
        let auth = if auth.is_empty() { String::new() } else { format!("; authorised by {}", auth.join(", ")) };
        let files = if i.files().is_empty() { String::new() } else { format!("; {} file(s)", i.files().len()) };
        out!("{:>5}  {}  {:<24} {}", i.id(), i.date(), i.kind().name(), i.title());
        out!("       {}{auth}{files}", i.anonymisation());
        if let Some(by) = i.detail().by() {
            out!("       by {}", by.describe());
        }
    }
}

fn print_check(c: &AnonymisationCheck, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(c);
    }
    out!("Evidence item {} \"{}\": {}", c.evidence, c.title, c.status);
    for (n, f) in c.outstanding.iter().enumerate() {
        out!(
            "  {:>2}. {}:{} {} `{}` — {} [{}]",
            n + 1,
            f.position.line,
            f.position.column,
            f.kind,
            f.text,
            f.reason,
            f.severity
        );
    }
    if !c.outstanding.is_empty() {
        out!(
            "  Fix the text, or clear a flag that identifies nobody: pathway portfolio clear ... --flag N --reason TEXT"
        );
    }
    for cf in &c.cleared {
        out!(
            "   cleared {}:{} {} `{}` — \"{}\" ({})",
            cf.flag.position.line,
            cf.flag.position.column,
            cf.flag.kind,
            cf.flag.text,
            cf.clearance.reason,
            cf.clearance.on
        );
    }
    Ok(())
}

fn print_coverage(worker: &str, c: &Coverage) {
    out!("Portfolio of {worker} against \"{}\" ({} {}), on {}", c.route_name, c.framework, c.route, c.checked_on);
    out!("  {:<24} {:>5} {:>7}  {:<4}  {}", "Evidence asked for", "needs", "counted", "met", "description");
    for r in &c.rules {
        out!(
            "  {:<24} {:>5} {:>7}  {:<4}  {}",
            r.rule,
            r.required,
            r.counted.len(),
            if r.met { "yes" } else { "no" },
            r.description
        );
        for nc in &r.not_counted {
            out!("      item {} \"{}\" does not count: {}", nc.item, nc.title, nc.why.join("; "));
        }
    }
    let covered: Vec<String> =
        c.pcf.iter().filter(|d| d.covered).map(|d| format!("PCF {} {}", d.number, d.title)).collect();
    let uncovered: Vec<String> = c.pcf.iter().filter(|d| !d.covered).map(|d| format!("PCF {}", d.number)).collect();
    out!("  PCF covered: {}", if covered.is_empty() { "none".to_owned() } else { covered.join("; ") });
    out!("  PCF not covered: {}", if uncovered.is_empty() { "none".to_owned() } else { uncovered.join(", ") });
    let kss_covered: Vec<&str> = c.kss.iter().filter(|k| k.covered).map(|k| k.statement.as_str()).collect();
    let kss_uncovered: Vec<&str> = c.kss.iter().filter(|k| !k.covered).map(|k| k.statement.as_str()).collect();
    if !c.kss.is_empty() {
        out!("  KSS covered: {}", if kss_covered.is_empty() { "none".to_owned() } else { kss_covered.join(", ") });
        out!(
            "  KSS not covered: {}",
            if kss_uncovered.is_empty() { "none".to_owned() } else { kss_uncovered.join(", ") }
        );
    }
    if c.verdict.ready {
        out!("Verdict: ready to submit");
    } else {
        out!("Verdict: not ready. Missing:");
        for m in &c.verdict.missing {
            out!("  - {}", m.message);
        }
    }
    for n in &c.verdict.notes {
        out!("  Note: {n}");
    }
}
