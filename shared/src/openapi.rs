//! The OpenAPI 3.1 document of `/api/v1`, built from the policy table (`auth::ROUTES`) and the
//! wire types' JSON Schemas, so it cannot list a route the Worker does not serve or miss one it does.
//!
//! Only the main endpoints have typed bodies; every other operation says so (an untyped 200 and
//! the error body as `default`) rather than pretend.

use crate::auth::{Access, Method, ROUTES};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

/// Where the schemas live; the generators write their `$ref`s against it.
const SCHEMAS_POINTER: &str = "/components/schemas";

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#{SCHEMAS_POINTER}/{name}") })
}

/// Inputs are described as the server reads them, outputs as it writes them: the two differ for
/// fields with `#[serde(default)]` (optional on input, always present on output).
struct Schemas {
    input: SchemaGenerator,
    output: SchemaGenerator,
}

impl Schemas {
    fn new() -> Self {
        let settings = || {
            SchemaSettings::draft2020_12().with(|s| {
                s.definitions_path = SCHEMAS_POINTER.into();
            })
        };
        Schemas {
            input: settings().for_deserialize().into_generator(),
            output: settings().for_serialize().into_generator(),
        }
    }

    fn input<T: JsonSchema>(&mut self) -> Value {
        self.input.subschema_for::<T>().to_value()
    }

    fn output<T: JsonSchema>(&mut self) -> Value {
        self.output.subschema_for::<T>().to_value()
    }

    /// Both generators' definitions; a type used both ways keeps its output form, which is the
    /// stricter one (the unit tests check that no input form is lost this way).
    fn into_components(mut self) -> Map<String, Value> {
        let mut all = self.input.take_definitions(true);
        all.extend(self.output.take_definitions(true));
        all
    }
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": json_content(schema) })
}

fn error_response(description: &str) -> Value {
    response(description, schema_ref("ApiErrorBody"))
}

/// `/api/v1/requests/:tracking_no` → `/api/v1/requests/{tracking_no}` and its parameter names.
pub fn openapi_path(template: &str) -> (String, Vec<String>) {
    let mut names = Vec::new();
    let path = template
        .split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) => {
                names.push(name.to_owned());
                format!("{{{name}}}")
            }
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/");
    (path, names)
}

fn method_key(method: Method) -> &'static str {
    match method {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Delete => "delete",
    }
}

fn operation_id(method: Method, template: &str) -> String {
    let mut id = method_key(method).to_owned();
    for word in template.trim_start_matches("/api/v1").split(['/', '-', '.', ':']).filter(|w| !w.is_empty()) {
        id.push('_');
        id.push_str(word);
    }
    id
}

/// Who may call it, as OpenAPI security requirements plus a sentence for the description.
fn security(method: Method, template: &str, access: Access) -> (Value, String) {
    match access {
        Access::Public if template == "/api/v1/requests/:tracking_no" => (
            json!([{}, { "reporterToken": [] }]),
            "Public; the reporter's private token (Bearer or `?token=`) gives the private view.".to_owned(),
        ),
        Access::Public if template == "/api/v1/requests/:tracking_no/subscriptions" => (
            json!([{ "reporterToken": [] }]),
            "The reporter's private token or a follower's (\"me too\") token, as Bearer.".to_owned(),
        ),
        Access::Public => (json!([]), "Public.".to_owned()),
        Access::Staff(permission) => {
            let csrf = if method == Method::Get {
                ""
            } else {
                " With a session cookie, send the session's CSRF token as `X-CSRF-Token`."
            };
            (
                json!([{ "session": [] }, { "apiToken": [] }]),
                format!("Staff with the `{}` permission (session or API token).{csrf}", permission.as_str()),
            )
        }
        Access::ChannelKey => (json!([{ "channelKey": [] }]), "A registered channel's key.".to_owned()),
        // The one-time secret travels in the JSON body (`secret`), which OpenAPI security cannot name.
        Access::Bootstrap => (
            json!([]),
            "Only with the one-time `BOOTSTRAP_SECRET` in the body's `secret`, and only while no admin exists."
                .to_owned(),
        ),
    }
}

fn security_schemes() -> Value {
    json!({
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "huiyin_session",
            "description": "A staff session from `POST /api/v1/auth/login`; changes also need `X-CSRF-Token`."
        },
        "apiToken": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hy_…",
            "description": "A staff member's API token, scoped to a subset of the role's permissions."
        },
        "channelKey": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "hych_…",
            "description": "A registered intake channel's key (`/api/v1/admin/channels`)."
        },
        "reporterToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "The private token handed out once when a request is submitted."
        }
    })
}

/// The typed parts of the main operations: request body, responses and extra parameters.
/// `None` for every other operation.
fn typed(method: Method, template: &str, schemas: &mut Schemas) -> Option<Map<String, Value>> {
    let mut op = Map::new();
    match (method, template) {
        (Method::Post, "/api/v1/requests") => {
            op.insert(
                "parameters".into(),
                json!([{
                    "name": crate::api::IDEMPOTENCY_KEY_HEADER,
                    "in": "header",
                    "required": true,
                    "description": "16–128 of `A-Za-z0-9-_.:`; a replay with the same body answers 200 with the same ticket.",
                    "schema": { "type": "string", "pattern": "^[A-Za-z0-9._:-]{16,128}$" }
                }]),
            );
            op.insert("requestBody".into(), json!({ "required": true, "content": json_content(schemas.input::<crate::request::NewRequestInput>()) }));
            let submitted = schemas.output::<crate::ticket::SubmitResponse>();
            op.insert(
                "responses".into(),
                json!({
                    "201": response("Created; the only time the token is handed out.", submitted.clone()),
                    "200": response("A replay of the same key and body: the same ticket and token.", submitted),
                    "400": error_response("Malformed body or header."),
                    "413": error_response("Body over 64 KiB."),
                    "415": error_response("Not JSON."),
                    "422": error_response("Invalid fields, or the key reused with another body."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Get, "/api/v1/requests/:tracking_no") => {
            op.insert(
                "parameters".into(),
                json!([{
                    "name": "token",
                    "in": "query",
                    "required": false,
                    "description": "The reporter's private token, for the private view.",
                    "schema": { "type": "string" }
                }]),
            );
            op.insert(
                "responses".into(),
                json!({
                    "200": response("The public view, or the private one with the token.", schemas.output::<crate::ticket::TicketView>()),
                    "404": error_response("No such request, or not a tracking number."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Post, "/api/v1/requests/:tracking_no/subscriptions") => {
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": json_content(schemas.input::<crate::subscription::SubscriptionInput>()) }),
            );
            let answer = schemas.output::<crate::subscription::SubscribeResponse>();
            op.insert(
                "responses".into(),
                json!({
                    "201": response("Subscribed: every public change of the request is sent once.", answer.clone()),
                    "200": response("This endpoint or address already follows the request: the same subscription.", answer),
                    "403": error_response("No token, or not the reporter's or a follower's."),
                    "404": error_response("No such request."),
                    "409": error_response("The request has the most subscriptions it may have."),
                    "422": error_response("Invalid fields (`kind`, `endpoint`, `keys.p256dh`, `keys.auth`, `email`, `lang`)."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Post, "/api/v1/unsubscribe/:token") => {
            op.insert(
                "responses".into(),
                json!({
                    "200": response("Ended (also when it had ended already). Any body is ignored (RFC 8058 one-click).", schemas.output::<crate::subscription::UnsubscribeResponse>()),
                    "404": error_response("No subscription has this token."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Post, "/api/v1/requests/:tracking_no/photos") => {
            let binary = json!({ "type": "string", "contentMediaType": "application/octet-stream" });
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "description": "The image itself: JPEG, PNG or WebP (decided by its bytes, not the Content-Type), at most 512 KiB; metadata (EXIF, GPS) is removed before it is stored.",
                    "content": { "image/*": { "schema": binary } }
                }),
            );
            let uploaded = schemas.output::<crate::photo::UploadedPhoto>();
            op.insert(
                "responses".into(),
                json!({
                    "201": response("Stored; the public copy is at `url`.", uploaded.clone()),
                    "200": response("The same photo again: the first upload.", uploaded),
                    "401": error_response("No reporter's token."),
                    "403": error_response("Not this request's token."),
                    "404": error_response("No such request."),
                    "409": error_response("The request has 3 photos already."),
                    "413": error_response("Over 512 KiB."),
                    "422": error_response("Not a readable JPEG, PNG or WebP image, or over 8000 pixels a side (`photo`)."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Get, "/api/v1/photos/:id") => {
            let binary = json!({ "schema": { "type": "string", "contentMediaType": "application/octet-stream" } });
            op.insert(
                "responses".into(),
                json!({
                    "200": {
                        "description": "The public copy, without metadata; cacheable for a year (the bytes under an id never change).",
                        "content": { "image/jpeg": binary.clone(), "image/png": binary.clone(), "image/webp": binary }
                    },
                    "404": error_response("No such photo, not public yet, or hidden by moderation."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Get, "/api/v1/config") => {
            op.insert(
                "responses".into(),
                json!({ "200": response("The deployment's city and map settings.", schemas.output::<crate::api::PublicConfig>()) }),
            );
        }
        (Method::Get, "/api/v1/categories") => {
            op.insert(
                "responses".into(),
                json!({ "200": response("The category tree.", schemas.output::<crate::api::CategoriesResponse>()) }),
            );
        }
        (Method::Post, "/api/v1/intake/:channel") => {
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": json_content(schemas.input::<crate::channels::IntakeInput>()) }),
            );
            let submitted = schemas.output::<crate::ticket::SubmitResponse>();
            op.insert(
                "responses".into(),
                json!({
                    "201": response("Created.", submitted.clone()),
                    "200": response("A replay of the same external id and body: the same ticket.", submitted),
                    "401": error_response("No channel key."),
                    "403": error_response("Wrong key, or a paused channel."),
                    "422": error_response("Invalid fields (`external_id`, `request.…`), or the id reused with another body."),
                    "429": error_response("Over the channel's rate; see `Retry-After`."),
                    "default": error_response("Any other error.")
                }),
            );
        }
        (Method::Get, "/api/v1/admin/channels") => {
            let view = schemas.output::<crate::channels::ChannelView>();
            op.insert(
                "responses".into(),
                json!({
                    "200": response("Every channel.", json!({
                        "type": "object",
                        "properties": { "channels": { "type": "array", "items": view } },
                        "required": ["channels"]
                    })),
                    "default": error_response("Any error.")
                }),
            );
        }
        (Method::Post, "/api/v1/admin/channels") => {
            op.insert(
                "requestBody".into(),
                json!({ "required": true, "content": json_content(schemas.input::<crate::channels::ChannelInput>()) }),
            );
            op.insert(
                "responses".into(),
                json!({
                    "201": response("Created; the key is shown only now.", schemas.output::<crate::channels::ChannelKey>()),
                    "default": error_response("Any error.")
                }),
            );
        }
        _ => return None,
    }
    Some(op)
}

/// An operation without typed bodies: honest about it.
fn untyped() -> Map<String, Value> {
    let mut op = Map::new();
    op.insert(
        "responses".into(),
        json!({
            "200": response("Success; this body is not described yet.", json!({})),
            "default": error_response("Any error.")
        }),
    );
    op
}

/// The OpenAPI 3.1 document of every `/api/v1` route, for a server at `server_url`.
pub fn document(server_url: &str) -> Value {
    let mut schemas = Schemas::new();
    // Always present: every untyped operation refers to it.
    schemas.output::<crate::error::ApiErrorBody>();
    let mut paths = Map::new();
    for route in ROUTES.iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let (path, names) = openapi_path(route.path);
        let (security, who) = security(route.method, route.path, route.access);
        let mut op = typed(route.method, route.path, &mut schemas).unwrap_or_else(untyped);
        let mut parameters: Vec<Value> = names
            .iter()
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        if let Some(Value::Array(more)) = op.remove("parameters") {
            parameters.extend(more);
        }
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        op.insert("operationId".into(), json!(operation_id(route.method, route.path)));
        op.insert("description".into(), json!(who));
        op.insert("security".into(), security);
        if let Value::Object(item) = paths.entry(path).or_insert_with(|| json!({})) {
            item.insert(method_key(route.method).into(), Value::Object(op));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Huiyin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "回音: the 12345 hotline's API. Errors are `ApiErrorBody` with the status of their code."
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{ "url": server_url }],
        "paths": paths,
        "components": {
            "securitySchemes": security_schemes(),
            "schemas": schemas.into_components()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        document("http://localhost/")
    }

    #[test]
    fn openapi_lists_every_api_route_with_its_method() {
        let doc = doc();
        for route in ROUTES.iter().filter(|r| r.path.starts_with("/api/v1/")) {
            let (path, names) = openapi_path(route.path);
            let op = &doc["paths"][&path][method_key(route.method)];
            assert!(op.is_object(), "{} {path} missing", route.method.as_str());
            for name in names {
                let declared = op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path" && p["name"] == name.as_str()));
                assert!(declared, "{path}: path parameter {name} not declared");
            }
        }
        let count: usize =
            doc["paths"].as_object().map_or(0, |p| p.values().map(|i| i.as_object().map_or(0, Map::len)).sum());
        assert_eq!(count, ROUTES.iter().filter(|r| r.path.starts_with("/api/v1/")).count());
    }

    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn openapi_refs_all_resolve_inside_the_document() {
        let doc = doc();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(all.len() > 10);
        for r in all {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("external ref {r}"));
            assert!(doc.pointer(pointer).is_some(), "unresolved {r}");
        }
    }

    #[test]
    fn openapi_types_used_both_ways_keep_the_same_input_schema() {
        // A type both read and written keeps its output schema; that must not lose the input's.
        let mut schemas = Schemas::new();
        typed(Method::Post, "/api/v1/requests", &mut schemas);
        typed(Method::Post, "/api/v1/intake/:channel", &mut schemas);
        typed(Method::Post, "/api/v1/admin/channels", &mut schemas);
        let input = schemas.input.take_definitions(true);
        let merged = document("http://localhost/");
        for (name, schema) in input {
            assert_eq!(&merged["components"]["schemas"][&name], &schema, "{name} differs between input and output");
        }
    }

    #[test]
    fn openapi_document_is_3_1_with_security_schemes() {
        let doc = doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["servers"][0]["url"], "http://localhost/");
        let schemes = &doc["components"]["securitySchemes"];
        for op in doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
            .filter_map(Value::as_object)
            .flat_map(|i| i.values())
        {
            for requirement in op["security"].as_array().into_iter().flatten() {
                for name in requirement.as_object().into_iter().flat_map(|r| r.keys()) {
                    assert!(schemes[name].is_object(), "unknown scheme {name}");
                }
            }
        }
        for name in [
            "SubmitResponse",
            "TicketView",
            "ApiErrorBody",
            "PublicConfig",
            "CategoriesResponse",
            "IntakeInput",
            "NewRequestInput",
            "ChannelView",
            "ChannelKey",
            "ChannelInput",
        ] {
            assert!(doc["components"]["schemas"][name].is_object(), "{name} missing");
        }
    }
}
