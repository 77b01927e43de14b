//! Eligibility: for a worker and a framework, every route out of the worker's current level
//! with its status and, for each criterion, whether it is met, the evidence for the
//! judgement and — for criteria that time will satisfy — the earliest date it will be met.
//!
//! Pure and deterministic: the caller passes `today`. Explanations are written for the
//! social worker reading them. [`report`] sorts a whole workforce into who can apply now,
//! who soon, who is stuck and who is blocked.

pub mod report;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::framework::{Criterion, CriterionKind, CriterionTest, Framework, LevelId, Route, RouteId, Trigger};
use crate::workforce::{
    AcademicLevel, AppraisalOutcome, AsyeOutcome, AsyeStatus, AttestationKind, AwardKind, EmploymentType, GoalStatus,
    NewAttestation, Probation, ProbationStatus, RegistrationStatus, Regulator, WorkerRecord,
};

/// What eligibility needs to know about a worker. Built from their records; any field may be
/// unknown, and an unknown fact makes the criteria that need it `unknown`, never `met`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkerFacts {
    /// The level they are at now.
    pub level: LevelId,
    /// When they started at that level.
    pub level_since: Option<NaiveDate>,
    /// The social work qualification's title.
    pub qualification: Option<String>,
    /// When they qualified.
    pub qualified_on: Option<NaiveDate>,
    /// Their Social Work England registration status.
    pub registration: Option<RegistrationStatus>,
    /// Where they are in the ASYE.
    pub asye_status: Option<AsyeStatus>,
    /// When their ASYE started.
    pub asye_started: Option<NaiveDate>,
    /// How the ASYE ended, and when.
    pub asye_outcome: Option<(AsyeOutcome, Option<NaiveDate>)>,
    /// Awards and courses completed.
    pub awards: Vec<AwardFact>,
    /// Awards and courses they are committed to completing (enrolled, agreed in their plan).
    pub commitments: Vec<AwardFact>,
    /// Their most recent appraisal (PDR): when and what it concluded.
    pub latest_appraisal: Option<(NaiveDate, AppraisalOutcome)>,
    /// The first of the unbroken run of appraisals, up to the latest, that said "ready to
    /// apply" — so a worker told "ready" two years running has been ready since the first.
    pub ready_since: Option<NaiveDate>,
    /// Their probation, where recorded.
    pub probation: Option<Probation>,
    /// How they are employed, where known.
    pub employment: Option<EmploymentType>,
    /// Endorsements, supervision intents, assessments and accreditations recorded by `today`.
    pub attestations: Vec<NewAttestation>,
}

impl WorkerFacts {
    /// The facts eligibility needs, read from a worker's records as they stood on `today`.
    /// Returns `None` when the worker has no level on record at that date.
    pub fn from_record(record: &WorkerRecord, today: NaiveDate) -> Option<WorkerFacts> {
        let details = &record.worker.details;
        let now = record.timeline.on(today)?;
        let asye = details.asye.as_ref();
        Some(WorkerFacts {
            level: now.entry.level.clone(),
            level_since: record.timeline.level_since(today),
            qualification: details.qualification.as_ref().map(|q| q.title.as_str().to_owned()),
            qualified_on: details.qualification.as_ref().map(|q| q.awarded_on),
            registration: record.registration_on(today).map(|s| s.registration.status),
            asye_status: asye.map(|a| a.status()),
            asye_started: asye.and_then(|a| a.started_on()),
            asye_outcome: asye.and_then(|a| a.outcome().map(|o| (o, a.outcome_on()))),
            awards: record
                .awards
                .iter()
                .filter(|a| a.award.completed_on <= today)
                .map(|a| AwardFact {
                    kind: a.award.kind,
                    title: a.award.title.as_str().to_owned(),
                    on: Some(a.award.completed_on),
                    academic_level: a.award.academic_level,
                    credits: a.award.credits,
                })
                .collect(),
            // An open development goal naming a course is a commitment to complete it.
            commitments: record
                .goals
                .iter()
                .filter(|g| g.goal.status == GoalStatus::Open && g.goal.set_on <= today)
                .filter_map(|g| commitment_in(g.goal.goal.as_str(), g.goal.due_on))
                .collect(),
            latest_appraisal: record.latest_appraisal(today).map(|a| (a.appraisal.held_on, a.appraisal.outcome)),
            ready_since: ready_since(
                record.appraisals.iter().map(|a| (a.appraisal.held_on, a.appraisal.outcome)),
                today,
            ),
            probation: details.probation,
            employment: Some(details.employment),
            attestations: record
                .attestations
                .iter()
                .filter(|a| a.attestation.on <= today)
                .map(|a| a.attestation.clone())
                .collect(),
        })
    }
}

/// The first of the unbroken run of "ready to apply" appraisals ending with the latest one
/// held by `today`.
pub fn ready_since(
    appraisals: impl Iterator<Item = (NaiveDate, AppraisalOutcome)>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let mut held: Vec<(NaiveDate, AppraisalOutcome)> = appraisals.filter(|(d, _)| *d <= today).collect();
    held.sort_by_key(|(d, _)| *d);
    held.iter().rev().take_while(|(_, o)| *o == AppraisalOutcome::ReadyToApply).last().map(|(d, _)| *d)
}

/// The award a development goal commits to, read from its words ("Complete PEPS stage 2").
fn commitment_in(goal: &str, due: Option<NaiveDate>) -> Option<AwardFact> {
    let g = goal.to_lowercase();
    let kind = if g.contains("peps") || g.contains("practice educator") {
        if g.contains('2') { AwardKind::PepsStage2 } else { AwardKind::PepsStage1 }
    } else if g.contains("postgraduate diploma") || g.contains("pg dip") {
        AwardKind::PostgraduateDiploma
    } else if g.contains("postgraduate") || g.contains("pg cert") {
        AwardKind::PostgraduateCertificate
    } else if g.contains("masters") || g.starts_with("ma ") || g.contains(" ma ") {
        AwardKind::Masters
    } else if g.contains("pq award") || g.contains("post-qualifying award") {
        AwardKind::PqAward
    } else if g.contains("award") || g.contains("course") || g.contains("certificate") {
        AwardKind::Course
    } else {
        return None;
    };
    Some(AwardFact { kind, title: goal.to_owned(), on: due, academic_level: None, credits: None })
}

/// An award or course, completed or committed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardFact {
    /// What kind of award.
    pub kind: AwardKind,
    /// Its title.
    pub title: String,
    /// When it was completed (for commitments: when it is expected, if known).
    pub on: Option<NaiveDate>,
    /// The FHEQ level it was awarded at, where recorded.
    pub academic_level: Option<AcademicLevel>,
    /// The academic credits it carries, where recorded.
    pub credits: Option<u32>,
}

/// A route's status for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteStatus {
    /// Every essential criterion is met.
    Eligible,
    /// Something essential is missing that time or the normal next step will bring.
    NotYet,
    /// Every essential criterion the records can settle is met; what is left needs a
    /// person's judgement (a manager's, in supervision), named in `needs_judgement`.
    NeedsJudgement,
    /// Every essential criterion is met, and the route is recruitment to a vacancy: the
    /// worker can apply when a post is advertised (never "eligible now", never "stuck").
    ApplyWhenAdvertised,
    /// Something essential stands in the way that will not resolve by itself (no
    /// qualification, a failed ASYE, registration not current).
    Blocked,
}

/// One criterion's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionStatus {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// The records do not say.
    Unknown,
}

/// The judgement on one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionResult {
    /// The criterion in the framework's words.
    pub text: String,
    /// What kind of test it is.
    pub kind: CriterionKind,
    /// Essential criteria decide the status; desirable ones never block.
    pub essential: bool,
    /// Met, not met or unknown.
    pub status: CriterionStatus,
    /// Why, in plain English, citing the record it rests on.
    pub explanation: String,
    /// When it was or will be met, where a date can be worked out.
    pub met_on: Option<NaiveDate>,
    /// Whether a person (the worker's manager) has to judge it: the records cannot. Such a
    /// criterion is `unknown` until they do, and reports group the worker under "needs a
    /// manager's judgement".
    pub needs_judgement: bool,
    /// Whether failing it is a hard stop rather than something time or a next step brings.
    #[serde(skip)]
    hard: bool,
    /// Whether it is met by time passing alone.
    #[serde(skip)]
    time_based: bool,
}

/// A route out of the worker's level and where they stand on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteEligibility {
    /// The route's id.
    pub route: RouteId,
    /// The route's name.
    pub route_name: String,
    /// The level it leads to.
    pub to_level: LevelId,
    /// The level's name.
    pub to_level_name: String,
    /// Eligible, not yet, or blocked.
    pub status: RouteStatus,
    /// When the worker became (or will become) eligible, where it can be worked out.
    pub eligible_from: Option<NaiveDate>,
    /// Every criterion, essential first.
    pub criteria: Vec<CriterionResult>,
    /// The essential criteria still open that need a person's judgement, each named once.
    pub needs_judgement: Vec<String>,
    /// One sentence for the worker.
    pub summary: String,
}

/// Whether a criterion that is not met needs a person's judgement rather than a record or
/// the passing of time: what the document leaves to a person (experience stated in words, a
/// standard to be demonstrated) and what the records cannot settle (a qualification nobody
/// has recorded). A criterion that time settles, or the vacancy a vacancy-led route waits
/// for, never does. [`evaluate_route`] writes the answer into each result's own flag, so the
/// one-worker view and the workforce report agree.
pub fn needs_judgement(c: &CriterionResult) -> bool {
    c.status == CriterionStatus::Unknown
        && (c.needs_judgement
            || (!c.time_based
                && !matches!(
                    c.kind,
                    CriterionKind::PostQualifyingYears | CriterionKind::TimeInLevel | CriterionKind::Vacancy
                )))
}

/// Long-form date for explanations: "15 July 2026".
fn long(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") }
}

struct Judge<'a> {
    f: &'a Framework,
    w: &'a WorkerFacts,
    today: NaiveDate,
}

impl<'a> Judge<'a> {
    fn result(&self, c: &Criterion, status: CriterionStatus, explanation: String) -> CriterionResult {
        CriterionResult {
            text: c.text.clone(),
            kind: c.kind(),
            essential: c.essential,
            status,
            explanation,
            met_on: None,
            needs_judgement: false,
            hard: false,
            time_based: false,
        }
    }

    fn judge(&self, c: &Criterion) -> CriterionResult {
        use CriterionStatus::*;
        let w = self.w;
        match &c.test {
            CriterionTest::Qualification { .. } => match (&w.qualification, w.qualified_on) {
                (Some(q), Some(d)) => CriterionResult {
                    met_on: Some(d),
                    ..self.result(c, Met, format!("You qualified with {q} on {}.", long(d)))
                },
                (Some(q), None) => self.result(c, Met, format!("Your qualification is recorded as {q}.")),
                (None, _) => self.result(c, Unknown, "No social work qualification is recorded for you.".into()),
            },
            CriterionTest::Registration => {
                // The regulator that applied on the day judged: the HCPC before 2 December 2019.
                let regulator = Regulator::on(self.today).name();
                match w.registration {
                    Some(s) if s.may_practise() => self.result(
                        c,
                        Met,
                        format!("You are registered with {regulator}, the regulator on {}.", long(self.today)),
                    ),
                    Some(s) => CriterionResult {
                        hard: true,
                        ..self.result(
                            c,
                            NotMet,
                            format!("Your registration with {regulator} is {s}; you need to be registered to practise."),
                        )
                    },
                    None => self.result(c, Unknown, format!("No registration with {regulator} is recorded for you.")),
                }
            }
            CriterionTest::EmploymentType { types } => {
                let wanted: Vec<&str> = types.iter().map(|t| employment_words(*t)).collect();
                let wanted = or_list(&wanted);
                match w.employment {
                    Some(e) if types.contains(&e) => {
                        self.result(c, Met, format!("You are employed {}, which this asks for.", employment_words(e)))
                    }
                    Some(e) => CriterionResult {
                        hard: true,
                        ..self.result(
                            c,
                            NotMet,
                            format!("You are employed {}; this is open to staff employed {wanted}.", employment_words(e)),
                        )
                    },
                    None => self.result(c, Unknown, "How you are employed is not recorded.".into()),
                }
            }
            CriterionTest::AcademicCredits { credits, level } => self.credits(c, *credits, *level),
            CriterionTest::ManagerEndorsement => self.attested(
                c,
                AttestationKind::Endorsement,
                |_| true,
                "No endorsement from your line manager is recorded; ask them to record one.".into(),
            ),
            CriterionTest::SupervisionIntent => self.attested(
                c,
                AttestationKind::SupervisionIntent,
                |_| true,
                "No record that you raised your intent to progress in supervision; raise it at your next supervision."
                    .into(),
            ),
            CriterionTest::StandardAssessed { standard } => self.attested(
                c,
                AttestationKind::Assessment,
                |a| a.standard_set().as_ref() == Some(standard),
                format!("No recorded assessment says you meet {} ({standard}).", standard.title()),
            ),
            CriterionTest::Accreditation { names } => self.attested(
                c,
                AttestationKind::Accreditation,
                |a| {
                    names.is_empty()
                        || a.what.as_ref().is_some_and(|w| names.iter().any(|n| same_name(w.as_str(), n)))
                },
                if names.is_empty() {
                    "No accreditation is recorded for you.".into()
                } else {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    format!("No record of {} for you.", or_list(&names))
                },
            ),
            CriterionTest::StatedExperience => CriterionResult {
                needs_judgement: true,
                ..self.result(
                    c,
                    Unknown,
                    format!(
                        "The framework states this only in words: \"{}\". Your records cannot show it; your manager must judge it.",
                        c.text.trim()
                    ),
                )
            },
            CriterionTest::PostQualifyingYears { years } => {
                let years = *years;
                match w.qualified_on {
                    None => self.result(
                        c,
                        Unknown,
                        format!("Your qualification date is not recorded, so {} of post-qualifying experience cannot be checked.", plural(years, "year")),
                    ),
                    Some(q) => {
                        let due = q.checked_add_months(Months::new(years * 12)).unwrap_or(q);
                        let (status, explanation) = if due <= self.today {
                            (Met, format!("You qualified on {}, so you have had {} of post-qualifying experience since {}.", long(q), plural(years, "year"), long(due)))
                        } else {
                            (NotMet, format!("You qualified on {}; you will have {} of post-qualifying experience on {}.", long(q), plural(years, "year"), long(due)))
                        };
                        CriterionResult { met_on: Some(due), time_based: true, ..self.result(c, status, explanation) }
                    }
                }
            }
            CriterionTest::TimeInLevel { months } => {
                let months = *months;
                let level = self.f.level(&w.level).map(|l| l.name.as_str()).unwrap_or(w.level.as_str());
                match w.level_since {
                    None => self.result(c, Unknown, format!("When you started as {level} is not recorded.")),
                    Some(s) => {
                        let due = s.checked_add_months(Months::new(months)).unwrap_or(s);
                        let status = if due <= self.today { Met } else { NotMet };
                        let explanation = format!(
                            "You started as {level} on {}; {} in the role {} on {}.",
                            long(s),
                            plural(months, "month"),
                            if status == Met { "was reached" } else { "will be reached" },
                            long(due)
                        );
                        CriterionResult { met_on: Some(due), time_based: true, ..self.result(c, status, explanation) }
                    }
                }
            }
            CriterionTest::AsyePassed { accepts, .. } => self.asye(c, accepts),
            CriterionTest::PqAward { names, level, awards } => {
                self.award(c, Sought::PqAward(names), Recorded { level: *level, kinds: awards })
            }
            CriterionTest::PostgraduateAward { names, level, awards } => {
                self.award(c, Sought::PostgraduateAward(names), Recorded { level: *level, kinds: awards })
            }
            CriterionTest::Course { names, level, awards } => {
                self.award(c, Sought::Course(names), Recorded { level: *level, kinds: awards })
            }
            CriterionTest::PepsStage { stage } => {
                self.award(c, Sought::PepsStage(*stage), Recorded { level: None, kinds: &[] })
            }
            CriterionTest::AppraisalRecommends => {
                let name = self.f.appraisal.as_ref().map(|a| a.name.as_str()).unwrap_or("appraisal");
                let valid_months = self.f.appraisal.as_ref().and_then(|a| a.every_months).unwrap_or(12) + 3;
                match w.latest_appraisal {
                    None => self.result(
                        c,
                        NotMet,
                        format!("No {name} is recorded yet; your {name} needs to say an application is appropriate."),
                    ),
                    Some((on, outcome)) => {
                        let stale = on.checked_add_months(Months::new(valid_months)).is_some_and(|d| d < self.today);
                        if outcome == AppraisalOutcome::ReadyToApply && !stale {
                            CriterionResult {
                                met_on: Some(w.ready_since.unwrap_or(on).min(on)),
                                ..self.result(
                                    c,
                                    Met,
                                    format!("Your {name} on {} said you are ready to apply.", long(on)),
                                )
                            }
                        } else if outcome == AppraisalOutcome::ReadyToApply {
                            self.result(c, NotMet, format!("Your last {name} on {} said you were ready, but it is more than {} old; a current {name} needs to confirm it.", long(on), plural(valid_months, "month")))
                        } else {
                            self.result(c, NotMet, format!("Your last {name} on {} did not identify an application as appropriate ({outcome}).", long(on)))
                        }
                    }
                }
            }
            CriterionTest::ProbationComplete => self.probation(c),
            CriterionTest::Vacancy => {
                self.result(c, Unknown, "This depends on a post being advertised; apply when one is.".into())
            }
            CriterionTest::AnyOf { options } => {
                let options: Vec<CriterionResult> = options.iter().map(|o| self.judge(o)).collect();
                if let Some(met) = options.iter().find(|o| o.status == Met) {
                    CriterionResult { met_on: met.met_on, ..self.result(c, Met, met.explanation.clone()) }
                } else if options.iter().any(|o| o.status == Unknown) {
                    let why: Vec<&str> = options.iter().map(|o| o.explanation.as_str()).collect();
                    CriterionResult {
                        // Only a person can settle it when an option only a person can judge is open.
                        needs_judgement: options.iter().any(|o| o.needs_judgement),
                        ..self.result(c, Unknown, format!("None of the options is recorded as met: {}", why.join(" ")))
                    }
                } else {
                    let soonest = options.iter().filter(|o| o.time_based).filter_map(|o| o.met_on).min();
                    let why: Vec<&str> = options.iter().map(|o| o.explanation.as_str()).collect();
                    CriterionResult {
                        met_on: soonest,
                        time_based: soonest.is_some(),
                        hard: options.iter().all(|o| o.hard),
                        ..self.result(c, NotMet, format!("You need one of these: {}", why.join(" ")))
                    }
                }
            }
            CriterionTest::Other => CriterionResult {
                needs_judgement: true,
                ..self.result(c, Unknown, "This needs a person's judgement; discuss it in supervision.".into())
            },
        }
    }

    fn probation(&self, c: &Criterion) -> CriterionResult {
        use CriterionStatus::*;
        let Some(p) = self.w.probation else {
            return self.result(c, Unknown, "Whether your probation is complete is not recorded.".into());
        };
        let ends = p.ends_on.map(long);
        match (p.status, p.ends_on) {
            (ProbationStatus::Completed, Some(on)) if on <= self.today => CriterionResult {
                met_on: Some(on),
                ..self.result(c, Met, format!("You completed probation on {}.", long(on)))
            },
            (ProbationStatus::NotCompleted, _) => {
                CriterionResult { hard: true, ..self.result(c, NotMet, "Your probation was not completed.".into()) }
            }
            // Under way, extended, or recorded as completing on a later day: dated like an
            // ASYE under way, eligible on the day it ends if it is completed.
            (status, Some(on)) => {
                let extended = if status == ProbationStatus::Extended { " (extended)" } else { "" };
                CriterionResult {
                    met_on: Some(on),
                    time_based: true,
                    ..self.result(
                        c,
                        NotMet,
                        format!("Your probation{extended} is due to end on {}; it needs to be completed.", long(on)),
                    )
                }
            }
            (_, None) => self.result(
                c,
                NotMet,
                format!("Your probation is not yet complete{}.", ends.map(|e| format!(" ({e})")).unwrap_or_default()),
            ),
        }
    }

    fn asye(&self, c: &Criterion, accepts: &[String]) -> CriterionResult {
        use CriterionStatus::*;
        let w = self.w;
        match (w.asye_outcome, w.asye_status) {
            (Some((AsyeOutcome::NqswPortfolioPre2013, on)), _)
                if accepts.iter().any(|a| a == AsyeOutcome::NqswPortfolioPre2013.code())
                    && on.is_none_or(|d| d >= AsyeOutcome::NQSW_PORTFOLIO_ENDS) =>
            {
                let dated = on.map(|d| format!("dated {}", long(d))).unwrap_or_else(|| "undated".into());
                CriterionResult {
                    hard: true,
                    ..self.result(
                        c,
                        NotMet,
                        format!(
                            "Your NQSW portfolio is {dated}; only a portfolio completed before 2013 counts in place of the ASYE."
                        ),
                    )
                }
            }
            (Some((outcome, on)), _) if outcome.counts_as_passed(accepts) => {
                let what = match outcome {
                    AsyeOutcome::Passed => "You passed the ASYE".to_owned(),
                    AsyeOutcome::NqswPortfolioPre2013 => {
                        "You completed the NQSW portfolio before 2013, which this framework accepts in place of the ASYE".to_owned()
                    }
                    other => format!("Your ASYE outcome ({other}) is accepted by this framework"),
                };
                let when = on.map(|d| format!(" on {}", long(d))).unwrap_or_default();
                CriterionResult { met_on: on, ..self.result(c, Met, format!("{what}{when}.")) }
            }
            (Some((AsyeOutcome::Failed, _)), _) => {
                CriterionResult { hard: true, ..self.result(c, NotMet, "Your ASYE was not passed.".into()) }
            }
            (Some((outcome, _)), _) => CriterionResult {
                hard: true,
                ..self.result(
                    c,
                    NotMet,
                    format!(
                        "Your ASYE outcome ({outcome}) is not accepted by this framework in place of an ASYE pass."
                    ),
                )
            },
            (None, Some(AsyeStatus::InProgress | AsyeStatus::Extended)) => {
                let length = self.f.asye.as_ref().map(|a| a.length_months).unwrap_or(12);
                let expected = w.asye_started.and_then(|s| s.checked_add_months(Months::new(length)));
                let explanation = match expected {
                    Some(e) => {
                        format!("Your ASYE is under way; it is due to finish on {}, and a pass is needed.", long(e))
                    }
                    None => "Your ASYE is under way; a pass is needed.".into(),
                };
                // Counted as dated: the worker becomes eligible on finishing, if they pass.
                CriterionResult {
                    met_on: expected,
                    time_based: expected.is_some(),
                    ..self.result(c, NotMet, explanation)
                }
            }
            (None, Some(AsyeStatus::NotStarted)) => self.result(c, NotMet, "You have not started the ASYE yet.".into()),
            (None, Some(AsyeStatus::Withdrawn)) => {
                CriterionResult { hard: true, ..self.result(c, NotMet, "You left the ASYE without an outcome.".into()) }
            }
            (None, _) => self.result(c, Unknown, "No ASYE outcome is recorded for you.".into()),
        }
    }

    fn award(&self, c: &Criterion, sought: Sought<'_>, recorded: Recorded<'_>) -> CriterionResult {
        let Recorded { level, kinds } = recorded;
        use CriterionStatus::*;
        let names = sought.names();
        // Matched by the kind and level recorded, never by part of a title: "MA" is not in
        // "Management". A name the document gives must be the award's recorded title.
        let kind_and_level = |a: &AwardFact| -> bool {
            let kind_ok = match sought {
                Sought::PqAward(_) => a.kind == AwardKind::PqAward,
                Sought::PostgraduateAward(_) => {
                    a.kind.is_postgraduate() && a.academic_level.is_none_or(|l| l >= AcademicLevel::MASTERS)
                }
                Sought::PepsStage(stage) => a.kind.peps_stage().is_some_and(|s| s >= stage),
                // A named course may be recorded under any kind.
                Sought::Course(_) => true,
            };
            kind_ok
                && (kinds.is_empty() || kinds.contains(&a.kind))
                && level.is_none_or(|min| a.academic_level.is_some_and(|l| l >= min))
        };
        let completed =
            |a: &AwardFact| kind_and_level(a) && (names.is_empty() || names.iter().any(|n| same_name(&a.title, n)));
        // A commitment is a development goal in the worker's own words: it counts when the
        // goal names the award.
        let committed =
            |a: &AwardFact| kind_and_level(a) && (names.is_empty() || names.iter().any(|n| words_name(&a.title, n)));
        let mut what = match sought {
            Sought::PepsStage(stage) => format!("PEPS stage {stage}"),
            Sought::PqAward(_) => "a post-qualifying award".to_owned(),
            Sought::PostgraduateAward(_) => "a postgraduate award".to_owned(),
            Sought::Course(names) => names.first().cloned().unwrap_or_else(|| "the course".into()),
        };
        if !kinds.is_empty() && names.is_empty() {
            let kinds: Vec<String> = kinds.iter().map(|k| k.code().replace('-', " ")).collect();
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            what = format!("a {}", or_list(&kinds));
        }
        if let Some(min) = level {
            what = format!("{what} at {} or above", min.describe());
        }
        if let Some(a) = self.w.awards.iter().find(|a| completed(a)) {
            let when = a.on.map(|d| format!(" on {}", long(d))).unwrap_or_default();
            return CriterionResult {
                met_on: a.on,
                ..self.result(c, Met, format!("You completed {}{when}.", a.title))
            };
        }
        if let Some(a) = self.w.commitments.iter().find(|a| committed(a)) {
            if c.committed_counts {
                return self.result(
                    c,
                    Met,
                    format!("You are committed to completing {}, which this framework accepts.", a.title),
                );
            }
            return self.result(c, NotMet, format!("You are working towards {}; it needs to be completed.", a.title));
        }
        self.result(c, NotMet, format!("No record of {what} for you."))
    }

    /// At least `credits` credits at FHEQ `level` or above, added up over completed awards
    /// that record both.
    fn credits(&self, c: &Criterion, credits: u32, level: AcademicLevel) -> CriterionResult {
        use CriterionStatus::*;
        let mut counted: Vec<&AwardFact> = self
            .w
            .awards
            .iter()
            .filter(|a| a.academic_level.is_some_and(|l| l >= level) && a.credits.is_some_and(|n| n > 0))
            .collect();
        counted.sort_by_key(|a| a.on);
        let mut total = 0u32;
        for (i, a) in counted.iter().enumerate() {
            total = total.saturating_add(a.credits.unwrap_or(0));
            if total >= credits {
                let titles: Vec<&str> = counted[..=i].iter().map(|a| a.title.as_str()).collect();
                return CriterionResult {
                    met_on: a.on,
                    ..self.result(
                        c,
                        Met,
                        format!(
                            "You hold {total} credits at {} or above ({}); {credits} are needed.",
                            level.describe(),
                            titles.join(", ")
                        ),
                    )
                };
            }
        }
        let unrecorded = self.w.awards.iter().any(|a| a.academic_level.is_none() || a.credits.is_none());
        let explanation = if total == 0 {
            format!("No credits at {} or above are recorded for you; {credits} are needed.", level.describe())
        } else {
            format!("You hold {total} credits at {} or above; {credits} are needed.", level.describe())
        };
        if unrecorded {
            // An award without its level or credits might make up the difference.
            self.result(
                c,
                Unknown,
                format!(
                    "{explanation} Some of your awards do not record their level and credits; ask for them to be added."
                ),
            )
        } else {
            self.result(c, NotMet, explanation)
        }
    }

    /// Met by the latest recorded attestation of `kind` that `fits`.
    fn attested(
        &self,
        c: &Criterion,
        kind: AttestationKind,
        fits: impl Fn(&NewAttestation) -> bool,
        missing: String,
    ) -> CriterionResult {
        use CriterionStatus::*;
        let found =
            self.w.attestations.iter().filter(|a| a.kind == kind && a.on <= self.today && fits(a)).max_by_key(|a| a.on);
        let Some(a) = found else {
            return self.result(c, NotMet, missing);
        };
        let on = long(a.on);
        let explanation = match (kind, &a.what) {
            (AttestationKind::Endorsement, _) => format!("Your line manager endorsed you on {on}."),
            (AttestationKind::SupervisionIntent, _) => {
                format!("You raised your intent to progress in supervision on {on}.")
            }
            (AttestationKind::Assessment, _) => {
                let set = a.standard_set().map(|s| format!("{} ({s})", s.title())).unwrap_or_default();
                format!("You were assessed as meeting {set} on {on}.")
            }
            (AttestationKind::Accreditation, Some(what)) => format!("You were accredited ({what}) on {on}."),
            (AttestationKind::Accreditation, None) => format!("You were accredited on {on}."),
        };
        CriterionResult { met_on: Some(a.on), ..self.result(c, Met, explanation) }
    }
}

/// "on a permanent contract", "through an agency".
fn employment_words(e: EmploymentType) -> &'static str {
    match e {
        EmploymentType::Permanent => "on a permanent contract",
        EmploymentType::FixedTerm => "on a fixed-term contract",
        EmploymentType::Agency => "through an agency",
        EmploymentType::Secondment => "on secondment",
    }
}

/// "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A name reduced to its words: case, punctuation and spacing do not count.
fn words(text: &str) -> Vec<String> {
    text.split(|ch: char| !ch.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether a recorded title is the award a document names (the same words, in order).
fn same_name(recorded: &str, named: &str) -> bool {
    let named = words(named);
    !named.is_empty() && words(recorded) == named
}

/// Whether free text (a development goal) names the award: the name's words appear together.
fn words_name(text: &str, named: &str) -> bool {
    let named = words(named);
    !named.is_empty() && words(text).windows(named.len()).any(|w| w == named.as_slice())
}

/// What the criterion asks of an award's record besides its kind of criterion: the lowest
/// FHEQ level and the recorded kinds that count.
#[derive(Clone, Copy)]
struct Recorded<'c> {
    level: Option<AcademicLevel>,
    kinds: &'c [AwardKind],
}

/// The award or course a criterion looks for in the worker's records.
#[derive(Clone, Copy)]
enum Sought<'c> {
    PqAward(&'c [String]),
    PostgraduateAward(&'c [String]),
    Course(&'c [String]),
    PepsStage(u32),
}

impl<'c> Sought<'c> {
    /// Names the award must go by; empty when any award of the kind counts.
    fn names(self) -> &'c [String] {
        match self {
            Sought::PqAward(names) | Sought::PostgraduateAward(names) | Sought::Course(names) => names,
            Sought::PepsStage(_) => &[],
        }
    }
}

/// Evaluate one route for a worker.
pub fn evaluate_route(f: &Framework, route: &Route, w: &WorkerFacts, today: NaiveDate) -> RouteEligibility {
    let judge = Judge { f, w, today };
    let mut criteria: Vec<CriterionResult> = route.criteria.iter().map(|c| judge.judge(c)).collect();
    // An ASYE-triggered route needs the pass even if the file lists no criterion for it.
    if route.trigger == Trigger::AsyePass && !route.criteria.iter().any(|c| c.kind() == CriterionKind::AsyePassed) {
        let implicit = Criterion {
            test: CriterionTest::AsyePassed { accepts: vec![], up_to_years: None },
            essential: true,
            committed_counts: false,
            text: "Pass the ASYE".into(),
            source: None,
        };
        criteria.insert(0, judge.judge(&implicit));
    }
    // A route taken on the appraisal's recommendation reads the latest appraisal even if the
    // file lists no criterion for it.
    if route.trigger == Trigger::Appraisal
        && !route.criteria.iter().any(|c| c.kind() == CriterionKind::AppraisalRecommends)
    {
        let name = f.appraisal.as_ref().map(|a| a.name.as_str()).unwrap_or("appraisal");
        let implicit = Criterion {
            test: CriterionTest::AppraisalRecommends,
            essential: true,
            committed_counts: false,
            text: format!("Your {name} recommends the move"),
            source: None,
        };
        criteria.insert(0, judge.judge(&implicit));
    }
    // The target level's own requirements apply too, unless the route already tests the same thing.
    let target = f.level(&route.to);
    if let Some(level) = target {
        for req in &level.requirements {
            if !route.criteria.iter().any(|c| c.kind() == req.kind()) {
                criteria.push(judge.judge(req));
            }
        }
    }
    criteria.sort_by_key(|c| !c.essential);
    for c in &mut criteria {
        c.needs_judgement = needs_judgement(c);
    }

    // A vacancy is what a vacancy-led route waits for, not something the worker lacks.
    let essential: Vec<&CriterionResult> =
        criteria.iter().filter(|c| c.essential && c.kind != CriterionKind::Vacancy).collect();
    let unmet: Vec<&&CriterionResult> = essential.iter().filter(|c| c.status != CriterionStatus::Met).collect();
    let vacancy_led =
        route.trigger == Trigger::Vacancy || criteria.iter().any(|c| c.essential && c.kind == CriterionKind::Vacancy);
    let status = if unmet.is_empty() && vacancy_led {
        RouteStatus::ApplyWhenAdvertised
    } else if unmet.is_empty() {
        RouteStatus::Eligible
    } else if unmet.iter().any(|c| c.hard && c.status == CriterionStatus::NotMet) {
        RouteStatus::Blocked
    } else if unmet.iter().all(|c| needs_judgement(c)) {
        RouteStatus::NeedsJudgement
    } else {
        RouteStatus::NotYet
    };
    let mut judged: Vec<String> = Vec::new();
    for c in unmet.iter().filter(|c| needs_judgement(c)) {
        if !judged.contains(&c.text) {
            judged.push(c.text.clone());
        }
    }
    // The day the last essential criterion is (or will be) met, when every one has a date.
    let eligible_from = match status {
        RouteStatus::Blocked | RouteStatus::NeedsJudgement => None,
        // Nobody is eligible to leave a level before they reach it.
        RouteStatus::Eligible | RouteStatus::ApplyWhenAdvertised => {
            let dates: Vec<Option<NaiveDate>> = essential.iter().map(|c| c.met_on).collect();
            if dates.iter().all(Option::is_some) {
                dates.into_iter().flatten().chain(w.level_since).max()
            } else {
                None
            }
        }
        RouteStatus::NotYet => {
            if unmet.iter().all(|c| c.time_based && c.met_on.is_some()) {
                essential.iter().filter_map(|c| c.met_on).max()
            } else {
                None
            }
        }
    };
    let to_name = target.map(|l| l.name.clone()).unwrap_or_else(|| route.to.to_string());
    let summary = summarise(route, &to_name, status, eligible_from, &unmet, &judged);
    RouteEligibility {
        route: route.id.clone(),
        route_name: route.name.clone(),
        to_level: route.to.clone(),
        to_level_name: to_name,
        status,
        eligible_from,
        criteria,
        needs_judgement: judged,
        summary,
    }
}

fn summarise(
    route: &Route,
    to: &str,
    status: RouteStatus,
    eligible_from: Option<NaiveDate>,
    unmet: &[&&CriterionResult],
    judged: &[String],
) -> String {
    let how = route.name.to_lowercase();
    match status {
        RouteStatus::Eligible => match route.trigger {
            Trigger::AsyePass => format!("You move to {to} automatically: your ASYE is passed."),
            Trigger::Appraisal => format!("Your appraisal recommends you for {to}; you can apply now ({how})."),
            Trigger::Application | Trigger::Vacancy => format!("You can apply for {to} now ({how})."),
        },
        RouteStatus::ApplyWhenAdvertised => {
            format!("You meet the criteria for {to}; you can apply when a post is advertised ({how}).")
        }
        RouteStatus::NeedsJudgement => {
            let then = if route.trigger == Trigger::Vacancy { ", then apply when a post is advertised" } else { "" };
            format!(
                "For {to} ({how}), what is left needs your manager's judgement{then}: {}",
                judged.iter().map(|t| t.trim_end_matches('.')).collect::<Vec<_>>().join("; ") + "."
            )
        }
        RouteStatus::NotYet => {
            let reasons: Vec<String> = unmet.iter().map(|c| c.explanation.clone()).collect();
            match eligible_from {
                Some(d) => format!("Not yet: you can apply for {to} from {}. {}", long(d), reasons.join(" ")),
                None => format!("Not yet for {to}: {}", reasons.join(" ")),
            }
        }
        RouteStatus::Blocked => {
            let reasons: Vec<String> = unmet
                .iter()
                .filter(|c| c.hard && c.status == CriterionStatus::NotMet)
                .map(|c| c.explanation.clone())
                .collect();
            format!("Blocked for {to}: {}", reasons.join(" "))
        }
    }
}

/// For a route taken on the appraisal's recommendation (`trigger = "appraisal"`): whether
/// the worker's latest appraisal recommends the move. `Err` says why not, in words.
pub fn appraisal_recommends(
    framework: &Framework,
    route: &Route,
    worker: &WorkerFacts,
    today: NaiveDate,
) -> Result<(), String> {
    let judged = evaluate_route(framework, route, worker, today);
    match judged.criteria.iter().find(|c| c.kind == CriterionKind::AppraisalRecommends) {
        Some(c) if c.status != CriterionStatus::Met => Err(c.explanation.clone()),
        _ => Ok(()),
    }
}

/// Every route out of the worker's current level, in the framework's order.
pub fn evaluate(f: &Framework, w: &WorkerFacts, today: NaiveDate) -> Vec<RouteEligibility> {
    f.routes.iter().filter(|r| r.leaves(&w.level)).map(|r| evaluate_route(f, r, w, today)).collect()
}

/// Whether a worker becomes eligible for a route within the window `(today, until]`.
pub fn becomes_eligible_between(r: &RouteEligibility, today: NaiveDate, until: NaiveDate) -> bool {
    r.status == RouteStatus::NotYet && r.eligible_from.is_some_and(|d| d > today && d <= until)
}

/// Whether a worker has been eligible for a route for at least `months` as of `today`
/// (for "who is stuck": eligible a long time with no application).
pub fn eligible_for_at_least(r: &RouteEligibility, months: u32, today: NaiveDate) -> bool {
    r.status == RouteStatus::Eligible
        && r.eligible_from.is_some_and(|d| d.checked_add_months(Months::new(months)).is_some_and(|x| x <= today))
}
