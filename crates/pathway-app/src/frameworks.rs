//! The framework in force: which framework applies, for an authority or for a worker on a
//! date, decided in one place — and each stored version parsed once.
//!
//! One owner, because two used to disagree: eligibility took the authority's framework for
//! everyone while progression took the one a worker's record names, so a worker could be
//! eligible under one document and progress under another. The rule now, for every caller:
//! a worker is on the framework their timeline entry for the date names; a worker with no
//! entry then, and any question about the authority as a whole, uses the authority's one
//! framework (none, or several, is an error that says which).
//!
//! Parsing a framework file is the slow part of most use cases, and a stored version never
//! changes, so parsed frameworks are kept by the SHA-256 of their text and shared.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDate;
use pathway_core::framework::{Framework, FrameworkId, load};
use pathway_core::workforce::WorkerRecord;
use pathway_store::{AuthorityScope, FrameworkSource, FrameworkVersions, Store};

use crate::AppError;

/// Whose framework is wanted.
#[derive(Debug, Clone, Copy)]
pub enum Applies<'a> {
    /// The framework a record was made under (an application, an ASYE programme): the
    /// version of it in force on the date.
    Named(&'a FrameworkId),
    /// The authority's one framework.
    Authority,
    /// The framework this worker's record is on.
    Worker(&'a WorkerRecord),
}

/// Stored framework versions that have been parsed, by the SHA-256 of their text. Cheap to
/// clone: clones share the map, so every use case of one `Pathway` parses a version once.
#[derive(Debug, Clone, Default)]
pub struct FrameworkCache {
    parsed: Arc<RwLock<HashMap<String, Arc<Framework>>>>,
}

/// More distinct versions than any deployment holds; past it the map starts again rather
/// than grow without bound in a long-running server.
const MOST_VERSIONS_KEPT: usize = 256;

impl FrameworkCache {
    /// The framework that applies on `on` in `scope`, by the one rule (see the module
    /// documentation).
    pub async fn in_force(
        &self,
        store: &Store,
        scope: &AuthorityScope,
        applies: Applies<'_>,
        on: NaiveDate,
    ) -> Result<Arc<Framework>, AppError> {
        let id = match applies {
            Applies::Named(id) => id.clone(),
            Applies::Worker(record) => match record.timeline.on(on) {
                Some(entry) => entry.entry.framework.clone(),
                None => authority_framework(store, scope).await.map_err(|problem| match problem {
                    AppError::BadInput { .. } => AppError::BadInput {
                        field: "worker".into(),
                        message: format!(
                            "{} has no level on record on {on}, so Pathway cannot tell which framework applies",
                            record.worker.details.name
                        ),
                    },
                    other => other,
                })?,
            },
            Applies::Authority => authority_framework(store, scope).await?,
        };
        // The version's hash first: a version parsed before is not read again.
        let stored = store.framework_version_in_force(scope, &id, on).await?;
        if let Some(framework) = self.cached(&stored.sha256) {
            return Ok(framework);
        }
        let source = store.framework_in_force(scope, &id, on).await?;
        self.parsed(&source)
    }

    fn cached(&self, sha256: &str) -> Option<Arc<Framework>> {
        self.parsed.read().unwrap_or_else(PoisonError::into_inner).get(sha256).map(Arc::clone)
    }

    /// The parsed framework for a stored version, parsing it only the first time.
    fn parsed(&self, source: &FrameworkSource) -> Result<Arc<Framework>, AppError> {
        let key = &source.stored.sha256;
        if let Some(framework) = self.cached(key) {
            return Ok(framework);
        }
        let loaded = load(&source.text);
        let framework = match loaded.framework {
            Some(framework) if !loaded.has_errors() => Arc::new(framework),
            _ => {
                return Err(AppError::InvalidFramework {
                    file: format!(
                        "the stored copy of {} {} (run `pathway framework sync`)",
                        source.stored.framework, source.stored.framework_version
                    ),
                    diagnostics: loaded.diagnostics,
                });
            }
        };
        let mut parsed = self.parsed.write().unwrap_or_else(PoisonError::into_inner);
        if parsed.len() >= MOST_VERSIONS_KEPT {
            parsed.clear();
        }
        parsed.insert(key.clone(), Arc::clone(&framework));
        Ok(framework)
    }

    /// How many parsed versions are kept.
    pub fn len(&self) -> usize {
        self.parsed.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether nothing has been parsed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The id of the authority's one framework; none or several is bad input, naming them.
async fn authority_framework(store: &Store, scope: &AuthorityScope) -> Result<FrameworkId, AppError> {
    let ids: BTreeSet<FrameworkId> = store.frameworks(scope).await?.into_iter().map(|f| f.framework).collect();
    let mut ids = ids.into_iter();
    match (ids.next(), ids.len()) {
        (Some(one), 0) => Ok(one),
        (None, _) => Err(AppError::BadInput {
            field: "authority".into(),
            message: format!(
                "authority `{}` has no framework yet; run `pathway framework sync --authority {}`",
                scope.id(),
                scope.id()
            ),
        }),
        (Some(first), _) => {
            let names: Vec<String> = std::iter::once(first).chain(ids).map(|id| id.to_string()).collect();
            Err(AppError::BadInput {
                field: "authority".into(),
                message: format!(
                    "authority `{}` uses several frameworks ({}); Pathway cannot tell which applies",
                    scope.id(),
                    names.join(", ")
                ),
            })
        }
    }
}
