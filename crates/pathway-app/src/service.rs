//! `Pathway`: the application with its storage open. Every interface (the CLI today, the
//! web app and API next) goes through here, so tenancy checks — and, in the next wave,
//! authorisation — sit in one place.

use std::collections::HashSet;

use chrono::NaiveDate;
use pathway_core::bundled;
use pathway_core::eligibility::{RouteEligibility, WorkerFacts, evaluate};
use pathway_core::framework::{Framework, FrameworkId, load};
use pathway_core::ids::{OrgUnitId, WorkerId};
use pathway_core::workforce::{
    AuthorityId, EmployeeNumber, NewOrgUnit, NewPost, NewTimelineEntry, NewWorker, NewWorkerRecord, OrgUnit, UnitKind,
    WorkerDetails, WorkerRecord,
};
use pathway_store::{
    AuthorityScope, FrameworkFile, FrameworkVersions, Organisation, Store, StoreError, SyncOutcome, Tenancy, Workforce,
};
use serde::Serialize;

use crate::AppError;
use crate::config::Config;
use crate::demo::{DemoAuthority, Scale};
use crate::reports::{WorkerSummary, WorkforceReport, workforce_report};

/// Pathway with its configuration and storage open and migrated.
#[derive(Debug)]
pub struct Pathway {
    config: Config,
    store: Store,
}

/// What loading demo data did.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    /// Authorities created.
    pub authorities: usize,
    /// Organisation units created.
    pub units: usize,
    /// Workers created.
    pub workers: usize,
    /// The demo authorities were all there already, so nothing was loaded.
    pub already_loaded: bool,
}

/// One worker's eligibility.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerEligibility {
    /// Who.
    pub worker: WorkerSummary,
    /// Their level now.
    pub level: String,
    /// Every route out of it.
    pub routes: Vec<RouteEligibility>,
}

impl Pathway {
    /// Open the configured database, creating it if it is the embedded default, and bring
    /// its schema up to date.
    pub async fn open(config: Config) -> Result<Pathway, AppError> {
        // A broken anonymisation pattern stops start-up, rather than a check going missing.
        pathway_core::anonymise::check_built_in_patterns()?;
        let store = pathway_store::open(config.database_url.expose()).await?;
        store.migrate().await?;
        Ok(Pathway { config, store })
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The storage, for use cases in other modules.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Close connections cleanly.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// The scope for an authority id, or a clear error listing the authorities there are.
    pub async fn scope(&self, authority: &str) -> Result<AuthorityScope, AppError> {
        let id = AuthorityId::parse(authority)?;
        match self.store.scope(&id).await {
            Ok(scope) => Ok(scope),
            Err(StoreError::NotFound { .. }) => {
                let known: Vec<String> =
                    self.store.authorities().await?.into_iter().map(|a| a.id.as_str().to_owned()).collect();
                Err(AppError::BadInput {
                    field: "--authority".into(),
                    message: if known.is_empty() {
                        format!(
                            "no authority `{authority}`: the database has none yet (run `pathway demo` to load the demo authorities)"
                        )
                    } else {
                        format!("no authority `{authority}`; the database has: {}", known.join(", "))
                    },
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Store framework files for an authority (the files are the source of truth). With no
    /// files given, the bundled framework whose id matches the authority's is used.
    pub async fn sync_frameworks(
        &self,
        authority: &str,
        files: &[(String, String)],
    ) -> Result<Vec<SyncOutcome>, AppError> {
        let scope = self.scope(authority).await?;
        let files: Vec<FrameworkFile> = if files.is_empty() {
            let Some(b) = bundled::file(authority) else {
                return Err(AppError::BadInput {
                    field: "FILE".into(),
                    message: format!(
                        "`{authority}` has no bundled framework; name the framework file(s) to sync: pathway framework sync --authority {authority} FILE..."
                    ),
                });
            };
            vec![FrameworkFile::parse(b.file, b.text)?]
        } else {
            files.iter().map(|(name, text)| FrameworkFile::parse(name, text.clone())).collect::<Result<_, _>>()?
        };
        Ok(self.store.sync_frameworks(&scope, &files).await?)
    }

    /// The framework an authority uses on a date, as synced into the database.
    pub async fn framework_for(&self, scope: &AuthorityScope, on: NaiveDate) -> Result<Framework, AppError> {
        let stored = self.store.frameworks(scope).await?;
        let ids: Vec<&FrameworkId> = stored.iter().map(|s| &s.framework).collect::<HashSet<_>>().into_iter().collect();
        let id = match ids.as_slice() {
            [one] => (*one).clone(),
            [] => {
                return Err(AppError::BadInput {
                    field: "--authority".into(),
                    message: format!(
                        "authority `{}` has no framework yet; run `pathway framework sync --authority {}`",
                        scope.id(),
                        scope.id()
                    ),
                });
            }
            many => {
                let names: Vec<String> = many.iter().map(|f| f.to_string()).collect();
                return Err(AppError::BadInput {
                    field: "--authority".into(),
                    message: format!("authority `{}` uses several frameworks ({})", scope.id(), names.join(", ")),
                });
            }
        };
        let source = self.store.framework_in_force(scope, &id, on).await?;
        load(&source.text).framework.ok_or_else(|| AppError::BadInput {
            field: "framework".into(),
            message: format!("the stored copy of `{id}` no longer loads; re-run `pathway framework sync`"),
        })
    }

    /// Load demo authorities and workforces. If they are all there already, does nothing; if
    /// only some are (a database with other data), refuses, so nothing is loaded twice.
    pub async fn load_demo(
        &self,
        scale: Scale,
        today: NaiveDate,
        seed: u64,
        progress: &dyn Fn(usize, usize),
    ) -> Result<DemoSummary, AppError> {
        let demo = crate::demo::generate(scale, today, seed)?;
        let existing: HashSet<String> =
            self.store.authorities().await?.into_iter().map(|a| a.id.as_str().to_owned()).collect();
        if !demo.is_empty() && demo.iter().all(|a| existing.contains(a.authority.id.as_str())) {
            return Ok(DemoSummary { authorities: 0, units: 0, workers: 0, already_loaded: true });
        }
        if let Some(clash) = demo.iter().find(|a| existing.contains(a.authority.id.as_str())) {
            return Err(AppError::BadInput {
                field: "demo".into(),
                message: format!(
                    "authority `{}` is already in the database; demo data loads into an empty database (use a new PATHWAY_DATABASE_URL or delete {})",
                    clash.authority.id.as_str(),
                    self.config.database_description()
                ),
            });
        }
        let mut summary = DemoSummary { authorities: 0, units: 0, workers: 0, already_loaded: false };
        let total: usize = demo.iter().map(|a| a.workers.len()).sum();
        for a in &demo {
            self.load_demo_authority(a, &mut summary).await?;
            progress(summary.workers, total);
        }
        Ok(summary)
    }

    async fn load_demo_authority(&self, a: &DemoAuthority, summary: &mut DemoSummary) -> Result<(), AppError> {
        self.store.create_authority(&a.authority).await?;
        let scope = self.store.scope(&a.authority.id).await?;
        let file = bundled::file(a.framework.as_str()).ok_or_else(|| AppError::BadInput {
            field: "demo".into(),
            message: format!("no bundled framework `{}`", a.framework),
        })?;
        self.store.sync_frameworks(&scope, &[FrameworkFile::parse(file.file, file.text)?]).await?;
        let mut unit_ids: Vec<OrgUnitId> = Vec::with_capacity(a.units.len());
        for u in &a.units {
            let parent = u.parent.and_then(|p| unit_ids.get(p).copied());
            let created: OrgUnit =
                self.store.create_unit(&scope, &NewOrgUnit { kind: u.kind, name: u.name.clone(), parent }).await?;
            unit_ids.push(created.id);
        }
        let records: Vec<NewWorkerRecord> = a
            .workers
            .iter()
            .map(|w| {
                let mut details =
                    WorkerDetails::new(w.employee_number.clone(), w.name.clone(), w.employment, w.started_on);
                details.unit = unit_ids.get(w.unit).copied();
                details.qualification = Some(w.qualification.clone());
                details.registration = Some(w.registration.clone());
                details.asye = w.asye.clone();
                details.probation = w.probation;
                NewWorkerRecord {
                    worker: NewWorker { details, timeline: w.timeline.clone() },
                    awards: w.awards.clone(),
                    appraisals: w.appraisals.clone(),
                    goals: w.goals.clone(),
                }
            })
            .collect();
        let ids = self.store.create_worker_records(&scope, &records).await?;
        for (w, id) in a.workers.iter().zip(&ids) {
            if let Some((unit, role)) = &w.manages
                && let Some(unit) = unit_ids.get(*unit)
            {
                self.store.create_post(&scope, &NewPost { unit: *unit, role: role.clone(), holder: Some(*id) }).await?;
            }
        }
        summary.authorities += 1;
        summary.units += unit_ids.len();
        summary.workers += ids.len();
        Ok(())
    }

    /// Everyone's eligibility in an authority: who can apply now, who soon, who is stuck.
    pub async fn workforce_eligibility(
        &self,
        authority: &str,
        today: NaiveDate,
        within_months: u32,
    ) -> Result<WorkforceReport, AppError> {
        let scope = self.scope(authority).await?;
        let framework = self.framework_for(&scope, today).await?;
        let units = self.store.units(&scope).await?;
        let records = self.store.worker_records(&scope).await?;
        let people: Vec<(WorkerSummary, WorkerFacts)> = records
            .iter()
            .filter(|r| r.worker.details.left_on.is_none_or(|left| left > today))
            .filter_map(|r| WorkerFacts::from_record(r, today).map(|facts| (summary(r, &units), facts)))
            .filter(|(_, facts)| framework.level(&facts.level).is_some())
            .collect();
        // Someone with an application under way for a route is not stuck on it.
        let open: HashSet<(WorkerId, pathway_core::framework::RouteId)> =
            pathway_store::Progression::applications(&self.store, &scope, None)
                .await?
                .into_iter()
                .filter(|a| crate::progression::is_under_way(&a.application))
                .map(|a| (a.application.worker(), a.application.route().id.clone()))
                .collect();
        let mut report = workforce_report(&framework, &people, &open, today, within_months);
        report.framework = format!("{} (authority {})", framework.framework.id, scope.id());
        Ok(report)
    }

    /// One worker's eligibility, found by employee number.
    pub async fn worker_eligibility(
        &self,
        authority: &str,
        employee_number: &str,
        today: NaiveDate,
    ) -> Result<WorkerEligibility, AppError> {
        let scope = self.scope(authority).await?;
        let framework = self.framework_for(&scope, today).await?;
        let number = EmployeeNumber::parse(employee_number)?;
        let worker = self.store.worker_by_employee_number(&scope, &number).await?;
        let record = self.store.worker_record(&scope, worker.id).await?;
        let units = self.store.units(&scope).await?;
        let facts = WorkerFacts::from_record(&record, today).ok_or_else(|| AppError::BadInput {
            field: "--worker".into(),
            message: format!("{} has no level on record on {today}", record.worker.details.name.as_str()),
        })?;
        let level = framework.level(&facts.level).map(|l| l.name.clone()).unwrap_or_else(|| facts.level.to_string());
        Ok(WorkerEligibility { worker: summary(&record, &units), level, routes: evaluate(&framework, &facts, today) })
    }

    /// Add a level/grade/point change to a worker's history.
    pub async fn record_change(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        entry: &NewTimelineEntry,
    ) -> Result<(), AppError> {
        self.store.add_timeline_entry(scope, worker, entry).await?;
        Ok(())
    }
}

/// A worker's name, number and team for reports.
fn summary(r: &WorkerRecord, units: &[OrgUnit]) -> WorkerSummary {
    let unit = r.worker.details.unit.and_then(|u| units.iter().find(|x| x.id == u));
    let parent = unit.and_then(|u| u.parent).and_then(|p| units.iter().find(|x| x.id == p));
    let (team, locality) = match unit.map(|u| u.kind) {
        Some(UnitKind::Team) => (unit.map(|u| u.name.as_str().to_owned()), parent.map(|p| p.name.as_str().to_owned())),
        Some(_) => (None, unit.map(|u| u.name.as_str().to_owned())),
        None => (None, None),
    };
    WorkerSummary {
        id: r.worker.id,
        employee_number: r.worker.details.employee_number.as_str().to_owned(),
        name: r.worker.details.name.as_str().to_owned(),
        team,
        locality,
    }
}
