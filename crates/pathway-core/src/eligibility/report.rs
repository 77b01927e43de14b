//! Workforce-wide eligibility: who can apply now, who becomes eligible soon, who is stuck —
//! per team, locality and authority. Pure: the caller loads the people and the applications
//! under way, and passes `today`.

use std::collections::{BTreeMap, HashSet};

use super::{RouteEligibility, RouteStatus, WorkerFacts, becomes_eligible_between, eligible_for_at_least, evaluate};
use crate::framework::{Framework, RouteId};
use crate::ids::WorkerId;
use chrono::{Months, NaiveDate};
use serde::Serialize;

/// Months of eligibility without an application after which someone counts as stuck.
pub const STUCK_AFTER_MONTHS: u32 = 12;

/// Who a report line is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerSummary {
    /// Worker id.
    pub id: WorkerId,
    /// Employee number.
    pub employee_number: String,
    /// Name.
    pub name: String,
    /// Their team, if recorded.
    pub team: Option<String>,
    /// Their locality or service, if recorded.
    pub locality: Option<String>,
}

/// One worker and one route in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// The worker.
    pub worker: WorkerSummary,
    /// Their current level.
    pub level: String,
    /// The route.
    pub route: RouteId,
    /// The level it leads to.
    pub to_level: String,
    /// Eligible, not yet or blocked.
    pub status: RouteStatus,
    /// When they became, or will become, eligible.
    pub eligible_from: Option<NaiveDate>,
    /// One sentence for the worker and their manager.
    pub summary: String,
}

/// Counts for one team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamCounts {
    /// Workers on the ladder in the team.
    pub workers: usize,
    /// Worker-routes eligible now.
    pub eligible: usize,
    /// Worker-routes that become eligible within the window.
    pub upcoming: usize,
    /// Worker-routes eligible for a year or more with no application.
    pub stuck: usize,
    /// Worker-routes blocked.
    pub blocked: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkforceReport {
    /// The framework's id.
    pub framework: String,
    /// The date the report is as of.
    pub today: NaiveDate,
    /// The look-ahead window in months.
    pub within_months: u32,
    /// Workers evaluated.
    pub workers: usize,
    /// Eligible now.
    pub eligible_now: Vec<ReportLine>,
    /// Becoming eligible within the window, soonest first.
    pub upcoming: Vec<ReportLine>,
    /// Eligible for at least a year with no open application, longest first.
    pub stuck: Vec<ReportLine>,
    /// Blocked, with the reason.
    pub blocked: Vec<ReportLine>,
    /// Counts per team ("(no team)" for workers without one).
    pub by_team: BTreeMap<String, TeamCounts>,
}

fn line(framework: &Framework, who: &WorkerSummary, facts: &WorkerFacts, route: &RouteEligibility) -> ReportLine {
    ReportLine {
        worker: who.clone(),
        level: framework.level(&facts.level).map(|l| l.name.clone()).unwrap_or_else(|| facts.level.to_string()),
        route: route.route.clone(),
        to_level: route.to_level_name.clone(),
        status: route.status,
        eligible_from: route.eligible_from,
        summary: route.summary.clone(),
    }
}

/// Evaluate everyone and sort them into the report's lists. `open_applications` holds the
/// (worker, route) pairs with an application in progress, which are never "stuck".
pub fn workforce_report(
    framework: &Framework,
    people: &[(WorkerSummary, WorkerFacts)],
    open_applications: &HashSet<(WorkerId, RouteId)>,
    today: NaiveDate,
    within_months: u32,
) -> WorkforceReport {
    let until = today.checked_add_months(Months::new(within_months)).unwrap_or(today);
    let mut report = WorkforceReport {
        framework: framework.framework.id.to_string(),
        today,
        within_months,
        workers: people.len(),
        eligible_now: Vec::new(),
        upcoming: Vec::new(),
        stuck: Vec::new(),
        blocked: Vec::new(),
        by_team: BTreeMap::new(),
    };
    for (who, facts) in people {
        let team = who.team.clone().unwrap_or_else(|| "(no team)".into());
        let counts = report.by_team.entry(team).or_default();
        counts.workers += 1;
        for route in evaluate(framework, facts, today) {
            match route.status {
                RouteStatus::Eligible => {
                    counts.eligible += 1;
                    let applied = open_applications.contains(&(who.id, route.route.clone()));
                    if !applied && eligible_for_at_least(&route, STUCK_AFTER_MONTHS, today) {
                        counts.stuck += 1;
                        report.stuck.push(line(framework, who, facts, &route));
                    }
                    report.eligible_now.push(line(framework, who, facts, &route));
                }
                RouteStatus::NotYet if becomes_eligible_between(&route, today, until) => {
                    counts.upcoming += 1;
                    report.upcoming.push(line(framework, who, facts, &route));
                }
                RouteStatus::NotYet => {}
                RouteStatus::Blocked => {
                    counts.blocked += 1;
                    report.blocked.push(line(framework, who, facts, &route));
                }
            }
        }
    }
    report.upcoming.sort_by_key(|l| (l.eligible_from, l.worker.name.clone()));
    report.stuck.sort_by_key(|l| (l.eligible_from, l.worker.name.clone()));
    report.eligible_now.sort_by_key(|l| (l.worker.team.clone(), l.worker.name.clone()));
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled;
    use crate::framework::LevelId;
    use crate::workforce::{AppraisalOutcome, AsyeOutcome, AsyeStatus, RegistrationStatus};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn person(id: i64, name: &str, team: &str, qualified: &str, pdr: &str) -> (WorkerSummary, WorkerFacts) {
        (
            WorkerSummary {
                id: WorkerId::new(id),
                employee_number: format!("E{id}"),
                name: name.into(),
                team: Some(team.into()),
                locality: None,
            },
            WorkerFacts {
                level: LevelId::from("level-2"),
                level_since: Some(d(qualified)),
                qualification: Some("MA Social Work".into()),
                qualified_on: Some(d(qualified)),
                registration: Some(RegistrationStatus::Registered),
                asye_status: Some(AsyeStatus::Completed),
                asye_started: None,
                asye_outcome: Some((AsyeOutcome::Passed, d(qualified).checked_add_months(Months::new(12)))),
                awards: vec![],
                commitments: vec![],
                latest_appraisal: Some((d(pdr), AppraisalOutcome::ReadyToApply)),
                ready_since: None,
                probation: None,
                employment: None,
                attestations: vec![],
            },
        )
    }

    #[test]
    fn rotherham_band_h_workers_sort_into_eligible_upcoming_and_stuck() {
        let f = bundled::framework("rotherham").unwrap();
        let today = d("2026-11-23");
        let people = vec![
            // Two years qualified in March 2027: upcoming within six months.
            person(1, "Amara Okafor", "Child Protection Team", "2025-03-10", "2026-10-01"),
            // Eligible since the PDR in October 2026.
            person(2, "Ben Hughes", "Child Protection Team", "2023-01-05", "2026-10-01"),
            // Told "ready" at her PDRs in April 2025 and April 2026 and never applied: stuck.
            {
                let mut p = person(3, "Chloe Patel", "Assessment Team", "2022-06-01", "2026-04-15");
                p.1.ready_since = Some(d("2025-04-15"));
                p
            },
            // Qualified too recently for the window.
            person(4, "Daniel Khan", "Assessment Team", "2026-01-10", "2026-10-01"),
        ];
        let report = workforce_report(&f, &people, &HashSet::new(), today, 6);
        assert_eq!(report.upcoming.len(), 1);
        assert_eq!(report.upcoming[0].worker.name, "Amara Okafor");
        assert_eq!(report.upcoming[0].eligible_from, Some(d("2027-03-10")));
        assert_eq!(report.eligible_now.len(), 2);
        assert_eq!(report.stuck.len(), 1);
        assert_eq!(report.stuck[0].worker.name, "Chloe Patel");
        assert_eq!(report.by_team["Assessment Team"].stuck, 1);
        assert_eq!(report.by_team["Child Protection Team"].upcoming, 1);

        // An open application means nobody is stuck.
        let open: HashSet<_> = [(WorkerId::new(3), RouteId::from("level-2-to-level-3"))].into();
        assert!(workforce_report(&f, &people, &open, today, 6).stuck.is_empty());
    }
}
