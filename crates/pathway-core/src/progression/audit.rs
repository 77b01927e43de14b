//! Who did something, when and why: the record every progression command takes and keeps.
//! Applications, panels, ASYE programmes and appointments all write their history from an
//! [`Audit`], so it lives here rather than with any one of them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::error::ProgressionError;
use crate::framework::{RoleId, WORKER_ROLE};
use crate::ids::WorkerId;
use crate::workforce::MAX_NOTE_CHARS;

/// A person acting in a role: who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The person.
    pub person: WorkerId,
    /// Their name, as messages and the history show it.
    pub name: String,
    /// The role they act in: a framework role id, or `worker` for the applicant.
    pub role: RoleId,
}

impl Actor {
    /// `person`, called `name`, acting as `role`.
    pub fn new(person: WorkerId, name: impl Into<String>, role: impl Into<RoleId>) -> Actor {
        Actor { person, name: name.into(), role: role.into() }
    }

    /// Whether this actor acts as the applicant (`worker`).
    pub fn is_worker_role(&self) -> bool {
        self.role.as_str() == WORKER_ROLE
    }
}

/// Who did something, when and why. Every transition takes one and records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// Who.
    pub by: Actor,
    /// When (passed in: the core never reads the clock).
    pub at: DateTime<Utc>,
    /// Why, in the actor's words. Required.
    pub why: String,
    /// Set when it was entered after the time it took effect (`at`): a paper decision
    /// entered next week. None when it was entered as it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backdated: Option<Backdated>,
    /// Set when someone else entered it on the actor's behalf: the account that typed it
    /// in (the CLI's operator account acting `--as` a person). None when the actor entered
    /// it themselves. Absent from records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    /// Where it was entered from: the client's address, for an action made over HTTP;
    /// None for the command line on the server. Kept in the audit trail only, never in the
    /// record itself (so never in a history its readers see), hence not serialised.
    #[serde(skip)]
    pub entered_from: Option<String>,
}

/// An action entered later than it took effect: when it was entered, and why it was not
/// entered at the time. The action itself is dated when it took effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backdated {
    /// When it was entered (the clock's time).
    pub entered_at: DateTime<Utc>,
    /// Why it is entered late, in the words of whoever entered it.
    pub reason: String,
}

impl Audit {
    /// `by` did something at `at` because `why`, entered as it happened.
    pub fn new(by: Actor, at: DateTime<Utc>, why: impl Into<String>) -> Audit {
        Audit { by, at, why: why.into(), backdated: None, entered_by: None, entered_from: None }
    }

    /// The same action, entered at `entered_at` (after `at`) because `reason`.
    pub fn backdated(mut self, entered_at: DateTime<Utc>, reason: impl Into<String>) -> Audit {
        self.backdated = Some(Backdated { entered_at, reason: reason.into() });
        self
    }

    /// The same action, typed in by the account `entered_by` on the actor's behalf.
    pub fn entered_by(mut self, entered_by: impl Into<String>) -> Audit {
        self.entered_by = Some(entered_by.into());
        self
    }

    /// The same action, entered from the address `from` (a request over HTTP).
    pub fn entered_from(mut self, from: impl Into<String>) -> Audit {
        self.entered_from = Some(from.into());
        self
    }

    /// The calendar date of `at`.
    pub fn date(&self) -> NaiveDate {
        self.at.date_naive()
    }
}

/// Check a reason was given.
pub(crate) fn require_why(audit: &Audit, action: &'static str) -> Result<(), ProgressionError> {
    if audit.why.trim().is_empty() { Err(ProgressionError::ReasonRequired { action }) } else { Ok(()) }
}

/// Check free text is present and not absurdly long.
pub(crate) fn require_text(field: &'static str, text: &str) -> Result<(), ProgressionError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ProgressionError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > MAX_NOTE_CHARS {
        return Err(ProgressionError::invalid(field, format!("is longer than {MAX_NOTE_CHARS} characters")));
    }
    Ok(())
}
