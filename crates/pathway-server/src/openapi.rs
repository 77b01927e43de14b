//! The API described in OpenAPI 3.1, built from one table of the operations `api.rs` and
//! `routes.rs` serve: served at `GET /api/openapi.json` and checked in as `openapi.json`
//! at the repository root (a test fails when the two differ). `every_operation_is_routed`
//! (tests/server) asks the router for each operation here, so the table cannot name one
//! that is not served.

use serde_json::{Map, Value, json};

/// One operation.
#[derive(Debug)]
pub struct Operation {
    /// `get`, `post` or `delete`.
    pub method: &'static str,
    /// The path, with `{parameters}`.
    pub path: &'static str,
    /// What it does, in a line.
    pub summary: &'static str,
    /// Whether the caller must be signed in (session or API token).
    pub signed_in: bool,
    /// Query parameters: name, required, description.
    pub query: &'static [(&'static str, bool, &'static str)],
    /// The request body's schema, where it takes one.
    pub body: Option<fn() -> Value>,
    /// The success status and what it answers.
    pub ok: (&'static str, &'static str),
    /// Headers it reads besides auth: name, description.
    pub headers: &'static [(&'static str, &'static str)],
}

const NO_QUERY: &[(&str, bool, &str)] = &[];
const NO_HEADERS: &[(&str, &str)] = &[];

fn sign_in_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["username", "password"],
        "properties": {
            "username": {"type": "string"}, "password": {"type": "string"},
            "totp": {"type": ["string", "null"]}
        }
    })
}

fn open_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["worker", "route", "why"],
        "properties": {
            "worker": {"type": "string", "description": "the worker's employee number"},
            "route": {"type": "string", "description": "the route's id in the worker's framework"},
            "fast_track": {"type": "boolean", "default": false},
            "role": {"type": ["string", "null"], "description": "the role the caller acts in; `worker` (their own) by default"},
            "why": {"type": "string", "description": "why, for the record"}
        }
    })
}

fn act_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["why"],
        "properties": {
            "role": {"type": ["string", "null"], "description": "the role the caller acts in; `worker` by default"},
            "why": {"type": "string"}
        }
    })
}

/// A changing request's body: `role` and `why`, with `required` and `properties` of its own.
fn acting_schema(required: &[&str], properties: Value) -> Value {
    let mut all = json!({
        "role": {"type": ["string", "null"], "description": "the role the caller acts in; `worker` (their own record) by default"},
        "why": {"type": "string", "description": "why, for the record"}
    });
    if let (Some(all), Value::Object(more)) = (all.as_object_mut(), properties) {
        all.extend(more);
    }
    let mut names = vec!["why"];
    names.extend_from_slice(required);
    json!({"type": "object", "additionalProperties": false, "required": names, "properties": all})
}

fn date_schema(description: &str) -> Value {
    json!({"type": "string", "format": "date", "description": description})
}

fn decision_schema() -> Value {
    json!({
        "type": "object", "required": ["outcome"],
        "description": "`{\"outcome\": \"approved\"}`, `{\"outcome\": \"not-yet-approved\", \"feedback\": ..., \"resubmit_from\": \"YYYY-MM-DD\"}` or `{\"outcome\": \"rejected\", \"feedback\": ...}`",
        "properties": {
            "outcome": {"type": "string", "enum": ["approved", "not-yet-approved", "rejected"]},
            "feedback": {"type": ["string", "null"]},
            "resubmit_from": {"type": ["string", "null"], "format": "date"}
        }
    })
}

fn assign_body() -> Value {
    acting_schema(
        &["assessor", "assessor_role"],
        json!({
            "assessor": {"type": "string", "description": "the assessor's employee number"},
            "assessor_role": {"type": "string", "description": "the role they take on the step (one they hold)"}
        }),
    )
}

fn complete_body() -> Value {
    acting_schema(
        &["completion"],
        json!({
            "completion": {
                "type": "object", "required": ["outcome", "record"],
                "description": "the outcome and the step's form: `{\"outcome\": \"met\", \"record\": {\"type\": \"report\", \"summary\": ...}}`",
                "properties": {
                    "outcome": {"type": "string", "enum": ["met", "met-with-notes", "not-met"]},
                    "notes": {"type": ["string", "null"]},
                    "record": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": [
                        "report", "practice-observation", "case-file-audit", "interview", "recommendation", "decision"
                    ]}}}
                }
            }
        }),
    )
}

fn refer_body() -> Value {
    acting_schema(&[], json!({"panel": {"type": ["integer", "null"], "description": "the convened panel it goes to"}}))
}

fn decide_body() -> Value {
    let mut decision = decision_schema();
    decision["type"] = json!(["object", "null"]);
    acting_schema(
        &[],
        json!({
            "decision": decision,
            "panel": {"type": ["integer", "null"], "description": "instead of `decision`: the panel whose recorded outcome decides it"}
        }),
    )
}

fn sign_off_body() -> Value {
    acting_schema(
        &["effective_from"],
        json!({
            "effective_from": date_schema("the day the new level, grade and point take effect"),
            "point": {"type": ["string", "null"], "description": "the pay point, where a person must choose it"}
        }),
    )
}

fn appeal_body() -> Value {
    acting_schema(&["grounds"], json!({"grounds": {"type": "string"}}))
}

fn decision_body() -> Value {
    acting_schema(&["decision"], json!({"decision": decision_schema()}))
}

fn exception_body() -> Value {
    acting_schema(
        &["worker", "route"],
        json!({
            "worker": {"type": "string", "description": "the worker's employee number"},
            "route": {"type": "string"},
            "criteria": {"type": "array", "items": {"type": "string"}, "description": "kinds of criterion waived; none waives every unmet essential criterion (never registration)"}
        }),
    )
}

fn convene_body() -> Value {
    acting_schema(
        &["panel"],
        json!({
            "panel": {
                "type": "object", "required": ["role", "held_on", "members"],
                "properties": {
                    "role": {"type": "string", "description": "the framework role it decides as"},
                    "held_on": {"type": "string", "format": "date"},
                    "members": {"type": "array", "items": {
                        "type": "object", "required": ["employee_number", "role"],
                        "properties": {
                            "employee_number": {"type": "string"}, "role": {"type": "string"}, "chair": {"type": "boolean"}
                        }
                    }},
                    "quorum": {"type": ["object", "null"], "required": ["members", "chair"], "properties": {
                        "members": {"type": "integer"}, "chair": {"type": "boolean"},
                        "roles": {"type": "array", "items": {"type": "string"}}
                    }}
                }
            }
        }),
    )
}

fn list_body() -> Value {
    acting_schema(&["application"], json!({"application": {"type": "integer"}}))
}

fn attendance_body() -> Value {
    acting_schema(
        &["present"],
        json!({"present": {"type": "array", "items": {"type": "string"}, "description": "employee numbers"}}),
    )
}

fn conflict_body() -> Value {
    acting_schema(
        &["application", "member", "reason"],
        json!({
            "application": {"type": "integer"},
            "member": {"type": "string", "description": "the member's employee number"},
            "reason": {"type": "string"}
        }),
    )
}

fn outcome_body() -> Value {
    acting_schema(
        &["application", "decision"],
        json!({"application": {"type": "integer"}, "decision": decision_schema()}),
    )
}

fn start_asye_body() -> Value {
    acting_schema(
        &["worker", "starts_on"],
        json!({
            "worker": {"type": "string", "description": "the newly qualified social worker's employee number"},
            "starts_on": date_schema("the first day; its month must be one of the framework's intakes"),
            "nine_month_review": {"type": "boolean", "default": false}
        }),
    )
}

fn review_body() -> Value {
    acting_schema(
        &["months", "progress", "summary", "held_on"],
        json!({
            "months": {"type": "integer", "description": "the review point, in months from the start"},
            "progress": {"type": "string", "enum": ["on-track", "concerns"]},
            "summary": {"type": "string"},
            "held_on": date_schema("when it was held")
        }),
    )
}

fn caseload_body() -> Value {
    acting_schema(
        &["caseload"],
        json!({"caseload": {
            "type": "object", "required": ["recorded_on", "cases", "protected"],
            "properties": {
                "recorded_on": {"type": "string", "format": "date"}, "cases": {"type": "integer"},
                "protected": {"type": "boolean"}, "note": {"type": ["string", "null"]}
            }
        }}),
    )
}

fn development_time_body() -> Value {
    acting_schema(
        &["development_time"],
        json!({"development_time": {
            "type": "object", "required": ["on", "minutes", "activity"],
            "properties": {"on": {"type": "string", "format": "date"}, "minutes": {"type": "integer"}, "activity": {"type": "string"}}
        }}),
    )
}

fn extend_body() -> Value {
    acting_schema(
        &["months"],
        json!({
            "months": {"type": "integer", "description": "by how many months (1 to 12)"},
            "extenuating": {"type": ["string", "null"], "description": "the extenuating circumstances, where the framework demands them"}
        }),
    )
}

fn recommend_body() -> Value {
    acting_schema(
        &["result", "rationale"],
        json!({"result": {"type": "string", "enum": ["pass", "fail"]}, "rationale": {"type": "string"}}),
    )
}

fn moderate_body() -> Value {
    acting_schema(&["result"], json!({"result": {"type": "string", "enum": ["pass", "fail"]}}))
}

const IF_MATCH: &[(&str, &str)] =
    &[("If-Match", "the ETag read; 412 precondition_failed when the record is at another version")];
const IDEMPOTENT: &[(&str, &str)] = &[(
    "Idempotency-Key",
    "the same key and body answer the same again (Idempotent-Replayed: true); the same key with another body is 409",
)];

/// Every operation served.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        method: "get",
        path: "/healthz",
        summary: "200 when the database answers, 503 otherwise",
        signed_in: false,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the server and its database answer"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/session",
        summary: "Sign in with a username, password and (when enrolled) a TOTP code",
        signed_in: false,
        query: NO_QUERY,
        body: Some(sign_in_body),
        ok: ("200", "signed in: the CSRF token and who signed in; the session cookie is set"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "delete",
        path: "/api/v1/session",
        summary: "Sign out (X-CSRF-Token required)",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("204", "signed out"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/me",
        summary: "Who is signed in: person, authority, posts held today, system roles",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the signed-in person"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/frameworks",
        summary: "The bundled frameworks, summarised",
        signed_in: false,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the frameworks"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/frameworks/{id}",
        summary: "A bundled framework's ladder, with pay on a date",
        signed_in: false,
        query: &[("on", false, "the date pay is shown for (YYYY-MM-DD); default today")],
        body: None,
        ok: ("200", "the ladder"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/pay",
        summary: "The salary at a grade and point of a bundled framework on a date",
        signed_in: false,
        query: &[
            ("framework", true, "a bundled framework's id"),
            ("grade", true, "the grade as the document prints it"),
            ("point", true, "the point as the document prints it"),
            ("on", false, "the date (YYYY-MM-DD); default today"),
        ],
        body: None,
        ok: ("200", "the pay answer"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers",
        summary: "The workers the caller may see, by employee number, a page at a time",
        signed_in: true,
        query: &[("cursor", false, "the next_cursor of the page before"), ("limit", false, "1 to 200; default 50")],
        body: None,
        ok: ("200", "a page: items and next_cursor (absent on the last page)"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}",
        summary: "A worker's level, grade, point and salary today (own record, own team, or a system role)",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the worker; ETag is the record's version"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/eligibility",
        summary: "Every route out of a worker's level today, met or not and why",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the worker's eligibility"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications",
        summary: "Open an application (Idempotency-Key honoured)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(open_body),
        ok: ("201", "the application opened; ETag is its version"),
        headers: &[(
            "Idempotency-Key",
            "the same key and body answer the same again (Idempotent-Replayed: true); the same key with another body is 409",
        )],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/applications/{id}",
        summary: "One application, with its steps and history",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the application; ETag is its version"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/submit",
        summary: "Submit a draft application (If-Match: 412 when it changed)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application submitted; ETag is its new version"),
        headers: &[("If-Match", "the ETag read; 412 precondition_failed when the application is at another version")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/applications",
        summary: "The applications the caller may see (theirs, their team's, ones they assess or hear on a panel), by id, a page at a time",
        signed_in: true,
        query: &[
            ("worker", false, "one worker's, by employee number"),
            ("cursor", false, "the next_cursor of the page before"),
            ("limit", false, "1 to 200; default 50"),
        ],
        body: None,
        ok: ("200", "a page: items and next_cursor (absent on the last page)"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/applications/{id}/history",
        summary: "Everything that happened to an application: who, when, why, from the audit trail",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the events, oldest first"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/applications/{id}/pay-preview",
        summary: "The pay change signing off would bring (changes nothing)",
        signed_in: true,
        query: &[
            ("effective", true, "the day the change would take effect (YYYY-MM-DD)"),
            ("point", false, "the pay point, where a person must choose it"),
        ],
        body: None,
        ok: ("200", "old and new pay, placement and next increment"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/begin-assessment",
        summary: "Begin assessing a submitted application",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/assign",
        summary: "Assign someone to a step, under the framework's independence rules",
        signed_in: true,
        query: NO_QUERY,
        body: Some(assign_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/start",
        summary: "Mark a step in progress",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/steps/{step}/complete",
        summary: "Complete a step with its outcome and form",
        signed_in: true,
        query: NO_QUERY,
        body: Some(complete_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/refer",
        summary: "Send an application to its panel or interview",
        signed_in: true,
        query: NO_QUERY,
        body: Some(refer_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/decide",
        summary: "Decide an application, or make the decision its panel recorded",
        signed_in: true,
        query: NO_QUERY,
        body: Some(decide_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/sign-off",
        summary: "Sign off an approved application's pay change from a date",
        signed_in: true,
        query: NO_QUERY,
        body: Some(sign_off_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/make-effective",
        summary: "Make a signed-off application effective: the worker's record changes with it",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application and the new timeline entry"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/withdraw",
        summary: "Withdraw an application before a decision",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/appeal",
        summary: "Appeal a decision that did not approve",
        signed_in: true,
        query: NO_QUERY,
        body: Some(appeal_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/decide-appeal",
        summary: "Decide an appeal (not whoever made the original decision)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(decision_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/applications/{id}/reopen",
        summary: "Reopen a \"not yet approved\" application for resubmission",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the application; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/exceptions",
        summary: "Exceptions to eligibility criteria recorded for workers the caller may see",
        signed_in: true,
        query: &[("worker", false, "one worker's, by employee number")],
        body: None,
        ok: ("200", "the exceptions"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/exceptions",
        summary: "Record an exception to a route's eligibility criteria (Idempotency-Key honoured)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(exception_body),
        ok: ("201", "the exception recorded"),
        headers: IDEMPOTENT,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/panels",
        summary: "Convene a panel (Idempotency-Key honoured)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(convene_body),
        ok: ("201", "the panel; ETag is its version"),
        headers: IDEMPOTENT,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/panels/{id}",
        summary: "A panel: members, hearings, outcomes (its members, its convener, the whole-authority roles)",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the panel; ETag is its version"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/panels/{id}/applications",
        summary: "Put an application on a panel's list",
        signed_in: true,
        query: NO_QUERY,
        body: Some(list_body),
        ok: ("200", "the panel; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/panels/{id}/attendance",
        summary: "Record who attended a panel",
        signed_in: true,
        query: NO_QUERY,
        body: Some(attendance_body),
        ok: ("200", "the panel; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/panels/{id}/conflicts",
        summary: "Record a member's conflict of interest for one application",
        signed_in: true,
        query: NO_QUERY,
        body: Some(conflict_body),
        ok: ("200", "the panel; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/panels/{id}/outcomes",
        summary: "Record the panel's outcome for an application (the chair, when quorate)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(outcome_body),
        ok: ("200", "the panel; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/panels/{id}/pack",
        summary: "The anonymised panel pack (the view is recorded in the audit trail)",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "each listed application's cleared evidence, and what is held back and why"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye",
        summary: "Start a newly qualified social worker's ASYE (Idempotency-Key honoured)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(start_asye_body),
        ok: ("201", "the programme; ETag is its version"),
        headers: IDEMPOTENT,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/asye/{id}",
        summary: "An ASYE programme: reviews, caseload, development time, outcome, history",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the programme; ETag is its version"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/reviews",
        summary: "Record an ASYE review held at one of its review points",
        signed_in: true,
        query: NO_QUERY,
        body: Some(review_body),
        ok: ("200", "the programme; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/caseload",
        summary: "Record an ASYE worker's caseload on a date",
        signed_in: true,
        query: NO_QUERY,
        body: Some(caseload_body),
        ok: ("200", "the programme; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/development-time",
        summary: "Record ASYE development time taken",
        signed_in: true,
        query: NO_QUERY,
        body: Some(development_time_body),
        ok: ("200", "the programme; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/extend",
        summary: "Extend an ASYE programme where the framework allows it",
        signed_in: true,
        query: NO_QUERY,
        body: Some(extend_body),
        ok: ("200", "the programme; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/recommend",
        summary: "The ASYE assessor's recommendation after the final review",
        signed_in: true,
        query: NO_QUERY,
        body: Some(recommend_body),
        ok: ("200", "the programme; ETag is its new version"),
        headers: IF_MATCH,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/asye/{id}/moderate",
        summary: "Moderation's ASYE decision; a pass opens the framework's automatic route",
        signed_in: true,
        query: NO_QUERY,
        body: Some(moderate_body),
        ok: ("200", "the programme and the application a pass opened"),
        headers: IF_MATCH,
    },
    Operation {
        method: "get",
        path: "/api/openapi.json",
        summary: "This document",
        signed_in: false,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the OpenAPI 3.1 document"),
        headers: NO_HEADERS,
    },
];

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

fn operation(op: &Operation) -> Value {
    let mut parameters = path_parameters(op.path);
    for (name, required, description) in op.query {
        parameters.push(json!({
            "name": name, "in": "query", "required": required, "description": description,
            "schema": {"type": if *name == "limit" { "integer" } else { "string" }}
        }));
    }
    for (name, description) in op.headers {
        parameters.push(json!({
            "name": name, "in": "header", "required": false, "description": description, "schema": {"type": "string"}
        }));
    }
    let ok = if op.ok.0 == "204" {
        json!({"description": op.ok.1})
    } else {
        json!({"description": op.ok.1, "content": {"application/json": {"schema": {"type": "object"}}}})
    };
    let mut responses = Map::new();
    responses.insert(op.ok.0.to_owned(), ok);
    responses.insert("400".into(), error_response("the request is malformed (code, message, field)"));
    if op.signed_in {
        responses.insert("401".into(), error_response("not signed in, or the API token is not accepted"));
        responses.insert("403".into(), error_response("not permitted, a read-only token, or CSRF refused"));
    }
    responses.insert("404".into(), error_response("not found (also any other authority's records)"));
    if op.method == "post" {
        responses.insert("409".into(), error_response("a conflict (or an Idempotency-Key used for another request)"));
        responses.insert("422".into(), error_response("refused by a rule (not_eligible...)"));
    }
    if op.headers.iter().any(|(h, _)| *h == "If-Match") {
        responses.insert("412".into(), error_response("the record changed since the ETag sent"));
    }
    let mut value = json!({
        "summary": op.summary,
        "operationId": format!("{}{}", op.method, op.path.replace(['/', '{', '}', '.'], "_")),
        "responses": responses,
    });
    if !parameters.is_empty() {
        value["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = op.body {
        value["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": body()}}});
    }
    value["security"] = if op.signed_in { json!([{"bearer": []}, {"session": []}]) } else { json!([]) };
    value
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for op in OPERATIONS {
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation(op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Pathway",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Career progression and pay for social workers. Errors are {code, message, field}; \
                lists are cursor-paged; creating POSTs honour Idempotency-Key; changes to a versioned record \
                honour If-Match with the ETag read. Sign in with a session (cookie + X-CSRF-Token on changes) \
                or an API token (Authorization: Bearer pwt_...)."
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "description": "stable, snake_case"},
                        "message": {"type": "string"},
                        "field": {"type": ["string", "null"], "description": "the input at fault, where one is"}
                    }
                }
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (`pathway token create`)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "__Host-pathway",
                    "description": "the session cookie from POST /api/v1/session (`pathway` on loopback development)"}
            }
        }
    })
}

/// The document as checked in: pretty-printed, with a final newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
