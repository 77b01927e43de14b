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
