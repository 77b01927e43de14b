//! Integration tests for the domain core: the bundled seed frameworks, pinned to the facts
//! of their source documents, and the validator's behaviour on broken files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anonymise;
mod application;
mod criteria;
mod eligibility;
mod evidence_rules;
mod pay_properties;
mod portfolio;
mod seeds_bexley;
mod seeds_medway;
mod seeds_rotherham;
mod seeds_west_sussex;
mod validator;
