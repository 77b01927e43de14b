//! What a signed-in person (by session or API token) may see and do through the API. The
//! account says who they are; what they may see comes from the records, on the day:
//! - their own record;
//! - the records of people they hold a post over (line management, posts held today);
//! - everything in their authority, for the system roles `system-admin`, `hr-admin` and
//!   `auditor`;
//! - nothing of another authority: asking answers exactly as an authority that does not
//!   exist would (not found), and the probe is recorded in `sign_in_events`.
//!
//! Changes go through the same use cases as the CLI, acting as the account's person.

use std::collections::HashSet;

use chrono::NaiveDate;
use pathway_core::ids::{ApplicationId, WorkerId};
use pathway_core::pay::{self, Located, NextIncrement, Salary};
use pathway_core::workforce::{EmployeeNumber, Worker, WorkerRecord};
use pathway_store::{
    Accounts, ApiTokens, AuthorityScope, IdempotentAnswer, Organisation, SignInEvent, StoreError, StoredAccount,
    Tenancy, Workforce,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;
use crate::frameworks::Applies;
use crate::model::StoredApplication;
use crate::progression::{Acting, OpenApplication};
use crate::reports::WorkerEligibility;
use crate::service::Pathway;

/// System roles that see every record of their authority.
pub const SEE_ALL_ROLES: &[&str] = &["system-admin", "hr-admin", "auditor"];

/// The most a page of a list holds.
pub const MAX_PAGE: usize = 200;

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their account.
    pub account: StoredAccount,
    /// Whether they may change things (a `read` token may not).
    pub may_write: bool,
    /// Where the request came from, for the record of a cross-authority probe.
    pub from: Option<String>,
}

/// Why the viewer may see a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sight {
    /// It is their own record.
    Own,
    /// They hold a post over the worker today.
    Team,
    /// A system role lets them see the authority.
    Authority,
}

/// A worker as the API shows them: who, where on the ladder today, and their pay.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkerDetail {
    /// Employee number.
    pub employee_number: String,
    /// Full name.
    pub name: String,
    /// Why the viewer may see them.
    pub seen_as: Sight,
    /// The level today, if recorded.
    pub level: Option<String>,
    /// The grade today, if recorded.
    pub grade: Option<String>,
    /// The point today, if recorded.
    pub point: Option<String>,
    /// Their salary today, where the grade and point are recorded.
    #[schema(value_type = Option<Object>)]
    pub salary: Option<Salary>,
    /// The next increment on the grade, counted from the day the point in force began:
    /// `{"status": "due", "date", "to_point", "assumed", ...}`, or `at_top`, `held`, `no_rule`,
    /// `not_published`.
    #[schema(value_type = Option<Object>)]
    pub next_increment: Option<NextIncrement>,
    /// The record's version (the ETag of this resource).
    pub version: i64,
}

/// A worker in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkerLine {
    /// Employee number.
    pub employee_number: String,
    /// Full name.
    pub name: String,
    /// Why the viewer may see them.
    pub seen_as: Sight,
}

/// A page of a list, and the cursor of the next page if there is one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    /// This page.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Why a viewer may see each worker, worked out once for a list (see [`Pathway::sights`]).
#[derive(Debug, Clone)]
pub(crate) struct Sights {
    own: WorkerId,
    all: bool,
    team: HashSet<WorkerId>,
}

impl Sights {
    /// As [`Pathway::sight`] answers for `worker`; `None` where it refuses.
    pub(crate) fn of(&self, worker: WorkerId) -> Option<Sight> {
        if worker == self.own {
            Some(Sight::Own)
        } else if self.all {
            Some(Sight::Authority)
        } else if self.team.contains(&worker) {
            Some(Sight::Team)
        } else {
            None
        }
    }

    /// Everyone the viewer may see, or `None` when they see the whole authority.
    pub(crate) fn visible(self) -> Option<HashSet<WorkerId>> {
        if self.all {
            return None;
        }
        let mut visible = self.team;
        visible.insert(self.own);
        Some(visible)
    }
}

fn not_found_authority(authority: &str) -> AppError {
    AppError::Store(StoreError::NotFound {
        what: "authority",
        key: authority.to_owned(),
        authority: authority.to_owned(),
    })
}

impl Pathway {
    /// The viewer's authority, when `authority` is it; otherwise not found, as for an
    /// authority that does not exist, with the probe recorded.
    pub async fn viewer_scope(&self, viewer: &Viewer, authority: &str) -> Result<AuthorityScope, AppError> {
        if viewer.account.authority.as_str() != authority {
            let event = SignInEvent {
                account: Some(viewer.account.id),
                username: viewer.account.username.clone(),
                outcome: "other-authority-refused",
                from: viewer.from.clone(),
                at: self.clock().now(),
            };
            self.store().record_sign_in_event(&event).await?;
            self.record_probe_audit(&viewer.account, authority, viewer.from.as_deref()).await?;
            return Err(not_found_authority(authority));
        }
        Ok(self.store().scope(&viewer.account.authority).await?)
    }

    /// Why the viewer may see `worker` today, or not permitted.
    pub(crate) async fn sight(
        &self,
        viewer: &Viewer,
        scope: &AuthorityScope,
        worker: &Worker,
    ) -> Result<Sight, AppError> {
        if worker.id == viewer.account.worker {
            return Ok(Sight::Own);
        }
        if viewer.account.system_roles.iter().any(|r| SEE_ALL_ROLES.contains(&r.as_str())) {
            return Ok(Sight::Authority);
        }
        let line = self.store().line_management(scope, worker.id, self.clock().today()).await?;
        if line.contains(viewer.account.worker) {
            return Ok(Sight::Team);
        }
        Err(AppError::NotPermitted(format!(
            "you may see your own record and those of people you hold a post over; {} is neither",
            worker.details.employee_number
        )))
    }

    /// Why the viewer may see each worker of `scope` today, from one read of the
    /// organisation: [`Pathway::sight`] for a whole list, without reading a chain per worker.
    pub(crate) async fn sights(&self, viewer: &Viewer, scope: &AuthorityScope) -> Result<Sights, AppError> {
        let all = viewer.account.system_roles.iter().any(|r| SEE_ALL_ROLES.contains(&r.as_str()));
        let team = if all {
            HashSet::new()
        } else {
            let me = viewer.account.worker;
            let chains = self.store().line_managements(scope, self.clock().today()).await?;
            chains.into_iter().filter(|(_, line)| line.contains(me)).map(|(worker, _)| worker).collect()
        };
        Ok(Sights { own: viewer.account.worker, all, team })
    }

    pub(crate) async fn visible_worker(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<(AuthorityScope, Worker, Sight), AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let number = EmployeeNumber::parse(employee_number)?;
        let worker = self.store().worker_by_employee_number(&scope, &number).await?;
        let sight = self.sight(viewer, &scope, &worker).await?;
        Ok((scope, worker, sight))
    }

    /// One worker's level, grade, point and salary today.
    pub async fn viewer_worker(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<WorkerDetail, AppError> {
        let (scope, worker, sight) = self.visible_worker(viewer, authority, employee_number).await?;
        let record = self.store().worker_record(&scope, worker.id).await?;
        let today = self.clock().today();
        let (salary, next_increment) = match self.salary_today(&scope, &record, today).await? {
            Some((salary, next)) => (Some(salary), Some(next)),
            None => (None, None),
        };
        let entry = record.timeline.on(today).map(|e| &e.entry);
        Ok(WorkerDetail {
            employee_number: worker.details.employee_number.to_string(),
            name: worker.details.name.to_string(),
            seen_as: sight,
            level: entry.map(|e| e.level.to_string()),
            grade: entry.and_then(|e| e.grade.as_ref()).map(ToString::to_string),
            point: entry.and_then(|e| e.point.as_ref()).map(ToString::to_string),
            salary,
            next_increment,
            version: worker.meta.version.get(),
        })
    }

    /// The salary today and the next increment, where the grade and point are recorded.
    async fn salary_today(
        &self,
        scope: &AuthorityScope,
        record: &WorkerRecord,
        today: NaiveDate,
    ) -> Result<Option<(Salary, NextIncrement)>, AppError> {
        let Some(entry) = record.timeline.on(today).map(|e| &e.entry) else { return Ok(None) };
        let (Some(grade), Some(point)) = (&entry.grade, &entry.point) else { return Ok(None) };
        let framework = self.framework_in_force(scope, Applies::Worker(record), today).await?;
        let Some(grade) = framework.grade(grade) else { return Ok(None) };
        Ok(Some(match pay::locate(&framework, grade, point.as_str())? {
            Located::At(index) => (
                pay::salary_at(&framework, grade, index, today),
                pay::next_increment(&framework, grade, index, entry.starts_on, today),
            ),
            Located::NotPublished { reason } => (
                pay::salary_not_published(&framework, grade, point.as_str(), today, &reason),
                NextIncrement::NotPublished { reason },
            ),
        }))
    }

    /// One worker's eligibility today: the CLI's `eligibility --worker` for someone the
    /// viewer may see.
    pub async fn viewer_eligibility(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<WorkerEligibility, AppError> {
        self.visible_worker(viewer, authority, employee_number).await?;
        self.worker_eligibility(authority, employee_number, self.clock().today()).await
    }

    /// The workers the viewer may see, by employee number, a page at a time: `cursor` is
    /// the last employee number of the page before.
    pub async fn viewer_workers(
        &self,
        viewer: &Viewer,
        authority: &str,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<Page<WorkerLine>, AppError> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::BadInput {
                field: "limit".into(),
                message: format!("a page holds 1 to {MAX_PAGE} workers; {limit} is outside that"),
            });
        }
        let scope = self.viewer_scope(viewer, authority).await?;
        let mut workers = self.store().workers(&scope).await?;
        workers.sort_by(|a, b| a.details.employee_number.as_str().cmp(b.details.employee_number.as_str()));
        let sights = self.sights(viewer, &scope).await?;
        let mut items = Vec::new();
        let mut more = false;
        for worker in workers.iter().filter(|w| cursor.is_none_or(|c| w.details.employee_number.as_str() > c)) {
            let Some(sight) = sights.of(worker.id) else { continue };
            if items.len() == limit {
                more = true;
                break;
            }
            items.push(WorkerLine {
                employee_number: worker.details.employee_number.to_string(),
                name: worker.details.name.to_string(),
                seen_as: sight,
            });
        }
        let next_cursor = if more { items.last().map(|w: &WorkerLine| w.employee_number.clone()) } else { None };
        Ok(Page { items, next_cursor })
    }

    async fn visible_application(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
    ) -> Result<StoredApplication, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let stored = self.progression(authority).await?.application(id).await?;
        let worker: WorkerId = stored.application.worker();
        let worker = self.store().worker(&scope, worker).await?;
        self.sight(viewer, &scope, &worker).await?;
        Ok(stored)
    }

    /// One application, for someone who may see it (its worker, an assessor on one of its
    /// steps, a member of a panel it is listed on: see [`crate::viewer_progression`]).
    pub async fn viewer_application(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
    ) -> Result<StoredApplication, AppError> {
        Ok(self.seen_application(viewer, authority, id).await?.1)
    }

    /// The viewer's person acting in `role` (`worker`, their own), if they may change things.
    pub(crate) async fn acting_as(
        &self,
        viewer: &Viewer,
        scope: &AuthorityScope,
        role: Option<&str>,
        why: &str,
    ) -> Result<Acting, AppError> {
        if !viewer.may_write {
            return Err(AppError::NotPermitted("this API token may read only; it cannot change anything".into()));
        }
        let me = self.store().worker(scope, viewer.account.worker).await?;
        // The trail names the person and the account they acted through.
        Ok(Acting::new(me.details.employee_number.to_string(), role.unwrap_or("worker"), why)
            .entered_by(viewer.account.username.clone())
            .entered_from(viewer.from.clone()))
    }

    /// Open an application as the viewer's person, in `role` (`worker` for their own).
    pub async fn viewer_open(
        &self,
        viewer: &Viewer,
        authority: &str,
        input: &OpenApplication,
        role: Option<&str>,
        why: &str,
    ) -> Result<StoredApplication, AppError> {
        let (scope, _, _) = self.visible_worker(viewer, authority, &input.worker).await?;
        let acting = self.acting_as(viewer, &scope, role, why).await?;
        self.progression(authority).await?.open(&acting, input).await
    }

    /// Submit an application as the viewer's person, if it is still at `expected_version`.
    pub async fn viewer_submit(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: ApplicationId,
        expected_version: Option<i64>,
        role: Option<&str>,
        why: &str,
    ) -> Result<StoredApplication, AppError> {
        let stored = self.visible_application(viewer, authority, id).await?;
        check_version(&format!("application {id}"), stored.meta.version.get(), expected_version)?;
        let scope = self.viewer_scope(viewer, authority).await?;
        let acting = self.acting_as(viewer, &scope, role, why).await?;
        self.progression(authority).await?.submit(&acting, id).await
    }
}

/// Refuse a change to a record that has moved on from the version the caller read (`what`
/// names it: "application 3"); `None` asks for no check.
pub(crate) fn check_version(what: &str, current: i64, expected: Option<i64>) -> Result<(), AppError> {
    match expected {
        Some(expected) if expected != current => Err(AppError::PreconditionFailed(format!(
            "{what} is at version {current}, not {expected}: read it again and decide on what it says now"
        ))),
        _ => Ok(()),
    }
}

/// Refuse anything but a bundled framework's id: the API never reads a file path.
fn bundled_only(id: &str) -> Result<(), AppError> {
    if crate::catalog::bundled_ids().contains(&id) {
        Ok(())
    } else {
        Err(AppError::Store(StoreError::NotFound {
            what: "framework",
            key: id.to_owned(),
            authority: "the bundled frameworks".to_owned(),
        }))
    }
}

/// A bundled framework's ladder with pay on `on` (default today): the CLI's
/// `framework ladder`, for bundled ids only.
pub fn public_ladder(id: &str, on: Option<NaiveDate>, today: NaiveDate) -> Result<crate::ladder::Ladder, AppError> {
    bundled_only(id)?;
    crate::ladder::ladder(id, on, today)
}

/// Pay on a bundled framework's grade and point: the CLI's `pay`, for bundled ids only.
pub fn public_pay(question: &crate::pay::PayQuestion) -> Result<crate::pay::PayAnswer, AppError> {
    bundled_only(&question.framework)?;
    crate::pay::answer(question)
}

/// An answer given before to a request with an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The status it had.
    pub status: u16,
    /// Its body (JSON).
    pub body: String,
}

fn check_key(key: &str) -> Result<(), AppError> {
    if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::BadInput {
            field: "Idempotency-Key".into(),
            message: "an Idempotency-Key is 1 to 200 visible ASCII characters (a UUID is usual)".into(),
        });
    }
    Ok(())
}

impl Pathway {
    /// The answer given before to this viewer's request with `key`, if any. The same key
    /// with another request (`request_hash` differs) is a conflict: a key names one request.
    pub async fn viewer_replay(
        &self,
        viewer: &Viewer,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<Replay>, AppError> {
        check_key(key)?;
        let Some(answer) = self.store().idempotent_answer(viewer.account.id, key).await? else { return Ok(None) };
        if answer.request_hash != request_hash {
            return Err(AppError::Store(StoreError::Duplicate {
                message: "this Idempotency-Key was used for another request; use a new key for a new request".into(),
            }));
        }
        Ok(Some(Replay { status: u16::try_from(answer.status).unwrap_or(500), body: answer.response }))
    }

    /// Keep the answer to this viewer's request with `key`, to give again.
    pub async fn viewer_remember(
        &self,
        viewer: &Viewer,
        key: &str,
        request_hash: &str,
        answer: &Replay,
    ) -> Result<(), AppError> {
        check_key(key)?;
        let stored = IdempotentAnswer {
            request_hash: request_hash.to_owned(),
            status: i64::from(answer.status),
            response: answer.body.clone(),
        };
        self.store().save_idempotent_answer(viewer.account.id, key, &stored, self.clock().now()).await?;
        Ok(())
    }
}
