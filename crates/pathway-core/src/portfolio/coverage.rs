//! Coverage: a worker's portfolio set against what a route asks for, rule by rule, with the
//! PCF domains and KSS statements covered and uncovered, and one verdict a social worker can
//! act on: "ready to submit", or what is missing in plain English.
//!
//! One pass over the items per evidence rule: O(items × rules), no allocation per pair
//! beyond the reasons an item does not count.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::{AnonymisationStatus, EvidenceItem, EvidenceKind, FeedbackSource, KssTag, PcfTag};
use crate::framework::{EvidenceRule, Framework, FrameworkId, LevelId, RoleId, Route, RouteId};
use crate::ids::EvidenceId;
use crate::standards::Standards;

/// A portfolio against a route: what each evidence rule needs and what counts towards it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// The framework.
    pub framework: FrameworkId,
    /// The route.
    pub route: RouteId,
    /// The route's name in the framework's words.
    pub route_name: String,
    /// The day the portfolio was checked.
    pub checked_on: NaiveDate,
    /// One entry per evidence rule of the route, in the framework's order.
    pub rules: Vec<RuleCoverage>,
    /// Each of the nine PCF domains, with the items tagged to it.
    pub pcf: Vec<PcfCoverage>,
    /// The KSS statements the route's target level is measured against, with the items
    /// tagged to each.
    pub kss: Vec<KssCoverage>,
    /// Items of a kind the route does not ask for.
    pub not_required: Vec<EvidenceId>,
    /// Ready to submit, or what is missing.
    pub verdict: Verdict,
}

impl Coverage {
    /// Whether the portfolio is ready to submit for this route.
    pub fn is_ready(&self) -> bool {
        self.verdict.ready
    }
}

/// One evidence rule of a route against the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCoverage {
    /// The rule's id within the route.
    pub rule: String,
    /// The evidence type it asks for (`reflective-summary`).
    pub kind: String,
    /// The requirement in the framework's words.
    pub description: String,
    /// How many items it needs.
    pub required: u32,
    /// The most the panel reads, if limited.
    pub max: Option<u32>,
    /// Items that count, oldest first.
    pub counted: Vec<EvidenceId>,
    /// Items of the right kind that do not count, and why.
    pub not_counted: Vec<NotCounted>,
    /// Items of the right kind still waiting for authorisations the rule requires.
    pub missing_authorisations: Vec<MissingAuthorisation>,
    /// PCF domains the rule requires that no counted item is tagged to.
    pub uncovered_pcf: Vec<String>,
    /// KSS statements the rule requires that no counted item is tagged to.
    pub uncovered_kss: Vec<String>,
    /// Feedback sources the rule requires that no counted item is from (`parent-or-carer`).
    pub uncovered_sources: Vec<String>,
    /// Whether the rule is met.
    pub met: bool,
    /// What is missing for this rule, in plain English.
    pub missing: Vec<Missing>,
    /// Advice that does not stop submission ("choose which case study to submit").
    pub notes: Vec<String>,
}

/// An item that does not count towards a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotCounted {
    /// The item.
    pub item: EvidenceId,
    /// Its title.
    pub title: String,
    /// Every reason it does not count.
    pub reasons: Vec<Shortfall>,
    /// The same reasons in plain English.
    pub why: Vec<String>,
}

/// Authorisations an item still needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingAuthorisation {
    /// The item.
    pub item: EvidenceId,
    /// Its title.
    pub title: String,
    /// Roles that have not yet authorised it.
    pub roles: Vec<RoleId>,
    /// Those roles' names in a sentence ("head of service").
    pub role_names: Vec<String>,
}

/// Why an item does not count towards a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Shortfall {
    /// Dated after the day of the check.
    DatedInFuture {
        /// The item's date.
        date: NaiveDate,
    },
    /// The rule needs a PCF tag and it has none.
    NotTaggedToPcf,
    /// The rule needs a KSS tag (from these statement sets) and it has none.
    NotTaggedToKss {
        /// The statement sets that count; empty means any.
        sets: Vec<String>,
    },
    /// Not the work of the role the rule names.
    WrongAuthor {
        /// The role the rule names.
        needed: RoleId,
        /// That role in a sentence ("the team manager").
        needed_name: String,
        /// The role the item records, if any.
        actual: Option<RoleId>,
        /// That role in a sentence ("a senior practitioner").
        actual_name: Option<String>,
    },
    /// Feedback from someone other than the rule asks for.
    WrongSource {
        /// The source the rule names (`child-or-young-person`).
        needed: String,
        /// Who the feedback is from.
        actual: Option<FeedbackSource>,
    },
    /// Not written against the PCF level the rule names.
    WrongPcfLevel {
        /// The level the rule names (`experienced-social-worker`).
        needed: String,
        /// The level the item is written against, if stated.
        actual: Option<String>,
    },
    /// Not tagged to the PCF domain (strand) the rule names.
    NotAgainstStrand {
        /// The domain as a reader knows it ("PCF 6 Critical Reflection and Analysis").
        strand: String,
    },
    /// Longer than the page limit.
    TooLong {
        /// Its length in pages.
        pages: u32,
        /// Whether that length is estimated from the text.
        estimated: bool,
        /// The limit.
        max: u32,
    },
    /// The rule has a page limit and the item's length is not recorded.
    PagesUnknown {
        /// The limit.
        max: u32,
    },
    /// Waiting for authorisation by these roles.
    NeedsAuthorisation {
        /// The roles still to authorise it.
        roles: Vec<RoleId>,
        /// Those roles in a sentence.
        role_names: Vec<String>,
    },
    /// Not yet cleared by the anonymisation check, so a panel may not read it.
    NeedsAnonymisationCheck {
        /// Where the check stands.
        status: AnonymisationStatus,
    },
}

impl Shortfall {
    /// Whether the item is the right evidence and only needs finishing (authorising,
    /// anonymising), as opposed to being the wrong evidence for the rule.
    pub fn is_finishing(&self) -> bool {
        matches!(self, Shortfall::NeedsAuthorisation { .. } | Shortfall::NeedsAnonymisationCheck { .. })
    }
}

impl fmt::Display for Shortfall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shortfall::DatedInFuture { date } => write!(f, "it is dated {date}, after today"),
            Shortfall::NotTaggedToPcf => f.write_str("it is not tagged to a PCF domain"),
            Shortfall::NotTaggedToKss { sets } if sets.is_empty() => f.write_str("it is not tagged to a KSS statement"),
            Shortfall::NotTaggedToKss { sets } => {
                write!(f, "it is not tagged to a KSS statement for {}", and_list(&kss_audiences(sets)))
            }
            Shortfall::WrongAuthor { needed_name, actual_name: Some(actual), .. } => {
                write!(f, "it is by {actual}, not {needed_name}")
            }
            Shortfall::WrongAuthor { needed_name, actual_name: None, .. } => {
                write!(f, "it does not say who it is by; it must be by {needed_name}")
            }
            Shortfall::WrongSource { needed, actual } => {
                let wanted = FeedbackSource::from_code(needed).map(|s| s.from_phrase(1).to_owned());
                let wanted = wanted.unwrap_or_else(|| format!("from `{needed}`"));
                match actual {
                    Some(a) => write!(f, "it is feedback {}, not {wanted}", a.from_phrase(1)),
                    None => write!(f, "it must be feedback {wanted}"),
                }
            }
            Shortfall::WrongPcfLevel { needed, actual } => {
                let title = |id: &str| {
                    Standards::bundled().pcf_level(id).map(|l| l.title.clone()).unwrap_or_else(|| id.to_owned())
                };
                match actual {
                    Some(a) => {
                        write!(f, "it is written against the PCF at {} level, not {} level", title(a), title(needed))
                    }
                    None => write!(
                        f,
                        "it does not say which PCF level it is written against; it must be {} level",
                        title(needed)
                    ),
                }
            }
            Shortfall::NotAgainstStrand { strand } => write!(f, "it is not written against {strand}"),
            Shortfall::TooLong { pages, estimated, max } => write!(
                f,
                "it is {pages} pages{} and the limit is {max} {}",
                if *estimated { " (estimated from its length)" } else { "" },
                if *max == 1 { "page" } else { "pages" }
            ),
            Shortfall::PagesUnknown { max } => write!(
                f,
                "record how many pages it is: the limit is {max} {}",
                if *max == 1 { "page" } else { "pages" }
            ),
            Shortfall::NeedsAuthorisation { role_names, .. } => {
                write!(f, "it needs {} authorisation", and_list(role_names))
            }
            Shortfall::NeedsAnonymisationCheck { status: AnonymisationStatus::FlagsOutstanding { count } } => write!(
                f,
                "it needs anonymisation check: {count} identifying {} to clear or fix",
                if *count == 1 { "detail" } else { "details" }
            ),
            Shortfall::NeedsAnonymisationCheck { .. } => f.write_str("it needs anonymisation check"),
        }
    }
}

/// A PCF domain and the items tagged to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PcfCoverage {
    /// The domain id (`critical-reflection-and-analysis`).
    pub domain: String,
    /// Its number, 1 to 9.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// Whether an item a panel may read is tagged to it.
    pub covered: bool,
    /// Items a panel may read that are tagged to it.
    pub items: Vec<EvidenceId>,
    /// Items tagged to it that a panel may not read yet (not anonymised, dated ahead).
    pub pending: Vec<EvidenceId>,
}

/// A KSS statement and the items tagged to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KssCoverage {
    /// The statement (`cfp.7`).
    pub statement: String,
    /// Its title, as recorded.
    pub title: String,
    /// Whether an item a panel may read is tagged to it.
    pub covered: bool,
    /// Items a panel may read that are tagged to it.
    pub items: Vec<EvidenceId>,
    /// Items tagged to it that a panel may not read yet.
    pub pending: Vec<EvidenceId>,
}

/// What kind of thing is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingReason {
    /// Not enough items that count.
    Evidence,
    /// An item waits for an authorisation.
    Authorisation,
    /// An item waits for its anonymisation check.
    AnonymisationCheck,
    /// The counted items do not cover the PCF domains or KSS statements the rule names.
    Coverage,
    /// The framework asks for a type of evidence Pathway does not know.
    UnknownKind,
}

/// One thing standing between the portfolio and submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The rule it belongs to.
    pub rule: String,
    /// What kind of thing is missing.
    pub reason: MissingReason,
    /// The item concerned, when it is about one item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<EvidenceId>,
    /// In plain English: "manager's report needs head of service authorisation".
    pub message: String,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Ready to submit, or what is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Whether the portfolio is ready to submit.
    pub ready: bool,
    /// Everything missing, rule by rule; empty when ready.
    pub missing: Vec<Missing>,
    /// Advice that does not stop submission.
    pub notes: Vec<String>,
    /// The verdict in one line: "ready to submit" or "not ready: ...".
    pub summary: String,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

/// Set `items` (one worker's portfolio) against what `route` of `framework` asks for, as on
/// `today`. Only items a panel may read count: cleared by the anonymisation check and not
/// dated after today.
pub fn coverage(framework: &Framework, route: &Route, items: &[EvidenceItem], today: NaiveDate) -> Coverage {
    let mut ordered: Vec<&EvidenceItem> = items.iter().collect();
    ordered.sort_by_key(|i| (i.date(), i.id()));
    let ctx = Context { framework, items: &ordered, today, kss_sets: route_kss_sets(framework, route) };

    let rules: Vec<RuleCoverage> = route.evidence.iter().map(|rule| ctx.evaluate(rule)).collect();
    let readable = |i: &EvidenceItem| i.anonymisation().is_cleared() && i.date() <= today;

    let pcf = Standards::bundled()
        .pcf
        .domains
        .iter()
        .map(|d| {
            let tagged = ordered.iter().filter(|i| i.pcf().iter().any(|t| t.number == d.number));
            let (items, pending): (Vec<&&EvidenceItem>, Vec<&&EvidenceItem>) = tagged.partition(|i| readable(i));
            PcfCoverage {
                domain: d.id.clone(),
                number: d.number,
                title: d.title.clone(),
                covered: !items.is_empty(),
                items: items.iter().map(|i| i.id()).collect(),
                pending: pending.iter().map(|i| i.id()).collect(),
            }
        })
        .collect();

    let kss = route_kss_statements(framework, route, &ctx.kss_sets)
        .into_iter()
        .map(|statement| {
            let tagged = ordered.iter().filter(|i| i.kss().contains(&statement));
            let (items, pending): (Vec<&&EvidenceItem>, Vec<&&EvidenceItem>) = tagged.partition(|i| readable(i));
            let reference = statement.to_string();
            let title =
                Standards::bundled().kss_statement(&reference).map(|(_, s)| s.title.clone()).unwrap_or_default();
            KssCoverage {
                statement: reference,
                title,
                covered: !items.is_empty(),
                items: items.iter().map(|i| i.id()).collect(),
                pending: pending.iter().map(|i| i.id()).collect(),
            }
        })
        .collect();

    let asked: BTreeSet<&str> = route.evidence.iter().map(|r| r.kind.as_str()).collect();
    let not_required = ordered.iter().filter(|i| !asked.contains(i.kind().code())).map(|i| i.id()).collect();

    let missing: Vec<Missing> = rules.iter().flat_map(|r| r.missing.iter().cloned()).collect();
    let mut notes: Vec<String> = rules.iter().flat_map(|r| r.notes.iter().cloned()).collect();
    if route.evidence.is_empty() {
        notes.push("this route asks for no portfolio evidence".to_owned());
    }
    let summary = if missing.is_empty() {
        "ready to submit".to_owned()
    } else {
        format!("not ready: {}", missing.iter().map(|m| m.message.as_str()).collect::<Vec<_>>().join("; "))
    };
    Coverage {
        framework: framework.id().clone(),
        route: route.id.clone(),
        route_name: route.name.clone(),
        checked_on: today,
        rules,
        pcf,
        kss,
        not_required,
        verdict: Verdict { ready: missing.is_empty(), missing, notes, summary },
    }
}

/// The KSS statement sets a route is measured against: the target level's, else the
/// starting level's.
fn route_kss_sets(framework: &Framework, route: &Route) -> Vec<String> {
    [Some(&route.to), route.from.level()]
        .into_iter()
        .flatten()
        .filter_map(|id| framework.level(id))
        .map(|l| l.kss.clone())
        .find(|sets| !sets.is_empty())
        .unwrap_or_default()
}

/// The statements a route is measured against: those the target level lists (the document's
/// own list), else every statement of its sets, plus any a rule names.
fn route_kss_statements(framework: &Framework, route: &Route, sets: &[String]) -> Vec<KssTag> {
    let standards = Standards::bundled();
    let listed = [Some(&route.to), route.from.level()]
        .into_iter()
        .flatten()
        .filter_map(|id| framework.level(id))
        .map(|l| &l.kss_statements_listed)
        .find(|listed| !listed.is_empty());
    let mut statements: BTreeSet<KssTag> = match listed {
        Some(listed) => listed.iter().filter_map(|s| KssTag::parse(s).ok()).collect(),
        None => sets
            .iter()
            .filter_map(|set| standards.kss_set(set))
            .flat_map(|set| set.statements.iter().map(|s| KssTag { set: set.id.clone(), number: s.number }))
            .collect(),
    };
    statements.extend(route.evidence.iter().flat_map(|r| &r.kss_statements).filter_map(|s| KssTag::parse(s).ok()));
    statements.into_iter().collect()
}

struct Context<'a> {
    framework: &'a Framework,
    items: &'a [&'a EvidenceItem],
    today: NaiveDate,
    kss_sets: Vec<String>,
}

impl Context<'_> {
    fn evaluate(&self, rule: &EvidenceRule) -> RuleCoverage {
        let mut rc = RuleCoverage {
            rule: rule.id.clone(),
            kind: rule.kind.clone(),
            description: rule.description.clone(),
            required: rule.min,
            max: rule.max,
            counted: Vec::new(),
            not_counted: Vec::new(),
            missing_authorisations: Vec::new(),
            uncovered_pcf: Vec::new(),
            uncovered_kss: Vec::new(),
            uncovered_sources: Vec::new(),
            met: false,
            missing: Vec::new(),
            notes: Vec::new(),
        };
        let Some(kind) = EvidenceKind::from_code(&rule.kind) else {
            rc.missing.push(Missing {
                rule: rule.id.clone(),
                reason: MissingReason::UnknownKind,
                item: None,
                message: format!(
                    "needs evidence of a type Pathway cannot check (`{}`: \"{}\"); ask your manager how to show it",
                    rule.kind, rule.description
                ),
            });
            return rc;
        };

        let of_kind: Vec<&EvidenceItem> = self.items.iter().copied().filter(|i| i.kind() == kind).collect();
        let mut counted: Vec<&EvidenceItem> = Vec::new();
        for item in &of_kind {
            let reasons = self.shortfalls(rule, item, &mut rc.missing_authorisations);
            if reasons.is_empty() {
                counted.push(item);
            } else {
                let why = reasons.iter().map(ToString::to_string).collect();
                rc.not_counted.push(NotCounted { item: item.id(), title: item.title().to_owned(), reasons, why });
            }
        }
        rc.counted = counted.iter().map(|i| i.id()).collect();

        let pcf_held: BTreeSet<u32> = counted.iter().flat_map(|i| i.pcf().iter().map(|t| t.number)).collect();
        rc.uncovered_pcf = rule
            .pcf_domains
            .iter()
            .filter_map(|d| PcfTag::parse(d).ok())
            .filter(|t| !pcf_held.contains(&t.number))
            .map(|t| t.label())
            .collect();
        let kss_held: BTreeSet<&KssTag> = counted.iter().flat_map(|i| i.kss().iter()).collect();
        rc.uncovered_kss = rule
            .kss_statements
            .iter()
            .filter_map(|s| KssTag::parse(s).ok())
            .filter(|t| !kss_held.contains(t))
            .map(|t| t.label())
            .collect();

        let sources_held: BTreeSet<FeedbackSource> =
            counted.iter().filter_map(|i| i.detail().feedback_from()).collect();
        let sources_missing: Vec<FeedbackSource> = rule
            .sources
            .iter()
            .filter_map(|s| FeedbackSource::from_code(s))
            .filter(|s| !sources_held.contains(s))
            .collect();
        rc.uncovered_sources = sources_missing.iter().map(|s| s.code().to_owned()).collect();

        let have = u32::try_from(counted.len()).unwrap_or(u32::MAX);
        rc.met = have >= rule.min
            && rc.uncovered_pcf.is_empty()
            && rc.uncovered_kss.is_empty()
            && rc.uncovered_sources.is_empty();
        if have < rule.min {
            self.explain_shortfall(rule, kind, have, of_kind.len(), &mut rc);
        }
        if !rc.uncovered_pcf.is_empty() || !rc.uncovered_kss.is_empty() {
            let labels: Vec<String> = rc.uncovered_pcf.iter().chain(&rc.uncovered_kss).cloned().collect();
            rc.missing.push(Missing {
                rule: rule.id.clone(),
                reason: MissingReason::Coverage,
                item: None,
                message: format!("needs {} that between them cover {}", kind.noun(2), and_list(&labels)),
            });
        }
        if !sources_missing.is_empty() {
            let phrases: Vec<String> = sources_missing.iter().map(|s| s.from_phrase(1).to_owned()).collect();
            rc.missing.push(Missing {
                rule: rule.id.clone(),
                reason: MissingReason::Coverage,
                item: None,
                message: format!("needs {} {}", with_article(kind.noun(1)), and_list(&phrases)),
            });
        }
        if let Some(max) = rule.max.filter(|m| have > *m) {
            rc.notes.push(format!(
                "the panel reads at most {max} {}; you have {have} that count: choose which to submit",
                kind.noun(max)
            ));
        }
        rc
    }

    /// Every reason `item` does not count towards `rule`; records missing authorisations.
    fn shortfalls(
        &self,
        rule: &EvidenceRule,
        item: &EvidenceItem,
        missing_authorisations: &mut Vec<MissingAuthorisation>,
    ) -> Vec<Shortfall> {
        let mut reasons = Vec::new();
        if item.date() > self.today {
            reasons.push(Shortfall::DatedInFuture { date: item.date() });
        }
        if rule.tag_pcf && item.pcf().is_empty() {
            reasons.push(Shortfall::NotTaggedToPcf);
        }
        if rule.tag_kss && !item.kss().iter().any(|t| self.kss_sets.is_empty() || self.kss_sets.contains(&t.set)) {
            reasons.push(Shortfall::NotTaggedToKss { sets: self.kss_sets.clone() });
        }
        if let Some(needed) = &rule.by {
            let actual = item.detail().by().map(|c| &c.role);
            if actual != Some(needed) {
                reasons.push(Shortfall::WrongAuthor {
                    needed: needed.clone(),
                    needed_name: format!("the {}", self.role_name(needed)),
                    actual: actual.cloned(),
                    actual_name: actual.map(|r| with_article(&self.role_name(r))),
                });
            }
        }
        if let Some(needed) = &rule.from {
            let actual = item.detail().feedback_from();
            if actual.is_none() || actual != FeedbackSource::from_code(needed) {
                reasons.push(Shortfall::WrongSource { needed: needed.clone(), actual });
            }
        }
        if let Some(needed) = &rule.pcf_level
            && item.pcf_level() != Some(needed.as_str())
        {
            reasons
                .push(Shortfall::WrongPcfLevel { needed: needed.clone(), actual: item.pcf_level().map(str::to_owned) });
        }
        if let Some(strand) = rule.pcf_strand.as_deref().and_then(|s| PcfTag::parse(s).ok())
            && !item.pcf().iter().any(|t| t.number == strand.number)
        {
            reasons.push(Shortfall::NotAgainstStrand { strand: strand.label() });
        }
        if let Some(max) = rule.max_pages {
            match item.page_count() {
                Some((pages, estimated)) if pages > max => reasons.push(Shortfall::TooLong { pages, estimated, max }),
                Some(_) => {}
                None => reasons.push(Shortfall::PagesUnknown { max }),
            }
        }
        let roles: Vec<RoleId> = rule
            .authorised_by
            .iter()
            .filter(|r| !item.authorisations().iter().any(|a| a.role == **r && a.on <= self.today))
            .cloned()
            .collect();
        if !roles.is_empty() {
            let role_names: Vec<String> = roles.iter().map(|r| self.role_name(r)).collect();
            missing_authorisations.push(MissingAuthorisation {
                item: item.id(),
                title: item.title().to_owned(),
                roles: roles.clone(),
                role_names: role_names.clone(),
            });
            reasons.push(Shortfall::NeedsAuthorisation { roles, role_names });
        }
        if !item.anonymisation().is_cleared() {
            reasons.push(Shortfall::NeedsAnonymisationCheck { status: item.anonymisation() });
        }
        reasons
    }

    /// Say what would make up the shortfall: first the items that only need finishing
    /// (authorising, anonymising), then how many more items are needed.
    fn explain_shortfall(
        &self,
        rule: &EvidenceRule,
        kind: EvidenceKind,
        have: u32,
        held: usize,
        rc: &mut RuleCoverage,
    ) {
        let mut short = rule.min - have;
        let mut finishing: Vec<&NotCounted> =
            rc.not_counted.iter().filter(|nc| nc.reasons.iter().all(Shortfall::is_finishing)).collect();
        finishing.sort_by_key(|nc| nc.reasons.len());
        let mut missing = Vec::new();
        for nc in finishing.into_iter().take(usize::try_from(short).unwrap_or(usize::MAX)) {
            let named =
                if held > 1 { format!("{} \u{201c}{}\u{201d}", kind.name(), nc.title) } else { kind.name().to_owned() };
            for r in &nc.reasons {
                let (reason, message) = match r {
                    Shortfall::NeedsAuthorisation { role_names, .. } => {
                        (MissingReason::Authorisation, format!("{named} needs {} authorisation", and_list(role_names)))
                    }
                    _ => (MissingReason::AnonymisationCheck, format!("{named} needs anonymisation check")),
                };
                missing.push(Missing { rule: rule.id.clone(), reason, item: Some(nc.item), message });
            }
            short -= 1;
        }
        if short > 0 {
            let found_some = have > 0 || !missing.is_empty();
            let mut message = match kind {
                EvidenceKind::Other => format!("needs {}", lower_first(rule.description.trim_end_matches('.'))),
                _ if found_some => format!("needs {short} more {}", self.requirement(rule, kind, short)),
                _ if short == 1 => format!("needs {}", with_article(&self.requirement(rule, kind, 1))),
                _ => format!("needs {short} {}", self.requirement(rule, kind, short)),
            };
            let wrong: Vec<&NotCounted> =
                rc.not_counted.iter().filter(|nc| !nc.reasons.iter().all(Shortfall::is_finishing)).collect();
            if !wrong.is_empty() {
                let first_reasons: BTreeSet<String> = wrong
                    .iter()
                    .filter_map(|nc| nc.reasons.iter().find(|r| !r.is_finishing()).map(ToString::to_string))
                    .collect();
                let why = match first_reasons.len() {
                    1 => first_reasons.into_iter().next().unwrap_or_default(),
                    _ => "see why for each".to_owned(),
                };
                let verb = if wrong.len() == 1 { "does not count" } else { "do not count" };
                message.push_str(&format!(" ({} you have {verb}: {why})", wrong.len()));
            }
            missing.push(Missing { rule: rule.id.clone(), reason: MissingReason::Evidence, item: None, message });
        }
        rc.missing.extend(missing);
    }

    /// What the rule asks for, for `n` items: "reflective summaries tagged to the PCF and KSS".
    fn requirement(&self, rule: &EvidenceRule, kind: EvidenceKind, n: u32) -> String {
        let mut out = kind.noun(n).to_owned();
        if let Some(by) = &rule.by {
            out.push_str(&format!(" by the {}", self.role_name(by)));
        }
        if let Some(from) = &rule.from {
            match FeedbackSource::from_code(from) {
                Some(s) => out.push_str(&format!(" {}", s.from_phrase(n))),
                None => out.push_str(&format!(" from `{from}`")),
            }
        }
        if let Some(level) = &rule.pcf_level {
            let title = Standards::bundled().pcf_level(level).map(|l| l.title.as_str()).unwrap_or(level.as_str());
            out.push_str(&format!(" written against the PCF at {title} level"));
        }
        if let Some(strand) = rule.pcf_strand.as_deref().and_then(|s| PcfTag::parse(s).ok()) {
            out.push_str(&format!(" against {}", strand.label()));
        }
        match (rule.tag_pcf, rule.tag_kss) {
            (true, true) => out.push_str(" tagged to the PCF and KSS"),
            (true, false) => out.push_str(" tagged to a PCF domain"),
            (false, true) => out.push_str(" tagged to a KSS statement"),
            (false, false) => {}
        }
        if let Some(max) = rule.max_pages {
            out.push_str(&format!(" of no more than {max} {}", if max == 1 { "page" } else { "pages" }));
        }
        if !rule.authorised_by.is_empty() {
            let names: Vec<String> = rule.authorised_by.iter().map(|r| self.role_name(r)).collect();
            out.push_str(&format!(" authorised by the {}", and_list(&names)));
        }
        out
    }

    /// A role's name as it reads mid-sentence: "head of service", "LB Bexley's internal
    /// moderation panel". Words of the authority's name keep their capitals.
    fn role_name(&self, role: &RoleId) -> String {
        let name = match self.framework.role(role) {
            Some(r) => r.name.clone(),
            None => match self.framework.level(&LevelId::from(role.as_str())) {
                Some(l) => l.aliases.first().unwrap_or(&l.name).clone(),
                None => role.as_str().replace('-', " "),
            },
        };
        let authority = &self.framework.framework.authority;
        name.split(' ')
            .map(|w| {
                let bare = w.trim_end_matches("'s").trim_end_matches("\u{2019}s");
                let mut chars = w.chars();
                let titlecase = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
                if titlecase && !authority.split_whitespace().any(|a| a == bare) {
                    w.to_lowercase()
                } else {
                    w.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// "a practice observation", "an example of feedback".
fn with_article(phrase: &str) -> String {
    let vowel = phrase.chars().next().is_some_and(|c| "aeiouAEIOU".contains(c));
    let article = if vowel { "an" } else { "a" };
    format!("{article} {phrase}")
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.clone().next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first.to_lowercase().chain(chars).collect(),
        _ => s.to_owned(),
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "child and family practitioners" for `cfp`, from the statement set's title.
fn kss_audiences(sets: &[String]) -> Vec<String> {
    let standards = Standards::bundled();
    sets.iter()
        .map(|id| match standards.kss_set(id) {
            Some(set) => match set.title.rsplit_once(" for ") {
                Some((_, audience)) => format!("{audience} ({id})"),
                None => format!("{} ({id})", set.title),
            },
            None => id.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        let l = |xs: &[&str]| and_list(&xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["head of service"]), "head of service");
        assert_eq!(l(&["service manager", "head of service"]), "service manager and head of service");
        assert_eq!(l(&["a", "b", "c"]), "a, b and c");
        assert_eq!(with_article("example of feedback"), "an example of feedback");
        assert_eq!(lower_first("Evidence of practice"), "evidence of practice");
        assert_eq!(lower_first("ASYE portfolio"), "ASYE portfolio");
        assert_eq!(kss_audiences(&["cfp".into()]), ["child and family practitioners (cfp)"]);
    }
}
