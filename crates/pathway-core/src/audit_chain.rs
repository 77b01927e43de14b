//! The audit trail as a hash chain, one per authority: each entry's hash covers the entry and
//! the hash before it, so editing, removing or reordering an entry with SQL breaks every link
//! after it. Both databases store the same bytes through this one module, so a chain written
//! on SQLite and one written on PostgreSQL are checked alike.
//!
//! **The canonical form** of an entry is UTF-8 text: the line `pathway-audit-v1`, then one
//! line per field in this order — `authority`, `entity_kind`, `entity_id`, `entity_version`,
//! `seq`, `actor_id`, `actor_name`, `actor_role`, `occurred_at`, `entered_at`,
//! `backdated_because`, `why`, `what`, `detail`, `recorded_at` — each written
//! `name:LENGTH:VALUE\n`, where LENGTH is the value's size in bytes (so a value holding a
//! newline or a colon cannot be mistaken for the next field), or `name:-\n` for a field with
//! no value. Then, only when the entry has one, a trailing `entered_by` line: the account
//! that typed the entry in on the actor's behalf (added in migration 12; an entry without
//! one has exactly the form it had before, so chains written earlier still check). An entry
//! After it, again only when present, a trailing `entered_from` line: the address the
//! request came from (added in migration 15, for changes made over HTTP). An entry
//! with no person behind it (a set-up command by the operator account, a sign-in by an
//! account) writes `actor_id:-`; entries before migration 12 always had one.
//! Integers are decimal; times are UTC to the microsecond,
//! `2025-06-12T09:00:00.000000Z` (storage keeps times to the microsecond on both databases).
//!
//! **The hash** of an entry is the lowercase hex SHA-256 of its predecessor's hash (64 hex
//! characters; [`GENESIS`] for the first entry) followed by the canonical form.
//!
//! What a chain proves, and what it does not, is said in the README ("The audit trail"):
//! someone able to rewrite every entry from a point onwards, and the chain head, makes a
//! chain that checks; keeping the head hash elsewhere is what catches that.

use std::fmt::{self, Write as _};

use chrono::{DateTime, Utc};
use serde::Serialize;

use sha2::{Digest, Sha256};

use crate::text::hex;

/// The `prev_hash` of an authority's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The first line of the canonical form; a new form would get a new line.
pub const FORM: &str = "pathway-audit-v1";

/// Every field of an audit entry the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow<'a> {
    pub authority: &'a str,
    pub entity_kind: &'a str,
    pub entity_id: i64,
    pub entity_version: i64,
    /// The entry's place in its record's own trail.
    pub seq: i64,
    /// The person who acted; None when no person did (the operator account's set-up
    /// commands, an account's sign-in with no person recorded).
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub actor_role: &'a str,
    /// When the action took effect.
    pub occurred_at: DateTime<Utc>,
    /// When a backdated action was entered.
    pub entered_at: Option<DateTime<Utc>>,
    pub backdated_because: Option<&'a str>,
    pub why: &'a str,
    pub what: &'a str,
    /// The change as the record's history holds it (JSON).
    pub detail: &'a str,
    /// When storage wrote the entry.
    pub recorded_at: DateTime<Utc>,
    /// The account that typed it in on the actor's behalf; written only when present.
    pub entered_by: Option<&'a str>,
    /// The address the change came from (a request over HTTP); written only when present.
    pub entered_from: Option<&'a str>,
}

/// A time as the canonical form writes it: UTC, microseconds, `Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// `at` cut to the microsecond, as both databases store it.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

fn field(out: &mut String, name: &str, value: Option<&str>) {
    // Writing to a String cannot fail.
    let _ = match value {
        Some(v) => writeln!(out, "{name}:{}:{v}", v.len()),
        None => writeln!(out, "{name}:-"),
    };
}

/// The canonical form of an entry (see the module header).
pub fn canonical(row: &ChainRow<'_>) -> String {
    let mut out = String::with_capacity(256 + row.detail.len() + row.why.len());
    out.push_str(FORM);
    out.push('\n');
    field(&mut out, "authority", Some(row.authority));
    field(&mut out, "entity_kind", Some(row.entity_kind));
    field(&mut out, "entity_id", Some(&row.entity_id.to_string()));
    field(&mut out, "entity_version", Some(&row.entity_version.to_string()));
    field(&mut out, "seq", Some(&row.seq.to_string()));
    field(&mut out, "actor_id", row.actor_id.map(|id| id.to_string()).as_deref());
    field(&mut out, "actor_name", Some(row.actor_name));
    field(&mut out, "actor_role", Some(row.actor_role));
    field(&mut out, "occurred_at", Some(&timestamp(row.occurred_at)));
    field(&mut out, "entered_at", row.entered_at.map(timestamp).as_deref());
    field(&mut out, "backdated_because", row.backdated_because);
    field(&mut out, "why", Some(row.why));
    field(&mut out, "what", Some(row.what));
    field(&mut out, "detail", Some(row.detail));
    field(&mut out, "recorded_at", Some(&timestamp(row.recorded_at)));
    if let Some(entered_by) = row.entered_by {
        field(&mut out, "entered_by", Some(entered_by));
    }
    if let Some(entered_from) = row.entered_from {
        field(&mut out, "entered_from", Some(entered_from));
    }
    out
}

/// The hash of `row` following an entry whose hash is `prev_hash`.
pub fn link_hash(prev_hash: &str, row: &ChainRow<'_>) -> String {
    let mut sha = Sha256::new();
    sha.update(prev_hash.as_bytes());
    sha.update(canonical(row).as_bytes());
    hex(&sha.finalize())
}

/// An entry's place in the chain, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link<'a> {
    /// None for an entry never chained (or unchained since).
    pub chain_seq: Option<i64>,
    pub prev_hash: Option<&'a str>,
    pub hash: Option<&'a str>,
}

/// Why a chain does not check, at the first entry where it stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Break {
    /// The entry's contents no longer give its stored hash: it was edited.
    HashMismatch { stored: String, computed: String },
    /// The entry does not name the hash of the one before it.
    PrevHashMismatch { stored: Option<String>, expected: String },
    /// Entries are missing before this one (removed, or renumbered).
    Gap { expected: i64, found: i64 },
    /// The entry has a place in the chain but no hash.
    MissingHash,
    /// The entry has no place in the chain at all.
    Unchained,
    /// The chain ends before the entry the authority's chain head records.
    MissingTail { last: i64, head: i64 },
    /// The chain's last entry is not the one the chain head records.
    HeadMismatch { last_hash: String, head_hash: String },
    /// Entries exist but the authority has no chain head.
    MissingHead,
    /// The entry lies beyond the end the chain head records: added behind Pathway's back.
    BeyondHead { head: i64 },
}

impl Break {
    /// A stable code for scripts: `hash_mismatch`, `gap`, ...
    pub const fn code(&self) -> &'static str {
        match self {
            Break::HashMismatch { .. } => "hash_mismatch",
            Break::PrevHashMismatch { .. } => "prev_hash_mismatch",
            Break::Gap { .. } => "gap",
            Break::MissingHash => "missing_hash",
            Break::Unchained => "unchained",
            Break::MissingTail { .. } => "missing_tail",
            Break::HeadMismatch { .. } => "head_mismatch",
            Break::MissingHead => "missing_head",
            Break::BeyondHead { .. } => "beyond_head",
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::HashMismatch { stored, computed } => write!(
                f,
                "hash mismatch: the entry as stored hashes to {computed}, not the {stored} written with it \
                 (it was changed after it was written)"
            ),
            Break::PrevHashMismatch { stored: Some(stored), expected } => {
                write!(
                    f,
                    "prev_hash mismatch: it names {stored} as the entry before it, but that entry's hash is {expected}"
                )
            }
            Break::PrevHashMismatch { stored: None, expected } => {
                write!(f, "prev_hash mismatch: it names no entry before it; the one before it hashes to {expected}")
            }
            Break::Gap { expected, found } if found - expected == 1 => {
                write!(f, "gap in sequence: entry {expected} is missing before entry {found}")
            }
            Break::Gap { expected, found } if found > expected => {
                write!(f, "gap in sequence: entries {expected} to {} are missing before entry {found}", found - 1)
            }
            Break::Gap { expected, found } => {
                write!(f, "out of sequence: entry {found} stands where entry {expected} should be")
            }
            Break::MissingHash => f.write_str("missing hash: the entry has a place in the chain but no hash"),
            Break::Unchained => f.write_str("unchained: the entry has no place in the chain"),
            Break::MissingTail { last, head } => write!(
                f,
                "gap in sequence: the chain head records {head} entries but the chain ends at entry {last} \
                 (the last entries were removed)"
            ),
            Break::HeadMismatch { last_hash, head_hash } => {
                write!(f, "head mismatch: the chain head records {head_hash} but the last entry hashes to {last_hash}")
            }
            Break::MissingHead => f.write_str("missing head: entries exist but the chain head was removed"),
            Break::BeyondHead { head } => write!(
                f,
                "beyond the head: the chain head records {head} entries, so this entry was not added by Pathway"
            ),
        }
    }
}

/// A walk along one authority's chain, fed its entries in `chain_seq` order. It stops
/// trusting the chain at the first break, which the caller reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainWalk {
    next_seq: i64,
    last_hash: String,
}

impl Default for ChainWalk {
    fn default() -> ChainWalk {
        ChainWalk::new()
    }
}

impl ChainWalk {
    /// A walk from the start of a chain.
    pub fn new() -> ChainWalk {
        ChainWalk { next_seq: 1, last_hash: GENESIS.to_owned() }
    }

    /// How many entries have checked so far.
    pub fn entries(&self) -> i64 {
        self.next_seq - 1
    }

    /// The hash of the last entry that checked ([`GENESIS`] before any).
    pub fn head(&self) -> &str {
        &self.last_hash
    }

    /// Check the next entry: its place, its link to the one before and its own hash.
    pub fn check(&mut self, link: Link<'_>, row: &ChainRow<'_>) -> Result<(), Break> {
        let Some(seq) = link.chain_seq else { return Err(Break::Unchained) };
        if seq != self.next_seq {
            return Err(Break::Gap { expected: self.next_seq, found: seq });
        }
        if link.prev_hash != Some(self.last_hash.as_str()) {
            return Err(Break::PrevHashMismatch {
                stored: link.prev_hash.map(str::to_owned),
                expected: self.last_hash.clone(),
            });
        }
        let Some(stored) = link.hash else { return Err(Break::MissingHash) };
        let computed = link_hash(&self.last_hash, row);
        if computed != stored {
            return Err(Break::HashMismatch { stored: stored.to_owned(), computed });
        }
        self.next_seq += 1;
        self.last_hash = computed;
        Ok(())
    }

    /// Check the walk ended where the authority's chain head (`(chain_seq, hash)`, None when
    /// it has none) says the chain ends.
    pub fn finish(&self, head: Option<(i64, &str)>) -> Result<(), Break> {
        let last = self.entries();
        match head {
            None if last == 0 => Ok(()),
            None => Err(Break::MissingHead),
            Some((seq, _)) if seq > last => Err(Break::MissingTail { last, head: seq }),
            Some((_, hash)) if hash != self.last_hash => {
                Err(Break::HeadMismatch { last_hash: self.last_hash.clone(), head_hash: hash.to_owned() })
            }
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn row<'a>(why: &'a str) -> ChainRow<'a> {
        ChainRow {
            authority: "medway",
            entity_kind: "evidence",
            entity_id: 12,
            entity_version: 1,
            seq: 1,
            actor_id: Some(7),
            actor_name: "Priya Shah",
            actor_role: "worker",
            occurred_at: at("2025-06-12T09:00:00Z"),
            entered_at: None,
            backdated_because: None,
            why,
            what: "added evidence",
            detail: "{\"title\":\"Direct work\"}",
            recorded_at: at("2025-06-12T09:00:00.123456789Z"),
            entered_by: None,
            entered_from: None,
        }
    }

    #[test]
    fn an_entry_written_before_entered_by_existed_hashes_as_it_always_did() {
        // The hash of a v1 entry, worked out independently of this code (Python's hashlib
        // over the form in the module header): chains written before migration 12 must
        // still check, so an entry with no `entered_by` keeps exactly its old bytes.
        assert_eq!(
            link_hash(GENESIS, &row("first visit")),
            "1c66b0d70914c5e28eeb572d9e135af9aa4954c4b2fc5350681c706058fb6ecd"
        );
        let mut on_behalf = row("first visit");
        on_behalf.entered_by = Some("ops.admin");
        let form = canonical(&on_behalf);
        assert!(form.ends_with("recorded_at:27:2025-06-12T09:00:00.123456Z\nentered_by:9:ops.admin\n"), "{form}");
        assert_ne!(link_hash(GENESIS, &on_behalf), link_hash(GENESIS, &row("first visit")));
        let mut nobody = row("first visit");
        nobody.actor_id = None;
        assert!(canonical(&nobody).contains("\nactor_id:-\n"));
    }

    #[test]
    fn the_address_a_change_came_from_is_hashed_after_the_account_and_only_when_known() {
        let mut over_http = row("first visit");
        over_http.entered_by = Some("priya.shah");
        over_http.entered_from = Some("192.0.2.17");
        let form = canonical(&over_http);
        assert!(form.ends_with("entered_by:10:priya.shah\nentered_from:10:192.0.2.17\n"), "{form}");
        let mut elsewhere = over_http.clone();
        elsewhere.entered_from = Some("198.51.100.4");
        assert_ne!(
            link_hash(GENESIS, &over_http),
            link_hash(GENESIS, &elsewhere),
            "the address is covered by the hash"
        );
        let mut unknown = over_http.clone();
        unknown.entered_from = None;
        assert!(!canonical(&unknown).contains("entered_from"));
    }

    #[test]
    fn the_canonical_form_is_length_prefixed_and_times_are_microseconds_utc() {
        let form = canonical(&row("first visit:\nwith a colon"));
        assert!(form.starts_with("pathway-audit-v1\nauthority:6:medway\nentity_kind:8:evidence\n"), "{form}");
        assert!(form.contains("\noccurred_at:27:2025-06-12T09:00:00.000000Z\nentered_at:-\nbackdated_because:-\n"));
        assert!(form.contains("\nwhy:25:first visit:\nwith a colon\n"), "{form}");
        assert!(form.ends_with("recorded_at:27:2025-06-12T09:00:00.123456Z\n"), "nanoseconds are cut: {form}");
    }

    #[test]
    fn a_field_boundary_cannot_be_moved_without_changing_the_hash() {
        // The same bytes split differently between `why` and `what` must not collide.
        let mut a = row("ab");
        a.what = "c";
        let mut b = row("a");
        b.what = "bc";
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
        let mut backdated = row("ab");
        backdated.what = "c";
        backdated.entered_at = Some(at("2025-06-19T10:00:00Z"));
        backdated.backdated_because = Some("paper form");
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &backdated));
    }

    #[test]
    fn the_hash_is_sha256_of_the_previous_hash_then_the_canonical_form() {
        let r = row("first visit");
        let hash = link_hash(GENESIS, &r);
        assert_eq!(hash.len(), 64);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(hash, link_hash(&hash, &r), "the same entry after another hashes differently");
        assert_eq!(hash, link_hash(GENESIS, &r.clone()), "stable");
    }

    fn chain(rows: &[ChainRow<'_>]) -> Vec<(i64, String, String)> {
        let mut prev = GENESIS.to_owned();
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let hash = link_hash(&prev, r);
            out.push((i64::try_from(i).unwrap() + 1, prev.clone(), hash.clone()));
            prev = hash;
        }
        out
    }

    fn walk(rows: &[ChainRow<'_>], links: &[(i64, String, String)]) -> Result<ChainWalk, (usize, Break)> {
        let mut w = ChainWalk::new();
        for (i, (r, (seq, prev, hash))) in rows.iter().zip(links).enumerate() {
            let link = Link { chain_seq: Some(*seq), prev_hash: Some(prev), hash: Some(hash) };
            w.check(link, r).map_err(|b| (i, b))?;
        }
        Ok(w)
    }

    #[test]
    fn an_intact_chain_checks_and_ends_at_its_head() {
        let rows = [row("one"), row("two"), row("three")];
        let links = chain(&rows);
        let w = walk(&rows, &links).unwrap();
        assert_eq!(w.entries(), 3);
        assert_eq!(w.head(), links[2].2);
        assert_eq!(w.finish(Some((3, &links[2].2))), Ok(()));
        assert_eq!(ChainWalk::new().finish(None), Ok(()), "an empty chain with no head checks");
    }

    #[test]
    fn an_edited_entry_is_the_first_break() {
        let rows = [row("one"), row("two"), row("three")];
        let links = chain(&rows);
        let edited = [row("one"), row("changed"), row("three")];
        let (at, why) = walk(&edited, &links).unwrap_err();
        assert_eq!(at, 1);
        assert_eq!(why.code(), "hash_mismatch");
        assert!(why.to_string().contains("changed after it was written"));
    }

    #[test]
    fn a_removed_entry_is_a_gap_and_a_removed_tail_disagrees_with_the_head() {
        let rows = [row("one"), row("two"), row("three")];
        let links = chain(&rows);
        let (at, why) = walk(&[row("one"), row("three")], &[links[0].clone(), links[2].clone()]).unwrap_err();
        assert_eq!((at, why.clone()), (1, Break::Gap { expected: 2, found: 3 }));
        assert_eq!(why.to_string(), "gap in sequence: entry 2 is missing before entry 3");

        let w = walk(&rows[..2], &links[..2]).unwrap();
        assert_eq!(w.finish(Some((3, &links[2].2))), Err(Break::MissingTail { last: 2, head: 3 }));
        assert_eq!(w.finish(None), Err(Break::MissingHead));
        assert_eq!(w.finish(Some((2, GENESIS))).unwrap_err().code(), "head_mismatch");
    }

    #[test]
    fn an_entry_relinked_or_without_a_hash_or_a_place_is_a_break() {
        let rows = [row("one"), row("two")];
        let links = chain(&rows);
        let mut w = walk(&rows[..1], &links[..1]).unwrap();
        let (seq, _, hash) = &links[1];
        let relinked = Link { chain_seq: Some(*seq), prev_hash: Some(GENESIS), hash: Some(hash) };
        assert_eq!(w.check(relinked, &rows[1]).unwrap_err().code(), "prev_hash_mismatch");
        let unhashed = Link { chain_seq: Some(*seq), prev_hash: Some(&links[0].2), hash: None };
        assert_eq!(w.check(unhashed, &rows[1]), Err(Break::MissingHash));
        let unplaced = Link { chain_seq: None, prev_hash: None, hash: None };
        assert_eq!(w.check(unplaced, &rows[1]), Err(Break::Unchained));
    }
}
