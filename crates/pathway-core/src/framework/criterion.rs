//! Criteria: what a level requires and what a route asks of whoever uses it.
//!
//! A criterion's kind decides which figures it carries (a `time-in-level` criterion has its
//! `months`, a `peps-stage` one its `stage`), so the test is an enum whose variants hold
//! exactly their own data. Code that judges a criterion never meets a missing figure, and a
//! new kind is a change the compiler walks you through.
//!
//! The file keeps its flat shape (`kind = "time-in-level"` beside `months = 24`). The reader
//! below is written by hand so that a figure missing for its kind, or a field that belongs to
//! another kind, is reported like any other shape error: with the field's name, at the line
//! where the file writes it (or, for something missing, where the criterion starts).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::standards::StandardSet;
use crate::vocab::{AcademicLevel, AwardKind, EmploymentType};

/// A condition someone must (or should) meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// What is tested, with the figures the test needs.
    #[serde(flatten)]
    pub test: CriterionTest,
    /// Essential criteria block; desirable ones never do.
    pub essential: bool,
    /// Whether being "committed to completing" counts as meeting it.
    pub committed_counts: bool,
    /// The criterion in the document's words.
    pub text: String,
    /// Where in the source this comes from.
    pub source: Option<String>,
}

impl Criterion {
    /// The kind of test, without its figures.
    pub fn kind(&self) -> CriterionKind {
        self.test.kind()
    }
}

/// What a criterion tests, carrying the figures that kind of test needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CriterionTest {
    /// A social work qualification (degree, masters or equivalent).
    Qualification {
        /// Qualifications the document names; empty means any social work qualification.
        names: Vec<String>,
    },
    /// Current registration with the regulator of the day: Social Work England, or the HCPC
    /// for dates before 2 December 2019.
    Registration,
    /// Employed on one of these terms (permanent, fixed-term, agency, secondment).
    EmploymentType {
        /// The terms that count.
        types: Vec<EmploymentType>,
    },
    /// At least this long since qualifying.
    PostQualifyingYears {
        /// Whole years since the qualification date.
        years: u32,
    },
    /// At least this long in the current level.
    TimeInLevel {
        /// Calendar months since starting at the level.
        months: u32,
    },
    /// ASYE passed, or an accepted equivalent.
    AsyePassed {
        /// Equivalents that count, e.g. `nqsw-portfolio-pre-2013`.
        accepts: Vec<String>,
        /// For external applicants: the rule binds only those at most this many years
        /// post-qualifying; absent when the document sets no such limit.
        #[serde(rename = "years", skip_serializing_if = "Option::is_none")]
        up_to_years: Option<u32>,
    },
    /// A post-qualifying award.
    PqAward {
        /// Awards the document names; empty means any post-qualifying award.
        names: Vec<String>,
        /// The lowest FHEQ level the award must be recorded at, if the document says.
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<AcademicLevel>,
        /// The recorded kinds that count (`postgraduate-certificate`...); empty means any.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        awards: Vec<AwardKind>,
    },
    /// Practice Educator Professional Standards at this stage or higher.
    PepsStage {
        /// 1 or 2 (the loader refuses anything else).
        stage: u32,
    },
    /// A postgraduate certificate, diploma or masters.
    PostgraduateAward {
        /// Awards the document names; empty means any postgraduate award.
        names: Vec<String>,
        /// The lowest FHEQ level the award must be recorded at, if the document says.
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<AcademicLevel>,
        /// The recorded kinds that count (`postgraduate-certificate`...); empty means any.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        awards: Vec<AwardKind>,
    },
    /// A named course or award.
    Course {
        /// The names it goes by; any one recorded counts.
        names: Vec<String>,
        /// The lowest FHEQ level the course must be recorded at, if the document says.
        #[serde(skip_serializing_if = "Option::is_none")]
        level: Option<AcademicLevel>,
        /// The recorded kinds that count; empty means a course recorded under any kind.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        awards: Vec<AwardKind>,
    },
    /// At least this many academic credits at this FHEQ level or above ("15 credits at
    /// Master's level"), counted from recorded awards.
    AcademicCredits {
        /// Credits needed.
        credits: u32,
        /// The FHEQ level they must be at (7 for Master's level) or above.
        level: AcademicLevel,
    },
    /// The worker's line manager has recorded an endorsement.
    ManagerEndorsement,
    /// The worker has raised their intent to progress in supervision, as recorded.
    SupervisionIntent,
    /// A recorded assessment says the worker meets this standard set.
    StandardAssessed {
        /// `kss.ps`, `pcf.experienced-social-worker`...
        standard: StandardSet,
    },
    /// An accreditation or endorsement from outside, such as national assessment and
    /// accreditation (NAAS).
    Accreditation {
        /// The accreditations that count; empty means any recorded accreditation.
        names: Vec<String>,
    },
    /// Experience the document states only in words ("significant post-qualifying
    /// experience"): a manager judges it, and the explanation quotes the document.
    StatedExperience,
    /// The appraisal (PDR) says an application is appropriate.
    AppraisalRecommends,
    /// Probation completed.
    ProbationComplete,
    /// A vacancy exists (vacancy-led routes).
    Vacancy,
    /// Any one of the options is enough.
    AnyOf {
        /// The alternatives, two or more.
        options: Vec<Criterion>,
    },
    /// Anything else; needs a person's judgement and is shown as such.
    Other,
}

impl CriterionTest {
    /// The kind of test, without its figures.
    pub fn kind(&self) -> CriterionKind {
        match self {
            CriterionTest::Qualification { .. } => CriterionKind::Qualification,
            CriterionTest::Registration => CriterionKind::Registration,
            CriterionTest::EmploymentType { .. } => CriterionKind::EmploymentType,
            CriterionTest::PostQualifyingYears { .. } => CriterionKind::PostQualifyingYears,
            CriterionTest::TimeInLevel { .. } => CriterionKind::TimeInLevel,
            CriterionTest::AsyePassed { .. } => CriterionKind::AsyePassed,
            CriterionTest::PqAward { .. } => CriterionKind::PqAward,
            CriterionTest::PepsStage { .. } => CriterionKind::PepsStage,
            CriterionTest::PostgraduateAward { .. } => CriterionKind::PostgraduateAward,
            CriterionTest::Course { .. } => CriterionKind::Course,
            CriterionTest::AcademicCredits { .. } => CriterionKind::AcademicCredits,
            CriterionTest::ManagerEndorsement => CriterionKind::ManagerEndorsement,
            CriterionTest::SupervisionIntent => CriterionKind::SupervisionIntent,
            CriterionTest::StandardAssessed { .. } => CriterionKind::StandardAssessed,
            CriterionTest::Accreditation { .. } => CriterionKind::Accreditation,
            CriterionTest::StatedExperience => CriterionKind::StatedExperience,
            CriterionTest::AppraisalRecommends => CriterionKind::AppraisalRecommends,
            CriterionTest::ProbationComplete => CriterionKind::ProbationComplete,
            CriterionTest::Vacancy => CriterionKind::Vacancy,
            CriterionTest::AnyOf { .. } => CriterionKind::AnyOf,
            CriterionTest::Other => CriterionKind::Other,
        }
    }
}

/// The kinds of test, without their figures: the `kind` a file writes, and what eligibility
/// results report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    /// A social work qualification.
    Qualification,
    /// Current registration with the regulator (Social Work England; HCPC before 2 December 2019).
    Registration,
    /// Employed on one of `types`.
    EmploymentType,
    /// At least `years` since qualifying.
    PostQualifyingYears,
    /// At least `months` in the current level.
    TimeInLevel,
    /// ASYE passed (or an accepted equivalent listed in `accepts`).
    AsyePassed,
    /// A post-qualifying award.
    PqAward,
    /// Practice Educator Professional Standards stage `stage`.
    PepsStage,
    /// A postgraduate certificate, diploma or masters.
    PostgraduateAward,
    /// A named course or award.
    Course,
    /// `credits` academic credits at FHEQ `level` or above.
    AcademicCredits,
    /// An endorsement recorded by the worker's line manager.
    ManagerEndorsement,
    /// An intent to progress raised in supervision.
    SupervisionIntent,
    /// A recorded assessment against the `standard` set.
    StandardAssessed,
    /// An accreditation (NAAS...).
    Accreditation,
    /// Experience stated only in words; a manager's judgement.
    StatedExperience,
    /// The appraisal (PDR) says an application is appropriate.
    AppraisalRecommends,
    /// Probation completed.
    ProbationComplete,
    /// A vacancy exists.
    Vacancy,
    /// Any one of `options` is enough.
    AnyOf,
    /// Anything else.
    Other,
}

impl CriterionKind {
    /// Every kind, for recognising the messages this module writes.
    const ALL: [CriterionKind; 21] = [
        CriterionKind::Qualification,
        CriterionKind::Registration,
        CriterionKind::EmploymentType,
        CriterionKind::PostQualifyingYears,
        CriterionKind::TimeInLevel,
        CriterionKind::AsyePassed,
        CriterionKind::PqAward,
        CriterionKind::PepsStage,
        CriterionKind::PostgraduateAward,
        CriterionKind::Course,
        CriterionKind::AcademicCredits,
        CriterionKind::ManagerEndorsement,
        CriterionKind::SupervisionIntent,
        CriterionKind::StandardAssessed,
        CriterionKind::Accreditation,
        CriterionKind::StatedExperience,
        CriterionKind::AppraisalRecommends,
        CriterionKind::ProbationComplete,
        CriterionKind::Vacancy,
        CriterionKind::AnyOf,
        CriterionKind::Other,
    ];

    /// The kind a framework file writes as `text` (`time-in-level`), if there is one.
    pub fn parse(text: &str) -> Option<CriterionKind> {
        CriterionKind::ALL.into_iter().find(|k| k.as_str() == text.trim())
    }

    /// The kind as a framework file writes it: `time-in-level`.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionKind::Qualification => "qualification",
            CriterionKind::Registration => "registration",
            CriterionKind::EmploymentType => "employment-type",
            CriterionKind::PostQualifyingYears => "post-qualifying-years",
            CriterionKind::TimeInLevel => "time-in-level",
            CriterionKind::AsyePassed => "asye-passed",
            CriterionKind::PqAward => "pq-award",
            CriterionKind::PepsStage => "peps-stage",
            CriterionKind::PostgraduateAward => "postgraduate-award",
            CriterionKind::Course => "course",
            CriterionKind::AcademicCredits => "academic-credits",
            CriterionKind::ManagerEndorsement => "manager-endorsement",
            CriterionKind::SupervisionIntent => "supervision-intent",
            CriterionKind::StandardAssessed => "standard-assessed",
            CriterionKind::Accreditation => "accreditation",
            CriterionKind::StatedExperience => "stated-experience",
            CriterionKind::AppraisalRecommends => "appraisal-recommends",
            CriterionKind::ProbationComplete => "probation-complete",
            CriterionKind::Vacancy => "vacancy",
            CriterionKind::AnyOf => "any-of",
            CriterionKind::Other => "other",
        }
    }

    /// The fields this kind takes besides the common ones, as the file writes them.
    fn own_fields(self) -> &'static [Field] {
        match self {
            CriterionKind::Qualification | CriterionKind::Accreditation => &[Field::Names],
            CriterionKind::PqAward | CriterionKind::PostgraduateAward | CriterionKind::Course => {
                &[Field::Names, Field::Level, Field::Awards]
            }
            CriterionKind::EmploymentType => &[Field::Types],
            CriterionKind::AcademicCredits => &[Field::Credits, Field::Level],
            CriterionKind::StandardAssessed => &[Field::Standard],
            CriterionKind::PostQualifyingYears => &[Field::Years],
            CriterionKind::TimeInLevel => &[Field::Months],
            CriterionKind::AsyePassed => &[Field::Accepts, Field::Years],
            CriterionKind::PepsStage => &[Field::Stage],
            CriterionKind::AnyOf => &[Field::Options],
            CriterionKind::Registration
            | CriterionKind::ManagerEndorsement
            | CriterionKind::SupervisionIntent
            | CriterionKind::StatedExperience
            | CriterionKind::AppraisalRecommends
            | CriterionKind::ProbationComplete
            | CriterionKind::Vacancy
            | CriterionKind::Other => &[],
        }
    }

    fn takes(self, field: Field) -> bool {
        field.is_common() || self.own_fields().contains(&field)
    }
}

impl fmt::Display for CriterionKind {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        out.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------
// Reading a criterion from a file

/// Every field a criterion table may have, whatever its kind.
const FIELDS: &[&str] = &[
    "kind",
    "essential",
    "committed_counts",
    "text",
    "source",
    "years",
    "months",
    "stage",
    "names",
    "accepts",
    "options",
    "types",
    "standard",
    "credits",
    "level",
    "awards",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Kind,
    Essential,
    CommittedCounts,
    Text,
    Source,
    Years,
    Months,
    Stage,
    Names,
    Accepts,
    Options,
    Types,
    Standard,
    Credits,
    Level,
    Awards,
}

impl Field {
    const ALL: [Field; 16] = [
        Field::Kind,
        Field::Essential,
        Field::CommittedCounts,
        Field::Text,
        Field::Source,
        Field::Years,
        Field::Months,
        Field::Stage,
        Field::Names,
        Field::Accepts,
        Field::Options,
        Field::Types,
        Field::Standard,
        Field::Credits,
        Field::Level,
        Field::Awards,
    ];

    fn name(self) -> &'static str {
        match self {
            Field::Kind => "kind",
            Field::Essential => "essential",
            Field::CommittedCounts => "committed_counts",
            Field::Text => "text",
            Field::Source => "source",
            Field::Years => "years",
            Field::Months => "months",
            Field::Stage => "stage",
            Field::Names => "names",
            Field::Accepts => "accepts",
            Field::Options => "options",
            Field::Types => "types",
            Field::Standard => "standard",
            Field::Credits => "credits",
            Field::Level => "level",
            Field::Awards => "awards",
        }
    }

    fn is_common(self) -> bool {
        matches!(self, Field::Kind | Field::Essential | Field::CommittedCounts | Field::Text | Field::Source)
    }
}

/// The message for a field written on a kind that does not take it. The loader gives it the
/// diagnostic code `misplaced-field` (see [`shape_problem`]).
fn misplaced(kind: CriterionKind, field: Field) -> String {
    let takes = match kind.own_fields() {
        [] => String::new(),
        own => {
            let names: Vec<String> = own.iter().map(|f| format!("`{}`", f.name())).collect();
            format!(", which takes {}", names.join(" and "))
        }
    };
    format!("`{}` does not apply to a `{kind}` criterion{takes}", field.name())
}

/// The message for a figure the kind cannot do without; the loader gives it the code
/// `incomplete-criterion`.
fn incomplete(kind: CriterionKind, field: Field) -> String {
    format!("a `{kind}` criterion needs `{}`", field.name())
}

/// The diagnostic code and hint for a criterion shape message this module wrote, so the
/// loader can tell them from serde's own messages.
pub(super) fn shape_problem(message: &str) -> Option<(&'static str, &'static str)> {
    let written_here = |make: fn(CriterionKind, Field) -> String| {
        CriterionKind::ALL.iter().any(|kind| Field::ALL.iter().any(|field| make(*kind, *field) == message))
    };
    if written_here(incomplete) {
        Some(("incomplete-criterion", "see frameworks/README.md, \"Criteria\""))
    } else if written_here(misplaced) {
        Some((
            "misplaced-field",
            "remove the field or change `kind`; frameworks/README.md, \"Criteria\", lists each kind's fields",
        ))
    } else {
        None
    }
}

/// Reads a field name. Once `kind` has been read (files write it first), a field the kind
/// does not take is refused here, so the error points at that field's own line.
struct FieldSeed {
    kind: Option<CriterionKind>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;

    fn expecting(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        out.write_str("a criterion field")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
        let Some(field) = Field::ALL.into_iter().find(|f| f.name() == name) else {
            return Err(E::unknown_field(name, FIELDS));
        };
        match self.kind {
            Some(kind) if !kind.takes(field) => Err(E::custom(misplaced(kind, field))),
            _ => Ok(field),
        }
    }
}

/// The fields of one criterion table as read, before the kind turns them into a test.
#[derive(Default)]
struct Written {
    kind: Option<CriterionKind>,
    essential: Option<bool>,
    committed_counts: Option<bool>,
    text: Option<String>,
    /// `null` in JSON, as written out, is no source.
    source: Option<Option<String>>,
    years: Option<u32>,
    months: Option<u32>,
    stage: Option<u32>,
    names: Option<Vec<String>>,
    accepts: Option<Vec<String>>,
    options: Option<Vec<Criterion>>,
    types: Option<Vec<EmploymentType>>,
    standard: Option<StandardSet>,
    credits: Option<u32>,
    level: Option<AcademicLevel>,
    awards: Option<Vec<AwardKind>>,
}

fn put<T, E: de::Error>(slot: &mut Option<T>, value: T, field: Field) -> Result<(), E> {
    match slot {
        Some(_) => Err(E::duplicate_field(field.name())),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

impl Written {
    fn present(&self, field: Field) -> bool {
        match field {
            Field::Kind => self.kind.is_some(),
            Field::Essential => self.essential.is_some(),
            Field::CommittedCounts => self.committed_counts.is_some(),
            Field::Text => self.text.is_some(),
            Field::Source => self.source.is_some(),
            Field::Years => self.years.is_some(),
            Field::Months => self.months.is_some(),
            Field::Stage => self.stage.is_some(),
            Field::Names => self.names.is_some(),
            Field::Accepts => self.accepts.is_some(),
            Field::Options => self.options.is_some(),
            Field::Types => self.types.is_some(),
            Field::Standard => self.standard.is_some(),
            Field::Credits => self.credits.is_some(),
            Field::Level => self.level.is_some(),
            Field::Awards => self.awards.is_some(),
        }
    }

    fn into_criterion<E: de::Error>(self) -> Result<Criterion, E> {
        let kind = self.kind.ok_or_else(|| E::missing_field("kind"))?;
        // Fields written before `kind` could not be checked as they were read.
        if let Some(field) = Field::ALL.into_iter().find(|f| self.present(*f) && !kind.takes(*f)) {
            return Err(E::custom(misplaced(kind, field)));
        }
        let needs = |value: Option<u32>, field: Field| value.ok_or_else(|| E::custom(incomplete(kind, field)));
        // An absent list of names or equivalents is the file's way of saying "none named".
        let names = self.names.unwrap_or_default();
        let awards = self.awards.unwrap_or_default();
        let test = match kind {
            CriterionKind::Qualification => CriterionTest::Qualification { names },
            CriterionKind::Registration => CriterionTest::Registration,
            CriterionKind::EmploymentType => CriterionTest::EmploymentType {
                types: self.types.filter(|t| !t.is_empty()).ok_or_else(|| E::custom(incomplete(kind, Field::Types)))?,
            },
            CriterionKind::PostQualifyingYears => {
                CriterionTest::PostQualifyingYears { years: needs(self.years, Field::Years)? }
            }
            CriterionKind::TimeInLevel => CriterionTest::TimeInLevel { months: needs(self.months, Field::Months)? },
            CriterionKind::AsyePassed => {
                CriterionTest::AsyePassed { accepts: self.accepts.unwrap_or_default(), up_to_years: self.years }
            }
            CriterionKind::PqAward => CriterionTest::PqAward { names, level: self.level, awards },
            CriterionKind::PepsStage => CriterionTest::PepsStage { stage: needs(self.stage, Field::Stage)? },
            CriterionKind::PostgraduateAward => CriterionTest::PostgraduateAward { names, level: self.level, awards },
            CriterionKind::Course => CriterionTest::Course { names, level: self.level, awards },
            CriterionKind::AcademicCredits => CriterionTest::AcademicCredits {
                credits: needs(self.credits, Field::Credits)?,
                level: self.level.ok_or_else(|| E::custom(incomplete(kind, Field::Level)))?,
            },
            CriterionKind::ManagerEndorsement => CriterionTest::ManagerEndorsement,
            CriterionKind::SupervisionIntent => CriterionTest::SupervisionIntent,
            CriterionKind::StandardAssessed => CriterionTest::StandardAssessed {
                standard: self.standard.ok_or_else(|| E::custom(incomplete(kind, Field::Standard)))?,
            },
            CriterionKind::Accreditation => CriterionTest::Accreditation { names },
            CriterionKind::StatedExperience => CriterionTest::StatedExperience,
            CriterionKind::AppraisalRecommends => CriterionTest::AppraisalRecommends,
            CriterionKind::ProbationComplete => CriterionTest::ProbationComplete,
            CriterionKind::Vacancy => CriterionTest::Vacancy,
            CriterionKind::AnyOf => CriterionTest::AnyOf {
                options: self.options.ok_or_else(|| E::custom(incomplete(kind, Field::Options)))?,
            },
            CriterionKind::Other => CriterionTest::Other,
        };
        Ok(Criterion {
            test,
            essential: self.essential.unwrap_or(true),
            committed_counts: self.committed_counts.unwrap_or(false),
            text: self.text.ok_or_else(|| E::missing_field("text"))?,
            source: self.source.flatten(),
        })
    }
}

struct CriterionVisitor;

impl<'de> Visitor<'de> for CriterionVisitor {
    type Value = Criterion;

    fn expecting(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        out.write_str("a criterion: a table with `kind` and `text`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Criterion, A::Error> {
        let mut written = Written::default();
        while let Some(field) = map.next_key_seed(FieldSeed { kind: written.kind })? {
            match field {
                Field::Kind => put(&mut written.kind, map.next_value()?, field)?,
                Field::Essential => put(&mut written.essential, map.next_value()?, field)?,
                Field::CommittedCounts => put(&mut written.committed_counts, map.next_value()?, field)?,
                Field::Text => put(&mut written.text, map.next_value()?, field)?,
                Field::Source => put(&mut written.source, map.next_value()?, field)?,
                Field::Years => put(&mut written.years, map.next_value()?, field)?,
                Field::Months => put(&mut written.months, map.next_value()?, field)?,
                Field::Stage => put(&mut written.stage, map.next_value()?, field)?,
                Field::Names => put(&mut written.names, map.next_value()?, field)?,
                Field::Accepts => put(&mut written.accepts, map.next_value()?, field)?,
                Field::Options => put(&mut written.options, map.next_value()?, field)?,
                Field::Types => put(&mut written.types, map.next_value()?, field)?,
                Field::Standard => put(&mut written.standard, map.next_value()?, field)?,
                Field::Credits => put(&mut written.credits, map.next_value()?, field)?,
                Field::Level => put(&mut written.level, map.next_value()?, field)?,
                Field::Awards => put(&mut written.awards, map.next_value()?, field)?,
            }
        }
        written.into_criterion()
    }
}

impl<'de> Deserialize<'de> for Criterion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Criterion, D::Error> {
        deserializer.deserialize_struct("Criterion", FIELDS, CriterionVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Criterion, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn each_kind_reads_into_its_own_variant_with_its_figures() {
        let c = read("kind = \"time-in-level\"\nmonths = 24\ntext = \"two years in role\"").unwrap();
        assert_eq!(c.test, CriterionTest::TimeInLevel { months: 24 });
        assert!(c.essential, "essential unless the file says otherwise");
        let c = read("kind = \"asye-passed\"\naccepts = [\"nqsw-portfolio-pre-2013\"]\ntext = \"ASYE\"").unwrap();
        assert_eq!(
            c.test,
            CriterionTest::AsyePassed { accepts: vec!["nqsw-portfolio-pre-2013".into()], up_to_years: None }
        );
        let c = read("kind = \"registration\"\nessential = false\ntext = \"SWE\"").unwrap();
        assert_eq!((c.kind(), c.essential), (CriterionKind::Registration, false));
    }

    #[test]
    fn a_figure_missing_for_its_kind_is_refused_by_name() {
        let message = read("kind = \"time-in-level\"\ntext = \"two years in role\"").unwrap_err();
        assert_eq!(message, "a `time-in-level` criterion needs `months`");
        assert_eq!(shape_problem(&message).map(|(code, _)| code), Some("incomplete-criterion"));
    }

    #[test]
    fn a_figure_of_another_kind_is_refused_whether_written_before_or_after_the_kind() {
        let after = read("kind = \"time-in-level\"\nyears = 2\ntext = \"t\"").unwrap_err();
        let before = read("years = 2\nkind = \"time-in-level\"\ntext = \"t\"").unwrap_err();
        for message in [after, before] {
            assert_eq!(message, "`years` does not apply to a `time-in-level` criterion, which takes `months`");
            assert_eq!(shape_problem(&message).map(|(code, _)| code), Some("misplaced-field"));
        }
        let message = read("kind = \"registration\"\nnames = [\"SWE\"]\ntext = \"t\"").unwrap_err();
        assert_eq!(message, "`names` does not apply to a `registration` criterion");
    }

    #[test]
    fn each_kind_is_named_as_files_write_it() {
        for kind in CriterionKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }

    #[test]
    fn the_field_list_serde_reports_names_every_field() {
        assert_eq!(FIELDS, Field::ALL.map(Field::name));
    }

    #[test]
    fn serde_messages_are_not_mistaken_for_criterion_problems() {
        assert_eq!(shape_problem("missing field `text`"), None);
        assert_eq!(shape_problem("a `time-in-level` criterion needs `sugar`"), None);
    }

    #[test]
    fn a_criterion_written_out_reads_back_the_same() {
        let text = "kind = \"any-of\"\ncommitted_counts = true\ntext = \"either\"\noptions = [\
                    { kind = \"peps-stage\", stage = 1, text = \"PEPS 1\" },\
                    { kind = \"asye-passed\", years = 2, text = \"ASYE within two years\" }]";
        let criterion = read(text).unwrap();
        let json = serde_json::to_value(&criterion).unwrap();
        assert_eq!(json["kind"], "any-of");
        assert_eq!(json["options"][0]["stage"], 1);
        assert_eq!(json["options"][1]["years"], 2);
        assert!(json["options"][0].get("years").is_none(), "only the kind's own fields: {json}");
        let back: Criterion = serde_json::from_value(json).unwrap();
        assert_eq!(back, criterion);
    }

    #[test]
    fn the_kinds_beyond_the_seeds_read_with_their_own_fields() {
        let c = read("kind = \"employment-type\"\ntypes = [\"permanent\", \"fixed-term\"]\ntext = \"t\"").unwrap();
        assert_eq!(
            c.test,
            CriterionTest::EmploymentType { types: vec![EmploymentType::Permanent, EmploymentType::FixedTerm] }
        );
        let c = read("kind = \"academic-credits\"\ncredits = 15\nlevel = 7\ntext = \"15 credits at Master's level\"")
            .unwrap();
        assert_eq!(c.test, CriterionTest::AcademicCredits { credits: 15, level: AcademicLevel::MASTERS });
        let c = read("kind = \"standard-assessed\"\nstandard = \"kss.ps\"\ntext = \"t\"").unwrap();
        assert_eq!(c.test, CriterionTest::StandardAssessed { standard: StandardSet::parse("kss.ps").unwrap() });
        let c = read("kind = \"stated-experience\"\ntext = \"significant post-qualifying experience\"").unwrap();
        assert_eq!(c.kind(), CriterionKind::StatedExperience);
        let c = read("kind = \"postgraduate-award\"\nawards = [\"postgraduate-diploma\"]\nlevel = 7\ntext = \"t\"")
            .unwrap();
        assert_eq!(
            c.test,
            CriterionTest::PostgraduateAward {
                names: vec![],
                level: Some(AcademicLevel::MASTERS),
                awards: vec![AwardKind::PostgraduateDiploma]
            }
        );
    }

    #[test]
    fn the_new_kinds_refuse_what_they_cannot_use() {
        assert_eq!(
            read("kind = \"employment-type\"\ntext = \"t\"").unwrap_err(),
            "a `employment-type` criterion needs `types`"
        );
        assert_eq!(
            read("kind = \"employment-type\"\ntypes = []\ntext = \"t\"").unwrap_err(),
            "a `employment-type` criterion needs `types`"
        );
        let wrong = read("kind = \"employment-type\"\ntypes = [\"zero-hours\"]\ntext = \"t\"").unwrap_err();
        assert!(wrong.contains("fixed-term"), "{wrong}");
        assert_eq!(
            read("kind = \"academic-credits\"\ncredits = 15\ntext = \"t\"").unwrap_err(),
            "a `academic-credits` criterion needs `level`"
        );
        let level = read("kind = \"academic-credits\"\ncredits = 15\nlevel = 9\ntext = \"t\"").unwrap_err();
        assert!(level.contains("FHEQ level from 3 to 8"), "{level}");
        let set = read("kind = \"standard-assessed\"\nstandard = \"pcf.experienced\"\ntext = \"t\"").unwrap_err();
        assert!(
            set.contains("`pcf.experienced` is not a standard set") && set.contains("pcf.experienced-social-worker"),
            "{set}"
        );
        assert_eq!(
            read("kind = \"stated-experience\"\nyears = 5\ntext = \"t\"").unwrap_err(),
            "`years` does not apply to a `stated-experience` criterion"
        );
    }
}
