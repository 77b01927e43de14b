//! Frameworks as data: the file model, the loader with its checks, and lookups.

mod criterion;
mod load;
pub mod model;
mod validate;

pub use criterion::{Criterion, CriterionKind, CriterionTest};
pub use load::{Loaded, load, load_bytes, utf8_text};
pub use model::*;
pub use validate::{ADMINISTRATOR_ROLE, ASYE_EQUIVALENTS, EVIDENCE_KINDS, ROUTE_KINDS, STEP_KINDS, WORKER_ROLE};

fn normalise(s: &str) -> String {
    s.trim().to_lowercase().replace(['_', ' '], "-")
}

impl Framework {
    /// The framework's id.
    pub fn id(&self) -> &FrameworkId {
        &self.framework.id
    }

    /// The level with this id.
    pub fn level(&self, id: &LevelId) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == *id)
    }

    /// The level a person means by `name`: its id, printed name or an alias, ignoring case.
    pub fn find_level(&self, name: &str) -> Option<&Level> {
        let n = normalise(name);
        self.levels.iter().find(|l| {
            normalise(l.id.as_str()) == n || normalise(&l.name) == n || l.aliases.iter().any(|a| normalise(a) == n)
        })
    }

    /// The grade with this id.
    pub fn grade(&self, id: &GradeId) -> Option<&Grade> {
        self.grades.iter().find(|g| g.id == *id)
    }

    /// The grade a person means by `name`: its id, printed name ("Band J", "HAY A") or an
    /// alias ("J", "10"), ignoring case, spaces and hyphens.
    pub fn find_grade(&self, name: &str) -> Option<&Grade> {
        let n = normalise(name);
        self.grades.iter().find(|g| {
            normalise(g.id.as_str()) == n || normalise(&g.name) == n || g.aliases.iter().any(|a| normalise(a) == n)
        })
    }

    /// The route with this id.
    pub fn route(&self, id: &RouteId) -> Option<&Route> {
        self.routes.iter().find(|r| r.id == *id)
    }

    /// Routes out of a level: those that start there and those open from any level.
    pub fn routes_from<'s>(&'s self, level: &LevelId) -> impl Iterator<Item = &'s Route> + use<'s> {
        let level = level.clone();
        self.routes.iter().filter(move |r| r.leaves(&level))
    }

    /// The career grade a level belongs to, if the framework groups it into one.
    pub fn career_grade_of(&self, level: &LevelId) -> Option<&CareerGrade> {
        self.career_grades.iter().find(|g| g.levels.contains(level))
    }

    /// The role with this id.
    pub fn role(&self, id: &RoleId) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == *id)
    }

    /// The levels paid on a grade.
    pub fn levels_on_grade<'s>(&'s self, grade: &GradeId) -> impl Iterator<Item = &'s Level> + use<'s> {
        let grade = grade.clone();
        self.levels.iter().filter(move |l| l.grades.contains(&grade))
    }
}

/// Where a level sits against the PCF, for comparing frameworks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcfAlignment {
    /// The PCF level id.
    pub pcf_level: String,
    /// True when the document does not state it and the position on the ladder was used.
    pub inferred: bool,
}

impl Framework {
    /// The PCF level a level compares with: the one the document states, or, when it is
    /// silent, one read from the ladder (the ASYE level is `asye`; the next practice level is
    /// `social-worker`; later practice levels `experienced-social-worker`; advanced and
    /// management roles `advanced`; strategic roles `strategic`), marked as inferred.
    pub fn pcf_alignment(&self, level: &Level) -> PcfAlignment {
        if let Some(p) = &level.pcf_level {
            return PcfAlignment { pcf_level: p.clone(), inferred: false };
        }
        let inferred = |p: &str| PcfAlignment { pcf_level: p.to_owned(), inferred: true };
        if level.asye {
            return inferred("asye");
        }
        match level.track {
            Track::Advanced | Track::Management => inferred("advanced"),
            Track::Strategic => inferred("strategic"),
            Track::Practice => {
                let practice: Vec<&Level> = self.levels.iter().filter(|l| l.track == Track::Practice).collect();
                let asye_at = practice.iter().position(|l| l.asye);
                let here = practice.iter().position(|l| l.id == level.id).unwrap_or(0);
                match asye_at {
                    Some(a) if here == a + 1 => inferred("social-worker"),
                    Some(a) if here > a + 1 => inferred("experienced-social-worker"),
                    None if here == 0 => inferred("social-worker"),
                    _ => inferred("experienced-social-worker"),
                }
            }
        }
    }
}

impl Grade {
    /// The point a person means by `name` ("37", "SCP 37", "start").
    pub fn find_point(&self, name: &str) -> Option<(usize, &PayPoint)> {
        let n = normalise(name);
        let n = n.trim_start_matches("scp").trim_start_matches('-');
        self.points.iter().enumerate().find(|(_, p)| normalise(&p.point) == n)
    }
}
