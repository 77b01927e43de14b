//! Workforce records: authorities, their organisation and posts, and the social workers on
//! the progression ladder with their qualifications, registration, ASYE, level/grade/point
//! history, awards, appraisals and development goals.
//!
//! Plain values, no IO. Every field type is built once at the edge by a checked constructor
//! (`FromStr`/`TryFrom`/`new`) that says what is wrong; code holding a value may rely on it.
//! Records read back from storage carry [`RecordMeta`]: when they were created and last
//! changed, and the `version` that optimistic-concurrency updates must name.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::framework::{FrameworkId, GradeId, LevelId, RoleId};
use crate::ids::{AppraisalId, AttestationId, AwardId, GoalId, OrgUnitId, PostId, TimelineEntryId, WorkerId};
use crate::standards::StandardSet;

pub use crate::invalid::InvalidValue;

// ---------------------------------------------------------------------------------------
// Text values

/// Defines a string newtype whose only constructor is a checking parser.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parse a value as a person or a file would write it.
            pub fn parse(text: &str) -> Result<$name, InvalidValue> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(text).map($name).map_err(|reason| InvalidValue::new($field, text, reason))
            }

            /// The value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<$name, InvalidValue> {
                $name::parse(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InvalidValue;
            fn try_from(s: &str) -> Result<$name, InvalidValue> {
                $name::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// Longest name or title accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free-text note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 20_000;

fn slug(text: &str) -> Result<String, String> {
    let s = text.trim();
    let well_formed = s.len() >= 2
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if well_formed {
        Ok(s.to_owned())
    } else {
        Err("use 2 to 63 lowercase letters, digits and single hyphens, starting with a letter (like `west-sussex`)"
            .into())
    }
}

fn single_line(text: &str) -> Result<String, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().count() > MAX_NAME_CHARS {
        return Err(format!("is longer than {MAX_NAME_CHARS} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err("must be a single line without control characters".into());
    }
    Ok(s.to_owned())
}

fn note(text: &str) -> Result<String, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("must not be empty; leave the note out instead".into());
    }
    if s.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("is longer than {MAX_NOTE_CHARS} characters"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err("contains control characters".into());
    }
    Ok(s.to_owned())
}

fn employee_number(text: &str) -> Result<String, String> {
    let s = text.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 20 {
        return Err("is longer than 20 characters".into());
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        return Err("may contain only letters, digits, `-` and `/`, starting with a letter or digit".into());
    }
    Ok(s)
}

fn swe_number(text: &str) -> Result<String, String> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    match s.strip_prefix("SW") {
        Some(digits) if !digits.is_empty() && digits.len() <= 9 && digits.chars().all(|c| c.is_ascii_digit()) => Ok(s),
        _ => Err("a Social Work England registration number is `SW` followed by digits, like SW123456".into()),
    }
}

checked_text!(
    /// An authority's id, such as `bexley` or `west-sussex`. Lowercase, digits and hyphens.
    AuthorityId,
    "authority id",
    slug
);
checked_text!(
    /// An authority's own employee (payroll) number, unique within the authority. Stored in
    /// upper case so `e1234` and `E1234` are the same person.
    EmployeeNumber,
    "employee number",
    employee_number
);
checked_text!(
    /// A Social Work England registration number: `SW` followed by digits.
    SweNumber,
    "Social Work England registration number",
    swe_number
);
checked_text!(
    /// A person's full name as they use it at work.
    PersonName,
    "name",
    single_line
);
checked_text!(
    /// The name or title of a thing: an authority, team, qualification, institution, award,
    /// pay point.
    Name,
    "name",
    single_line
);
checked_text!(
    /// Free text: an appraisal summary, a development goal, a note on a history entry.
    Note,
    "note",
    note
);

/// Check a framework role id (`team-manager`) has the shape framework files use.
pub fn parse_role(text: &str) -> Result<RoleId, InvalidValue> {
    slug(text).map(RoleId).map_err(|reason| InvalidValue::new("role", text, reason))
}

// ---------------------------------------------------------------------------------------
// Coded values

use crate::vocab::coded;
pub use crate::vocab::{AcademicLevel, AwardKind, EmploymentType};

coded!(
    /// A unit of an authority's organisation.
    UnitKind, "unit kind" {
        /// A service (children's social care, a directorate's division).
        Service = "service",
        /// A locality or area within a service.
        Locality = "locality",
        /// A team of social workers.
        Team = "team",
    }
);

coded!(
    /// A worker's standing on the Social Work England register.
    RegistrationStatus, "registration status" {
        /// On the register and able to practise.
        Registered = "registered",
        /// On the register with conditions of practice.
        RegisteredWithConditions = "registered-with-conditions",
        /// Suspended from the register.
        Suspended = "suspended",
        /// Removed from the register.
        Removed = "removed",
        /// Registration not renewed in time.
        Lapsed = "lapsed",
        /// Applied and waiting for a decision.
        Applied = "applied",
    }
);

impl RegistrationStatus {
    /// Whether the worker may practise as a social worker.
    pub fn may_practise(self) -> bool {
        matches!(self, RegistrationStatus::Registered | RegistrationStatus::RegisteredWithConditions)
    }
}

/// The body that registered social workers in England on a date: the Health and Care
/// Professions Council (HCPC) until Social Work England took over on 2 December 2019.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regulator {
    /// The Health and Care Professions Council, before 2 December 2019.
    Hcpc,
    /// Social Work England, from 2 December 2019.
    SocialWorkEngland,
}

impl Regulator {
    /// The first day Social Work England was the regulator.
    pub fn social_work_england_from() -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, 12, 2).unwrap_or(NaiveDate::MIN)
    }

    /// The regulator of social workers in England on `date`.
    pub fn on(date: NaiveDate) -> Regulator {
        if date < Regulator::social_work_england_from() { Regulator::Hcpc } else { Regulator::SocialWorkEngland }
    }

    /// Its name as a sentence uses it: "the HCPC", "Social Work England".
    pub fn name(self) -> &'static str {
        match self {
            Regulator::Hcpc => "the Health and Care Professions Council (HCPC)",
            Regulator::SocialWorkEngland => "Social Work England",
        }
    }
}

coded!(
    /// Where a worker is in the ASYE.
    AsyeStatus, "ASYE status" {
        /// Will start with a future cohort.
        NotStarted = "not-started",
        /// Under way.
        InProgress = "in-progress",
        /// Extended beyond the normal length.
        Extended = "extended",
        /// Finished with an outcome.
        Completed = "completed",
        /// Left the programme without an outcome.
        Withdrawn = "withdrawn",
    }
);

coded!(
    /// Where a worker's probation stands (Bexley: NQSWs transfer to the main grade once the
    /// ASYE *and* probation are complete).
    ProbationStatus, "probation status" {
        /// Under way.
        InProgress = "in-progress",
        /// Extended beyond its normal length.
        Extended = "extended",
        /// Completed successfully.
        Completed = "completed",
        /// Ended without being completed.
        NotCompleted = "not-completed",
    }
);

/// A worker's probation: where it stands and the day it ended or is due to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probation {
    /// Where it stands.
    pub status: ProbationStatus,
    /// The day it ended (completed, not completed) or is due to end (in progress, extended).
    pub ends_on: Option<NaiveDate>,
}

impl Probation {
    /// A probation that has ended needs the day it ended.
    pub fn check(&self) -> Result<(), InvalidValue> {
        match (self.status, self.ends_on) {
            (ProbationStatus::Completed | ProbationStatus::NotCompleted, None) => Err(InvalidValue::new(
                "probation end date",
                "(none)",
                format!("a probation that is {} needs the day it ended", self.status),
            )),
            _ => Ok(()),
        }
    }
}

coded!(
    /// How a worker's ASYE ended, including the equivalents frameworks may accept.
    AsyeOutcome, "ASYE outcome" {
        /// Passed the ASYE.
        Passed = "passed",
        /// Did not pass.
        Failed = "failed",
        /// Qualified before the ASYE existed and completed the NQSW portfolio (Rotherham
        /// accepts it as equivalent).
        NqswPortfolioPre2013 = "nqsw-portfolio-pre-2013",
        /// Exempted by the employer.
        Exempt = "asye-exempt",
    }
);

impl AsyeOutcome {
    /// The first day on which an NQSW portfolio no longer counts as "pre-2013": the ASYE
    /// replaced it from 2013.
    pub const NQSW_PORTFOLIO_ENDS: NaiveDate = match NaiveDate::from_ymd_opt(2013, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };

    /// Whether this outcome satisfies an "ASYE passed" criterion that `accepts` the listed
    /// equivalents (the framework's `accepts`, e.g. `["nqsw-portfolio-pre-2013"]`).
    pub fn counts_as_passed(self, accepts: &[String]) -> bool {
        match self {
            AsyeOutcome::Passed => true,
            AsyeOutcome::Failed => false,
            other => accepts.iter().any(|a| a == other.code()),
        }
    }
}

coded!(
    /// Why a worker's level, grade or pay point changed.
    ChangeReason, "change reason" {
        /// Started with the authority.
        Appointed = "appointed",
        /// Progressed through a route.
        Progression = "progression",
        /// Completed the ASYE and moved automatically.
        AsyeCompleted = "asye-completed",
        /// An annual increment.
        Increment = "increment",
        /// The post was regraded.
        Regrading = "regrading",
        /// An earlier entry was wrong.
        Correction = "correction",
        /// Anything else; the note says what.
        Other = "other",
    }
);

coded!(
    /// What an appraisal (PDR) concluded about progression.
    AppraisalOutcome, "appraisal outcome" {
        /// Ready to apply for progression.
        ReadyToApply = "ready-to-apply-for-progression",
        /// Meeting expectations for the current level.
        MeetingExpectations = "meeting-expectations",
        /// Developing; not yet ready to apply.
        NotYetReady = "not-yet-ready",
        /// Performance concerns.
        PerformanceConcerns = "performance-concerns",
    }
);

coded!(
    /// Where a development plan goal stands.
    GoalStatus, "goal status" {
        /// Being worked on.
        Open = "open",
        /// Achieved.
        Achieved = "achieved",
        /// No longer pursued.
        Dropped = "dropped",
    }
);

// ---------------------------------------------------------------------------------------
// Record metadata

/// A record's optimistic-concurrency version. Starts at 1 and goes up by one on every change;
/// an update must name the version it read, and fails with a conflict if it has moved on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Version(i64);

impl Version {
    /// The version of a record just created.
    pub const FIRST: Version = Version(1);

    /// The version with this number.
    pub const fn new(n: i64) -> Version {
        Version(n)
    }

    /// The number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// When a record was created and last changed, and its current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecordMeta {
    /// The version an update must name.
    pub version: Version,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When the record last changed.
    pub updated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------
// Authorities, organisation, posts

/// A local authority (a tenant): everything else belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Authority {
    /// Its id.
    pub id: AuthorityId,
    /// Its name, e.g. "London Borough of Bexley".
    pub name: Name,
    /// How many days back an action may be entered, with a reason (0: never);
    /// [`DEFAULT_BACKDATING_DAYS`] unless the authority set it.
    pub backdating_days: u16,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// How far back an action may be entered where an authority has not said: 30 days.
pub const DEFAULT_BACKDATING_DAYS: u16 = 30;
/// The longest backdating window an authority may set: a year.
pub const MAX_BACKDATING_DAYS: u16 = 366;

/// An authority to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAuthority {
    /// Its id.
    pub id: AuthorityId,
    /// Its name.
    pub name: Name,
}

impl UnitKind {
    fn rank(self) -> u8 {
        match self {
            UnitKind::Service => 0,
            UnitKind::Locality => 1,
            UnitKind::Team => 2,
        }
    }

    /// Whether a unit of this kind may sit under a unit of `parent` kind: services and
    /// localities contain smaller or equal units; nothing sits under a team.
    pub fn may_sit_under(self, parent: UnitKind) -> bool {
        parent != UnitKind::Team && parent.rank() <= self.rank()
    }
}

/// A service, locality or team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgUnit {
    /// Its id.
    pub id: OrgUnitId,
    /// The authority it belongs to.
    pub authority: AuthorityId,
    /// Service, locality or team.
    pub kind: UnitKind,
    /// Its name, e.g. "Children with Disabilities Team".
    pub name: Name,
    /// The unit it sits in; `None` for the top of the authority.
    pub parent: Option<OrgUnitId>,
    /// The day it closed, if it has: a closed unit takes no new posts or workers, and its
    /// history is kept.
    pub closed_on: Option<NaiveDate>,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

impl OrgUnit {
    /// Whether the unit is open on `on` (not yet closed by then).
    pub fn is_open_on(&self, on: NaiveDate) -> bool {
        self.closed_on.is_none_or(|closed| on < closed)
    }
}

/// A unit name in the form two names are compared in: spaces collapsed, lower case. Two
/// open units of the same kind under the same parent may not share it.
pub fn unit_name_key(name: &Name) -> String {
    name.as_str().split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A unit to create, or a unit's new details.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewOrgUnit {
    /// Service, locality or team.
    pub kind: UnitKind,
    /// Its name.
    pub name: Name,
    /// The unit it sits in.
    pub parent: Option<OrgUnitId>,
}

/// A post in a unit, held by a worker or vacant: the team manager of a team, the locality
/// manager of a locality, the head of a service, a practice educator. The role is a role id
/// from the authority's framework (`team-manager`, `head-of-service`). Who held it is dated:
/// who held the head-of-service post on the day of an interview decides independence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// The authority it belongs to.
    pub authority: AuthorityId,
    /// The unit the post is responsible for.
    pub unit: OrgUnitId,
    /// The framework role it carries.
    pub role: RoleId,
    /// The post it reports to, if any.
    pub reports_to: Option<PostId>,
    /// Who held it and when, earliest first; none that overlap.
    pub holdings: Vec<PostHolding>,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

impl Post {
    /// Who held the post on `on`; `None` when it was vacant that day.
    pub fn holder_on(&self, on: NaiveDate) -> Option<WorkerId> {
        self.holdings.iter().find(|h| h.covers(on)).map(|h| h.worker)
    }
}

/// One worker's time in a post: from `held_from` until the day before `held_to` (the day
/// the post was vacated or passed on), or still held when `held_to` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PostHolding {
    /// The post holder.
    pub worker: WorkerId,
    /// The first day they held it.
    pub held_from: NaiveDate,
    /// The day they stopped holding it (the first day without them), if they have.
    pub held_to: Option<NaiveDate>,
}

impl PostHolding {
    /// Whether the holding covers `on`.
    pub fn covers(&self, on: NaiveDate) -> bool {
        self.held_from <= on && self.held_to.is_none_or(|to| on < to)
    }
}

/// A post to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewPost {
    /// The unit the post is responsible for.
    pub unit: OrgUnitId,
    /// The framework role it carries (checked with [`parse_role`]).
    pub role: RoleId,
    /// The post it reports to, if any.
    pub reports_to: Option<PostId>,
    /// Who holds it from which day, if anyone.
    pub holder: Option<(WorkerId, NaiveDate)>,
}

/// One person above a worker in the organisation: the holder of a post on a unit the
/// worker sits in (directly or further up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    /// The unit the post is on.
    pub unit: OrgUnitId,
    /// The post.
    pub post: PostId,
    /// The post's role.
    pub role: RoleId,
    /// The post holder.
    pub holder: WorkerId,
}

/// A worker's line-management chain, nearest first. "Own" and "independent" assessor rules
/// are answered from it: the worker's own head of service is a holder of a `head-of-service`
/// post in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LineManagement {
    /// The people above the worker, nearest unit first.
    pub chain: Vec<ChainLink>,
}

impl LineManagement {
    /// Work out `worker`'s chain on `on` from the unit they sit in, walking up the units and
    /// counting only who held each post that day; posts the worker holds themselves are
    /// skipped (a team manager's own manager is further up). When the worker holds a post
    /// that reports to another post, that post's holder comes first. A loop in the unit
    /// parents (which storage prevents) ends the walk rather than hanging.
    pub fn of(
        worker: WorkerId,
        unit: Option<OrgUnitId>,
        units: &[OrgUnit],
        posts: &[Post],
        on: NaiveDate,
    ) -> LineManagement {
        let mut chain: Vec<ChainLink> = Vec::new();
        let link = |p: &Post| {
            p.holder_on(on).filter(|h| *h != worker).map(|holder| ChainLink {
                unit: p.unit,
                post: p.id,
                role: p.role.clone(),
                holder,
            })
        };
        let mut own_posts: Vec<&Post> = posts.iter().filter(|p| p.holder_on(on) == Some(worker)).collect();
        own_posts.sort_by_key(|p| p.id);
        for reports_to in own_posts.iter().filter_map(|p| p.reports_to) {
            if let Some(l) = posts.iter().find(|p| p.id == reports_to).and_then(link)
                && !chain.iter().any(|c| c.post == l.post)
            {
                chain.push(l);
            }
        }
        let mut seen = HashSet::new();
        let mut current = unit;
        while let Some(id) = current {
            if !seen.insert(id) {
                break;
            }
            let mut here: Vec<&Post> = posts.iter().filter(|p| p.unit == id).collect();
            here.sort_by_key(|p| p.id);
            for l in here.into_iter().filter_map(link) {
                if !chain.iter().any(|c| c.post == l.post) {
                    chain.push(l);
                }
            }
            current = units.iter().find(|u| u.id == id).and_then(|u| u.parent);
        }
        LineManagement { chain }
    }

    /// The nearest person above the worker: their line manager.
    pub fn line_manager(&self) -> Option<WorkerId> {
        self.chain.first().map(|l| l.holder)
    }

    /// The worker's own holders of `role` (normally one), nearest first.
    pub fn own(&self, role: &RoleId) -> Vec<WorkerId> {
        self.chain.iter().filter(|l| l.role == *role).map(|l| l.holder).collect()
    }

    /// Whether `person` is in the worker's chain in any role.
    pub fn contains(&self, person: WorkerId) -> bool {
        self.chain.iter().any(|l| l.holder == person)
    }

    /// Whether `person` is the worker's own holder of `role`.
    pub fn is_own(&self, role: &RoleId, person: WorkerId) -> bool {
        self.chain.iter().any(|l| l.role == *role && l.holder == person)
    }
}

// ---------------------------------------------------------------------------------------
// Workers

/// A social work qualification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Qualification {
    /// What it is, as the certificate says: "MA Social Work", "DipSW".
    pub title: Name,
    /// Where it was awarded.
    pub institution: Name,
    /// The date it was awarded; post-qualifying experience counts from here.
    pub awarded_on: NaiveDate,
}

/// Registration with Social Work England.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweRegistration {
    /// The registration number.
    pub number: SweNumber,
    /// Standing on the register.
    pub status: RegistrationStatus,
    /// When the registration must next be renewed.
    pub renewal_due: Option<NaiveDate>,
}

/// An ASYE intake: the year and month a cohort starts ("2024-10").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AsyeCohort {
    year: i32,
    month: u32,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

impl AsyeCohort {
    /// The cohort starting in `month` (1-12) of `year`.
    pub fn new(year: i32, month: u32) -> Result<AsyeCohort, InvalidValue> {
        if (1..=12).contains(&month) && (1990..=2200).contains(&year) {
            Ok(AsyeCohort { year, month })
        } else {
            Err(InvalidValue::new("ASYE cohort", format!("{year}-{month:02}"), "is not a year and month"))
        }
    }

    /// The cohort of a programme starting on `date`.
    pub fn starting(date: NaiveDate) -> AsyeCohort {
        AsyeCohort { year: date.year(), month: date.month() }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// "October 2024".
    pub fn display_name(self) -> String {
        let month = MONTHS.get(self.month as usize - 1).copied().unwrap_or("");
        let mut chars = month.chars();
        let capitalised: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
        format!("{capitalised} {}", self.year)
    }
}

impl FromStr for AsyeCohort {
    type Err = InvalidValue;
    /// Accepts `2024-10`, `October 2024` and `Oct 2024`.
    fn from_str(s: &str) -> Result<AsyeCohort, InvalidValue> {
        let bad = || {
            InvalidValue::new("ASYE cohort", s, "write the intake as a year and month, like 2024-10 or October 2024")
        };
        let t = s.trim();
        if let Some((y, m)) = t.split_once('-') {
            let year = y.parse().map_err(|_| bad())?;
            let month = m.parse().map_err(|_| bad())?;
            return AsyeCohort::new(year, month).map_err(|_| bad());
        }
        let (m, y) = t.split_once(' ').ok_or_else(bad)?;
        let m = m.trim().to_lowercase();
        let month = MONTHS.iter().position(|name| m.len() >= 3 && name.starts_with(&m)).ok_or_else(bad)?;
        let year = y.trim().parse().map_err(|_| bad())?;
        AsyeCohort::new(year, month as u32 + 1).map_err(|_| bad())
    }
}

impl fmt::Display for AsyeCohort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for AsyeCohort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AsyeCohort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AsyeCohort, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A worker's Assessed and Supported Year in Employment, or the equivalent they hold.
///
/// Built by [`AsyeRecord::new`], which keeps status, outcome and dates consistent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyeRecord {
    cohort: Option<AsyeCohort>,
    started_on: Option<NaiveDate>,
    assessor: Option<WorkerId>,
    status: AsyeStatus,
    outcome: Option<AsyeOutcome>,
    outcome_on: Option<NaiveDate>,
}

/// The parts of an ASYE record before they are checked together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AsyeParts {
    /// The intake.
    pub cohort: Option<AsyeCohort>,
    /// The day the programme started.
    pub started_on: Option<NaiveDate>,
    /// The ASYE assessor.
    pub assessor: Option<WorkerId>,
    /// Where it is; `None` is worked out from the outcome (completed) or start (in progress).
    pub status: Option<AsyeStatus>,
    /// How it ended.
    pub outcome: Option<AsyeOutcome>,
    /// When it ended.
    pub outcome_on: Option<NaiveDate>,
}

impl AsyeRecord {
    /// Check the parts fit together: an outcome needs its date and means the ASYE is
    /// completed; a programme in progress needs its start; nothing ends before it starts.
    pub fn new(parts: AsyeParts) -> Result<AsyeRecord, InvalidValue> {
        let AsyeParts { cohort, started_on, assessor, status, outcome, outcome_on } = parts;
        let status = status.unwrap_or(match (outcome, started_on) {
            (Some(_), _) => AsyeStatus::Completed,
            (None, Some(_)) => AsyeStatus::InProgress,
            (None, None) => AsyeStatus::NotStarted,
        });
        let shown = |v: Option<String>| v.unwrap_or_else(|| "(none)".into());
        match (status, outcome) {
            (AsyeStatus::Completed, None) => {
                return Err(InvalidValue::new("ASYE outcome", "(none)", "a completed ASYE needs an outcome"));
            }
            (s, Some(o)) if s != AsyeStatus::Completed => {
                return Err(InvalidValue::new(
                    "ASYE status",
                    s.code(),
                    format!("an ASYE with outcome `{o}` is completed, not `{s}`"),
                ));
            }
            _ => {}
        }
        if outcome.is_some() != outcome_on.is_some() {
            return Err(InvalidValue::new(
                "ASYE outcome date",
                shown(outcome_on.map(|d| d.to_string())),
                "give the outcome and its date together",
            ));
        }
        let needs_start = matches!(status, AsyeStatus::InProgress | AsyeStatus::Extended)
            || matches!(outcome, Some(AsyeOutcome::Passed | AsyeOutcome::Failed));
        if needs_start && started_on.is_none() {
            return Err(InvalidValue::new(
                "ASYE start date",
                "(none)",
                format!("an ASYE that is {status} needs its start date"),
            ));
        }
        if outcome == Some(AsyeOutcome::NqswPortfolioPre2013)
            && let Some(on) = outcome_on
            && on >= AsyeOutcome::NQSW_PORTFOLIO_ENDS
        {
            return Err(InvalidValue::new(
                "ASYE outcome date",
                on.to_string(),
                "a pre-2013 NQSW portfolio must be dated before 2013 (the ASYE replaced it from 2013)",
            ));
        }
        if let (Some(start), Some(end)) = (started_on, outcome_on)
            && end < start
        {
            return Err(InvalidValue::new(
                "ASYE outcome date",
                end.to_string(),
                format!("is before the ASYE started ({start})"),
            ));
        }
        Ok(AsyeRecord { cohort, started_on, assessor, status, outcome, outcome_on })
    }

    /// The intake.
    pub fn cohort(&self) -> Option<AsyeCohort> {
        self.cohort
    }
    /// The day the programme started.
    pub fn started_on(&self) -> Option<NaiveDate> {
        self.started_on
    }
    /// The ASYE assessor.
    pub fn assessor(&self) -> Option<WorkerId> {
        self.assessor
    }
    /// Where it is.
    pub fn status(&self) -> AsyeStatus {
        self.status
    }
    /// How it ended.
    pub fn outcome(&self) -> Option<AsyeOutcome> {
        self.outcome
    }
    /// When it ended.
    pub fn outcome_on(&self) -> Option<NaiveDate> {
        self.outcome_on
    }

    /// The parts, to change one and check again.
    pub fn parts(&self) -> AsyeParts {
        AsyeParts {
            cohort: self.cohort,
            started_on: self.started_on,
            assessor: self.assessor,
            status: Some(self.status),
            outcome: self.outcome,
            outcome_on: self.outcome_on,
        }
    }
}

/// Everything about a worker that is edited as one: who they are and how they are employed,
/// their qualification, registration and ASYE. Timeline, awards, appraisals and goals are
/// separate records, added one at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkerDetails {
    /// Employee (payroll) number, unique in the authority.
    pub employee_number: EmployeeNumber,
    /// Full name.
    pub name: PersonName,
    /// Permanent, agency or secondment.
    pub employment: EmploymentType,
    /// First day with the authority.
    pub started_on: NaiveDate,
    /// Last day with the authority, for leavers.
    pub left_on: Option<NaiveDate>,
    /// The team (or other unit) they work in.
    pub unit: Option<OrgUnitId>,
    /// Their social work qualification.
    pub qualification: Option<Qualification>,
    /// Their Social Work England registration.
    pub registration: Option<SweRegistration>,
    /// Their ASYE or its equivalent.
    pub asye: Option<AsyeRecord>,
    /// Their probation, where recorded.
    pub probation: Option<Probation>,
}

impl WorkerDetails {
    /// Details with only the required fields; set the others directly.
    pub fn new(
        employee_number: EmployeeNumber,
        name: PersonName,
        employment: EmploymentType,
        started_on: NaiveDate,
    ) -> WorkerDetails {
        WorkerDetails {
            employee_number,
            name,
            employment,
            started_on,
            left_on: None,
            unit: None,
            qualification: None,
            registration: None,
            asye: None,
            probation: None,
        }
    }

    /// Check the fields fit together (each field is already valid on its own).
    pub fn check(&self) -> Result<(), InvalidValue> {
        if let Some(left) = self.left_on
            && left < self.started_on
        {
            return Err(InvalidValue::new(
                "leaving date",
                left.to_string(),
                format!("is before the start date ({})", self.started_on),
            ));
        }
        if let Some(p) = &self.probation {
            p.check()?;
        }
        Ok(())
    }
}

/// A worker as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Worker {
    /// Their id.
    pub id: WorkerId,
    /// The authority that employs them.
    pub authority: AuthorityId,
    /// Their details.
    #[serde(flatten)]
    pub details: WorkerDetails,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// A worker to create, with the history they arrive with (for example from an import).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWorker {
    /// Their details.
    pub details: WorkerDetails,
    /// Their level/grade/point history so far; may be empty.
    pub timeline: Vec<NewTimelineEntry>,
}

/// A worker with everything they arrive with, for bulk creation (imports, demo data).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewWorkerRecord {
    /// The worker and their level/grade/point history.
    pub worker: NewWorker,
    /// Awards and courses completed.
    pub awards: Vec<NewAward>,
    /// Appraisals held.
    pub appraisals: Vec<NewAppraisal>,
    /// Development goals.
    pub goals: Vec<NewGoal>,
}

/// A level/grade/point a worker moved to on a date. The timeline keeps every entry, so a
/// worker's position on any past date can be answered. An import or the demo writes these
/// directly; an effective progression or appointment carries the one it will append (signed
/// off with the pay change, so it is stored inside the application as well).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTimelineEntry {
    /// The first day of this level/grade/point.
    pub starts_on: NaiveDate,
    /// The framework the level and grade belong to.
    pub framework: FrameworkId,
    /// The level (role) on the ladder.
    pub level: LevelId,
    /// The pay grade, where the framework has grades.
    pub grade: Option<GradeId>,
    /// The pay point on the grade, as the framework prints it ("37", "start").
    pub point: Option<Name>,
    /// Why it changed: progression, ASYE completed, appointed, imported...
    pub reason: ChangeReason,
    /// Anything a reader should know ("Career Progression Panel, 2025-06-12").
    pub note: Option<Note>,
}

/// A stored timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Its id.
    pub id: TimelineEntryId,
    /// The worker.
    pub worker: WorkerId,
    /// The entry.
    #[serde(flatten)]
    pub entry: NewTimelineEntry,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// A worker's level/grade/point history in date order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Timeline {
    entries: Vec<TimelineEntry>,
}

impl Timeline {
    /// The history from entries in any order.
    pub fn new(mut entries: Vec<TimelineEntry>) -> Timeline {
        entries.sort_by(|a, b| a.entry.starts_on.cmp(&b.entry.starts_on).then(a.id.cmp(&b.id)));
        Timeline { entries }
    }

    /// Every entry, earliest first.
    pub fn entries(&self) -> &[TimelineEntry] {
        &self.entries
    }

    /// The entry in force on `date`.
    pub fn on(&self, date: NaiveDate) -> Option<&TimelineEntry> {
        self.entries.iter().rev().find(|e| e.entry.starts_on <= date)
    }

    /// The latest entry.
    pub fn current(&self) -> Option<&TimelineEntry> {
        self.entries.last()
    }

    fn run_start(
        &self,
        date: NaiveDate,
        same: impl Fn(&NewTimelineEntry, &NewTimelineEntry) -> bool,
    ) -> Option<NaiveDate> {
        let upto: Vec<&TimelineEntry> = self.entries.iter().take_while(|e| e.entry.starts_on <= date).collect();
        let now = upto.last()?;
        let start = upto.iter().rev().take_while(|e| same(&e.entry, &now.entry)).last()?;
        Some(start.entry.starts_on)
    }

    /// The day the worker started the level they hold on `date` (the earliest of the
    /// unbroken run of entries at that level).
    pub fn level_since(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.run_start(date, |a, b| a.framework == b.framework && a.level == b.level)
    }

    /// The day the worker started the grade they hold on `date`.
    pub fn grade_since(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.run_start(date, |a, b| a.framework == b.framework && a.grade == b.grade)
    }

    /// The day the worker reached the pay point they hold on `date`.
    pub fn point_since(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.run_start(date, |a, b| a.framework == b.framework && a.grade == b.grade && a.point == b.point)
    }
}

/// A post-qualifying award or course to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAward {
    /// What kind.
    pub kind: AwardKind,
    /// Its title: "PG Cert Advanced Practice", "PEPS stage 2".
    pub title: Name,
    /// Who provided it.
    pub provider: Option<Name>,
    /// When it was completed.
    pub completed_on: NaiveDate,
    /// The FHEQ level it was awarded at, where recorded (7 for Master's level).
    pub academic_level: Option<AcademicLevel>,
    /// The academic credits it carries, where recorded (a postgraduate certificate: 60).
    pub credits: Option<u32>,
}

/// A stored award.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Award {
    /// Its id.
    pub id: AwardId,
    /// The worker.
    pub worker: WorkerId,
    /// The award.
    #[serde(flatten)]
    pub award: NewAward,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// An appraisal (PDR) to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAppraisal {
    /// When it took place.
    pub held_on: NaiveDate,
    /// Who held it.
    pub reviewer: Option<WorkerId>,
    /// What it concluded about progression.
    pub outcome: AppraisalOutcome,
    /// A summary.
    pub summary: Option<Note>,
    /// The objectives agreed for the next cycle.
    pub objectives: Option<Note>,
    /// The development plan agreed: learning, support, what progression needs next.
    pub development_plan: Option<Note>,
}

/// A stored appraisal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppraisalRecord {
    /// Its id.
    pub id: AppraisalId,
    /// The worker appraised.
    pub worker: WorkerId,
    /// The appraisal.
    #[serde(flatten)]
    pub appraisal: NewAppraisal,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// A development plan goal, to record or as changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewGoal {
    /// The goal in the worker's words.
    pub goal: Note,
    /// When it was set.
    pub set_on: NaiveDate,
    /// When it should be met by.
    pub due_on: Option<NaiveDate>,
    /// Where it stands.
    pub status: GoalStatus,
    /// When it was achieved or dropped.
    pub closed_on: Option<NaiveDate>,
}

impl NewGoal {
    /// Check the fields fit together: a closed goal has a closing date and an open one does not.
    pub fn check(&self) -> Result<(), InvalidValue> {
        match (self.status, self.closed_on) {
            (GoalStatus::Open, Some(d)) => {
                Err(InvalidValue::new("goal closing date", d.to_string(), "an open goal has no closing date"))
            }
            (s, None) if s != GoalStatus::Open => {
                Err(InvalidValue::new("goal closing date", "(none)", format!("a goal that is {s} needs the date")))
            }
            (_, Some(d)) if d < self.set_on => Err(InvalidValue::new(
                "goal closing date",
                d.to_string(),
                format!("is before the goal was set ({})", self.set_on),
            )),
            _ => Ok(()),
        }
    }
}

/// A stored development plan goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DevelopmentGoal {
    /// Its id.
    pub id: GoalId,
    /// The worker.
    pub worker: WorkerId,
    /// The goal.
    #[serde(flatten)]
    pub goal: NewGoal,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

coded!(
    /// What an attestation about a worker records.
    AttestationKind, "attestation kind" {
        /// Their line manager endorses their progression.
        Endorsement = "endorsement",
        /// They raised their intent to progress in supervision.
        SupervisionIntent = "supervision-intent",
        /// They were assessed as meeting a named standard set (`kss.ps`, `pcf.advanced`...).
        Assessment = "assessment",
        /// They hold an accreditation or endorsement from outside (national assessment and
        /// accreditation, NAAS).
        Accreditation = "accreditation",
    }
);

/// Something a person recorded about a worker on a date: a manager's endorsement, an intent
/// to progress raised in supervision, an assessment against a standard set, an accreditation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAttestation {
    /// What it records.
    pub kind: AttestationKind,
    /// What it is about: the standard set assessed (`kss.ps`), the accreditation's name
    /// ("NAAS"), or for endorsements and supervision what was endorsed or raised (optional).
    pub what: Option<Name>,
    /// The day it happened.
    pub on: NaiveDate,
    /// The worker who recorded it (an endorsement must be by someone over the worker).
    pub recorded_by: WorkerId,
    /// Anything else worth keeping.
    pub note: Option<Note>,
}

impl NewAttestation {
    /// An assessment needs a standard set Pathway knows; an accreditation needs its name.
    pub fn check(&self) -> Result<(), InvalidValue> {
        match (self.kind, &self.what) {
            (AttestationKind::Assessment, None) => Err(InvalidValue::new(
                "standard set",
                "(none)",
                "an assessment names the standard set it was against, such as kss.ps or pcf.experienced-social-worker",
            )),
            (AttestationKind::Assessment, Some(set)) => StandardSet::parse(set.as_str())
                .map(|_| ())
                .map_err(|reason| InvalidValue::new("standard set", set.as_str(), reason)),
            (AttestationKind::Accreditation, None) => Err(InvalidValue::new(
                "accreditation",
                "(none)",
                "an accreditation needs its name, such as NAAS (national assessment and accreditation)",
            )),
            _ => Ok(()),
        }
    }

    /// The standard set an assessment was against.
    pub fn standard_set(&self) -> Option<StandardSet> {
        match self.kind {
            AttestationKind::Assessment => self.what.as_ref().and_then(|w| StandardSet::parse(w.as_str()).ok()),
            _ => None,
        }
    }
}

/// A stored attestation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attestation {
    /// Its id.
    pub id: AttestationId,
    /// The worker it is about.
    pub worker: WorkerId,
    /// The attestation.
    #[serde(flatten)]
    pub attestation: NewAttestation,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// Everything held about one worker: what eligibility and progression read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkerRecord {
    /// The worker.
    pub worker: Worker,
    /// Their level/grade/point history.
    pub timeline: Timeline,
    /// Post-qualifying awards and courses, earliest first.
    pub awards: Vec<Award>,
    /// Appraisals, earliest first.
    pub appraisals: Vec<AppraisalRecord>,
    /// Development plan goals, earliest set first.
    pub goals: Vec<DevelopmentGoal>,
    /// Endorsements, supervision intents, assessments and accreditations, earliest first.
    pub attestations: Vec<Attestation>,
    /// Registration with Social Work England as recorded over time, earliest first.
    pub registrations: Vec<crate::career::RegistrationRecord>,
}

impl WorkerRecord {
    /// Where the worker stands with the regulator on `date`: the registration history, or
    /// the registration imported with them when none is recorded (see
    /// [`crate::career::standing_on`]).
    pub fn registration_on(&self, date: NaiveDate) -> Option<crate::career::Standing> {
        crate::career::standing_on(&self.registrations, self.worker.details.registration.as_ref(), date)
    }

    /// The most recent appraisal on or before `date`.
    pub fn latest_appraisal(&self, date: NaiveDate) -> Option<&AppraisalRecord> {
        self.appraisals.iter().filter(|a| a.appraisal.held_on <= date).max_by_key(|a| (a.appraisal.held_on, a.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn meta() -> RecordMeta {
        RecordMeta { version: Version::FIRST, created_at: DateTime::UNIX_EPOCH, updated_at: DateTime::UNIX_EPOCH }
    }

    #[test]
    fn employee_numbers_are_normalised_and_checked() {
        assert_eq!(EmployeeNumber::parse(" e1234 ").map(|e| e.to_string()), Ok("E1234".into()));
        let err = EmployeeNumber::parse("=SUM(A1)").expect_err("formula refused");
        assert_eq!(err.field, "employee number");
        assert!(err.to_string().contains("letters, digits"), "{err}");
        assert!(EmployeeNumber::parse("").is_err());
        assert!(EmployeeNumber::parse("123456789012345678901").is_err());
    }

    #[test]
    fn swe_numbers_are_sw_and_digits() {
        assert_eq!(SweNumber::parse("sw 123456").map(|n| n.to_string()), Ok("SW123456".into()));
        for bad in ["123456", "SW", "SW12A", "XW123", "SW1234567890"] {
            let err = SweNumber::parse(bad).expect_err(bad);
            assert!(err.to_string().contains("`SW` followed by digits"), "{err}");
        }
    }

    #[test]
    fn authority_ids_are_slugs() {
        assert!(AuthorityId::parse("west-sussex").is_ok());
        for bad in ["West Sussex", "-x", "x-", "a--b", "1abc", "a"] {
            assert!(AuthorityId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coded_values_accept_what_people_type() {
        assert_eq!("Ready to apply for progression".parse(), Ok(AppraisalOutcome::ReadyToApply));
        assert_eq!("PEPS_stage_2".parse(), Ok(AwardKind::PepsStage2));
        let err = "contractor".parse::<EmploymentType>().expect_err("unknown");
        assert_eq!(err.reason, "must be one of: permanent, agency, secondment, fixed-term");
    }

    #[test]
    fn pre_2013_nqsw_portfolio_counts_only_where_accepted() {
        let rotherham = vec!["nqsw-portfolio-pre-2013".to_string()];
        assert!(AsyeOutcome::NqswPortfolioPre2013.counts_as_passed(&rotherham));
        assert!(!AsyeOutcome::NqswPortfolioPre2013.counts_as_passed(&[]));
        assert!(AsyeOutcome::Passed.counts_as_passed(&[]));
        assert!(!AsyeOutcome::Failed.counts_as_passed(&rotherham));
        // Every equivalent the framework validator knows is an outcome we can record.
        for code in crate::framework::ASYE_EQUIVALENTS {
            assert!(code.parse::<AsyeOutcome>().is_ok(), "{code}");
        }
    }

    #[test]
    fn asye_parts_must_agree() {
        let pre_2013 = AsyeRecord::new(AsyeParts {
            outcome: Some(AsyeOutcome::NqswPortfolioPre2013),
            outcome_on: Some(date("2011-06-30")),
            ..AsyeParts::default()
        })
        .expect("a pre-2013 portfolio needs no start date");
        assert_eq!(pre_2013.status(), AsyeStatus::Completed);

        // A "pre-2013 NQSW portfolio" dated 2016 is refused, with the rule.
        let late = AsyeRecord::new(AsyeParts {
            outcome: Some(AsyeOutcome::NqswPortfolioPre2013),
            outcome_on: Some(date("2016-03-01")),
            ..AsyeParts::default()
        })
        .expect_err("a 2016 portfolio is not pre-2013");
        assert_eq!(late.field, "ASYE outcome date");
        assert!(late.reason.contains("must be dated before 2013"), "{}", late.reason);
        let last_day = AsyeRecord::new(AsyeParts {
            outcome: Some(AsyeOutcome::NqswPortfolioPre2013),
            outcome_on: Some(date("2012-12-31")),
            ..AsyeParts::default()
        });
        assert!(last_day.is_ok(), "the last day of 2012 is still pre-2013");

        let no_date = AsyeRecord::new(AsyeParts {
            started_on: Some(date("2024-10-01")),
            outcome: Some(AsyeOutcome::Passed),
            ..AsyeParts::default()
        });
        assert_eq!(no_date.map_err(|e| e.reason), Err("give the outcome and its date together".into()));

        let backwards = AsyeRecord::new(AsyeParts {
            started_on: Some(date("2024-10-01")),
            outcome: Some(AsyeOutcome::Passed),
            outcome_on: Some(date("2024-09-30")),
            ..AsyeParts::default()
        });
        assert!(backwards.is_err());

        let in_progress = AsyeRecord::new(AsyeParts {
            cohort: Some("October 2024".parse().expect("cohort")),
            started_on: Some(date("2024-10-01")),
            ..AsyeParts::default()
        })
        .expect("in progress");
        assert_eq!(in_progress.status(), AsyeStatus::InProgress);
        assert_eq!(in_progress.cohort().map(|c| c.to_string()), Some("2024-10".into()));
    }

    #[test]
    fn a_timeline_entry_keeps_its_json_shape_inside_stored_applications() {
        // Signed-off applications store the entry they will append; documents written
        // before the entry and the record change were one type must still load.
        let stored = r#"{"starts_on":"2025-09-01","framework":"west-sussex","level":"senior-social-worker",
            "grade":"grade-11","point":"39","reason":"progression","note":"Panel, 2025-07-10"}"#;
        let entry: NewTimelineEntry = serde_json::from_str(stored).expect("loads");
        assert_eq!(entry.point.as_ref().map(Name::as_str), Some("39"));
        assert_eq!(entry.reason, ChangeReason::Progression);
        let written: serde_json::Value = serde_json::to_value(&entry).expect("json");
        let expected: serde_json::Value = serde_json::from_str(stored).expect("json");
        assert_eq!(written, expected);
    }

    #[test]
    fn cohorts_parse_both_ways_and_display_as_people_say_them() {
        let c: AsyeCohort = "Apr 2025".parse().expect("cohort");
        assert_eq!(c, "2025-04".parse().expect("cohort"));
        assert_eq!(c.display_name(), "April 2025");
        assert!("2025-13".parse::<AsyeCohort>().is_err());
        assert!("Smarch 2025".parse::<AsyeCohort>().is_err());
    }

    fn entry(id: i64, starts: &str, level: &str, grade: &str, point: &str) -> TimelineEntry {
        TimelineEntry {
            id: TimelineEntryId::new(id),
            worker: WorkerId::new(1),
            entry: NewTimelineEntry {
                starts_on: date(starts),
                framework: "rotherham".into(),
                level: level.into(),
                grade: Some(grade.into()),
                point: Some(Name::parse(point).expect("point")),
                reason: ChangeReason::Increment,
                note: None,
            },
            meta: meta(),
        }
    }

    #[test]
    fn timeline_answers_since_when_for_level_grade_and_point() {
        let t = Timeline::new(vec![
            entry(3, "2024-04-01", "level-3", "band-i", "2"),
            entry(1, "2021-09-01", "level-2", "band-h", "1"),
            entry(2, "2022-09-01", "level-2", "band-h", "2"),
            entry(4, "2025-04-01", "level-3", "band-i", "3"),
        ]);
        let today = date("2025-06-01");
        assert_eq!(t.current().map(|e| e.id.get()), Some(4));
        assert_eq!(t.level_since(today), Some(date("2024-04-01")));
        assert_eq!(t.grade_since(today), Some(date("2024-04-01")));
        assert_eq!(t.point_since(today), Some(date("2025-04-01")));
        assert_eq!(t.level_since(date("2023-01-01")), Some(date("2021-09-01")));
        assert_eq!(t.on(date("2021-08-31")), None);
    }

    fn unit(id: i64, kind: UnitKind, parent: Option<i64>) -> OrgUnit {
        OrgUnit {
            id: OrgUnitId::new(id),
            authority: AuthorityId::parse("rotherham").expect("id"),
            kind,
            name: Name::parse("unit").expect("name"),
            parent: parent.map(OrgUnitId::new),
            closed_on: None,
            meta: meta(),
        }
    }

    fn post(id: i64, unit: i64, role: &str, holder: i64) -> Post {
        Post {
            id: PostId::new(id),
            authority: AuthorityId::parse("rotherham").expect("id"),
            unit: OrgUnitId::new(unit),
            role: role.into(),
            reports_to: None,
            holdings: vec![PostHolding { worker: WorkerId::new(holder), held_from: date("2020-01-01"), held_to: None }],
            meta: meta(),
        }
    }

    #[test]
    fn line_management_walks_up_and_skips_the_worker_themselves() {
        let units = vec![
            unit(1, UnitKind::Service, None),
            unit(2, UnitKind::Locality, Some(1)),
            unit(3, UnitKind::Team, Some(2)),
        ];
        let posts = vec![
            post(10, 3, "team-manager", 100),
            post(11, 2, "locality-manager", 200),
            post(12, 1, "head-of-service", 300),
        ];
        let today = date("2025-06-01");
        let worker = LineManagement::of(WorkerId::new(7), Some(OrgUnitId::new(3)), &units, &posts, today);
        assert_eq!(worker.line_manager(), Some(WorkerId::new(100)));
        assert!(worker.is_own(&"head-of-service".into(), WorkerId::new(300)));
        assert!(!worker.is_own(&"head-of-service".into(), WorkerId::new(301)));

        let manager = LineManagement::of(WorkerId::new(100), Some(OrgUnitId::new(3)), &units, &posts, today);
        assert_eq!(manager.line_manager(), Some(WorkerId::new(200)));
        assert!(!manager.contains(WorkerId::new(100)));
    }

    #[test]
    fn line_management_counts_who_held_each_post_on_the_day() {
        let units = vec![unit(1, UnitKind::Service, None), unit(3, UnitKind::Team, Some(1))];
        let mut head = post(12, 1, "head-of-service", 300);
        head.holdings = vec![
            PostHolding {
                worker: WorkerId::new(300),
                held_from: date("2020-01-01"),
                held_to: Some(date("2025-05-01")),
            },
            PostHolding { worker: WorkerId::new(301), held_from: date("2025-05-01"), held_to: None },
        ];
        let posts = vec![post(10, 3, "team-manager", 100), head];
        let hos: RoleId = "head-of-service".into();
        let in_april =
            LineManagement::of(WorkerId::new(7), Some(OrgUnitId::new(3)), &units, &posts, date("2025-04-30"));
        assert!(in_april.is_own(&hos, WorkerId::new(300)));
        assert!(!in_april.is_own(&hos, WorkerId::new(301)));
        let in_may = LineManagement::of(WorkerId::new(7), Some(OrgUnitId::new(3)), &units, &posts, date("2025-05-01"));
        assert!(in_may.is_own(&hos, WorkerId::new(301)));
        assert!(!in_may.contains(WorkerId::new(300)));
    }

    #[test]
    fn a_post_holder_reports_to_the_post_their_post_reports_to() {
        let units = vec![unit(1, UnitKind::Service, None), unit(3, UnitKind::Team, Some(1))];
        let mut educator = post(11, 3, "practice-educator", 50);
        educator.reports_to = Some(PostId::new(12));
        let posts = vec![post(10, 3, "team-manager", 100), educator, post(12, 1, "principal-social-worker", 400)];
        let chain = LineManagement::of(WorkerId::new(50), Some(OrgUnitId::new(3)), &units, &posts, date("2025-06-01"));
        assert_eq!(chain.line_manager(), Some(WorkerId::new(400)));
        assert!(chain.contains(WorkerId::new(100)));
    }

    #[test]
    fn nothing_sits_under_a_team() {
        assert!(UnitKind::Team.may_sit_under(UnitKind::Locality));
        assert!(UnitKind::Locality.may_sit_under(UnitKind::Service));
        assert!(!UnitKind::Team.may_sit_under(UnitKind::Team));
        assert!(!UnitKind::Service.may_sit_under(UnitKind::Locality));
    }

    #[test]
    fn goals_close_with_a_date() {
        let mut goal = NewGoal {
            goal: Note::parse("Complete PEPS stage 1").expect("note"),
            set_on: date("2025-01-10"),
            due_on: None,
            status: GoalStatus::Achieved,
            closed_on: None,
        };
        assert!(goal.check().is_err());
        goal.closed_on = Some(date("2025-06-01"));
        assert!(goal.check().is_ok());
    }
}
