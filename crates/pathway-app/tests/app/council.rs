//! Building a council in a test database: the authority with its bundled framework synced,
//! its services, localities and teams, the posts on them, and the people.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pathway_app::portfolio::AuthorityPortfolios;
use pathway_app::progression::{Acting, AuthorityProgression};
use pathway_core::ids::OrgUnitId;
use pathway_core::workforce::{
    AppraisalOutcome, AuthorityId, ChangeReason, EmployeeNumber, EmploymentType, Name, NewAppraisal, NewAuthority,
    NewOrgUnit, NewPost, NewTimelineEntry, NewWorker, PersonName, Qualification, RegistrationStatus, SweNumber,
    SweRegistration, UnitKind, Worker, WorkerDetails, WorkerRecord,
};
use pathway_store::{AuthorityScope, FrameworkFile, FrameworkVersions, Organisation, Store, Tenancy, Workforce};

use crate::harness::TestDb;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time")
}

/// `number` acting as `role` when the clock reads `when`, because `why`: the stories are
/// told day by day.
pub fn acting(number: &str, role: &str, when: DateTime<Utc>, why: &str) -> Acting {
    Acting::as_if_clock_read(number, role, why, when)
}

/// One council in the test database.
pub struct Council<'db> {
    pub db: &'db TestDb,
    pub scope: AuthorityScope,
    pub framework: &'static str,
}

impl<'db> Council<'db> {
    /// Create the authority `framework` (a bundled framework id) and sync its framework.
    pub async fn new(db: &'db TestDb, framework: &'static str, name: &str) -> Council<'db> {
        let file = pathway_core::bundled::file(framework).expect("bundled framework");
        Council::with_framework(db, framework, name, file.file, file.text).await
    }

    /// Create the authority `framework` on a framework file of the test's own (its id is
    /// the authority's) and sync it.
    pub async fn with_framework(
        db: &'db TestDb,
        framework: &'static str,
        name: &str,
        file: &str,
        text: &str,
    ) -> Council<'db> {
        let id = AuthorityId::parse(framework).expect("authority id");
        db.store
            .create_authority(&NewAuthority { id: id.clone(), name: Name::parse(name).expect("name") })
            .await
            .expect("create authority");
        let scope = db.store.scope(&id).await.expect("scope");
        db.store
            .sync_frameworks(&scope, &[FrameworkFile::parse(file, text).expect("framework loads")])
            .await
            .expect("sync");
        Council { db, scope, framework }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    pub fn progression(&self) -> AuthorityProgression<'_> {
        AuthorityProgression::new(&self.db.store, self.scope.clone())
    }

    pub fn portfolios(&self) -> AuthorityPortfolios<'_> {
        AuthorityPortfolios::new(&self.db.store, self.scope.clone(), crate::harness::files(self.db))
    }

    pub async fn unit(&self, kind: UnitKind, name: &str, parent: Option<OrgUnitId>) -> OrgUnitId {
        self.store()
            .create_unit(&self.scope, &NewOrgUnit { kind, name: Name::parse(name).expect("name"), parent })
            .await
            .expect("unit")
            .id
    }

    /// A person in `unit`, on `level` (grade, point) since `since`, if given.
    pub async fn person(
        &self,
        number: &str,
        name: &str,
        unit: Option<OrgUnitId>,
        position: Option<(&str, Option<&str>, Option<&str>, NaiveDate)>,
    ) -> Worker {
        let mut details = WorkerDetails::new(
            EmployeeNumber::parse(number).expect("number"),
            PersonName::parse(name).expect("name"),
            EmploymentType::Permanent,
            date(2019, 9, 2),
        );
        details.unit = unit;
        // Registration must be current to progress: everyone starts on the register.
        details.registration = Some(SweRegistration {
            number: SweNumber::parse(&format!("SW{}", number.trim_start_matches(|c: char| !c.is_ascii_digit())))
                .expect("swe number"),
            status: RegistrationStatus::Registered,
            renewal_due: None,
        });
        let timeline = position
            .map(|(level, grade, point, since)| NewTimelineEntry {
                starts_on: since,
                framework: self.framework.into(),
                level: level.into(),
                grade: grade.map(Into::into),
                point: point.map(|p| Name::parse(p).expect("point")),
                reason: ChangeReason::Appointed,
                note: None,
            })
            .into_iter()
            .collect();
        self.store().create_worker(&self.scope, &NewWorker { details, timeline }).await.expect("worker")
    }

    /// `holder` holds a `role` post on `unit`, since they started.
    pub async fn post(&self, unit: OrgUnitId, role: &str, holder: &Worker) {
        let since = holder.details.started_on;
        self.store()
            .create_post(
                &self.scope,
                &NewPost { unit, role: role.into(), reports_to: None, holder: Some((holder.id, since)) },
            )
            .await
            .expect("post");
    }

    /// Change a worker's details with `change`, from what is stored now.
    pub async fn update(&self, worker: &Worker, change: impl FnOnce(&mut WorkerDetails)) -> Worker {
        let now = self.store().worker(&self.scope, worker.id).await.expect("worker");
        let mut details = now.details.clone();
        change(&mut details);
        self.store().update_worker(&self.scope, worker.id, now.meta.version, &details).await.expect("update worker")
    }

    /// `worker` qualified in social work on `on`.
    pub async fn qualified(&self, worker: &Worker, on: NaiveDate) -> Worker {
        self.update(worker, |d| {
            d.qualification = Some(Qualification {
                title: Name::parse("Degree in Social Work").expect("title"),
                institution: Name::parse("University of Sheffield").expect("institution"),
                awarded_on: on,
            });
        })
        .await
    }

    /// `reviewer` held `worker`'s appraisal (PDR) on `held_on`: ready to apply for progression.
    pub async fn ready_to_apply(&self, worker: &Worker, reviewer: &Worker, held_on: NaiveDate) {
        let appraisal = NewAppraisal {
            held_on,
            reviewer: Some(reviewer.id),
            outcome: AppraisalOutcome::ReadyToApply,
            summary: None,
            objectives: None,
            development_plan: None,
        };
        self.store().add_appraisal(&self.scope, worker.id, &appraisal).await.expect("appraisal");
    }

    pub async fn record(&self, worker: &Worker) -> WorkerRecord {
        self.store().worker_record(&self.scope, worker.id).await.expect("record")
    }
}
