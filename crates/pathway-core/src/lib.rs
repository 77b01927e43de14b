//! Pathway's domain: career progression frameworks for social workers, their pay, and the
//! rules for who may progress, how and when.
//!
//! Pure: no IO, no async, no database. Everything here is deterministic and fast, so most
//! of Pathway's tests live here.

pub mod anonymise;
pub mod application;
pub mod appointment;
pub mod asye;
pub mod bundled;
pub mod diagnostic;
pub mod eligibility;
pub mod framework;
pub mod money;
pub mod panel;
pub mod pay;
pub mod portfolio;
pub mod standards;
pub mod text;
pub mod workforce;

pub use diagnostic::{Diagnostic, Severity};
pub use money::Pence;

/// serde, for the exported `record_id!` macro.
#[doc(hidden)]
pub use serde as __serde;
