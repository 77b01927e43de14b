//! [`Store`] dispatching the progression traits to whichever backend it holds (the workforce
//! traits dispatch in `store.rs`).

use pathway_core::anonymise::Clearance;
use pathway_core::ids::{ApplicationId, AsyeProgrammeId, EvidenceId, PanelId, WorkerId};
use pathway_core::portfolio::EvidenceItem;
use pathway_core::progression::application::Application;
use pathway_core::progression::asye::AsyeProgramme;
use pathway_core::progression::audit::Audit;
use pathway_core::progression::exception::EligibilityException;
use pathway_core::progression::panel::Panel;
use pathway_core::workforce::{NewTimelineEntry, TimelineEntry, Version};

use crate::api::AuthorityScope;
use crate::api::progression::{
    AuditEvent, AuditQuery, AuditTrail, ChainHead, ChainedAuditEvent, EntityKind, NewAuditEntry, Portfolios,
    Progression, StoredApplication, StoredAsye, StoredEvidence, StoredException, StoredPanel,
};
use crate::error::Result;
use crate::store::{Store, dispatch};

impl Portfolios for Store {
    async fn add_evidence(&self, scope: &AuthorityScope, item: &EvidenceItem, audit: &Audit) -> Result<StoredEvidence> {
        dispatch!(self, s => s.add_evidence(scope, item, audit).await)
    }
    async fn update_evidence(
        &self,
        scope: &AuthorityScope,
        item: &EvidenceItem,
        clearances: &[Clearance],
        expected: Version,
        audit: &Audit,
        what: &str,
    ) -> Result<StoredEvidence> {
        dispatch!(self, s => s.update_evidence(scope, item, clearances, expected, audit, what).await)
    }
    async fn evidence(&self, scope: &AuthorityScope, id: EvidenceId) -> Result<StoredEvidence> {
        dispatch!(self, s => s.evidence(scope, id).await)
    }
    async fn portfolio(&self, scope: &AuthorityScope, worker: WorkerId) -> Result<Vec<StoredEvidence>> {
        dispatch!(self, s => s.portfolio(scope, worker).await)
    }
}

impl Progression for Store {
    async fn create_exception(
        &self,
        scope: &AuthorityScope,
        exception: &EligibilityException,
    ) -> Result<StoredException> {
        dispatch!(self, s => s.create_exception(scope, exception).await)
    }
    async fn exceptions(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredException>> {
        dispatch!(self, s => s.exceptions(scope, worker).await)
    }
    async fn create_application(&self, scope: &AuthorityScope, application: &Application) -> Result<StoredApplication> {
        dispatch!(self, s => s.create_application(scope, application).await)
    }
    async fn application(&self, scope: &AuthorityScope, id: ApplicationId) -> Result<StoredApplication> {
        dispatch!(self, s => s.application(scope, id).await)
    }
    async fn applications(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredApplication>> {
        dispatch!(self, s => s.applications(scope, worker).await)
    }
    async fn save_application(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
    ) -> Result<StoredApplication> {
        dispatch!(self, s => s.save_application(scope, id, application, expected).await)
    }
    async fn save_application_with_timeline(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
        entry: &NewTimelineEntry,
    ) -> Result<(StoredApplication, TimelineEntry)> {
        dispatch!(self, s => s.save_application_with_timeline(scope, id, application, expected, entry).await)
    }
    async fn create_panel(&self, scope: &AuthorityScope, panel: &Panel) -> Result<StoredPanel> {
        dispatch!(self, s => s.create_panel(scope, panel).await)
    }
    async fn panel(&self, scope: &AuthorityScope, id: PanelId) -> Result<StoredPanel> {
        dispatch!(self, s => s.panel(scope, id).await)
    }
    async fn panels(&self, scope: &AuthorityScope) -> Result<Vec<StoredPanel>> {
        dispatch!(self, s => s.panels(scope).await)
    }
    async fn save_panel(
        &self,
        scope: &AuthorityScope,
        id: PanelId,
        panel: &Panel,
        expected: Version,
    ) -> Result<StoredPanel> {
        dispatch!(self, s => s.save_panel(scope, id, panel, expected).await)
    }
    async fn create_asye(&self, scope: &AuthorityScope, programme: &AsyeProgramme) -> Result<StoredAsye> {
        dispatch!(self, s => s.create_asye(scope, programme).await)
    }
    async fn asye(&self, scope: &AuthorityScope, id: AsyeProgrammeId) -> Result<StoredAsye> {
        dispatch!(self, s => s.asye(scope, id).await)
    }
    async fn asye_programmes(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredAsye>> {
        dispatch!(self, s => s.asye_programmes(scope, worker).await)
    }
    async fn save_asye(
        &self,
        scope: &AuthorityScope,
        id: AsyeProgrammeId,
        programme: &AsyeProgramme,
        expected: Version,
        opened: Option<&Application>,
    ) -> Result<(StoredAsye, Option<StoredApplication>)> {
        dispatch!(self, s => s.save_asye(scope, id, programme, expected, opened).await)
    }
}

impl AuditTrail for Store {
    async fn audit_trail(&self, scope: &AuthorityScope, kind: EntityKind, id: i64) -> Result<Vec<AuditEvent>> {
        dispatch!(self, s => s.audit_trail(scope, kind, id).await)
    }
    async fn audit_by_actor(&self, scope: &AuthorityScope, actor: WorkerId) -> Result<Vec<AuditEvent>> {
        dispatch!(self, s => s.audit_by_actor(scope, actor).await)
    }
    async fn audit_chain_head(&self, scope: &AuthorityScope) -> Result<Option<ChainHead>> {
        dispatch!(self, s => s.audit_chain_head(scope).await)
    }
    async fn audit_chain_entries(
        &self,
        scope: &AuthorityScope,
        after: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<ChainedAuditEvent>> {
        dispatch!(self, s => s.audit_chain_entries(scope, after, until, limit).await)
    }
    async fn audit_unchained(&self, scope: &AuthorityScope, limit: i64) -> Result<Vec<ChainedAuditEvent>> {
        dispatch!(self, s => s.audit_unchained(scope, limit).await)
    }
    async fn record_audit(&self, scope: &AuthorityScope, entry: &NewAuditEntry) -> Result<AuditEvent> {
        dispatch!(self, s => s.record_audit(scope, entry).await)
    }

    async fn audit_search(&self, scope: &AuthorityScope, query: &AuditQuery) -> Result<Vec<ChainedAuditEvent>> {
        dispatch!(self, s => s.audit_search(scope, query).await)
    }
}

impl Store {
    /// Chain audit entries written before the audit trail was hash-chained (migration 9), in
    /// the order they were written; idempotent. [`Store::migrate`] runs it, so callers need
    /// not. Returns how many entries it chained.
    pub async fn seal_audit_chain(&self) -> Result<u64> {
        dispatch!(self, s => s.seal_audit_chain().await)
    }
}
