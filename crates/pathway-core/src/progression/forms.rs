//! The forms a step is completed with, typed by the kind of step (report, practice
//! observation, case-file audit, interview, recommendation, decision), and the checks that a
//! completed form fits the step's definition in the framework.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::audit::Actor;
use super::decision::{DecisionOutcome, PanelRef};
use crate::framework::{Relation, Step, WORKER_ROLE};
use crate::ids::WorkerId;

/// The shape of form a step takes, from its `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormType {
    /// A written report: Part 1/2/3 forms, assessments, reviews.
    Report,
    /// A practice observation.
    PracticeObservation,
    /// An audit of case files.
    CaseFileAudit,
    /// A (reflective) interview.
    Interview,
    /// A recommendation to the decision-maker.
    Recommendation,
    /// A step that decides the application (a panel, moderation or sign-off): completed by
    /// recording the decision, not by a form.
    Decision,
}

impl FormType {
    /// The form a step of this definition takes.
    pub fn of(step: &Step) -> FormType {
        if step.decides {
            return FormType::Decision;
        }
        match step.kind.as_str() {
            "case-file-audit" => FormType::CaseFileAudit,
            "practice-observation" => FormType::PracticeObservation,
            "interview" => FormType::Interview,
            "recommendation" => FormType::Recommendation,
            _ => FormType::Report,
        }
    }
}

/// Whose report a report step is: the Part 1 / Part 2 / Part 3 pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The worker's own report (Part 1).
    WorkerReport,
    /// The line manager's report (Part 2).
    LineManagerReport,
    /// An assessor's report (Part 3, or an independent assessor's form).
    AssessorReport,
}

impl ReportKind {
    /// Whose report the step asks for, from who leads it: the worker; their own manager;
    /// anyone else.
    pub fn of(step: &Step) -> ReportKind {
        let lead = step.assessors.iter().find(|a| a.lead).or_else(|| step.assessors.first());
        match lead {
            Some(a) if a.role.as_str() == WORKER_ROLE => ReportKind::WorkerReport,
            Some(a) if a.relation == Relation::Own => ReportKind::LineManagerReport,
            _ => ReportKind::AssessorReport,
        }
    }
}

/// A heading and its text in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSection {
    /// The heading, e.g. a PCF domain or a question on the form.
    pub heading: String,
    /// What the author wrote.
    pub text: String,
}

/// A written report: the worker's report (Part 1), the line manager's report (Part 2), an
/// assessor's report (Part 3), an assessment or a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The form's name as the framework prints it ("Part 1"); must match the step's.
    #[serde(default)]
    pub form: Option<String>,
    /// The report's conclusion in a paragraph.
    pub summary: String,
    /// The report's sections.
    #[serde(default)]
    pub sections: Vec<ReportSection>,
    /// PCF domains the report evidences.
    #[serde(default)]
    pub pcf_domains: Vec<String>,
    /// KSS statements the report evidences.
    #[serde(default)]
    pub kss_statements: Vec<String>,
}

/// A practice observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeObservation {
    /// When the practice was observed.
    pub observed_on: NaiveDate,
    /// Where and what (a home visit, a child protection conference), without names.
    pub setting: String,
    /// What the observer saw and concluded.
    pub summary: String,
    /// PCF domains evidenced.
    #[serde(default)]
    pub pcf_domains: Vec<String>,
}

/// How an audited case file came out on one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditOutcome {
    /// The file shows the standard.
    Met,
    /// Partly.
    PartlyMet,
    /// The file does not show the standard.
    NotMet,
}

/// One check of one audited file, e.g. "timeliness": met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFinding {
    /// The check, as the step lists it.
    pub check: String,
    /// The outcome.
    pub outcome: AuditOutcome,
    /// The auditor's comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One audited case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditedFile {
    /// The case reference (a case number, never a child's name).
    pub case_reference: String,
    /// One finding per check the step lists.
    pub findings: Vec<AuditFinding>,
    /// Anything else the auditor noted.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A case-file audit: exactly the step's number of files, each with a finding per check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileAudit {
    /// The audited files.
    pub files: Vec<AuditedFile>,
}

/// The checks every audited file needs: the step's `checks`, or complexity and timeliness
/// when the step lists none.
pub fn audit_checks(step: &Step) -> Vec<String> {
    if step.checks.is_empty() { vec!["complexity".to_owned(), "timeliness".to_owned()] } else { step.checks.clone() }
}

/// A question and what was said, in an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewAnswer {
    /// The question asked.
    pub question: String,
    /// The panel's notes on the answer.
    pub notes: String,
}

/// A (reflective) interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    /// When it was held.
    pub held_on: NaiveDate,
    /// Who sat on it: every assigned interviewer must be here.
    pub present: Vec<WorkerId>,
    /// Questions and the notes on the answers.
    #[serde(default)]
    pub answers: Vec<InterviewAnswer>,
    /// The interviewers' conclusion.
    pub summary: String,
}

/// What a recommendation recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recommends {
    /// Progress (or pass).
    Progress,
    /// Do not progress yet (or fail).
    DoNotProgress,
}

/// A recommendation to the decision-maker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationForm {
    /// What is recommended.
    pub recommends: Recommends,
    /// Why.
    pub rationale: String,
}

/// A decision recorded on the step that decides the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The decision.
    pub outcome: DecisionOutcome,
    /// The panel that made it, if a panel did.
    #[serde(default)]
    pub panel: Option<PanelRef>,
}

/// A step's completed form, typed by the kind of step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StepRecord {
    /// A written report (Part 1/2/3, assessment, review).
    Report(Report),
    /// A practice observation.
    PracticeObservation(PracticeObservation),
    /// A case-file audit.
    CaseFileAudit(CaseFileAudit),
    /// An interview.
    Interview(Interview),
    /// A recommendation.
    Recommendation(RecommendationForm),
    /// The decision, on a deciding step.
    Decision(DecisionRecord),
}

impl StepRecord {
    fn form_type(&self) -> FormType {
        match self {
            StepRecord::Report(_) => FormType::Report,
            StepRecord::PracticeObservation(_) => FormType::PracticeObservation,
            StepRecord::CaseFileAudit(_) => FormType::CaseFileAudit,
            StepRecord::Interview(_) => FormType::Interview,
            StepRecord::Recommendation(_) => FormType::Recommendation,
            StepRecord::Decision(_) => FormType::Decision,
        }
    }

    /// Every way this record fails the step's definition, in plain English; empty when it
    /// fits. `participants` are the people assigned to the step; `today` the completion date.
    pub fn problems(&self, step: &Step, participants: &[&Actor], today: NaiveDate) -> Vec<String> {
        let mut p = Vec::new();
        let expected = FormType::of(step);
        if self.form_type() != expected {
            let wanted = match expected {
                FormType::Report => "a report",
                FormType::PracticeObservation => "a practice observation",
                FormType::CaseFileAudit => "a case-file audit",
                FormType::Interview => "an interview record",
                FormType::Recommendation => "a recommendation",
                FormType::Decision => "the decision (record it as the application's decision)",
            };
            p.push(format!("this step takes {wanted}"));
            return p;
        }
        let blank = |s: &str| s.trim().is_empty();
        match self {
            StepRecord::Report(r) => {
                if let (Some(want), Some(got)) = (&step.form, &r.form)
                    && !want.trim().eq_ignore_ascii_case(got.trim())
                {
                    p.push(format!("this step's form is {want}, but the record is {got}"));
                }
                if blank(&r.summary) {
                    p.push("the report needs a summary".into());
                }
                for (i, s) in r.sections.iter().enumerate() {
                    if blank(&s.heading) || blank(&s.text) {
                        p.push(format!("section {} needs a heading and text", i + 1));
                    }
                }
            }
            StepRecord::PracticeObservation(o) => {
                if o.observed_on > today {
                    p.push(format!("the observation is dated {}, after today ({today})", o.observed_on));
                }
                if blank(&o.setting) {
                    p.push("say where the practice was observed (the setting)".into());
                }
                if blank(&o.summary) {
                    p.push("the observation needs a summary".into());
                }
            }
            StepRecord::CaseFileAudit(a) => check_audit(step, a, &mut p),
            StepRecord::Interview(i) => {
                if i.held_on > today {
                    p.push(format!("the interview is dated {}, after today ({today})", i.held_on));
                }
                for who in participants.iter().filter(|a| !a.is_worker_role()) {
                    if !i.present.contains(&who.person) {
                        p.push(format!("{} is assigned to the interview but is not recorded as present", who.name));
                    }
                }
                if blank(&i.summary) {
                    p.push("the interview needs a summary of the panel's conclusion".into());
                }
                for (n, a) in i.answers.iter().enumerate() {
                    if blank(&a.question) || blank(&a.notes) {
                        p.push(format!("answer {} needs the question and the notes", n + 1));
                    }
                }
            }
            StepRecord::Recommendation(r) => {
                if blank(&r.rationale) {
                    p.push("the recommendation needs a rationale".into());
                }
            }
            StepRecord::Decision(_) => {}
        }
        p
    }
}

fn check_audit(step: &Step, a: &CaseFileAudit, p: &mut Vec<String>) {
    let wanted = step.case_files.unwrap_or(1) as usize;
    let got = a.files.len();
    let exact = step.case_files.is_some();
    if (exact && got != wanted) || got == 0 {
        p.push(format!(
            "the audit needs {wanted} audited case file{}; {got} {} recorded",
            if wanted == 1 { "" } else { "s" },
            if got == 1 { "was" } else { "were" }
        ));
    }
    let checks = audit_checks(step);
    let mut seen: Vec<String> = Vec::new();
    for (i, file) in a.files.iter().enumerate() {
        let label = if file.case_reference.trim().is_empty() {
            p.push(format!("file {} needs its case reference", i + 1));
            format!("file {}", i + 1)
        } else {
            format!("case {}", file.case_reference.trim())
        };
        let key = file.case_reference.trim().to_lowercase();
        if !key.is_empty() {
            if seen.contains(&key) {
                p.push(format!("{label} is audited twice; audit {wanted} different files"));
            }
            seen.push(key);
        }
        for check in &checks {
            let n = file.findings.iter().filter(|f| f.check.trim().eq_ignore_ascii_case(check.trim())).count();
            match n {
                0 => p.push(format!("{label} has no outcome on \"{check}\"")),
                1 => {}
                _ => p.push(format!("{label} has {n} outcomes on \"{check}\"; give one")),
            }
        }
        for f in &file.findings {
            if !checks.iter().any(|c| c.trim().eq_ignore_ascii_case(f.check.trim())) {
                p.push(format!(
                    "{label} has an outcome on \"{}\", which this audit does not check (it checks: {})",
                    f.check,
                    checks.join("; ")
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::framework::Assessor;

    fn step(kind: &str) -> Step {
        Step {
            id: "s".into(),
            kind: kind.into(),
            title: "A step".into(),
            form: None,
            assessors: vec![Assessor { role: "team-manager".into(), relation: Relation::Own, lead: true }],
            case_files: None,
            checks: Vec::new(),
            decides: false,
            source: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
    }

    #[test]
    fn step_kinds_take_their_own_forms() {
        assert_eq!(FormType::of(&step("practice-observation")), FormType::PracticeObservation);
        assert_eq!(FormType::of(&step("review")), FormType::Report);
        assert_eq!(FormType::of(&Step { decides: true, ..step("interview") }), FormType::Decision);
        assert_eq!(ReportKind::of(&step("form")), ReportKind::LineManagerReport);
        let wrong =
            StepRecord::Recommendation(RecommendationForm { recommends: Recommends::Progress, rationale: "x".into() });
        assert_eq!(
            wrong.problems(&step("practice-observation"), &[], today()),
            vec!["this step takes a practice observation"]
        );
    }

    #[test]
    fn a_practice_observation_needs_a_past_date_a_setting_and_a_summary() {
        let s = step("practice-observation");
        let future = StepRecord::PracticeObservation(PracticeObservation {
            observed_on: NaiveDate::from_ymd_opt(2025, 6, 2).expect("date"),
            setting: " ".into(),
            summary: String::new(),
            pcf_domains: Vec::new(),
        });
        assert_eq!(future.problems(&s, &[], today()).len(), 3);
        let good = StepRecord::PracticeObservation(PracticeObservation {
            observed_on: today(),
            setting: "Home visit with a family on a child protection plan".into(),
            summary: "Warm, clear and purposeful direct work.".into(),
            pcf_domains: vec!["intervention-and-skills".into()],
        });
        assert!(good.problems(&s, &[], today()).is_empty());
    }

    #[test]
    fn an_audit_without_checks_asks_for_complexity_and_timeliness_and_distinct_files() {
        let s = Step { case_files: Some(2), ..step("case-file-audit") };
        let file = |r: &str| AuditedFile {
            case_reference: r.into(),
            findings: vec![AuditFinding {
                check: "Complexity".into(),
                outcome: AuditOutcome::PartlyMet,
                comment: None,
            }],
            notes: None,
        };
        let record = StepRecord::CaseFileAudit(CaseFileAudit { files: vec![file("C1"), file("c1")] });
        let problems = record.problems(&s, &[], today());
        assert!(problems.iter().any(|p| p.contains("audited twice")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("no outcome on \"timeliness\"")), "{problems:?}");
    }
}
