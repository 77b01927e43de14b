//! The meaning checks on a framework whose shape is right: references resolve, ids are
//! unique, levels can be reached, pay rises with the point, rules do not contradict.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::criterion::{Criterion, CriterionTest};
use super::model::{Framework, IncrementDate, PayPublication, Relation, Route, RouteFrom, Spine, Trigger};
use crate::diagnostic::{Diagnostic, FieldPath};
use crate::standards::Standards;
use crate::vocab::FeedbackSource;

/// Route types Pathway knows; others are allowed with a warning.
pub const ROUTE_KINDS: &[&str] = &[
    "automatic-on-asye-pass",
    "statement-of-learning",
    "statement-of-application-and-case-study",
    "portfolio-panel",
    "agreed-portfolio-work",
    "panel-process",
    "competence-assessment",
    "application-and-interview",
    "fast-track",
    "appraisal",
];

/// Evidence types Pathway knows; others are allowed with a warning.
pub const EVIDENCE_KINDS: &[&str] = &[
    "reflective-summary",
    "practice-observation",
    "manager-report",
    "feedback",
    "case-study",
    "statement-of-learning",
    "statement-of-application",
    "case-file-audit",
    "certificate",
    "portfolio-work",
    "asye-portfolio",
    "other",
];

/// Step types Pathway knows; others are allowed with a warning.
pub const STEP_KINDS: &[&str] = &[
    "form",
    "report",
    "interview",
    "case-file-audit",
    "practice-observation",
    "panel",
    "moderation",
    "recommendation",
    "assessment",
    "review",
    "sign-off",
];

/// Equivalents an `asye-passed` criterion may accept.
pub const ASYE_EQUIVALENTS: &[&str] = &["nqsw-portfolio-pre-2013", "asye-exempt"];

/// The role every framework has: the person applying.
pub const WORKER_ROLE: &str = "worker";

/// The role of an authority's administrators: a post any authority may have, whatever its
/// framework names. An administrator enters evidence on someone's behalf (marked so).
pub const ADMINISTRATOR_ROLE: &str = "administrator";

/// Every meaning problem in `f`, as diagnostics with paths (positions are added by the loader).
pub fn validate(f: &Framework) -> Vec<Diagnostic> {
    let mut v = Validator { f, std: Standards::bundled(), out: Vec::new() };
    v.about();
    v.roles();
    v.grades();
    v.pay();
    v.levels();
    v.routes();
    v.career_grades();
    v.reachability();
    v.cycles();
    v.policies();
    v.out
}

struct Validator<'a> {
    f: &'a Framework,
    std: &'static Standards,
    out: Vec<Diagnostic>,
}

fn root() -> FieldPath {
    FieldPath::root()
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

impl<'a> Validator<'a> {
    /// Every diagnostic says how to fix it (a test walks them all).
    fn error(&mut self, code: &'static str, path: FieldPath, message: String, hint: &str) {
        self.out.push(Diagnostic::error(code, path, message).with_hint(hint));
    }

    fn warning(&mut self, code: &'static str, path: FieldPath, message: String, hint: &str) {
        self.out.push(Diagnostic::warning(code, path, message).with_hint(hint));
    }

    fn unique<'s>(&mut self, what: &str, section: &str, ids: impl Iterator<Item = &'s str>) {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            let path = root().key(section).index(i).key("id");
            if !is_slug(id) {
                self.error(
                    "bad-id",
                    path.clone(),
                    format!("{what} id `{id}` must be lowercase letters, digits and hyphens"),
                    "for example `senior-practitioner` or `grade-10`",
                );
            }
            if !seen.insert(id) {
                self.error(
                    "duplicate-id",
                    path,
                    format!("{what} id `{id}` is used twice"),
                    "give each entry its own id",
                );
            }
        }
    }

    fn role_known(&self, id: &str) -> bool {
        id == WORKER_ROLE || self.f.roles.iter().any(|r| r.id.as_str() == id)
    }

    fn check_role(&mut self, path: FieldPath, id: &str) {
        if !self.role_known(id) {
            let known: Vec<_> = self.f.roles.iter().map(|r| r.id.as_str()).collect();
            self.error(
                "unknown-role",
                path,
                format!("no role `{id}` is declared"),
                &format!("declare it under [[roles]]; declared: worker, {}", known.join(", ")),
            );
        }
    }

    fn level_known(&self, id: &str) -> bool {
        self.f.levels.iter().any(|l| l.id.as_str() == id)
    }

    fn check_level(&mut self, path: FieldPath, id: &str) {
        if !self.level_known(id) {
            let known: Vec<_> = self.f.levels.iter().map(|l| l.id.as_str()).collect();
            self.error(
                "unknown-level",
                path,
                format!("no level `{id}` is declared"),
                &format!("declared levels: {}", known.join(", ")),
            );
        }
    }

    fn check_grade(&mut self, path: FieldPath, id: &str) {
        if !self.f.grades.iter().any(|g| g.id.as_str() == id) {
            let known: Vec<_> = self.f.grades.iter().map(|g| g.id.as_str()).collect();
            self.error(
                "unknown-grade",
                path,
                format!("no grade `{id}` is declared"),
                &format!("declared grades: {}", known.join(", ")),
            );
        }
    }

    fn check_pcf_domain(&mut self, path: FieldPath, id: &str) {
        if self.std.pcf_domain(id).is_none() {
            let known: Vec<_> = self.std.pcf.domains.iter().map(|d| d.id.as_str()).collect();
            self.error(
                "unknown-pcf-domain",
                path,
                format!("`{id}` is not a PCF domain"),
                &format!("use `pcf.1` to `pcf.9` or one of: {}", known.join(", ")),
            );
        }
    }

    fn check_kss_statement(&mut self, path: FieldPath, reference: &str) {
        match self.std.kss_statement(reference) {
            Some((_, s)) if !s.verified => self.warning(
                "unverified-standard",
                path,
                format!("KSS statement `{reference}` (\"{}\") has an unconfirmed title", s.title),
                "check it against the DfE statement before relying on it",
            ),
            Some(_) => {}
            None => self.error(
                "unknown-kss-statement",
                path,
                format!("`{reference}` is not a KSS statement"),
                "write `<set>.<number>`: cfp.1-cfp.10 (child and family practitioners), ps.1-ps.8 (practice supervisors), pl.1-pl.6 (practice leaders)",
            ),
        }
    }

    fn about(&mut self) {
        let f = self.f;
        if f.format != super::model::FORMAT_VERSION {
            self.error(
                "unsupported-format",
                root().key("format"),
                format!("format {} is not supported", f.format),
                "this version of Pathway reads `format = 1`",
            );
        }
        if !is_slug(f.framework.id.as_str()) {
            self.error(
                "bad-id",
                root().key("framework").key("id"),
                format!("framework id `{}` must be lowercase letters, digits and hyphens", f.framework.id),
                "for example `west-sussex`",
            );
        }
        if let Some(to) = f.framework.effective_to
            && to <= f.framework.effective_from
        {
            self.error(
                "bad-dates",
                root().key("framework").key("effective_to"),
                format!("effective_to {to} is not after effective_from {}", f.framework.effective_from),
                "set `effective_to` to the last day this version applies, after `effective_from`, or remove it",
            );
        }
        if f.levels.is_empty() {
            self.error("no-levels", root(), "the framework has no levels".into(), "add at least one [[levels]] entry");
        }
    }

    fn roles(&mut self) {
        let f = self.f;
        self.unique("role", "roles", f.roles.iter().map(|r| r.id.as_str()));
        for (i, r) in f.roles.iter().enumerate() {
            if r.id.as_str() == WORKER_ROLE {
                self.error(
                    "reserved-id",
                    root().key("roles").index(i).key("id"),
                    "`worker` is built in (the person applying); do not declare it".into(),
                    "remove this [[roles]] entry; steps name the applicant as `worker` without declaring it",
                );
            }
            for (k, by) in r.convened_by.iter().enumerate() {
                let path = root().key("roles").index(i).key("convened_by").index(k);
                if !r.panel {
                    self.error(
                        "role-conflict",
                        path,
                        format!("role `{}` is not a panel; only a panel is convened", r.id),
                        "give `convened_by` on the panel's [[roles]] entry (`panel = true`)",
                    );
                } else if f.roles.iter().any(|o| o.id == *by && o.panel) {
                    self.error(
                        "role-conflict",
                        path,
                        format!("`{by}` is a panel; a panel is convened by a post-holder"),
                        "name a role people hold a post in",
                    );
                } else {
                    self.check_role(path, by.as_str());
                }
            }
            if r.panel && r.line_management {
                self.error(
                    "role-conflict",
                    root().key("roles").index(i),
                    format!("role `{}` cannot be both a panel and in line management", r.id),
                    "a panel is a group; make it `panel = true` or `line_management = true`, not both",
                );
            }
        }
    }

    fn grades(&mut self) {
        let f = self.f;
        self.unique("grade", "grades", f.grades.iter().map(|g| g.id.as_str()));
        for (gi, g) in f.grades.iter().enumerate() {
            let gpath = root().key("grades").index(gi);
            if !self.grade_figures(gi) {
                continue;
            }
            let mut seen = HashSet::new();
            for (pi, p) in g.points.iter().enumerate() {
                let ppath = gpath.key("points").index(pi);
                if !seen.insert(p.point.as_str()) {
                    self.error(
                        "duplicate-point",
                        ppath.key("point"),
                        format!("grade `{}` lists point {} twice", g.id, p.point),
                        "give each point its own name, or remove the repeated entry",
                    );
                }
                if p.salary.is_some() && !p.salaries.is_empty() {
                    self.error(
                        "salary-conflict",
                        ppath.clone(),
                        format!("point {} of grade `{}` has both `salary` and `salaries`", p.point, g.id),
                        "use `salary` for one figure or `salaries` for figures that change by date, not both",
                    );
                }
                for w in p.salaries.windows(2) {
                    if w[1].from <= w[0].from {
                        self.error(
                            "salary-dates",
                            ppath.key("salaries"),
                            format!("salaries for point {} of grade `{}` are not in date order", p.point, g.id),
                            "list them oldest first, each from a later date",
                        );
                        break;
                    }
                }
                match g.spine {
                    Spine::Njc => {
                        if p.scp.is_none() {
                            self.error(
                                "missing-scp",
                                ppath.clone(),
                                format!("grade `{}` is on the NJC spine but point {} has no `scp`", g.id, p.point),
                                "give the spinal column point number, e.g. `scp = 38`",
                            );
                        }
                        if p.salary.is_some() || !p.salaries.is_empty() {
                            self.error(
                                "salary-conflict",
                                ppath.clone(),
                                format!(
                                    "grade `{}` takes salaries from the NJC spine; point {} must not give its own",
                                    g.id, p.point
                                ),
                                "remove the salary, or make the grade `spine = \"local\"`",
                            );
                        }
                    }
                    Spine::Local => {
                        if p.salary.is_none() && p.salaries.is_empty() && f.pay.salaries == PayPublication::Published {
                            self.error(
                                "missing-salary",
                                ppath.clone(),
                                format!("point {} of grade `{}` has no salary", p.point, g.id),
                                "add `salary = ...`, or set [pay] salaries = \"partial\" and explain in [pay] note",
                            );
                        }
                    }
                }
                if g.spine == Spine::Njc
                    && let Some(scp) = p.scp
                    && !self.std.njc.has_any_figure(scp)
                {
                    self.warning(
                        "njc-figure-missing",
                        ppath.key("scp"),
                        format!(
                            "Pathway's NJC reference data has no figure for SCP {scp} in any pay year; pay for point {} of grade `{}` will show as unknown",
                            p.point, g.id
                        ),
                        "nothing to change in this file: reference/njc_pay_spine.csv has no confirmed figure for this point",
                    );
                }
                if g.spine == Spine::Njc
                    && let Some(scp) = p.scp
                    && let Some(why) = self.std.njc.unverified(scp)
                {
                    self.warning(
                        "njc-figure-unverified",
                        ppath.key("scp"),
                        format!(
                            "Pathway's NJC figures for SCP {scp} (point {} of grade `{}`) are unverified: {why}; pay answers say so",
                            p.point, g.id
                        ),
                        "nothing to change in this file; confirm the figures against the authority's own pay table",
                    );
                }
                if let Some(scp) = p.scp
                    && (scp == 0 || scp > 100)
                {
                    self.error(
                        "bad-scp",
                        ppath.key("scp"),
                        format!("SCP {scp} is not a spinal column point"),
                        "NJC spinal column points run from 1 to 43; check the number printed in the document",
                    );
                }
            }
            for w in g.points.windows(2) {
                if let (Some(a), Some(b)) = (w[0].scp, w[1].scp)
                    && b <= a
                {
                    self.error(
                        "points-order",
                        gpath.key("points"),
                        format!("grade `{}` lists SCP {b} after SCP {a}; points go lowest first", g.id),
                        "list the points from the lowest SCP to the highest",
                    );
                }
            }
            self.falling_salaries(gi);
        }
    }

    /// A grade says its pay one way: points, a `range`, or `name_only`. Returns whether the
    /// grade lists points to check further.
    fn grade_figures(&mut self, gi: usize) -> bool {
        let f = self.f;
        let g = &f.grades[gi];
        let gpath = root().key("grades").index(gi);
        let ways = [!g.points.is_empty(), g.range.is_some(), g.name_only];
        if ways.iter().filter(|w| **w).count() > 1 {
            self.error(
                "grade-shape-conflict",
                gpath.clone(),
                format!("grade `{}` gives more than one of `points`, `range` and `name_only`", g.id),
                "keep `points` when the document prints points, `range` when it prints only a minimum and maximum, `name_only = true` when it prints no figures",
            );
            return false;
        }
        if let Some(range) = &g.range {
            if g.spine == Spine::Njc {
                self.error(
                    "salary-conflict",
                    gpath.key("range"),
                    format!("grade `{}` takes salaries from the NJC spine, so it cannot give its own range", g.id),
                    "remove `spine = \"njc\"` (a range is in local figures), or list the grade's SCPs as points",
                );
            }
            if range.maximum < range.minimum {
                self.error(
                    "bad-range",
                    gpath.key("range").key("maximum"),
                    format!("grade `{}` has a maximum ({}) below its minimum ({})", g.id, range.maximum, range.minimum),
                    "write the lower figure as `minimum` and the higher as `maximum`",
                );
            }
            if f.pay.salaries == PayPublication::NotPublished {
                self.error(
                    "salary-conflict",
                    gpath.key("range"),
                    format!("[pay] says salaries are not published, but grade `{}` gives a range", g.id),
                    "set [pay] salaries = \"partial\"",
                );
            }
            return false;
        }
        if g.name_only {
            if f.pay.salaries == PayPublication::Published {
                self.error(
                    "missing-salary",
                    gpath.key("name_only"),
                    format!("grade `{}` has no figures, but [pay] says every figure is published", g.id),
                    "set [pay] salaries = \"partial\" (or \"not-published\") and explain in [pay] note",
                );
            } else {
                self.warning(
                    "name-only-grade",
                    gpath.key("name_only"),
                    format!(
                        "grade `{}` is published by name only: pay for it will be answered as not published, and nobody can be placed on a point of it",
                        g.id
                    ),
                    if g.note.is_some() {
                        "nothing to change if the document prints no figures; add points or a `range` when it does"
                    } else {
                        "add a `note` saying where the document names the grade without figures"
                    },
                );
            }
            return false;
        }
        if g.points.is_empty() {
            self.error(
                "empty-grade",
                gpath.key("points"),
                format!("grade `{}` has no points", g.id),
                "list its points; or write `range = { minimum = ..., maximum = ... }` if the document prints only a minimum and maximum, or `name_only = true` if it prints no figures",
            );
            return false;
        }
        true
    }

    /// Salary must rise (or stay) as the point rises inside a grade. A fall the file has
    /// acknowledged with `anomaly` is a warning; otherwise it is an error.
    fn falling_salaries(&mut self, gi: usize) {
        let g = &self.f.grades[gi];
        let latest = |p: &super::model::PayPoint| p.salary.or_else(|| p.salaries.last().map(|s| s.amount));
        let mut previous: Option<(usize, crate::money::Pence)> = None;
        for (pi, p) in g.points.iter().enumerate() {
            let Some(amount) = latest(p) else { continue };
            if let Some((prev_i, prev)) = previous
                && amount < prev
            {
                let path = root().key("grades").index(gi).key("points").index(pi).key("salary");
                let message = format!(
                    "in grade `{}` point {} pays {} but the point below it ({}) pays {}: salary falls as the point rises",
                    g.id, p.point, amount, g.points[prev_i].point, prev
                );
                if p.anomaly.is_some() {
                    self.warning("falling-salary", path, message, "kept as published; the file records the anomaly");
                } else {
                    self.error(
                            "falling-salary",
                            path,
                            message,
                            "check the source; if the document really prints this, keep it and add `anomaly = \"...\"` to the point",
                        );
                }
            }
            previous = Some((pi, amount));
        }
    }

    fn pay(&mut self) {
        let f = self.f;
        let mut seen = HashSet::new();
        for (i, a) in f.pay.allowances.iter().enumerate() {
            let path = root().key("pay").key("allowances").index(i);
            if !seen.insert(a.id.as_str()) {
                self.error(
                    "duplicate-id",
                    path.key("id"),
                    format!("allowance id `{}` is used twice", a.id),
                    "give each allowance its own id",
                );
            }
            for (gi, g) in a.grades.iter().enumerate() {
                self.check_grade(path.key("grades").index(gi), g.as_str());
            }
            if let (Some(from), Some(to)) = (a.effective_from, a.effective_to)
                && to < from
            {
                self.error(
                    "bad-dates",
                    path.key("effective_to"),
                    format!("allowance `{}` ends on {to}, before it starts on {from}", a.id),
                    "`effective_to` is the last day it is paid; it must not come before `effective_from`",
                );
            }
        }
        if let Some(inc) = &f.pay.increments {
            let path = root().key("pay").key("increments");
            match inc.on {
                IncrementDate::FixedDate => match (inc.month, inc.day) {
                    (Some(m), Some(d)) if chrono::NaiveDate::from_ymd_opt(2024, m, d).is_some() => {}
                    _ => self.error(
                        "bad-increment-date",
                        path.clone(),
                        "a fixed-date increment needs a valid `month` and `day`".into(),
                        "e.g. `month = 4` and `day = 1` for 1 April",
                    ),
                },
                IncrementDate::Anniversary => {
                    if inc.month.is_some() || inc.day.is_some() {
                        self.error(
                            "bad-increment-date",
                            path.clone(),
                            "an anniversary increment takes no `month` or `day`".into(),
                            "remove `month` and `day`, or use `on = \"fixed-date\"`",
                        );
                    }
                }
            }
            if inc.points_per_increment == 0 {
                self.error(
                    "bad-increment",
                    path.key("points_per_increment"),
                    "points_per_increment must be at least 1".into(),
                    "write `points_per_increment = 1` (one point a year) unless the document says otherwise",
                );
            }
        }
        if !f.grades.is_empty() && f.pay.salaries == PayPublication::NotPublished {
            for (gi, g) in f.grades.iter().enumerate() {
                if g.spine == Spine::Local && g.points.iter().any(|p| p.salary.is_some() || !p.salaries.is_empty()) {
                    self.error(
                        "salary-conflict",
                        root().key("grades").index(gi),
                        format!("[pay] says salaries are not published, but grade `{}` gives some", g.id),
                        "set [pay] salaries = \"partial\" or \"published\"",
                    );
                }
            }
        }
    }

    fn levels(&mut self) {
        let f = self.f;
        self.unique("level", "levels", f.levels.iter().map(|l| l.id.as_str()));
        let mut asye_levels = 0;
        for (li, l) in f.levels.iter().enumerate() {
            let path = root().key("levels").index(li);
            if l.id.as_str() == RouteFrom::ANY {
                self.error(
                    "reserved-id",
                    path.key("id"),
                    "`any` is reserved: a route writes `from = \"any\"` to mean every level".into(),
                    "give the level another id",
                );
            }
            for (gi, g) in l.grades.iter().enumerate() {
                self.check_grade(path.key("grades").index(gi), g.as_str());
            }
            if let Some(pcf) = &l.pcf_level
                && self.std.pcf_level(pcf).is_none()
            {
                let known: Vec<_> = self.std.pcf.levels.iter().map(|l| l.id.as_str()).collect();
                self.error(
                    "unknown-pcf-level",
                    path.key("pcf_level"),
                    format!("`{pcf}` is not a PCF level"),
                    &format!("PCF levels: {}", known.join(", ")),
                );
            }
            for (ki, set) in l.kss.iter().enumerate() {
                if self.std.kss_set(set).is_none() {
                    self.error(
                        "unknown-kss-set",
                        path.key("kss").index(ki),
                        format!("`{set}` is not a KSS statement set"),
                        "use cfp (child and family practitioners), ps (practice supervisors) or pl (practice leaders)",
                    );
                }
            }
            for (si, s) in l.kss_statements_listed.iter().enumerate() {
                let spath = path.key("kss_statements_listed").index(si);
                self.check_kss_statement(spath.clone(), s);
                if let Some((set, _)) = s.split_once('.')
                    && !l.kss.iter().any(|k| k == set)
                {
                    self.warning(
                        "kss-set-not-listed",
                        spath,
                        format!("level `{}` lists statement `{s}` but is not measured against set `{set}`", l.id),
                        &format!("add \"{set}\" to the level's `kss`"),
                    );
                }
            }
            for (ci, c) in l.requirements.iter().enumerate() {
                self.criterion(path.key("requirements").index(ci), c);
            }
            if l.asye {
                asye_levels += 1;
            }
        }
        if asye_levels > 1 {
            self.error(
                "asye-levels",
                root().key("levels"),
                "more than one level is marked `asye = true`".into(),
                "keep `asye = true` on the one level where newly qualified social workers do their ASYE",
            );
        }
    }

    /// What the file's shape cannot say: a figure in range, equivalents Pathway knows, and
    /// enough options to choose from. (Which fields a kind takes is checked as it is read.)
    fn criterion(&mut self, path: FieldPath, criterion: &Criterion) {
        match &criterion.test {
            CriterionTest::PepsStage { stage } if !(1..=2).contains(stage) => {
                self.error(
                    "bad-peps-stage",
                    path.key("stage"),
                    format!("PEPS has stages 1 and 2, not {stage}"),
                    "write `stage = 1` or `stage = 2`",
                );
            }
            CriterionTest::AsyePassed { accepts, .. } => {
                for (ai, accepted) in accepts.iter().enumerate() {
                    if !ASYE_EQUIVALENTS.contains(&accepted.as_str()) {
                        self.error(
                            "unknown-equivalent",
                            path.key("accepts").index(ai),
                            format!("`{accepted}` is not a known ASYE equivalent"),
                            &format!("known: {}", ASYE_EQUIVALENTS.join(", ")),
                        );
                    }
                }
            }
            CriterionTest::AnyOf { options } => {
                if options.len() < 2 {
                    self.error(
                        "incomplete-criterion",
                        path.clone(),
                        "an `any-of` criterion needs two or more `options`".into(),
                        "see frameworks/README.md, \"Criteria\"",
                    );
                }
                for (oi, option) in options.iter().enumerate() {
                    self.criterion(path.key("options").index(oi), option);
                }
            }
            _ => {}
        }
    }

    fn routes(&mut self) {
        let f = self.f;
        self.unique("route", "routes", f.routes.iter().map(|r| r.id.as_str()));
        let mut pairs = BTreeMap::new();
        for (ri, r) in f.routes.iter().enumerate() {
            let path = root().key("routes").index(ri);
            if let RouteFrom::Level(from) = &r.from {
                self.check_level(path.key("from"), from.as_str());
            }
            self.check_level(path.key("to"), r.to.as_str());
            if r.from.level() == Some(&r.to) {
                self.error(
                    "route-loop",
                    path.key("to"),
                    format!("route `{}` goes from `{}` to itself", r.id, r.from),
                    "point `to` at the level the route leads to",
                );
            }
            if let Some(prev) = pairs.insert((r.from.as_str(), r.to.as_str(), r.trigger), ri) {
                self.warning(
                    "duplicate-route",
                    path.clone(),
                    format!(
                        "routes `{}` and `{}` both go from `{}` to `{}` the same way",
                        f.routes[prev].id, r.id, r.from, r.to
                    ),
                    "remove one of them, or give them different triggers",
                );
            }
            if !ROUTE_KINDS.contains(&r.kind.as_str()) {
                self.warning(
                    "unknown-kind",
                    path.key("kind"),
                    format!("route kind `{}` is not one Pathway knows; it will be treated as a generic route", r.kind),
                    &format!("known kinds: {}", ROUTE_KINDS.join(", ")),
                );
            }
            for w in &r.opened_by {
                if w != "worker" && w != "manager" {
                    self.error(
                        "bad-opened-by",
                        path.key("opened_by"),
                        format!("`{w}` cannot open applications"),
                        "use \"worker\" and/or \"manager\"",
                    );
                }
            }
            if let Some(role) = &r.decided_by {
                self.check_role(path.key("decided_by"), role.as_str());
            }
            if let Some(role) = &r.signed_off_by {
                self.check_role(path.key("signed_off_by"), role.as_str());
            }
            for (ii, role) in r.independent_roles.iter().enumerate() {
                let ipath = path.key("independent_roles").index(ii);
                self.check_role(ipath.clone(), role.as_str());
                if let Some(decl) = f.roles.iter().find(|x| x.id == *role)
                    && !decl.line_management
                {
                    self.error(
                            "independence-conflict",
                            ipath,
                            format!("`{role}` is not a line-management role, so \"independent of the worker's own\" has no meaning"),
                            "mark the role `line_management = true` or drop the rule",
                        );
                }
            }
            for (ci, c) in r.criteria.iter().enumerate() {
                self.criterion(path.key("criteria").index(ci), c);
            }
            self.evidence(ri, r);
            self.steps(ri, r);
            if r.trigger == Trigger::AsyePass && r.from == RouteFrom::Any {
                self.error(
                    "trigger-level",
                    path.key("from"),
                    format!(
                        "route `{}` is triggered by an ASYE pass, so it starts at the ASYE level, not any level",
                        r.id
                    ),
                    "name the ASYE level in `from`",
                );
            }
            if r.kind == "appraisal" && r.trigger != Trigger::Appraisal {
                self.warning(
                    "appraisal-trigger",
                    path.key("kind"),
                    format!("route `{}` is of kind `appraisal` but is not triggered by the appraisal", r.id),
                    "add `trigger = \"appraisal\"` so eligibility reads the latest appraisal",
                );
            }
            if r.trigger == Trigger::Appraisal && f.appraisal.is_none() {
                self.error(
                    "no-appraisal",
                    path.key("trigger"),
                    format!("route `{}` follows the appraisal's recommendation, but the file has no [appraisal]", r.id),
                    "add an [appraisal] section with its name, e.g. name = \"annual appraisal\"",
                );
            }
            if r.trigger == Trigger::AsyePass
                && let Some(from) = f.levels.iter().find(|l| r.from.level() == Some(&l.id))
                && !from.asye
            {
                self.error(
                    "trigger-level",
                    path.key("trigger"),
                    format!("route `{}` is triggered by an ASYE pass but `{}` is not the ASYE level", r.id, r.from),
                    "mark the level `asye = true` or change the trigger",
                );
            }
        }
    }

    fn evidence(&mut self, ri: usize, r: &Route) {
        let mut seen = HashSet::new();
        for (ei, e) in r.evidence.iter().enumerate() {
            let path = root().key("routes").index(ri).key("evidence").index(ei);
            if !seen.insert(e.id.as_str()) {
                self.error(
                    "duplicate-id",
                    path.key("id"),
                    format!("evidence id `{}` is used twice in route `{}`", e.id, r.id),
                    "give each evidence rule its own `id`",
                );
            }
            if !EVIDENCE_KINDS.contains(&e.kind.as_str()) {
                self.warning(
                    "unknown-kind",
                    path.key("kind"),
                    format!("evidence kind `{}` is not one Pathway knows", e.kind),
                    &format!("known kinds: {}", EVIDENCE_KINDS.join(", ")),
                );
            }
            if let Some(max) = e.max
                && max < e.min
            {
                self.error(
                    "bad-count",
                    path.key("max"),
                    format!("max {max} is below min {}", e.min),
                    "raise `max` to at least `min`, or remove it",
                );
            }
            for (di, d) in e.pcf_domains.iter().enumerate() {
                self.check_pcf_domain(path.key("pcf_domains").index(di), d);
            }
            for (si, s) in e.kss_statements.iter().enumerate() {
                self.check_kss_statement(path.key("kss_statements").index(si), s);
            }
            if let Some(strand) = &e.pcf_strand {
                self.check_pcf_domain(path.key("pcf_strand"), strand);
            }
            if let Some(level) = &e.pcf_level
                && self.std.pcf_level(level).is_none()
            {
                let known: Vec<_> = self.std.pcf.levels.iter().map(|l| l.id.as_str()).collect();
                self.error(
                    "unknown-pcf-level",
                    path.key("pcf_level"),
                    format!("`{level}` is not a PCF level"),
                    &format!("use one of: {}", known.join(", ")),
                );
            }
            let sources = e.from.iter().map(|s| (path.key("from"), s));
            let listed = e.sources.iter().enumerate().map(|(si, s)| (path.key("sources").index(si), s));
            for (spath, source) in sources.chain(listed) {
                if FeedbackSource::from_code(source).is_none() {
                    let known: Vec<&str> = FeedbackSource::ALL.iter().map(|s| s.code()).collect();
                    self.error(
                        "unknown-feedback-source",
                        spath,
                        format!("`{source}` is not a feedback source Pathway knows"),
                        &format!("use one of: {}", known.join(", ")),
                    );
                }
            }
            if let Some(by) = &e.by {
                self.check_role(path.key("by"), by.as_str());
            }
            for (ai, a) in e.authorised_by.iter().enumerate() {
                self.check_role(path.key("authorised_by").index(ai), a.as_str());
            }
        }
    }

    fn steps(&mut self, ri: usize, r: &Route) {
        let f = self.f;
        let mut seen = HashSet::new();
        for (si, s) in r.steps.iter().enumerate() {
            let path = root().key("routes").index(ri).key("steps").index(si);
            if !seen.insert(s.id.as_str()) {
                self.error(
                    "duplicate-id",
                    path.key("id"),
                    format!("step id `{}` is used twice in route `{}`", s.id, r.id),
                    "give each step its own `id`",
                );
            }
            if !STEP_KINDS.contains(&s.kind.as_str()) {
                self.warning(
                    "unknown-kind",
                    path.key("kind"),
                    format!("step kind `{}` is not one Pathway knows", s.kind),
                    &format!("known kinds: {}", STEP_KINDS.join(", ")),
                );
            }
            if s.kind == "case-file-audit" && s.case_files.is_none() {
                self.error(
                    "incomplete-step",
                    path.clone(),
                    format!("case-file audit `{}` does not say how many files", s.id),
                    "add `case_files = 4`",
                );
            }
            for (ai, a) in s.assessors.iter().enumerate() {
                let apath = path.key("assessors").index(ai);
                self.check_role(apath.key("role"), a.role.as_str());
                if a.role.as_str() == WORKER_ROLE {
                    if a.relation != Relation::Any {
                        self.error(
                            "independence-conflict",
                            apath.key("relation"),
                            "the worker cannot be own or independent of themselves".into(),
                            "use relation \"any\" for the worker (the applicant)",
                        );
                    }
                    continue;
                }
                let decl = f.roles.iter().find(|x| x.id == a.role);
                if a.relation != Relation::Any && decl.is_some_and(|d| !d.line_management) {
                    self.error(
                        "independence-conflict",
                        apath.key("relation"),
                        format!(
                            "`{}` is not a line-management role, so it cannot be the worker's own or independent",
                            a.role
                        ),
                        "mark the role `line_management = true` or use relation \"any\"",
                    );
                }
                if a.relation == Relation::Own && r.independent_roles.contains(&a.role) {
                    self.error(
                        "independence-conflict",
                        apath.key("relation"),
                        format!(
                            "step `{}` asks for the worker's own `{}`, but route `{}` requires that role to be independent of the worker",
                            s.id, a.role, r.id
                        ),
                        "use relation \"independent\" (or remove the role from `independent_roles`)",
                    );
                }
            }
            let mut roles_here = BTreeSet::new();
            for (ai, a) in s.assessors.iter().enumerate() {
                if !roles_here.insert((a.role.as_str(), a.relation)) {
                    self.warning(
                        "duplicate-assessor",
                        path.key("assessors").index(ai),
                        format!("step `{}` lists `{}` twice", s.id, a.role),
                        "list each assessor once",
                    );
                }
            }
        }
    }

    /// Career grades: ids unique, every level declared and in one grade at most, and the
    /// levels neighbours on the ladder, lowest first.
    fn career_grades(&mut self) {
        let f = self.f;
        self.unique("career grade", "career_grades", f.career_grades.iter().map(|g| g.id.as_str()));
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        for (gi, g) in f.career_grades.iter().enumerate() {
            let path = root().key("career_grades").index(gi);
            if g.levels.len() < 2 {
                self.error(
                    "incomplete-career-grade",
                    path.key("levels"),
                    format!("career grade `{}` names {} level(s); it groups two or more", g.id, g.levels.len()),
                    "list the levels it spans, lowest first, e.g. levels = [\"social-worker-1\", \"social-worker-2\"]",
                );
            }
            let mut positions = Vec::new();
            for (li, level) in g.levels.iter().enumerate() {
                let lpath = path.key("levels").index(li);
                self.check_level(lpath.clone(), level.as_str());
                if let Some(other) = owner.insert(level.as_str(), g.id.as_str())
                    && other != g.id.as_str()
                {
                    self.error(
                        "career-grade-overlap",
                        lpath.clone(),
                        format!("level `{level}` is in career grades `{other}` and `{}`", g.id),
                        "a level belongs to one career grade at most",
                    );
                }
                if let Some(at) = f.levels.iter().position(|l| l.id == *level) {
                    positions.push((li, at));
                }
            }
            for w in positions.windows(2) {
                let ((_, a), (li, b)) = (w[0], w[1]);
                if b != a + 1 {
                    let gap = if b > a {
                        let between: Vec<&str> = f.levels[a + 1..b].iter().map(|l| l.id.as_str()).collect();
                        format!("`{}` lies between them on the ladder", between.join("`, `"))
                    } else {
                        "they are listed out of the ladder's order".to_owned()
                    };
                    self.error(
                        "career-grade-gap",
                        path.key("levels").index(li),
                        format!(
                            "career grade `{}` lists `{}` after `{}`, but {gap}",
                            g.id, f.levels[b].id, f.levels[a].id
                        ),
                        "a career grade spans neighbouring levels, lowest first, as [[levels]] lists them",
                    );
                }
            }
        }
    }

    /// A level with no route into it must be the entry level, the ASYE level, or one the
    /// file says is filled only by appointment.
    fn reachability(&mut self) {
        let f = self.f;
        let targets: HashSet<&str> = f.routes.iter().map(|r| r.to.as_str()).collect();
        for (li, l) in f.levels.iter().enumerate() {
            if li == 0 || l.asye || l.appointment_only || targets.contains(l.id.as_str()) {
                continue;
            }
            let external = f.external_applicants.as_ref().is_some_and(|e| e.any_level) && l.open_to_external;
            if external {
                self.warning(
                    "unreachable-level",
                    root().key("levels").index(li).key("id"),
                    format!("no route leads to level `{}`; it can only be filled by appointment", l.id),
                    "if the document describes how staff move into it, add a route",
                );
            } else {
                self.error(
                    "unreachable-level",
                    root().key("levels").index(li).key("id"),
                    format!(
                        "nobody can reach level `{}`: no route leads to it and it is not open to external applicants",
                        l.id
                    ),
                    "add a route into it, or [external_applicants] any_level = true",
                );
            }
        }
    }

    /// Progression routes go upwards; a cycle (A to B to A) means a mistake in the file.
    fn cycles(&mut self) {
        let f = self.f;
        let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        // A route from any level is a role filled by application from anywhere on the
        // ladder, not a step upwards, so it takes no part in the ladder's order.
        for r in &f.routes {
            if let RouteFrom::Level(from) = &r.from {
                edges.entry(from.as_str()).or_default().push(r.to.as_str());
            }
        }
        // Colour-marking depth-first search; report each cycle once, at the route closing it.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Active,
            Done,
        }
        let mut marks: BTreeMap<&str, Mark> = f.levels.iter().map(|l| (l.id.as_str(), Mark::New)).collect();
        let mut found: Vec<Vec<&str>> = Vec::new();
        fn visit<'x>(
            node: &'x str,
            edges: &BTreeMap<&'x str, Vec<&'x str>>,
            marks: &mut BTreeMap<&'x str, Mark>,
            stack: &mut Vec<&'x str>,
            found: &mut Vec<Vec<&'x str>>,
        ) {
            marks.insert(node, Mark::Active);
            stack.push(node);
            for next in edges.get(node).map(Vec::as_slice).unwrap_or(&[]) {
                match marks.get(next).copied().unwrap_or(Mark::Done) {
                    Mark::New => visit(next, edges, marks, stack, found),
                    Mark::Active => {
                        if let Some(pos) = stack.iter().position(|n| n == next) {
                            let mut cycle = stack[pos..].to_vec();
                            cycle.push(next);
                            found.push(cycle);
                        }
                    }
                    Mark::Done => {}
                }
            }
            stack.pop();
            marks.insert(node, Mark::Done);
        }
        for l in &f.levels {
            if marks.get(l.id.as_str()) == Some(&Mark::New) {
                visit(l.id.as_str(), &edges, &mut marks, &mut Vec::new(), &mut found);
            }
        }
        for cycle in found {
            let (Some(from), Some(to)) = (cycle.get(cycle.len().saturating_sub(2)), cycle.last()) else {
                continue;
            };
            let ri = f.routes.iter().position(|r| r.from.as_str() == *from && r.to.as_str() == *to).unwrap_or(0);
            self.error(
                "route-cycle",
                root().key("routes").index(ri),
                format!("routes form a cycle: {}", cycle.join(" → ")),
                "progression routes lead upwards; a lateral move or secondment is not a route",
            );
        }
    }

    fn policies(&mut self) {
        let f = self.f;
        if let Some(e) = &f.eligibility_exceptions {
            for (i, by) in e.granted_by.iter().enumerate() {
                let path = root().key("eligibility_exceptions").key("granted_by").index(i);
                if by.as_str() == WORKER_ROLE {
                    self.error(
                        "exception-role",
                        path,
                        "the applicant cannot record an exception to their own criteria".into(),
                        "name a role people hold a post in, such as `head-of-service`",
                    );
                } else if f.roles.iter().any(|r| r.id == *by && r.panel) {
                    self.error(
                        "exception-role",
                        path,
                        format!("`{by}` is a panel; an exception is recorded by a post-holder"),
                        "name a role people hold a post in, such as `head-of-service`",
                    );
                } else {
                    self.check_role(path, by.as_str());
                }
            }
        }
        if let Some(a) = &f.asye {
            let path = root().key("asye");
            for (i, m) in a.intake_months.iter().enumerate() {
                if !(1..=12).contains(m) {
                    self.error(
                        "bad-month",
                        path.key("intake_months").index(i),
                        format!("{m} is not a month"),
                        "use 1 (January) to 12 (December)",
                    );
                }
            }
            if a.length_months == 0 {
                self.error(
                    "bad-length",
                    path.key("length_months"),
                    "the ASYE cannot last 0 months".into(),
                    "the ASYE usually lasts 12 months: `length_months = 12`",
                );
            }
            for (i, m) in a.review_months.iter().enumerate() {
                if *m == 0 || *m > a.length_months {
                    self.error(
                        "bad-review",
                        path.key("review_months").index(i),
                        format!("a review at {m} months falls outside the {}-month programme", a.length_months),
                        "give reviews in months from the start, between 1 and `length_months`",
                    );
                }
            }
            for (i, role) in a.assessed_by.iter().enumerate() {
                self.check_role(path.key("assessed_by").index(i), role.as_str());
            }
            for (key, role) in [
                ("recommended_by", &a.recommended_by),
                ("decided_by", &a.decided_by),
                ("signed_off_by", &a.signed_off_by),
            ] {
                if let Some(role) = role {
                    self.check_role(path.key(key), role.as_str());
                }
            }
            if !f.levels.iter().any(|l| l.asye) {
                self.error(
                    "asye-levels",
                    path.clone(),
                    "[asye] is set but no level is marked `asye = true`".into(),
                    "mark the newly qualified level `asye = true`, or remove [asye]",
                );
            }
            if let Some(route) = &a.on_pass {
                match f.routes.iter().find(|r| r.id == *route) {
                    None => self.error(
                        "unknown-route",
                        path.key("on_pass"),
                        format!("no route `{route}` is declared"),
                        "name the id of the route that passing the ASYE triggers",
                    ),
                    Some(r) if r.trigger != Trigger::AsyePass => self.error(
                        "trigger-level",
                        path.key("on_pass"),
                        format!("route `{route}` is not triggered by an ASYE pass"),
                        "set the route's `trigger = \"asye-pass\"`",
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(e) = &f.external_applicants {
            for (ci, c) in e.criteria.iter().enumerate() {
                self.criterion(root().key("external_applicants").key("criteria").index(ci), c);
            }
        }
        for (oi, o) in f.learning_offers.iter().enumerate() {
            for (li, l) in o.levels.iter().enumerate() {
                self.check_level(root().key("learning_offers").index(oi).key("levels").index(li), l.as_str());
            }
        }
        let anomalies_in_points = f.grades.iter().flat_map(|g| &g.points).filter(|p| p.anomaly.is_some()).count();
        if anomalies_in_points > f.anomalies.len() {
            self.warning(
                "undocumented-anomaly",
                root().key("anomalies"),
                "a pay point records an anomaly that [[anomalies]] does not describe".into(),
                "add an [[anomalies]] entry saying what the document prints and where",
            );
        }
    }
}
