//! Small builders for test records.

use chrono::NaiveDate;
use pathway_core::workforce::{
    AsyeOutcome, AsyeParts, AsyeRecord, AuthorityId, ChangeReason, EmployeeNumber, EmploymentType, Name, NewAuthority,
    NewTimelineEntry, NewWorker, PersonName, Probation, ProbationStatus, Qualification, RegistrationStatus, SweNumber,
    SweRegistration, WorkerDetails,
};
use pathway_store::{AuthorityScope, Store, Tenancy};

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

pub async fn authority(store: &Store, id: &str, name: &str) -> AuthorityScope {
    let id = AuthorityId::parse(id).expect("authority id");
    store
        .create_authority(&NewAuthority { id: id.clone(), name: Name::parse(name).expect("name") })
        .await
        .expect("create");
    store.scope(&id).await.expect("scope")
}

/// A permanent worker with only the required details.
pub fn details(number: &str, name: &str) -> WorkerDetails {
    WorkerDetails::new(
        EmployeeNumber::parse(number).expect("employee number"),
        PersonName::parse(name).expect("name"),
        EmploymentType::Permanent,
        date("2020-09-01"),
    )
}

/// A worker with every detail filled in: qualified, registered, ASYE passed.
pub fn full_details(number: &str, name: &str) -> WorkerDetails {
    let mut d = details(number, name);
    d.employment = EmploymentType::Secondment;
    d.left_on = Some(date("2026-03-31"));
    d.qualification = Some(Qualification {
        title: Name::parse("MA Social Work").expect("title"),
        institution: Name::parse("University of Sheffield").expect("institution"),
        awarded_on: date("2020-07-15"),
    });
    d.registration = Some(SweRegistration {
        number: SweNumber::parse(&format!("SW{}", number.trim_start_matches(|c: char| !c.is_ascii_digit())))
            .expect("swe number"),
        status: RegistrationStatus::Registered,
        renewal_due: Some(date("2026-11-30")),
    });
    d.asye = Some(
        AsyeRecord::new(AsyeParts {
            cohort: Some("2020-10".parse().expect("cohort")),
            started_on: Some(date("2020-10-05")),
            assessor: None,
            status: None,
            outcome: Some(AsyeOutcome::Passed),
            outcome_on: Some(date("2021-10-04")),
        })
        .expect("asye"),
    );
    d.probation = Some(Probation { status: ProbationStatus::Completed, ends_on: Some(date("2021-03-01")) });
    d
}

pub fn new_worker(number: &str, name: &str) -> NewWorker {
    NewWorker { details: details(number, name), timeline: Vec::new() }
}

pub fn entry(
    starts: &str,
    level: &str,
    grade: Option<&str>,
    point: Option<&str>,
    reason: ChangeReason,
) -> NewTimelineEntry {
    NewTimelineEntry {
        starts_on: date(starts),
        framework: "rotherham".into(),
        level: level.into(),
        grade: grade.map(Into::into),
        point: point.map(|p| Name::parse(p).expect("point")),
        reason,
        note: None,
    }
}

/// A small framework file that loads cleanly.
pub const FRAMEWORK: &str = r#"format = 1

[framework]
id = "example"
authority = "Example Borough Council"
service = "Children's Services"
title = "Social Work Career Pathway"
version = "1"
effective_from = 2025-04-01
source = "Example career pathway, 2025"

[pay]
salaries = "published"

[[roles]]
id = "progression-panel"
name = "Progression Panel"
panel = true

[[grades]]
id = "grade-a"
name = "Grade A"
source = "p.2"
points = [{ point = "1", salary = 34000 }, { point = "2", salary = 35000 }]

[[grades]]
id = "grade-b"
name = "Grade B"
source = "p.3"
points = [{ point = "1", salary = 36000 }, { point = "2", salary = 37500 }]

[[levels]]
id = "social-worker"
name = "Social Worker"
track = "practice"
grades = ["grade-a"]
source = "p.2"

[[levels]]
id = "experienced-social-worker"
name = "Experienced Social Worker"
track = "practice"
grades = ["grade-b"]
source = "p.3"

[[routes]]
id = "sw-to-esw"
from = "social-worker"
to = "experienced-social-worker"
kind = "portfolio-panel"
name = "Progression panel"
decided_by = "progression-panel"
source = "p.3"
criteria = [{ kind = "post-qualifying-years", years = 2, text = "Two years qualified" }]
steps = [{ id = "panel", kind = "panel", title = "Progression panel", assessors = [{ role = "progression-panel" }], decides = true }]
"#;
