//! Retention: keeping leavers' records and withdrawn evidence no longer than the authority
//! needs them (UK GDPR storage limitation), and legal holds that stop that.
//!
//! - **Periods** are per authority, in days: leavers' records [`DEFAULT_LEAVER_DAYS`] after
//!   the leaving date, withdrawn evidence [`DEFAULT_WITHDRAWN_EVIDENCE_DAYS`] after its
//!   withdrawal. Setting them is a set-up command of the operator.
//! - **Legal holds** are placed and lifted by the operator when it is the built-in one or
//!   holds the `system-admin` or `hr-admin` system role (the records say who may; a flag
//!   on the command does not), always with a reason, always audited.
//! - **Applying** them ([`Pathway::run_due`] does, on its day): each leaver past the
//!   period and not held is erased (what that removes: `pathway_store::api::retention`),
//!   each withdrawn evidence item past its period is deleted, one transaction per person or
//!   item with its audit entry (kind of data, counts, rule — never the content). Files no
//!   evidence item holds any more are removed after the commit; a file left behind by a
//!   crash in between is removed by a later run (files nothing holds, older than a day, so
//!   an upload whose row is not yet written is never taken).
//!
//! The audit entries written before an erasure are left as they are: see the README
//! ("Retention and legal hold") for why.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use chrono::{Days, NaiveDate};
use pathway_store::{
    Accounts, AuditActor, EntityKind, Erased, MAX_RETENTION_DAYS, NewAuditEntry, NewLegalHold, NotErased, Retention,
    Workforce,
};
pub use pathway_store::{LegalHold, Lifted, RetentionPeriods};
use serde::Serialize;
use serde_json::json;

use crate::error::AppError;
use crate::files::EvidenceFiles;
use crate::operator::Operator;
use crate::progression::{DueMove, find_worker};
use crate::service::Pathway;

/// Leavers' records are kept six years after the leaving date (2,192 days): the limitation
/// period for a claim in contract or tort (Limitation Act 1980), and what the Local
/// Government Association's retention guidance gives for personnel files.
pub const DEFAULT_LEAVER_DAYS: u32 = 2192;
/// Withdrawn evidence is kept a year after its withdrawal: long enough for an appeal or a
/// complaint about the decision it was part of, no longer (it may mention children).
pub const DEFAULT_WITHDRAWN_EVIDENCE_DAYS: u32 = 365;

/// The name erasures are recorded under in the audit trail: the retention rule, not a person.
pub const RETENTION_ACTOR: &str = "retention";

/// System roles that may place and lift legal holds.
const HOLD_ROLES: [&str; 2] = ["system-admin", "hr-admin"];

/// A file nothing holds is removed by a sweep only when older than this.
const ORPHAN_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// What `run-due` did on a day: the automatic moves, and what retention erased or held back.
#[derive(Debug, Clone, Serialize)]
pub struct DueRun {
    /// The day run for.
    pub on: NaiveDate,
    /// The automatic moves dealt with.
    pub moves: Vec<DueMove>,
    /// Retention applied.
    pub retention: RetentionRun,
}

/// Retention applied on a day.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionRun {
    /// The authority's periods.
    pub periods: RetentionPeriods,
    /// Leavers whose personal data was erased.
    pub leavers_erased: Vec<ErasureDone>,
    /// Withdrawn evidence items deleted.
    pub evidence_erased: Vec<ErasureDone>,
    /// What was due but kept because of a legal hold.
    pub held: Vec<HeldBack>,
    /// Files removed from disk (freed by these erasures, or left behind by an earlier run).
    pub files_removed: usize,
}

/// One erasure: the record (a worker's id for a leaver, an item's id for evidence; never a
/// name), the rule and what went.
#[derive(Debug, Clone, Serialize)]
pub struct ErasureDone {
    /// The worker (leaver) or evidence item.
    pub id: i64,
    /// The day the period ran from (leaving date or withdrawal).
    pub from: NaiveDate,
    /// Rows per kind of record.
    pub rows: BTreeMap<&'static str, u64>,
    /// File rows deleted.
    pub file_rows: u64,
}

/// Something due for erasure and kept because of a legal hold.
#[derive(Debug, Clone, Serialize)]
pub struct HeldBack {
    /// `leaver` or `evidence`.
    pub what: &'static str,
    /// The worker, or the evidence item.
    pub id: i64,
    /// The worker's employee number and name.
    pub worker: String,
    /// The hold.
    pub hold: i64,
    /// Its reason.
    pub reason: String,
}

/// An authority's retention periods and the holds in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionView {
    /// The periods.
    pub periods: RetentionPeriods,
    /// Holds in force, newest first.
    pub holds: Vec<LegalHold>,
}

fn summary(erased: &Erased) -> String {
    let mut parts: Vec<String> = erased.rows.iter().map(|(kind, n)| format!("{kind}: {n}")).collect();
    if erased.file_rows > 0 {
        parts.push(format!("evidence files: {}", erased.file_rows));
    }
    if parts.is_empty() { "nothing held".to_owned() } else { parts.join(", ") }
}

fn rule_actor() -> AuditActor {
    AuditActor { person: None, name: RETENTION_ACTOR.to_owned(), role: RETENTION_ACTOR.to_owned() }
}

impl Pathway {
    /// The authority's retention periods and the legal holds in force.
    pub async fn retention(&self, authority: &str) -> Result<RetentionView, AppError> {
        let scope = self.scope(authority).await?;
        Ok(RetentionView {
            periods: self.store().retention_periods(&scope).await?,
            holds: self.store().legal_holds(&scope, false).await?,
        })
    }

    /// Set either or both retention periods (days, 1 to a hundred years), as a set-up command.
    pub async fn set_retention(
        &self,
        authority: &str,
        leaver_days: Option<u32>,
        withdrawn_evidence_days: Option<u32>,
    ) -> Result<RetentionPeriods, AppError> {
        let operator = self.operator().await?;
        for (value, field) in
            [(leaver_days, "leaver-retention-days"), (withdrawn_evidence_days, "withdrawn-evidence-retention-days")]
        {
            if let Some(days) = value
                && (days == 0 || days > MAX_RETENTION_DAYS)
            {
                return Err(AppError::BadInput {
                    field: field.into(),
                    message: format!("{days} days is not a retention period: give 1 to {MAX_RETENTION_DAYS} days"),
                });
            }
        }
        let scope = self.scope(authority).await?;
        let current = self.store().retention_periods(&scope).await?;
        let periods = RetentionPeriods {
            leaver_days: leaver_days.unwrap_or(current.leaver_days),
            withdrawn_evidence_days: withdrawn_evidence_days.unwrap_or(current.withdrawn_evidence_days),
        };
        let entry = NewAuditEntry {
            kind: EntityKind::Authority,
            id: 0,
            by: operator_actor(&operator),
            at: self.clock().now(),
            why: "authority set".to_owned(),
            what: format!(
                "set retention: leavers' records {} days after leaving, withdrawn evidence {} days after withdrawal",
                periods.leaver_days, periods.withdrawn_evidence_days
            ),
            detail: json!({
                "leaver_retention_days": periods.leaver_days,
                "withdrawn_evidence_retention_days": periods.withdrawn_evidence_days,
            })
            .to_string(),
            entered_by: None,
            entered_from: None,
        };
        Ok(self.store().set_retention_periods(&scope, periods, &entry).await?)
    }

    /// Check the operator may place or lift legal holds: the built-in operator (a
    /// single-person install, as for set-up commands), or an account holding `system-admin`
    /// or `hr-admin`.
    async fn hold_keeper(&self) -> Result<Operator, AppError> {
        let operator = self.operator().await?;
        if operator.account.is_none() {
            return Ok(operator);
        }
        let roles = match self.store().credentials(&operator.username).await? {
            Some(c) => c.account.system_roles,
            None => Vec::new(),
        };
        if roles.iter().any(|r| HOLD_ROLES.contains(&r.as_str())) {
            return Ok(operator);
        }
        Err(AppError::NotPermitted(format!(
            "legal holds are placed and lifted by an account holding the system-admin or hr-admin system role; \
             the operator `{}` holds {}",
            operator.username,
            if roles.is_empty() { "none".to_owned() } else { roles.join(", ") }
        )))
    }

    /// Place a legal hold on a worker (employee number): their records and evidence are not
    /// erased while it is in force.
    pub async fn place_legal_hold(&self, authority: &str, worker: &str, reason: &str) -> Result<LegalHold, AppError> {
        let operator = self.hold_keeper().await?;
        let reason = required_reason(reason)?;
        let scope = self.scope(authority).await?;
        let person = find_worker(self.store(), &scope, worker).await?;
        let at = self.clock().now();
        let hold = NewLegalHold { worker: person.id, reason: reason.clone(), placed_by: operator.username.clone(), at };
        let entry = |id: i64| NewAuditEntry {
            kind: EntityKind::LegalHold,
            id,
            by: operator_actor(&operator),
            at,
            why: reason.clone(),
            what: format!("placed legal hold {id} on worker {}", person.details.employee_number),
            detail: json!({ "worker": person.id.get(), "hold": id }).to_string(),
            entered_by: None,
            entered_from: None,
        };
        Ok(self.store().place_legal_hold(&scope, &hold, &entry).await?)
    }

    /// Lift the holds in force on a worker, with why. From the next `run-due`, their records
    /// are erased if past the period.
    pub async fn lift_legal_hold(
        &self,
        authority: &str,
        worker: &str,
        reason: &str,
    ) -> Result<Vec<LegalHold>, AppError> {
        let operator = self.hold_keeper().await?;
        let reason = required_reason(reason)?;
        let scope = self.scope(authority).await?;
        let person = find_worker(self.store(), &scope, worker).await?;
        let holds: Vec<LegalHold> =
            self.store().legal_holds(&scope, false).await?.into_iter().filter(|h| h.worker == person.id).collect();
        if holds.is_empty() {
            return Err(AppError::BadInput {
                field: "worker".into(),
                message: format!("worker {} has no legal hold in force", person.details.employee_number),
            });
        }
        let at = self.clock().now();
        let lifted = Lifted { by: operator.username.clone(), at, because: reason.clone() };
        let mut out = Vec::new();
        for hold in holds {
            let entry = NewAuditEntry {
                kind: EntityKind::LegalHold,
                id: hold.id,
                by: operator_actor(&operator),
                at,
                why: reason.clone(),
                what: format!("lifted legal hold {} on worker {}", hold.id, person.details.employee_number),
                detail: json!({ "worker": person.id.get(), "hold": hold.id }).to_string(),
                entered_by: None,
                entered_from: None,
            };
            out.push(self.store().lift_legal_hold(&scope, hold.id, &lifted, &entry).await?);
        }
        Ok(out)
    }

    /// The authority's legal holds: those in force, or with `all` every one ever placed.
    pub async fn legal_holds(&self, authority: &str, all: bool) -> Result<Vec<LegalHold>, AppError> {
        let scope = self.scope(authority).await?;
        Ok(self.store().legal_holds(&scope, all).await?)
    }

    /// Everything due on `on` (default, and at latest, today by the clock) for one
    /// authority: the automatic moves, then retention.
    pub async fn run_due(&self, authority: &str, on: Option<NaiveDate>) -> Result<DueRun, AppError> {
        let on = on.unwrap_or_else(|| self.clock().today());
        let moves = self.progression(authority).await?.run_due(Some(on)).await?;
        let retention = self.apply_retention(authority, on).await?;
        Ok(DueRun { on, moves, retention })
    }

    /// Apply the authority's retention periods on `on` (never after today; see the module
    /// header).
    pub async fn apply_retention(&self, authority: &str, on: NaiveDate) -> Result<RetentionRun, AppError> {
        let today = self.clock().today();
        if on > today {
            return Err(AppError::BadInput {
                field: "on".into(),
                message: format!("{on} is after today ({today}): retention is applied only on a day that has come"),
            });
        }
        let scope = self.scope(authority).await?;
        let periods = self.store().retention_periods(&scope).await?;
        let mut run = RetentionRun {
            periods,
            leavers_erased: Vec::new(),
            evidence_erased: Vec::new(),
            held: Vec::new(),
            files_removed: 0,
        };
        let mut freed = Vec::new();
        // Kept N days after the day: due from day N + 1.
        let cutoff = |days: u32| on.checked_sub_days(Days::new(u64::from(days) + 1)).unwrap_or(NaiveDate::MIN);
        for leaver in self.store().unerased_leavers(&scope, cutoff(periods.leaver_days)).await? {
            let at = self.clock().now();
            let entry = |erased: &Erased| NewAuditEntry {
                kind: EntityKind::Erasure,
                id: leaver.worker.get(),
                by: rule_actor(),
                at,
                why: format!(
                    "retention: leavers' records are kept {} days after leaving (left {})",
                    periods.leaver_days, leaver.left_on
                ),
                what: format!("erased the personal data of leaver {}: {}", leaver.worker, summary(erased)),
                detail: json!({
                    "rule": "leaver_retention_days",
                    "days": periods.leaver_days,
                    "left_on": leaver.left_on,
                    "rows": erased.rows,
                    "file_rows": erased.file_rows,
                    "files_freed": erased.unreferenced_files.len(),
                })
                .to_string(),
                entered_by: None,
                entered_from: None,
            };
            match self.store().erase_leaver(&scope, leaver.worker, at, &entry).await? {
                Ok(erased) => {
                    run.leavers_erased.push(ErasureDone {
                        id: leaver.worker.get(),
                        from: leaver.left_on,
                        rows: erased.rows,
                        file_rows: erased.file_rows,
                    });
                    freed.extend(erased.unreferenced_files);
                }
                Err(NotErased::Held { hold, reason }) => {
                    let worker = self.store().worker(&scope, leaver.worker).await?;
                    run.held.push(HeldBack {
                        what: "leaver",
                        id: leaver.worker.get(),
                        worker: format!("{} {}", worker.details.employee_number, worker.details.name),
                        hold,
                        reason,
                    });
                }
                Err(NotErased::AlreadyErased) => {}
            }
        }
        for item in self.store().withdrawn_evidence(&scope, cutoff(periods.withdrawn_evidence_days)).await? {
            let entry = |erased: &Erased| NewAuditEntry {
                kind: EntityKind::Evidence,
                id: item.id.get(),
                by: rule_actor(),
                at: self.clock().now(),
                why: format!(
                    "retention: withdrawn evidence is kept {} days after withdrawal (withdrawn {})",
                    periods.withdrawn_evidence_days, item.withdrawn_on
                ),
                what: format!("deleted withdrawn evidence item {}: {}", item.id, summary(erased)),
                detail: json!({
                    "rule": "withdrawn_evidence_retention_days",
                    "days": periods.withdrawn_evidence_days,
                    "withdrawn_on": item.withdrawn_on,
                    "rows": erased.rows,
                    "file_rows": erased.file_rows,
                    "files_freed": erased.unreferenced_files.len(),
                })
                .to_string(),
                entered_by: None,
                entered_from: None,
            };
            match self.store().erase_withdrawn_evidence(&scope, item.id, &entry).await? {
                Ok(erased) => {
                    run.evidence_erased.push(ErasureDone {
                        id: item.id.get(),
                        from: item.withdrawn_on,
                        rows: erased.rows,
                        file_rows: erased.file_rows,
                    });
                    freed.extend(erased.unreferenced_files);
                }
                Err(NotErased::Held { hold, reason }) => {
                    let worker = self.store().worker(&scope, item.worker).await?;
                    run.held.push(HeldBack {
                        what: "evidence",
                        id: item.id.get(),
                        worker: format!("{} {}", worker.details.employee_number, worker.details.name),
                        hold,
                        reason,
                    });
                }
                Err(NotErased::AlreadyErased) => {}
            }
        }
        run.files_removed = self.remove_unheld_files(&freed).await?;
        Ok(run)
    }

    /// Remove from disk the files just freed, and any file nothing holds that is older than
    /// a day; both only when no evidence item holds them now. How many were removed.
    async fn remove_unheld_files(&self, freed: &[String]) -> Result<usize, AppError> {
        let files = EvidenceFiles::from_config(self.config());
        let root = files.root().to_path_buf();
        if !root.exists() {
            return Ok(0);
        }
        let held = self.store().held_files().await?;
        let mut removed = 0;
        let remove = |path: &std::path::Path| -> Result<bool, AppError> {
            match std::fs::remove_file(path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                Err(source) => Err(AppError::Read { path: path.to_path_buf(), source }),
            }
        };
        for sha in freed {
            if !held.contains(sha) && sha.len() == 64 && remove(&root.join(&sha[..2]).join(&sha[2..]))? {
                removed += 1;
            }
        }
        let now = SystemTime::now();
        let read = |path: &std::path::Path| {
            std::fs::read_dir(path).map_err(|source| AppError::Read { path: path.to_path_buf(), source })
        };
        for folder in read(&root)? {
            let folder = folder.map_err(|source| AppError::Read { path: root.clone(), source })?;
            let name = folder.file_name().to_string_lossy().into_owned();
            if name.len() != 2 || !folder.path().is_dir() {
                continue;
            }
            for file in read(&folder.path())? {
                let file = file.map_err(|source| AppError::Read { path: folder.path(), source })?;
                let rest = file.file_name().to_string_lossy().into_owned();
                let sha = format!("{name}{rest}");
                // Temporary files of writes under way have other names; only whole digests.
                if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) || held.contains(&sha) {
                    continue;
                }
                let old = file
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|age| age > ORPHAN_AGE);
                if old && remove(&file.path())? {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

fn operator_actor(operator: &Operator) -> AuditActor {
    AuditActor { person: None, name: operator.username.clone(), role: crate::operator::OPERATOR_ROLE.to_owned() }
}

fn required_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadInput {
            field: "reason".into(),
            message: "a reason is required: say why the hold is placed or lifted".into(),
        });
    }
    if reason.chars().count() > 500 {
        return Err(AppError::BadInput { field: "reason".into(), message: "at most 500 characters".into() });
    }
    Ok(reason.to_owned())
}
