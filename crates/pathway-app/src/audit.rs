//! The audit trail for people checking it: verify each authority's hash chain (proved whole,
//! or the first broken entry named with why), and list entries by person, record and date.
//!
//! The chain itself — the canonical form, the hash, what a break is — is the core's
//! (`pathway_core::audit_chain`); storage writes it. This module walks it in pages, so an
//! authority with millions of entries is checked in bounded memory.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::audit_chain::{Break, ChainWalk};
use pathway_core::ids::WorkerId;
use pathway_core::workforce::EmployeeNumber;
use pathway_store::{AuditQuery, AuditTrail, AuthorityScope, ChainedAuditEvent, EntityKind, Store, Workforce};
use serde::Serialize;

use crate::AppError;
use crate::service::Pathway;

/// How many entries a verification reads at a time.
const PAGE: i64 = 1_000;

/// One authority's chain, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The authority.
    pub authority: String,
    /// How many entries checked before the first break (all of them, if intact).
    pub entries: i64,
    /// The hash of the last entry that checked: record it somewhere else, and a later
    /// verification that reaches it proves nothing before it was rewritten.
    pub head: String,
    /// The first entry where the chain stops checking; None when it is intact.
    pub broken: Option<BrokenEntry>,
}

impl ChainReport {
    /// Whether every entry checked.
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// The first entry of a chain that does not check, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenEntry {
    /// Its place in the chain (None for an entry with none, or when the break is at the end).
    pub chain_seq: Option<i64>,
    /// The record it is about: `evidence`, `application`, `panel`, `asye-programme`.
    pub entity_kind: Option<EntityKind>,
    /// That record's id.
    pub entity_id: Option<i64>,
    /// What the entry says happened.
    pub what: Option<String>,
    /// Stable code: `hash_mismatch`, `prev_hash_mismatch`, `gap`, `missing_hash`,
    /// `unchained`, `missing_tail`, `head_mismatch`, `missing_head`, `beyond_head`.
    pub code: &'static str,
    /// Why, in a sentence.
    pub problem: String,
}

impl BrokenEntry {
    fn at(entry: &ChainedAuditEvent, why: &Break) -> BrokenEntry {
        BrokenEntry {
            chain_seq: entry.chain_seq,
            entity_kind: Some(entry.event.entity_kind),
            entity_id: Some(entry.event.entity_id),
            what: Some(entry.event.what.clone()),
            code: why.code(),
            problem: why.to_string(),
        }
    }

    fn at_end(why: &Break) -> BrokenEntry {
        BrokenEntry {
            chain_seq: None,
            entity_kind: None,
            entity_id: None,
            what: None,
            code: why.code(),
            problem: why.to_string(),
        }
    }
}

/// Walk one authority's chain from its first entry to the end its chain head records, then
/// look for entries with no place in it.
pub async fn verify_chain(store: &Store, scope: &AuthorityScope) -> Result<ChainReport, AppError> {
    let authority = scope.id().as_str().to_owned();
    // Entries are written in the same transaction that moves the head on, so every entry up
    // to the head read here is there to be read; entries appended meanwhile lie beyond it.
    let head = store.audit_chain_head(scope).await?;
    let until = head.as_ref().map_or(0, |h| h.chain_seq);
    let mut walk = ChainWalk::new();
    let report = |walk: &ChainWalk, broken| ChainReport {
        authority: authority.clone(),
        entries: walk.entries(),
        head: walk.head().to_owned(),
        broken,
    };
    let mut after = 0;
    loop {
        let page = store.audit_chain_entries(scope, after, until, PAGE).await?;
        for entry in &page {
            if let Err(why) = walk.check(entry.link(), &entry.chain_row()) {
                return Ok(report(&walk, Some(BrokenEntry::at(entry, &why))));
            }
        }
        match page.last().and_then(|e| e.chain_seq) {
            Some(last) if page.len() == usize::try_from(PAGE).unwrap_or(usize::MAX) => after = last,
            _ => break,
        }
    }
    if let Err(why) = walk.finish(head.as_ref().map(|h| (h.chain_seq, h.hash.as_str()))) {
        return Ok(report(&walk, Some(BrokenEntry::at_end(&why))));
    }
    // An entry past that head is either appended since (its head, read after it, covers it)
    // or put there with SQL. Reading the entry first and the head second tells them apart.
    if let Some(entry) = store.audit_chain_entries(scope, until, i64::MAX, 1).await?.first() {
        let now = store.audit_chain_head(scope).await?.map_or(0, |h| h.chain_seq);
        if entry.chain_seq.is_some_and(|seq| seq > now) {
            return Ok(report(&walk, Some(BrokenEntry::at(entry, &Break::BeyondHead { head: now }))));
        }
    }
    if let Some(entry) = store.audit_unchained(scope, 1).await?.first() {
        return Ok(report(&walk, Some(BrokenEntry::at(entry, &Break::Unchained))));
    }
    Ok(report(&walk, None))
}

/// Which entries `audit show` lists; every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries by this person or about their records.
    pub person: Option<String>,
    /// Entries about one record, written `KIND:ID` (`application:3`, `evidence:12`).
    pub record: Option<String>,
    /// Entries that took effect on or after this day.
    pub from: Option<NaiveDate>,
    /// Entries that took effect on or before this day.
    pub to: Option<NaiveDate>,
}

/// One audit entry as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its place in the authority's chain.
    pub chain_seq: Option<i64>,
    /// The record, `KIND:ID`.
    pub record: String,
    /// The record's version after the change.
    pub version: i64,
    /// Who acted: their name.
    pub by: String,
    /// Their employee number, if they are still on the records.
    pub by_employee_number: Option<String>,
    /// The role they acted in.
    pub role: String,
    /// The account that entered it on their behalf (the CLI's operator acting `--as` them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    /// The address it was entered from, for a change made over HTTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered_from: Option<String>,
    /// When it took effect.
    pub at: DateTime<Utc>,
    /// When it was entered, if later than it took effect (a late entry).
    pub entered_at: Option<DateTime<Utc>>,
    /// Why it was entered late.
    pub late_because: Option<String>,
    /// What happened.
    pub what: String,
    /// Why, in the actor's words.
    pub why: String,
    /// When storage wrote it.
    pub recorded_at: DateTime<Utc>,
    /// Its hash in the chain.
    pub hash: Option<String>,
}

/// Read `KIND:ID` (`application:3`).
fn parse_record(text: &str) -> Result<(EntityKind, i64), AppError> {
    let bad = |message: String| AppError::BadInput { field: "--record".into(), message };
    let (kind, id) = text
        .split_once(':')
        .ok_or_else(|| bad(format!("`{text}` is not KIND:ID, e.g. application:3 or evidence:12")))?;
    let kind = EntityKind::from_code(kind.trim()).ok_or_else(|| {
        bad(format!(
            "`{kind}` is not a kind of record in the audit trail: evidence, application, panel, asye-programme, eligibility-exception, \
             unit, post, account, portfolio, panel-pack, authority, import, framework, legal-hold, erasure, \
             oidc-identity"
        ))
    })?;
    let id = id.trim().parse::<i64>().map_err(|_| bad(format!("`{id}` is not a record id (a number)")))?;
    Ok((kind, id))
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// The entries of one authority matching `filter`, in the order they were written.
pub async fn show(store: &Store, scope: &AuthorityScope, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(AppError::BadInput {
            field: "--from".into(),
            message: format!("{from} is after --to {to}; nothing could match"),
        });
    }
    let person = match &filter.person {
        Some(number) => {
            let number: EmployeeNumber =
                number.parse().map_err(|e| AppError::BadInput { field: "--person".into(), message: format!("{e}") })?;
            Some(store.worker_by_employee_number(scope, &number).await?.id)
        }
        None => None,
    };
    let query = AuditQuery {
        person,
        record: filter.record.as_deref().map(parse_record).transpose()?,
        from: filter.from.map(start_of),
        before: filter.to.and_then(|d| d.succ_opt()).map(start_of),
    };
    let found = store.audit_search(scope, &query).await?;
    let actors: BTreeSet<WorkerId> = found.iter().filter_map(|entry| entry.event.by.person).collect();
    let mut numbers: BTreeMap<WorkerId, Option<String>> = BTreeMap::new();
    for id in actors {
        let number = match store.worker(scope, id).await {
            Ok(worker) => Some(worker.details.employee_number.as_str().to_owned()),
            Err(pathway_store::StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        numbers.insert(id, number);
    }
    Ok(found
        .into_iter()
        .map(|entry| {
            let e = entry.event;
            AuditEntry {
                chain_seq: entry.chain_seq,
                record: format!("{}:{}", e.entity_kind, e.entity_id),
                version: e.entity_version.get(),
                by_employee_number: e.by.person.and_then(|p| numbers.get(&p).cloned().flatten()),
                by: e.by.name,
                role: e.by.role,
                entered_by: e.entered_by,
                entered_from: e.entered_from,
                at: e.at,
                entered_at: e.backdated.as_ref().map(|b| b.entered_at),
                late_because: e.backdated.map(|b| b.reason),
                what: e.what,
                why: e.why,
                recorded_at: e.recorded_at,
                hash: entry.hash,
            }
        })
        .collect())
}

impl Pathway {
    /// Verify the audit chain of one authority, or of every authority.
    pub async fn verify_audit(&self, authority: Option<&str>) -> Result<Vec<ChainReport>, AppError> {
        let scopes = match authority {
            Some(id) => vec![self.scope(id).await?],
            None => {
                let mut scopes = Vec::new();
                for a in pathway_store::Tenancy::authorities(self.store()).await? {
                    scopes.push(self.scope(a.id.as_str()).await?);
                }
                scopes
            }
        };
        let mut reports = Vec::with_capacity(scopes.len());
        for scope in &scopes {
            reports.push(verify_chain(self.store(), scope).await?);
        }
        Ok(reports)
    }

    /// List one authority's audit entries matching `filter`.
    pub async fn audit_show(&self, authority: &str, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        let scope = self.scope(authority).await?;
        show(self.store(), &scope, filter).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_named_kind_colon_id() {
        assert_eq!(parse_record("application:3").unwrap(), (EntityKind::Application, 3));
        assert_eq!(parse_record("asye-programme: 12").unwrap(), (EntityKind::AsyeProgramme, 12));
        for (text, says) in
            [("application", "not KIND:ID"), ("worker:3", "not a kind of record"), ("panel:x", "not a record id")]
        {
            let err = parse_record(text).unwrap_err().to_string();
            assert!(err.starts_with("--record") && err.contains(says), "{text}: {err}");
        }
    }
}
