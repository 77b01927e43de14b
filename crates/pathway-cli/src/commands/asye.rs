//! `pathway asye ...`: a newly qualified social worker's Assessed and Supported Year in
//! Employment: start it in one of the framework's intakes, record reviews, caseload and
//! development time, extend it where the framework allows, recommend, and moderate. A pass
//! at moderation opens the framework's automatic route as an application, printed with it.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use pathway_app::model::{AsyeProgrammeId, AsyeResult, CaseloadRecord, DevelopmentTime, Progress, StoredAsye};
use pathway_app::progression::{Moderated, StartAsyeInput};
use pathway_app::service::Pathway;

use super::application::{Who, late, parse_programme, print_application};
use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum AsyeCommand {
    /// Start a worker's ASYE; the start month must be one of the framework's intakes.
    Start {
        #[command(flatten)]
        who: Who,
        /// The newly qualified social worker, by employee number.
        #[arg(long)]
        worker: String,
        /// The first day, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        starts_on: NaiveDate,
        /// Add the optional 9-month review.
        #[arg(long)]
        nine_month_review: bool,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a review held at one of the programme's review points.
    Review {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// The review point, in months from the start (3, 6, 9 or the final one).
        #[arg(long)]
        months: u32,
        /// What the review found.
        #[arg(long, value_enum)]
        progress: ProgressArg,
        /// The review's findings, for the record.
        #[arg(long)]
        summary: String,
        /// When it was held, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        held_on: NaiveDate,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record the worker's caseload on a date (protected, unless `--unprotected`).
    Caseload {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// The date it was recorded, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        /// How many cases the worker holds.
        #[arg(long)]
        cases: u32,
        /// The caseload is not protected as the programme promises.
        #[arg(long)]
        unprotected: bool,
        /// A note: complexity, what is building up.
        #[arg(long)]
        note: Option<String>,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record development time taken.
    DevelopmentTime {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// When, YYYY-MM-DD.
        #[arg(long, value_parser = parse_date)]
        on: NaiveDate,
        /// How long, in minutes.
        #[arg(long)]
        minutes: u32,
        /// What it was: a cohort workshop, reflective supervision, reading.
        #[arg(long)]
        activity: String,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Extend the programme, where the framework allows it.
    Extend {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// By how many months (1 to 12).
        #[arg(long)]
        months: u32,
        /// The extenuating circumstances (required where the framework demands them).
        #[arg(long)]
        extenuating: Option<String>,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The assessor's recommendation after the final review.
    Recommend {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// Pass or fail.
        #[arg(long, value_enum)]
        result: ResultArg,
        /// Why, for the moderators.
        #[arg(long)]
        rationale: String,
        /// Print the programme as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Internal moderation's decision; a pass opens the framework's automatic route.
    Moderate {
        #[command(flatten)]
        who: Who,
        /// The programme.
        #[arg(long, value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// Pass or fail.
        #[arg(long, value_enum)]
        result: ResultArg,
        /// Print the programme and the application a pass opened as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a programme: its timeline of reviews, caseload, development time, outcome, history.
    Show {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The programme.
        #[arg(value_parser = parse_programme)]
        programme: AsyeProgrammeId,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A review's finding, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProgressArg {
    /// On track to pass.
    OnTrack,
    /// Concerns recorded; a support plan should follow.
    Concerns,
}

impl From<ProgressArg> for Progress {
    fn from(p: ProgressArg) -> Progress {
        match p {
            ProgressArg::OnTrack => Progress::OnTrack,
            ProgressArg::Concerns => Progress::Concerns,
        }
    }
}

/// Pass or fail, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResultArg {
    Pass,
    Fail,
}

impl From<ResultArg> for AsyeResult {
    fn from(r: ResultArg) -> AsyeResult {
        match r {
            ResultArg::Pass => AsyeResult::Pass,
            ResultArg::Fail => AsyeResult::Fail,
        }
    }
}

pub fn run(c: AsyeCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = run_with(&pathway, c).await;
        pathway.close().await;
        result
    })
}

async fn run_with(pathway: &Pathway, c: AsyeCommand) -> anyhow::Result<ExitCode> {
    let (stored, json) = match c {
        AsyeCommand::Start { who, worker, starts_on, nine_month_review, json } => {
            let input = StartAsyeInput { worker, starts_on, nine_month_review };
            (
                pathway
                    .progression(&who.authority)
                    .await?
                    .start_asye(&who.acting(&pathway.operator().await?), &input)
                    .await?,
                json,
            )
        }
        AsyeCommand::Review { who, programme, months, progress, summary, held_on, json } => {
            let p = pathway.progression(&who.authority).await?;
            (
                p.record_review(
                    &who.acting(&pathway.operator().await?),
                    programme,
                    months,
                    progress.into(),
                    &summary,
                    held_on,
                )
                .await?,
                json,
            )
        }
        AsyeCommand::Caseload { who, programme, on, cases, unprotected, note, json } => {
            let record = CaseloadRecord { recorded_on: on, cases, protected: !unprotected, note };
            let p = pathway.progression(&who.authority).await?;
            (p.record_caseload(&who.acting(&pathway.operator().await?), programme, &record).await?, json)
        }
        AsyeCommand::DevelopmentTime { who, programme, on, minutes, activity, json } => {
            let time = DevelopmentTime { on, minutes, activity };
            let p = pathway.progression(&who.authority).await?;
            (p.record_development_time(&who.acting(&pathway.operator().await?), programme, &time).await?, json)
        }
        AsyeCommand::Extend { who, programme, months, extenuating, json } => {
            let p = pathway.progression(&who.authority).await?;
            (
                p.extend_asye(&who.acting(&pathway.operator().await?), programme, months, extenuating.as_deref())
                    .await?,
                json,
            )
        }
        AsyeCommand::Recommend { who, programme, result, rationale, json } => {
            let p = pathway.progression(&who.authority).await?;
            (p.recommend(&who.acting(&pathway.operator().await?), programme, result.into(), &rationale).await?, json)
        }
        AsyeCommand::Moderate { who, programme, result, json } => {
            let p = pathway.progression(&who.authority).await?;
            let moderated = p.moderate(&who.acting(&pathway.operator().await?), programme, result.into()).await?;
            print_moderated(&moderated, json)?;
            return Ok(ExitCode::SUCCESS);
        }
        AsyeCommand::Show { authority, programme, json } => {
            (pathway.progression(&authority).await?.asye(programme).await?, json)
        }
    };
    if json {
        output::json(&stored)?;
    } else {
        print_programme(&stored);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_moderated(m: &Moderated, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(m);
    }
    print_programme(&m.programme);
    if let Some(opened) = &m.opened {
        out!("\nThe pass opens the framework's automatic route:");
        print_application(opened);
    }
    Ok(())
}

fn print_programme(s: &StoredAsye) {
    let p = &s.programme;
    out!(
        "ASYE programme {}: {} — {} cohort, {} to {} ({} months); {} (version {})",
        s.id,
        p.worker().name,
        p.cohort(),
        p.started_on(),
        p.ends_on(),
        p.length_months(),
        p.status().code(),
        s.meta.version
    );
    out!("Reviews:");
    for point in p.reviews() {
        let label = if point.final_review { "final review" } else { "review" };
        match &point.review {
            Some(r) => out!(
                "  {:>2} months ({label}, due {}): held {} by {}: {} — {}",
                point.months,
                point.due_on,
                r.held_on,
                r.by.name,
                match r.progress {
                    Progress::OnTrack => "on track",
                    Progress::Concerns => "concerns",
                },
                r.summary
            ),
            None => out!("  {:>2} months ({label}, due {}): not yet held", point.months, point.due_on),
        }
    }
    if let Some(c) = p.caseload().last() {
        let protected = if c.protected { "protected" } else { "NOT protected" };
        out!("Caseload: {} cases on {} ({protected}); {} records", c.cases, c.recorded_on, p.caseload().len());
    }
    let minutes: u32 = p.development().iter().map(|d| d.minutes).sum();
    if minutes > 0 {
        out!("Development time: {}h {:02}m over {} sessions", minutes / 60, minutes % 60, p.development().len());
    }
    for e in p.extensions() {
        let why = e.extenuating.as_deref().unwrap_or("no extenuating reason recorded");
        out!("Extended by {} months by {}: {why}", e.months, e.by.name);
    }
    if let Some(r) = p.recommendation() {
        out!("Recommended: {} by {} — {}", result_word(r.recommends), r.by.name, r.rationale);
    }
    if let Some(m) = p.moderation() {
        out!("Moderation: {} by {} — {}", result_word(m.result), m.by.name, m.why);
    }
    out!("History:");
    for e in p.history() {
        out!(
            "  {}  {} ({}): {} — {}{}",
            e.at.format("%Y-%m-%d %H:%M"),
            e.by.name,
            e.by.role,
            e.what,
            e.why,
            late(e.backdated.as_ref())
        );
    }
}

fn result_word(r: AsyeResult) -> &'static str {
    match r {
        AsyeResult::Pass => "pass",
        AsyeResult::Fail => "fail",
    }
}
