//! The ASYE programme: a newly qualified social worker's Assessed and Supported Year in
//! Employment, run by the framework's `[asye]` rules.
//!
//! A programme starts with a cohort (validated against the framework's intake months: Medway
//! takes October and April intakes), runs for the framework's length (12 months by default)
//! with review points (the framework's, or the national 3 and 6 months and final, with an
//! optional 9-month review), records the protected caseload and development time, may be
//! extended only as the framework allows (Bexley: only with a recorded extenuating reason),
//! and ends with the assessor's recommendation and the moderation decision: pass or fail.
//! A pass opens the framework's automatic route ([`AsyeProgramme::open_progression`]).
//!
//! Pure and all-or-nothing: commands return a new programme or an error.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::application::{Application, EvidenceVerdict, Opener, Status};
use super::audit::{Actor, Audit, Backdated, require_text, require_why};
use super::decision::DecisionOutcome;
use super::error::{ProgressionError, authority_short};
use super::forms::{RecommendationForm, Recommends, StepRecord};
use super::history::Change;
use super::steps::{Completion, StepOutcome, StepStatus};
use crate::framework::{AsyePolicy, CriterionTest, Extension, Framework, FrameworkId, Route, Trigger, WORKER_ROLE};
use crate::ids::WorkerId;
use crate::workforce::{
    AsyeCohort, AsyeOutcome, AsyeParts, AsyeRecord, AsyeStatus, InvalidValue, Probation, ProbationStatus,
};

/// Review points in months when the framework names none: the national ASYE's 3-month and
/// 6-month reviews; the final review falls at the end of the programme.
pub const NATIONAL_REVIEW_MONTHS: [u32; 2] = [3, 6];

/// The optional national 9-month review.
pub const OPTIONAL_REVIEW_MONTH: u32 = 9;

/// Where a programme is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProgrammeStatus {
    /// Under way.
    InProgress,
    /// Under way, extended beyond its normal length.
    Extended,
    /// The assessor has recommended; waiting for moderation.
    Recommended,
    /// Passed at moderation.
    Passed,
    /// Failed at moderation.
    Failed,
    /// Left without an outcome.
    Withdrawn,
}

impl ProgrammeStatus {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProgrammeStatus::InProgress => "in-progress",
            ProgrammeStatus::Extended => "extended",
            ProgrammeStatus::Recommended => "recommended",
            ProgrammeStatus::Passed => "passed",
            ProgrammeStatus::Failed => "failed",
            ProgrammeStatus::Withdrawn => "withdrawn",
        }
    }
}

/// How a review found the worker's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Progress {
    /// On track to pass.
    OnTrack,
    /// Concerns recorded; a support plan should follow.
    Concerns,
}

/// A review held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// When it was held.
    pub held_on: NaiveDate,
    /// Who held it.
    pub by: Actor,
    /// On track or concerns.
    pub progress: Progress,
    /// What the review found.
    pub summary: String,
}

/// A review point on the programme's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPoint {
    /// Months from the start.
    pub months: u32,
    /// When it is due.
    pub due_on: NaiveDate,
    /// Whether this is the final review (the end-of-year assessment).
    pub final_review: bool,
    /// The review, once held.
    pub review: Option<Review>,
}

/// The worker's caseload, as recorded on a date (the protected caseload the ASYE promises).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadRecord {
    /// When.
    pub recorded_on: NaiveDate,
    /// How many cases the worker holds.
    pub cases: u32,
    /// Whether the caseload is protected (reduced) as the programme requires.
    pub protected: bool,
    /// Notes (complexity, what is building up).
    #[serde(default)]
    pub note: Option<String>,
}

/// Development time taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentTime {
    /// When.
    pub on: NaiveDate,
    /// How long, in minutes.
    pub minutes: u32,
    /// What it was (a cohort workshop, reflective supervision, reading).
    pub activity: String,
}

/// An extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRecord {
    /// By how many months.
    pub months: u32,
    /// The extenuating circumstances, where recorded.
    pub extenuating: Option<String>,
    /// Who extended it.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// Pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AsyeResult {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
}

/// The assessor's recommendation at the end of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyeRecommendation {
    /// Pass or fail.
    pub recommends: AsyeResult,
    /// Why.
    pub rationale: String,
    /// Who recommended.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// The internal moderation decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationDecision {
    /// Pass or fail.
    pub result: AsyeResult,
    /// Who decided (a moderation panel's chair acting as the panel, or the decision-maker).
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The reasons.
    pub why: String,
}

/// One entry in a programme's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyeEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Actor,
    /// Why.
    pub why: String,
    /// What happened.
    pub what: String,
    /// The status after.
    pub status: ProgrammeStatus,
    /// When and why it was entered late, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backdated: Option<Backdated>,
    /// The account that entered it on the actor's behalf, if someone else did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    /// The address it was entered from, while it is being written to the audit trail
    /// (which keeps it); never stored in the record.
    #[serde(skip)]
    pub entered_from: Option<String>,
}

/// How to start a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartAsye {
    /// The newly qualified social worker.
    pub worker: WorkerId,
    /// Their name.
    pub worker_name: String,
    /// The first day of the programme; its month must be an intake month where the
    /// framework names them.
    pub starts_on: NaiveDate,
    /// Whether to add the optional 9-month review (national default review points only).
    #[serde(default)]
    pub nine_month_review: bool,
}

/// A worker's ASYE programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyeProgramme {
    framework: FrameworkId,
    authority: String,
    worker: Actor,
    cohort: AsyeCohort,
    started_on: NaiveDate,
    length_months: u32,
    reviews: Vec<ReviewPoint>,
    caseload: Vec<CaseloadRecord>,
    development: Vec<DevelopmentTime>,
    extensions: Vec<ExtensionRecord>,
    recommendation: Option<AsyeRecommendation>,
    moderation: Option<ModerationDecision>,
    status: ProgrammeStatus,
    history: Vec<AsyeEvent>,
}

fn month_name(month: u32) -> String {
    AsyeCohort::new(2000, month)
        .map(|c| c.display_name().split(' ').next().unwrap_or_default().to_owned())
        .unwrap_or_else(|_| month.to_string())
}

fn policy(f: &Framework) -> Result<&AsyePolicy, ProgressionError> {
    f.asye.as_ref().ok_or_else(|| {
        ProgressionError::unavailable(format!(
            "{}'s framework has no ASYE arrangements",
            authority_short(&f.framework.authority)
        ))
    })
}

fn add_months(d: NaiveDate, months: u32) -> Result<NaiveDate, ProgressionError> {
    d.checked_add_months(Months::new(months))
        .ok_or_else(|| ProgressionError::invalid("date", format!("{d} plus {months} months is out of range")))
}

fn invalid_value(e: InvalidValue) -> ProgressionError {
    ProgressionError::invalid(e.field, format!("`{}` {}", e.value, e.reason))
}

impl AsyeProgramme {
    /// Start a programme. The start month must be one of the framework's intake months
    /// (where it names any); review points come from the framework or the national default.
    pub fn start(f: &Framework, start: &StartAsye, audit: &Audit) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "starting an ASYE")?;
        require_text("worker's name", &start.worker_name)?;
        let p = policy(f)?;
        let authority = authority_short(&f.framework.authority);
        let cohort = AsyeCohort::starting(start.starts_on);
        if !p.intake_months.is_empty() && !p.intake_months.contains(&cohort.month()) {
            let intakes: Vec<String> = p.intake_months.iter().map(|m| month_name(*m)).collect();
            return Err(ProgressionError::invalid(
                "ASYE start",
                format!(
                    "{authority}'s ASYE cohorts start in {}; {} is in {}",
                    intakes.join(" and "),
                    start.starts_on,
                    month_name(cohort.month())
                ),
            ));
        }
        let length = p.length_months.max(1);
        let mut months: Vec<u32> = if p.review_months.is_empty() {
            let mut m = NATIONAL_REVIEW_MONTHS.to_vec();
            if start.nine_month_review {
                m.push(OPTIONAL_REVIEW_MONTH);
            }
            m
        } else {
            p.review_months.clone()
        };
        months.retain(|m| *m > 0 && *m <= length);
        months.push(length);
        months.sort_unstable();
        months.dedup();
        let mut reviews = Vec::new();
        for m in months {
            reviews.push(ReviewPoint {
                months: m,
                due_on: add_months(start.starts_on, m)?,
                final_review: m == length,
                review: None,
            });
        }
        let mut programme = AsyeProgramme {
            framework: f.framework.id.clone(),
            authority,
            worker: Actor::new(start.worker, start.worker_name.trim(), WORKER_ROLE),
            cohort,
            started_on: start.starts_on,
            length_months: length,
            reviews,
            caseload: Vec::new(),
            development: Vec::new(),
            extensions: Vec::new(),
            recommendation: None,
            moderation: None,
            status: ProgrammeStatus::InProgress,
            history: Vec::new(),
        };
        programme.log(audit, format!("started with the {} cohort", cohort.display_name()), ProgrammeStatus::InProgress);
        Ok(programme)
    }

    fn log(&mut self, audit: &Audit, what: String, status: ProgrammeStatus) {
        self.status = status;
        self.history.push(AsyeEvent {
            at: audit.at,
            by: audit.by.clone(),
            why: audit.why.trim().to_owned(),
            what,
            status,
            backdated: audit.backdated.clone(),
            entered_by: audit.entered_by.clone(),
            entered_from: audit.entered_from.clone(),
        });
    }

    fn refuse(&self, action: &'static str, message: impl Into<String>) -> ProgressionError {
        ProgressionError::InvalidTransition { action, state: self.status.code().to_owned(), message: message.into() }
    }

    fn running(&self, action: &'static str) -> Result<(), ProgressionError> {
        if matches!(self.status, ProgrammeStatus::InProgress | ProgrammeStatus::Extended) {
            Ok(())
        } else {
            Err(self.refuse(action, format!("cannot {action}: the ASYE is {}", self.status.code())))
        }
    }

    fn check_framework(&self, f: &Framework) -> Result<(), ProgressionError> {
        if f.framework.id != self.framework {
            return Err(ProgressionError::invalid(
                "framework",
                format!("this ASYE is under {}, not {}", self.framework, f.framework.id),
            ));
        }
        Ok(())
    }

    fn check_role(
        &self,
        role: Option<&crate::framework::RoleId>,
        f: &Framework,
        audit: &Audit,
        what: &str,
    ) -> Result<(), ProgressionError> {
        if audit.by.person == self.worker.person {
            return Err(ProgressionError::not_permitted(
                "own-application",
                format!("{} is the newly qualified social worker; nobody {what} their own ASYE", audit.by.name),
            ));
        }
        if let Some(role) = role
            && *role != audit.by.role
        {
            let name = f.role(role).map(|r| r.name.clone()).unwrap_or_else(|| role.to_string());
            return Err(ProgressionError::not_permitted(
                "wrong-role",
                format!(
                    "in {}'s ASYE the {name} {what}; {} is acting as {}",
                    self.authority, audit.by.name, audit.by.role
                ),
            ));
        }
        Ok(())
    }

    // ----- reading -----

    /// The framework.
    pub fn framework(&self) -> &FrameworkId {
        &self.framework
    }

    /// The newly qualified social worker.
    pub fn worker(&self) -> &Actor {
        &self.worker
    }

    /// The intake cohort.
    pub fn cohort(&self) -> AsyeCohort {
        self.cohort
    }

    /// The first day.
    pub fn started_on(&self) -> NaiveDate {
        self.started_on
    }

    /// The planned last review: the final review point's due date, after extensions.
    pub fn ends_on(&self) -> NaiveDate {
        self.reviews.iter().find(|r| r.final_review).map(|r| r.due_on).unwrap_or(self.started_on)
    }

    /// Normal length in months, before extensions.
    pub fn length_months(&self) -> u32 {
        self.length_months
    }

    /// The review points.
    pub fn reviews(&self) -> &[ReviewPoint] {
        &self.reviews
    }

    /// The caseload records.
    pub fn caseload(&self) -> &[CaseloadRecord] {
        &self.caseload
    }

    /// Development time taken.
    pub fn development(&self) -> &[DevelopmentTime] {
        &self.development
    }

    /// Total development time in minutes.
    pub fn development_minutes(&self) -> u64 {
        self.development.iter().map(|d| u64::from(d.minutes)).sum()
    }

    /// Extensions.
    pub fn extensions(&self) -> &[ExtensionRecord] {
        &self.extensions
    }

    /// The assessor's recommendation.
    pub fn recommendation(&self) -> Option<&AsyeRecommendation> {
        self.recommendation.as_ref()
    }

    /// The moderation decision.
    pub fn moderation(&self) -> Option<&ModerationDecision> {
        self.moderation.as_ref()
    }

    /// Where it is.
    pub fn status(&self) -> ProgrammeStatus {
        self.status
    }

    /// What happened, oldest first.
    pub fn history(&self) -> &[AsyeEvent] {
        &self.history
    }

    /// The worker's ASYE record as the workforce module keeps it.
    pub fn asye_record(&self) -> Result<AsyeRecord, ProgressionError> {
        let (status, outcome, outcome_on) = match (&self.status, &self.moderation) {
            (ProgrammeStatus::Passed, Some(m)) => {
                (AsyeStatus::Completed, Some(AsyeOutcome::Passed), Some(m.at.date_naive()))
            }
            (ProgrammeStatus::Failed, Some(m)) => {
                (AsyeStatus::Completed, Some(AsyeOutcome::Failed), Some(m.at.date_naive()))
            }
            (ProgrammeStatus::Withdrawn, _) => (AsyeStatus::Withdrawn, None, None),
            _ if !self.extensions.is_empty() => (AsyeStatus::Extended, None, None),
            _ => (AsyeStatus::InProgress, None, None),
        };
        AsyeRecord::new(AsyeParts {
            cohort: Some(self.cohort),
            started_on: Some(self.started_on),
            assessor: self.recommendation.as_ref().map(|r| r.by.person),
            status: Some(status),
            outcome,
            outcome_on,
        })
        .map_err(invalid_value)
    }

    // ----- commands -----

    /// Record a review held at the review point `months` from the start.
    pub fn record_review(
        &self,
        months: u32,
        progress: Progress,
        summary: &str,
        held_on: NaiveDate,
        audit: &Audit,
    ) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "recording a review")?;
        self.running("record a review")?;
        require_text("review summary", summary)?;
        let Some(i) = self.reviews.iter().position(|r| r.months == months) else {
            let points: Vec<String> = self.reviews.iter().map(|r| r.months.to_string()).collect();
            return Err(ProgressionError::invalid(
                "review point",
                format!("there is no {months}-month review; the review points are at {} months", points.join(", ")),
            ));
        };
        if self.reviews[i].review.is_some() {
            return Err(self.refuse("record a review", format!("the {months}-month review is already recorded")));
        }
        if held_on < self.started_on || held_on > audit.date() {
            return Err(ProgressionError::invalid(
                "review date",
                format!("{held_on} must be between the start ({}) and today ({})", self.started_on, audit.date()),
            ));
        }
        if audit.by.person == self.worker.person {
            return Err(ProgressionError::not_permitted(
                "own-application",
                "the worker does not review their own ASYE",
            ));
        }
        if self.reviews[i].final_review && held_on < self.reviews[i].due_on {
            return Err(ProgressionError::not_permitted(
                "asye-final-review",
                format!(
                    "the final review is due at {} months, on {}; it is not held early, on {held_on} (rule: \
                     asye-final-review)",
                    self.reviews[i].months, self.reviews[i].due_on
                ),
            ));
        }
        // A review falls in its own stretch of the programme: not before the point before it.
        if let Some(before) = i.checked_sub(1).and_then(|j| self.reviews.get(j))
            && held_on < before.due_on
        {
            return Err(ProgressionError::not_permitted(
                "asye-review-months",
                format!(
                    "the {months}-month review is not held on {held_on}, before the {}-month point ({}) (rule: \
                     asye-review-months)",
                    before.months, before.due_on
                ),
            ));
        }
        let mut next = self.clone();
        next.reviews[i].review =
            Some(Review { held_on, by: audit.by.clone(), progress, summary: summary.trim().to_owned() });
        let label = if self.reviews[i].final_review { "final".to_owned() } else { format!("{months}-month") };
        next.log(audit, format!("{label} review held on {held_on}"), self.status);
        Ok(next)
    }

    /// Record the worker's caseload (the protected caseload).
    pub fn record_caseload(&self, record: &CaseloadRecord, audit: &Audit) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "recording the caseload")?;
        self.running("record the caseload")?;
        if record.recorded_on < self.started_on {
            return Err(ProgressionError::invalid(
                "caseload date",
                format!("{} is before the start", record.recorded_on),
            ));
        }
        let mut next = self.clone();
        next.caseload.push(record.clone());
        next.log(
            audit,
            format!(
                "caseload on {}: {} cases ({})",
                record.recorded_on,
                record.cases,
                if record.protected { "protected" } else { "not protected" }
            ),
            self.status,
        );
        Ok(next)
    }

    /// Record development time taken.
    pub fn record_development_time(
        &self,
        time: &DevelopmentTime,
        audit: &Audit,
    ) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "recording development time")?;
        self.running("record development time")?;
        require_text("activity", &time.activity)?;
        if time.minutes == 0 {
            return Err(ProgressionError::invalid("development time", "record at least one minute"));
        }
        if time.on < self.started_on {
            return Err(ProgressionError::invalid("development date", format!("{} is before the start", time.on)));
        }
        let mut next = self.clone();
        next.development.push(time.clone());
        next.log(audit, format!("{} minutes of development time on {}", time.minutes, time.on), self.status);
        Ok(next)
    }

    /// Extend the programme by `months`, as the framework allows: never where extension is
    /// not allowed; only with recorded extenuating circumstances where the framework says
    /// extension is for extenuating circumstances only (Bexley). Moves the final review.
    pub fn extend(
        &self,
        f: &Framework,
        months: u32,
        extenuating: Option<&str>,
        audit: &Audit,
    ) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "extending the ASYE")?;
        self.check_framework(f)?;
        self.running("extend the ASYE")?;
        let p = policy(f)?;
        if months == 0 || months > 12 {
            return Err(ProgressionError::invalid("extension", "extend by 1 to 12 months"));
        }
        let extenuating = extenuating.map(str::trim).filter(|s| !s.is_empty());
        match p.extension {
            Extension::NotAllowed => {
                return Err(ProgressionError::not_permitted(
                    "extension-not-allowed",
                    format!("{}'s ASYE cannot be extended", self.authority),
                ));
            }
            Extension::ExtenuatingCircumstancesOnly if extenuating.is_none() => {
                return Err(ProgressionError::not_permitted(
                    "extenuating-circumstances-only",
                    format!(
                        "{}'s ASYE cannot be extended except for extenuating circumstances; record the extenuating circumstances to extend it",
                        self.authority
                    ),
                ));
            }
            _ => {}
        }
        if let Some(e) = extenuating {
            require_text("extenuating circumstances", e)?;
        }
        if audit.by.person == self.worker.person {
            return Err(ProgressionError::not_permitted(
                "own-application",
                "the worker does not extend their own ASYE",
            ));
        }
        let mut next = self.clone();
        for r in next.reviews.iter_mut().filter(|r| r.final_review) {
            r.due_on = add_months(r.due_on, months)?;
            r.months += months;
        }
        next.extensions.push(ExtensionRecord {
            months,
            extenuating: extenuating.map(str::to_owned),
            by: audit.by.clone(),
            at: audit.at,
        });
        let ends = next.ends_on();
        next.log(
            audit,
            format!("extended by {months} months; the final review is now due {ends}"),
            ProgrammeStatus::Extended,
        );
        Ok(next)
    }

    /// The assessor recommends pass or fail, after the final review; by the framework's
    /// `recommended_by` role where it names one.
    pub fn recommend(
        &self,
        f: &Framework,
        recommends: AsyeResult,
        rationale: &str,
        audit: &Audit,
    ) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "recommending")?;
        self.check_framework(f)?;
        self.running("recommend")?;
        require_text("rationale", rationale)?;
        let p = policy(f)?;
        self.check_role(p.recommended_by.as_ref(), f, audit, "recommends")?;
        let final_held = self.reviews.iter().filter(|r| r.final_review).all(|r| r.review.is_some());
        let held_in_time = self
            .reviews
            .iter()
            .filter(|r| r.final_review)
            .filter_map(|r| r.review.as_ref())
            .all(|v| v.held_on >= self.ends_on());
        if !final_held || !held_in_time {
            return Err(self.refuse(
                "recommend",
                format!(
                    "the final review (due {}, at {} months with extensions) has not been held on or after its day (rule: asye-final-review)",
                    self.ends_on(),
                    self.reviews
                        .iter()
                        .filter(|r| r.final_review)
                        .map(|r| r.months)
                        .max()
                        .unwrap_or(self.length_months)
                ),
            ));
        }
        if audit.date() < self.ends_on() {
            return Err(ProgressionError::not_permitted(
                "asye-final-review",
                format!(
                    "the programme runs to {}; the final recommendation is not made before then (rule: \
                     asye-final-review)",
                    self.ends_on()
                ),
            ));
        }
        let mut next = self.clone();
        next.recommendation = Some(AsyeRecommendation {
            recommends,
            rationale: rationale.trim().to_owned(),
            by: audit.by.clone(),
            at: audit.at,
        });
        let word = if recommends == AsyeResult::Pass { "pass" } else { "fail" };
        next.log(audit, format!("recommended: {word}"), ProgrammeStatus::Recommended);
        Ok(next)
    }

    /// Internal moderation decides pass or fail on the recommendation; by the framework's
    /// `decided_by` role where it names one (Bexley: the Internal Moderation Panel).
    pub fn moderate(
        &self,
        f: &Framework,
        result: AsyeResult,
        audit: &Audit,
    ) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "moderating")?;
        self.check_framework(f)?;
        if self.status != ProgrammeStatus::Recommended {
            return Err(self.refuse(
                "moderate",
                format!("moderation follows the assessor's recommendation; the ASYE is {}", self.status.code()),
            ));
        }
        let p = policy(f)?;
        self.check_role(p.decided_by.as_ref(), f, audit, "decides")?;
        let mut next = self.clone();
        next.moderation =
            Some(ModerationDecision { result, by: audit.by.clone(), at: audit.at, why: audit.why.trim().to_owned() });
        let (what, status) = match result {
            AsyeResult::Pass => ("moderation: pass", ProgrammeStatus::Passed),
            AsyeResult::Fail => ("moderation: fail", ProgrammeStatus::Failed),
        };
        next.log(audit, what.to_owned(), status);
        Ok(next)
    }

    /// Withdraw from the programme without an outcome.
    pub fn withdraw(&self, audit: &Audit) -> Result<AsyeProgramme, ProgressionError> {
        require_why(audit, "withdrawing from the ASYE")?;
        if !matches!(
            self.status,
            ProgrammeStatus::InProgress | ProgrammeStatus::Extended | ProgrammeStatus::Recommended
        ) {
            return Err(self.refuse("withdraw", format!("the ASYE is {}", self.status.code())));
        }
        let mut next = self.clone();
        next.log(audit, "withdrawn".to_owned(), ProgrammeStatus::Withdrawn);
        Ok(next)
    }

    /// The route a pass triggers: the framework's `asye.on_pass`, or the route out of the
    /// ASYE level with `trigger = "asye-pass"`.
    pub fn on_pass_route<'f>(&self, f: &'f Framework) -> Result<&'f Route, ProgressionError> {
        self.check_framework(f)?;
        let p = policy(f)?;
        let by_id = p.on_pass.as_ref().and_then(|id| f.route(id));
        let by_trigger = || {
            f.routes.iter().find(|r| {
                r.trigger == Trigger::AsyePass && r.from.level().and_then(|from| f.level(from)).is_some_and(|l| l.asye)
            })
        };
        by_id.or_else(by_trigger).ok_or_else(|| {
            ProgressionError::unavailable(format!(
                "{}'s framework names no route for a worker who passes the ASYE",
                self.authority
            ))
        })
    }

    /// Whether the worker meets every condition the framework names for the transfer a pass
    /// triggers, on `on`: the pass itself satisfies "ASYE passed"; "probation complete"
    /// needs a probation completed by then (Bexley: "Once NQSWs have successfully completed
    /// the ASYE programme and probation period they transfer"). A condition that cannot be
    /// shown here refuses the transfer too (rule: asye-transfer).
    pub fn check_transfer(
        &self,
        f: &Framework,
        probation: Option<Probation>,
        on: NaiveDate,
    ) -> Result<(), ProgressionError> {
        let route = self.on_pass_route(f)?;
        let mut unmet = Vec::new();
        for c in &route.criteria {
            match &c.test {
                CriterionTest::AsyePassed { .. } => {}
                CriterionTest::ProbationComplete => match probation {
                    Some(Probation { status: ProbationStatus::Completed, ends_on: Some(ended) }) if ended <= on => {}
                    Some(p) => unmet.push(format!(
                        "\"{}\": the probation is {}{}",
                        c.text,
                        p.status,
                        p.ends_on.map(|d| format!(" (ends {d})")).unwrap_or_default()
                    )),
                    None => unmet.push(format!("\"{}\": no probation is recorded", c.text)),
                },
                _ if !c.essential => {}
                other => unmet.push(format!("\"{}\" ({}) is not shown at transfer", c.text, other.kind())),
            }
        }
        if unmet.is_empty() {
            return Ok(());
        }
        Err(ProgressionError::not_permitted(
            "asye-transfer",
            format!(
                "{}'s \"{}\" needs every condition the framework names: {} (rule: asye-transfer)",
                self.authority,
                route.name,
                unmet.join("; ")
            ),
        ))
    }

    /// Open the progression a pass triggers, as an application for the framework's automatic
    /// route: submitted (the ASYE portfolio is the evidence) and in assessment, with its
    /// recommendation and moderation steps completed from this programme. Where nothing else
    /// is left (Medway: "you will automatically transfer"), it is decided, approved, by the
    /// moderation decision; otherwise its remaining steps are assessed as usual (Rotherham:
    /// final assessment by the team manager and practice consultant, sign-off by the
    /// locality manager). It then goes to sign-off like any other approved application.
    pub fn open_progression(&self, f: &Framework, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "opening the progression")?;
        let route = self.on_pass_route(f)?;
        let (Some(moderation), Some(recommendation)) = (&self.moderation, &self.recommendation) else {
            return Err(self.refuse("open the progression", "the ASYE has not been moderated"));
        };
        if self.status != ProgrammeStatus::Passed {
            return Err(self.refuse("open the progression", format!("the ASYE is {}, not passed", self.status.code())));
        }
        let mut app = Application::from_route(f, route, self.worker.clone(), audit, Opener::AsyePass, false);
        app.force_status(
            audit,
            Status::Submitted,
            Change::Submitted { evidence: EvidenceVerdict::ready(), fast_track: false },
        );
        app.force_status(audit, Status::InAssessment, Change::AssessmentStarted);
        let rec_audit = Audit::new(recommendation.by.clone(), recommendation.at, recommendation.rationale.clone());
        let mod_audit = Audit::new(moderation.by.clone(), moderation.at, moderation.why.clone());
        let indices: Vec<usize> = (0..app.steps().len()).collect();
        for i in indices {
            let step = &app.steps()[i].definition;
            if step.kind == "recommendation" && !step.decides {
                let form = RecommendationForm {
                    recommends: if recommendation.recommends == AsyeResult::Pass {
                        Recommends::Progress
                    } else {
                        Recommends::DoNotProgress
                    },
                    rationale: recommendation.rationale.clone(),
                };
                let completion = Completion {
                    outcome: StepOutcome::Met,
                    notes: None,
                    record: StepRecord::Recommendation(form),
                    by: recommendation.by.clone(),
                    at: recommendation.at,
                };
                app.complete_from(i, completion, &rec_audit);
            }
        }
        let left_undecided = app
            .steps()
            .iter()
            .any(|s| s.status != StepStatus::Completed && (!s.definition.decides || s.definition.kind != "moderation"));
        if !left_undecided {
            let why = format!("passed the ASYE at moderation; \"{}\" follows automatically", route.name);
            let audit = Audit::new(mod_audit.by.clone(), mod_audit.at, why);
            app.decide_automatically(&DecisionOutcome::Approved { feedback: None }, &audit);
        }
        Ok(app)
    }
}
