//! Bulk imports: new teams and many workers with their histories, in one transaction.
//!
//! Compiled inside `shared` for each backend (see the `#[path]` in shared.rs), so it reuses
//! the same insert helpers as single writes and behaves identically on both databases.

use pathway_core::workforce::{NewOrgUnit, OrgUnitId, UnitKind, Version};

use super::{
    Backend, begin_write, check_placement, commit, fetch_units, insert_appraisal, insert_award, insert_goal,
    insert_worker, now,
};
use crate::api::{AuthorityScope, BulkImport, ImportOutcome, ImportedWorker};
use crate::error::{Result, StoreError};

impl BulkImport for Backend {
    async fn import_workers(
        &self,
        scope: &AuthorityScope,
        teams: &[NewOrgUnit],
        workers: &[ImportedWorker],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportOutcome> {
        // Returning early anywhere below drops the transaction, which rolls back everything
        // written so far: teams and workers alike.
        let mut tx = begin_write(&self.pool).await?;
        let now = now();
        let units = fetch_units(&mut tx, scope).await?;
        let mut team_ids = Vec::with_capacity(teams.len());
        for team in teams {
            if team.kind != UnitKind::Team {
                return Err(StoreError::Invalid {
                    field: Some("kind"),
                    message: format!("an import creates teams only, not a {} ({})", team.kind, team.name),
                });
            }
            check_placement(&units, None, team, scope)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO org_units (authority_id, kind, name, parent_id, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(scope.as_str())
            .bind(team.kind.code())
            .bind(team.name.as_str())
            .bind(team.parent.map(OrgUnitId::get))
            .bind(Version::FIRST.get())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("creating team {}", team.name), e))?;
            team_ids.push(OrgUnitId::new(id));
        }
        let total = workers.len();
        let mut ids = Vec::with_capacity(total);
        for (index, imported) in workers.iter().enumerate() {
            let in_batch = |e: StoreError| e.in_batch(index, total);
            let record = &imported.record;
            let id = match imported.new_team {
                None => insert_worker(&mut tx, scope, &record.worker, now).await,
                Some(team) => {
                    let unit = team_ids.get(team).copied().ok_or_else(|| {
                        StoreError::invalid(format!("new team {} of {} does not exist", team + 1, teams.len()))
                    });
                    match unit {
                        Ok(unit) => {
                            let mut worker = record.worker.clone();
                            worker.details.unit = Some(unit);
                            insert_worker(&mut tx, scope, &worker, now).await
                        }
                        Err(e) => Err(e),
                    }
                }
            }
            .map_err(in_batch)?;
            for award in &record.awards {
                insert_award(&mut tx, scope, id, award, now).await.map_err(in_batch)?;
            }
            for appraisal in &record.appraisals {
                insert_appraisal(&mut tx, scope, id, appraisal, now).await.map_err(in_batch)?;
            }
            for goal in &record.goals {
                insert_goal(&mut tx, scope, id, goal, now).await.map_err(in_batch)?;
            }
            ids.push(id);
            progress(index + 1);
        }
        commit(tx, || format!("importing {} teams and {total} workers", teams.len())).await?;
        Ok(ImportOutcome { teams: team_ids, workers: ids })
    }
}
