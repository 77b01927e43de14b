//! `pathway application ...`: progression applications from the terminal, for people and
//! scripts. Requests can be given as JSON (`--input FILE`, or `-` for stdin) and every
//! command can answer in JSON (`--json`). Commands that change anything record who
//! (`--as EMPLOYEE_NUMBER --role ROLE`) and why (`--why`). When is the clock's: an action
//! entered late says when it took effect (`--at`) and why it is late (`--backdate-reason`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use pathway_app::AppError;
use pathway_app::model::Change as HistoryChange;
use pathway_app::model::{
    ApplicationId, AsyeProgrammeId, AuditEvent, Backdated, DecisionOutcome, PanelId, PayPosition, RouteId,
    StepCompletion, StepOutcome, StepStatus, StoredApplication, StoredException,
};
use pathway_app::operator::Operator;
use pathway_app::progression::{Acting, AuthorityProgression, OpenApplication, PayPreview, RecordException};
use pathway_app::service::Pathway;
use serde::de::DeserializeOwned;

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

/// Who is acting, why and when: recorded with every change.
#[derive(Debug, Clone, Args)]
pub struct Who {
    /// The authority.
    #[arg(long)]
    pub authority: String,
    /// Who is acting: their employee number.
    #[arg(long = "as", value_name = "EMPLOYEE_NUMBER")]
    pub acting_as: String,
    /// The role they act in: `worker` for the applicant, otherwise a role they hold (a post, or
    /// a seat on a panel of that role).
    #[arg(long)]
    pub role: String,
    /// Why, for the record.
    #[arg(long)]
    pub why: String,
    #[command(flatten)]
    pub late: Late,
}

impl Who {
    /// The acting person, now or (entered late) when it took effect, entered by the
    /// operator account the command line acts as.
    pub fn acting(&self, operator: &Operator) -> Acting {
        self.late.apply(Acting::new(&self.acting_as, &self.role, &self.why)).entered_by(&operator.username)
    }
}

/// An action entered late: when it took effect and why it was not entered then.
#[derive(Debug, Clone, Args)]
pub struct Late {
    /// Entered late: when it took effect (RFC 3339, or a date for midday). Only in the past,
    /// within the authority's backdating window; needs --backdate-reason. Default: now.
    #[arg(long, value_parser = parse_time, requires = "backdate_reason")]
    pub at: Option<DateTime<Utc>>,
    /// Why it is entered late (recorded with it).
    #[arg(long, requires = "at")]
    pub backdate_reason: Option<String>,
}

impl Late {
    /// `acting`, backdated if asked.
    pub fn apply(&self, acting: Acting) -> Acting {
        match &self.at {
            Some(at) => acting.backdated(*at, self.backdate_reason.clone().unwrap_or_default()),
            None => acting,
        }
    }
}

/// Parse an RFC 3339 time (`2025-06-12T15:00:00Z`) or a date (midday UTC that day).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    parse_date(s)
        .ok()
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("`{s}` is not a time; write 2025-06-12T15:00:00Z or a date like 2025-06-12"))
}

/// Parse an application id.
pub fn parse_application(s: &str) -> Result<ApplicationId, String> {
    positive(s, "an application").map(ApplicationId::new)
}

/// Parse a panel id.
pub fn parse_panel(s: &str) -> Result<PanelId, String> {
    positive(s, "a panel").map(PanelId::new)
}

/// Parse an ASYE programme id.
pub fn parse_programme(s: &str) -> Result<AsyeProgrammeId, String> {
    positive(s, "an ASYE programme").map(AsyeProgrammeId::new)
}

fn positive(s: &str, what: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{s}` is not {what} id: use the number `pathway` printed"))
}

/// Read a JSON request from `path` (`-` for stdin), saying where it is wrong if it is.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let (name, text) = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| AppError::Read { path: PathBuf::from("stdin"), source })?;
        ("stdin".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
        (path.display().to_string(), text)
    };
    serde_json::from_str(&text).map_err(|e| {
        AppError::BadInput {
            field: format!("{name}:{}:{}", e.line(), e.column()),
            message: format!("the request is not what this command takes: {e}"),
        }
        .into()
    })
}

/// A request that must come as JSON.
fn required_input<T: DeserializeOwned>(input: &Option<PathBuf>, what: &str) -> anyhow::Result<T> {
    match input {
        Some(path) => read_json(path),
        None => Err(AppError::BadInput {
            field: "--input".into(),
            message: format!("give {what} as JSON: --input FILE, or --input - to read stdin"),
        }
        .into()),
    }
}

#[derive(Debug, Subcommand)]
pub enum ApplicationCommand {
    /// Open an application for a route (as the worker, or a manager where the route allows).
    Open {
        #[command(flatten)]
        who: Who,
        /// The worker's employee number.
        #[arg(long, required_unless_present = "input")]
        worker: Option<String>,
        /// The route id (`pathway framework show` lists them).
        #[arg(long, required_unless_present = "input")]
        route: Option<String>,
        /// Apply by fast track, where the framework allows it.
        #[arg(long)]
        fast_track: bool,
        /// The request as JSON (`{"worker": "B100", "route": "...", "fast_track": false}`).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["worker", "route"])]
        input: Option<PathBuf>,
        /// Print the application as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Submit a draft; refused until the portfolio covers the route (unless fast track).
    Submit(Change),
    /// Begin assessment of a submitted application.
    BeginAssessment(Change),
    /// Assign someone to a step, under the framework's independence rules.
    Assign {
        #[command(flatten)]
        change: Change,
        /// The step id.
        #[arg(long)]
        step: String,
        /// The assessor's employee number.
        #[arg(long, value_name = "EMPLOYEE_NUMBER")]
        assessor: String,
        /// The role the assessor takes on the step (one they hold).
        #[arg(long)]
        assessor_role: String,
    },
    /// Mark a step in progress.
    StartStep {
        #[command(flatten)]
        change: Change,
        /// The step id.
        #[arg(long)]
        step: String,
    },
    /// Complete a step with its outcome and form, given as JSON.
    RecordStep {
        #[command(flatten)]
        change: Change,
        /// The step id.
        #[arg(long)]
        step: String,
        /// The completion as JSON: `{"outcome": "met", "record": {"type": "report", ...}}`.
        #[arg(long, value_name = "FILE")]
        input: Option<PathBuf>,
    },
    /// Send the application to its panel or interview.
    ReferToPanel {
        #[command(flatten)]
        change: Change,
        /// The panel it goes to, if one is convened.
        #[arg(long, value_parser = parse_panel)]
        panel: Option<PanelId>,
    },
    /// Decide the application, or (with --panel) make the decision its panel recorded.
    Decide {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// Make the decision this panel recorded (the chair's, with the panel's reasons).
        #[arg(long, value_parser = parse_panel, conflicts_with_all = ["input", "outcome"])]
        panel: Option<PanelId>,
        /// The decision as JSON: `{"outcome": "not-yet-approved", "feedback": "...", "resubmit_from": "2026-01-05"}`.
        #[arg(long, value_name = "FILE", conflicts_with = "outcome")]
        input: Option<PathBuf>,
        /// The decision: approved, not-yet-approved or rejected.
        #[arg(long)]
        outcome: Option<String>,
        /// Feedback for the worker (required unless approved).
        #[arg(long)]
        feedback: Option<String>,
        /// For "not yet approved": the first day the worker may resubmit.
        #[arg(long, value_parser = parse_date)]
        resubmit_from: Option<NaiveDate>,
        /// Who decides (not needed with --panel).
        #[arg(long = "as", value_name = "EMPLOYEE_NUMBER", required_unless_present = "panel")]
        acting_as: Option<String>,
        /// The role they decide in.
        #[arg(long, required_unless_present = "panel")]
        role: Option<String>,
        /// Why, for the record.
        #[arg(long, required_unless_present = "panel")]
        why: Option<String>,
        #[command(flatten)]
        late: Late,
        /// Print the application as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the pay change signing off would bring: old and new salary, the increment date.
    PreviewPay {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// The day the change would take effect.
        #[arg(long, value_parser = parse_date)]
        effective: NaiveDate,
        /// The pay point, where a person must choose it.
        #[arg(long)]
        point: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign off an approved application with its effective date.
    SignOff {
        #[command(flatten)]
        change: Change,
        /// The day the new level, grade and point take effect.
        #[arg(long, value_parser = parse_date)]
        effective: NaiveDate,
        /// The pay point, where a person must choose it.
        #[arg(long)]
        point: Option<String>,
    },
    /// Make a signed-off application effective: the worker's record changes with it.
    MakeEffective(Change),
    /// Withdraw before a decision.
    Withdraw(Change),
    /// Appeal a decision that did not approve (the worker), giving the grounds.
    Appeal {
        #[command(flatten)]
        who: Who,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// The grounds of the appeal.
        #[arg(long)]
        grounds: String,
        /// Print the application as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Decide an appeal (someone other than whoever made the original decision).
    DecideAppeal {
        #[command(flatten)]
        who: Who,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// The decision on appeal: approved, not-yet-approved or rejected.
        #[arg(long)]
        outcome: String,
        /// Feedback for the worker (required unless approved).
        #[arg(long)]
        feedback: Option<String>,
        /// For "not yet approved": the first day the worker may resubmit.
        #[arg(long, value_parser = parse_date)]
        resubmit_from: Option<NaiveDate>,
        /// Print the application as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reopen a "not yet approved" application for resubmission, once its date has come.
    Reopen(Change),
    /// Show one application: status, steps, decision, sign-off.
    Show {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List applications, or one worker's.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// One worker's, by employee number.
        #[arg(long)]
        worker: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record an exception to a route's eligibility criteria for a worker, with a reason (someone
    /// holding a post the framework entitles: a head of service unless it names others).
    Exception {
        #[command(flatten)]
        who: Who,
        /// The worker's employee number.
        #[arg(long)]
        worker: String,
        /// The route id it lets them apply for.
        #[arg(long)]
        route: String,
        /// A criterion to waive, by kind (`post-qualifying-years`); repeat for several. Without
        /// it, every unmet essential criterion is waived. Registration is never waived.
        #[arg(long = "criterion", value_name = "KIND")]
        criteria: Vec<String>,
        /// Print the exception as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the exceptions to eligibility criteria recorded in an authority, or for one worker.
    Exceptions {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// One worker's, by employee number.
        #[arg(long)]
        worker: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Everything that happened to an application, with who, when and why.
    History {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The application.
        #[arg(value_parser = parse_application)]
        id: ApplicationId,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A change to one application.
#[derive(Debug, Clone, Args)]
pub struct Change {
    #[command(flatten)]
    who: Who,
    /// The application.
    #[arg(value_parser = parse_application)]
    id: ApplicationId,
    /// Print the application as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(c: ApplicationCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = run_with(&pathway, c).await;
        pathway.close().await;
        result
    })
}

async fn progression<'p>(pathway: &'p Pathway, authority: &str) -> anyhow::Result<AuthorityProgression<'p>> {
    Ok(pathway.progression(authority).await?)
}

async fn run_with(pathway: &Pathway, c: ApplicationCommand) -> anyhow::Result<ExitCode> {
    use ApplicationCommand as A;
    let (stored, json) = match c {
        A::Open { who, worker, route, fast_track, input, json } => {
            let request: OpenApplication = match input {
                Some(path) => read_json(&path)?,
                None => OpenApplication {
                    worker: worker.unwrap_or_default(),
                    route: RouteId::from(route.unwrap_or_default().as_str()),
                    fast_track,
                },
            };
            let p = progression(pathway, &who.authority).await?;
            (p.open(&who.acting(&pathway.operator().await?), &request).await?, json)
        }
        A::Submit(c) => (
            progression(pathway, &c.who.authority)
                .await?
                .submit(&c.who.acting(&pathway.operator().await?), c.id)
                .await?,
            c.json,
        ),
        A::BeginAssessment(c) => (
            progression(pathway, &c.who.authority)
                .await?
                .begin_assessment(&c.who.acting(&pathway.operator().await?), c.id)
                .await?,
            c.json,
        ),
        A::Assign { change: c, step, assessor, assessor_role } => {
            let p = progression(pathway, &c.who.authority).await?;
            (p.assign(&c.who.acting(&pathway.operator().await?), c.id, &step, &assessor, &assessor_role).await?, c.json)
        }
        A::StartStep { change: c, step } => (
            progression(pathway, &c.who.authority)
                .await?
                .start_step(&c.who.acting(&pathway.operator().await?), c.id, &step)
                .await?,
            c.json,
        ),
        A::RecordStep { change: c, step, input } => {
            let completion: StepCompletion = required_input(&input, "the step's outcome and form")?;
            let p = progression(pathway, &c.who.authority).await?;
            (p.complete_step(&c.who.acting(&pathway.operator().await?), c.id, &step, &completion).await?, c.json)
        }
        A::ReferToPanel { change: c, panel } => (
            progression(pathway, &c.who.authority)
                .await?
                .refer_to_panel(&c.who.acting(&pathway.operator().await?), c.id, panel)
                .await?,
            c.json,
        ),
        A::Decide {
            authority,
            id,
            panel,
            input,
            outcome,
            feedback,
            resubmit_from,
            acting_as,
            role,
            why,
            late,
            json,
        } => {
            let p = progression(pathway, &authority).await?;
            let stored = match panel {
                Some(panel) => p.decide_from_panel(id, panel).await?,
                None => {
                    let outcome = match input {
                        Some(path) => read_json(&path)?,
                        None => decision(outcome.as_deref(), feedback, resubmit_from)?,
                    };
                    let acting = late
                        .apply(Acting::new(
                            acting_as.unwrap_or_default(),
                            role.unwrap_or_default(),
                            why.unwrap_or_default(),
                        ))
                        .entered_by(pathway.operator().await?.username);
                    p.decide(&acting, id, &outcome).await?
                }
            };
            (stored, json)
        }
        A::PreviewPay { authority, id, effective, point, json } => {
            let preview = progression(pathway, &authority).await?.preview_pay(id, effective, point.as_deref()).await?;
            if json {
                output::json(&preview)?;
            } else {
                print_preview(id, &preview);
            }
            return Ok(ExitCode::SUCCESS);
        }
        A::SignOff { change: c, effective, point } => {
            let p = progression(pathway, &c.who.authority).await?;
            (p.sign_off(&c.who.acting(&pathway.operator().await?), c.id, effective, point.as_deref()).await?, c.json)
        }
        A::MakeEffective(c) => {
            let done = progression(pathway, &c.who.authority)
                .await?
                .make_effective(&c.who.acting(&pathway.operator().await?), c.id)
                .await?;
            if c.json {
                output::json(&done)?;
            } else {
                print_application(&done.application);
                let position = &done.position;
                let grade = position.grade.as_ref().map(|g| format!(", {g}")).unwrap_or_default();
                let point = position.point.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
                out!(
                    "  The worker's record now shows {}{grade}{point} from {}.",
                    position.level,
                    done.timeline_entry.entry.starts_on
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        A::Withdraw(c) => (
            progression(pathway, &c.who.authority)
                .await?
                .withdraw(&c.who.acting(&pathway.operator().await?), c.id)
                .await?,
            c.json,
        ),
        A::Appeal { who, id, grounds, json } => (
            progression(pathway, &who.authority)
                .await?
                .appeal(&who.acting(&pathway.operator().await?), id, &grounds)
                .await?,
            json,
        ),
        A::DecideAppeal { who, id, outcome, feedback, resubmit_from, json } => {
            let outcome = decision(Some(&outcome), feedback, resubmit_from)?;
            (
                progression(pathway, &who.authority)
                    .await?
                    .decide_appeal(&who.acting(&pathway.operator().await?), id, &outcome)
                    .await?,
                json,
            )
        }
        A::Reopen(c) => (
            progression(pathway, &c.who.authority)
                .await?
                .reopen(&c.who.acting(&pathway.operator().await?), c.id)
                .await?,
            c.json,
        ),
        A::Show { authority, id, json } => (progression(pathway, &authority).await?.application(id).await?, json),
        A::List { authority, worker, json } => {
            let all = progression(pathway, &authority).await?.applications(worker.as_deref()).await?;
            if json {
                output::json(&all)?;
            } else if all.is_empty() {
                out!("No applications.");
            } else {
                for a in &all {
                    let app = &a.application;
                    out!("{:>5}  {:<28} {:<40} {}", a.id, app.applicant().name, app.route().name, app.status());
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        A::Exception { who, worker, route, criteria, json } => {
            let request = RecordException { worker, route: RouteId::from(route.as_str()), criteria };
            let stored = progression(pathway, &who.authority)
                .await?
                .record_exception(&who.acting(&pathway.operator().await?), &request)
                .await?;
            if json {
                output::json(&stored)?;
            } else {
                print_exception(&stored);
            }
            return Ok(ExitCode::SUCCESS);
        }
        A::Exceptions { authority, worker, json } => {
            let all = progression(pathway, &authority).await?.exceptions(worker.as_deref()).await?;
            if json {
                output::json(&all)?;
            } else if all.is_empty() {
                out!("No exceptions.");
            } else {
                for x in &all {
                    print_exception(x);
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        A::History { authority, id, json } => {
            let events = progression(pathway, &authority).await?.history(id).await?;
            if json {
                output::json(&events)?;
            } else {
                print_history(&events);
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    if json {
        output::json(&stored)?;
    } else {
        print_application(&stored);
    }
    Ok(ExitCode::SUCCESS)
}

/// A decision from `--outcome`, `--feedback` and `--resubmit-from`.
fn decision(
    outcome: Option<&str>,
    feedback: Option<String>,
    resubmit_from: Option<NaiveDate>,
) -> anyhow::Result<DecisionOutcome> {
    let bad = |message: String| AppError::BadInput { field: "--outcome".into(), message };
    Ok(match outcome.map(str::trim) {
        Some("approved") => DecisionOutcome::Approved { feedback },
        Some("not-yet-approved") => DecisionOutcome::NotYetApproved {
            feedback: feedback.unwrap_or_default(),
            resubmit_from: resubmit_from.ok_or_else(|| bad("not-yet-approved needs --resubmit-from DATE".into()))?,
        },
        Some("rejected") => DecisionOutcome::Rejected { feedback: feedback.unwrap_or_default() },
        Some(other) => {
            return Err(bad(format!("`{other}` is not a decision: approved, not-yet-approved or rejected")).into());
        }
        None => return Err(bad("give --outcome (approved, not-yet-approved, rejected) or --input FILE".into()).into()),
    })
}

/// "Opened" from "opened".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn step_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Pending => "waiting for assessors",
        StepStatus::Assigned => "assigned",
        StepStatus::InProgress => "in progress",
        StepStatus::Completed => "completed",
    }
}

/// An application for people: who, which route, where it is, its steps.
pub fn print_application(a: &StoredApplication) {
    let app = &a.application;
    out!("Application {}: {} — \"{}\" ({})", a.id, app.applicant().name, app.route().name, app.framework());
    out!(
        "  Status: {} (version {}); opened {} by {} ({})",
        app.status(),
        a.meta.version,
        app.opened_at().date_naive(),
        app.opened_by().name,
        app.opened_by().role
    );
    for (i, s) in app.steps().iter().enumerate() {
        let people: Vec<String> = s.participants().iter().map(|p| format!("{} ({})", p.name, p.role)).collect();
        let outcome = match s.completion.as_ref().map(|c| c.outcome) {
            Some(StepOutcome::Met) => " — met",
            Some(StepOutcome::MetWithNotes) => " — met with notes",
            Some(StepOutcome::NotMet) => " — not met",
            None => "",
        };
        out!("  {}. {} [{}]: {}{outcome}", i + 1, s.definition.title, s.id(), step_word(s.status));
        if !people.is_empty() {
            out!("       {}", people.join(", "));
        }
    }
    for e in app.history() {
        if let HistoryChange::UnderException { action, exception } = &e.change {
            out!("  {} under {}", capitalised(action), exception.describe());
        }
    }
    if let Some(d) = app.decision() {
        out!("  Decision: {} by {} ({}) on {}: {}", d.outcome.code(), d.by.name, d.by.role, d.at.date_naive(), d.why);
    }
    if let Some(s) = app.sign_off_record() {
        out!("  Signed off by {} on {}, effective from {}", s.by.name, s.at.date_naive(), s.effective_from);
    }
}

/// An exception for people: for whom, which route, by whom, when, why, what it waives.
fn print_exception(x: &StoredException) {
    let e = &x.exception;
    out!("Exception {}: {} — \"{}\"", x.id, e.worker_name, e.route_name);
    out!("  Recorded by {} ({}) on {}: {}", e.recorded.by.name, e.recorded.by.role, e.recorded_on(), e.recorded.why);
    out!("  Waives {}", e.waived_words());
    for unmet in &e.unmet_when_recorded {
        out!("  Unmet when recorded: {unmet}");
    }
}

fn print_history(events: &[AuditEvent]) {
    for e in events {
        out!(
            "{:>3}  {}  {} ({}): {} — \"{}\"{}{}",
            e.seq,
            e.at.format("%Y-%m-%d %H:%M"),
            e.by.name,
            e.by.role,
            e.what,
            e.why,
            late(e.backdated.as_ref()),
            e.entered_by.as_ref().map(|o| format!(" [entered by {o} on behalf of {}]", e.by.name)).unwrap_or_default()
        );
    }
}

/// " [entered late on …: reason]" for an action entered after it took effect, else nothing.
pub fn late(backdated: Option<&Backdated>) -> String {
    backdated
        .map(|b| format!(" [entered late on {}: {}]", b.entered_at.format("%Y-%m-%d %H:%M"), b.reason))
        .unwrap_or_default()
}

fn print_preview(id: ApplicationId, preview: &PayPreview) {
    let p = &preview.change;
    out!(
        "Pay change for application {id} from {} ({} → {})",
        p.effective_from,
        preview.from_level.as_deref().unwrap_or("none"),
        preview.to_level
    );
    let line = |label: &str, pos: &Option<PayPosition>| match pos {
        Some(x) => {
            let scp = x.scp.map(|n| format!(" (SCP {n})")).unwrap_or_default();
            let pay = x.basic_pence.map(|b| format!("{b} a year")).unwrap_or_else(|| "pay not known".into());
            out!("  {label} {}, point {}{scp}: {pay}", x.grade_name, x.point);
        }
        None => out!("  {label} no grade"),
    };
    line("Now:", &p.old);
    line("New:", &p.new);
    if let Some(change) = p.basic_change_pence {
        out!("  Change: {change} a year");
    }
    out!("  Placement: {}", p.placement);
    if let Some(hold) = &p.hold {
        out!("  NOT TO BE APPLIED: this change is {hold}");
    }
    if let Some(d) = p.next_increment {
        out!(
            "  Next increment: {d}{}",
            if p.increment_assumed { " (assumed: the framework states no rule)" } else { "" }
        );
    }
    for n in &p.notes {
        out!("  Note: {n}");
    }
}
