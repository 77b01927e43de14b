//! Synthetic demo workforces: the four seed authorities with teams, managers and workers at
//! every level with plausible histories, or a deterministic national-size dataset for
//! benchmarks. Every person is invented; the same seed always gives the same data.

use chrono::{Datelike, Months, NaiveDate};
use pathway_core::bundled;
use pathway_core::eligibility::{AwardFact, WorkerFacts};
use pathway_core::framework::{
    Criterion, CriterionTest, Framework, FrameworkId, GradeId, Level, LevelId, RoleId, Track,
};
use pathway_core::workforce::{
    AcademicLevel, AppraisalOutcome, AsyeCohort, AsyeOutcome, AsyeParts, AsyeRecord, AuthorityId, AwardKind,
    ChangeReason, EmployeeNumber, EmploymentType, GoalStatus, InvalidValue, Name, NewAppraisal, NewAuthority, NewAward,
    NewGoal, NewTimelineEntry, Note, PersonName, Probation, ProbationStatus, Qualification, RegistrationStatus,
    SweNumber, SweRegistration, UnitKind,
};

/// How much demo data to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The four seed authorities, a few hundred workers in all.
    Seeds,
    /// About 100,000 workers across about 150 authorities, each using one of the seed frameworks.
    National,
}

/// One invented authority and its workforce, ready to store.
#[derive(Debug, Clone)]
pub struct DemoAuthority {
    /// The authority.
    pub authority: NewAuthority,
    /// The bundled framework it uses.
    pub framework: FrameworkId,
    /// Organisation units; `parent` indexes into this list.
    pub units: Vec<DemoUnit>,
    /// Workers.
    pub workers: Vec<DemoWorker>,
}

/// An organisation unit whose parent is given by position in [`DemoAuthority::units`].
#[derive(Debug, Clone)]
pub struct DemoUnit {
    /// Service, locality or team.
    pub kind: UnitKind,
    /// Its name.
    pub name: Name,
    /// Index of the parent unit.
    pub parent: Option<usize>,
}

/// An invented worker with their history.
#[derive(Debug, Clone)]
pub struct DemoWorker {
    /// Employee number.
    pub employee_number: EmployeeNumber,
    /// Name.
    pub name: PersonName,
    /// Permanent, agency or secondment.
    pub employment: EmploymentType,
    /// Start with the authority.
    pub started_on: NaiveDate,
    /// Index of the unit they work in.
    pub unit: usize,
    /// Social work qualification.
    pub qualification: Qualification,
    /// SWE registration.
    pub registration: SweRegistration,
    /// ASYE record, where they did one here or elsewhere.
    pub asye: Option<AsyeRecord>,
    /// Six months' probation from the start, for employees (agency staff have none here).
    pub probation: Option<Probation>,
    /// Level, grade and point history, oldest first.
    pub timeline: Vec<NewTimelineEntry>,
    /// Awards completed.
    pub awards: Vec<NewAward>,
    /// Appraisals, oldest first.
    pub appraisals: Vec<NewAppraisal>,
    /// Development goals.
    pub goals: Vec<NewGoal>,
    /// The management post they hold: unit index and role.
    pub manages: Option<(usize, RoleId)>,
}

impl DemoWorker {
    /// The eligibility facts for this worker as of `today`, straight from the generated data.
    pub fn facts(&self, today: NaiveDate) -> Option<WorkerFacts> {
        let now = self.timeline.iter().rev().find(|e| e.starts_on <= today)?;
        let level_since =
            self.timeline.iter().filter(|e| e.starts_on <= today && e.level == now.level).map(|e| e.starts_on).min();
        Some(WorkerFacts {
            level: now.level.clone(),
            level_since,
            qualification: Some(self.qualification.title.as_str().to_owned()),
            qualified_on: Some(self.qualification.awarded_on),
            registration: Some(self.registration.status),
            asye_status: self.asye.as_ref().map(|a| a.status()),
            asye_started: self.asye.as_ref().and_then(|a| a.started_on()),
            asye_outcome: self.asye.as_ref().and_then(|a| a.outcome().map(|o| (o, a.outcome_on()))),
            awards: self
                .awards
                .iter()
                .filter(|a| a.completed_on <= today)
                .map(|a| AwardFact {
                    kind: a.kind,
                    title: a.title.as_str().to_owned(),
                    on: Some(a.completed_on),
                    academic_level: a.academic_level,
                    credits: a.credits,
                })
                .collect(),
            commitments: Vec::new(),
            latest_appraisal: self.appraisals.iter().rev().find(|a| a.held_on <= today).map(|a| (a.held_on, a.outcome)),
            ready_since: pathway_core::eligibility::ready_since(
                self.appraisals.iter().map(|a| (a.held_on, a.outcome)),
                today,
            ),
            probation: self.probation,
            employment: Some(self.employment),
            attestations: Vec::new(),
        })
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same workforce on
/// every machine, which benchmarks and demos rely on.
#[derive(Debug, Clone)]
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST_NAMES: &[&str] = &[
    "Aisha", "Amara", "Amelia", "Ben", "Chloe", "Daniel", "Deborah", "Ellie", "Emeka", "Fatima", "Gareth", "Grace",
    "Hannah", "Harpreet", "Imran", "Jade", "James", "Joanne", "Kofi", "Laura", "Liam", "Lucy", "Mariam", "Mark",
    "Megan", "Mohammed", "Nadia", "Natalie", "Oliver", "Priya", "Rachel", "Rebecca", "Ryan", "Samira", "Sarah", "Sean",
    "Sophie", "Tom", "Yusuf", "Zoe",
];

const SURNAMES: &[&str] = &[
    "Adeyemi",
    "Ahmed",
    "Baker",
    "Bennett",
    "Brown",
    "Campbell",
    "Chowdhury",
    "Clarke",
    "Davies",
    "Edwards",
    "Evans",
    "Fletcher",
    "Green",
    "Hall",
    "Hughes",
    "Hussain",
    "Jackson",
    "Johnson",
    "Kaur",
    "Khan",
    "Lewis",
    "Mensah",
    "Morgan",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Okafor",
    "Patel",
    "Roberts",
    "Robinson",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Turner",
    "Walker",
    "Ward",
    "Williams",
    "Wilson",
];

const TEAM_NAMES: &[&str] = &[
    "Assessment Team",
    "Child Protection Team",
    "Children in Care Team",
    "Care Leavers Team",
    "Disabled Children's Team",
    "Family Support Team",
    "Front Door (MASH)",
    "Court and Permanence Team",
];

const UNIVERSITIES: &[&str] = &[
    "University of Kent",
    "Sheffield Hallam University",
    "University of Greenwich",
    "University of Sussex",
    "Canterbury Christ Church University",
    "University of Brighton",
    "University of York",
    "Goldsmiths, University of London",
];

fn bad(e: InvalidValue) -> crate::AppError {
    crate::AppError::BadInput { field: e.field.to_owned(), message: e.to_string() }
}

/// Generate the demo data. `today` anchors the histories; `seed` makes it repeatable.
pub fn generate(scale: Scale, today: NaiveDate, seed: u64) -> Result<Vec<DemoAuthority>, crate::AppError> {
    let frameworks: Vec<Framework> = bundled::FILES.iter().filter_map(|f| bundled::framework(f.id)).collect();
    let mut dice = Dice(seed);
    let mut out = Vec::new();
    match scale {
        Scale::Seeds => {
            for (i, f) in frameworks.iter().enumerate() {
                let id = AuthorityId::parse(f.framework.id.as_str()).map_err(bad)?;
                let name = Name::parse(&f.framework.authority).map_err(bad)?;
                out.push(authority(f, NewAuthority { id, name }, i, 60, today, &mut dice)?);
            }
        }
        Scale::National => {
            for i in 0..150usize {
                let Some(f) = frameworks.get(i % frameworks.len().max(1)) else { break };
                let id = AuthorityId::parse(&format!("demo-{:03}", i + 1)).map_err(bad)?;
                let name =
                    Name::parse(&format!("Demo Authority {:03} ({} framework)", i + 1, f.framework.id)).map_err(bad)?;
                // Authorities vary in size: roughly 350 to 1,000 workers, about 100,000 in all.
                let size = 350 + (dice.below(650) as usize);
                out.push(authority(f, NewAuthority { id, name }, i, size, today, &mut dice)?);
            }
        }
    }
    Ok(out)
}

/// Practice levels in ladder order (the ASYE level first where there is one).
fn practice_ladder(f: &Framework) -> Vec<&Level> {
    f.levels.iter().filter(|l| l.track == Track::Practice).collect()
}

/// The years of post-qualifying experience the routes into `level` ask for: 0 when none of
/// them counts years, since then no experience is needed.
fn years_for(f: &Framework, level: &LevelId) -> u32 {
    f.routes
        .iter()
        .filter(|r| r.to == *level)
        .flat_map(|r| r.criteria.iter())
        .filter_map(|c| match c.test {
            CriterionTest::PostQualifyingYears { years } => Some(years),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

fn role_or(f: &Framework, wanted: &[&str]) -> Option<RoleId> {
    wanted.iter().find(|w| f.roles.iter().any(|r| r.id.as_str() == **w && r.line_management)).map(|w| RoleId::from(*w))
}

fn authority(
    f: &Framework,
    new: NewAuthority,
    index: usize,
    size: usize,
    today: NaiveDate,
    dice: &mut Dice,
) -> Result<DemoAuthority, crate::AppError> {
    let mut units = vec![DemoUnit {
        kind: UnitKind::Service,
        name: Name::parse("Children's Social Care").map_err(bad)?,
        parent: None,
    }];
    let teams_wanted = (size / 9).max(2);
    let localities = teams_wanted.div_ceil(6).max(1);
    let mut team_units = Vec::new();
    for l in 0..localities {
        let loc = units.len();
        let name = format!("Locality {}", (b'A' + (l % 26) as u8) as char);
        units.push(DemoUnit { kind: UnitKind::Locality, name: Name::parse(&name).map_err(bad)?, parent: Some(0) });
        let in_this = if l + 1 == localities { teams_wanted - 6 * l } else { 6 };
        for t in 0..in_this {
            let name = format!("{} {}", TEAM_NAMES[(l * 6 + t) % TEAM_NAMES.len()], (b'A' + (l % 26) as u8) as char);
            team_units.push(units.len());
            units.push(DemoUnit { kind: UnitKind::Team, name: Name::parse(&name).map_err(bad)?, parent: Some(loc) });
        }
    }

    let ladder = practice_ladder(f);
    let manager_level = f.levels.iter().find(|l| l.track == Track::Management);
    let senior_level = f.levels.iter().find(|l| l.track == Track::Strategic).or(manager_level);
    let tm_role = role_or(f, &["team-manager", "practice-manager"]).unwrap_or_else(|| RoleId::from("team-manager"));
    let lm_role = role_or(f, &["locality-manager", "service-manager", "group-manager"])
        .unwrap_or_else(|| RoleId::from("service-manager"));
    let hos_role = role_or(f, &["head-of-service"]).unwrap_or_else(|| RoleId::from("head-of-service"));

    let mut workers = Vec::with_capacity(size + team_units.len() + localities + 1);
    // Employee numbers are stable whatever the date: E0<index+10>001 upwards per authority.
    let mut number = 10_000 + 1_000 * index as u32;
    let mut next_number = || {
        number += 1;
        number
    };
    // Managers first: one per team, one per locality, one head of service.
    for &team in &team_units {
        let w = worker(f, &ladder, manager_level, team, Some((team, tm_role.clone())), today, dice, next_number())?;
        workers.push(w);
    }
    for (i, unit) in units.iter().enumerate() {
        if unit.kind == UnitKind::Locality {
            let w = worker(f, &ladder, senior_level, i, Some((i, lm_role.clone())), today, dice, next_number())?;
            workers.push(w);
        }
    }
    workers.push(worker(f, &ladder, senior_level, 0, Some((0, hos_role)), today, dice, next_number())?);
    // Practitioners spread over the teams and the practice ladder.
    let practitioners = size.saturating_sub(workers.len());
    for i in 0..practitioners {
        let team = team_units[i % team_units.len()];
        let roll = dice.below(100);
        let index = match ladder.len() {
            0 => None,
            n => Some(match roll {
                0..=14 => 0,
                15..=44 => 1.min(n - 1),
                45..=74 => 2.min(n - 1),
                _ => (3 + (roll as usize % 2)).min(n - 1),
            }),
        };
        let level = index.and_then(|i| ladder.get(i).copied());
        workers.push(worker(f, &ladder, level, team, None, today, dice, next_number())?);
    }
    Ok(DemoAuthority { authority: new, framework: f.framework.id.clone(), units, workers })
}

/// The most recent ASYE intake on or before `date` for the framework's intake months.
fn latest_intake(f: &Framework, date: NaiveDate) -> NaiveDate {
    let months = f.asye.as_ref().map(|a| a.intake_months.clone()).filter(|m| !m.is_empty()).unwrap_or(vec![9]);
    (0..24u32)
        .filter_map(|back| date.checked_sub_months(Months::new(back)))
        .find(|d| months.contains(&d.month()))
        .and_then(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), 1))
        .unwrap_or(date)
}

#[allow(clippy::too_many_arguments)]
fn worker(
    f: &Framework,
    ladder: &[&Level],
    level: Option<&Level>,
    unit: usize,
    manages: Option<(usize, RoleId)>,
    today: NaiveDate,
    dice: &mut Dice,
    number: u32,
) -> Result<DemoWorker, crate::AppError> {
    let first = dice.pick(FIRST_NAMES);
    let last = dice.pick(SURNAMES);
    let name = PersonName::parse(&format!("{first} {last}")).map_err(bad)?;
    let employee_number = EmployeeNumber::parse(&format!("E{number:06}")).map_err(bad)?;
    let fid = f.framework.id.clone();
    // Where on the practice ladder the worker is: managers sit above it.
    let ladder_index = level.and_then(|l| ladder.iter().position(|x| x.id == l.id));
    let is_asye = level.is_some_and(|l| l.asye);
    // Years since qualifying: enough for the routes they have come through, plus some.
    let needed_years = match ladder_index {
        Some(i) => ladder.iter().take(i + 1).map(|l| years_for(f, &l.id)).max().unwrap_or(0) + i as u32,
        None => 8 + dice.below(8) as u32,
    };
    // Some practitioners are a few months from meeting the next route's time criterion, and
    // some have been told "ready" at two PDRs running without applying, so that the demo
    // shows every kind of answer: eligible now, soon, and stuck.
    let next_years = ladder_index.and_then(|i| ladder.get(i + 1)).map(|l| years_for(f, &l.id)).unwrap_or(0);
    let practitioner = !is_asye && manages.is_none() && ladder_index.is_some();
    let nearly = practitioner && next_years > 0 && dice.chance(30);
    let stuck = practitioner && !nearly && dice.chance(20);
    let asye_start = if is_asye {
        // A cohort that started within the last twelve months, so the year is still running.
        let recent: Vec<NaiveDate> = (0..12u32)
            .map(|back| latest_intake(f, today.checked_sub_months(Months::new(back)).unwrap_or(today)))
            .filter(|d| d.checked_add_months(Months::new(12)).is_some_and(|end| end > today))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if recent.is_empty() { latest_intake(f, today) } else { dice.pick(&recent) }
    } else if nearly {
        today + chrono::Duration::days(90 + dice.below(120) as i64) - chrono::Duration::days(365 * next_years as i64)
    } else {
        today - chrono::Duration::days(365 * needed_years as i64 + 200 + dice.below(900) as i64)
    };
    let qualified_on = asye_start - chrono::Duration::days(40 + dice.below(60) as i64);
    let qualification = Qualification {
        title: Name::parse(dice.pick(&[
            "BA (Hons) Social Work",
            "MA Social Work",
            "BSc Social Work",
            "MSc Social Work",
        ]))
        .map_err(bad)?,
        institution: Name::parse(dice.pick(UNIVERSITIES)).map_err(bad)?,
        awarded_on: qualified_on,
    };
    let registration = SweRegistration {
        number: SweNumber::parse(&format!("SW{:06}", 100_000 + (number as u64 * 7919 + dice.below(97)) % 900_000))
            .map_err(bad)?,
        status: if dice.chance(1) { RegistrationStatus::Lapsed } else { RegistrationStatus::Registered },
        renewal_due: NaiveDate::from_ymd_opt(if today.month() == 12 { today.year() + 1 } else { today.year() }, 11, 30),
    };
    let pre_2013 = qualified_on.year() < 2013;
    let asye_outcome_on = asye_start.checked_add_months(Months::new(12)).unwrap_or(asye_start);
    let asye = if is_asye {
        AsyeRecord::new(AsyeParts {
            cohort: Some(AsyeCohort::starting(asye_start)),
            started_on: Some(asye_start),
            assessor: None,
            status: None,
            outcome: None,
            outcome_on: None,
        })
        .ok()
    } else if pre_2013 {
        AsyeRecord::new(AsyeParts {
            cohort: None,
            started_on: None,
            assessor: None,
            status: None,
            outcome: Some(AsyeOutcome::NqswPortfolioPre2013),
            // A pre-2013 portfolio is dated before 2013.
            outcome_on: Some(asye_outcome_on.min(AsyeOutcome::NQSW_PORTFOLIO_ENDS - chrono::Duration::days(1))),
        })
        .ok()
    } else {
        AsyeRecord::new(AsyeParts {
            cohort: Some(AsyeCohort::starting(asye_start)),
            started_on: Some(asye_start),
            assessor: None,
            status: None,
            outcome: Some(AsyeOutcome::Passed),
            outcome_on: Some(asye_outcome_on),
        })
        .ok()
    };
    // External appointments: some started here above the ASYE level.
    let appointed_externally = !is_asye && dice.chance(25);
    let employment = match dice.below(100) {
        0..=7 if manages.is_none() => EmploymentType::Agency,
        8..=9 => EmploymentType::Secondment,
        _ => EmploymentType::Permanent,
    };

    // The timeline: each practice level in turn, spaced by the years its route needs.
    let mut timeline = Vec::new();
    let entry =
        |on: NaiveDate, l: &Level, point: usize, reason: ChangeReason| -> Result<NewTimelineEntry, crate::AppError> {
            let grade = l.grades.first().cloned();
            let point_name = grade
                .as_ref()
                .and_then(|g| f.grade(g))
                .and_then(|g| g.points.get(point.min(g.points.len().saturating_sub(1))))
                .map(|p| Name::parse(&p.point))
                .transpose()
                .map_err(bad)?;
            Ok(NewTimelineEntry {
                starts_on: on,
                framework: fid.clone(),
                level: l.id.clone(),
                grade: grade.map(|g: GradeId| g),
                point: point_name,
                reason,
                note: None,
            })
        };
    let started_on;
    match (ladder_index, level) {
        (Some(target), _) => {
            let first_here = if appointed_externally { target } else { 0 };
            let mut on = if first_here == 0 {
                asye_start
            } else {
                today - chrono::Duration::days(200 + dice.below(1200) as i64)
            };
            started_on = on;
            for (i, l) in ladder.iter().enumerate().take(target + 1).skip(first_here) {
                if i > first_here {
                    // Progression happens once the route's years are met, a little after.
                    let min = qualified_on
                        .checked_add_months(Months::new(12 * years_for(f, &l.id).max(1)))
                        .unwrap_or(qualified_on);
                    on = min.max(on + chrono::Duration::days(365)) + chrono::Duration::days(dice.below(200) as i64);
                    if on > today {
                        on = today - chrono::Duration::days(30 + dice.below(60) as i64);
                    }
                }
                let reason = match (i, i == first_here) {
                    (_, true) => ChangeReason::Appointed,
                    (1, false) if ladder[0].asye => ChangeReason::AsyeCompleted,
                    _ => ChangeReason::Progression,
                };
                timeline.push(entry(on, l, 0, reason)?);
                // Annual increments on 1 April while at this level (capped at the top point).
                let until = if i == target { today } else { on + chrono::Duration::days(365) };
                let mut point = 0;
                let mut april = NaiveDate::from_ymd_opt(on.year() + 1, 4, 1).unwrap_or(on);
                while april <= until && point < 4 && !l.grades.is_empty() && !l.asye {
                    point += 1;
                    timeline.push(entry(april, l, point, ChangeReason::Increment)?);
                    april = NaiveDate::from_ymd_opt(april.year() + 1, 4, 1).unwrap_or(until);
                }
            }
        }
        (None, Some(l)) => {
            started_on = today - chrono::Duration::days(365 + dice.below(3000) as i64);
            timeline.push(entry(started_on, l, dice.below(3) as usize, ChangeReason::Appointed)?);
        }
        (None, None) => {
            // A manager in a framework without management levels: on the staff, not the ladder.
            started_on = today - chrono::Duration::days(365 + dice.below(3000) as i64);
        }
    }
    timeline.sort_by_key(|e| e.starts_on);
    timeline.dedup_by(|a, b| a.starts_on == b.starts_on);

    let years_qualified = (today - qualified_on).num_days() / 365;
    let mut awards = Vec::new();
    if years_qualified >= 4 && dice.chance(45) {
        awards.push(NewAward {
            kind: AwardKind::PepsStage1,
            title: Name::parse("Practice Educator Professional Standards stage 1").map_err(bad)?,
            provider: Some(Name::parse(dice.pick(UNIVERSITIES)).map_err(bad)?),
            completed_on: qualified_on + chrono::Duration::days(365 * 3 + dice.below(300) as i64),
            academic_level: None,
            credits: None,
        });
        if dice.chance(50) {
            awards.push(NewAward {
                kind: AwardKind::PepsStage2,
                title: Name::parse("Practice Educator Professional Standards stage 2").map_err(bad)?,
                provider: Some(Name::parse(dice.pick(UNIVERSITIES)).map_err(bad)?),
                completed_on: qualified_on + chrono::Duration::days(365 * 4 + dice.below(300) as i64),
                academic_level: None,
                credits: None,
            });
        }
    }
    if years_qualified >= 3 && dice.chance(25) {
        awards.push(NewAward {
            kind: AwardKind::PostgraduateCertificate,
            title: Name::parse("Postgraduate Certificate in Effective Practice").map_err(bad)?,
            provider: Some(Name::parse(dice.pick(UNIVERSITIES)).map_err(bad)?),
            completed_on: qualified_on + chrono::Duration::days(365 * 2 + dice.below(600) as i64),
            // A postgraduate certificate: 60 credits at Master's level.
            academic_level: Some(AcademicLevel::MASTERS),
            credits: Some(60),
        });
    }
    if years_qualified >= 2 && dice.chance(20) {
        awards.push(NewAward {
            kind: AwardKind::PqAward,
            title: Name::parse("Post-qualifying award in child care").map_err(bad)?,
            provider: Some(Name::parse(dice.pick(UNIVERSITIES)).map_err(bad)?),
            completed_on: qualified_on + chrono::Duration::days(365 * 2 + dice.below(400) as i64),
            academic_level: None,
            credits: None,
        });
    }
    // Two in three practitioners have done a course the next level asks for by name (Bexley:
    // the Practice Education course), so the demo shows such a course counted. Chosen by
    // employee number, not the dice, so the rest of the generated data stays as it was.
    let next_level = ladder_index.and_then(|i| ladder.get(i + 1));
    if practitioner
        && !number.is_multiple_of(3)
        && let (Some(from), Some(to)) = (level, next_level)
        && let Some(course) = named_course(f, &from.id, to)
    {
        let completed_on = (today - chrono::Duration::days(200 + i64::from(number % 300))).max(qualified_on);
        awards.push(NewAward {
            kind: AwardKind::Course,
            title: Name::parse(&course).map_err(bad)?,
            provider: None,
            completed_on,
            academic_level: None,
            credits: None,
        });
    }
    awards.retain(|a| a.completed_on <= today);

    // Annual appraisals (PDR) each spring since starting; the latest may say "ready".
    let mut appraisals = Vec::new();
    let mut held = NaiveDate::from_ymd_opt(started_on.year() + 1, 4, 10 + dice.below(15) as u32).unwrap_or(today);
    while held <= today {
        let latest = held.checked_add_months(Months::new(12)).is_none_or(|n| n > today);
        let second_latest = !latest && held.checked_add_months(Months::new(24)).is_none_or(|n| n > today);
        let ready = (latest && (nearly || stuck)) || (second_latest && stuck);
        let outcome = if ready || (latest && !is_asye && dice.chance(40)) {
            AppraisalOutcome::ReadyToApply
        } else if dice.chance(4) {
            AppraisalOutcome::PerformanceConcerns
        } else {
            AppraisalOutcome::MeetingExpectations
        };
        appraisals.push(NewAppraisal {
            held_on: held,
            reviewer: None,
            outcome,
            summary: None,
            objectives: None,
            development_plan: None,
        });
        held = held.checked_add_months(Months::new(12)).unwrap_or(today + chrono::Duration::days(1));
    }
    let mut goals = Vec::new();
    if !is_asye && dice.chance(50) {
        let text = dice.pick(&[
            "Complete PEPS stage 1 and support a student placement",
            "Build a portfolio for the progression panel",
            "Complete the Postgraduate Certificate in Effective Practice",
            "Mentor a newly qualified social worker",
            "Attend the Signs of Safety advanced course",
        ]);
        goals.push(NewGoal {
            goal: Note::parse(text).map_err(bad)?,
            set_on: today - chrono::Duration::days(dice.below(300) as i64),
            due_on: Some(today + chrono::Duration::days(120 + dice.below(300) as i64)),
            status: GoalStatus::Open,
            closed_on: None,
        });
    }
    Ok(DemoWorker {
        employee_number,
        name,
        employment,
        started_on,
        unit,
        qualification,
        registration,
        asye,
        probation: probation(employment, started_on, today),
        timeline,
        awards,
        appraisals,
        goals,
        manages,
    })
}

/// The first course a route from `from` to `to` (or `to` itself) asks for by name, looking
/// inside "any of" requirements too.
fn named_course(f: &Framework, from: &LevelId, to: &Level) -> Option<String> {
    fn find(criteria: &[Criterion]) -> Option<String> {
        criteria.iter().find_map(|c| match &c.test {
            CriterionTest::Course { names, .. } => names.first().cloned(),
            CriterionTest::AnyOf { options } => find(options),
            _ => None,
        })
    }
    let route = f.routes.iter().find(|r| r.from.level() == Some(from) && r.to == to.id);
    route.and_then(|r| find(&r.criteria)).or_else(|| find(&to.requirements))
}

/// Six months from the start: completed once that day has passed, else under way. Agency
/// workers serve no probation with the authority.
fn probation(employment: EmploymentType, started_on: NaiveDate, today: NaiveDate) -> Option<Probation> {
    if employment == EmploymentType::Agency {
        return None;
    }
    let ends_on = started_on.checked_add_months(Months::new(6))?;
    let status = if ends_on <= today { ProbationStatus::Completed } else { ProbationStatus::InProgress };
    Some(Probation { status, ends_on: Some(ends_on) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pathway_core::eligibility::{RouteStatus, evaluate};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_workforce() {
        let a = generate(Scale::Seeds, today(), 7).unwrap();
        let b = generate(Scale::Seeds, today(), 7).unwrap();
        assert_eq!(a.len(), 4);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.workers.len(), y.workers.len());
            assert_eq!(
                x.workers.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(),
                y.workers.iter().map(|w| w.name.as_str()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn every_seed_authority_has_workers_at_every_practice_level_and_an_asye_cohort() {
        for a in generate(Scale::Seeds, today(), 1).unwrap() {
            let f = bundled::framework(a.framework.as_str()).unwrap();
            for l in practice_ladder(&f) {
                let n = a.workers.iter().filter(|w| w.timeline.last().is_some_and(|e| e.level == l.id)).count();
                assert!(n > 0, "{}: nobody at {}", a.framework, l.id);
            }
            // NQSWs start in the framework's intake months (Medway: October and April).
            let intakes = f.asye.as_ref().map(|x| x.intake_months.clone()).unwrap_or_default();
            for w in &a.workers {
                if let Some(start) = w.asye.as_ref().and_then(|x| x.started_on())
                    && w.asye.as_ref().is_some_and(|x| x.outcome().is_none())
                    && !intakes.is_empty()
                {
                    assert!(intakes.contains(&start.month()), "{}: ASYE started {start}", a.framework);
                }
            }
            // Every timeline point names a real point of its grade.
            for w in &a.workers {
                for e in &w.timeline {
                    if let (Some(g), Some(p)) = (&e.grade, &e.point) {
                        assert!(f.grade(g).and_then(|g| g.find_point(p.as_str())).is_some(), "{g} {}", p.as_str());
                    }
                }
            }
        }
    }

    #[test]
    fn the_demo_workforce_has_people_eligible_now_and_people_who_are_not_yet() {
        let mut statuses = std::collections::BTreeMap::new();
        for a in generate(Scale::Seeds, today(), 3).unwrap() {
            let f = bundled::framework(a.framework.as_str()).unwrap();
            for w in &a.workers {
                if let Some(facts) = w.facts(today()) {
                    for r in evaluate(&f, &facts, today()) {
                        *statuses.entry(r.status).or_insert(0) += 1;
                    }
                }
            }
        }
        assert!(statuses.get(&RouteStatus::Eligible).copied().unwrap_or(0) > 0, "{statuses:?}");
        assert!(statuses.get(&RouteStatus::NotYet).copied().unwrap_or(0) > 0, "{statuses:?}");
    }
}
