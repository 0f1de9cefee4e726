//! OpenAI's strict Structured Outputs schemas.
//!
//! The strict schema is generated from the type with `schemars` and rewritten into the
//! subset OpenAI's strict mode takes ([`strict_schema`]): every property required (an
//! `Option` becomes `["type","null"]` / `anyOf` with null), `additionalProperties: false`
//! on every object, `oneOf` → `anyOf`, `const` → one-value `enum`, `$ref` only into
//! `$defs` (recursive types), annotations and `format`s OpenAI rejects dropped. A type it
//! cannot express (a map, `serde_json::Value`, a tuple) is refused before any call.
//!
//! Property order: the model writes keys in schema order, and serde_json's map here is
//! sorted (the workspace does not enable `preserve_order`, which would change every
//! function's JSON key order), so keys come in name order. Where order matters (a
//! rationale before its score), name the fields so it sorts that way.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use super::OpenAiError;

/// Formats OpenAI's strict mode accepts; the others (`uint32`, `double`, `uri`, …, which
/// schemars emits for Rust types) are dropped.
pub(super) const SUPPORTED_FORMATS: [&str; 9] = [
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Keywords with no meaning for the model's output, or validation OpenAI does not take
/// (serde checks the answer against the type anyway): dropped.
const DROPPED: [&str; 15] = [
    "$schema",
    "$id",
    "$comment",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
];

/// Keywords that change what is valid and that strict mode rejects: the type is refused.
const REFUSED: [&str; 12] = [
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "prefixItems",
    "contains",
];

/// Strict mode's ceilings as OpenAI's "Supported schemas" page listed them in February
/// 2026: 5,000 properties, 10 levels of nesting (older docs said 100 and 5).
const MAX_DEPTH: usize = 10;
const MAX_PROPERTIES: usize = 5000;

/// The strict-mode JSON schema of `T`.
pub fn strict_schema<T: JsonSchema>() -> Result<Value, OpenAiError> {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    let root_is_object = schema.get("type") == Some(&json!("object"));
    if !root_is_object {
        return Err(OpenAiError::InvalidRequest(format!(
            "the root of a strict schema must be an object, {} is not",
            std::any::type_name::<T>()
        )));
    }
    let mut properties = 0;
    strictify(&mut schema, "#", 0, &mut properties)
        .map_err(|e| OpenAiError::InvalidRequest(format!("{}: {e}", std::any::type_name::<T>())))?;
    if properties > MAX_PROPERTIES {
        return Err(OpenAiError::InvalidRequest(format!(
            "{properties} properties, strict mode allows {MAX_PROPERTIES}"
        )));
    }
    Ok(schema)
}

fn strictify(
    schema: &mut Value,
    path: &str,
    depth: usize,
    properties: &mut usize,
) -> Result<(), String> {
    let Value::Object(map) = schema else {
        return Err(format!(
            "{path}: accepts anything (a serde_json::Value?); strict mode needs a shape"
        ));
    };
    if depth > MAX_DEPTH {
        return Err(format!("{path}: nested deeper than {MAX_DEPTH} levels"));
    }
    for key in DROPPED {
        map.remove(key);
    }
    if let Some(key) = REFUSED.iter().find(|k| map.contains_key(**k)) {
        return Err(format!("{path}: `{key}` is not supported in strict mode"));
    }
    if let Some(Value::String(format)) = map.get("format") {
        if !SUPPORTED_FORMATS.contains(&format.as_str()) {
            map.remove("format");
        }
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    if let Some(one_of) = map.remove("oneOf") {
        map.insert("anyOf".into(), one_of);
    }
    if let Some(all_of) = map.remove("allOf") {
        merge_all_of(map, all_of, path)?;
    }
    if let Some(Value::String(reference)) = map.get("$ref") {
        if !(reference == "#" || reference.starts_with("#/$defs/")) {
            return Err(format!("{path}: $ref {reference} is outside #/$defs"));
        }
        // Strict mode takes a bare `$ref`; its annotations are only annotations.
        map.retain(|k, _| k == "$ref" || k == "$defs");
    }
    split_nullable_composite(map);

    let is_object = match map.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => map.contains_key("properties"),
    };
    if is_object {
        match map.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => {
                return Err(format!(
                    "{path}: a map (additionalProperties) is not supported in strict mode"
                ))
            }
        }
        map.insert("additionalProperties".into(), Value::Bool(false));
        let props = map
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let names: Vec<Value> = match props {
            Value::Object(props) => {
                *properties += props.len();
                for (name, sub) in props.iter_mut() {
                    strictify(
                        sub,
                        &format!("{path}/properties/{name}"),
                        depth + 1,
                        properties,
                    )?;
                }
                props.keys().cloned().map(Value::String).collect()
            }
            _ => return Err(format!("{path}: properties is not an object")),
        };
        map.insert("required".into(), Value::Array(names));
    }
    match map.get_mut("items") {
        None => {}
        Some(items @ Value::Object(_)) => {
            strictify(items, &format!("{path}/items"), depth + 1, properties)?
        }
        Some(_) => return Err(format!("{path}: tuples are not supported in strict mode")),
    }
    if let Some(Value::Array(variants)) = map.get_mut("anyOf") {
        for (i, variant) in variants.iter_mut().enumerate() {
            strictify(variant, &format!("{path}/anyOf/{i}"), depth, properties)?;
        }
    }
    if let Some(Value::Object(defs)) = map.get_mut("$defs") {
        for (name, def) in defs.iter_mut() {
            strictify(def, &format!("#/$defs/{name}"), 1, properties)?;
        }
    }
    Ok(())
}

/// schemars writes some shapes as `allOf` of one schema (a described `$ref`); strict mode
/// does not take `allOf`, so one member is merged in. More than one is refused.
fn merge_all_of(map: &mut Map<String, Value>, all_of: Value, path: &str) -> Result<(), String> {
    match all_of {
        Value::Array(members) if members.len() == 1 => {
            if let Some(Value::Object(member)) = members.into_iter().next() {
                for (k, v) in member {
                    map.entry(k).or_insert(v);
                }
                return Ok(());
            }
            Err(format!("{path}: allOf member is not a schema"))
        }
        _ => Err(format!("{path}: `allOf` is not supported in strict mode")),
    }
}

/// `{"type":["object","null"], properties…}` (an `Option` of a struct, inlined) becomes
/// `anyOf: [{object…}, {"type":"null"}]`: strict mode's documented form for a nullable
/// object or array. Nullable scalars keep `["string","null"]`.
fn split_nullable_composite(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let composite = types.iter().any(|t| t == "object" || t == "array");
    let nullable = types.iter().any(|t| t == "null");
    if !(composite && nullable && types.len() == 2) {
        return;
    }
    let Some(non_null) = types.iter().find(|t| *t != "null").cloned() else {
        return;
    };
    let mut inner = std::mem::take(map);
    inner.insert("type".into(), non_null);
    let description = inner.remove("description");
    map.insert(
        "anyOf".into(),
        json!([Value::Object(inner), { "type": "null" }]),
    );
    if let Some(description) = description {
        map.insert("description".into(), description);
    }
}

pub(super) fn check_schema_name(name: &str) -> Result<(), OpenAiError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(OpenAiError::InvalidRequest(format!(
            "schema name {name:?}: a-z A-Z 0-9 _ -, at most 64"
        )))
    }
}
