//! Schemas for request values whose types live in `pathway-core` (which knows nothing of
//! OpenAPI): written here as the JSON Schema serde reads, so a generated request that the
//! document calls valid is one the server can read. Each mirrors its type's serde form; a
//! test in tests/server checks the examples they name are accepted.

use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

fn schema(value: Value) -> RefOr<Schema> {
    // The values below are fixed and valid; a failure would be a programming error caught by
    // the openapi tests (the document would lose the schema).
    serde_json::from_value::<Schema>(value).map(RefOr::T).unwrap_or_else(|_| RefOr::T(Schema::default()))
}

const DATE: &str = "date";

/// `pathway_core::progression::DecisionOutcome`, tagged by `outcome`.
pub(crate) fn decision() -> RefOr<Schema> {
    schema(json!({
        "oneOf": [
            {"type": "object", "required": ["outcome"], "additionalProperties": false, "properties": {
                "outcome": {"type": "string", "enum": ["approved"]},
                "feedback": {"type": ["string", "null"]}}},
            {"type": "object", "required": ["outcome", "feedback", "resubmit_from"], "additionalProperties": false, "properties": {
                "outcome": {"type": "string", "enum": ["not-yet-approved"]},
                "feedback": {"type": "string"},
                "resubmit_from": {"type": "string", "format": DATE}}},
            {"type": "object", "required": ["outcome", "feedback"], "additionalProperties": false, "properties": {
                "outcome": {"type": "string", "enum": ["rejected"]},
                "feedback": {"type": "string"}}}
        ]
    }))
}

/// `pathway_core::progression::asye::AsyeResult`.
pub(crate) fn asye_result() -> RefOr<Schema> {
    schema(json!({"type": "string", "enum": ["pass", "fail"]}))
}

/// `pathway_core::progression::asye::Progress`.
pub(crate) fn progress() -> RefOr<Schema> {
    schema(json!({"type": "string", "enum": ["on-track", "concerns"]}))
}

/// `pathway_core::progression::asye::CaseloadRecord`.
pub(crate) fn caseload() -> RefOr<Schema> {
    schema(json!({
        "type": "object", "required": ["recorded_on", "cases", "protected"], "properties": {
            "recorded_on": {"type": "string", "format": DATE},
            "cases": {"type": "integer", "minimum": 0, "maximum": 4_294_967_295_u64},
            "protected": {"type": "boolean"},
            "note": {"type": ["string", "null"]}}
    }))
}

/// `pathway_core::progression::asye::DevelopmentTime`.
pub(crate) fn development_time() -> RefOr<Schema> {
    schema(json!({
        "type": "object", "required": ["on", "minutes", "activity"], "properties": {
            "on": {"type": "string", "format": DATE},
            "minutes": {"type": "integer", "minimum": 0, "maximum": 4_294_967_295_u64},
            "activity": {"type": "string"}}
    }))
}

/// `pathway_app::progression::ConvenePanel`.
pub(crate) fn convene_panel() -> RefOr<Schema> {
    schema(json!({
        "type": "object", "required": ["role", "held_on", "members"], "properties": {
            "role": {"type": "string", "description": "the framework role the panel decides as"},
            "held_on": {"type": "string", "format": DATE},
            "members": {"type": "array", "items": {
                "type": "object", "required": ["employee_number", "role"], "properties": {
                    "employee_number": {"type": "string"},
                    "role": {"type": "string"},
                    "chair": {"type": "boolean", "default": false}}}},
            "quorum": {"type": ["object", "null"], "description": "three members including the chair when not given"}}
    }))
}
