//! Every numeric record id in Pathway, made by one macro so that every id parses and prints
//! the same way: a positive whole number, written bare in JSON ("worker": 42), on the command
//! line and in messages. Storage assigns the numbers; the core and every front end pass them
//! around as these types, so a panel's id cannot be handed to something wanting an
//! application's.
//!
//! Framework codes (`FrameworkId`, `LevelId`, `RouteId`...) are not here: they are slugs the
//! framework files choose, defined with the framework model.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::invalid::InvalidValue;

/// Defines a storage-assigned numeric id: a newtype over a positive `i64` with `new`, `get`,
/// `Display`, `FromStr` (refusing anything but a positive whole number, naming `$field`) and
/// serde as a bare number.
macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                i64::deserialize(deserializer).map($name)
            }
        }

        impl $name {
            /// The id with this number (as stored, or as a person typed it).
            pub const fn new(id: i64) -> $name {
                $name(id)
            }

            /// The number.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(text: &str) -> Result<$name, InvalidValue> {
                text.trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map($name)
                    .ok_or_else(|| InvalidValue::new($field, text, "must be a positive whole number"))
            }
        }
    };
}

// Workforce records.
record_id!(
    /// A worker, unique across the deployment.
    WorkerId,
    "worker id"
);
record_id!(
    /// A service, locality or team.
    OrgUnitId,
    "unit id"
);
record_id!(
    /// A post in the organisation (team manager of a team, head of a service).
    PostId,
    "post id"
);
record_id!(
    /// An entry on a worker's level/grade/point timeline.
    TimelineEntryId,
    "timeline entry id"
);
record_id!(
    /// A post-qualifying award or course.
    AwardId,
    "award id"
);
record_id!(
    /// An appraisal (PDR).
    AppraisalId,
    "appraisal id"
);
record_id!(
    /// A development plan goal.
    GoalId,
    "goal id"
);
record_id!(
    /// A recorded attestation about a worker: an endorsement, an intent raised in supervision,
    /// an assessment against a standard set, an accreditation.
    AttestationId,
    "attestation id"
);

record_id!(
    /// A record of a worker's registration with Social Work England, in force from a date.
    RegistrationId,
    "registration record id"
);
record_id!(
    /// A piece of continuing professional development a worker recorded.
    CpdRecordId,
    "CPD record id"
);

// Portfolios and progression.
record_id!(
    /// An evidence item, unique across the deployment.
    EvidenceId,
    "evidence id"
);
record_id!(
    /// A worker's application for a route.
    ApplicationId,
    "application id"
);
record_id!(
    /// A panel sitting.
    PanelId,
    "panel id"
);
record_id!(
    /// A worker's ASYE programme.
    AsyeProgrammeId,
    "ASYE programme id"
);
record_id!(
    /// An exception to a route's eligibility criteria, recorded for one worker.
    ExceptionId,
    "exception id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_bare_positive_numbers_everywhere() {
        // Stored application, panel and ASYE documents hold ids as bare numbers; they must
        // keep loading.
        let application: ApplicationId = serde_json::from_str("17").expect("json");
        assert_eq!(application, ApplicationId::new(17));
        assert_eq!(serde_json::to_string(&application).expect("json"), "17");
        assert_eq!(serde_json::to_string(&PanelId::new(3)).expect("json"), "3");
        assert_eq!(EvidenceId::new(8).to_string(), "8");
        assert_eq!(" 42 ".parse::<WorkerId>(), Ok(WorkerId::new(42)));
        for refused in ["0", "-1", "4.5", "", "forty-two"] {
            let error = refused.parse::<AsyeProgrammeId>().expect_err(refused);
            assert_eq!(error.field, "ASYE programme id");
            assert_eq!(error.reason, "must be a positive whole number");
        }
    }
}
