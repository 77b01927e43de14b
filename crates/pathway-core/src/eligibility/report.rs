//! Workforce-wide eligibility: who can apply now, who becomes eligible soon, who is stuck —
//! per team, locality and authority. Pure: the caller loads the people and the applications
//! under way, and passes `today`.
//!
//! The report never loses anyone: every worker-route lands in exactly one primary group —
//! eligible now, upcoming, later, needs a manager's judgement, can apply when a post is
//! advertised, or blocked — so the groups add up to `worker_routes`. "Stuck" is a marked
//! subset of eligible now.

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
    /// Eligible, not yet, needs judgement, when advertised or blocked.
    pub status: RouteStatus,
    /// The report group the line is in.
    pub group: ReportGroup,
    /// Eligible for a year or more with no application under way (eligible now only).
    pub stuck: bool,
    /// When they became, or will become, eligible.
    pub eligible_from: Option<NaiveDate>,
    /// The essential criteria left that need a manager's judgement, each named once.
    pub needs_judgement: Vec<String>,
    /// One sentence for the worker and their manager.
    pub summary: String,
}

/// The primary group a worker-route is reported in; every one is in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportGroup {
    /// Every essential criterion met: can apply now.
    EligibleNow,
    /// Becomes eligible within the window, on a date the records give.
    Upcoming,
    /// Not yet, and not within the window (or on no date the records give).
    Later,
    /// Everything the records can settle is met; what is left needs a manager's judgement.
    NeedsJudgement,
    /// Recruitment to a vacancy, with the criteria met: can apply when a post is advertised.
    WhenAdvertised,
    /// Something stands in the way that will not resolve by itself.
    Blocked,
}

impl ReportGroup {
    /// The group a route's evaluation falls in, for a look-ahead to `until`.
    pub fn of(route: &RouteEligibility, today: NaiveDate, until: NaiveDate) -> ReportGroup {
        match route.status {
            RouteStatus::Eligible => ReportGroup::EligibleNow,
            RouteStatus::NotYet if becomes_eligible_between(route, today, until) => ReportGroup::Upcoming,
            RouteStatus::NotYet => ReportGroup::Later,
            RouteStatus::NeedsJudgement => ReportGroup::NeedsJudgement,
            RouteStatus::ApplyWhenAdvertised => ReportGroup::WhenAdvertised,
            RouteStatus::Blocked => ReportGroup::Blocked,
        }
    }
}

/// Counts for one team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamCounts {
    /// Workers on the ladder in the team.
    pub workers: usize,
    /// Routes out of those workers' levels, one per worker and route.
    pub worker_routes: usize,
    /// Worker-routes eligible now.
    pub eligible: usize,
    /// Worker-routes that become eligible within the window.
    pub upcoming: usize,
    /// Worker-routes not yet eligible and not within the window.
    pub later: usize,
    /// Worker-routes waiting on a manager's judgement.
    pub needs_judgement: usize,
    /// Worker-routes open when a post is advertised.
    pub when_advertised: usize,
    /// Worker-routes eligible for a year or more with no application (part of `eligible`).
    pub stuck: usize,
    /// Worker-routes blocked.
    pub blocked: usize,
}

impl TeamCounts {
    /// The primary groups added up; always `worker_routes`.
    pub fn groups_total(&self) -> usize {
        self.eligible + self.upcoming + self.later + self.needs_judgement + self.when_advertised + self.blocked
    }

    fn count(&mut self, group: ReportGroup) {
        self.worker_routes += 1;
        match group {
            ReportGroup::EligibleNow => self.eligible += 1,
            ReportGroup::Upcoming => self.upcoming += 1,
            ReportGroup::Later => self.later += 1,
            ReportGroup::NeedsJudgement => self.needs_judgement += 1,
            ReportGroup::WhenAdvertised => self.when_advertised += 1,
            ReportGroup::Blocked => self.blocked += 1,
        }
    }
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
    /// Workers at a level no route leads on from (they have no line in any group).
    pub without_routes: usize,
    /// Worker-routes evaluated: the primary groups below add up to this.
    pub worker_routes: usize,
    /// Eligible now.
    pub eligible_now: Vec<ReportLine>,
    /// Becoming eligible within the window, soonest first.
    pub upcoming: Vec<ReportLine>,
    /// Not yet, and not within the window (or on no date the records give), soonest first.
    pub later: Vec<ReportLine>,
    /// Waiting on a manager's judgement of the criteria each line names.
    pub needs_judgement: Vec<ReportLine>,
    /// Recruitment to a vacancy with the criteria met: can apply when a post is advertised.
    pub when_advertised: Vec<ReportLine>,
    /// Eligible for at least a year with no open application, longest first: the lines of
    /// `eligible_now` marked `stuck`, again.
    pub stuck: Vec<ReportLine>,
    /// Blocked, with the reason.
    pub blocked: Vec<ReportLine>,
    /// Counts per team ("(no team)" for workers without one).
    pub by_team: BTreeMap<String, TeamCounts>,
}

impl WorkforceReport {
    /// The primary groups added up; always `worker_routes`.
    pub fn groups_total(&self) -> usize {
        self.eligible_now.len()
            + self.upcoming.len()
            + self.later.len()
            + self.needs_judgement.len()
            + self.when_advertised.len()
            + self.blocked.len()
    }
}

fn line(
    framework: &Framework,
    who: &WorkerSummary,
    facts: &WorkerFacts,
    route: &RouteEligibility,
    group: ReportGroup,
    stuck: bool,
) -> ReportLine {
    ReportLine {
        worker: who.clone(),
        level: framework.level(&facts.level).map(|l| l.name.clone()).unwrap_or_else(|| facts.level.to_string()),
        route: route.route.clone(),
        to_level: route.to_level_name.clone(),
        status: route.status,
        group,
        stuck,
        eligible_from: route.eligible_from,
        needs_judgement: route.needs_judgement.clone(),
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
        without_routes: 0,
        worker_routes: 0,
        eligible_now: Vec::new(),
        upcoming: Vec::new(),
        later: Vec::new(),
        needs_judgement: Vec::new(),
        when_advertised: Vec::new(),
        stuck: Vec::new(),
        blocked: Vec::new(),
        by_team: BTreeMap::new(),
    };
    for (who, facts) in people {
        let team = who.team.clone().unwrap_or_else(|| "(no team)".into());
        let counts = report.by_team.entry(team).or_default();
        counts.workers += 1;
        let routes = evaluate(framework, facts, today);
        if routes.is_empty() {
            report.without_routes += 1;
        }
        for route in routes {
            let group = ReportGroup::of(&route, today, until);
            counts.count(group);
            report.worker_routes += 1;
            let applied = open_applications.contains(&(who.id, route.route.clone()));
            let stuck = group == ReportGroup::EligibleNow
                && !applied
                && eligible_for_at_least(&route, STUCK_AFTER_MONTHS, today);
            let line = line(framework, who, facts, &route, group, stuck);
            if stuck {
                counts.stuck += 1;
                report.stuck.push(line.clone());
            }
            match group {
                ReportGroup::EligibleNow => report.eligible_now.push(line),
                ReportGroup::Upcoming => report.upcoming.push(line),
                ReportGroup::Later => report.later.push(line),
                ReportGroup::NeedsJudgement => report.needs_judgement.push(line),
                ReportGroup::WhenAdvertised => report.when_advertised.push(line),
                ReportGroup::Blocked => report.blocked.push(line),
            }
        }
    }
    let by_team_then_name = |l: &ReportLine| (l.worker.team.clone(), l.worker.name.clone());
    report.upcoming.sort_by_key(|l| (l.eligible_from, l.worker.name.clone()));
    // Lines with a date first, soonest first; then those the records give no date for.
    report.later.sort_by_key(|l| (l.eligible_from.is_none(), l.eligible_from, l.worker.name.clone()));
    report.stuck.sort_by_key(|l| (l.eligible_from, l.worker.name.clone()));
    report.eligible_now.sort_by_key(by_team_then_name);
    // Lines naming the same criteria together, so a reader meets each set once.
    report.needs_judgement.sort_by_key(|l| (l.route.clone(), l.needs_judgement.clone(), by_team_then_name(l)));
    report.when_advertised.sort_by_key(|l| (l.route.clone(), by_team_then_name(l)));
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
