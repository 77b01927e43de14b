//! Evidence portfolios: the reflective summaries, practice observations, manager's reports,
//! feedback, case studies, certificates and other evidence a social worker gathers for a
//! progression route, each tagged to PCF domains and KSS statements; and [`coverage`], which
//! sets a portfolio against what a route asks for.
//!
//! Evidence items are built once at the edge from [`EvidenceParts`] by [`EvidenceItem::new`],
//! which checks every field (tags against the national standards, authorisations against the
//! item's date); code holding an item may rely on it.

mod coverage;
mod files;

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::anonymise::AnonymisationStatus;
use crate::framework::{RoleId, WORKER_ROLE};
use crate::ids::{EvidenceId, WorkerId};
use crate::standards::Standards;
pub use crate::vocab::FeedbackSource;
use crate::workforce::{AwardKind, InvalidValue, Name, PersonName, parse_role};
pub use coverage::{
    Coverage, KssCoverage, Missing, MissingAuthorisation, MissingReason, NotCounted, PcfCoverage, RuleCoverage,
    Shortfall, Verdict, coverage,
};
pub use files::{
    FileRef, FileRefParts, FileRejected, FileSizeLimit, MAX_ARCHIVE_PARTS, MAX_UNPACKED_BYTES, MediaType,
    PROGRAM_SCAN_BYTES, Sha256Hex, check_archive, check_file, check_size, program_header, sniff_media_type,
};

// ---------------------------------------------------------------------------------------
// Kinds

/// The type of an evidence item, with the codes framework files use in `[[routes.evidence]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// A reflective summary of an area of practice.
    ReflectiveSummary,
    /// An observation of the worker's practice, by someone in a named role.
    PracticeObservation,
    /// A manager's report, often authorised by more senior managers.
    ManagerReport,
    /// Feedback from a child or young person, a family member or a colleague.
    Feedback,
    /// A case study.
    CaseStudy,
    /// A statement of learning.
    StatementOfLearning,
    /// A statement of application.
    StatementOfApplication,
    /// An audit of the worker's case files.
    CaseFileAudit,
    /// A certificate: PEPS, a postgraduate certificate, a PQ award.
    Certificate,
    /// Agreed portfolio work.
    PortfolioWork,
    /// The ASYE portfolio.
    AsyePortfolio,
    /// Anything else.
    Other,
}

impl EvidenceKind {
    /// Every kind, in the order the framework README lists them.
    pub const ALL: &'static [EvidenceKind] = &[
        EvidenceKind::ReflectiveSummary,
        EvidenceKind::PracticeObservation,
        EvidenceKind::ManagerReport,
        EvidenceKind::Feedback,
        EvidenceKind::CaseStudy,
        EvidenceKind::StatementOfLearning,
        EvidenceKind::StatementOfApplication,
        EvidenceKind::CaseFileAudit,
        EvidenceKind::Certificate,
        EvidenceKind::PortfolioWork,
        EvidenceKind::AsyePortfolio,
        EvidenceKind::Other,
    ];

    /// The code framework files use (`manager-report`).
    pub const fn code(self) -> &'static str {
        match self {
            EvidenceKind::ReflectiveSummary => "reflective-summary",
            EvidenceKind::PracticeObservation => "practice-observation",
            EvidenceKind::ManagerReport => "manager-report",
            EvidenceKind::Feedback => "feedback",
            EvidenceKind::CaseStudy => "case-study",
            EvidenceKind::StatementOfLearning => "statement-of-learning",
            EvidenceKind::StatementOfApplication => "statement-of-application",
            EvidenceKind::CaseFileAudit => "case-file-audit",
            EvidenceKind::Certificate => "certificate",
            EvidenceKind::PortfolioWork => "portfolio-work",
            EvidenceKind::AsyePortfolio => "asye-portfolio",
            EvidenceKind::Other => "other",
        }
    }

    /// The kind a framework file's code names.
    pub fn from_code(code: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.iter().copied().find(|k| k.code() == code.trim())
    }

    /// What a social worker calls one: "manager's report".
    pub const fn name(self) -> &'static str {
        self.noun(1)
    }

    /// The name for `n` of them: "reflective summary" / "reflective summaries".
    pub const fn noun(self, n: u32) -> &'static str {
        let one = n == 1;
        match self {
            EvidenceKind::ReflectiveSummary if one => "reflective summary",
            EvidenceKind::ReflectiveSummary => "reflective summaries",
            EvidenceKind::PracticeObservation if one => "practice observation",
            EvidenceKind::PracticeObservation => "practice observations",
            EvidenceKind::ManagerReport if one => "manager's report",
            EvidenceKind::ManagerReport => "manager's reports",
            EvidenceKind::Feedback if one => "example of feedback",
            EvidenceKind::Feedback => "examples of feedback",
            EvidenceKind::CaseStudy if one => "case study",
            EvidenceKind::CaseStudy => "case studies",
            EvidenceKind::StatementOfLearning if one => "statement of learning",
            EvidenceKind::StatementOfLearning => "statements of learning",
            EvidenceKind::StatementOfApplication if one => "statement of application",
            EvidenceKind::StatementOfApplication => "statements of application",
            EvidenceKind::CaseFileAudit if one => "case-file audit",
            EvidenceKind::CaseFileAudit => "case-file audits",
            EvidenceKind::Certificate if one => "certificate",
            EvidenceKind::Certificate => "certificates",
            EvidenceKind::PortfolioWork if one => "piece of portfolio work",
            EvidenceKind::PortfolioWork => "pieces of portfolio work",
            EvidenceKind::AsyePortfolio if one => "ASYE portfolio",
            EvidenceKind::AsyePortfolio => "ASYE portfolios",
            EvidenceKind::Other if one => "piece of evidence",
            EvidenceKind::Other => "pieces of evidence",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

// ---------------------------------------------------------------------------------------
// Who took part

/// Someone other than the worker whose work an item is: the observer of a practice
/// observation, the writer of a manager's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributor {
    /// Their role, as the framework names it (`team-manager`).
    pub role: RoleId,
    /// Their name.
    pub name: PersonName,
    /// Their workforce record, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<WorkerId>,
    /// Set when an administrator entered the item on their behalf (rather than the person
    /// recording it themselves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<EnteredBy>,
}

/// An administrator who entered someone else's evidence for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteredBy {
    /// The administrator's name.
    pub name: String,
    /// Their workforce record.
    pub worker: WorkerId,
    /// The day they entered it.
    pub on: NaiveDate,
}

impl Contributor {
    /// "Tom Reeves (team-manager)", or "entered by Ann Lee on behalf of Tom Reeves
    /// (team-manager)" when an administrator entered it.
    pub fn describe(&self) -> String {
        match &self.entered_by {
            Some(e) => format!("entered by {} on behalf of {} ({})", e.name, self.name, self.role),
            None => format!("{} ({})", self.name, self.role),
        }
    }
}

/// A manager's (or anyone's) authorisation of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    /// The role they authorised in (`head-of-service`).
    pub role: RoleId,
    /// Who authorised it.
    pub by: PersonName,
    /// When.
    pub on: NaiveDate,
    /// Their workforce record, when they have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<WorkerId>,
}

/// What is particular to each kind of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EvidenceDetail {
    /// A reflective summary.
    ReflectiveSummary,
    /// A practice observation, and who observed.
    PracticeObservation {
        /// The observer.
        observer: Contributor,
    },
    /// A manager's report, and who wrote it if recorded.
    ManagerReport {
        /// The manager who wrote it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        written_by: Option<Contributor>,
    },
    /// Feedback, and who gave it.
    Feedback {
        /// Who it is from.
        from: FeedbackSource,
    },
    /// A case study.
    CaseStudy,
    /// A statement of learning.
    StatementOfLearning,
    /// A statement of application.
    StatementOfApplication,
    /// A case-file audit.
    CaseFileAudit,
    /// A certificate, and what it certifies.
    Certificate {
        /// PEPS stage, postgraduate award, PQ award or other course.
        award: AwardKind,
    },
    /// Agreed portfolio work.
    PortfolioWork,
    /// The ASYE portfolio.
    AsyePortfolio,
    /// Anything else.
    Other,
}

impl EvidenceDetail {
    /// The kind of evidence.
    pub fn kind(&self) -> EvidenceKind {
        match self {
            EvidenceDetail::ReflectiveSummary => EvidenceKind::ReflectiveSummary,
            EvidenceDetail::PracticeObservation { .. } => EvidenceKind::PracticeObservation,
            EvidenceDetail::ManagerReport { .. } => EvidenceKind::ManagerReport,
            EvidenceDetail::Feedback { .. } => EvidenceKind::Feedback,
            EvidenceDetail::CaseStudy => EvidenceKind::CaseStudy,
            EvidenceDetail::StatementOfLearning => EvidenceKind::StatementOfLearning,
            EvidenceDetail::StatementOfApplication => EvidenceKind::StatementOfApplication,
            EvidenceDetail::CaseFileAudit => EvidenceKind::CaseFileAudit,
            EvidenceDetail::Certificate { .. } => EvidenceKind::Certificate,
            EvidenceDetail::PortfolioWork => EvidenceKind::PortfolioWork,
            EvidenceDetail::AsyePortfolio => EvidenceKind::AsyePortfolio,
            EvidenceDetail::Other => EvidenceKind::Other,
        }
    }

    /// The person whose work this is, when it is not the worker's own.
    pub fn by(&self) -> Option<&Contributor> {
        match self {
            EvidenceDetail::PracticeObservation { observer } => Some(observer),
            EvidenceDetail::ManagerReport { written_by } => written_by.as_ref(),
            _ => None,
        }
    }

    /// The person whose work this is, to change (fill in from records, mark as entered on
    /// their behalf).
    pub fn by_mut(&mut self) -> Option<&mut Contributor> {
        match self {
            EvidenceDetail::PracticeObservation { observer } => Some(observer),
            EvidenceDetail::ManagerReport { written_by } => written_by.as_mut(),
            _ => None,
        }
    }

    /// Who feedback is from.
    pub fn feedback_from(&self) -> Option<FeedbackSource> {
        match self {
            EvidenceDetail::Feedback { from } => Some(*from),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tags

/// A tag to one of the nine PCF domains, checked against the national standards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PcfTag {
    number: u32,
    id: String,
}

impl PcfTag {
    /// Parse `critical-reflection-and-analysis`, `pcf.6` or `6`.
    pub fn parse(text: &str) -> Result<PcfTag, InvalidValue> {
        let t = text.trim().to_lowercase();
        let key = if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() { format!("pcf.{t}") } else { t };
        Standards::bundled().pcf_domain(&key).map(|d| PcfTag { number: d.number, id: d.id.clone() }).ok_or_else(|| {
            InvalidValue::new(
                "PCF domain",
                text,
                "is not a PCF domain: use pcf.1 to pcf.9 or a domain id such as `critical-reflection-and-analysis`",
            )
        })
    }

    /// The domain's id (`knowledge`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The domain's number, 1 to 9.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// "PCF 6 Critical Reflection and Analysis".
    pub fn label(&self) -> String {
        let title = Standards::bundled().pcf_domain(&self.id).map(|d| d.title.as_str()).unwrap_or(self.id.as_str());
        format!("PCF {} {}", self.number, title)
    }
}

impl fmt::Display for PcfTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl Serialize for PcfTag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

impl<'de> Deserialize<'de> for PcfTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PcfTag, D::Error> {
        PcfTag::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A tag to one KSS statement (`cfp.7`), checked against the national standards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KssTag {
    set: String,
    number: u32,
}

impl KssTag {
    /// Parse `cfp.7` (set, dot, statement number).
    pub fn parse(text: &str) -> Result<KssTag, InvalidValue> {
        let t = text.trim().to_lowercase();
        let standards = Standards::bundled();
        if let Some((set, statement)) = standards.kss_statement(&t) {
            return Ok(KssTag { set: set.id.clone(), number: statement.number });
        }
        let sets: Vec<&str> = standards.kss.iter().map(|s| s.id.as_str()).collect();
        let reason = match t.split_once('.').and_then(|(set, _)| standards.kss_set(set)) {
            Some(set) => format!("is not a KSS statement: {} has statements 1 to {}", set.id, set.statements.len()),
            None => format!("is not a KSS statement: write the set and number, like cfp.7 (sets: {})", sets.join(", ")),
        };
        Err(InvalidValue::new("KSS statement", text, reason))
    }

    /// The statement set (`cfp`).
    pub fn set(&self) -> &str {
        &self.set
    }

    /// The statement's number in its set.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// "KSS cfp.7 Analysis, decision-making, planning and review" (the title as recorded).
    pub fn label(&self) -> String {
        let reference = self.to_string();
        match Standards::bundled().kss_statement(&reference) {
            Some((_, s)) => format!("KSS {reference} {}", s.title),
            None => format!("KSS {reference}"),
        }
    }
}

impl fmt::Display for KssTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.set, self.number)
    }
}

impl Serialize for KssTag {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KssTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KssTag, D::Error> {
        KssTag::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------
// Evidence items

/// Longest evidence text accepted, in characters (a long case study is about 60,000).
pub const MAX_TEXT_CHARS: usize = 100_000;
/// Most files one item may carry.
pub const MAX_FILES: usize = 20;
/// Words on a page, for estimating the length of text typed into Pathway.
pub const WORDS_PER_PAGE: usize = 500;

/// An evidence item as a form, the API or storage writes it, before checking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceParts {
    /// The item's id.
    pub id: EvidenceId,
    /// The worker whose portfolio holds it.
    pub owner: WorkerId,
    /// Its kind and what is particular to that kind.
    #[serde(flatten)]
    pub detail: EvidenceDetail,
    /// When the evidence is from (the observation, the report, the feedback).
    pub date: NaiveDate,
    /// Its title.
    pub title: String,
    /// Text typed or pasted into Pathway.
    #[serde(default)]
    pub text: Option<String>,
    /// Attached files.
    #[serde(default)]
    pub files: Vec<FileRef>,
    /// Length in pages, where known.
    #[serde(default)]
    pub pages: Option<u32>,
    /// Authorisations given.
    #[serde(default)]
    pub authorisations: Vec<Authorisation>,
    /// PCF domains it evidences (`knowledge`, `pcf.6`).
    #[serde(default)]
    pub pcf: Vec<String>,
    /// KSS statements it evidences (`cfp.7`).
    #[serde(default)]
    pub kss: Vec<String>,
    /// The PCF level it is written against (`experienced-social-worker`), where stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcf_level: Option<String>,
    /// Where its anonymisation check stands.
    #[serde(default)]
    pub anonymisation: AnonymisationStatus,
}

/// Everything wrong with an item's parts, so a form can show every error at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidEvidence {
    /// One entry per problem.
    pub problems: Vec<InvalidValue>,
}

/// One checked piece of evidence in a worker's portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EvidenceParts", into = "EvidenceParts")]
pub struct EvidenceItem {
    id: EvidenceId,
    owner: WorkerId,
    detail: EvidenceDetail,
    date: NaiveDate,
    title: Name,
    text: Option<String>,
    files: Vec<FileRef>,
    pages: Option<u32>,
    authorisations: Vec<Authorisation>,
    pcf: BTreeSet<PcfTag>,
    kss: BTreeSet<KssTag>,
    pcf_level: Option<String>,
    anonymisation: AnonymisationStatus,
}

impl TryFrom<EvidenceParts> for EvidenceItem {
    type Error = InvalidEvidence;
    fn try_from(parts: EvidenceParts) -> Result<EvidenceItem, InvalidEvidence> {
        EvidenceItem::new(parts)
    }
}

impl From<EvidenceItem> for EvidenceParts {
    fn from(item: EvidenceItem) -> EvidenceParts {
        item.into_parts()
    }
}

fn check_text(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(format!("is longer than {MAX_TEXT_CHARS} characters: attach it as a file instead"));
    }
    if t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
        return Err("contains control characters".into());
    }
    Ok(t.to_owned())
}

fn check_role(field: &'static str, role: &RoleId, problems: &mut Vec<InvalidValue>) {
    if let Err(e) = parse_role(role.as_str()) {
        problems.push(InvalidValue { field, ..e });
    } else if role.as_str() == WORKER_ROLE {
        problems.push(InvalidValue::new(field, role.as_str(), "must be someone other than the worker"));
    }
}

impl EvidenceItem {
    /// Check every field of `parts` and build the item, or say everything that is wrong.
    pub fn new(parts: EvidenceParts) -> Result<EvidenceItem, InvalidEvidence> {
        let mut problems = Vec::new();
        let title = Name::parse(&parts.title).map_err(|e| InvalidValue { field: "title", ..e });
        let text = match parts.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => match check_text(t) {
                Ok(t) => Some(t),
                Err(reason) => {
                    problems.push(InvalidValue::new("text", t.chars().take(40).collect::<String>(), reason));
                    None
                }
            },
        };
        if text.is_none() && parts.files.is_empty() {
            problems.push(InvalidValue::new("text", "", "write the evidence or attach a file"));
        }
        if parts.files.len() > MAX_FILES {
            problems.push(InvalidValue::new(
                "files",
                parts.files.len().to_string(),
                format!("at most {MAX_FILES} files per item"),
            ));
        }
        let mut seen = BTreeSet::new();
        for f in &parts.files {
            if !seen.insert(f.sha256()) {
                problems.push(InvalidValue::new("files", f.original_name(), "is attached twice"));
            }
        }
        if parts.pages == Some(0) {
            problems.push(InvalidValue::new("pages", "0", "must be at least 1, or left out when not known"));
        }
        if let Some(by) = parts.detail.by() {
            check_role(
                if parts.detail.kind() == EvidenceKind::PracticeObservation {
                    "observer's role"
                } else {
                    "writer's role"
                },
                &by.role,
                &mut problems,
            );
        }
        let mut roles = BTreeSet::new();
        for a in &parts.authorisations {
            check_role("authorising role", &a.role, &mut problems);
            if !roles.insert(&a.role) {
                problems.push(InvalidValue::new("authorising role", a.role.as_str(), "has authorised this item twice"));
            }
            if a.on < parts.date {
                problems.push(InvalidValue::new(
                    "authorisation date",
                    a.on.to_string(),
                    format!("is before the item's own date ({})", parts.date),
                ));
            }
        }
        let pcf: BTreeSet<PcfTag> =
            parts.pcf.iter().filter_map(|t| PcfTag::parse(t).map_err(|e| problems.push(e)).ok()).collect();
        let kss: BTreeSet<KssTag> =
            parts.kss.iter().filter_map(|t| KssTag::parse(t).map_err(|e| problems.push(e)).ok()).collect();
        let pcf_level = match parts.pcf_level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => match Standards::bundled().pcf_level(&l.to_lowercase()) {
                Some(level) => Some(level.id.clone()),
                None => {
                    let known: Vec<&str> = Standards::bundled().pcf.levels.iter().map(|l| l.id.as_str()).collect();
                    problems.push(InvalidValue::new(
                        "PCF level",
                        l,
                        format!("is not a PCF level: use one of {}", known.join(", ")),
                    ));
                    None
                }
            },
        };
        let title = match title {
            Ok(t) => t,
            Err(e) => {
                problems.insert(0, e);
                return Err(InvalidEvidence { problems });
            }
        };
        if !problems.is_empty() {
            return Err(InvalidEvidence { problems });
        }
        Ok(EvidenceItem {
            id: parts.id,
            owner: parts.owner,
            detail: parts.detail,
            date: parts.date,
            title,
            text,
            files: parts.files,
            pages: parts.pages,
            authorisations: parts.authorisations,
            pcf,
            kss,
            pcf_level,
            anonymisation: parts.anonymisation,
        })
    }

    /// A new version of this item from edited parts. If the title, text or files changed,
    /// the anonymisation check no longer applies and goes back to "not checked".
    pub fn revise(&self, mut parts: EvidenceParts) -> Result<EvidenceItem, InvalidEvidence> {
        let text = parts.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if parts.title.trim() != self.title.as_str() || text != self.text.as_deref() || parts.files != self.files {
            parts.anonymisation = AnonymisationStatus::NotChecked;
        }
        EvidenceItem::new(parts)
    }

    /// What the anonymisation check reads: the title on line 1, a blank line, then the
    /// text. (Attached files are the author's to check; the core does not read them.)
    pub fn anonymisation_text(&self) -> String {
        match &self.text {
            Some(text) => format!("{}\n\n{text}", self.title),
            None => self.title.as_str().to_owned(),
        }
    }

    /// The item as plain parts, for storage or the API.
    pub fn into_parts(self) -> EvidenceParts {
        EvidenceParts {
            id: self.id,
            owner: self.owner,
            detail: self.detail,
            date: self.date,
            title: self.title.as_str().to_owned(),
            text: self.text,
            files: self.files,
            pages: self.pages,
            authorisations: self.authorisations,
            pcf: self.pcf.iter().map(|t| t.id.clone()).collect(),
            kss: self.kss.iter().map(ToString::to_string).collect(),
            pcf_level: self.pcf_level,
            anonymisation: self.anonymisation,
        }
    }

    /// Record the outcome of an anonymisation review (see [`crate::anonymise::review`]).
    pub fn set_anonymisation(&mut self, status: AnonymisationStatus) {
        self.anonymisation = status;
    }

    /// The item's id.
    pub fn id(&self) -> EvidenceId {
        self.id
    }

    /// The worker whose portfolio holds it.
    pub fn owner(&self) -> WorkerId {
        self.owner
    }

    /// Its kind.
    pub fn kind(&self) -> EvidenceKind {
        self.detail.kind()
    }

    /// What is particular to its kind.
    pub fn detail(&self) -> &EvidenceDetail {
        &self.detail
    }

    /// When the evidence is from.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Its title.
    pub fn title(&self) -> &str {
        self.title.as_str()
    }

    /// Its text, if typed into Pathway.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Attached files.
    pub fn files(&self) -> &[FileRef] {
        &self.files
    }

    /// Length in pages, as recorded.
    pub fn pages(&self) -> Option<u32> {
        self.pages
    }

    /// Length in pages: as recorded, or for text-only items estimated at
    /// [`WORDS_PER_PAGE`] words a page (the flag says it is an estimate).
    pub fn page_count(&self) -> Option<(u32, bool)> {
        if let Some(p) = self.pages {
            return Some((p, false));
        }
        match (&self.text, self.files.is_empty()) {
            (Some(text), true) => {
                let words = text.split_whitespace().count();
                Some((u32::try_from(words.div_ceil(WORDS_PER_PAGE).max(1)).unwrap_or(u32::MAX), true))
            }
            _ => None,
        }
    }

    /// Authorisations given.
    pub fn authorisations(&self) -> &[Authorisation] {
        &self.authorisations
    }

    /// PCF domains it is tagged to, in domain order.
    pub fn pcf(&self) -> &BTreeSet<PcfTag> {
        &self.pcf
    }

    /// KSS statements it is tagged to.
    pub fn kss(&self) -> &BTreeSet<KssTag> {
        &self.kss
    }

    /// The PCF level it is written against (`experienced-social-worker`), where stated.
    pub fn pcf_level(&self) -> Option<&str> {
        self.pcf_level.as_deref()
    }

    /// Where its anonymisation check stands.
    pub fn anonymisation(&self) -> AnonymisationStatus {
        self.anonymisation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> EvidenceParts {
        EvidenceParts {
            id: EvidenceId::new(1),
            owner: WorkerId::new(7),
            detail: EvidenceDetail::ReflectiveSummary,
            date: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            title: "Working with Child A's school".into(),
            text: Some("I reflected on...".into()),
            files: Vec::new(),
            pages: None,
            authorisations: Vec::new(),
            pcf: vec!["pcf.6".into(), "knowledge".into()],
            kss: vec!["cfp.7".into()],
            pcf_level: None,
            anonymisation: AnonymisationStatus::NotChecked,
        }
    }

    #[test]
    fn evidence_kinds_match_the_framework_format() {
        let codes: Vec<&str> = EvidenceKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, crate::framework::EVIDENCE_KINDS);
    }

    #[test]
    fn tags_are_normalised_and_unknown_tags_refused() {
        let item = EvidenceItem::new(parts()).unwrap();
        let pcf: Vec<&str> = item.pcf().iter().map(PcfTag::id).collect();
        assert_eq!(pcf, ["knowledge", "critical-reflection-and-analysis"]);
        assert_eq!(PcfTag::parse("6").unwrap().label(), "PCF 6 Critical Reflection and Analysis");

        let err =
            EvidenceItem::new(EvidenceParts { pcf: vec!["pcf.10".into()], kss: vec!["cfp.11".into()], ..parts() })
                .unwrap_err();
        assert_eq!(err.problems.len(), 2);
        assert!(err.to_string().contains("PCF domain `pcf.10`: is not a PCF domain"), "{err}");
        assert!(err.to_string().contains("cfp has statements 1 to 10"), "{err}");
    }

    #[test]
    fn an_item_needs_text_or_a_file_and_sane_authorisations() {
        let err = EvidenceItem::new(EvidenceParts {
            text: Some("  ".into()),
            authorisations: vec![Authorisation {
                role: "head-of-service".into(),
                by: PersonName::parse("Dawn Ellis").unwrap(),
                on: NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
                worker: None,
            }],
            ..parts()
        })
        .unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["text", "authorisation date"]);
    }

    #[test]
    fn parts_round_trip_through_json() {
        let item = EvidenceItem::new(EvidenceParts {
            detail: EvidenceDetail::PracticeObservation {
                observer: Contributor {
                    role: "team-manager".into(),
                    name: PersonName::parse("Sam Okafor").unwrap(),
                    worker: None,
                    entered_by: None,
                },
            },
            ..parts()
        })
        .unwrap();
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["kind"], "practice-observation");
        assert_eq!(json["observer"]["role"], "team-manager");
        let back: EvidenceItem = serde_json::from_value(json).unwrap();
        assert_eq!(back, item);
    }

    #[test]
    fn editing_the_text_resets_the_anonymisation_check() {
        let on = NaiveDate::from_ymd_opt(2025, 3, 2).unwrap();
        let item =
            EvidenceItem::new(EvidenceParts { anonymisation: AnonymisationStatus::Cleared { on }, ..parts() }).unwrap();
        let paged = item.revise(EvidenceParts { pages: Some(2), ..item.clone().into_parts() }).unwrap();
        assert!(paged.anonymisation().is_cleared());
        let retitled = item.revise(EvidenceParts { title: "Jayden".into(), ..item.clone().into_parts() }).unwrap();
        assert_eq!(retitled.anonymisation(), AnonymisationStatus::NotChecked);
        let edited =
            item.revise(EvidenceParts { text: Some("Jayden said...".into()), ..item.clone().into_parts() }).unwrap();
        assert_eq!(edited.anonymisation(), AnonymisationStatus::NotChecked);
    }
}
