//! The vocabulary framework files and workforce records share: how someone is employed,
//! the kinds of award, academic levels, and who feedback comes from. It sits below both the
//! framework model and the records, so neither has to reach into the other for a word.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::invalid::InvalidValue;

/// A code as people type it, in the form codes are stored: `Fixed term` → `fixed-term`.
pub(crate) fn normalise_code(s: &str) -> String {
    s.trim().to_lowercase().replace(['_', ' '], "-")
}

/// Defines an enum stored and exchanged as a stable lowercase code.
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in databases, files and the API.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::invalid::InvalidValue;
            /// Accepts the code in any case, with spaces or underscores for hyphens.
            fn from_str(s: &str) -> Result<$name, $crate::invalid::InvalidValue> {
                let wanted = $crate::vocab::normalise_code(s);
                $name::ALL.iter().copied().find(|v| v.code() == wanted).ok_or_else(|| {
                    let known: Vec<&str> = $name::ALL.iter().map(|v| v.code()).collect();
                    $crate::invalid::InvalidValue::new($field, s, format!("must be one of: {}", known.join(", ")))
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use coded;

coded!(
    /// How a worker is employed.
    EmploymentType, "employment type" {
        /// A permanent employee.
        Permanent = "permanent",
        /// Supplied by an agency.
        Agency = "agency",
        /// Seconded from another employer.
        Secondment = "secondment",
        /// Employed directly on a contract that ends on a set date.
        FixedTerm = "fixed-term",
    }
);

coded!(
    /// A post-qualifying award or course.
    AwardKind, "award kind" {
        /// A post-qualifying (PQ) award.
        PqAward = "pq-award",
        /// Practice Educator Professional Standards, stage 1.
        PepsStage1 = "peps-stage-1",
        /// Practice Educator Professional Standards, stage 2.
        PepsStage2 = "peps-stage-2",
        /// A postgraduate certificate.
        PostgraduateCertificate = "postgraduate-certificate",
        /// A postgraduate diploma.
        PostgraduateDiploma = "postgraduate-diploma",
        /// A masters degree.
        Masters = "masters",
        /// Any other course.
        Course = "course",
    }
);

impl AwardKind {
    /// The PEPS stage this award is, if it is one.
    pub fn peps_stage(self) -> Option<u32> {
        match self {
            AwardKind::PepsStage1 => Some(1),
            AwardKind::PepsStage2 => Some(2),
            _ => None,
        }
    }

    /// Whether this is a postgraduate certificate, diploma or masters.
    pub fn is_postgraduate(self) -> bool {
        matches!(self, AwardKind::PostgraduateCertificate | AwardKind::PostgraduateDiploma | AwardKind::Masters)
    }
}

/// A level of the Framework for Higher Education Qualifications (FHEQ): 4 to 6 are
/// undergraduate, 7 is Master's level (postgraduate certificates, diplomas and masters), 8 is
/// doctoral. "15 credits at Master's level" is 15 credits at level 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct AcademicLevel(u32);

impl AcademicLevel {
    /// Master's level (FHEQ level 7).
    pub const MASTERS: AcademicLevel = AcademicLevel(7);

    /// The level with this FHEQ number, 3 to 8.
    pub fn new(level: u32) -> Result<AcademicLevel, InvalidValue> {
        if (3..=8).contains(&level) {
            Ok(AcademicLevel(level))
        } else {
            Err(InvalidValue::new(
                "academic level",
                level.to_string(),
                "must be an FHEQ level from 3 to 8 (7 is Master's level)",
            ))
        }
    }

    /// The FHEQ number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// "level 7 (Master's)".
    pub fn describe(self) -> String {
        let name = match self.0 {
            6 => " (Bachelor's)",
            7 => " (Master's)",
            8 => " (doctoral)",
            _ => "",
        };
        format!("FHEQ level {}{name}", self.0)
    }
}

impl TryFrom<u32> for AcademicLevel {
    type Error = InvalidValue;
    fn try_from(level: u32) -> Result<AcademicLevel, InvalidValue> {
        AcademicLevel::new(level)
    }
}

impl From<AcademicLevel> for u32 {
    fn from(level: AcademicLevel) -> u32 {
        level.0
    }
}

impl FromStr for AcademicLevel {
    type Err = InvalidValue;
    /// Accepts `7`, `level 7`, `FHEQ level 7`, `fheq-7` or `masters`.
    fn from_str(text: &str) -> Result<AcademicLevel, InvalidValue> {
        let t = normalise_code(text);
        if matches!(t.as_str(), "masters" | "master's" | "masters-level" | "master's-level") {
            return Ok(AcademicLevel::MASTERS);
        }
        // `fheq`, `level` and the hyphens between them may come before the number.
        let digits =
            ["fheq", "-", "level", "-"].iter().fold(t.as_str(), |rest, word| rest.strip_prefix(word).unwrap_or(rest));
        match digits.parse::<u32>() {
            Ok(n) => AcademicLevel::new(n),
            Err(_) => Err(InvalidValue::new(
                "academic level",
                text,
                "must be an FHEQ level from 3 to 8, such as 7 or `masters`",
            )),
        }
    }
}

impl fmt::Display for AcademicLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Who feedback comes from, with the codes framework files use in `from` and `sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedbackSource {
    /// A child or young person the worker works with.
    ChildOrYoungPerson,
    /// A parent or carer (read from `family`, the code this source had before).
    #[serde(alias = "family")]
    ParentOrCarer,
    /// An adult who uses services.
    AdultServiceUser,
    /// A colleague.
    Colleague,
    /// A professional from another team or agency.
    OtherProfessional,
}

impl FeedbackSource {
    /// Every source.
    pub const ALL: &'static [FeedbackSource] = &[
        FeedbackSource::ChildOrYoungPerson,
        FeedbackSource::ParentOrCarer,
        FeedbackSource::AdultServiceUser,
        FeedbackSource::Colleague,
        FeedbackSource::OtherProfessional,
    ];

    /// The code framework files use.
    pub const fn code(self) -> &'static str {
        match self {
            FeedbackSource::ChildOrYoungPerson => "child-or-young-person",
            FeedbackSource::ParentOrCarer => "parent-or-carer",
            FeedbackSource::AdultServiceUser => "adult-service-user",
            FeedbackSource::Colleague => "colleague",
            FeedbackSource::OtherProfessional => "other-professional",
        }
    }

    /// The source a framework file's code names (`family`, the earlier code for a parent or
    /// carer, still reads).
    pub fn from_code(code: &str) -> Option<FeedbackSource> {
        let code = code.trim();
        if code == "family" {
            return Some(FeedbackSource::ParentOrCarer);
        }
        FeedbackSource::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// "from a child or young person" / "from children or young people".
    pub const fn from_phrase(self, n: u32) -> &'static str {
        match self {
            FeedbackSource::ChildOrYoungPerson if n == 1 => "from a child or young person",
            FeedbackSource::ChildOrYoungPerson => "from children or young people",
            FeedbackSource::ParentOrCarer if n == 1 => "from a parent or carer",
            FeedbackSource::ParentOrCarer => "from parents or carers",
            FeedbackSource::AdultServiceUser if n == 1 => "from an adult who uses services",
            FeedbackSource::AdultServiceUser => "from adults who use services",
            FeedbackSource::Colleague if n == 1 => "from a colleague",
            FeedbackSource::Colleague => "from colleagues",
            FeedbackSource::OtherProfessional if n == 1 => "from another professional",
            FeedbackSource::OtherProfessional => "from other professionals",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn academic_levels_read_as_people_write_them() {
        for text in ["7", "level 7", "Level 7", "FHEQ level 7", "fheq-7", "fheq 7", "masters", "Master's"] {
            assert_eq!(text.parse::<AcademicLevel>().map(AcademicLevel::get), Ok(7), "{text}");
        }
        for text in ["9", "2", "level", "seven", "7a", ""] {
            let err = text.parse::<AcademicLevel>().unwrap_err();
            assert!(err.reason.contains("FHEQ level from 3 to 8"), "{text}: {err}");
        }
        assert_eq!(AcademicLevel::MASTERS.describe(), "FHEQ level 7 (Master's)");
    }

    #[test]
    fn feedback_sources_read_their_codes_and_family_as_parent_or_carer() {
        for s in FeedbackSource::ALL {
            assert_eq!(FeedbackSource::from_code(s.code()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        assert_eq!(FeedbackSource::from_code("family"), Some(FeedbackSource::ParentOrCarer));
        assert_eq!(FeedbackSource::from_code("neighbour"), None);
    }
}
