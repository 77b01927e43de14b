//! What a signed-in caller (session or API token) may do through the API with portfolios,
//! the records criteria read, the organisation, reports, imports and subject access. Each
//! use case answers who may call it from [`crate::viewer`]'s rules (own record, the people
//! they hold a post over today, the authority for a system role; another authority is not
//! found) and then hands over to the use case the CLI runs, acting as the caller's person,
//! so every rule about the record itself stays where it was:
//! - a portfolio is read by whoever may see its worker, and the reading is recorded in the
//!   audit trail naming the person and the account;
//! - evidence is added, edited, checked and authorised by the rules of [`crate::portfolio`]
//!   (the worker and their line managers; authorised in a role held, never by its owner);
//! - attestations and appraisals are recorded by the caller's person under the rules of
//!   [`crate::records`]; awards, organisation changes and imports by `hr-admin` or
//!   `system-admin` only;
//! - the organisation and its posts are read by the system roles that see the authority;
//! - the workforce report covers the workers the caller may see;
//! - a subject access export is made by `hr-admin` only, and is itself in the audit trail.

use std::collections::HashSet;

use chrono::NaiveDate;
use pathway_core::framework::RouteId;
use pathway_core::ids::{EvidenceId, WorkerId};
use pathway_core::portfolio::{Coverage, FileRef};
use pathway_core::workforce::{AttestationKind, UnitKind};
use pathway_store::{AuditActor, AuthorityScope, EntityKind, StoredAccount, Workforce};

use crate::AppError;
use crate::import::organisation::{ORGANISATION_SHEET, OrganisationReport};
use crate::import::{ImportOptions, ImportReport, Sheet, WORKERS_SHEET};
use crate::operator::{Operator, Viewer as OperatorViewer, record_view};
use crate::organisation::{AuthoritySummary, OrganisationView, PostInput, PostView, UnitView};
use crate::portfolio::{AnonymisationCheck, EvidenceEdit, EvidenceRecord, FlagPick, NewEvidence, Upload};
use crate::records::{AppraisalLine, AttestationLine, AwardLine, RecordAppraisal, RecordAttestation, RecordAward};
use crate::service::Pathway;
use crate::subject::SubjectExport;
use crate::viewer::{SEE_ALL_ROLES, Viewer, check_version};
use pathway_core::eligibility::report::WorkforceReport;

/// System roles that change the organisation, import, and record awards.
pub const SET_UP_ROLES: &[&str] = &["system-admin", "hr-admin"];

/// The system role that makes subject access exports.
pub const SUBJECT_ACCESS_ROLE: &str = "hr-admin";

/// A change to a record, as the caller gives it: the role they act in (`worker`, their
/// own, by default) and why, for the record.
#[derive(Debug, Clone, Copy)]
pub struct AsRole<'a> {
    /// The role the caller acts in.
    pub role: Option<&'a str>,
    /// Why.
    pub why: &'a str,
}

/// An attestation as the API takes it: the recorder is the caller's person.
#[derive(Debug, Clone)]
pub struct AttestationInput {
    /// What it records.
    pub kind: AttestationKind,
    /// The standard set, accreditation, or what was endorsed or raised.
    pub what: Option<String>,
    /// The day it happened.
    pub on: NaiveDate,
    /// Anything else worth keeping.
    pub note: Option<String>,
}

/// An appraisal as the API takes it: held by the caller's person.
#[derive(Debug, Clone)]
pub struct AppraisalInput {
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What it concluded.
    pub outcome: String,
    /// A summary.
    pub summary: Option<String>,
    /// The objectives agreed.
    pub objectives: Option<String>,
    /// The development plan agreed.
    pub development_plan: Option<String>,
}

/// The owner of an item as a view entry names them: "Amara Okafor (E200)". A view is
/// recorded against the owner's portfolio (the item's own trail is its history).
async fn owner_name(scope: &AuthorityScope, pathway: &Pathway, record: &EvidenceRecord) -> Result<String, AppError> {
    let owner = pathway.store().worker(scope, record.item.owner()).await?;
    Ok(format!("{} ({})", owner.details.name, owner.details.employee_number))
}

/// The account as the actor of set-up entries in the audit trail.
fn account_operator(account: &StoredAccount) -> Operator {
    Operator { username: account.username.clone(), account: Some(account.id) }
}

fn holds_any(viewer: &Viewer, roles: &[&str]) -> bool {
    viewer.account.system_roles.iter().any(|r| roles.contains(&r.as_str()))
}

/// Refused unless the caller holds one of `roles`, naming the rule.
fn require(viewer: &Viewer, roles: &[&str], what: &str) -> Result<(), AppError> {
    if holds_any(viewer, roles) {
        return Ok(());
    }
    Err(AppError::NotPermitted(format!(
        "{what} is for the system role{} {}; {} holds {}",
        if roles.len() > 1 { "s" } else { "" },
        roles.join(" or "),
        viewer.account.username,
        if viewer.account.system_roles.is_empty() { "none".to_owned() } else { viewer.account.system_roles.join(", ") }
    )))
}

fn require_write(viewer: &Viewer) -> Result<(), AppError> {
    if viewer.may_write {
        Ok(())
    } else {
        Err(AppError::NotPermitted("this API token may read only; it cannot change anything".into()))
    }
}

impl Pathway {
    /// The viewer as a reader whose views the audit trail records: their person, through
    /// their account, from the request's address.
    pub(crate) async fn reader(&self, viewer: &Viewer, scope: &AuthorityScope) -> Result<OperatorViewer, AppError> {
        let me = self.store().worker(scope, viewer.account.worker).await?;
        Ok(OperatorViewer {
            operator: account_operator(&viewer.account),
            person: Some(me.details.employee_number.to_string()),
            from: viewer.from.clone(),
        })
    }

    /// An evidence item whose worker the caller may see, with its authority's scope.
    async fn visible_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
    ) -> Result<(AuthorityScope, EvidenceRecord), AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let record = self.portfolios(authority).await?.evidence(id).await?;
        let owner = self.store().worker(&scope, record.item.owner()).await?;
        self.sight(viewer, &scope, &owner).await?;
        Ok((scope, record))
    }

    // -----------------------------------------------------------------------------------
    // Evidence

    /// A worker's portfolio, oldest first; the reading is recorded in the audit trail.
    pub async fn viewer_portfolio(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<EvidenceRecord>, AppError> {
        let (scope, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        let reader = self.reader(viewer, &scope).await?;
        self.portfolios(authority).await?.list(worker.details.employee_number.as_str(), &reader).await
    }

    /// One evidence item; the reading is recorded in the audit trail.
    pub async fn viewer_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
    ) -> Result<EvidenceRecord, AppError> {
        let (scope, record) = self.visible_evidence(viewer, authority, id).await?;
        let reader = self.reader(viewer, &scope).await?;
        let what =
            format!("evidence item {id} (\"{}\") of {}", record.item.title(), owner_name(&scope, self, &record).await?);
        let portfolio = (EntityKind::Portfolio, record.item.owner().get());
        record_view(self.store(), &scope, self.clock(), &reader, portfolio, &what).await?;
        Ok(record)
    }

    /// One of an item's files (by SHA-256) and its bytes; the reading is recorded.
    pub async fn viewer_evidence_file(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
        sha256: &str,
    ) -> Result<(FileRef, Vec<u8>), AppError> {
        let (scope, record) = self.visible_evidence(viewer, authority, id).await?;
        let (file, bytes) = self.portfolios(authority).await?.file(id, sha256).await?;
        let reader = self.reader(viewer, &scope).await?;
        let what = format!(
            "the file {} of evidence item {id} of {}",
            file.original_name(),
            owner_name(&scope, self, &record).await?
        );
        let portfolio = (EntityKind::Portfolio, record.item.owner().get());
        record_view(self.store(), &scope, self.clock(), &reader, portfolio, &what).await?;
        Ok((file, bytes))
    }

    /// Add an item, with files sent in the request, to the portfolio of someone the caller
    /// may see, acting as their person in `act.role`.
    pub async fn viewer_add_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        new: &NewEvidence,
        uploads: &[Upload],
        act: AsRole<'_>,
    ) -> Result<EvidenceRecord, AppError> {
        let (scope, _, _) = self.visible_worker(viewer, authority, &new.worker).await?;
        let acting = self.acting_as(viewer, &scope, act.role, act.why).await?;
        self.portfolios(authority).await?.add_uploaded(&acting, new, uploads).await
    }

    /// Edit an item, if it is still at `expected_version`.
    pub async fn viewer_edit_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
        expected_version: Option<i64>,
        edit: &EvidenceEdit,
        act: AsRole<'_>,
    ) -> Result<EvidenceRecord, AppError> {
        let (scope, current) = self.visible_evidence(viewer, authority, id).await?;
        check_version(&format!("evidence item {id}"), current.meta.version.get(), expected_version)?;
        let acting = self.acting_as(viewer, &scope, act.role, act.why).await?;
        self.portfolios(authority).await?.edit(&acting, id, edit).await
    }

    /// Authorise an item in the role the caller acts in, if it is still at `expected_version`.
    pub async fn viewer_authorise_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
        expected_version: Option<i64>,
        act: AsRole<'_>,
    ) -> Result<EvidenceRecord, AppError> {
        let (scope, current) = self.visible_evidence(viewer, authority, id).await?;
        check_version(&format!("evidence item {id}"), current.meta.version.get(), expected_version)?;
        let acting = self.acting_as(viewer, &scope, act.role, act.why).await?;
        self.portfolios(authority).await?.authorise(&acting, id).await
    }

    /// Run the anonymisation check on an item and clear the flags picked (none: the check
    /// alone) for `reason`.
    pub async fn viewer_check_evidence(
        &self,
        viewer: &Viewer,
        authority: &str,
        id: EvidenceId,
        flags: &[FlagPick],
        reason: &str,
        act: AsRole<'_>,
    ) -> Result<AnonymisationCheck, AppError> {
        let (scope, _) = self.visible_evidence(viewer, authority, id).await?;
        let acting = self.acting_as(viewer, &scope, act.role, act.why).await?;
        self.portfolios(authority).await?.clear_picked(&acting, id, flags, reason).await
    }

    /// A worker's portfolio against a route on `on` (default today).
    pub async fn viewer_coverage(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
        route: &RouteId,
        on: Option<NaiveDate>,
    ) -> Result<Coverage, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        let on = on.unwrap_or_else(|| self.clock().today());
        self.portfolios(authority).await?.coverage(worker.details.employee_number.as_str(), route, on).await
    }

    // -----------------------------------------------------------------------------------
    // The authority and its organisation

    /// The caller's authority, summarised.
    pub async fn viewer_authority(&self, viewer: &Viewer, authority: &str) -> Result<AuthoritySummary, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let all = self.authority_list().await?;
        all.into_iter().find(|a| a.id == scope.id().as_str()).ok_or_else(|| {
            AppError::Store(pathway_store::StoreError::NotFound {
                what: "authority",
                key: authority.to_owned(),
                authority: authority.to_owned(),
            })
        })
    }

    /// The organisation tree with posts and holders on `on`, for the roles that see the
    /// authority.
    pub async fn viewer_organisation(
        &self,
        viewer: &Viewer,
        authority: &str,
        on: Option<NaiveDate>,
    ) -> Result<OrganisationView, AppError> {
        self.viewer_scope(viewer, authority).await?;
        require(viewer, SEE_ALL_ROLES, "reading the whole organisation")?;
        self.organisation(authority, on).await
    }

    /// Every post with its holder on `on`, for the roles that see the authority.
    pub async fn viewer_posts(
        &self,
        viewer: &Viewer,
        authority: &str,
        on: Option<NaiveDate>,
    ) -> Result<Vec<PostView>, AppError> {
        self.viewer_scope(viewer, authority).await?;
        require(viewer, SEE_ALL_ROLES, "reading every post")?;
        self.post_list(authority, on).await
    }

    async fn setting_up(&self, viewer: &Viewer, authority: &str, what: &str) -> Result<Operator, AppError> {
        self.viewer_scope(viewer, authority).await?;
        require(viewer, SET_UP_ROLES, what)?;
        require_write(viewer)?;
        Ok(account_operator(&viewer.account))
    }

    /// Add a unit, as `hr-admin` or `system-admin`.
    pub async fn viewer_add_unit(
        &self,
        viewer: &Viewer,
        authority: &str,
        kind: &str,
        name: &str,
        parent: Option<&str>,
    ) -> Result<UnitView, AppError> {
        let operator = self.setting_up(viewer, authority, "changing the organisation").await?;
        let kind: UnitKind = kind.parse()?;
        self.add_unit_by(&operator, authority, kind, name, parent).await
    }

    /// Create a post, as `hr-admin` or `system-admin`.
    pub async fn viewer_create_post(
        &self,
        viewer: &Viewer,
        authority: &str,
        post: &PostInput,
    ) -> Result<PostView, AppError> {
        let operator = self.setting_up(viewer, authority, "changing the organisation").await?;
        self.create_post_by(&operator, authority, post).await
    }

    /// Assign a post to a worker from `from` (default today), as `hr-admin` or `system-admin`.
    pub async fn viewer_assign_post(
        &self,
        viewer: &Viewer,
        authority: &str,
        post: i64,
        employee_number: &str,
        from: Option<NaiveDate>,
    ) -> Result<PostView, AppError> {
        let operator = self.setting_up(viewer, authority, "changing the organisation").await?;
        self.assign_post_by(&operator, authority, post, employee_number, from).await
    }

    /// Vacate a post from `on` (default today), as `hr-admin` or `system-admin`.
    pub async fn viewer_vacate_post(
        &self,
        viewer: &Viewer,
        authority: &str,
        post: i64,
        on: Option<NaiveDate>,
    ) -> Result<PostView, AppError> {
        let operator = self.setting_up(viewer, authority, "changing the organisation").await?;
        self.vacate_post_by(&operator, authority, post, on).await
    }

    // -----------------------------------------------------------------------------------
    // Attestations, awards and appraisals

    /// The attestations about a worker the caller may see.
    pub async fn viewer_attestations(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<AttestationLine>, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        self.attestations(authority, Some(worker.details.employee_number.as_str())).await
    }

    /// Record an attestation about a worker the caller may see, recorded by the caller's
    /// person (who may record which kind is [`crate::records`]' rule).
    pub async fn viewer_record_attestation(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
        input: &AttestationInput,
    ) -> Result<AttestationLine, AppError> {
        let (scope, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        require_write(viewer)?;
        let me = self.store().worker(&scope, viewer.account.worker).await?;
        let record = RecordAttestation {
            worker: worker.details.employee_number.to_string(),
            kind: input.kind,
            what: input.what.clone(),
            on: input.on,
            recorded_by: me.details.employee_number.to_string(),
            note: input.note.clone(),
        };
        self.record_attestation(authority, &record).await
    }

    /// The awards and courses of a worker the caller may see.
    pub async fn viewer_awards(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<AwardLine>, AppError> {
        let (scope, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        let record = self.store().worker_record(&scope, worker.id).await?;
        Ok(record
            .awards
            .into_iter()
            .map(|a| AwardLine {
                id: a.id,
                worker: worker.details.employee_number.to_string(),
                worker_name: worker.details.name.to_string(),
                award: a.award,
            })
            .collect())
    }

    /// Record an award for a worker, as `hr-admin` or `system-admin` (what a worker has
    /// been awarded is HR's to record, from the certificate).
    pub async fn viewer_record_award(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
        input: &RecordAward,
    ) -> Result<AwardLine, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        require(viewer, SET_UP_ROLES, "recording an award")?;
        require_write(viewer)?;
        let input = RecordAward { worker: worker.details.employee_number.to_string(), ..input.clone() };
        self.record_award(authority, &input).await
    }

    /// The appraisals of a worker the caller may see.
    pub async fn viewer_appraisals(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<AppraisalLine>, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        self.appraisals(authority, Some(worker.details.employee_number.as_str())).await
    }

    /// Record an appraisal the caller's person held (they must have been the worker's line
    /// manager that day: [`crate::records`]' rule).
    pub async fn viewer_record_appraisal(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
        input: &AppraisalInput,
    ) -> Result<AppraisalLine, AppError> {
        let (scope, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        require_write(viewer)?;
        let me = self.store().worker(&scope, viewer.account.worker).await?;
        let record = RecordAppraisal {
            worker: worker.details.employee_number.to_string(),
            held_on: input.held_on,
            outcome: input.outcome.clone(),
            by: me.details.employee_number.to_string(),
            summary: input.summary.clone(),
            objectives: input.objectives.clone(),
            development_plan: input.development_plan.clone(),
        };
        let through = (Some(viewer.account.username.clone()), viewer.from.clone());
        self.record_appraisal_entered(authority, &record, through).await
    }

    // -----------------------------------------------------------------------------------
    // Reports, imports, subject access

    /// The workforce eligibility report today over the workers the caller may see: a team
    /// manager's team, everyone for a system role that sees the authority.
    pub async fn viewer_workforce_report(
        &self,
        viewer: &Viewer,
        authority: &str,
        within_months: u32,
    ) -> Result<WorkforceReport, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let today = self.clock().today();
        if holds_any(viewer, SEE_ALL_ROLES) {
            return self.workforce_eligibility(authority, today, within_months).await;
        }
        let sights = self.sights(viewer, &scope).await?;
        let visible: HashSet<WorkerId> = self
            .store()
            .workers(&scope)
            .await?
            .into_iter()
            .map(|w| w.id)
            .filter(|&id| sights.of(id).is_some())
            .collect();
        self.workforce_eligibility_of(authority, today, within_months, Some(&visible)).await
    }

    /// Import workers from a sheet sent in the request (CSV or XLSX, by its name), in one
    /// transaction; with `dry_run`, check and report only.
    pub async fn viewer_import_workers(
        &self,
        viewer: &Viewer,
        authority: &str,
        file_name: &str,
        bytes: Vec<u8>,
        options: ImportOptions,
    ) -> Result<ImportReport, AppError> {
        let operator = self.setting_up(viewer, authority, "importing workers").await?;
        let sheet = Sheet::from_upload(file_name, bytes, WORKERS_SHEET)?;
        self.import_workers_by(&operator, authority, sheet, options, &|_, _| {}).await
    }

    /// Import units and posts from a sheet sent in the request, in one transaction; with
    /// `dry_run`, check and report only.
    pub async fn viewer_import_organisation(
        &self,
        viewer: &Viewer,
        authority: &str,
        file_name: &str,
        bytes: Vec<u8>,
        dry_run: bool,
    ) -> Result<OrganisationReport, AppError> {
        let operator = self.setting_up(viewer, authority, "importing the organisation").await?;
        let sheet = Sheet::from_upload(file_name, bytes, ORGANISATION_SHEET)?;
        self.import_organisation_by(&operator, authority, sheet, dry_run).await
    }

    /// Everything held about a worker, as the zip `pathway export subject` writes, for
    /// `hr-admin` only (not for the worker themselves: a request for one's own data goes to
    /// HR, who answer it in full); the export is recorded in the audit trail.
    pub async fn viewer_subject_export(
        &self,
        viewer: &Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<(SubjectExport, Vec<u8>), AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        require(viewer, &[SUBJECT_ACCESS_ROLE], "a subject access export")?;
        let me = self.store().worker(&scope, viewer.account.worker).await?;
        let by =
            AuditActor { person: Some(me.id), name: me.details.name.to_string(), role: SUBJECT_ACCESS_ROLE.to_owned() };
        let through = (Some(viewer.account.username.clone()), viewer.from.clone());
        self.export_subject_zip(authority, employee_number, by, through).await
    }
}
