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

fn post_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["unit", "role"],
        "properties": {
            "unit": {"type": "string", "description": "the unit's id or name"},
            "role": {"type": "string", "description": "a role of the framework in force (team-manager...)"},
            "holder": {"type": ["string", "null"], "description": "the holder's employee number; vacant if absent"},
            "from": {"type": ["string", "null"], "description": "held from (YYYY-MM-DD); default today"},
            "reports_to": {"type": ["integer", "null"]}
        }
    })
}

fn assign_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["worker"],
        "properties": {
            "worker": {"type": "string", "description": "the employee number"},
            "from": {"type": ["string", "null"], "description": "YYYY-MM-DD; default today"}
        }
    })
}

fn vacate_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "properties": {"on": {"type": ["string", "null"], "description": "YYYY-MM-DD; default today"}}
    })
}

fn unit_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["kind", "name"],
        "properties": {
            "kind": {"type": "string", "enum": ["service", "locality", "team"]},
            "name": {"type": "string"},
            "parent": {"type": ["string", "null"], "description": "the parent unit's id or name"}
        }
    })
}

/// A multipart form's schema, marked so [`operation`] documents it as `multipart/form-data`.
fn multipart(required: &[&str], properties: Value) -> Value {
    json!({"x-multipart": true, "type": "object", "required": required, "properties": properties})
}

fn evidence_form() -> Value {
    multipart(
        &["evidence"],
        json!({
            "evidence": {"type": "string", "description": "the item as JSON: kind, date, title, text, pages, pcf, kss, pcf_level and what its kind needs (observer, written_by, from, award); the worker is the one in the path"},
            "role": {"type": "string", "description": "the role the caller acts in; `worker` by default"},
            "why": {"type": "string"},
            "file": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "PDF, Word, Excel, PNG, JPEG or text, judged by the bytes; at most 10, each within the server's limit"}
        }),
    )
}

fn workers_import_form() -> Value {
    multipart(
        &["file"],
        json!({
            "file": {"type": "string", "format": "binary", "description": "a .csv or .xlsx sheet (by its name)"},
            "dry_run": {"type": "boolean"}, "skip_invalid": {"type": "boolean"}, "create_teams": {"type": "boolean"}
        }),
    )
}

fn organisation_import_form() -> Value {
    multipart(
        &["file"],
        json!({
            "file": {"type": "string", "format": "binary", "description": "a .csv or .xlsx sheet (by its name)"},
            "dry_run": {"type": "boolean"}
        }),
    )
}

fn edit_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false,
        "properties": {
            "title": {"type": ["string", "null"]}, "text": {"type": ["string", "null"]},
            "pages": {"type": ["integer", "null"], "minimum": 0},
            "pcf": {"type": ["array", "null"], "items": {"type": "string"}},
            "kss": {"type": ["array", "null"], "items": {"type": "string"}},
            "role": {"type": ["string", "null"]}, "why": {"type": ["string", "null"]}
        }
    })
}

fn clear_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["flags", "reason"],
        "properties": {
            "flags": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["number"],
                "properties": {"number": {"type": "integer", "minimum": 1}, "text": {"type": ["string", "null"], "description": "the flagged text as read; refused if it now reads differently"}}
            }},
            "reason": {"type": "string"},
            "role": {"type": ["string", "null"]}, "why": {"type": ["string", "null"]}
        }
    })
}

fn attestation_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["kind", "on"],
        "properties": {
            "kind": {"type": "string", "description": "endorsement, supervision-intent, assessment or accreditation"},
            "what": {"type": ["string", "null"]}, "on": {"type": "string", "description": "YYYY-MM-DD"},
            "note": {"type": ["string", "null"]}
        }
    })
}

fn award_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["kind", "title", "completed_on"],
        "properties": {
            "kind": {"type": "string"}, "title": {"type": "string"}, "provider": {"type": ["string", "null"]},
            "completed_on": {"type": "string", "description": "YYYY-MM-DD"},
            "academic_level": {"type": ["string", "null"]}, "credits": {"type": ["integer", "null"], "minimum": 1}
        }
    })
}

fn appraisal_body() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["held_on", "outcome"],
        "properties": {
            "held_on": {"type": "string", "description": "YYYY-MM-DD"}, "outcome": {"type": "string"},
            "summary": {"type": ["string", "null"]}
        }
    })
}

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
        path: "/api/openapi.json",
        summary: "This document",
        signed_in: false,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the OpenAPI 3.1 document"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}",
        summary: "The caller's authority, summarised: frameworks, units, posts, workers",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the authority"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/organisation",
        summary: "The units, posts and holders on a date (system-admin, hr-admin, auditor)",
        signed_in: true,
        query: &[("on", false, "the date (YYYY-MM-DD); default today")],
        body: None,
        ok: ("200", "the organisation tree"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/posts",
        summary: "Every post and who holds it on a date (system-admin, hr-admin, auditor)",
        signed_in: true,
        query: &[("on", false, "the date (YYYY-MM-DD); default today")],
        body: None,
        ok: ("200", "the posts"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/posts",
        summary: "Create a post, held or vacant (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(post_body),
        ok: ("201", "the post"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/posts/{post}/assign",
        summary: "A worker holds the post from a date; whoever held it stops (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(assign_body),
        ok: ("200", "the post"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/posts/{post}/vacate",
        summary: "The post is vacant from a date (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(vacate_body),
        ok: ("200", "the post"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/units",
        summary: "Add a service, locality or team (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(unit_body),
        ok: ("201", "the unit"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/evidence",
        summary: "A worker's portfolio, oldest first; the viewing is in the audit trail",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the evidence items"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/workers/{number}/evidence",
        summary: "Add an evidence item with its files (multipart/form-data)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(evidence_form),
        ok: ("201", "the item, its version the ETag"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/coverage",
        summary: "A worker's portfolio against a route: what it asks for, what counts, ready or not",
        signed_in: true,
        query: &[("route", true, "the route id"), ("on", false, "as on this date (YYYY-MM-DD); default today")],
        body: None,
        ok: ("200", "the coverage matrix and verdict"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/attestations",
        summary: "Endorsements, supervision intents, assessments and accreditations about a worker",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the attestations"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/workers/{number}/attestations",
        summary: "Record an attestation, by the caller's person",
        signed_in: true,
        query: NO_QUERY,
        body: Some(attestation_body),
        ok: ("201", "the attestation"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/awards",
        summary: "A worker's awards and courses",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the awards"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/workers/{number}/awards",
        summary: "Record an award or course (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(award_body),
        ok: ("201", "the award"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/appraisals",
        summary: "A worker's appraisals (PDR)",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the appraisals"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/workers/{number}/appraisals",
        summary: "Record an appraisal the caller's person held",
        signed_in: true,
        query: NO_QUERY,
        body: Some(appraisal_body),
        ok: ("201", "the appraisal"),
        headers: &[("Idempotency-Key", "the same key and request answer the same again")],
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/workers/{number}/subject-export",
        summary: "Everything held about a worker, as a zip (hr-admin); the export is in the audit trail",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the zip"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/evidence/{id}",
        summary: "One evidence item, its version the ETag; the viewing is in the audit trail",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the item"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "patch",
        path: "/api/v1/authorities/{authority}/evidence/{id}",
        summary: "Edit an item's title, text, pages or tags",
        signed_in: true,
        query: NO_QUERY,
        body: Some(edit_body),
        ok: ("200", "the item"),
        headers: &[("If-Match", "the ETag read; 412 if the item has changed since")],
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/evidence/{id}/authorise",
        summary: "Authorise an item in a role the caller holds (never their own)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the item"),
        headers: &[("If-Match", "the ETag read; 412 if the item has changed since")],
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/evidence/{id}/check",
        summary: "Run the anonymisation check and record where the item stands",
        signed_in: true,
        query: NO_QUERY,
        body: Some(act_body),
        ok: ("200", "the check"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/evidence/{id}/clear",
        summary: "Clear flagged details that identify nobody, with the reason",
        signed_in: true,
        query: NO_QUERY,
        body: Some(clear_body),
        ok: ("200", "the check"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/evidence/{id}/files/{sha256}",
        summary: "One of an item's files, as an attachment",
        signed_in: true,
        query: NO_QUERY,
        body: None,
        ok: ("200", "the file"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "get",
        path: "/api/v1/authorities/{authority}/reports/eligibility",
        summary: "The workforce eligibility report over the workers the caller may see (CSV with Accept: text/csv)",
        signed_in: true,
        query: &[("within_months", false, "the look-ahead window; default 6")],
        body: None,
        ok: ("200", "the report"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/imports/workers",
        summary: "Import workers from a CSV or XLSX sheet (multipart), one transaction (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(workers_import_form),
        ok: ("200", "the row report; 422 when rows are refused and nothing was written"),
        headers: NO_HEADERS,
    },
    Operation {
        method: "post",
        path: "/api/v1/authorities/{authority}/imports/organisation",
        summary: "Import units and posts from a CSV or XLSX sheet (multipart), one transaction (system-admin, hr-admin)",
        signed_in: true,
        query: NO_QUERY,
        body: Some(organisation_import_form),
        ok: ("200", "the row report; 422 when rows are refused and nothing was written"),
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
        json!({"description": op.ok.1, "content": ok_content(op.method, op.path)})
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
        let mut schema = body();
        let multipart = schema.as_object_mut().and_then(|o| o.remove("x-multipart")).is_some();
        let media = if multipart { "multipart/form-data" } else { "application/json" };
        value["requestBody"] = json!({"required": true, "content": {media: {"schema": schema}}});
    }
    value["security"] = if op.signed_in { json!([{"bearer": []}, {"session": []}]) } else { json!([]) };
    value
}

/// What a successful answer holds: a JSON object (an array for the lists of a worker's
/// records and of posts), a file for downloads, and the report as CSV too.
fn ok_content(method: &str, path: &str) -> Value {
    const LISTS: &[&str] = &["/evidence", "/attestations", "/awards", "/appraisals", "/posts"];
    if path.ends_with("/subject-export") {
        json!({"application/zip": {"schema": {"type": "string", "format": "binary"}}})
    } else if path.contains("/files/") {
        json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
    } else if path.ends_with("/reports/eligibility") {
        json!({"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}}})
    } else if method == "get" && LISTS.iter().any(|list| path.ends_with(list)) {
        json!({"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}})
    } else {
        json!({"application/json": {"schema": {"type": "object"}}})
    }
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
