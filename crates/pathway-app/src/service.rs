//! `Pathway`: the application with its storage open. Every interface (the CLI today, the
//! web app and API next) goes through here, so tenancy checks — and, in the next wave,
//! authorisation — sit in one place.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use pathway_core::bundled;
use pathway_core::framework::{Framework, utf8_text};
use pathway_core::ids::{OrgUnitId, WorkerId};
use pathway_core::workforce::{AuthorityId, NewTimelineEntry, NewWorker, NewWorkerRecord, WorkerDetails};
use pathway_store::{
    AuthorityScope, EntityKind, FrameworkFile, FrameworkVersions, ImportedPost, ImportedUnit, Organisation, Store,
    StoreError, SyncOutcome, Tenancy, UnitRef, Workforce,
};
use serde::Serialize;

use crate::AppError;
use crate::clock::Clock;
use crate::config::{Config, Database};
use crate::demo::{DemoAuthority, Scale};
use crate::frameworks::{Applies, FrameworkCache};
use crate::operator::Operator;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// The database file now holding the backup's contents.
    pub database: PathBuf,
    /// Where the database that was replaced was kept, if there was one.
    pub previous: Option<PathBuf>,
}

/// Replace the configured SQLite database's contents with the backup `from`. Refused while
/// anything else has the database open (a server, another command, a SQLite tool), so no
/// acknowledged write is lost; the replaced contents are kept beside it. PostgreSQL is
/// restored with its own tools, which the refusal names.
pub async fn restore(config: &Config, from: &Path) -> Result<Restored, AppError> {
    match &config.database {
        Database::Postgres { .. } => Err(AppError::BadInput {
            field: "PATHWAY_DATABASE_URL".into(),
            message: "restore PostgreSQL with pg_restore --clean --dbname=DATABASE_URL FILE".into(),
        }),
        Database::Sqlite { path } => {
            let restored = pathway_store::sqlite::restore(from, path).await?;
            Ok(Restored { database: restored.database, previous: restored.previous })
        }
    }
}

/// Pathway with its configuration and storage open and migrated.
#[derive(Debug)]
pub struct Pathway {
    config: Config,
    store: Store,
    frameworks: FrameworkCache,
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

impl Pathway {
    /// Open the configured database, creating it if it is the embedded default, and bring
    /// its schema up to date.
    pub async fn open(config: Config) -> Result<Pathway, AppError> {
        // A broken anonymisation pattern stops start-up, rather than a check going missing.
        pathway_core::anonymise::check_built_in_patterns()?;
        let store = config.database.open().await?;
        store.migrate().await?;
        Ok(Pathway { config, store, frameworks: FrameworkCache::default() })
    }

    /// Tests only: a `Pathway` over a store already open and migrated (a test database on
    /// either backend), with `config` for everything else. Built only with the `testing`
    /// feature, never into the binary.
    #[cfg(feature = "testing")]
    pub fn on_store(config: Config, store: Store) -> Pathway {
        Pathway { config, store, frameworks: FrameworkCache::default() }
    }

    /// The settings in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The storage, for use cases in other modules.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where "now" comes from for every use case.
    pub fn clock(&self) -> Clock {
        self.config.clock
    }

    /// The schema version the database is at once opened (opening migrates it).
    pub fn schema_version(&self) -> i64 {
        pathway_store::latest_version()
    }

    /// Copy the SQLite database to a new file while it stays in use; PostgreSQL is backed
    /// up with its own tools, which the refusal names.
    pub async fn backup(&self, to: &Path) -> Result<(), AppError> {
        Ok(self.store.backup(to).await?)
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
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
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
        let outcomes = self.store.sync_frameworks(&scope, &files).await?;
        let names: Vec<String> = outcomes
            .iter()
            .map(|outcome| {
                let change = match outcome.change {
                    pathway_store::SyncChange::Added => "added",
                    pathway_store::SyncChange::Unchanged => "unchanged",
                    pathway_store::SyncChange::Updated => "updated",
                };
                format!("{} {} ({change})", outcome.framework, outcome.framework_version)
            })
            .collect();
        let what = format!("synchronised frameworks: {}", names.join(", "));
        let detail = serde_json::json!(outcomes);
        self.record_setup(&operator, &scope, (pathway_store::EntityKind::Framework, 0), "framework sync", what, detail)
            .await?;
        Ok(outcomes)
    }

    /// Store the framework files at `paths` for an authority (see
    /// [`Pathway::sync_frameworks`]); with none, the bundled framework with its id.
    pub async fn sync_framework_files(&self, authority: &str, paths: &[PathBuf]) -> Result<Vec<SyncOutcome>, AppError> {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let bytes = std::fs::read(path).map_err(|source| AppError::Read { path: path.clone(), source })?;
            let text = utf8_text(&bytes).map_err(|diagnostic| AppError::InvalidFramework {
                file: path.display().to_string(),
                diagnostics: vec![*diagnostic],
            })?;
            files.push((path.display().to_string(), text.to_owned()));
        }
        self.sync_frameworks(authority, &files).await
    }

    /// The framework in force on `on` for an authority, a worker or a record: the one rule
    /// every use case goes through ([`crate::frameworks`]), parsed once per stored version.
    pub async fn framework_in_force(
        &self,
        scope: &AuthorityScope,
        applies: Applies<'_>,
        on: NaiveDate,
    ) -> Result<Arc<Framework>, AppError> {
        self.frameworks.in_force(&self.store, scope, applies, on).await
    }

    /// The parsed frameworks this `Pathway` shares between use cases.
    pub(crate) fn framework_cache(&self) -> &FrameworkCache {
        &self.frameworks
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
        // The operator is checked before anything is written.
        let operator = self.operator().await?;
        let mut summary = DemoSummary { authorities: 0, units: 0, workers: 0, already_loaded: false };
        let total: usize = demo.iter().map(|a| a.workers.len()).sum();
        for a in &demo {
            self.load_demo_authority(&operator, a, &mut summary).await?;
            progress(summary.workers, total);
        }
        Ok(summary)
    }

    /// One demo authority: the authority and its framework through the onboarding use case a
    /// council goes through; then its units, its workers and its managers' posts each as one
    /// batch (an organisation import's store path and the import's bulk writer), so a
    /// national load is a few transactions per authority rather than one per unit and post.
    /// The operator's audit entry names what the batch created, as an organisation import's does.
    async fn load_demo_authority(
        &self,
        operator: &Operator,
        a: &DemoAuthority,
        summary: &mut DemoSummary,
    ) -> Result<(), AppError> {
        let authority = a.authority.id.as_str();
        self.onboard_authority(authority, a.authority.name.as_str(), a.framework.as_str()).await?;
        let scope = self.store.scope(&a.authority.id).await?;
        let units: Vec<ImportedUnit> = a
            .units
            .iter()
            .map(|u| ImportedUnit { kind: u.kind, name: u.name.clone(), parent: u.parent.map(UnitRef::New) })
            .collect();
        let unit_ids: Vec<OrgUnitId> = self.store.import_organisation(&scope, &units, &[]).await?.units;
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
        // Managers hold posts in the roles their framework names, since they started; a
        // framework that names no such role (Medway's names none) has no posts to hold.
        let today = self.clock().today();
        let framework = self.framework_in_force(&scope, Applies::Authority, today).await?;
        let posts: Vec<ImportedPost> = a
            .workers
            .iter()
            .zip(&ids)
            .filter_map(|(w, id)| {
                let (unit, role) = w.manages.as_ref()?;
                let unit = unit_ids.get(*unit).copied()?;
                framework.roles.iter().any(|r| r.id == *role).then(|| ImportedPost {
                    unit: UnitRef::Existing(unit),
                    role: role.clone(),
                    reports_to: None,
                    holder: Some((*id, w.started_on)),
                })
            })
            .collect();
        if !posts.is_empty() {
            self.store.import_organisation(&scope, &[], &posts).await?;
        }
        let what = format!("loaded the demo organisation: {} units and {} posts", unit_ids.len(), posts.len());
        let detail = serde_json::json!({ "kind": "demo", "units": unit_ids.len(), "posts": posts.len() });
        self.record_setup(operator, &scope, (EntityKind::Import, 0), "demo", what, detail).await?;
        summary.authorities += 1;
        summary.units += unit_ids.len();
        summary.workers += ids.len();
        Ok(())
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
