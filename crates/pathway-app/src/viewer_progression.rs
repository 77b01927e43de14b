//! Applications, panels and ASYE programmes through the API, for a signed-in person: the
//! same progression use cases the CLI runs, acting as the account's person (see
//! [`crate::viewer`]). Who may see a record is decided here, from the records on the day:
//! - an application: whoever may see its worker (own, line management, a system role that
//!   sees the authority), anyone assigned to one of its steps, and the members and convener
//!   of a panel it is listed on;
//! - a panel and its pack: its members, whoever convened it, and the system roles that see
//!   the authority;
//! - an ASYE programme: whoever may see its worker, and anyone who has acted on it.
//!
//! Seeing a record is not a right to change it: every change is then the use case's to
//! allow or refuse, by the posts the person holds that day, their assignments and seats.

use chrono::NaiveDate;
use pathway_core::ids::{ApplicationId, AsyeProgrammeId, PanelId};
use pathway_core::progression::asye::{AsyeResult, CaseloadRecord, DevelopmentTime, Progress};
use pathway_core::progression::decision::DecisionOutcome;
use pathway_core::progression::steps::StepCompletion;
use pathway_core::workforce::Worker;
use pathway_store::{
    AuditEvent, AuthorityScope, Progression, StoredApplication, StoredAsye, StoredException, StoredPanel, Workforce,
};
use serde::Serialize;

use crate::AppError;
use crate::portfolio::PanelPack;
use crate::progression::{Acting, ConvenePanel, Effective, Moderated, PayPreview, RecordException, StartAsyeInput};
use crate::service::Pathway;
use crate::viewer::{MAX_PAGE, Page, SEE_ALL_ROLES, Sight, Viewer, check_version};

/// Why the viewer may see an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ApplicationSight {
    /// As they may see its worker.
    Worker(Sight),
    /// They are assigned to one of its steps.
    Assessor,
    /// They sit on, or convened, a panel it is listed on.
    Panel,
}

/// An application in a list: where it is, for whom.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: ApplicationId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The route's id.
    pub route: String,
    /// The route's name, as the framework prints it.
    pub route_name: String,
    /// Where it is (`draft`, `submitted`, `decided`...).
    pub status: String,
    /// Why the viewer may see it.
    pub seen_as: ApplicationSight,
    /// Its version (the ETag of the application).
    pub version: i64,
}

/// A change to an application, as a person asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplicationChange {
    /// Begin assessment of a submitted application.
    BeginAssessment,
    /// Assign someone (by employee number) to a step, in a role they hold.
    Assign {
        /// The step's id.
        step: String,
        /// The assessor's employee number.
        assessor: String,
        /// The role they take on the step.
        assessor_role: String,
    },
    /// Mark a step in progress.
    StartStep {
        /// The step's id.
        step: String,
    },
    /// Complete a step with its outcome and form.
    CompleteStep {
        /// The step's id.
        step: String,
        /// The outcome and the form.
        completion: StepCompletion,
    },
    /// Send it to its panel or interview (optionally a stored panel).
    ReferToPanel {
        /// The panel, if one is convened.
        panel: Option<PanelId>,
    },
    /// Decide it directly.
    Decide(DecisionOutcome),
    /// Make the decision a stored panel recorded for it.
    DecideFromPanel(PanelId),
    /// Sign off the pay change from a date (with the point, where a person must choose).
    SignOff {
        /// The day the change takes effect.
        effective_from: NaiveDate,
        /// The point, where a person must choose it.
        point: Option<String>,
    },
    /// Withdraw before a decision.
    Withdraw,
    /// Appeal a decision that did not approve, on these grounds.
    Appeal {
        /// The grounds.
        grounds: String,
    },
    /// Decide an appeal.
    DecideAppeal(DecisionOutcome),
    /// Reopen a "not yet approved" application for resubmission.
    Reopen,
}

/// A change to a panel's business, as a person asks for it.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelChange {
    /// Put an application on the panel's list.
    List(ApplicationId),
    /// Record who attended, by employee number.
    Attendance(Vec<String>),
    /// Record a member's conflict of interest for one application.
    Conflict {
        /// The application.
        application: ApplicationId,
        /// The member's employee number.
        member: String,
        /// The conflict.
        reason: String,
    },
    /// Record the panel's outcome for an application.
    Outcome {
        /// The application.
        application: ApplicationId,
        /// The outcome.
        outcome: DecisionOutcome,
    },
}

/// A change to an ASYE programme, as a person asks for it (moderation has its own use case:
/// a pass opens an application).
#[derive(Debug, Clone, PartialEq)]
pub enum AsyeChange {
    /// A review held at the review point `months` from the start.
    Review {
        /// The review point.
        months: u32,
        /// On track or concerns.
        progress: Progress,
        /// What it found.
        summary: String,
        /// When it was held.
        held_on: NaiveDate,
    },
    /// The caseload on a date.
    Caseload(CaseloadRecord),
    /// Development time taken.
    DevelopmentTime(DevelopmentTime),
    /// An extension, by months.
    Extend {
        /// By how many months.
        months: u32,
        /// The extenuating circumstances, where the framework demands them.
        extenuating: Option<String>,
    },
    /// The assessor's recommendation.
    Recommend {
        /// Pass or fail.
        result: AsyeResult,
        /// Why, for the moderators.
        rationale: String,
    },
}

/// Who acts, in which role and why: the API's `role` and `why`.
#[derive(Debug, Clone, Copy)]
pub struct ActingIn<'a> {
    /// The role they act in; `worker` (their own record) when not given.
    pub role: Option<&'a str>,
    /// Why, for the record.
    pub why: &'a str,
}

fn check_limit(limit: usize) -> Result<(), AppError> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(())
    } else {
        Err(AppError::BadInput {
            field: "limit".into(),
            message: format!("a page holds 1 to {MAX_PAGE} items; {limit} is outside that"),
        })
    }
}

fn sees_authority(viewer: &Viewer) -> bool {
    viewer.account.system_roles.iter().any(|r| SEE_ALL_ROLES.contains(&r.as_str()))
}

impl Pathway {
    /// Why the viewer may see `stored`, or not permitted (naming the rule).
    async fn application_sight(
        &self,
        viewer: &Viewer,
        scope: &AuthorityScope,
        stored: &StoredApplication,
    ) -> Result<ApplicationSight, AppError> {
        let worker = self.store().worker(scope, stored.application.worker()).await?;
        let refused = match self.sight(viewer, scope, &worker).await {
            Ok(sight) => return Ok(ApplicationSight::Worker(sight)),
            Err(AppError::NotPermitted(_)) => worker,
            Err(e) => return Err(e),
        };
        let me = viewer.account.worker;
        if stored.application.steps().iter().any(|s| s.participants().iter().any(|a| a.person == me)) {
            return Ok(ApplicationSight::Assessor);
        }
        let panels = self.store().panels(scope).await?;
        let on_panel = panels.iter().any(|p| {
            let panel = &p.panel;
            panel.hearing(stored.id).is_some()
                && (panel.members().iter().any(|m| m.member.person == me)
                    || panel.history().first().is_some_and(|e| e.by.person == me))
        });
        if on_panel {
            return Ok(ApplicationSight::Panel);
        }
        Err(AppError::NotPermitted(format!(
            "you may see an application if you may see its worker, are assigned to one of its steps or sit on a \
             panel it is listed on; application {} of {} is none of these (rule: record-access)",
            stored.id, refused.details.employee_number
        )))
    }

    /// The application, if the viewer may see it; with its scope.
    pub(crate) async fn seen_application(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
    ) -> Result<(AuthorityScope, StoredApplication), AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let stored = self.progression(authority).await?.application(id).await?;
        self.application_sight(viewer, &scope, &stored).await?;
        Ok((scope, stored))
    }

    /// The applications the viewer may see (one worker's, by employee number, if asked), by
    /// id, a page at a time: `cursor` is the last id of the page before.
    pub async fn viewer_applications(
        &self,
        viewer: &Viewer,
        authority: &str,
        worker: Option<&str>,
        cursor: Option<ApplicationId>,
        limit: usize,
    ) -> Result<Page<ApplicationLine>, AppError> {
        check_limit(limit)?;
        let scope = self.viewer_scope(viewer, authority).await?;
        let mut all = self.progression(authority).await?.applications(worker).await?;
        all.sort_by_key(|a| a.id.get());
        let mut workers: std::collections::HashMap<i64, Worker> = std::collections::HashMap::new();
        let mut items = Vec::new();
        let mut more = false;
        for stored in all.iter().filter(|a| cursor.is_none_or(|c| a.id.get() > c.get())) {
            let Ok(seen_as) = self.application_sight(viewer, &scope, stored).await else { continue };
            if items.len() == limit {
                more = true;
                break;
            }
            let person = stored.application.worker();
            let worker = match workers.get(&person.get()) {
                Some(w) => w.clone(),
                None => {
                    let w = self.store().worker(&scope, person).await?;
                    workers.insert(person.get(), w.clone());
                    w
                }
            };
            let app = &stored.application;
            items.push(ApplicationLine {
                id: stored.id,
                worker: worker.details.employee_number.to_string(),
                worker_name: worker.details.name.to_string(),
                route: app.route().id.to_string(),
                route_name: app.route().name.clone(),
                status: app.status().code().to_owned(),
                seen_as,
                version: stored.meta.version.get(),
            });
        }
        let next_cursor = if more { items.last().map(|a| a.id.to_string()) } else { None };
        Ok(Page { items, next_cursor })
    }

    /// Everything that happened to an application, from the audit trail.
    pub async fn viewer_application_history(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
    ) -> Result<Vec<AuditEvent>, AppError> {
        self.seen_application(viewer, authority, id).await?;
        self.progression(authority).await?.history(id).await
    }

    /// The pay change signing off would bring from `effective_from`. Changes nothing.
    pub async fn viewer_preview_pay(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
        effective_from: NaiveDate,
        point: Option<&str>,
    ) -> Result<PayPreview, AppError> {
        self.seen_application(viewer, authority, id).await?;
        self.progression(authority).await?.preview_pay(id, effective_from, point).await
    }

    /// The application the viewer may see and change, if it is still at `expected_version`,
    /// and who acts on it.
    async fn changing_application(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
        expected_version: Option<i64>,
        acting: ActingIn<'_>,
    ) -> Result<Acting, AppError> {
        let (scope, stored) = self.seen_application(viewer, authority, id).await?;
        check_version(&format!("application {id}"), stored.meta.version.get(), expected_version)?;
        self.acting_as(viewer, &scope, acting.role, acting.why).await
    }

    /// Change an application as the viewer's person, if it is still at `expected_version`.
    pub async fn viewer_change_application(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
        expected_version: Option<i64>,
        change: &ApplicationChange,
        acting: ActingIn<'_>,
    ) -> Result<StoredApplication, AppError> {
        let by = self.changing_application(viewer, authority, id, expected_version, acting).await?;
        let p = self.progression(authority).await?;
        match change {
            ApplicationChange::BeginAssessment => p.begin_assessment(&by, id).await,
            ApplicationChange::Assign { step, assessor, assessor_role } => {
                p.assign(&by, id, step, assessor, assessor_role).await
            }
            ApplicationChange::StartStep { step } => p.start_step(&by, id, step).await,
            ApplicationChange::CompleteStep { step, completion } => p.complete_step(&by, id, step, completion).await,
            ApplicationChange::ReferToPanel { panel } => p.refer_to_panel(&by, id, *panel).await,
            ApplicationChange::Decide(outcome) => p.decide(&by, id, outcome).await,
            ApplicationChange::DecideFromPanel(panel) => p.decide_from_panel(id, *panel).await,
            ApplicationChange::SignOff { effective_from, point } => {
                p.sign_off(&by, id, *effective_from, point.as_deref()).await
            }
            ApplicationChange::Withdraw => p.withdraw(&by, id).await,
            ApplicationChange::Appeal { grounds } => p.appeal(&by, id, grounds).await,
            ApplicationChange::DecideAppeal(outcome) => p.decide_appeal(&by, id, outcome).await,
            ApplicationChange::Reopen => p.reopen(&by, id).await,
        }
    }

    /// Make a signed-off application effective as the viewer's person: the worker's record
    /// changes with it.
    pub async fn viewer_make_effective(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
        expected_version: Option<i64>,
        acting: ActingIn<'_>,
    ) -> Result<Effective, AppError> {
        let by = self.changing_application(viewer, authority, id, expected_version, acting).await?;
        self.progression(authority).await?.make_effective(&by, id).await
    }

    /// Record an exception to a route's criteria for a worker the viewer may see.
    pub async fn viewer_record_exception(
        &self,
        viewer: &Viewer,
        authority: &str,
        input: &RecordException,
        acting: ActingIn<'_>,
    ) -> Result<StoredException, AppError> {
        let (scope, _, _) = self.visible_worker(viewer, authority, &input.worker).await?;
        let by = self.acting_as(viewer, &scope, acting.role, acting.why).await?;
        self.progression(authority).await?.record_exception(&by, input).await
    }

    /// The exceptions recorded for workers the viewer may see (one worker's, if asked).
    pub async fn viewer_exceptions(
        &self,
        viewer: &Viewer,
        authority: &str,
        worker: Option<&str>,
    ) -> Result<Vec<StoredException>, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        if let Some(number) = worker {
            self.visible_worker(viewer, authority, number).await?;
        }
        let mut seen = Vec::new();
        for stored in self.progression(authority).await?.exceptions(worker).await? {
            let person = self.store().worker(&scope, stored.exception.worker).await?;
            if self.sight(viewer, &scope, &person).await.is_ok() {
                seen.push(stored);
            }
        }
        Ok(seen)
    }

    // ----- panels -----

    /// The panel, if the viewer sits on it, convened it or sees the authority.
    async fn seen_panel(&self, viewer: &Viewer, authority: &str, id: PanelId) -> Result<StoredPanel, AppError> {
        self.viewer_scope(viewer, authority).await?;
        let stored = self.progression(authority).await?.panel(id).await?;
        let me = viewer.account.worker;
        let panel = &stored.panel;
        let member = panel.members().iter().any(|m| m.member.person == me);
        let convener = panel.history().first().is_some_and(|e| e.by.person == me);
        if member || convener || sees_authority(viewer) {
            return Ok(stored);
        }
        Err(AppError::NotPermitted(format!(
            "a panel is seen by its members and whoever convened it; you are neither for the {} of {} (rule: \
             panel-seat)",
            panel.name(),
            panel.held_on()
        )))
    }

    /// One panel: members, hearings, outcomes.
    pub async fn viewer_panel(&self, viewer: &Viewer, authority: &str, id: PanelId) -> Result<StoredPanel, AppError> {
        self.seen_panel(viewer, authority, id).await
    }

    /// Convene a panel as the viewer's person (who must hold a convening post).
    pub async fn viewer_convene(
        &self,
        viewer: &Viewer,
        authority: &str,
        input: &ConvenePanel,
        acting: ActingIn<'_>,
    ) -> Result<StoredPanel, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let by = self.acting_as(viewer, &scope, acting.role, acting.why).await?;
        self.progression(authority).await?.convene(&by, input).await
    }

    /// Do a panel's business as the viewer's person (a member, or whoever convened it), if
    /// the panel is still at `expected_version`.
    pub async fn viewer_change_panel(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: PanelId,
        expected_version: Option<i64>,
        change: &PanelChange,
        acting: ActingIn<'_>,
    ) -> Result<StoredPanel, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let p = self.progression(authority).await?;
        let current = p.panel(id).await?;
        check_version(&format!("panel {id}"), current.meta.version.get(), expected_version)?;
        let by = self.acting_as(viewer, &scope, acting.role, acting.why).await?;
        match change {
            PanelChange::List(application) => p.list_on_panel(&by, id, *application).await,
            PanelChange::Attendance(present) => p.record_attendance(&by, id, present).await,
            PanelChange::Conflict { application, member, reason } => {
                p.declare_conflict(&by, id, *application, member, reason).await
            }
            PanelChange::Outcome { application, outcome } => p.record_outcome(&by, id, *application, outcome).await,
        }
    }

    /// The anonymised panel pack, for the panel's members, its convener and the system roles
    /// that see the authority. The view is recorded in the audit trail as the portfolio
    /// use case records every view: by the person, entered through their account.
    pub async fn viewer_panel_pack(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: PanelId,
    ) -> Result<PanelPack, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        self.seen_panel(viewer, authority, id).await?;
        let reader = self.reader(viewer, &scope).await?;
        self.portfolios(authority).await?.panel_pack(id, &reader).await
    }

    // ----- ASYE -----

    /// The programme, if the viewer may see its worker or has acted on it.
    async fn seen_asye(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: AsyeProgrammeId,
    ) -> Result<(AuthorityScope, StoredAsye), AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let stored = self.progression(authority).await?.asye(id).await?;
        let worker = self.store().worker(&scope, stored.programme.worker().person).await?;
        match self.sight(viewer, &scope, &worker).await {
            Ok(_) => Ok((scope, stored)),
            Err(AppError::NotPermitted(_))
                if stored.programme.history().iter().any(|e| e.by.person == viewer.account.worker) =>
            {
                Ok((scope, stored))
            }
            Err(AppError::NotPermitted(_)) => Err(AppError::NotPermitted(format!(
                "you may see an ASYE programme if you may see its worker or have acted on it; programme {id} of {} \
                 is neither (rule: record-access)",
                worker.details.employee_number
            ))),
            Err(e) => Err(e),
        }
    }

    /// One ASYE programme.
    pub async fn viewer_asye(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: AsyeProgrammeId,
    ) -> Result<StoredAsye, AppError> {
        Ok(self.seen_asye(viewer, authority, id).await?.1)
    }

    /// Start the ASYE of a worker the viewer may see, as the viewer's person.
    pub async fn viewer_start_asye(
        &self,
        viewer: &Viewer,
        authority: &str,
        input: &StartAsyeInput,
        acting: ActingIn<'_>,
    ) -> Result<StoredAsye, AppError> {
        let (scope, _, _) = self.visible_worker(viewer, authority, &input.worker).await?;
        let by = self.acting_as(viewer, &scope, acting.role, acting.why).await?;
        self.progression(authority).await?.start_asye(&by, input).await
    }

    /// The programme the viewer may see and change, at `expected_version`, and who acts.
    async fn changing_asye(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: AsyeProgrammeId,
        expected_version: Option<i64>,
        acting: ActingIn<'_>,
    ) -> Result<Acting, AppError> {
        let (scope, stored) = self.seen_asye(viewer, authority, id).await?;
        check_version(&format!("ASYE programme {id}"), stored.meta.version.get(), expected_version)?;
        self.acting_as(viewer, &scope, acting.role, acting.why).await
    }

    /// Record on, extend or recommend an ASYE programme as the viewer's person.
    pub async fn viewer_change_asye(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: AsyeProgrammeId,
        expected_version: Option<i64>,
        change: &AsyeChange,
        acting: ActingIn<'_>,
    ) -> Result<StoredAsye, AppError> {
        let by = self.changing_asye(viewer, authority, id, expected_version, acting).await?;
        let p = self.progression(authority).await?;
        match change {
            AsyeChange::Review { months, progress, summary, held_on } => {
                p.record_review(&by, id, *months, *progress, summary, *held_on).await
            }
            AsyeChange::Caseload(record) => p.record_caseload(&by, id, record).await,
            AsyeChange::DevelopmentTime(time) => p.record_development_time(&by, id, time).await,
            AsyeChange::Extend { months, extenuating } => p.extend_asye(&by, id, *months, extenuating.as_deref()).await,
            AsyeChange::Recommend { result, rationale } => p.recommend(&by, id, *result, rationale).await,
        }
    }

    /// Moderate an ASYE programme as the viewer's person; a pass opens the automatic route.
    pub async fn viewer_moderate(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: AsyeProgrammeId,
        expected_version: Option<i64>,
        result: AsyeResult,
        acting: ActingIn<'_>,
    ) -> Result<Moderated, AppError> {
        let by = self.changing_asye(viewer, authority, id, expected_version, acting).await?;
        self.progression(authority).await?.moderate(&by, id, result).await
    }
}
