//! The domain and storage values front ends see, re-exported from the one place, so a front
//! end depends on `pathway-app` alone and a type that moves inside the core or the store is
//! re-pointed here, not in every interface.
//!
//! Prefer the app's own result types (in the use-case modules) for what a front end renders;
//! these are the values inside them, and the ids and requests front ends parse.

pub use pathway_core::anonymise::AnonymisationStatus;
pub use pathway_core::eligibility::report::{ReportGroup, ReportLine, TeamCounts, WorkerSummary, WorkforceReport};
pub use pathway_core::eligibility::{CriterionStatus, RouteEligibility, RouteStatus};
pub use pathway_core::framework::{Framework, Relation, RouteId};
pub use pathway_core::ids::{ApplicationId, AsyeProgrammeId, EvidenceId, ExceptionId, OrgUnitId, PanelId};
pub use pathway_core::pay::{Amount, NextIncrement, PayError, ProjectionRow, Salary};
pub use pathway_core::portfolio::{Coverage, EvidenceDetail, EvidenceKind, InvalidEvidence};
pub use pathway_core::progression::asye::{AsyeResult, CaseloadRecord, DevelopmentTime, Progress};
pub use pathway_core::progression::audit::Backdated;
pub use pathway_core::progression::decision::DecisionOutcome;
pub use pathway_core::progression::exception::{EligibilityException, ExceptionRef};
pub use pathway_core::progression::history::Change;
pub use pathway_core::progression::pay_preview::{PayChangePreview, PayPosition};
pub use pathway_core::progression::status::Status as ApplicationStatus;
pub use pathway_core::progression::steps::{StepCompletion, StepOutcome, StepStatus};
pub use pathway_core::standards::Standards;
pub use pathway_core::text::parse_iso_date;
pub use pathway_core::workforce::{
    AttestationKind, ChangeReason, EmployeeNumber, EmploymentType, InvalidValue, Name, NewTimelineEntry, NewWorker,
    PersonName, Qualification, RegistrationStatus, SweNumber, SweRegistration, UnitKind, WorkerDetails,
};
pub use pathway_core::{Diagnostic, Pence, Severity};
pub use pathway_store::{
    AuditActor, AuditEvent, StoredAccount, StoredApplication, StoredAsye, StoredException, StoredPanel, SyncChange,
    SyncOutcome,
};
