//! Eligibility over stored records: the app loads the people, their teams and the
//! applications under way, and the core's pure report
//! ([`pathway_core::eligibility::report`]) sorts them. The framework for each worker comes
//! from the one rule in [`crate::frameworks`], so eligibility and progression agree.

use std::collections::HashSet;

use chrono::NaiveDate;
use pathway_core::eligibility::report::{WorkerSummary, WorkforceReport, workforce_report};
use pathway_core::eligibility::{RouteEligibility, WorkerFacts, evaluate};
use pathway_core::framework::RouteId;
use pathway_core::ids::WorkerId;
use pathway_core::workforce::{EmployeeNumber, OrgUnit, UnitKind, WorkerRecord};
use pathway_store::{Organisation, Progression, StoredException, Workforce};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;
use crate::frameworks::Applies;
use crate::progression::is_under_way;
use crate::service::Pathway;

/// One worker's eligibility.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkerEligibility {
    /// Who.
    #[schema(value_type = Object)]
    pub worker: WorkerSummary,
    /// The name of their level now.
    pub level: String,
    /// Every route out of it.
    #[schema(value_type = Vec<Object>)]
    pub routes: Vec<RouteEligibility>,
    /// Exceptions to the eligibility criteria recorded for them, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub exceptions: Vec<StoredException>,
}

impl Pathway {
    /// Everyone's eligibility in an authority: who can apply now, who soon, who is stuck.
    /// The report is on the authority's framework; workers whose record is on another one
    /// are left to that framework, as progression would leave them.
    pub async fn workforce_eligibility(
        &self,
        authority: &str,
        today: NaiveDate,
        within_months: u32,
    ) -> Result<WorkforceReport, AppError> {
        self.workforce_eligibility_of(authority, today, within_months, None).await
    }

    /// The same report over only the workers in `only` (when given): a manager's team, say.
    /// Counts and teams are of those workers alone.
    pub async fn workforce_eligibility_of(
        &self,
        authority: &str,
        today: NaiveDate,
        within_months: u32,
        only: Option<&HashSet<WorkerId>>,
    ) -> Result<WorkforceReport, AppError> {
        let scope = self.scope(authority).await?;
        let framework = self.framework_in_force(&scope, Applies::Authority, today).await?;
        let store = self.store();
        let units = store.units(&scope).await?;
        let records = store.worker_records(&scope).await?;
        let people: Vec<(WorkerSummary, WorkerFacts)> = records
            .iter()
            .filter(|record| only.is_none_or(|only| only.contains(&record.worker.id)))
            .filter(|record| record.worker.details.left_on.is_none_or(|left| left > today))
            .filter(|record| record.timeline.on(today).is_some_and(|e| e.entry.framework == framework.framework.id))
            .filter_map(|record| WorkerFacts::from_record(record, today).map(|facts| (summary(record, &units), facts)))
            .filter(|(_, facts)| framework.level(&facts.level).is_some())
            .collect();
        // Someone with an application under way for a route is not stuck on it.
        let open: HashSet<(WorkerId, RouteId)> = store
            .applications(&scope, None)
            .await?
            .into_iter()
            .filter(|stored| is_under_way(&stored.application))
            .map(|stored| (stored.application.worker(), stored.application.route().id.clone()))
            .collect();
        let mut report = workforce_report(&framework, &people, &open, today, within_months);
        report.framework = format!("{} (authority {})", framework.framework.id, scope.id());
        Ok(report)
    }

    /// One worker's eligibility, found by employee number, under the framework their record
    /// is on.
    pub async fn worker_eligibility(
        &self,
        authority: &str,
        employee_number: &str,
        today: NaiveDate,
    ) -> Result<WorkerEligibility, AppError> {
        let scope = self.scope(authority).await?;
        let number = EmployeeNumber::parse(employee_number)?;
        let store = self.store();
        let worker = store.worker_by_employee_number(&scope, &number).await?;
        let record = store.worker_record(&scope, worker.id).await?;
        let facts = WorkerFacts::from_record(&record, today).ok_or_else(|| AppError::BadInput {
            field: "--worker".into(),
            message: format!("{} has no level on record on {today}", record.worker.details.name.as_str()),
        })?;
        let framework = self.framework_in_force(&scope, Applies::Worker(&record), today).await?;
        let units = store.units(&scope).await?;
        let level = framework.level(&facts.level).map(|l| l.name.clone()).unwrap_or_else(|| facts.level.to_string());
        let exceptions = store
            .exceptions(&scope, Some(worker.id))
            .await?
            .into_iter()
            .filter(|stored| stored.exception.recorded_on() <= today)
            .collect();
        Ok(WorkerEligibility {
            worker: summary(&record, &units),
            level,
            routes: evaluate(&framework, &facts, today),
            exceptions,
        })
    }
}

/// A worker's name, number and team for reports.
fn summary(record: &WorkerRecord, units: &[OrgUnit]) -> WorkerSummary {
    let unit = record.worker.details.unit.and_then(|id| units.iter().find(|u| u.id == id));
    let parent = unit.and_then(|u| u.parent).and_then(|id| units.iter().find(|u| u.id == id));
    let (team, locality) = match unit.map(|u| u.kind) {
        Some(UnitKind::Team) => (unit.map(|u| u.name.as_str().to_owned()), parent.map(|p| p.name.as_str().to_owned())),
        Some(_) => (None, unit.map(|u| u.name.as_str().to_owned())),
        None => (None, None),
    };
    WorkerSummary {
        id: record.worker.id,
        employee_number: record.worker.details.employee_number.as_str().to_owned(),
        name: record.worker.details.name.as_str().to_owned(),
        team,
        locality,
    }
}

/// The report as CSV, one line per worker and route in report order (eligible now, upcoming,
/// later, needs judgement, when advertised, blocked), cells a spreadsheet would run as a
/// formula guarded with `'`.
pub fn report_csv(report: &WorkforceReport) -> Result<String, AppError> {
    let failed = |e: &dyn std::fmt::Display| AppError::BadInput {
        field: "report".into(),
        message: format!("the report could not be written as CSV: {e}"),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "group",
        "employee_number",
        "name",
        "team",
        "level",
        "route",
        "to_level",
        "eligible_from",
        "stuck",
        "summary",
    ])
    .map_err(|e| failed(&e))?;
    let groups = [
        &report.eligible_now,
        &report.upcoming,
        &report.later,
        &report.needs_judgement,
        &report.when_advertised,
        &report.blocked,
    ];
    for line in groups.into_iter().flatten() {
        let group = serde_json::to_value(line.group).ok().and_then(|v| v.as_str().map(str::to_owned));
        let cells = [
            group.unwrap_or_default(),
            line.worker.employee_number.clone(),
            line.worker.name.clone(),
            line.worker.team.clone().unwrap_or_default(),
            line.level.clone(),
            line.route.to_string(),
            line.to_level.clone(),
            line.eligible_from.map(|d| d.to_string()).unwrap_or_default(),
            line.stuck.to_string(),
            line.summary.clone(),
        ];
        out.write_record(cells.iter().map(|c| crate::import::guard_formula(c))).map_err(|e| failed(&e))?;
    }
    let bytes = out.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}
