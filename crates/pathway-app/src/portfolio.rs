//! Evidence portfolio use cases over real storage: add evidence (with files kept on disk),
//! authorise it, run the anonymisation check and record the author's clearances, and set a
//! worker's portfolio against a route (the coverage matrix and its verdict).
//!
//! Who may do what: a worker adds to and checks their own portfolio, and so may anyone in
//! their line-management chain (a team manager adding the manager's report); an item is
//! authorised only by someone holding the authorising role, never by its owner.

use std::path::PathBuf;

use chrono::NaiveDate;
use pathway_core::anonymise::{
    AllowList, AnonymisationStatus, CaseReferencePattern, Clearance, ClearedFlag, Flag, Scanner, carry_over, review,
};
use pathway_core::framework::{ADMINISTRATOR_ROLE, RouteId, WORKER_ROLE};
use pathway_core::ids::{ApplicationId, EvidenceId, PanelId, WorkerId};
use pathway_core::portfolio::{
    Authorisation, Contributor, Coverage, EnteredBy, EvidenceDetail, EvidenceItem, EvidenceParts, FileRef, coverage,
};
use pathway_core::progression::audit::Audit;
use pathway_core::workforce::{PersonName, RecordMeta};
use pathway_store::{
    AuthorityScope, EntityKind, Organisation, Portfolios, Progression, Retention, Store, StoredEvidence, Workforce,
};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::clock::Clock;
use crate::files::EvidenceFiles;
use crate::frameworks::{Applies, FrameworkCache};
use crate::operator::{Viewer, record_view};
use crate::progression::{Acting, find_worker, resolve};
use crate::retry::retry_on_conflict;
use crate::service::Pathway;

/// A new evidence item, as a form or a JSON file gives it. Authorisations are not part of
/// it: they are given by the people who hold the roles (see [`AuthorityPortfolios::authorise`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvidence {
    /// The worker whose portfolio it goes in (employee number).
    pub worker: String,
    /// Its kind and what is particular to that kind (`"kind": "practice-observation"`,
    /// `"observer": {...}`).
    #[serde(flatten)]
    pub detail: EvidenceDetail,
    /// When the evidence is from.
    pub date: NaiveDate,
    /// Its title.
    pub title: String,
    /// Text typed or pasted in.
    #[serde(default)]
    pub text: Option<String>,
    /// Its length in pages, where known.
    #[serde(default)]
    pub pages: Option<u32>,
    /// PCF domains it evidences.
    #[serde(default)]
    pub pcf: Vec<String>,
    /// KSS statements it evidences.
    #[serde(default)]
    pub kss: Vec<String>,
    /// The PCF level it is written against (`experienced-social-worker`), where stated.
    #[serde(default)]
    pub pcf_level: Option<String>,
}

/// An evidence item as a front end shows it: the stored item with its id at the top, as
/// every created record is returned (an application, a panel, a programme), so a script
/// reads `id` the same way whatever it made.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EvidenceRecord {
    /// The item's id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: EvidenceId,
    /// The item.
    #[schema(value_type = Object)]
    pub item: EvidenceItem,
    /// Flags the author cleared, with their reasons (void ones too, marked so).
    #[schema(value_type = Vec<Object>)]
    pub clearances: Vec<Clearance>,
    /// Clearances the change just made voided (an edit changed the words they cleared).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub voided: Vec<Clearance>,
    /// Created, updated, version.
    #[schema(schema_with = pathway_store::api::progression::record_meta_schema)]
    pub meta: RecordMeta,
}

impl From<StoredEvidence> for EvidenceRecord {
    fn from(stored: StoredEvidence) -> EvidenceRecord {
        EvidenceRecord {
            id: stored.item.id(),
            item: stored.item,
            clearances: stored.clearances,
            voided: Vec::new(),
            meta: stored.meta,
        }
    }
}

/// One flag to clear: its number as the check listed it and, to be sure it is the same
/// detail, the flagged text as the author saw it (refused if the flag there now reads
/// differently, as after an edit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlagPick {
    /// The flag's number, from 1.
    #[schema(minimum = 1, maximum = 100_000)]
    pub number: usize,
    /// The flagged text the author means to clear.
    #[serde(default)]
    pub text: Option<String>,
}

impl From<usize> for FlagPick {
    fn from(number: usize) -> FlagPick {
        FlagPick { number, text: None }
    }
}

impl std::str::FromStr for FlagPick {
    type Err = String;
    /// `3`, or `3=12 February 2025` naming the text flagged.
    fn from_str(s: &str) -> Result<FlagPick, String> {
        let (number, text) = match s.split_once('=') {
            Some((n, t)) => (n, Some(t.to_owned())),
            None => (s, None),
        };
        let number = number
            .trim()
            .parse()
            .map_err(|_| format!("`{s}` is not a flag: give its number, or NUMBER=TEXT (`1=12 February 2025`)"))?;
        Ok(FlagPick { number, text })
    }
}

/// Changes to an evidence item; what is left out stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceEdit {
    /// A new title.
    #[serde(default)]
    pub title: Option<String>,
    /// New text.
    #[serde(default)]
    pub text: Option<String>,
    /// A new length in pages.
    #[serde(default)]
    pub pages: Option<u32>,
    /// New PCF tags (replacing the old).
    #[serde(default)]
    pub pcf: Option<Vec<String>>,
    /// New KSS tags (replacing the old).
    #[serde(default)]
    pub kss: Option<Vec<String>>,
}

/// The anonymisation check of one item: what is flagged, what the author cleared, and where
/// the item stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AnonymisationCheck {
    /// The item.
    #[schema(value_type = i64, minimum = 1)]
    pub evidence: EvidenceId,
    /// Its title.
    pub title: String,
    /// Where it stands now (recorded on the item).
    #[schema(value_type = Object)]
    pub status: AnonymisationStatus,
    /// Flags to clear or fix, numbered from 1 in this order; positions are line:col in the
    /// checked text (the title is line 1, the text starts on line 3).
    #[schema(value_type = Vec<Object>)]
    pub outstanding: Vec<Flag>,
    /// Flags the author cleared, with their reasons.
    #[schema(value_type = Vec<Object>)]
    pub cleared: Vec<ClearedFlag>,
    /// In plain English.
    pub summary: String,
}

/// What a panel reads: for each application it hears, the worker's evidence that has
/// passed the anonymisation check (and is dated on or before the sitting), its files checked
/// against their digests; and what is held back, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelPack {
    /// The panel.
    pub panel: PanelId,
    /// Its name.
    pub name: String,
    /// When it sits.
    pub held_on: NaiveDate,
    /// One entry per application on its list, in list order.
    pub applications: Vec<PackEntry>,
}

/// One application in a panel pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackEntry {
    /// The application.
    pub application: ApplicationId,
    /// The worker's name.
    pub worker: String,
    /// The route.
    pub route: RouteId,
    /// The route's name.
    pub route_name: String,
    /// The evidence the panel may read, oldest first.
    pub evidence: Vec<EvidenceItem>,
    /// Evidence held back, and why.
    pub withheld: Vec<Withheld>,
}

/// An item kept out of a panel pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withheld {
    /// The item.
    pub item: EvidenceId,
    /// Its title.
    pub title: String,
    /// Why the panel does not see it.
    pub reason: String,
}

/// A file sent with a new evidence item: the name it was sent with and its bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    /// The name as sent; only its last part (after any `/` or `\\`) is kept.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl Upload {
    /// The name to keep: the last part of the one sent, never a path.
    pub fn name(&self) -> &str {
        self.name.rsplit(['/', '\\']).next().unwrap_or(&self.name)
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload").field("name", &self.name).field("bytes", &self.bytes.len()).finish()
    }
}

/// Where a new item's files come from: the operator's disk, or a request.
#[derive(Debug)]
enum EvidenceFileSources<'a> {
    Paths(&'a [PathBuf]),
    Uploads(&'a [Upload]),
}

/// Evidence portfolio use cases for one authority.
#[derive(Debug, Clone)]
pub struct AuthorityPortfolios<'s> {
    store: &'s Store,
    scope: AuthorityScope,
    files: EvidenceFiles,
    frameworks: FrameworkCache,
    clock: Clock,
}

impl Pathway {
    /// Portfolio use cases for the authority with this id, keeping files where the
    /// configuration says.
    pub async fn portfolios(&self, authority: &str) -> Result<AuthorityPortfolios<'_>, AppError> {
        let files = EvidenceFiles::from_config(self.config());
        let scope = self.scope(authority).await?;
        Ok(AuthorityPortfolios {
            store: self.store(),
            scope,
            files,
            frameworks: self.framework_cache().clone(),
            clock: self.clock(),
        })
    }
}

impl<'s> AuthorityPortfolios<'s> {
    /// Use cases over `store` for the authority `scope` names, with files kept in `files`.
    pub fn new(store: &'s Store, scope: AuthorityScope, files: EvidenceFiles) -> AuthorityPortfolios<'s> {
        AuthorityPortfolios { store, scope, files, frameworks: FrameworkCache::default(), clock: Clock::System }
    }

    /// The same use cases reading `clock` for "now".
    pub fn with_clock(mut self, clock: Clock) -> AuthorityPortfolios<'s> {
        self.clock = clock;
        self
    }

    /// Check the actor may work on `owner`'s portfolio: it is theirs, or they are in the
    /// owner's line-management chain.
    async fn may_edit(&self, audit: &Audit, owner: WorkerId) -> Result<(), AppError> {
        if audit.by.person == owner {
            return Ok(());
        }
        if audit.by.is_worker_role() {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as the worker, but this is worker {owner}'s portfolio; act in a role you hold",
                audit.by.name
            )));
        }
        let line = self.store.line_management(&self.scope, owner, audit.date()).await?;
        if line.contains(audit.by.person) {
            return Ok(());
        }
        Err(AppError::NotPermitted(format!(
            "{} may not change worker {owner}'s portfolio: only the worker and their line managers may",
            audit.by.name
        )))
    }

    /// Who made an item that is another person's work (a practice observation, a manager's
    /// report), checked against the records: that person records it themselves, acting in
    /// the role named, which they must hold over the worker on the item's date (their line
    /// management); or an administrator enters it on their behalf and it is marked so. Any
    /// other item may be added by an administrator only on behalf of someone, so they are
    /// refused here. Returns the detail to store (the maker's name as the records have it).
    async fn made_by(&self, audit: &Audit, owner: WorkerId, new: &NewEvidence) -> Result<EvidenceDetail, AppError> {
        const RULE: &str = "evidence made by another person is recorded by that person, or entered by an \
                            administrator on their behalf and marked so";
        let mut detail = new.detail.clone();
        let admin = audit.by.role.as_str() == ADMINISTRATOR_ROLE;
        let kind = detail.kind().name();
        if let EvidenceDetail::ManagerReport { written_by: None } = &detail {
            if admin || audit.by.person == owner {
                return Err(AppError::NotPermitted(format!(
                    "a manager's report must name who wrote it ({RULE}); {} cannot write the worker's own",
                    audit.by.name
                )));
            }
            detail = EvidenceDetail::ManagerReport {
                written_by: Some(Contributor {
                    role: audit.by.role.clone(),
                    name: PersonName::parse(&audit.by.name)?,
                    worker: Some(audit.by.person),
                    entered_by: None,
                }),
            };
        }
        let Some(by) = detail.by_mut() else {
            if admin {
                return Err(AppError::NotPermitted(format!(
                    "an administrator enters only evidence made by another person, on their behalf; a {kind} is the \
                     worker's own ({RULE})"
                )));
            }
            return Ok(detail);
        };
        // A maker named without a workforce record is the actor when the name is theirs
        // (`--by-name` on the command line).
        if !admin && by.worker.is_none() && by.name.as_str().eq_ignore_ascii_case(audit.by.name.trim()) {
            by.worker = Some(audit.by.person);
        }
        if !admin && by.worker != Some(audit.by.person) {
            return Err(AppError::NotPermitted(format!(
                "{} cannot record a {kind} by {} ({}): {RULE}",
                audit.by.name, by.name, by.role
            )));
        }
        if !admin && by.role != audit.by.role {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as {}, but the {kind} is by a {}: {RULE}, acting in the role named",
                audit.by.name, audit.by.role, by.role
            )));
        }
        if let Some(maker) = by.worker {
            let line = self.store.line_management(&self.scope, owner, new.date).await?;
            if !line.is_own(&by.role, maker) {
                return Err(AppError::NotPermitted(format!(
                    "{} (worker {maker}) was not the worker's {} on {}: a {kind} is made by someone who holds the \
                     role named over the worker on its date",
                    by.name, by.role, new.date
                )));
            }
            if !admin {
                // The name comes from the records, not from the form.
                by.name = PersonName::parse(&audit.by.name)?;
            }
        }
        by.entered_by =
            admin.then(|| EnteredBy { name: audit.by.name.clone(), worker: audit.by.person, on: audit.date() });
        Ok(detail)
    }

    /// Keep each file (checked by its bytes and size) and say what was kept. Uploads are
    /// all checked before any is kept, so one refused file keeps none.
    async fn keep_files(&self, sources: &EvidenceFileSources<'_>) -> Result<Vec<FileRef>, AppError> {
        let blocking_failed = |e: tokio::task::JoinError, path: PathBuf| AppError::Write {
            path,
            source: std::io::Error::other(e.to_string()),
        };
        match sources {
            EvidenceFileSources::Paths(paths) => {
                let mut kept = Vec::with_capacity(paths.len());
                for path in paths.iter() {
                    let (files, path) = (self.files.clone(), path.clone());
                    let shown = path.clone();
                    let stored = tokio::task::spawn_blocking(move || files.store_path(&path))
                        .await
                        .map_err(|e| blocking_failed(e, shown))?;
                    kept.push(stored?);
                }
                Ok(kept)
            }
            EvidenceFileSources::Uploads(uploads) => {
                let (files, uploads) = (self.files.clone(), uploads.to_vec());
                let root = files.root().to_owned();
                tokio::task::spawn_blocking(move || {
                    for upload in &uploads {
                        files.check_bytes(&upload.bytes, upload.name())?;
                    }
                    uploads.iter().map(|upload| files.store_bytes(&upload.bytes, upload.name())).collect()
                })
                .await
                .map_err(|e| blocking_failed(e, root))?
            }
        }
    }

    /// Add an item to a worker's portfolio, with files read from `files` (kept on disk,
    /// content-addressed, before the item is stored).
    pub async fn add(&self, acting: &Acting, new: &NewEvidence, files: &[PathBuf]) -> Result<EvidenceRecord, AppError> {
        self.add_with(acting, new, &EvidenceFileSources::Paths(files)).await
    }

    /// Add an item to a worker's portfolio with files sent over the network: only the last
    /// part of each name is kept (a client's path is never used), and the bytes are checked
    /// as a file from disk is.
    pub async fn add_uploaded(
        &self,
        acting: &Acting,
        new: &NewEvidence,
        uploads: &[Upload],
    ) -> Result<EvidenceRecord, AppError> {
        self.add_with(acting, new, &EvidenceFileSources::Uploads(uploads)).await
    }

    async fn add_with(
        &self,
        acting: &Acting,
        new: &NewEvidence,
        files: &EvidenceFileSources<'_>,
    ) -> Result<EvidenceRecord, AppError> {
        let audit = resolve(self.store, &self.scope, acting, &self.clock).await?;
        let owner = find_worker(self.store, &self.scope, &new.worker).await?;
        let detail = self.made_by(&audit, owner.id, new).await?;
        if audit.by.role.as_str() != ADMINISTRATOR_ROLE {
            self.may_edit(&audit, owner.id).await?;
        }
        let parts = EvidenceParts {
            id: EvidenceId::new(0),
            owner: owner.id,
            detail,
            date: new.date,
            title: new.title.clone(),
            text: new.text.clone(),
            files: Vec::new(),
            pages: new.pages,
            authorisations: Vec::new(),
            pcf: new.pcf.clone(),
            kss: new.kss.clone(),
            pcf_level: new.pcf_level.clone(),
            anonymisation: AnonymisationStatus::NotChecked,
        };
        // Check the item before keeping any file, so a bad form leaves nothing on disk.
        EvidenceItem::new(parts.clone())?;
        let files = self.keep_files(files).await?;
        let item = EvidenceItem::new(EvidenceParts { files, ..parts })?;
        Ok(self.store.add_evidence(&self.scope, &item, &audit).await?.into())
    }

    /// Load, change and save an item, re-running the change once on a conflict.
    async fn change(
        &self,
        id: EvidenceId,
        audit: &Audit,
        change: impl Fn(&StoredEvidence) -> Result<(EvidenceItem, Vec<Clearance>, String), AppError>,
    ) -> Result<StoredEvidence, AppError> {
        // The attempt is run twice, so it borrows what it uses.
        let change = &change;
        retry_on_conflict(|| async move {
            let current = self.store.evidence(&self.scope, id).await?;
            let (item, clearances, what) = change(&current)?;
            Ok(self.store.update_evidence(&self.scope, &item, &clearances, current.meta.version, audit, &what).await?)
        })
        .await
    }

    /// Authorise an item in the role the actor holds (a head of service authorising a
    /// manager's report). The owner cannot authorise their own evidence.
    pub async fn authorise(&self, acting: &Acting, id: EvidenceId) -> Result<EvidenceRecord, AppError> {
        let audit = resolve(self.store, &self.scope, acting, &self.clock).await?;
        if audit.by.role.as_str() == WORKER_ROLE {
            return Err(AppError::NotPermitted(
                "evidence is authorised in a management role (--role head-of-service, say), not as the worker".into(),
            ));
        }
        let by = PersonName::parse(&audit.by.name)?;
        self.change(id, &audit, |current| {
            if current.item.owner() == audit.by.person {
                return Err(AppError::NotPermitted(format!(
                    "{} owns evidence item {id}; someone else must authorise it",
                    audit.by.name
                )));
            }
            let mut parts = current.item.clone().into_parts();
            parts.authorisations.retain(|a| a.role != audit.by.role);
            parts.authorisations.push(Authorisation {
                role: audit.by.role.clone(),
                by: by.clone(),
                on: audit.date(),
                worker: Some(audit.by.person),
            });
            let item = current.item.revise(parts)?;
            Ok((item, current.clearances.clone(), format!("authorised as {}", audit.by.role)))
        })
        .await
        .map(EvidenceRecord::from)
    }

    /// Edit an item. Changing its title or text puts it back to "not checked" for identifying
    /// details, and withdraws its authorisations (they were given to the words that changed).
    pub async fn edit(&self, acting: &Acting, id: EvidenceId, edit: &EvidenceEdit) -> Result<EvidenceRecord, AppError> {
        let audit = resolve(self.store, &self.scope, acting, &self.clock).await?;
        let current = self.store.evidence(&self.scope, id).await?;
        self.may_edit(&audit, current.item.owner()).await?;
        let scanner = self.scanner(current.item.owner(), audit.date()).await?;
        let voided = std::sync::Mutex::new(Vec::new());
        let stored = self
            .change(id, &audit, |current| {
                let mut parts = current.item.clone().into_parts();
                let mut changed = Vec::new();
                if let Some(title) = &edit.title {
                    parts.title = title.clone();
                    changed.push("title");
                }
                if let Some(text) = &edit.text {
                    parts.text = Some(text.clone());
                    changed.push("text");
                }
                let reworded = !changed.is_empty();
                if let Some(pages) = edit.pages {
                    parts.pages = Some(pages);
                    changed.push("pages");
                }
                if let Some(pcf) = &edit.pcf {
                    parts.pcf = pcf.clone();
                    changed.push("PCF tags");
                }
                if let Some(kss) = &edit.kss {
                    parts.kss = kss.clone();
                    changed.push("KSS tags");
                }
                if changed.is_empty() {
                    return Err(AppError::BadInput { field: "edit".into(), message: "nothing to change".into() });
                }
                let withdrawn = reworded && !parts.authorisations.is_empty();
                if reworded {
                    parts.authorisations.clear();
                }
                let mut item = current.item.revise(parts)?;
                let mut what = format!("edited the {}", changed.join(", "));
                if withdrawn {
                    what.push_str("; its authorisations were withdrawn");
                }
                let mut clearances = current.clearances.clone();
                let mut now_void = Vec::new();
                if reworded {
                    // The check runs again on the new words; clearances hold only for words the
                    // edit left as they were.
                    let text = item.anonymisation_text();
                    let flags = scanner.scan(&text);
                    (clearances, now_void) =
                        carry_over(&clearances, &current.item.anonymisation_text(), &text, &flags, audit.date());
                    item.set_anonymisation(review(&flags, &clearances).status(audit.date()));
                    for c in &now_void {
                        what.push_str(&format!(
                            "; clearance of {} voided: {}",
                            c.describe(),
                            c.voided.as_ref().map_or("", |v| v.why.as_str())
                        ));
                    }
                    what.push_str(&format!("; checked again: {}", item.anonymisation()));
                }
                if let Ok(mut v) = voided.lock() {
                    *v = now_void;
                }
                Ok((item, clearances, what))
            })
            .await?;
        let mut record = EvidenceRecord::from(stored);
        record.voided = voided.into_inner().unwrap_or_default();
        Ok(record)
    }

    /// Withdraw an item (who may: as for editing it), with why. It is kept for the
    /// authority's withdrawn-evidence period, then deleted with its files by `run-due`.
    pub async fn withdraw(&self, acting: &Acting, id: EvidenceId, reason: &str) -> Result<(), AppError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::BadInput {
                field: "reason".into(),
                message: "say why the evidence is withdrawn".into(),
            });
        }
        let audit = resolve(self.store, &self.scope, acting, &self.clock).await?;
        let current = self.store.evidence(&self.scope, id).await?;
        self.may_edit(&audit, current.item.owner()).await?;
        let entry = pathway_store::NewAuditEntry {
            kind: EntityKind::Evidence,
            id: id.get(),
            by: pathway_store::AuditActor::from(&audit.by),
            at: audit.at,
            why: reason.to_owned(),
            what: format!("withdrew evidence item {id}"),
            detail: serde_json::json!({ "withdrawn_on": audit.date() }).to_string(),
            entered_by: audit.entered_by.clone(),
            entered_from: audit.entered_from.clone(),
        };
        Ok(self.store.withdraw_evidence(&self.scope, id, audit.date(), reason, &entry).await?)
    }

    /// The scanner for an item's owner: the framework's names and the owner's own name are
    /// not flagged.
    async fn scanner(&self, owner: WorkerId, on: NaiveDate) -> Result<Scanner, AppError> {
        let record = self.store.worker_record(&self.scope, owner).await?;
        let framework = self.frameworks.in_force(self.store, &self.scope, Applies::Worker(&record), on).await?;
        let mut allow = AllowList::for_framework(&framework);
        allow.extend([record.worker.details.name.as_str()]);
        Ok(Scanner::new(allow, CaseReferencePattern::defaults()?)?)
    }

    /// Run the anonymisation check on an item and record where it stands. Flags the author
    /// cleared before (for the same detail) stay cleared.
    pub async fn check(&self, acting: &Acting, id: EvidenceId) -> Result<AnonymisationCheck, AppError> {
        self.clear(acting, id, &[], "").await
    }

    /// Clear outstanding flags (numbered from 1, as [`AuthorityPortfolios::check`] lists
    /// them) for `reason`, and record where the item stands. With no flags named, this is
    /// the check alone.
    pub async fn clear(
        &self,
        acting: &Acting,
        id: EvidenceId,
        flags: &[usize],
        reason: &str,
    ) -> Result<AnonymisationCheck, AppError> {
        let picks: Vec<FlagPick> = flags.iter().copied().map(FlagPick::from).collect();
        self.clear_picked(acting, id, &picks, reason).await
    }

    /// Clear outstanding flags, each named by number and (to be sure it is the detail the
    /// author read) the flagged text: a flag whose text is not what the author names is
    /// refused, so a clearance never lands on a detail the author did not see. Each
    /// clearance records the exact text, its position and the rule that flagged it.
    pub async fn clear_picked(
        &self,
        acting: &Acting,
        id: EvidenceId,
        flags: &[FlagPick],
        reason: &str,
    ) -> Result<AnonymisationCheck, AppError> {
        let audit = resolve(self.store, &self.scope, acting, &self.clock).await?;
        let current = self.store.evidence(&self.scope, id).await?;
        self.may_edit(&audit, current.item.owner()).await?;
        let scanner = self.scanner(current.item.owner(), audit.date()).await?;
        let on = audit.date();
        let stored = self
            .change(id, &audit, |current| {
                let found = scanner.scan(&current.item.anonymisation_text());
                let mut clearances = current.clearances.clone();
                let outstanding = review(&found, &clearances).outstanding;
                for pick in flags {
                    let n = pick.number;
                    let flag = n.checked_sub(1).and_then(|i| outstanding.get(i)).ok_or_else(|| AppError::NotOnRecord {
                        field: "flag".into(),
                        message: format!(
                            "there is no outstanding flag {n} on evidence item {id}; it has {} (run the check to list them)",
                            outstanding.len()
                        ),
                    })?;
                    if let Some(seen) = &pick.text
                        && seen.trim() != flag.text
                    {
                        return Err(AppError::NotOnRecord {
                            field: "flag".into(),
                            message: format!(
                            "flag {n} on evidence item {id} is now `{}` ({}), not `{}`: a clearance names the exact \
                             text it clears, and the text has changed since it was listed; run the check again",
                            flag.text,
                            flag.kind.describe(),
                            seen.trim()
                        ),
                        });
                    }
                    clearances.push(Clearance::new(flag, reason, on)?);
                }
                let readiness = review(&found, &clearances);
                let mut item = current.item.clone();
                item.set_anonymisation(readiness.status(on));
                let what = if flags.is_empty() {
                    format!("ran the anonymisation check: {}", item.anonymisation())
                } else {
                    format!("cleared {} flagged detail(s): {}; now {}", flags.len(), reason.trim(), item.anonymisation())
                };
                Ok((item, clearances, what))
            })
            .await?;
        let readiness = review(&scanner.scan(&stored.item.anonymisation_text()), &stored.clearances);
        Ok(AnonymisationCheck {
            evidence: id,
            title: stored.item.title().to_owned(),
            status: stored.item.anonymisation(),
            summary: readiness.explain(),
            outstanding: readiness.outstanding,
            cleared: readiness.cleared,
        })
    }

    /// The panel pack for a stored panel: each listed application's cleared evidence, with
    /// every attached file read back and checked against its digest (a missing or damaged
    /// file holds its item back, and says so). Reading it is recorded in the audit trail,
    /// naming `viewer`.
    pub async fn panel_pack(&self, panel: PanelId, viewer: &Viewer) -> Result<PanelPack, AppError> {
        let stored = self.store.panel(&self.scope, panel).await?;
        let what = format!("the pack of panel {panel} ({})", stored.panel.name());
        record_view(self.store, &self.scope, self.clock, viewer, (EntityKind::PanelPack, panel.get()), &what).await?;
        let p = &stored.panel;
        let mut applications = Vec::with_capacity(p.hearings().len());
        for h in p.hearings() {
            let app = self.store.application(&self.scope, h.application).await?.application;
            let mut entry = PackEntry {
                application: h.application,
                worker: app.applicant().name.clone(),
                route: app.route().id.clone(),
                route_name: app.route().name.clone(),
                evidence: Vec::new(),
                withheld: Vec::new(),
            };
            for s in self.store.portfolio(&self.scope, app.worker()).await? {
                let item = s.item;
                let withhold = |reason: String| Withheld { item: item.id(), title: item.title().to_owned(), reason };
                if !item.anonymisation().is_cleared() {
                    entry.withheld.push(withhold(format!("{}", item.anonymisation())));
                } else if item.date() > p.held_on() {
                    entry.withheld.push(withhold(format!("dated {}, after the panel sits", item.date())));
                } else if let Some(problem) = self.unreadable_file(&item).await {
                    entry.withheld.push(withhold(problem));
                } else {
                    entry.evidence.push(item);
                }
            }
            applications.push(entry);
        }
        Ok(PanelPack { panel, name: p.name().to_owned(), held_on: p.held_on(), applications })
    }

    /// Why one of the item's files cannot go in a pack, if one cannot.
    async fn unreadable_file(&self, item: &EvidenceItem) -> Option<String> {
        for f in item.files() {
            let (files, file) = (self.files.clone(), f.clone());
            let read = tokio::task::spawn_blocking(move || files.read(&file).map(|_| ())).await;
            match read {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Some(format!("its file {} cannot be read: {e}", f.original_name())),
                Err(e) => return Some(format!("its file {} cannot be read: {e}", f.original_name())),
            }
        }
        None
    }

    /// One item.
    pub async fn evidence(&self, id: EvidenceId) -> Result<EvidenceRecord, AppError> {
        Ok(self.store.evidence(&self.scope, id).await?.into())
    }

    /// One of an item's files (by its SHA-256) and its bytes, checked against the digest.
    pub async fn file(&self, id: EvidenceId, sha256: &str) -> Result<(FileRef, Vec<u8>), AppError> {
        let stored = self.store.evidence(&self.scope, id).await?;
        let file = stored.item.files().iter().find(|f| f.sha256().as_str() == sha256).cloned().ok_or_else(|| {
            AppError::Store(pathway_store::StoreError::NotFound {
                what: "evidence file",
                key: sha256.to_owned(),
                authority: self.scope.id().to_string(),
            })
        })?;
        let (files, wanted) = (self.files.clone(), file.clone());
        let root = self.files.root().to_owned();
        let bytes = tokio::task::spawn_blocking(move || files.read(&wanted))
            .await
            .map_err(|e| AppError::Read { path: root, source: std::io::Error::other(e.to_string()) })??;
        Ok((file, bytes))
    }

    /// A worker's portfolio (by employee number), oldest first. Reading it is recorded in
    /// the audit trail, naming `viewer`.
    pub async fn list(&self, worker: &str, viewer: &Viewer) -> Result<Vec<EvidenceRecord>, AppError> {
        let w = find_worker(self.store, &self.scope, worker).await?;
        let what = format!("the portfolio of {} ({})", w.details.name, w.details.employee_number);
        record_view(self.store, &self.scope, self.clock, viewer, (EntityKind::Portfolio, w.id.get()), &what).await?;
        Ok(self.store.portfolio(&self.scope, w.id).await?.into_iter().map(EvidenceRecord::from).collect())
    }

    /// A worker's portfolio set against a route on `on`: the matrix of what the route asks
    /// for against what the portfolio holds, and the verdict "ready to submit" or what is
    /// missing. The framework is the one the worker's record is on.
    pub async fn coverage(&self, worker: &str, route: &RouteId, on: NaiveDate) -> Result<Coverage, AppError> {
        let w = find_worker(self.store, &self.scope, worker).await?;
        let record = self.store.worker_record(&self.scope, w.id).await?;
        let f = self.frameworks.in_force(self.store, &self.scope, Applies::Worker(&record), on).await?;
        let Some(r) = f.route(route) else {
            let from = record.timeline.on(on).map(|e| e.entry.level.clone());
            let routes: Vec<&str> = match &from {
                Some(level) => f.routes_from(level).map(|r| r.id.as_str()).collect(),
                None => f.routes.iter().map(|r| r.id.as_str()).collect(),
            };
            return Err(AppError::NotOnRecord {
                field: "route".into(),
                message: format!(
                    "{} has no route `{route}`; routes from {}'s level: {}",
                    f.framework.authority,
                    w.details.name,
                    if routes.is_empty() { "none".to_owned() } else { routes.join(", ") }
                ),
            });
        };
        let items: Vec<EvidenceItem> =
            self.store.portfolio(&self.scope, w.id).await?.into_iter().map(|s| s.item).collect();
        Ok(coverage(&f, r, &items, on))
    }
}
