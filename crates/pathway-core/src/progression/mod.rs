//! Progression: how a worker moves up the framework's ladder, and everything that moves them.
//!
//! An application taken through its route's steps to a decision and sign-off; the panels that
//! hear applications; the ASYE programme that ends in the first progression; appointment from
//! outside at a level. They share one vocabulary, each in its own small module: who acted and
//! why ([`audit`]), why a command was refused ([`error`]), and the pay change a move brings
//! ([`pay_preview`]). Everything here is pure, like the rest of the core: a command takes a
//! record and an [`audit::Audit`] and returns a new record or a refusal that changed nothing.

pub mod application;
pub mod appointment;
pub mod asye;
pub mod audit;
pub mod binds;
pub mod decision;
pub mod error;
pub mod exception;
pub mod forms;
pub mod history;
pub mod panel;
pub mod pay_preview;
pub mod status;
pub mod steps;
