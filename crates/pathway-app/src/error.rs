//! The application error: one enum with stable codes, mapped once per interface.

use std::path::PathBuf;

use pathway_core::Diagnostic;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A framework id that is neither bundled nor a readable file.
    #[error("no framework `{0}`: it is not a bundled id ({1}) and no such file exists")]
    UnknownFramework(String, String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A framework file has errors.
    #[error("{file} has {} error(s)", .diagnostics.iter().filter(|d| d.is_error()).count())]
    InvalidFramework {
        /// The file.
        file: String,
        /// Everything found.
        diagnostics: Vec<Diagnostic>,
    },
    /// Input that does not make sense, with the field it concerns.
    #[error("{field}: {message}")]
    BadInput {
        /// The field or argument.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A well-formed request that does not fit what the records hold: a route that does
    /// not leave the worker's level, a flag the item does not have, a name that fits more
    /// than one unit. Answered 422 over the API (400 is for malformed input).
    #[error("{field}: {message}")]
    NotOnRecord {
        /// The field or argument.
        field: String,
        /// What does not fit, and what the records hold instead.
        message: String,
    },
    /// A pay question that cannot be answered.
    #[error(transparent)]
    Pay(#[from] pathway_core::pay::PayError),
    /// Storage refused or failed.
    #[error(transparent)]
    Store(#[from] pathway_store::StoreError),
    /// A workforce value that does not make sense.
    #[error(transparent)]
    Invalid(#[from] pathway_core::workforce::InvalidValue),
    /// A progression command refused by the framework's rules; nothing changed.
    #[error(transparent)]
    Progression(#[from] pathway_core::progression::error::ProgressionError),
    /// An evidence item with problems, every one listed.
    #[error("the evidence cannot be saved: {0}")]
    Evidence(#[from] pathway_core::portfolio::InvalidEvidence),
    /// A file refused for its size or its contents.
    #[error("{name}: {source}")]
    File {
        /// The file as it was named.
        name: String,
        /// Why it was refused.
        source: pathway_core::portfolio::FileRejected,
    },
    /// The person may not do this, or may not act in the role they claim.
    #[error("{0}")]
    NotPermitted(String),
    /// The record changed since the version the request named (`If-Match`).
    #[error("{0}")]
    PreconditionFailed(String),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl AppError {
    /// A stable code for scripts and the future API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::UnknownFramework(..) => "unknown_framework",
            AppError::Read { .. } => "read_failed",
            AppError::InvalidFramework { .. } => "invalid_framework",
            AppError::BadInput { .. } => "bad_input",
            AppError::NotOnRecord { .. } => "not_on_record",
            AppError::Pay(pathway_core::pay::PayError::UnknownGrade { .. }) => "unknown_grade",
            AppError::Pay(pathway_core::pay::PayError::UnknownPoint { .. }) => "unknown_point",
            AppError::Store(e) => e.code(),
            AppError::Invalid(_) => "invalid",
            AppError::Progression(e) => e.code(),
            AppError::Evidence(_) => "invalid_evidence",
            AppError::File { source, .. } => source.code(),
            AppError::NotPermitted(_) => "not_permitted",
            AppError::PreconditionFailed(_) => "precondition_failed",
            AppError::Write { .. } => "write_failed",
        }
    }
}
