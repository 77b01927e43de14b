//! Progression use cases over real storage: applications (open, submit, assign, assess,
//! refer, decide, preview pay, sign off, make effective), panels and ASYE programmes.
//!
//! Every command has the same shape: resolve who is acting (and check they hold the role
//! they claim), load the record, run the core's pure command, and save the result naming the
//! version that was loaded. If someone else saved in between, storage refuses with a
//! conflict; the command is pure, so it is re-run once on the fresh record (it may now be
//! refused for a real reason, which is reported). A refused command changes nothing.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::eligibility::{WorkerFacts, appraisal_recommends, evaluate_route};
use pathway_core::framework::{Framework, GradeId, LevelId, RoleId, RouteId, Trigger, WORKER_ROLE};
use pathway_core::ids::{ApplicationId, AsyeProgrammeId, PanelId, WorkerId};
use pathway_core::portfolio::{EvidenceItem, coverage};
use pathway_core::progression::application::{Application, EvidenceVerdict, OpenRequest, Opener};
use pathway_core::progression::asye::{
    AsyeProgramme, AsyeResult, CaseloadRecord, DevelopmentTime, Progress, StartAsye,
};
use pathway_core::progression::audit::{Actor, Audit, Backdated};
use pathway_core::progression::binds::{check_eligible, check_registration};
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::error::ProgressionError;
use pathway_core::progression::exception::{EligibilityException, ExceptionRef, ExceptionRequest};
use pathway_core::progression::forms::StepRecord;
use pathway_core::progression::panel::{Panel, PanelMember, Quorum};
use pathway_core::progression::pay_preview::{CurrentPosition, PayChangePreview};
use pathway_core::progression::steps::StepCompletion;
use pathway_core::workforce::{EmployeeNumber, MAX_NOTE_CHARS, TimelineEntry, Worker, WorkerRecord, parse_role};
use pathway_store::{
    AuditEvent, AuditTrail, AuthorityScope, EntityKind, Organisation, Portfolios, Progression, Store,
    StoredApplication, StoredAsye, StoredException, StoredPanel, Tenancy, Workforce,
};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::clock::Clock;
use crate::frameworks::{Applies, FrameworkCache};
use crate::retry::retry_on_conflict;
use crate::service::Pathway;

// ---------------------------------------------------------------------------------------
// Who is acting

/// Who is acting, in which role and why: what every command records in the history. When
/// is not theirs to say: the action is recorded at the clock's time, unless it is entered
/// late ([`Acting::backdated`]) within the authority's window, with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// Their employee number in the authority.
    pub employee_number: String,
    /// The role they act in: `worker` for the applicant, otherwise a role they hold.
    pub role: String,
    /// Why, for the record. Required by every command.
    pub why: String,
    /// When it took effect, where that was before now (a paper decision entered next week).
    pub backdate: Option<Backdate>,
    /// The account typing it in on the person's behalf (the CLI's operator), recorded as
    /// "entered by <account> on behalf of <person>". None when the person enters it.
    pub entered_by: Option<String>,
    /// The address the request came from, for an action made over HTTP (kept in the audit
    /// trail only). None on the command line.
    pub entered_from: Option<String>,
    /// Tests only: the clock's reading when this action is entered.
    #[cfg(feature = "testing")]
    clock_reads: Option<DateTime<Utc>>,
}

/// An action entered late: when it took effect, and why it is entered only now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backdate {
    /// When it took effect: in the past, within the authority's backdating window.
    pub to: DateTime<Utc>,
    /// Why it was not entered at the time. Required.
    pub reason: String,
}

impl Acting {
    /// `employee_number`, acting as `role` now, because `why`.
    pub fn new(employee_number: impl Into<String>, role: impl Into<String>, why: impl Into<String>) -> Acting {
        Acting {
            employee_number: employee_number.into(),
            role: role.into(),
            why: why.into(),
            backdate: None,
            entered_by: None,
            entered_from: None,
            #[cfg(feature = "testing")]
            clock_reads: None,
        }
    }

    /// The same action, entered now but taking effect at `to` (earlier), because `reason`.
    pub fn backdated(mut self, to: DateTime<Utc>, reason: impl Into<String>) -> Acting {
        self.backdate = Some(Backdate { to, reason: reason.into() });
        self
    }

    /// The same action, typed in by the account `operator` on the person's behalf.
    pub fn entered_by(mut self, operator: impl Into<String>) -> Acting {
        self.entered_by = Some(operator.into());
        self
    }

    /// The same action, made over HTTP from the address `from`.
    pub fn entered_from(mut self, from: Option<String>) -> Acting {
        self.entered_from = from;
        self
    }

    /// Tests only: the action as if entered when the clock read `at` (a story told day by
    /// day). Built only with the `testing` feature, never into the binary.
    #[cfg(feature = "testing")]
    pub fn as_if_clock_read(
        employee_number: impl Into<String>,
        role: impl Into<String>,
        why: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Acting {
        let mut acting = Acting::new(employee_number, role, why);
        acting.clock_reads = Some(at);
        acting
    }

    /// The time it is entered at: the clock's.
    fn entered_at(&self, clock: &Clock) -> DateTime<Utc> {
        #[cfg(feature = "testing")]
        if let Some(at) = self.clock_reads {
            return at;
        }
        clock.now()
    }
}

/// The worker with this employee number in the scope, with a message that says which
/// authority was searched.
pub(crate) async fn find_worker(store: &Store, scope: &AuthorityScope, number: &str) -> Result<Worker, AppError> {
    let number = EmployeeNumber::parse(number)?;
    Ok(store.worker_by_employee_number(scope, &number).await?)
}

/// The roles that convene panels where the framework names none.
pub const PANEL_CONVENERS: [&str; 2] = ["head-of-service", "principal-social-worker"];

/// Check `actor` may act in the role they claim on `on`: the applicant's own `worker` role,
/// or a role they hold a post in that day. A panel seat is no role: it gives rights on that
/// panel's business only (listing, attendance, its outcome), checked where that is done.
pub(crate) async fn authorise(
    store: &Store,
    scope: &AuthorityScope,
    actor: &Actor,
    on: NaiveDate,
) -> Result<(), AppError> {
    if actor.role.as_str() == WORKER_ROLE {
        return Ok(());
    }
    let posts = store.posts_held_by(scope, actor.person).await?;
    if posts.iter().any(|p| p.holder_on(on) == Some(actor.person) && p.role == actor.role) {
        return Ok(());
    }
    let panels = store.panels(scope).await?;
    let seat = if panels
        .iter()
        .any(|p| p.panel.role() == &actor.role && p.panel.members().iter().any(|m| m.member.person == actor.person))
    {
        "; a seat on a panel of that role gives rights on that panel's business only (rule: panel-seat)"
    } else {
        " (rule: posts-held)"
    };
    let mut held: Vec<&str> =
        posts.iter().filter(|p| p.holder_on(on) == Some(actor.person)).map(|p| p.role.as_str()).collect();
    held.sort_unstable();
    held.dedup();
    let holds = if held.is_empty() { "no post".to_owned() } else { format!("posts as {}", held.join(", ")) };
    Err(AppError::NotPermitted(format!(
        "{} (worker {}) cannot act as {}: on {on} they hold {holds} in {}; authority comes from posts held that \
         day{seat}",
        actor.name,
        actor.person,
        actor.role,
        scope.id()
    )))
}

/// When an action takes effect and, if entered late, the record of that: now by `clock`,
/// or the backdate asked for if it is in the past, within the authority's window, with a
/// reason.
async fn when(
    store: &Store,
    scope: &AuthorityScope,
    acting: &Acting,
    clock: &Clock,
) -> Result<(DateTime<Utc>, Option<Backdated>), AppError> {
    let now = acting.entered_at(clock);
    let Some(backdate) = &acting.backdate else { return Ok((now, None)) };
    let reason = backdate.reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadInput {
            field: "backdate-reason".into(),
            message: "an action entered late needs a reason: say why it was not entered at the time".into(),
        });
    }
    if reason.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::BadInput {
            field: "backdate-reason".into(),
            message: format!("the reason is longer than {MAX_NOTE_CHARS} characters"),
        });
    }
    let to = backdate.to;
    if to > now {
        return Err(AppError::BadInput {
            field: "at".into(),
            message: format!(
                "{} is after now ({}): an action is entered when it happens or later, never ahead of time; a change                  that starts later is made on its date (rule: no-future-dates)",
                to.to_rfc3339(),
                now.to_rfc3339()
            ),
        });
    }
    let window = store.authority(scope).await?.backdating_days;
    let late = now - to;
    if late > chrono::Duration::days(i64::from(window)) {
        let allowed = if window == 0 {
            format!("{} does not allow actions to be entered late", scope.id())
        } else {
            format!("{} allows actions to be entered up to {window} days late", scope.id())
        };
        return Err(AppError::NotPermitted(format!(
            "{} is {} days before it is entered ({}); {allowed} (rule: backdating-window; the authority sets it with              `pathway authority set {} --backdating-days N`)",
            to.to_rfc3339(),
            late.num_days(),
            now.to_rfc3339(),
            scope.id()
        )));
    }
    Ok((to, Some(Backdated { entered_at: now, reason: reason.to_owned() })))
}

/// Resolve and authorise who is acting; the audit every command records, at the clock's
/// time or the checked backdate.
pub(crate) async fn resolve(
    store: &Store,
    scope: &AuthorityScope,
    acting: &Acting,
    clock: &Clock,
) -> Result<Audit, AppError> {
    let (at, backdated) = when(store, scope, acting, clock).await?;
    let worker = find_worker(store, scope, &acting.employee_number).await?;
    let role = parse_role(&acting.role)?;
    let on = at.date_naive();
    // A post left open when its holder left gives them no authority after they go.
    if let Some(left) = worker.details.left_on
        && on >= left
        && role.as_str() != WORKER_ROLE
    {
        return Err(AppError::NotPermitted(format!(
            "{} ({}) left {} on {left}; nobody acts in a post after leaving (vacate their posts with `pathway post \
             vacate`)",
            worker.details.name,
            worker.details.employee_number,
            scope.id()
        )));
    }
    let actor = Actor::new(worker.id, worker.details.name.as_str(), role);
    authorise(store, scope, &actor, on).await?;
    let mut audit = Audit::new(actor, at, acting.why.trim());
    if let Some(operator) = acting.entered_by.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        audit = audit.entered_by(operator);
    }
    if let Some(from) = acting.entered_from.as_deref() {
        audit = audit.entered_from(from);
    }
    Ok(match backdated {
        Some(b) => audit.backdated(b.entered_at, b.reason),
        None => audit,
    })
}

/// Refuse an action dated (backdated) before the last entry in the application's history:
/// a history is told in order, and nothing follows what it came before.
fn not_before_the_last(audit: &Audit, id: ApplicationId, app: &Application) -> Result<(), AppError> {
    match app.history().last() {
        Some(last) if audit.at < last.at => Err(AppError::BadInput {
            field: "at".into(),
            message: format!(
                "application {id} was last changed at {} ({}); an action on it cannot take effect before that",
                last.at.to_rfc3339(),
                last.why
            ),
        }),
        _ => Ok(()),
    }
}

/// The verdict the coverage check gives `items` for `route` (from the application) on `on`.
pub(crate) fn evidence_verdict(
    framework: &Framework,
    application: &Application,
    items: &[EvidenceItem],
    on: NaiveDate,
) -> EvidenceVerdict {
    let checked = coverage(framework, application.route(), items, on);
    if checked.is_ready() {
        EvidenceVerdict::ready()
    } else {
        EvidenceVerdict::missing(checked.verdict.missing.iter().map(|m| m.message.clone()).collect())
    }
}

// ---------------------------------------------------------------------------------------
// Inputs

/// How to open an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApplication {
    /// The worker's employee number.
    pub worker: String,
    /// The route.
    pub route: RouteId,
    /// Whether it is fast track (only where the framework allows it).
    #[serde(default)]
    pub fast_track: bool,
}

/// An exception to record: for whom, on which route, waiving which criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordException {
    /// The worker's employee number.
    pub worker: String,
    /// The route it lets them apply for.
    pub route: RouteId,
    /// The kinds of criterion it waives (`post-qualifying-years`); empty waives every unmet
    /// essential criterion. Never `registration`.
    #[serde(default)]
    pub criteria: Vec<String>,
}

/// A panel member, by employee number, in the organisational role they sit as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    /// Their employee number.
    pub employee_number: String,
    /// The role they hold (`service-manager`).
    pub role: String,
    /// Whether they chair.
    #[serde(default)]
    pub chair: bool,
}

/// How to convene a panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvenePanel {
    /// The framework role it decides as (`career-progression-panel`).
    pub role: String,
    /// When it sits.
    pub held_on: NaiveDate,
    /// Who sits on it.
    pub members: Vec<MemberInput>,
    /// What makes it quorate; three members including the chair when not given.
    #[serde(default)]
    pub quorum: Option<Quorum>,
}

/// How to start an ASYE programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartAsyeInput {
    /// The newly qualified social worker's employee number.
    pub worker: String,
    /// The first day; its month must be one of the framework's intake months.
    pub starts_on: NaiveDate,
    /// Whether to add the optional 9-month review.
    #[serde(default)]
    pub nine_month_review: bool,
}

/// An application made effective, and the entry it added to the worker's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effective {
    /// The application, now effective.
    pub application: StoredApplication,
    /// The new level/grade/point on the worker's timeline.
    pub timeline_entry: TimelineEntry,
    /// The same position by the document's names, for people; scripts read the ids above.
    #[serde(skip)]
    pub position: PositionNames,
}

/// A place on the ladder by the names the document prints ("Senior Social Worker",
/// "Grade 11", "SCP 39"), where records hold ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PositionNames {
    /// The level's name.
    pub level: String,
    /// The grade's name, where the framework has grades.
    pub grade: Option<String>,
    /// "SCP 39" for a spine point, else "point top" as printed.
    pub point: Option<String>,
}

impl PositionNames {
    /// Names for `level`, `grade` and `point` in `framework`; an id the framework does not
    /// know is shown as it is.
    pub fn of(framework: &Framework, level: &LevelId, grade: Option<&GradeId>, point: Option<&str>) -> PositionNames {
        let grade_found = grade.and_then(|id| framework.grade(id));
        let point_found = grade_found.zip(point).and_then(|(g, p)| g.points.iter().find(|x| x.point == p));
        PositionNames {
            level: framework.level(level).map(|l| l.name.clone()).unwrap_or_else(|| level.to_string()),
            grade: grade.map(|id| grade_found.map(|g| g.name.clone()).unwrap_or_else(|| id.to_string())),
            point: point.map(|p| match point_found.and_then(|x| x.scp) {
                Some(scp) => format!("SCP {scp}"),
                None => format!("point {p}"),
            }),
        }
    }
}

/// The pay change signing off would bring, with the levels by name for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PayPreview {
    /// The change, as the core works it out.
    #[serde(flatten)]
    pub change: PayChangePreview,
    /// The name of the level before, if any.
    #[serde(skip)]
    pub from_level: Option<String>,
    /// The name of the level after.
    #[serde(skip)]
    pub to_level: String,
}

/// A moderated ASYE programme, and the progression a pass opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moderated {
    /// The programme.
    pub programme: StoredAsye,
    /// The application for the framework's automatic route, on a pass.
    pub opened: Option<StoredApplication>,
}

// ---------------------------------------------------------------------------------------
// The use cases

/// Progression use cases for one authority.
#[derive(Debug, Clone)]
pub struct AuthorityProgression<'s> {
    store: &'s Store,
    scope: AuthorityScope,
    frameworks: FrameworkCache,
    clock: Clock,
}

/// An automatic move `run_due` dealt with.
#[derive(Debug, Clone, Serialize)]
pub struct DueMove {
    /// The application that carries it.
    pub application: ApplicationId,
    /// The worker's name.
    pub worker: String,
    /// The route's name.
    pub route: String,
    /// What happened.
    pub outcome: DueOutcome,
}

/// What `run_due` did with one automatic move.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum DueOutcome {
    /// Scheduled to take effect on this date (after the day run for).
    Scheduled { takes_effect: NaiveDate },
    /// Made effective on the worker's record from this date, at this position.
    MadeEffective { on: NaiveDate, position: PositionNames },
    /// Not applied: it needs a person (the reason names the rule).
    NeedsAPerson { reason: String },
}

impl Pathway {
    /// Progression use cases for the authority with this id, sharing this `Pathway`'s
    /// parsed frameworks.
    pub async fn progression(&self, authority: &str) -> Result<AuthorityProgression<'_>, AppError> {
        let scope = self.scope(authority).await?;
        Ok(AuthorityProgression {
            store: self.store(),
            scope,
            frameworks: self.framework_cache().clone(),
            clock: self.clock(),
        })
    }

    /// Apply what is due today for every authority, automatic moves and retention (the
    /// server's schedule). One authority's failure is reported beside the others' results
    /// and stops nothing else.
    pub async fn run_due_everywhere(
        &self,
    ) -> Result<Vec<(String, Result<crate::retention::DueRun, AppError>)>, AppError> {
        let mut results = Vec::new();
        for authority in self.store().authorities().await? {
            let id = authority.id.to_string();
            let done = self.run_due(&id, None).await;
            results.push((id, done));
        }
        Ok(results)
    }
}

impl<'s> AuthorityProgression<'s> {
    /// Use cases over `store`, for the authority `scope` names, on the system's clock.
    pub fn new(store: &'s Store, scope: AuthorityScope) -> AuthorityProgression<'s> {
        AuthorityProgression { store, scope, frameworks: FrameworkCache::default(), clock: Clock::System }
    }

    /// The same use cases reading `clock` for "now".
    pub fn with_clock(mut self, clock: Clock) -> AuthorityProgression<'s> {
        self.clock = clock;
        self
    }

    /// The framework in force on `on` by the one rule ([`crate::frameworks`]).
    async fn framework(&self, applies: Applies<'_>, on: NaiveDate) -> Result<Arc<Framework>, AppError> {
        self.frameworks.in_force(self.store, &self.scope, applies, on).await
    }

    /// The authority.
    pub fn scope(&self) -> &AuthorityScope {
        &self.scope
    }

    /// Resolve who is acting and check the role they claim.
    pub async fn audit(&self, acting: &Acting) -> Result<Audit, AppError> {
        resolve(self.store, &self.scope, acting, &self.clock).await
    }

    /// Someone named by employee number, acting in `role` (which they must hold on `on`).
    async fn person(&self, number: &str, role: &str, on: NaiveDate) -> Result<Actor, AppError> {
        let worker = find_worker(self.store, &self.scope, number).await?;
        let actor = Actor::new(worker.id, worker.details.name.as_str(), parse_role(role)?);
        authorise(self.store, &self.scope, &actor, on).await?;
        Ok(actor)
    }

    /// Load, change and save an application, re-running the change once on a conflict.
    /// `audit` is who acts (none when a panel's recorded decision is applied).
    async fn change(
        &self,
        id: ApplicationId,
        audit: Option<&Audit>,
        change: impl Fn(&Application) -> Result<Application, AppError>,
    ) -> Result<StoredApplication, AppError> {
        // The attempt is run twice, so it borrows what it uses.
        let change = &change;
        retry_on_conflict(|| async move {
            let current = self.store.application(&self.scope, id).await?;
            if let Some(audit) = audit {
                only_the_worker_as_worker(audit, current.application.worker())?;
                not_before_the_last(audit, id, &current.application)?;
            }
            let next = change(&current.application)?;
            Ok(self.store.save_application(&self.scope, id, &next, current.meta.version).await?)
        })
        .await
    }

    // ----- applications -----

    /// Refuse when the worker already has an application under way for `route` (other than
    /// `except`), naming it; `advice` says what to do instead. The database holds the same
    /// line (one under way per worker and route) when requests race; this says it plainly.
    async fn none_under_way(
        &self,
        worker: WorkerId,
        route: &RouteId,
        except: Option<ApplicationId>,
        advice: &str,
    ) -> Result<(), AppError> {
        let existing = self.store.applications(&self.scope, Some(worker)).await?;
        let clash = existing
            .iter()
            .find(|a| Some(a.id) != except && &a.application.route().id == route && is_under_way(&a.application));
        match clash {
            None => Ok(()),
            Some(open) => Err(AppError::BadInput {
                field: "route".into(),
                message: format!(
                    "{} already has application {} for \"{}\" ({}); {advice}",
                    open.application.applicant().name,
                    open.id,
                    open.application.route().name,
                    open.application.status()
                ),
            }),
        }
    }

    /// Open an application for a route: by the worker (acting as `worker`) or, where the
    /// route allows, by a manager in their line-management chain. Refuses a second
    /// application for a route while one is still under way.
    pub async fn open(&self, acting: &Acting, input: &OpenApplication) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let worker = find_worker(self.store, &self.scope, &input.worker).await?;
        let record = self.store.worker_record(&self.scope, worker.id).await?;
        let today = audit.date();
        let position = record.timeline.on(today).ok_or_else(|| AppError::BadInput {
            field: "worker".into(),
            message: format!(
                "{} has no level on record on {today}; record their current level first",
                worker.details.name
            ),
        })?;
        let framework = self.framework(Applies::Worker(&record), today).await?;
        let line = self.store.line_management(&self.scope, worker.id, today).await?;
        let opened_as = if audit.by.is_worker_role() { Opener::Worker } else { Opener::Manager };
        let request = OpenRequest {
            route: input.route.clone(),
            worker: worker.id,
            worker_name: worker.details.name.as_str().to_owned(),
            current_level: position.entry.level.clone(),
            opened_as,
            fast_track: input.fast_track,
        };
        let app = Application::open(&framework, &request, &line, &audit)?;
        // A move on the appraisal's recommendation opens only once the latest appraisal makes it.
        if let Some(route) = framework.route(&input.route)
            && route.trigger == Trigger::Appraisal
        {
            let why_not = match WorkerFacts::from_record(&record, today) {
                Some(facts) => appraisal_recommends(&framework, route, &facts, today).err(),
                None => Some("no level is on record".to_owned()),
            };
            if let Some(why) = why_not {
                return Err(ProgressionError::Unavailable {
                    message: format!("\"{}\" follows the appraisal's recommendation: {why}", route.name),
                }
                .into());
            }
        }
        let used = self.eligibility_binds(&record, &framework, app.route(), today, "open").await?;
        let app = match used {
            Some(exception) => app.under_exception(exception, "opened", &audit),
            None => app,
        };
        self.none_under_way(worker.id, &input.route, None, "continue that one").await?;
        Ok(self.store.create_application(&self.scope, &app).await?)
    }

    /// Refuse `action` ("open", "submit") of an application for `route` unless the worker's
    /// registration is current and every binding essential criterion is met on `on`, or waived
    /// by the latest exception recorded for them on this route by then. Returns that
    /// exception when it was needed, for the application's history.
    async fn eligibility_binds(
        &self,
        record: &WorkerRecord,
        framework: &Framework,
        route: &pathway_core::framework::Route,
        on: NaiveDate,
        action: &str,
    ) -> Result<Option<ExceptionRef>, AppError> {
        let name = record.worker.details.name.as_str();
        let standing = record.registration_on(on).map(|s| s.registration);
        check_registration(name, standing.as_ref(), on, &format!("{action} an application"))?;
        let facts = WorkerFacts::from_record(record, on).ok_or_else(|| AppError::BadInput {
            field: "worker".into(),
            message: format!("{name} has no level on record on {on}; record their current level first"),
        })?;
        let judged = evaluate_route(framework, route, &facts, on);
        let entitled = framework.exception_roles();
        if check_eligible(name, &judged, None, &entitled, action).is_ok() {
            return Ok(None);
        }
        let exception = self
            .store
            .exceptions(&self.scope, Some(record.worker.id))
            .await?
            .into_iter()
            .filter(|stored| stored.exception.route == route.id && stored.exception.recorded_on() <= on)
            .max_by_key(|stored| stored.id);
        check_eligible(name, &judged, exception.as_ref().map(|e| &e.exception), &entitled, action)?;
        Ok(exception.map(|stored| stored.exception.reference(stored.id)))
    }

    /// Refuse `action` when the worker's registration is not current on `on`.
    async fn registration_current(&self, worker: WorkerId, on: NaiveDate, action: &str) -> Result<(), AppError> {
        let record = self.store.worker_record(&self.scope, worker).await?;
        let standing = record.registration_on(on).map(|s| s.registration);
        Ok(check_registration(record.worker.details.name.as_str(), standing.as_ref(), on, action)?)
    }

    /// Record an exception to a route's eligibility criteria for a worker, with a reason: by
    /// someone holding, that day, a post in a role the framework entitles (a head of service
    /// unless it names others); never the worker. It lets them open and submit an
    /// application for the route although the criteria it waives are unmet.
    pub async fn record_exception(
        &self,
        acting: &Acting,
        input: &RecordException,
    ) -> Result<StoredException, AppError> {
        let audit = self.audit(acting).await?;
        let on = audit.date();
        let worker = find_worker(self.store, &self.scope, &input.worker).await?;
        let record = self.store.worker_record(&self.scope, worker.id).await?;
        let framework = self.framework(Applies::Worker(&record), on).await?;
        let facts = WorkerFacts::from_record(&record, on).ok_or_else(|| AppError::BadInput {
            field: "worker".into(),
            message: format!(
                "{} has no level on record on {on}; record their current level first",
                worker.details.name
            ),
        })?;
        let route = framework.route(&input.route).filter(|r| r.leaves(&facts.level)).ok_or_else(|| {
            let from: Vec<&str> =
                framework.routes.iter().filter(|r| r.leaves(&facts.level)).map(|r| r.id.as_str()).collect();
            AppError::NotOnRecord {
                field: "route".into(),
                message: format!(
                    "\"{}\" is not a route out of {}'s level ({}) in {}; routes from it: {}",
                    input.route,
                    worker.details.name,
                    facts.level,
                    framework.framework.id,
                    if from.is_empty() { "none".to_owned() } else { from.join(", ") }
                ),
            }
        })?;
        let judged = evaluate_route(&framework, route, &facts, on);
        let request = ExceptionRequest {
            worker: worker.id,
            worker_name: worker.details.name.as_str().to_owned(),
            criteria: input.criteria.clone(),
        };
        let exception = EligibilityException::record(&framework, &judged, &request, &audit)?;
        Ok(self.store.create_exception(&self.scope, &exception).await?)
    }

    /// The authority's exceptions to eligibility criteria, or one worker's (by employee number).
    pub async fn exceptions(&self, worker: Option<&str>) -> Result<Vec<StoredException>, AppError> {
        let worker = match worker {
            Some(n) => Some(find_worker(self.store, &self.scope, n).await?.id),
            None => None,
        };
        Ok(self.store.exceptions(&self.scope, worker).await?)
    }

    /// Submit a draft. The evidence verdict comes from the worker's portfolio as it stands
    /// (coverage against the route); an incomplete portfolio is refused unless fast track.
    pub async fn submit(&self, acting: &Acting, id: ApplicationId) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let stored = self.store.application(&self.scope, id).await?;
        let today = audit.date();
        let framework = self.framework(Applies::Named(stored.application.framework()), today).await?;
        let items: Vec<EvidenceItem> =
            self.store.portfolio(&self.scope, stored.application.worker()).await?.into_iter().map(|s| s.item).collect();
        let verdict = evidence_verdict(&framework, &stored.application, &items, today);
        let record = self.store.worker_record(&self.scope, stored.application.worker()).await?;
        let used = self.eligibility_binds(&record, &framework, stored.application.route(), today, "submit").await?;
        self.change(id, Some(&audit), |a| {
            let next = a.submit(&verdict, &audit)?;
            Ok(match &used {
                Some(exception) => next.under_exception(exception.clone(), "submitted", &audit),
                None => next,
            })
        })
        .await
    }

    /// Begin assessment of a submitted application.
    pub async fn begin_assessment(&self, acting: &Acting, id: ApplicationId) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        self.change(id, Some(&audit), |a| Ok(a.begin_assessment(&audit)?)).await
    }

    /// Assign someone (by employee number, in a role they hold) to a step, under the
    /// framework's independence rules checked against the worker's line management.
    pub async fn assign(
        &self,
        acting: &Acting,
        id: ApplicationId,
        step: &str,
        assessor: &str,
        assessor_role: &str,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        // Who holds which post is read on the day of the assignment (`--at`): the worker's
        // own head of service that day is not independent, whoever holds the post now.
        let on = audit.date();
        let assessor = self.person(assessor, assessor_role, on).await?;
        let worker = self.store.application(&self.scope, id).await?.application.worker();
        if audit.by.person == worker {
            return Err(AppError::NotPermitted(format!(
                "{} is the applicant; assessors are assigned by someone else",
                audit.by.name
            )));
        }
        let line = self.store.line_management(&self.scope, worker, on).await?;
        self.change(id, Some(&audit), |a| Ok(a.assign(step, &assessor, &line, &audit)?)).await
    }

    /// Mark a step in progress (by someone assigned to it).
    pub async fn start_step(
        &self,
        acting: &Acting,
        id: ApplicationId,
        step: &str,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        self.change(id, Some(&audit), |a| Ok(a.start_step(step, &audit)?)).await
    }

    /// Complete a step with its outcome and form.
    pub async fn complete_step(
        &self,
        acting: &Acting,
        id: ApplicationId,
        step: &str,
        completion: &StepCompletion,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        // Own and independent are answered again for the day the step took place (an
        // interview's date), from who held the posts that day.
        let held_on = match &completion.record {
            StepRecord::Interview(interview) => interview.held_on,
            _ => audit.date(),
        };
        let worker = self.store.application(&self.scope, id).await?.application.worker();
        let line = self.store.line_management(&self.scope, worker, held_on).await?;
        self.change(id, Some(&audit), |a| {
            a.check_assessors(step, &line)?;
            Ok(a.complete_step(step, completion, &audit)?)
        })
        .await
    }

    /// Send the application to its panel or interview (optionally naming the stored panel).
    pub async fn refer_to_panel(
        &self,
        acting: &Acting,
        id: ApplicationId,
        panel: Option<PanelId>,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let reference = match panel {
            Some(p) => Some(self.store.panel(&self.scope, p).await?.panel.reference()),
            None => None,
        };
        self.change(id, Some(&audit), |a| Ok(a.refer_to_panel(reference.clone(), &audit)?)).await
    }

    /// Decide the application directly (by someone in the route's deciding role).
    pub async fn decide(
        &self,
        acting: &Acting,
        id: ApplicationId,
        outcome: &DecisionOutcome,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let worker = self.store.application(&self.scope, id).await?.application.worker();
        self.registration_current(worker, audit.date(), "decide the application").await?;
        let line = self.store.line_management(&self.scope, worker, audit.date()).await?;
        self.change(id, Some(&audit), |a| {
            a.check_not_decided_alone(&audit.by, &line)?;
            Ok(a.decide(outcome, &audit)?)
        })
        .await
    }

    /// Make the decision a stored panel recorded for this application: the chair's, with
    /// the panel's reasons, as the panel recorded them.
    pub async fn decide_from_panel(&self, id: ApplicationId, panel: PanelId) -> Result<StoredApplication, AppError> {
        let panel = self.store.panel(&self.scope, panel).await?;
        let worker = self.store.application(&self.scope, id).await?.application.worker();
        self.registration_current(worker, panel.panel.held_on(), "decide the application").await?;
        self.change(id, None, |a| Ok(a.decide_from_panel(id, &panel.panel)?)).await
    }

    /// The worker's position on the ladder on `on`, from their timeline.
    async fn position(&self, worker: WorkerId, on: NaiveDate) -> Result<CurrentPosition, AppError> {
        let record = self.store.worker_record(&self.scope, worker).await?;
        CurrentPosition::from_timeline(&record.timeline, on).ok_or_else(|| AppError::BadInput {
            field: "worker".into(),
            message: format!("{} has no level on record on {on}", record.worker.details.name),
        })
    }

    /// The pay change signing off would bring from `effective_from`: old and new salary,
    /// placement and next increment. Changes nothing.
    pub async fn preview_pay(
        &self,
        id: ApplicationId,
        effective_from: NaiveDate,
        chosen_point: Option<&str>,
    ) -> Result<PayPreview, AppError> {
        let app = self.store.application(&self.scope, id).await?.application;
        let framework = self.framework(Applies::Named(app.framework()), effective_from).await?;
        let current = self.position(app.worker(), effective_from).await?;
        let change = app.pay_change_preview(&framework, &current, effective_from, chosen_point)?;
        let level_name = |level: &LevelId| PositionNames::of(&framework, level, None, None).level;
        Ok(PayPreview {
            from_level: change.from_level.as_ref().map(level_name),
            to_level: level_name(&change.to_level),
            change,
        })
    }

    /// Sign off an approved application with its effective date (and the point, where a
    /// person must choose it); the pay change is fixed as previewed.
    pub async fn sign_off(
        &self,
        acting: &Acting,
        id: ApplicationId,
        effective_from: NaiveDate,
        chosen_point: Option<&str>,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let app = self.store.application(&self.scope, id).await?.application;
        let framework = self.framework(Applies::Named(app.framework()), effective_from).await?;
        let current = self.position(app.worker(), effective_from).await?;
        self.registration_current(app.worker(), audit.date(), "sign off the move").await?;
        let line = self.store.line_management(&self.scope, app.worker(), audit.date()).await?;
        self.change(id, Some(&audit), |a| {
            let next = a.sign_off(&framework, &current, effective_from, chosen_point, &audit)?;
            a.check_default_signer(&audit.by, &line)?;
            Ok(next)
        })
        .await
    }

    /// Make a signed-off application effective: the application and the worker's new
    /// timeline entry are saved in one transaction.
    pub async fn make_effective(&self, acting: &Acting, id: ApplicationId) -> Result<Effective, AppError> {
        let audit = self.audit(acting).await?;
        self.make_effective_as(&audit, id).await
    }

    /// [`Self::make_effective`] for an audit already resolved (a person's, or an automatic
    /// move's).
    async fn make_effective_as(&self, audit: &Audit, id: ApplicationId) -> Result<Effective, AppError> {
        retry_on_conflict(|| async move {
            let current = self.store.application(&self.scope, id).await?;
            only_the_worker_as_worker(audit, current.application.worker())?;
            self.registration_current(current.application.worker(), audit.date(), "make the move effective").await?;
            let next = current.application.make_effective(audit)?;
            let Some(entry) = next.record_change() else {
                return Err(AppError::BadInput {
                    field: "application".into(),
                    message: format!("application {id} has no record change to make"),
                });
            };
            let (application, timeline_entry) =
                self.store.save_application_with_timeline(&self.scope, id, &next, current.meta.version, entry).await?;
            let placed = &timeline_entry.entry;
            let point = placed.point.as_ref().map(|p| p.as_str());
            // The change is saved: a framework that cannot be read now costs the
            // names, never the answer, so the ids stand in.
            let position = match self.framework(Applies::Named(&placed.framework), placed.starts_on).await {
                Ok(framework) => PositionNames::of(&framework, &placed.level, placed.grade.as_ref(), point),
                Err(_) => PositionNames {
                    level: placed.level.to_string(),
                    grade: placed.grade.as_ref().map(ToString::to_string),
                    point: point.map(|p| format!("point {p}")),
                },
            };
            Ok(Effective { application, timeline_entry, position })
        })
        .await
    }

    /// Apply every automatic move due on `on` (default, and at latest, today by the clock): an approved route opened by the ASYE pass is
    /// scheduled to take effect on the day of the pass, and every scheduled automatic move
    /// whose date has come is made effective on the worker's record, with no one signing
    /// it off (the route says it follows automatically). Idempotent: a move already
    /// effective is left alone, so running it twice changes nothing the second time; a move
    /// whose date is after `on` is scheduled but does not take effect. A move that still
    /// needs a person (a pay point to choose, pay that would fall) is reported, not applied.
    pub async fn run_due(&self, on: Option<NaiveDate>) -> Result<Vec<DueMove>, AppError> {
        let today = self.clock.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(AppError::BadInput {
                field: "on".into(),
                message: format!(
                    "{on} is after today ({today}): a move takes effect on its date, and run-due applies only what is \
                     due by today (rule: no-future-dates)"
                ),
            });
        }
        let mut done = Vec::new();
        for stored in self.store.applications(&self.scope, None).await? {
            let app = &stored.application;
            if app.opened_as() != Opener::AsyePass {
                continue;
            }
            let Some(decision) = app.decision() else { continue };
            let passed_on = decision.at.date_naive();
            let why = format!("automatic, because the ASYE was passed at moderation on {passed_on}");
            // The move is recorded as done by whoever passed the ASYE: their decision is its authority.
            let at = on.and_time(chrono::NaiveTime::MIN).and_utc().max(decision.at);
            let audit = Audit::new(decision.by.clone(), at, why);
            let worker = app.applicant().name.clone();
            let outcome = match self.apply_due(&stored, passed_on, on, &audit).await {
                Ok(Some(outcome)) => outcome,
                Ok(None) => continue,
                // A refusal by the rules is reported for a person to act on; a database that
                // cannot be read or written stops the run (what was done before stays done).
                Err(e @ (AppError::Progression(_) | AppError::Pay(_) | AppError::BadInput { .. })) => {
                    DueOutcome::NeedsAPerson { reason: e.to_string() }
                }
                Err(e) => return Err(e),
            };
            done.push(DueMove { application: stored.id, worker, route: app.route().name.clone(), outcome });
        }
        Ok(done)
    }

    /// One automatic move: scheduled if approved, made effective if its date has come.
    async fn apply_due(
        &self,
        stored: &StoredApplication,
        passed_on: NaiveDate,
        on: NaiveDate,
        audit: &Audit,
    ) -> Result<Option<DueOutcome>, AppError> {
        use pathway_core::progression::application::Status;
        let id = stored.id;
        let mut app = stored.application.clone();
        let mut scheduled = None;
        if app.status() == Status::Decided && app.decision().is_some_and(|d| d.outcome.is_approved()) {
            self.registration_current(app.worker(), on, "schedule the move").await?;
            let framework = self.framework(Applies::Named(app.framework()), passed_on).await?;
            let current = self.position(app.worker(), passed_on).await?;
            app = self
                .change(id, None, |a| Ok(a.schedule_automatically(&framework, &current, passed_on, audit)?))
                .await?
                .application;
            scheduled = Some(passed_on);
        }
        if app.status() != Status::SignedOff {
            return Ok(None);
        }
        let Some(takes_effect) = app.sign_off_record().map(|s| s.effective_from) else { return Ok(None) };
        if takes_effect > on {
            return Ok(scheduled.map(|takes_effect| DueOutcome::Scheduled { takes_effect }));
        }
        let effective = self.make_effective_as(audit, id).await?;
        Ok(Some(DueOutcome::MadeEffective { on: takes_effect, position: effective.position }))
    }

    /// Withdraw before a decision.
    pub async fn withdraw(&self, acting: &Acting, id: ApplicationId) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        self.change(id, Some(&audit), |a| Ok(a.withdraw(&audit)?)).await
    }

    /// Appeal against a decision that did not approve (the worker).
    pub async fn appeal(
        &self,
        acting: &Acting,
        id: ApplicationId,
        grounds: &str,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        // An appeal puts the application back under way: not while a newer one is.
        let current = self.store.application(&self.scope, id).await?;
        let route = current.application.route().id.clone();
        self.none_under_way(current.application.worker(), &route, Some(id), "withdraw that one before appealing this")
            .await?;
        self.change(id, Some(&audit), |a| Ok(a.appeal(grounds, &audit)?)).await
    }

    /// Decide an appeal (someone other than the original decision-maker).
    pub async fn decide_appeal(
        &self,
        acting: &Acting,
        id: ApplicationId,
        outcome: &DecisionOutcome,
    ) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        let worker = self.store.application(&self.scope, id).await?.application.worker();
        self.registration_current(worker, audit.date(), "decide the appeal").await?;
        self.change(id, Some(&audit), |a| Ok(a.decide_appeal(outcome, &audit)?)).await
    }

    /// Reopen a "not yet approved" application for resubmission, from its date.
    pub async fn reopen(&self, acting: &Acting, id: ApplicationId) -> Result<StoredApplication, AppError> {
        let audit = self.audit(acting).await?;
        self.change(id, Some(&audit), |a| Ok(a.reopen(&audit)?)).await
    }

    /// One application.
    pub async fn application(&self, id: ApplicationId) -> Result<StoredApplication, AppError> {
        Ok(self.store.application(&self.scope, id).await?)
    }

    /// The authority's applications, or one worker's (by employee number).
    pub async fn applications(&self, worker: Option<&str>) -> Result<Vec<StoredApplication>, AppError> {
        let worker = match worker {
            Some(n) => Some(find_worker(self.store, &self.scope, n).await?.id),
            None => None,
        };
        Ok(self.store.applications(&self.scope, worker).await?)
    }

    /// Everything that happened to an application, with who, when and why, from the audit
    /// trail.
    pub async fn history(&self, id: ApplicationId) -> Result<Vec<AuditEvent>, AppError> {
        self.store.application(&self.scope, id).await?;
        Ok(self.store.audit_trail(&self.scope, EntityKind::Application, id.get()).await?)
    }

    // ----- panels -----

    /// Load, change and save a panel, re-running the change once on a conflict.
    async fn change_panel(
        &self,
        id: PanelId,
        audit: &Audit,
        change: impl Fn(&Panel) -> Result<Panel, AppError>,
    ) -> Result<StoredPanel, AppError> {
        if audit.by.is_worker_role() {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as a worker; panels are run by people acting in the roles they hold",
                audit.by.name
            )));
        }
        // The attempt is run twice, so it borrows what it uses.
        let change = &change;
        retry_on_conflict(|| async move {
            let current = self.store.panel(&self.scope, id).await?;
            panel_business(&current.panel, audit)?;
            let next = change(&current.panel)?;
            Ok(self.store.save_panel(&self.scope, id, &next, current.meta.version).await?)
        })
        .await
    }

    /// Convene a panel deciding as one of the framework's roles, with its members (each in
    /// a role they hold) and quorum.
    pub async fn convene(&self, acting: &Acting, input: &ConvenePanel) -> Result<StoredPanel, AppError> {
        let audit = self.audit(acting).await?;
        let framework = self.framework(Applies::Authority, input.held_on).await?;
        // Who convenes: the roles the framework names for this panel, else the default.
        let named: Vec<&str> = framework
            .roles
            .iter()
            .find(|r| r.id.as_str() == input.role.trim())
            .map(|r| r.convened_by.iter().map(|x| x.as_str()).collect())
            .unwrap_or_default();
        let conveners: Vec<&str> = if named.is_empty() { PANEL_CONVENERS.to_vec() } else { named };
        if !conveners.contains(&audit.by.role.as_str()) {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as {}; panels are convened by someone holding a post as {} (rule: panel-convener)",
                audit.by.name,
                audit.by.role,
                conveners.join(" or ")
            )));
        }
        let mut members = Vec::with_capacity(input.members.len());
        for m in &input.members {
            let member = self.person(&m.employee_number, &m.role, input.held_on).await?;
            members.push(PanelMember { member, chair: m.chair, present: false });
        }
        let role = RoleId::from(input.role.as_str());
        let quorum = input.quorum.clone().unwrap_or_default();
        let panel = Panel::convene(&framework, &role, input.held_on, members, quorum, &audit)?;
        Ok(self.store.create_panel(&self.scope, &panel).await?)
    }

    /// Put an application on a panel's list.
    pub async fn list_on_panel(
        &self,
        acting: &Acting,
        panel: PanelId,
        application: ApplicationId,
    ) -> Result<StoredPanel, AppError> {
        let audit = self.audit(acting).await?;
        let app = self.store.application(&self.scope, application).await?.application;
        self.change_panel(panel, &audit, |p| Ok(p.list(application, &app, &audit)?)).await
    }

    /// Record who attended (by employee number).
    pub async fn record_attendance(
        &self,
        acting: &Acting,
        panel: PanelId,
        present: &[String],
    ) -> Result<StoredPanel, AppError> {
        let audit = self.audit(acting).await?;
        let mut ids = Vec::with_capacity(present.len());
        for n in present {
            ids.push(find_worker(self.store, &self.scope, n).await?.id);
        }
        self.change_panel(panel, &audit, |p| Ok(p.record_attendance(&ids, &audit)?)).await
    }

    /// Record a member's conflict of interest for one application.
    pub async fn declare_conflict(
        &self,
        acting: &Acting,
        panel: PanelId,
        application: ApplicationId,
        member: &str,
        reason: &str,
    ) -> Result<StoredPanel, AppError> {
        let audit = self.audit(acting).await?;
        let person = find_worker(self.store, &self.scope, member).await?.id;
        self.change_panel(panel, &audit, |p| Ok(p.declare_conflict(application, person, reason, &audit)?)).await
    }

    /// Record the panel's outcome for an application (the chair, when quorate).
    pub async fn record_outcome(
        &self,
        acting: &Acting,
        panel: PanelId,
        application: ApplicationId,
        outcome: &DecisionOutcome,
    ) -> Result<StoredPanel, AppError> {
        let audit = self.audit(acting).await?;
        let app = self.store.application(&self.scope, application).await?.application;
        self.change_panel(panel, &audit, |p| {
            app.check_referred_to(application, p)?;
            Ok(p.record_outcome(application, outcome, &audit)?)
        })
        .await
    }

    /// One panel.
    pub async fn panel(&self, id: PanelId) -> Result<StoredPanel, AppError> {
        Ok(self.store.panel(&self.scope, id).await?)
    }

    // ----- ASYE -----

    /// Load, change and save a programme, re-running the change once on a conflict. The
    /// change may also open an application (a pass), stored in the same transaction.
    async fn change_asye(
        &self,
        id: AsyeProgrammeId,
        audit: &Audit,
        change: impl Fn(&AsyeProgramme) -> Result<(AsyeProgramme, Option<Application>), AppError>,
    ) -> Result<Moderated, AppError> {
        // The attempt is run twice, so it borrows what it uses.
        let change = &change;
        retry_on_conflict(|| async move {
            let current = self.store.asye(&self.scope, id).await?;
            only_the_worker_as_worker(audit, current.programme.worker().person)?;
            let (next, opened) = change(&current.programme)?;
            let (programme, opened) =
                self.store.save_asye(&self.scope, id, &next, current.meta.version, opened.as_ref()).await?;
            Ok(Moderated { programme, opened })
        })
        .await
    }

    /// The framework an ASYE programme runs under, in force on `on`.
    async fn asye_framework(&self, id: AsyeProgrammeId, on: NaiveDate) -> Result<Arc<Framework>, AppError> {
        let programme = self.store.asye(&self.scope, id).await?.programme;
        self.framework(Applies::Named(programme.framework()), on).await
    }

    /// Start a newly qualified social worker's ASYE; the worker's ASYE record follows it.
    pub async fn start_asye(&self, acting: &Acting, input: &StartAsyeInput) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        let worker = find_worker(self.store, &self.scope, &input.worker).await?;
        let record = self.store.worker_record(&self.scope, worker.id).await?;
        let framework = self.framework(Applies::Worker(&record), input.starts_on).await?;
        let start = StartAsye {
            worker: worker.id,
            worker_name: worker.details.name.as_str().to_owned(),
            starts_on: input.starts_on,
            nine_month_review: input.nine_month_review,
        };
        let programme = AsyeProgramme::start(&framework, &start, &audit)?;
        Ok(self.store.create_asye(&self.scope, &programme).await?)
    }

    /// Record a review held at the review point `months` from the start.
    pub async fn record_review(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        months: u32,
        progress: Progress,
        summary: &str,
        held_on: NaiveDate,
    ) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        let done = self
            .change_asye(id, &audit, |p| Ok((p.record_review(months, progress, summary, held_on, &audit)?, None)))
            .await?;
        Ok(done.programme)
    }

    /// Record the protected caseload.
    pub async fn record_caseload(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        record: &CaseloadRecord,
    ) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        Ok(self.change_asye(id, &audit, |p| Ok((p.record_caseload(record, &audit)?, None))).await?.programme)
    }

    /// Record development time taken.
    pub async fn record_development_time(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        time: &DevelopmentTime,
    ) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        Ok(self.change_asye(id, &audit, |p| Ok((p.record_development_time(time, &audit)?, None))).await?.programme)
    }

    /// Extend the programme, as the framework allows (with the extenuating reason where it
    /// demands one).
    pub async fn extend_asye(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        months: u32,
        extenuating: Option<&str>,
    ) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        let f = self.asye_framework(id, audit.date()).await?;
        Ok(self.change_asye(id, &audit, |p| Ok((p.extend(&f, months, extenuating, &audit)?, None))).await?.programme)
    }

    /// The assessor's recommendation after the final review.
    pub async fn recommend(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        result: AsyeResult,
        rationale: &str,
    ) -> Result<StoredAsye, AppError> {
        let audit = self.audit(acting).await?;
        let f = self.asye_framework(id, audit.date()).await?;
        Ok(self.change_asye(id, &audit, |p| Ok((p.recommend(&f, result, rationale, &audit)?, None))).await?.programme)
    }

    /// Internal moderation's decision. A pass opens the framework's automatic route as an
    /// application, stored with the programme in one transaction.
    pub async fn moderate(
        &self,
        acting: &Acting,
        id: AsyeProgrammeId,
        result: AsyeResult,
    ) -> Result<Moderated, AppError> {
        let audit = self.audit(acting).await?;
        let programme = self.store.asye(&self.scope, id).await?.programme;
        let f = self.framework(Applies::Named(programme.framework()), audit.date()).await?;
        if result == AsyeResult::Pass {
            // A pass opens the automatic route: not while an application for it is under way.
            let route = programme.on_pass_route(&f)?.id.clone();
            self.none_under_way(programme.worker().person, &route, None, "a pass cannot open a second one").await?;
            let probation = self.store.worker(&self.scope, programme.worker().person).await?.details.probation;
            programme.check_transfer(&f, probation, audit.date())?;
        }
        self.change_asye(id, &audit, |p| {
            let next = p.moderate(&f, result, &audit)?;
            let opened = match result {
                AsyeResult::Pass => Some(next.open_progression(&f, &audit)?),
                AsyeResult::Fail => None,
            };
            Ok((next, opened))
        })
        .await
    }

    /// One ASYE programme.
    pub async fn asye(&self, id: AsyeProgrammeId) -> Result<StoredAsye, AppError> {
        Ok(self.store.asye(&self.scope, id).await?)
    }
}

/// A panel's business (its list, attendance, conflicts, outcome) is done by its members or
/// by whoever convened it; a seat on another panel gives no rights here.
fn panel_business(panel: &Panel, audit: &Audit) -> Result<(), AppError> {
    let member = panel.members().iter().any(|m| m.member.person == audit.by.person);
    let convener = panel.history().first().is_some_and(|e| e.by.person == audit.by.person);
    if member || convener {
        return Ok(());
    }
    Err(AppError::NotPermitted(format!(
        "{} neither sits on nor convened the {} of {}; a panel's business is done by its own members (rule: \
         panel-seat)",
        audit.by.name,
        panel.name(),
        panel.held_on()
    )))
}

/// The `worker` role is the applicant's own: nobody else may act in it on their record.
fn only_the_worker_as_worker(audit: &Audit, worker: WorkerId) -> Result<(), AppError> {
    if audit.by.is_worker_role() && audit.by.person != worker {
        return Err(AppError::NotPermitted(format!(
            "{} is acting as the worker, but this is worker {worker}'s record; act in a role you hold",
            audit.by.name
        )));
    }
    Ok(())
}

/// Whether an application is still under way: a second for the same route would clash, and
/// its worker is not stuck on the route.
pub(crate) fn is_under_way(app: &Application) -> bool {
    use pathway_core::progression::application::Status;
    match app.status() {
        Status::Effective | Status::Withdrawn => false,
        // "Not yet approved" is reopened for resubmission, not opened again.
        Status::Decided => !app.decision().is_some_and(|d| matches!(d.outcome, DecisionOutcome::Rejected { .. })),
        _ => true,
    }
}
