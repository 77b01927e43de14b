//! The migrations, embedded in the binary. Each step is written once per database, side by
//! side here, so the two lists cannot drift apart in number or order; the `schema_parity`
//! test checks the resulting schemas match.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};

use crate::api::BackendKind;
use crate::error::StoreError;

struct Step {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const STEPS: &[Step] = &[
    Step {
        version: 1,
        description: "workforce",
        sqlite: include_str!("../migrations/sqlite/0001_workforce.sql"),
        postgres: include_str!("../migrations/postgres/0001_workforce.sql"),
    },
    Step {
        version: 2,
        description: "progression",
        sqlite: include_str!("../migrations/sqlite/0002_progression.sql"),
        postgres: include_str!("../migrations/postgres/0002_progression.sql"),
    },
    Step {
        version: 3,
        description: "one application under way",
        sqlite: include_str!("../migrations/sqlite/0003_one_application_under_way.sql"),
        postgres: include_str!("../migrations/postgres/0003_one_application_under_way.sql"),
    },
    Step {
        version: 4,
        description: "probation",
        sqlite: include_str!("../migrations/sqlite/0004_probation.sql"),
        postgres: include_str!("../migrations/postgres/0004_probation.sql"),
    },
    Step {
        version: 5,
        description: "attestations and award levels",
        sqlite: include_str!("../migrations/sqlite/0005_attestations_and_award_levels.sql"),
        postgres: include_str!("../migrations/postgres/0005_attestations_and_award_levels.sql"),
    },
    Step {
        version: 6,
        description: "dated posts",
        sqlite: include_str!("../migrations/sqlite/0006_dated_posts.sql"),
        postgres: include_str!("../migrations/postgres/0006_dated_posts.sql"),
    },
    Step {
        version: 7,
        description: "backdating",
        sqlite: include_str!("../migrations/sqlite/0007_backdating.sql"),
        postgres: include_str!("../migrations/postgres/0007_backdating.sql"),
    },
    Step {
        version: 8,
        description: "eligibility exceptions",
        sqlite: include_str!("../migrations/sqlite/0008_eligibility_exceptions.sql"),
        postgres: include_str!("../migrations/postgres/0008_eligibility_exceptions.sql"),
    },
    Step {
        version: 9,
        description: "audit chain",
        sqlite: include_str!("../migrations/sqlite/0009_audit_chain.sql"),
        postgres: include_str!("../migrations/postgres/0009_audit_chain.sql"),
    },
    Step {
        version: 10,
        description: "accounts and sessions",
        sqlite: include_str!("../migrations/sqlite/0010_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0010_accounts.sql"),
    },
    Step {
        version: 11,
        description: "api tokens",
        sqlite: include_str!("../migrations/sqlite/0011_api_tokens.sql"),
        postgres: include_str!("../migrations/postgres/0011_api_tokens.sql"),
    },
    Step {
        version: 12,
        description: "operator account, on behalf of, sign-ins in the audit chain",
        sqlite: include_str!("../migrations/sqlite/0012_operator_and_sign_ins.sql"),
        postgres: include_str!("../migrations/postgres/0012_operator_and_sign_ins.sql"),
    },
    Step {
        version: 13,
        description: "openid connect",
        sqlite: include_str!("../migrations/sqlite/0013_oidc.sql"),
        postgres: include_str!("../migrations/postgres/0013_oidc.sql"),
    },
    Step {
        version: 14,
        description: "retention and legal hold",
        sqlite: include_str!("../migrations/sqlite/0014_retention.sql"),
        postgres: include_str!("../migrations/postgres/0014_retention.sql"),
    },
    Step {
        version: 15,
        description: "the address each audited change came from",
        sqlite: include_str!("../migrations/sqlite/0015_entered_from.sql"),
        postgres: include_str!("../migrations/postgres/0015_entered_from.sql"),
    },
    Step {
        version: 16,
        description: "registration, CPD and the appraisal cycle",
        sqlite: include_str!("../migrations/sqlite/0016_registration_cpd_appraisal_cycle.sql"),
        postgres: include_str!("../migrations/postgres/0016_registration_cpd_appraisal_cycle.sql"),
    },
    Step {
        version: 17,
        description: "role check indexes",
        sqlite: include_str!("../migrations/sqlite/0017_role_check_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0017_role_check_indexes.sql"),
    },
];

/// The migrator for one database.
pub(crate) fn migrator(backend: BackendKind) -> Migrator {
    Migrator::with_migrations(
        STEPS
            .iter()
            .map(|s| {
                let sql = match backend {
                    BackendKind::Sqlite => s.sqlite,
                    BackendKind::Postgres => s.postgres,
                };
                Migration::new(
                    s.version,
                    Cow::Borrowed(s.description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// The newest migration this build knows.
pub fn latest_version() -> i64 {
    STEPS.iter().map(|s| s.version).max().unwrap_or(0)
}

pub(crate) fn migrate_error(e: MigrateError) -> StoreError {
    let context = match &e {
        MigrateError::VersionMissing(v) => format!(
            "migrating: the database has migration {v}, which this build of Pathway does not know; \
             it was probably migrated by a newer Pathway"
        ),
        MigrateError::VersionMismatch(v) => {
            format!("migrating: migration {v} in the database differs from this build's; the database was changed")
        }
        MigrateError::Dirty(v) => format!("migrating: migration {v} failed part way through earlier; restore a backup"),
        _ => "migrating the database".to_owned(),
    };
    StoreError::database(context, e)
}
