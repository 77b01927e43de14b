//! Integration tests for the domain core: the bundled seed frameworks, pinned to the facts
//! of their source documents, and the validator's behaviour on broken files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anonymise;
mod application;
mod appointment_shapes;
mod criteria;
mod eligibility;
mod evidence_rules;
mod hostile_toml;
mod pay_properties;
mod pay_shapes;
mod portfolio;
mod route_shapes;
mod seeds_bexley;
mod seeds_medway;
mod seeds_rotherham;
mod seeds_west_sussex;
mod validator;
mod validator_hints;
