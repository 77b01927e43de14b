//! The one storage error, with stable codes the web and CLI layers map once.

use pathway_core::workforce::{InvalidValue, Version};

/// Everything a storage call can fail with. [`StoreError::code`] is stable: the API and the
/// pages switch on it, so codes are never renamed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist in this authority.
    #[error("{what} {key} was not found in authority {authority}")]
    NotFound {
        /// The kind of record ("worker").
        what: &'static str,
        /// How it was asked for ("42", "employee number E1234").
        key: String,
        /// The authority searched.
        authority: String,
    },

    /// Someone else changed the record since it was read; nothing was written.
    #[error(
        "{what} {key} was changed by someone else since you read it (you had version {expected}, it is now \
         version {actual}); nothing was saved: reload it and make your change again"
    )]
    Conflict {
        /// The kind of record.
        what: &'static str,
        /// Which one.
        key: String,
        /// The version the caller read.
        expected: Version,
        /// The version stored now.
        actual: Version,
    },

    /// The record would duplicate one that exists (same employee number, same date).
    #[error("{message}")]
    Duplicate {
        /// What is duplicated, in words.
        message: String,
    },

    /// The change clashes with what the records hold about the same thing (a post held
    /// from a later day than the one asked): not malformed, and not a version race.
    #[error("{message}")]
    Clash {
        /// The field at fault, where there is one.
        field: Option<&'static str>,
        /// What clashes, and with what.
        message: String,
    },

    /// The request is not valid: a bad value, or a reference to a record that is not in this
    /// authority.
    #[error("{message}")]
    Invalid {
        /// The field at fault, where there is one.
        field: Option<&'static str>,
        /// What is wrong.
        message: String,
    },

    /// One item of a multi-item write failed, so nothing was written.
    #[error("item {} of {total}: {source}; nothing was saved", index + 1)]
    Batch {
        /// The failing item's position, from 0.
        index: usize,
        /// How many items there were.
        total: usize,
        /// What went wrong with it.
        source: Box<StoreError>,
    },

    /// The database failed, could not be reached, or holds something Pathway cannot read.
    #[error("database error while {context}: {source}")]
    Database {
        /// What Pathway was doing.
        context: String,
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// The stable code: `not_found`, `conflict`, `invalid` or `database`.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict { .. } | StoreError::Duplicate { .. } | StoreError::Clash { .. } => "conflict",
            StoreError::Invalid { .. } => "invalid",
            StoreError::Batch { source, .. } => source.code(),
            StoreError::Database { .. } => "database",
        }
    }

    /// An invalid request with no single field at fault.
    pub fn invalid(message: impl Into<String>) -> StoreError {
        StoreError::Invalid { field: None, message: message.into() }
    }

    /// A database failure while doing `context`.
    pub fn database(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError::Database { context: context.into(), source: source.into() }
    }

    /// Classify a driver error: constraint violations become [`StoreError::Duplicate`] and
    /// [`StoreError::Invalid`] (they are the caller's to fix); everything else is a database
    /// failure. `context` says what was being done, e.g. "creating worker E1234".
    pub fn from_sqlx(context: impl Into<String>, error: sqlx::Error) -> StoreError {
        let context = context.into();
        if let Some(db) = error.as_database_error() {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return StoreError::Duplicate { message: format!("{context}: {}", duplicate_of(db.message())) };
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    return StoreError::invalid(format!(
                        "{context}: it refers to a record that does not exist in this authority"
                    ));
                }
                sqlx::error::ErrorKind::CheckViolation | sqlx::error::ErrorKind::NotNullViolation => {
                    return StoreError::invalid(format!("{context}: the database refused it ({})", db.message()));
                }
                _ => {}
            }
        }
        StoreError::Database { context, source: Box::new(error) }
    }

    /// The error, marked as coming from item `index` of `total` in a batch.
    pub fn in_batch(self, index: usize, total: usize) -> StoreError {
        StoreError::Batch { index, total, source: Box::new(self) }
    }
}

/// Say what a unique violation duplicated, from either database's wording.
fn duplicate_of(message: &str) -> &'static str {
    if message.contains("employee_number") {
        "another worker in this authority already has that employee number"
    } else if message.contains("swe_number") {
        "another worker in this authority already has that Social Work England number"
    } else if message.contains("starts_on") || message.contains("one_per_day") {
        "the worker already has a timeline entry starting that day"
    } else if message.contains("applications_one_under_way") || message.contains("applications.route_id") {
        "the worker already has an application under way for that route; continue that one"
    } else if message.contains("org_units_one_open") || message.contains("org_units.authority_id") {
        "another open unit of that kind and name already exists under the same parent (perhaps created \
         by an import running at the same time); run again to use it"
    } else if message.contains("authorities") {
        "an authority with that id already exists"
    } else {
        "a record with the same key already exists"
    }
}

impl From<InvalidValue> for StoreError {
    fn from(e: InvalidValue) -> StoreError {
        StoreError::Invalid { field: Some(e.field), message: e.to_string() }
    }
}

/// Storage results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
