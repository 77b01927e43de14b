//! Registration with Social Work England, CPD records, and appraisals written with their
//! audit entry. Storage only: who may record what, and what a registration means on a day,
//! are decided in `pathway-app`'s `career` module and the core's `career` module.

use std::future::Future;

use pathway_core::career::{CpdRecord, NewCpdRecord, NewRegistration, RegistrationRecord};
use pathway_core::ids::WorkerId;
use pathway_core::workforce::{AppraisalRecord, NewAppraisal};

use crate::api::AuthorityScope;
use crate::api::progression::NewAuditEntry;
use crate::error::Result;

/// The audit entry for a record, given the id storage assigned it.
pub type EntryFor<'a> = &'a (dyn Fn(i64) -> NewAuditEntry + Sync);

/// Registration history, CPD and appraisals, each written with its audit entry in one
/// transaction.
pub trait Careers {
    /// Add a record of `worker`'s registration, recorded by `recorded_by`.
    fn add_registration(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        registration: &NewRegistration,
        recorded_by: &str,
        entry: EntryFor<'_>,
    ) -> impl Future<Output = Result<RegistrationRecord>> + Send;

    /// The registration records of one worker, or of the authority, by worker and then
    /// earliest in force first.
    fn registrations(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> impl Future<Output = Result<Vec<RegistrationRecord>>> + Send;

    /// Add a CPD record of `worker`. Its evidence items must be the same worker's, and a
    /// peer named by id must be a worker of the authority: refused otherwise, naming which.
    fn add_cpd(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        record: &NewCpdRecord,
        recorded_by: &str,
        entry: EntryFor<'_>,
    ) -> impl Future<Output = Result<CpdRecord>> + Send;

    /// The CPD records of one worker, or of the authority, by worker and then date.
    fn cpd_records(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> impl Future<Output = Result<Vec<CpdRecord>>> + Send;

    /// Record an appraisal with its audit entry (an import writes appraisals through
    /// `Workforce::add_appraisal` and its own entry).
    fn add_audited_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
        entry: EntryFor<'_>,
    ) -> impl Future<Output = Result<AppraisalRecord>> + Send;
}
