//! Retention: how long an authority keeps leavers' records and withdrawn evidence, legal
//! holds that stop erasure, and the erasure itself. Storage only: which leaver is due, and
//! what the audit entry says, are decided in `pathway-app`'s `retention` module.
//!
//! **What erasing a leaver removes** (one transaction, with its audit entry): their evidence
//! (rows and file rows; the bytes are removed by the caller after the commit, when no other
//! item holds the same file), applications (and their panel hearings), ASYE programmes,
//! eligibility exceptions, attestations, awards, appraisals, development goals, CPD records
//! (with their evidence links) and registration records about them, and their accounts (with sessions, tokens, stored idempotent answers and linked
//! OpenID identities; their sign-in events keep only the outcome and time). The worker row
//! stays, for workforce statistics and for records that name them as someone else's
//! reviewer or assessor, holding only: employment terms, start and leaving dates, unit, and
//! their level/grade/pay point history (without its notes). Name, employee number,
//! qualification, registration and ASYE details are blanked.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::ids::{EvidenceId, WorkerId};
use serde::Serialize;

use crate::api::AuthorityScope;
use crate::api::progression::NewAuditEntry;
use crate::error::Result;

/// How long an authority keeps what it no longer needs, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionPeriods {
    /// Days after a leaver's leaving date.
    pub leaver_days: u32,
    /// Days after evidence was withdrawn.
    pub withdrawn_evidence_days: u32,
}

/// The longest period an authority may set: a hundred years, in days.
pub const MAX_RETENTION_DAYS: u32 = 36_525;

/// A legal hold on a worker's records, placed and perhaps lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    /// Its id.
    pub id: i64,
    /// The worker held.
    pub worker: WorkerId,
    /// Their employee number and name, as the records hold them now.
    pub employee_number: String,
    /// Their name.
    pub worker_name: String,
    /// Why it was placed (a claim, a tribunal, an investigation).
    pub reason: String,
    /// The account that placed it.
    pub placed_by: String,
    /// When.
    pub placed_at: DateTime<Utc>,
    /// The account that lifted it, when, and why.
    pub lifted: Option<Lifted>,
}

/// Who lifted a hold, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lifted {
    /// The account.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub because: String,
}

/// A hold to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLegalHold {
    /// The worker to hold.
    pub worker: WorkerId,
    /// Why.
    pub reason: String,
    /// The account placing it.
    pub placed_by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A leaver whose records have not been erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnerasedLeaver {
    /// The worker.
    pub worker: WorkerId,
    /// Their last day.
    pub left_on: NaiveDate,
}

/// A withdrawn evidence item still held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WithdrawnEvidence {
    /// The item.
    pub id: EvidenceId,
    /// Its owner.
    pub worker: WorkerId,
    /// The day it was withdrawn.
    pub withdrawn_on: NaiveDate,
}

/// What one erasure removed: rows per kind of record, and the files no longer held by any
/// evidence item (by SHA-256), for the caller to remove from disk after the commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    /// Rows deleted or blanked, by kind of record (`evidence`, `applications`, ...).
    pub rows: BTreeMap<&'static str, u64>,
    /// File rows deleted.
    pub file_rows: u64,
    /// Files (SHA-256) that no evidence item holds any more.
    pub unreferenced_files: Vec<String>,
}

/// Why an erasure did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NotErased {
    /// A legal hold on the worker (its id and reason).
    Held { hold: i64, reason: String },
    /// Already erased (by another run).
    AlreadyErased,
}

/// The audit entry of an erasure, made from what it removed.
pub type ErasureEntry<'a> = &'a (dyn Fn(&Erased) -> NewAuditEntry + Sync);

/// Retention periods, legal holds, withdrawal and erasure.
pub trait Retention {
    /// The authority's retention periods.
    fn retention_periods(&self, scope: &AuthorityScope) -> impl Future<Output = Result<RetentionPeriods>> + Send;

    /// Set the authority's retention periods, with the audit entry, in one transaction.
    fn set_retention_periods(
        &self,
        scope: &AuthorityScope,
        periods: RetentionPeriods,
        entry: &NewAuditEntry,
    ) -> impl Future<Output = Result<RetentionPeriods>> + Send;

    /// Place a hold (refused for an erased worker), with the audit entry made from the
    /// hold's id, in one transaction.
    fn place_legal_hold(
        &self,
        scope: &AuthorityScope,
        hold: &NewLegalHold,
        entry: &(dyn Fn(i64) -> NewAuditEntry + Sync),
    ) -> impl Future<Output = Result<LegalHold>> + Send;

    /// Lift the hold `id` (refused if already lifted), with the audit entry, in one
    /// transaction.
    fn lift_legal_hold(
        &self,
        scope: &AuthorityScope,
        id: i64,
        lifted: &Lifted,
        entry: &NewAuditEntry,
    ) -> impl Future<Output = Result<LegalHold>> + Send;

    /// The authority's holds (only those in force unless `all`), newest first.
    fn legal_holds(&self, scope: &AuthorityScope, all: bool) -> impl Future<Output = Result<Vec<LegalHold>>> + Send;

    /// Mark an evidence item withdrawn on `on`, with the audit entry, in one transaction.
    fn withdraw_evidence(
        &self,
        scope: &AuthorityScope,
        id: EvidenceId,
        on: NaiveDate,
        because: &str,
        entry: &NewAuditEntry,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Leavers who left on or before `left_by` and are not erased.
    fn unerased_leavers(
        &self,
        scope: &AuthorityScope,
        left_by: NaiveDate,
    ) -> impl Future<Output = Result<Vec<UnerasedLeaver>>> + Send;

    /// Evidence withdrawn on or before `withdrawn_by` and still held.
    fn withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        withdrawn_by: NaiveDate,
    ) -> impl Future<Output = Result<Vec<WithdrawnEvidence>>> + Send;

    /// Erase a leaver's personal data (see the module header) with its audit entry, in one
    /// transaction; not done while a hold is in force, checked inside that transaction.
    fn erase_leaver(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        at: DateTime<Utc>,
        entry: ErasureEntry<'_>,
    ) -> impl Future<Output = Result<std::result::Result<Erased, NotErased>>> + Send;

    /// Delete a withdrawn evidence item and its file rows with the audit entry, in one
    /// transaction; not done while a hold on its owner is in force.
    fn erase_withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        id: EvidenceId,
        entry: ErasureEntry<'_>,
    ) -> impl Future<Output = Result<std::result::Result<Erased, NotErased>>> + Send;

    /// Every file (SHA-256) some evidence item of any authority holds: what a sweep of the
    /// file store must keep.
    fn held_files(&self) -> impl Future<Output = Result<std::collections::BTreeSet<String>>> + Send;
}
