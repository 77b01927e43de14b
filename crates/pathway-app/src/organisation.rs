//! Setting up an authority's organisation: the authority itself, its services, localities
//! and teams, its workers and the posts they hold. Front ends and scripts build an authority
//! through these rather than through storage, so every value is checked on the way in.

use pathway_core::ids::OrgUnitId;
use pathway_core::workforce::{AuthorityId, Name, NewAuthority, NewOrgUnit, NewPost, NewWorker, UnitKind, Worker};
use pathway_store::{Organisation, Tenancy, Workforce};

use crate::AppError;
use crate::progression::find_worker;
use crate::service::Pathway;

impl Pathway {
    /// Add an authority with its id (`west-sussex`) and name.
    pub async fn create_authority(&self, id: &str, name: &str) -> Result<(), AppError> {
        let new = NewAuthority { id: AuthorityId::parse(id)?, name: Name::parse(name)? };
        self.store().create_authority(&new).await?;
        Ok(())
    }

    /// Add a service, locality or team, inside `parent` when given.
    pub async fn create_unit(
        &self,
        authority: &str,
        kind: UnitKind,
        name: &str,
        parent: Option<OrgUnitId>,
    ) -> Result<OrgUnitId, AppError> {
        let scope = self.scope(authority).await?;
        let unit = NewOrgUnit { kind, name: Name::parse(name)?, parent };
        Ok(self.store().create_unit(&scope, &unit).await?.id)
    }

    /// Add a worker with their level/grade/point history so far.
    pub async fn add_worker(&self, authority: &str, worker: &NewWorker) -> Result<Worker, AppError> {
        let scope = self.scope(authority).await?;
        Ok(self.store().create_worker(&scope, worker).await?)
    }

    /// Give the worker with this employee number a post with `role` over `unit` (a team
    /// manager of a team, a head of a service).
    pub async fn appoint_to_post(
        &self,
        authority: &str,
        unit: OrgUnitId,
        role: &str,
        employee_number: &str,
    ) -> Result<(), AppError> {
        let scope = self.scope(authority).await?;
        let holder = find_worker(self.store(), &scope, employee_number).await?;
        let post = NewPost {
            unit,
            role: pathway_core::workforce::parse_role(role)?,
            reports_to: None,
            holder: Some((holder.id, holder.details.started_on)),
        };
        self.store().create_post(&scope, &post).await?;
        Ok(())
    }
}
