//! The refusal every checked value in the core gives: which field, the value given, and what
//! is wrong. Its own module so ids and workforce records can both use it without leaning on
//! each other.

/// Why a value was refused: which field, the value given, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} `{value}`: {reason}")]
pub struct InvalidValue {
    /// The field, in words a person would use ("employee number").
    pub field: &'static str,
    /// The value as given.
    pub value: String,
    /// What is wrong and, where possible, what would be right.
    pub reason: String,
}

impl InvalidValue {
    /// A refusal of `value` for `field`.
    pub fn new(field: &'static str, value: impl Into<String>, reason: impl Into<String>) -> InvalidValue {
        InvalidValue { field, value: value.into(), reason: reason.into() }
    }
}
