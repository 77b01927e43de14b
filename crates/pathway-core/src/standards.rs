//! National standards (PCF, KSS, Social Work England) and the NJC pay spine, kept as data
//! in `reference/` and compiled in, so frameworks can refer to them by id.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Pence;

const STANDARDS_TOML: &str = include_str!("../../../reference/standards.toml");
const NJC_SPINE_CSV: &str = include_str!("../../../reference/njc_pay_spine.csv");

/// All national reference data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Standards {
    /// The Professional Capabilities Framework.
    pub pcf: Pcf,
    /// Knowledge and skills statement sets.
    pub kss: Vec<KssSet>,
    /// Social Work England professional standards.
    pub swe: Swe,
    /// The NJC pay spine, by pay year.
    #[serde(skip)]
    pub njc: NjcSpine,
}

/// The PCF's domains and levels.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pcf {
    /// Its name.
    pub name: String,
    /// The nine domains.
    pub domains: Vec<PcfDomain>,
    /// The nine levels.
    pub levels: Vec<PcfLevel>,
}

/// One PCF domain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PcfDomain {
    /// Slug id, e.g. `critical-reflection-and-analysis`.
    pub id: String,
    /// 1 to 9.
    pub number: u32,
    /// Title (2018 refresh).
    pub title: String,
    /// Whether a source confirmed the title.
    pub verified: bool,
}

/// One PCF level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PcfLevel {
    /// Slug id, e.g. `experienced-social-worker`.
    pub id: String,
    /// 1 (entry) to 9 (strategic).
    pub order: u32,
    /// Title.
    pub title: String,
    /// Whether a source confirmed it.
    pub verified: bool,
}

/// A KSS statement set such as child and family practitioners (`cfp`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KssSet {
    /// `cfp`, `ps` or `pl`.
    pub id: String,
    /// Official title.
    pub title: String,
    /// How many statements the official document has.
    pub statement_count: u32,
    /// The statements Pathway knows.
    pub statements: Vec<KssStatement>,
    /// Whether a source confirmed the set's details.
    pub verified: bool,
}

/// One KSS statement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KssStatement {
    /// Number within the set.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Whether a source confirmed the title.
    pub verified: bool,
}

/// Social Work England's professional standards.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Swe {
    /// The six standards.
    pub standards: Vec<SweStandard>,
}

/// One SWE professional standard.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweStandard {
    /// 1 to 6.
    pub number: u32,
    /// Title.
    pub title: String,
    /// Whether a source confirmed the title.
    pub verified: bool,
}

/// NJC spinal column point salaries per pay year (pay years start on 1 April).
#[derive(Debug, Clone, Default)]
pub struct NjcSpine {
    /// Pay year start year (2024 for 2024-25) → SCP → annual salary, where known.
    years: BTreeMap<i32, BTreeMap<u32, Pence>>,
    /// Caveats on a whole pay year (e.g. figures computed rather than published).
    notes: BTreeMap<i32, String>,
    /// Points whose figures no retrieved table confirmed, with the caveat the file gives.
    unverified: BTreeMap<u32, String>,
}

/// A figure read from the NJC spine, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NjcFigure {
    /// The annual salary.
    pub pence: Pence,
    /// The pay year the figure belongs to, like "2024-25".
    pub year: String,
    /// Why the figure is not confirmed, when no retrieved table gave it.
    pub unverified: Option<String>,
    /// The date falls in a later pay year whose award is not on record, so this (the latest
    /// year on record) is still being paid; the later year's label.
    pub award_not_on_record: Option<String>,
}

/// What the NJC spine says about one point on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NjcLookup {
    /// The salary, from the latest pay year on record that started on or before the date.
    Known(NjcFigure),
    /// The pay year is on record but this point's figure is not.
    UnknownPoint(String),
    /// The date comes before the first pay year on record, which is named ("2023-24").
    BeforeFirstYear(String),
}

/// "2024-25" for the pay year starting on 1 April 2024.
pub fn pay_year_label(start_year: i32) -> String {
    format!("{}-{:02}", start_year, (start_year + 1).rem_euclid(100))
}

impl NjcSpine {
    /// The salary for `scp` on `date`. National awards are often agreed months after
    /// 1 April; until one is, the previous year's rates go on being paid, so the rates in
    /// force are those of the latest pay year on record that started on or before the date.
    pub fn lookup(&self, scp: u32, date: NaiveDate) -> NjcLookup {
        let date_year = if date.month() >= 4 { date.year() } else { date.year() - 1 };
        let Some((start_year, points)) = self.years.range(..=date_year).next_back() else {
            let first = self.years.keys().next().copied().unwrap_or(date_year + 1);
            return NjcLookup::BeforeFirstYear(pay_year_label(first));
        };
        let label = pay_year_label(*start_year);
        match points.get(&scp) {
            Some(pence) => NjcLookup::Known(NjcFigure {
                pence: *pence,
                year: label,
                unverified: self.unverified.get(&scp).cloned(),
                award_not_on_record: (date_year > *start_year).then(|| pay_year_label(date_year)),
            }),
            None => NjcLookup::UnknownPoint(label),
        }
    }

    /// A caveat on the pay year `label` ("2025-26"), if the reference data records one.
    pub fn year_note(&self, label: &str) -> Option<&str> {
        let start: i32 = label.split('-').next()?.parse().ok()?;
        self.notes.get(&start).map(String::as_str)
    }

    /// Why the figures for `scp` are unverified, if they are.
    pub fn unverified(&self, scp: u32) -> Option<&str> {
        self.unverified.get(&scp).map(String::as_str)
    }

    /// Whether any pay year on record has a figure for `scp`.
    pub fn has_any_figure(&self, scp: u32) -> bool {
        self.years.values().any(|y| y.contains_key(&scp))
    }

    /// The last day of the latest pay year on record (31 March).
    pub fn last_day_on_record(&self) -> Option<NaiveDate> {
        self.years.keys().last().and_then(|y| NaiveDate::from_ymd_opt(y + 1, 3, 31))
    }

    /// Pay years on record, as start years.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    fn parse(csv: &str) -> NjcSpine {
        let notes = csv
            .lines()
            .filter_map(|l| l.strip_prefix("# year-note "))
            .filter_map(|l| {
                let (year, note) = l.split_once(':')?;
                Some((year.trim().split('-').next()?.parse().ok()?, note.trim().to_owned()))
            })
            .collect();
        // `# unverified-scp 32, 33: why` marks points whose figures no retrieved table gave.
        let unverified = csv
            .lines()
            .filter_map(|l| l.strip_prefix("# unverified-scp "))
            .filter_map(|l| l.split_once(':'))
            .flat_map(|(points, why)| {
                let why = why.trim().to_owned();
                points.split(',').filter_map(move |p| Some((p.trim().parse::<u32>().ok()?, why.clone())))
            })
            .collect();
        let mut lines = csv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        let header: Vec<i32> = lines
            .next()
            .map(|h| h.split(',').skip(1).filter_map(|y| y.split('-').next()?.parse().ok()).collect())
            .unwrap_or_default();
        let mut years: BTreeMap<i32, BTreeMap<u32, Pence>> = header.iter().map(|y| (*y, BTreeMap::new())).collect();
        for line in lines {
            let mut cells = line.split(',');
            let Some(Ok(scp)) = cells.next().map(|c| c.trim().parse::<u32>()) else {
                continue;
            };
            for (year, cell) in header.iter().zip(cells) {
                // A figure that is unreadable or too large to hold is left out, so the
                // answer for that point says the figure is not known.
                if let Some(pay) = cell.trim().parse::<i64>().ok().and_then(Pence::checked_pounds) {
                    years.entry(*year).or_default().insert(scp, pay);
                }
            }
        }
        NjcSpine { years, notes, unverified }
    }
}

impl Standards {
    /// The standards compiled into Pathway.
    pub fn bundled() -> &'static Standards {
        static CELL: OnceLock<Standards> = OnceLock::new();
        CELL.get_or_init(|| {
            // The file is ours and checked by a test; an unreadable copy is a build defect,
            // so fall back to empty lists rather than abort a running service.
            let mut s: Standards = toml::from_str(STANDARDS_TOML).unwrap_or_else(|_| Standards {
                pcf: Pcf { name: String::new(), domains: Vec::new(), levels: Vec::new() },
                kss: Vec::new(),
                swe: Swe { standards: Vec::new() },
                njc: NjcSpine::default(),
            });
            s.njc = NjcSpine::parse(NJC_SPINE_CSV);
            s
        })
    }

    /// The PCF domain an id (`knowledge` or `pcf.5`) names.
    pub fn pcf_domain(&self, id: &str) -> Option<&PcfDomain> {
        if let Some(n) = id.strip_prefix("pcf.").and_then(|n| n.parse::<u32>().ok()) {
            return self.pcf.domains.iter().find(|d| d.number == n);
        }
        self.pcf.domains.iter().find(|d| d.id == id)
    }

    /// The PCF level an id names.
    pub fn pcf_level(&self, id: &str) -> Option<&PcfLevel> {
        self.pcf.levels.iter().find(|l| l.id == id)
    }

    /// The KSS set an id names.
    pub fn kss_set(&self, id: &str) -> Option<&KssSet> {
        self.kss.iter().find(|s| s.id == id)
    }

    /// The KSS statement a reference like `cfp.7` names, with its set.
    pub fn kss_statement(&self, reference: &str) -> Option<(&KssSet, &KssStatement)> {
        let (set, number) = reference.split_once('.')?;
        let number: u32 = number.parse().ok()?;
        let set = self.kss_set(set)?;
        set.statements.iter().find(|s| s.number == number).map(|s| (set, s))
    }
}

/// A named set of standards a worker can be assessed as meeting: a KSS statement set
/// (`kss.ps`) or the PCF at one of its levels (`pcf.experienced-social-worker`). Only sets
/// the bundled reference knows can be named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StandardSet(String);

impl StandardSet {
    /// Parse `kss.ps`, `kss.cfp`, `kss.pl` or `pcf.` followed by a PCF level id.
    pub fn parse(text: &str) -> Result<StandardSet, String> {
        let t = text.trim().to_lowercase();
        let s = Standards::bundled();
        let known = match t.split_once('.') {
            Some(("kss", set)) => s.kss_set(set).is_some(),
            Some(("pcf", level)) => s.pcf_level(level).is_some(),
            _ => false,
        };
        if known {
            Ok(StandardSet(t))
        } else {
            let sets: Vec<String> = s.kss.iter().map(|k| format!("kss.{}", k.id)).collect();
            let levels: Vec<String> = s.pcf.levels.iter().map(|l| format!("pcf.{}", l.id)).collect();
            Err(format!(
                "`{}` is not a standard set Pathway knows: use a KSS set ({}) or the PCF at a level ({})",
                text.trim(),
                sets.join(", "),
                levels.join(", ")
            ))
        }
    }

    /// As written: `kss.ps`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its title for a sentence: "the Knowledge and Skills Statement for Practice
    /// Supervisors", "the PCF at Experienced Social Worker level".
    pub fn title(&self) -> String {
        let s = Standards::bundled();
        match self.0.split_once('.') {
            Some(("kss", set)) => s.kss_set(set).map(|k| k.title.clone()).unwrap_or_else(|| self.0.clone()),
            Some(("pcf", level)) => {
                s.pcf_level(level).map(|l| format!("the PCF at {} level", l.title)).unwrap_or_else(|| self.0.clone())
            }
            _ => self.0.clone(),
        }
    }
}

impl TryFrom<String> for StandardSet {
    type Error = String;
    fn try_from(text: String) -> Result<StandardSet, String> {
        StandardSet::parse(&text)
    }
}

impl From<StandardSet> for String {
    fn from(set: StandardSet) -> String {
        set.0
    }
}

impl std::fmt::Display for StandardSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_file_parses_with_every_standard() {
        let raw: Result<Standards, _> = toml::from_str(STANDARDS_TOML);
        assert!(raw.is_ok(), "{:?}", raw.err());
        let s = Standards::bundled();
        assert_eq!(s.pcf.domains.len(), 9);
        assert_eq!(s.pcf.levels.len(), 9);
        assert_eq!(s.swe.standards.len(), 6);
        let cfp = s.kss_set("cfp").unwrap();
        assert_eq!(cfp.statement_count, 10, "the official statement has 10, the seeds list 8");
        assert!(!cfp.statements[9].verified, "statement 10's title is unconfirmed");
    }

    #[test]
    fn resolves_domain_and_statement_references() {
        let s = Standards::bundled();
        assert_eq!(s.pcf_domain("pcf.6").unwrap().id, "critical-reflection-and-analysis");
        assert_eq!(s.pcf_domain("knowledge").unwrap().number, 5);
        assert!(s.pcf_domain("pcf.10").is_none());
        assert_eq!(s.kss_statement("ps.4").unwrap().1.title, "Effective use of power and authority");
        assert!(s.kss_statement("cfp.11").is_none());
        assert!(s.kss_statement("xyz.1").is_none());
    }

    #[test]
    fn njc_spine_pays_the_latest_pay_year_that_has_started() {
        let njc = &Standards::bundled().njc;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let known = |lookup: NjcLookup| match lookup {
            NjcLookup::Known(figure) => figure,
            other => panic!("expected a figure, got {other:?}"),
        };
        let june_2024 = known(njc.lookup(29, d("2024-06-01")));
        assert_eq!((june_2024.pence, june_2024.year.as_str()), (Pence::pounds(38_626), "2024-25"));
        assert_eq!(june_2024.award_not_on_record, None);
        // 31 March still belongs to the previous pay year.
        let march = known(njc.lookup(29, d("2024-03-31")));
        assert_eq!((march.pence, march.year.as_str()), (Pence::pounds(37_336), "2023-24"));
        // No award after 2025-26 is on record, so 2025-26 rates go on being paid and the
        // answer says which later year has no award yet.
        let later = known(njc.lookup(29, d("2030-06-01")));
        assert_eq!((later.pence, later.year.as_str()), (Pence::pounds(39_862), "2025-26"));
        assert_eq!(later.award_not_on_record.as_deref(), Some("2030-31"));
        assert_eq!(njc.lookup(29, d("2023-03-31")), NjcLookup::BeforeFirstYear("2023-24".into()));
        // SCP 1 was deleted in 2023: no figure.
        assert_eq!(njc.lookup(1, d("2024-06-01")), NjcLookup::UnknownPoint("2024-25".into()));
        assert!(njc.year_note("2025-26").is_some_and(|n| n.contains("1.032")));
        assert_eq!(njc.year_note("2024-25"), None);
    }

    #[test]
    fn filled_points_carry_their_unverified_label_and_confirmed_ones_do_not() {
        let njc = &Standards::bundled().njc;
        let d = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        for scp in [32, 33, 34, 36, 37] {
            match njc.lookup(scp, d) {
                NjcLookup::Known(figure) => assert!(figure.unverified.is_some(), "SCP {scp}"),
                other => panic!("SCP {scp}: {other:?}"),
            }
        }
        match njc.lookup(33, d) {
            NjcLookup::Known(figure) => assert_eq!(figure.pence, Pence::pounds(42_708)),
            other => panic!("{other:?}"),
        }
        match njc.lookup(35, d) {
            NjcLookup::Known(figure) => assert_eq!(figure.unverified, None),
            other => panic!("{other:?}"),
        }
    }
}
