//! The shape of a career progression framework, exactly as a framework file writes it.
//!
//! The field names here are the file format (`frameworks/README.md` documents them).
//! A `Framework` only exists once [`super::load`] has read and validated a file, so code
//! that holds one may rely on every reference in it resolving.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::criterion::Criterion;
use crate::money::Pence;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as written in the file.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }
    };
}

id_type!(
    /// A framework id such as `bexley` or `west-sussex`.
    FrameworkId
);
id_type!(
    /// A level (role) id inside one framework, such as `level-3`.
    LevelId
);
id_type!(
    /// A grade id inside one framework, such as `grade-10` or `hay-a`.
    GradeId
);
id_type!(
    /// A route id inside one framework, such as `level-2-to-level-3`.
    RouteId
);
id_type!(
    /// A career grade id inside one framework, such as `social-worker`.
    CareerGradeId
);
id_type!(
    /// A role that assesses, decides or signs off, such as `locality-manager`.
    RoleId
);

/// Dates in framework files: a TOML date (`2024-04-01`) or the same as a string.
mod toml_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Toml(toml::value::Datetime),
        Text(String),
    }

    fn convert<E: serde::de::Error>(raw: Raw) -> Result<NaiveDate, E> {
        let text = match raw {
            Raw::Toml(dt) => match (dt.date, dt.time) {
                (Some(d), None) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
                _ => return Err(E::custom("expected a date like 2024-04-01, without a time")),
            },
            Raw::Text(t) => t,
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| E::custom(format!("`{text}` is not a date; write YYYY-MM-DD, e.g. 2024-04-01")))
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let raw = Raw::deserialize(d).map_err(|_| serde::de::Error::custom("expected a date like 2024-04-01"))?;
        convert(raw)
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<Raw>::deserialize(d).map_err(|_| serde::de::Error::custom("expected a date like 2024-04-01"))? {
            Some(raw) => convert(raw).map(Some),
            None => Ok(None),
        }
    }
}

/// The current framework file format. Files say `format = 1`.
pub const FORMAT_VERSION: i64 = 1;

/// A whole framework file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// The file format version (currently 1).
    pub format: i64,
    /// Who publishes the framework, for which service, and from when.
    pub framework: About,
    /// Pay rules that apply across grades.
    #[serde(default)]
    pub pay: PaySettings,
    /// People who take part in assessments and decisions.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Pay grades with their points.
    #[serde(default)]
    pub grades: Vec<Grade>,
    /// Career levels (roles on the ladder), lowest first.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Named groups of neighbouring levels ("career grades" with progression points inside).
    #[serde(default)]
    pub career_grades: Vec<CareerGrade>,
    /// Ways to move from one level to another.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// The framework's ASYE arrangements, if it has newly qualified social workers.
    #[serde(default)]
    pub asye: Option<AsyePolicy>,
    /// Appointment of people from outside the authority.
    #[serde(default)]
    pub external_applicants: Option<ExternalApplicants>,
    /// Faster progression for existing staff.
    #[serde(default)]
    pub fast_track: Option<FastTrack>,
    /// Who may let an application open although essential criteria are unmet.
    #[serde(default)]
    pub eligibility_exceptions: Option<EligibilityExceptions>,
    /// Appraisal (PDR) arrangements.
    #[serde(default)]
    pub appraisal: Option<Appraisal>,
    /// Learning and development offered across the framework.
    #[serde(default)]
    pub learning_offers: Vec<LearningOffer>,
    /// Known problems in the source document that the file keeps on purpose.
    #[serde(default)]
    pub anomalies: Vec<Anomaly>,
}

/// Identity and provenance of a framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// Short id, lowercase with hyphens: `bexley`.
    pub id: FrameworkId,
    /// The council, e.g. "London Borough of Bexley".
    pub authority: String,
    /// The service the framework covers, e.g. "Children's Social Care".
    pub service: String,
    /// The framework's own title.
    pub title: String,
    /// The version of this encoding; bump it when the council changes the framework.
    pub version: String,
    /// The date this version takes effect.
    #[serde(deserialize_with = "toml_date::required")]
    pub effective_from: NaiveDate,
    /// The date this version stops applying, if superseded.
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub effective_to: Option<NaiveDate>,
    /// What the framework was encoded from.
    pub source: String,
    /// Anything a reader should know about the encoding.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Whether a rule is stated by the source or assumed by the encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The source document states it.
    #[default]
    Stated,
    /// The source is silent; this is the usual practice, shown to users as an assumption.
    Assumed,
}

/// How complete the framework's published pay figures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayPublication {
    /// Every point of every grade has a figure.
    #[default]
    Published,
    /// Some figures are given, others are not.
    Partial,
    /// The source gives no pay at all.
    NotPublished,
}

/// Pay rules that apply to the whole framework.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaySettings {
    /// How complete the published figures are.
    #[serde(default)]
    pub salaries: PayPublication,
    /// Explanation of where pay figures come from or why they are missing.
    #[serde(default)]
    pub note: Option<String>,
    /// Flat allowances on top of basic pay.
    #[serde(default)]
    pub allowances: Vec<Allowance>,
    /// When increments are paid.
    #[serde(default)]
    pub increments: Option<IncrementRule>,
    /// Where people are placed on promotion and appointment.
    #[serde(default)]
    pub placement: Option<PlacementRule>,
}

/// A flat annual allowance, such as Bexley's "Choices".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    /// Id within the framework.
    pub id: String,
    /// Name as the document prints it.
    pub name: String,
    /// The annual amount.
    #[serde(deserialize_with = "crate::money::from_file")]
    pub annual: Pence,
    /// Grades it applies to; empty means every grade.
    #[serde(default)]
    pub grades: Vec<GradeId>,
    /// First day it is paid, for one that starts later than the framework (a market supplement).
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub effective_from: Option<NaiveDate>,
    /// Last day it is paid, for one that is time-limited.
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub effective_to: Option<NaiveDate>,
    /// Where in the source this comes from.
    pub source: String,
}

/// When increments happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncrementRule {
    /// `fixed-date` (the same day each year) or `anniversary` (of starting on the grade).
    pub on: IncrementDate,
    /// For `fixed-date`: the month, 1-12.
    #[serde(default)]
    pub month: Option<u32>,
    /// For `fixed-date`: the day of the month.
    #[serde(default)]
    pub day: Option<u32>,
    /// Minimum months on the grade before the first increment; if the fixed date comes
    /// sooner, the first increment waits until this much service.
    #[serde(default)]
    pub first_after_months: Option<u32>,
    /// When the first increment falls once `first_after_months` of service is reached:
    /// `when-service-reached` (the usual NJC practice: on that day) or `next-date` (at the
    /// next fixed date after it).
    #[serde(default)]
    pub first_increment: FirstIncrement,
    /// Points gained per increment (normally 1).
    #[serde(default = "one")]
    pub points_per_increment: u32,
    /// Stated by the source or assumed.
    #[serde(default)]
    pub basis: Basis,
    /// Explanation, especially when assumed.
    #[serde(default)]
    pub note: Option<String>,
}

fn one() -> u32 {
    1
}

/// When a first increment delayed by a minimum-service rule is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirstIncrement {
    /// On the day the minimum service is reached.
    #[default]
    WhenServiceReached,
    /// At the next fixed increment date after the minimum service is reached.
    NextDate,
}

/// The kind of date an increment falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncrementDate {
    /// The same calendar day every year (e.g. 1 April).
    FixedDate,
    /// The anniversary of starting on the grade.
    Anniversary,
}

/// Where someone lands on a new grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementRule {
    /// Placement of existing staff promoted to a higher grade.
    pub on_promotion: Placement,
    /// Placement of people appointed from outside.
    pub on_appointment: Placement,
    /// Promotion may never lower someone's basic pay.
    #[serde(default)]
    pub protect_pay: bool,
    /// Stated by the source or assumed.
    #[serde(default)]
    pub basis: Basis,
    /// Explanation.
    #[serde(default)]
    pub note: Option<String>,
}

/// A placement method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// The lowest point of the new grade.
    BottomOfGrade,
    /// The lowest point of the new grade that pays more than the current salary.
    LowestPointAboveCurrent,
    /// The lowest point of the new grade that pays at least the current salary.
    LowestPointNotBelowCurrent,
    /// The same SCP if the new grade has it, otherwise the lowest point above current pay.
    SamePointOrNext,
    /// Decided case by case at interview (Rotherham: "assessed at interview").
    AssessedAtInterview,
}

/// Someone who takes part in an assessment, panel or decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Id used by steps and routes.
    pub id: RoleId,
    /// Name as the document prints it.
    pub name: String,
    /// Whether the role sits in a worker's line-management chain, so that "own" and
    /// "independent" make sense for it.
    #[serde(default)]
    pub line_management: bool,
    /// Whether this role is a group (panel) rather than one person.
    #[serde(default)]
    pub panel: bool,
    /// For a panel: the roles whose post-holders convene it. Empty means the default, a head
    /// of service or principal social worker.
    #[serde(default)]
    pub convened_by: Vec<RoleId>,
    /// Where in the source this comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// Where a grade's salaries come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Spine {
    /// The grade lists its own salary per point.
    #[default]
    Local,
    /// Points are NJC spinal column points; salaries come from the national spine for the
    /// pay year containing the date asked about.
    Njc,
}

/// A pay grade (band) with its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Id within the framework.
    pub id: GradeId,
    /// Name as the document prints it: "Band J", "Grade 10", "HAY A".
    pub name: String,
    /// Other names people type for it: "J", "10".
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Local salaries or the NJC spine.
    #[serde(default)]
    pub spine: Spine,
    /// The points, lowest first. Empty for a grade published as a range or by name only.
    #[serde(default)]
    pub points: Vec<PayPoint>,
    /// False when the document only prints some points (e.g. just the start and top).
    #[serde(default = "yes")]
    pub points_complete: bool,
    /// The minimum and maximum, for a grade the document publishes only as a salary range.
    #[serde(default)]
    pub range: Option<SalaryRange>,
    /// The document names the grade but publishes no figures for it.
    #[serde(default)]
    pub name_only: bool,
    /// Explanation.
    #[serde(default)]
    pub note: Option<String>,
    /// Where in the source this comes from.
    pub source: String,
}

fn yes() -> bool {
    true
}

/// A grade's published salary range: only the bottom and the top are known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SalaryRange {
    /// The bottom of the grade.
    #[serde(deserialize_with = "crate::money::from_file")]
    pub minimum: Pence,
    /// The top of the grade.
    #[serde(deserialize_with = "crate::money::from_file")]
    pub maximum: Pence,
}

/// What the document publishes of a grade's pay: the file's fields read as one choice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GradeFigures<'a> {
    /// Points, each with its figure (or a known gap).
    Points(&'a [PayPoint]),
    /// Only the minimum and maximum; the points between are not published.
    Range(&'a SalaryRange),
    /// The grade's name only; no figures at all.
    NameOnly,
}

impl Grade {
    /// What the document publishes of this grade's pay. The validator makes sure a grade
    /// says only one of points, `range` and `name_only`.
    pub fn figures(&self) -> GradeFigures<'_> {
        match (&self.range, self.name_only) {
            (Some(range), _) => GradeFigures::Range(range),
            (None, true) => GradeFigures::NameOnly,
            (None, false) => GradeFigures::Points(&self.points),
        }
    }
}

/// One point on a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayPoint {
    /// The point's name as printed ("37", "2", "start", "top").
    pub point: String,
    /// The NJC spinal column point number, where the point is one.
    #[serde(default)]
    pub scp: Option<u32>,
    /// The annual salary, when the document gives one figure.
    #[serde(default, deserialize_with = "crate::money::from_file_opt")]
    pub salary: Option<Pence>,
    /// Salaries that change over time, each from a date.
    #[serde(default)]
    pub salaries: Vec<DatedSalary>,
    /// A problem with the published figure that the file keeps on purpose.
    #[serde(default)]
    pub anomaly: Option<String>,
}

/// A salary that applies from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedSalary {
    /// First day this figure applies.
    #[serde(deserialize_with = "toml_date::required")]
    pub from: NaiveDate,
    /// The annual salary.
    #[serde(deserialize_with = "crate::money::from_file")]
    pub amount: Pence,
}

/// Where a level sits: practice, management and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    /// Case-holding practice, from NQSW upwards.
    Practice,
    /// Advanced practice, education and independent roles (ATM, PE, IRO, CP chair).
    Advanced,
    /// Line management of social workers.
    Management,
    /// Strategic leadership.
    Strategic,
}

/// A level (role) on the career ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Id within the framework.
    pub id: LevelId,
    /// Name as the document prints it.
    pub name: String,
    /// Other names for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Practice, advanced, management or strategic.
    pub track: Track,
    /// The PCF level this role is measured against (`asye`, `social-worker`, ...).
    #[serde(default)]
    pub pcf_level: Option<String>,
    /// KSS statement sets it is measured against (`cfp`, `ps`, `pl`).
    #[serde(default)]
    pub kss: Vec<String>,
    /// KSS statements the document lists for the level, as `cfp.1` ...
    #[serde(default)]
    pub kss_statements_listed: Vec<String>,
    /// Grades people at this level are paid on.
    #[serde(default)]
    pub grades: Vec<GradeId>,
    /// The level where newly qualified social workers do their ASYE.
    #[serde(default)]
    pub asye: bool,
    /// A level people can be appointed to from outside; false only when the document says so.
    #[serde(default = "yes")]
    pub open_to_external: bool,
    /// Filled by appointment to a vacancy; the document describes no progression route into it.
    #[serde(default)]
    pub appointment_only: bool,
    /// What the role is.
    #[serde(default)]
    pub description: Option<String>,
    /// Expected time in role, as the document puts it.
    #[serde(default)]
    pub time_in_role: Option<String>,
    /// Expected time in role in months, where the document gives a figure.
    #[serde(default)]
    pub expected_months: Option<u32>,
    /// Caseload expectations.
    #[serde(default)]
    pub caseload: Option<String>,
    /// What someone at this level must (or should) have.
    #[serde(default)]
    pub requirements: Vec<Criterion>,
    /// Development opportunities at this level.
    #[serde(default)]
    pub development: Vec<String>,
    /// Where in the source this comes from.
    pub source: String,
}

/// What starts a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// The worker (with their manager) applies.
    #[default]
    Application,
    /// Passing the ASYE moves the worker automatically.
    AsyePass,
    /// A vacancy is advertised and filled by application and interview.
    Vacancy,
    /// The worker's appraisal recommends the move; an application follows it.
    Appraisal,
}

/// Where a route starts: one level, or any level (a role filled by application from
/// wherever on the ladder the applicant is). Files write a level id, or `"any"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RouteFrom {
    /// From this level only.
    Level(LevelId),
    /// From every level except the one the route leads to.
    Any,
}

impl RouteFrom {
    /// What a file writes for a route open to every level.
    pub const ANY: &'static str = "any";

    /// The starting level, for a route that has one.
    pub fn level(&self) -> Option<&LevelId> {
        match self {
            RouteFrom::Level(l) => Some(l),
            RouteFrom::Any => None,
        }
    }

    /// As the file writes it: a level id, or `any`.
    pub fn as_str(&self) -> &str {
        match self {
            RouteFrom::Level(l) => l.as_str(),
            RouteFrom::Any => Self::ANY,
        }
    }
}

impl std::fmt::Display for RouteFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for RouteFrom {
    fn from(s: &str) -> Self {
        if s == Self::ANY { RouteFrom::Any } else { RouteFrom::Level(LevelId::from(s)) }
    }
}

impl Serialize for RouteFrom {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RouteFrom {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(RouteFrom::from(text.as_str()))
    }
}

/// A way to move from one level to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Id within the framework.
    pub id: RouteId,
    /// Level the worker is at, or `any` for a route open from every level.
    pub from: RouteFrom,
    /// Level the worker moves to.
    pub to: LevelId,
    /// The route's type, e.g. `statement-of-learning`, `portfolio-panel` (see the README).
    pub kind: String,
    /// The route's name in the document's words.
    pub name: String,
    /// What starts it.
    #[serde(default)]
    pub trigger: Trigger,
    /// Who may open an application: `worker`, `manager`, or both.
    #[serde(default)]
    pub opened_by: Vec<String>,
    /// Whether the framework lets existing staff fast-track this route.
    #[serde(default)]
    pub fast_track: bool,
    /// Who makes the decision.
    #[serde(default)]
    pub decided_by: Option<RoleId>,
    /// Who signs the decision off.
    #[serde(default)]
    pub signed_off_by: Option<RoleId>,
    /// Whether the person who decided may also sign off the pay change. Off unless the
    /// document says so: whoever signs off is otherwise not whoever decided.
    #[serde(default)]
    pub decider_signs_off: bool,
    /// Roles that must be independent of the worker for every step of this route.
    #[serde(default)]
    pub independent_roles: Vec<RoleId>,
    /// What the route is, in the document's words.
    #[serde(default)]
    pub description: Option<String>,
    /// Who can use the route.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// What must be in the portfolio.
    #[serde(default)]
    pub evidence: Vec<EvidenceRule>,
    /// Assessment steps in order.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Where in the source this comes from.
    pub source: String,
}

impl Route {
    /// Whether a worker at `level` can take this route: it starts there, or it starts
    /// anywhere and leads somewhere else.
    pub fn leaves(&self, level: &LevelId) -> bool {
        match &self.from {
            RouteFrom::Level(from) => from == level,
            RouteFrom::Any => self.to != *level,
        }
    }
}

/// A named group of neighbouring levels, such as a "career grade" spanning several grades
/// with progression points inside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareerGrade {
    /// Id within the framework.
    pub id: CareerGradeId,
    /// Name as the document prints it.
    pub name: String,
    /// Its levels, lowest first; they must be neighbours on the ladder.
    pub levels: Vec<LevelId>,
    /// What the group is, in the document's words.
    #[serde(default)]
    pub description: Option<String>,
    /// Where in the source this comes from.
    pub source: String,
}

/// A portfolio requirement, such as "at least two reflective summaries linked to PCF and KSS".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRule {
    /// Id within the route.
    pub id: String,
    /// The evidence type (see the README): `reflective-summary`, `practice-observation` ...
    pub kind: String,
    /// The requirement in the document's words.
    pub description: String,
    /// At least this many items.
    #[serde(default = "one")]
    pub min: u32,
    /// At most this many items, if limited.
    #[serde(default)]
    pub max: Option<u32>,
    /// Each item must be tagged to at least one PCF domain.
    #[serde(default)]
    pub tag_pcf: bool,
    /// Each item must be tagged to at least one KSS statement.
    #[serde(default)]
    pub tag_kss: bool,
    /// PCF domains the items together must cover.
    #[serde(default)]
    pub pcf_domains: Vec<String>,
    /// KSS statements the items together must cover.
    #[serde(default)]
    pub kss_statements: Vec<String>,
    /// The role whose work the item must be (an observation by the team manager).
    #[serde(default)]
    pub by: Option<RoleId>,
    /// Roles that must authorise the item.
    #[serde(default)]
    pub authorised_by: Vec<RoleId>,
    /// Who each item of feedback must come from (`child-or-young-person`, `parent-or-carer`,
    /// `adult-service-user`, `colleague`, `other-professional`).
    #[serde(default)]
    pub from: Option<String>,
    /// Feedback sources the items together must include, one item at least from each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The PCF level each item must be written against (`experienced-social-worker`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcf_level: Option<String>,
    /// The PCF domain (strand) each item must be written against and tagged to
    /// (`critical-reflection-and-analysis` or `pcf.6`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcf_strand: Option<String>,
    /// Page limit.
    #[serde(default)]
    pub max_pages: Option<u32>,
    /// Where in the source this comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// Whether an assessor must be the worker's own, must be independent, or may be anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// Anyone holding the role.
    #[default]
    Any,
    /// The worker's own (their line manager, their head of service).
    Own,
    /// Someone in the role who is not the worker's own.
    Independent,
}

/// Someone taking part in a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessor {
    /// The role; `worker` means the applicant.
    pub role: RoleId,
    /// Own, independent or any.
    #[serde(default)]
    pub relation: Relation,
    /// Whether this person leads the step (completes the form, chairs the interview).
    #[serde(default)]
    pub lead: bool,
}

/// One assessment step of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Id within the route.
    pub id: String,
    /// The step type (see the README): `form`, `interview`, `case-file-audit`, `panel` ...
    pub kind: String,
    /// Title in the document's words.
    pub title: String,
    /// Form name, e.g. "Part 1".
    #[serde(default)]
    pub form: Option<String>,
    /// Who takes part.
    #[serde(default)]
    pub assessors: Vec<Assessor>,
    /// For case-file audits: how many files.
    #[serde(default)]
    pub case_files: Option<u32>,
    /// What the step looks at (e.g. "complexity", "timeliness of assessments").
    #[serde(default)]
    pub checks: Vec<String>,
    /// Whether this step's outcome decides the application.
    #[serde(default)]
    pub decides: bool,
    /// Where in the source this comes from.
    #[serde(default)]
    pub source: Option<String>,
}

/// How an authority runs the ASYE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsyePolicy {
    /// Months in which cohorts start (1-12); empty when not stated.
    #[serde(default)]
    pub intake_months: Vec<u32>,
    /// Length of the programme.
    #[serde(default = "twelve")]
    pub length_months: u32,
    /// When it may be extended.
    #[serde(default)]
    pub extension: Extension,
    /// Review points in months from the start.
    #[serde(default)]
    pub review_months: Vec<u32>,
    /// Who supports and assesses.
    #[serde(default)]
    pub assessed_by: Vec<RoleId>,
    /// Who recommends pass or fail.
    #[serde(default)]
    pub recommended_by: Option<RoleId>,
    /// Who decides.
    #[serde(default)]
    pub decided_by: Option<RoleId>,
    /// Who signs off the resulting progression.
    #[serde(default)]
    pub signed_off_by: Option<RoleId>,
    /// The route a pass triggers.
    #[serde(default)]
    pub on_pass: Option<RouteId>,
    /// Support offered during the year.
    #[serde(default)]
    pub support: Vec<String>,
    /// Where in the source this comes from.
    pub source: String,
}

fn twelve() -> u32 {
    12
}

/// When the ASYE may be extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Extension {
    /// The document does not say.
    #[default]
    NotStated,
    /// Only with a recorded extenuating reason.
    ExtenuatingCircumstancesOnly,
    /// May be extended.
    Allowed,
    /// Never.
    NotAllowed,
}

/// Appointment from outside the authority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalApplicants {
    /// Whether applicants can be appointed at any level.
    pub any_level: bool,
    /// How they are assessed.
    #[serde(default)]
    pub assessment: Vec<String>,
    /// Whether post-qualifying experience limits the level (Rotherham: it does not).
    #[serde(default)]
    pub experience_limits_level: bool,
    /// Extra conditions for external applicants.
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Where in the source this comes from.
    pub source: String,
}

/// Fast-track progression for existing staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FastTrack {
    /// Whether it exists.
    pub allowed: bool,
    /// How it is started, in the document's words.
    #[serde(default)]
    pub how: Option<String>,
    /// Where in the source this comes from.
    pub source: String,
}

/// Who may record an exception to the eligibility criteria: a reasoned decision that lets
/// one worker open and submit an application for one route although essential criteria are
/// unmet. Without this section (or with `granted_by` empty), a head of service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityExceptions {
    /// The roles whose post-holders may record one.
    #[serde(default)]
    pub granted_by: Vec<RoleId>,
    /// Where in the source this comes from; absent when the document is silent.
    #[serde(default)]
    pub source: Option<String>,
}

/// The role that records eligibility exceptions where the framework names none.
pub const DEFAULT_EXCEPTION_ROLE: &str = "head-of-service";

impl Framework {
    /// The roles whose post-holders may record an eligibility exception: the framework's
    /// `[eligibility_exceptions]`, else a head of service.
    pub fn exception_roles(&self) -> Vec<RoleId> {
        match &self.eligibility_exceptions {
            Some(e) if !e.granted_by.is_empty() => e.granted_by.clone(),
            _ => vec![RoleId::from(DEFAULT_EXCEPTION_ROLE)],
        }
    }
}

/// Appraisal arrangements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appraisal {
    /// What the authority calls it ("PDR", "annual performance appraisal").
    pub name: String,
    /// Months between appraisals.
    #[serde(default)]
    pub every_months: Option<u32>,
    /// Whether the appraisal decides when someone may apply to progress.
    #[serde(default)]
    pub gates_progression: bool,
    /// Where in the source this comes from.
    pub source: String,
}

/// A learning and development offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningOffer {
    /// Name in the document's words.
    pub name: String,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Levels it is aimed at; empty means everyone.
    #[serde(default)]
    pub levels: Vec<LevelId>,
    /// Where in the source this comes from.
    pub source: String,
}

/// A known problem in the source document that the file keeps on purpose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anomaly {
    /// What is wrong.
    pub description: String,
    /// Where in the source it is.
    pub source: String,
}
