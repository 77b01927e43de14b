//! Panels: a date, members with their roles, a quorum, the applications the panel hears, and
//! an outcome per application with feedback. Bexley's Career Progression Panel and Internal
//! Moderation Panel and West Sussex's "agreed panel process" fit this model.
//!
//! A panel decides *as* a framework role (`career-progression-panel`): its outcomes become
//! application decisions through [`Application::decide_from_panel`], made by the chair acting
//! in that role. A panel cannot record an outcome without a quorum of present members who
//! are free of conflicts for that application.
//!
//! Pure and all-or-nothing, like applications: commands return a new panel or an error.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::application::{Application, Status};
use super::audit::{Actor, Audit, Backdated, require_text, require_why};
use super::decision::{DecisionOutcome, PanelRef};
use super::error::ProgressionError;
use super::history::Change;
use crate::framework::{Framework, FrameworkId, RoleId, RouteId};
use crate::ids::{ApplicationId, PanelId, WorkerId};

/// What makes a panel quorate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quorum {
    /// At least this many present members without a conflict.
    pub members: u32,
    /// Whether the chair must be present (and without a conflict).
    pub chair: bool,
    /// Roles at least one present member must hold (e.g. `head-of-service`).
    #[serde(default)]
    pub roles: Vec<RoleId>,
}

impl Default for Quorum {
    /// Three members including the chair: the usual quorum where the framework says none.
    fn default() -> Quorum {
        Quorum { members: 3, chair: true, roles: Vec::new() }
    }
}

/// A panel member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelMember {
    /// The person and the role they hold in the organisation (service manager, head of service).
    pub member: Actor,
    /// Whether they chair the panel.
    pub chair: bool,
    /// Whether they attended.
    pub present: bool,
}

/// A member's declared conflict of interest for one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The member.
    pub person: WorkerId,
    /// Why (their own team, a relative, they wrote the Part 2).
    pub reason: String,
}

/// The panel's outcome for one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelOutcome {
    /// The decision.
    pub outcome: DecisionOutcome,
    /// The chair (or presiding member), acting as the panel's role.
    pub recorded_by: Actor,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The panel's reasons.
    pub why: String,
    /// The members who heard it (present, no conflict).
    pub heard_by: Vec<WorkerId>,
}

/// One application on the panel's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    /// The application.
    pub application: ApplicationId,
    /// The worker, so the panel can keep them (and conflicts) off it.
    pub worker: WorkerId,
    /// The route.
    pub route: RouteId,
    /// Declared conflicts.
    pub conflicts: Vec<Conflict>,
    /// The outcome, once recorded.
    pub outcome: Option<PanelOutcome>,
}

/// One entry in a panel's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Actor,
    /// Why.
    pub why: String,
    /// What happened, in words.
    pub what: String,
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

/// A panel sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    id: Option<PanelId>,
    framework: FrameworkId,
    role: RoleId,
    name: String,
    held_on: NaiveDate,
    quorum: Quorum,
    members: Vec<PanelMember>,
    hearings: Vec<Hearing>,
    history: Vec<PanelEvent>,
}

impl Panel {
    /// Convene a panel that decides as `role` (a framework role, normally one with
    /// `panel = true`) on `held_on`, with its members (exactly one chair) and quorum.
    pub fn convene(
        f: &Framework,
        role: &RoleId,
        held_on: NaiveDate,
        members: Vec<PanelMember>,
        quorum: Quorum,
        audit: &Audit,
    ) -> Result<Panel, ProgressionError> {
        require_why(audit, "convening a panel")?;
        let Some(r) = f.role(role) else {
            return Err(ProgressionError::unavailable(format!(
                "{} has no role `{role}`; a panel decides as one of the framework's roles",
                f.framework.authority
            )));
        };
        if !r.panel {
            return Err(ProgressionError::not_permitted(
                "panel-role",
                format!(
                    "{} is a post, not a panel; a panel decides as one of {}'s panel roles, and a seat on it gives no \
                     other role (rule: panel-role)",
                    r.name, f.framework.authority
                ),
            ));
        }
        let chairs = members.iter().filter(|m| m.chair).count();
        if chairs != 1 {
            return Err(ProgressionError::invalid("panel members", format!("name exactly one chair ({chairs} named)")));
        }
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|o| o.member.person == m.member.person) {
                return Err(ProgressionError::invalid("panel members", format!("{} is listed twice", m.member.name)));
            }
        }
        if quorum.members == 0 {
            return Err(ProgressionError::invalid("quorum", "a panel needs at least one member to be quorate"));
        }
        let mut panel = Panel {
            id: None,
            framework: f.framework.id.clone(),
            role: role.clone(),
            name: r.name.clone(),
            held_on,
            quorum,
            members,
            hearings: Vec::new(),
            history: Vec::new(),
        };
        panel.log(audit, format!("convened for {held_on}"));
        Ok(panel)
    }

    fn log(&mut self, audit: &Audit, what: String) {
        self.history.push(PanelEvent {
            at: audit.at,
            by: audit.by.clone(),
            why: audit.why.trim().to_owned(),
            what,
            backdated: audit.backdated.clone(),
            entered_by: audit.entered_by.clone(),
            entered_from: audit.entered_from.clone(),
        });
    }

    /// The panel with its stored id.
    pub fn with_id(mut self, id: PanelId) -> Panel {
        self.id = Some(id);
        self
    }

    /// Its stored id.
    pub fn id(&self) -> Option<PanelId> {
        self.id
    }

    /// The framework.
    pub fn framework(&self) -> &FrameworkId {
        &self.framework
    }

    /// The role it decides as.
    pub fn role(&self) -> &RoleId {
        &self.role
    }

    /// The panel's name (the role's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it sits.
    pub fn held_on(&self) -> NaiveDate {
        self.held_on
    }

    /// What makes it quorate.
    pub fn quorum(&self) -> &Quorum {
        &self.quorum
    }

    /// Its members.
    pub fn members(&self) -> &[PanelMember] {
        &self.members
    }

    /// The applications it hears.
    pub fn hearings(&self) -> &[Hearing] {
        &self.hearings
    }

    /// The hearing of one application.
    pub fn hearing(&self, application: ApplicationId) -> Option<&Hearing> {
        self.hearings.iter().find(|h| h.application == application)
    }

    /// What happened, oldest first.
    pub fn history(&self) -> &[PanelEvent] {
        &self.history
    }

    /// A reference for applications it decides.
    pub fn reference(&self) -> PanelRef {
        PanelRef { panel: self.id, role: self.role.clone(), held_on: self.held_on }
    }

    fn chair(&self) -> Option<&PanelMember> {
        self.members.iter().find(|m| m.chair)
    }

    fn hearing_index(&self, application: ApplicationId) -> Result<usize, ProgressionError> {
        self.hearings.iter().position(|h| h.application == application).ok_or_else(|| {
            ProgressionError::unavailable(format!("application {application} is not on the {} list", self.name))
        })
    }

    /// Put an application on the panel's list. The route must be decided by this panel's
    /// role, and the application must be in assessment or already referred.
    pub fn list(&self, id: ApplicationId, application: &Application, audit: &Audit) -> Result<Panel, ProgressionError> {
        require_why(audit, "listing an application")?;
        if application.framework() != &self.framework {
            return Err(ProgressionError::invalid(
                "application",
                format!("application {id} is under {}, this panel under {}", application.framework(), self.framework),
            ));
        }
        if !application.decision_roles().contains(&self.role) {
            return Err(ProgressionError::unavailable(format!(
                "\"{}\" is not decided by the {}",
                application.route().name,
                self.name
            )));
        }
        if !matches!(application.status(), Status::Submitted | Status::InAssessment | Status::AtPanel) {
            return Err(ProgressionError::InvalidTransition {
                action: "list",
                state: application.status().code().to_owned(),
                message: format!(
                    "application {id} is {}; only a submitted application is listed",
                    application.status()
                ),
            });
        }
        if self.hearings.iter().any(|h| h.application == id) {
            return Err(ProgressionError::invalid("application", format!("application {id} is already listed")));
        }
        let mut next = self.clone();
        let mut conflicts = Vec::new();
        if let Some(m) = self.members.iter().find(|m| m.member.person == application.worker()) {
            conflicts.push(Conflict { person: m.member.person, reason: "the member is the applicant".to_owned() });
        }
        next.hearings.push(Hearing {
            application: id,
            worker: application.worker(),
            route: application.route().id.clone(),
            conflicts,
            outcome: None,
        });
        next.log(audit, format!("listed application {id}"));
        Ok(next)
    }

    /// Record who attended.
    pub fn record_attendance(&self, present: &[WorkerId], audit: &Audit) -> Result<Panel, ProgressionError> {
        require_why(audit, "recording attendance")?;
        if let Some(stranger) = present.iter().find(|p| !self.members.iter().any(|m| m.member.person == **p)) {
            return Err(ProgressionError::invalid(
                "attendance",
                format!("person {stranger} is not a member of the panel"),
            ));
        }
        let mut next = self.clone();
        for m in &mut next.members {
            m.present = present.contains(&m.member.person);
        }
        next.log(audit, format!("{} of {} members present", present.len(), self.members.len()));
        Ok(next)
    }

    /// Record a member's conflict of interest for one application: they do not count
    /// towards its quorum.
    pub fn declare_conflict(
        &self,
        application: ApplicationId,
        person: WorkerId,
        reason: &str,
        audit: &Audit,
    ) -> Result<Panel, ProgressionError> {
        require_why(audit, "declaring a conflict")?;
        require_text("conflict reason", reason)?;
        let i = self.hearing_index(application)?;
        if !self.members.iter().any(|m| m.member.person == person) {
            return Err(ProgressionError::invalid("conflict", format!("person {person} is not a member of the panel")));
        }
        let mut next = self.clone();
        next.hearings[i].conflicts.push(Conflict { person, reason: reason.trim().to_owned() });
        next.log(audit, format!("conflict declared by {person} for application {application}"));
        Ok(next)
    }

    /// Whether the panel is quorate for an application; if not, why not.
    pub fn quorate_for(&self, application: ApplicationId) -> Result<Vec<WorkerId>, ProgressionError> {
        let i = self.hearing_index(application)?;
        let h = &self.hearings[i];
        let free = |m: &&PanelMember| {
            m.present && m.member.person != h.worker && !h.conflicts.iter().any(|c| c.person == m.member.person)
        };
        let hearing: Vec<&PanelMember> = self.members.iter().filter(free).collect();
        let mut problems = Vec::new();
        if (hearing.len() as u64) < u64::from(self.quorum.members) {
            problems.push(format!(
                "{} member{} without a conflict {} present; the quorum is {}",
                hearing.len(),
                if hearing.len() == 1 { "" } else { "s" },
                if hearing.len() == 1 { "is" } else { "are" },
                self.quorum.members
            ));
        }
        if self.quorum.chair && !hearing.iter().any(|m| m.chair) {
            problems.push("the chair is not present (or has a conflict)".to_owned());
        }
        for role in &self.quorum.roles {
            if !hearing.iter().any(|m| m.member.role == *role) {
                problems.push(format!("nobody present holds the role `{role}`"));
            }
        }
        if problems.is_empty() {
            Ok(hearing.iter().map(|m| m.member.person).collect())
        } else {
            Err(ProgressionError::InvalidTransition {
                action: "record an outcome",
                state: "not quorate".to_owned(),
                message: format!(
                    "the {} of {} is not quorate for application {application}: {}",
                    self.name,
                    self.held_on,
                    problems.join("; ")
                ),
            })
        }
    }

    /// Record the panel's outcome for an application, with feedback. The panel must be
    /// quorate for it; the chair records it (the presiding member, where no chair is
    /// required); an outcome once recorded is final.
    pub fn record_outcome(
        &self,
        application: ApplicationId,
        outcome: &DecisionOutcome,
        audit: &Audit,
    ) -> Result<Panel, ProgressionError> {
        require_why(audit, "recording a panel outcome")?;
        let i = self.hearing_index(application)?;
        if audit.date() < self.held_on {
            return Err(ProgressionError::not_permitted(
                "panel-sitting",
                format!(
                    "the {} sits on {}; it records an outcome on or after that day, not on {} (rule: panel-sitting)",
                    self.name,
                    self.held_on,
                    audit.date()
                ),
            ));
        }
        if self.hearings[i].outcome.is_some() {
            return Err(ProgressionError::InvalidTransition {
                action: "record an outcome",
                state: "decided".to_owned(),
                message: format!("the outcome for application {application} is already recorded"),
            });
        }
        let heard_by = self.quorate_for(application)?;
        let recorder = if self.quorum.chair { self.chair() } else { None };
        let allowed = match recorder {
            Some(chair) => chair.member.person == audit.by.person,
            None => heard_by.contains(&audit.by.person),
        };
        if !allowed {
            return Err(ProgressionError::not_permitted(
                "not-chair",
                format!("{} may not record the {}'s outcome; the chair records it", audit.by.name, self.name),
            ));
        }
        outcome.check(audit.date())?;
        let mut next = self.clone();
        next.hearings[i].outcome = Some(PanelOutcome {
            outcome: outcome.clone(),
            recorded_by: Actor::new(audit.by.person, audit.by.name.clone(), self.role.clone()),
            recorded_at: audit.at,
            why: audit.why.trim().to_owned(),
            heard_by,
        });
        next.log(audit, format!("outcome for application {application}: {}", outcome.code()));
        Ok(next)
    }
}

impl Application {
    /// Whether this application (`id`) stands referred to `panel`: at panel, and its last
    /// referral either names this panel or names none. A panel records outcomes only for
    /// applications referred to it (rule: referred-panel).
    pub fn check_referred_to(&self, id: ApplicationId, panel: &Panel) -> Result<(), ProgressionError> {
        let referred = self.history().iter().rev().find_map(|e| match &e.change {
            Change::ReferredToPanel { panel } => Some(panel.as_ref().and_then(|r| r.panel)),
            _ => None,
        });
        let refuse = |why: String| {
            ProgressionError::not_permitted(
                "referred-panel",
                format!(
                    "the {} of {} may not decide application {id}: {why} (rule: referred-panel)",
                    panel.name(),
                    panel.held_on()
                ),
            )
        };
        match referred {
            _ if self.status() != Status::AtPanel => {
                Err(refuse(format!("it is {}, not referred to a panel", self.status())))
            }
            None => Err(refuse("it was never referred to a panel".to_owned())),
            Some(Some(named)) if Some(named) != panel.id() => Err(refuse(format!("it was referred to panel {named}"))),
            Some(_) => Ok(()),
        }
    }

    /// Make the decision the panel recorded for this application (`id` is its id on the
    /// panel's list). The decision is the chair's, acting as the panel's role, at the time
    /// and with the reasons the panel recorded.
    pub fn decide_from_panel(&self, id: ApplicationId, panel: &Panel) -> Result<Application, ProgressionError> {
        let hearing = panel.hearing(id).ok_or_else(|| {
            ProgressionError::unavailable(format!("application {id} is not on the {} list", panel.name()))
        })?;
        if hearing.worker != self.worker() || hearing.route != self.route().id {
            return Err(ProgressionError::invalid(
                "application",
                format!("the panel's application {id} is a different worker or route"),
            ));
        }
        // Referred to a named panel, it takes that panel's outcome and no other's.
        self.check_referred_to(id, panel)?;
        let Some(outcome) = &hearing.outcome else {
            return Err(ProgressionError::unavailable(format!(
                "the {} has not recorded an outcome for application {id}",
                panel.name()
            )));
        };
        let audit = Audit::new(
            outcome.recorded_by.clone(),
            outcome.recorded_at,
            format!("{} of {}: {}", panel.name(), panel.held_on(), outcome.why),
        );
        self.decide_with(&outcome.outcome, Some(panel.reference()), &audit)
    }
}
