//! Pathway's application layer: the use cases the CLI (and later the web app and API)
//! call. Reading files, choosing storage, and — in later waves — authorisation and
//! tenancy checks happen here, never in the interfaces.

pub mod accounts;
pub mod audit;
pub mod career;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod export;
pub mod files;
pub mod frameworks;
pub mod import;
pub mod ladder;
pub mod model;
pub mod oidc;
pub mod operator;
pub mod organisation;
pub mod pay;
pub mod portfolio;
pub mod progression;
pub mod records;
pub mod reports;
pub mod retention;
mod retry;
pub mod service;
pub mod subject;
pub mod tokens;
pub mod viewer;
pub mod viewer_progression;
pub mod viewer_records;

pub use error::AppError;
