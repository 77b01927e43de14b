//! Building a council in a test database: the authority with its bundled framework synced,
//! its services, localities and teams, the posts on them, and the people.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pathway_app::portfolio::AuthorityPortfolios;
use pathway_app::progression::{Acting, AuthorityProgression};
use pathway_core::ids::OrgUnitId;
use pathway_core::workforce::{
    AuthorityId, ChangeReason, EmployeeNumber, EmploymentType, Name, NewAuthority, NewOrgUnit, NewPost,
    NewTimelineEntry, NewWorker, PersonName, UnitKind, Worker, WorkerDetails, WorkerRecord,
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

    pub async fn record(&self, worker: &Worker) -> WorkerRecord {
        self.store().worker_record(&self.scope, worker.id).await.expect("record")
    }
}
