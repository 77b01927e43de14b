//! Frameworks as data: the file model, the loader with its checks, and lookups.

mod load;
pub mod model;
mod validate;

pub use load::{Loaded, load};
pub use model::*;
pub use validate::{ASYE_EQUIVALENTS, EVIDENCE_KINDS, ROUTE_KINDS, STEP_KINDS, WORKER_ROLE};

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

    /// Routes out of a level.
    pub fn routes_from<'s>(&'s self, level: &LevelId) -> impl Iterator<Item = &'s Route> + use<'s> {
        let level = level.clone();
        self.routes.iter().filter(move |r| r.from == level)
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

impl Grade {
    /// The point a person means by `name` ("37", "SCP 37", "start").
    pub fn find_point(&self, name: &str) -> Option<(usize, &PayPoint)> {
        let n = normalise(name);
        let n = n.trim_start_matches("scp").trim_start_matches('-');
        self.points.iter().enumerate().find(|(_, p)| normalise(&p.point) == n)
    }
}
