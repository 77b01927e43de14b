//! Pathway's domain: career progression frameworks for social workers, their pay, and the
//! rules for who may progress, how and when.
//!
//! Pure: no IO, no async, no database. Everything here is deterministic and fast, so most
//! of Pathway's tests live here.

pub mod anonymise;
pub mod audit_chain;
pub mod bundled;
pub mod career;
pub mod diagnostic;
pub mod eligibility;
pub mod framework;
pub mod ids;
pub mod invalid;
pub mod money;
pub mod pay;
pub mod portfolio;
pub mod progression;
pub mod standards;
pub mod text;
pub mod vocab;
pub mod workforce;

pub use diagnostic::{Diagnostic, Severity};
pub use money::Pence;
