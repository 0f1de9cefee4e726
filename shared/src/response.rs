//! The response a function returns, as plain data; `js` turns it into a JS `Response`
//! and [`crate::cors`] adds the CORS headers to every one.

use serde::Serialize;

use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// 200 with `value` as JSON.
    pub fn ok<T: Serialize + ?Sized>(value: &T) -> Response {
        Response::json(200, value)
    }

    /// 201 with `value` as JSON.
    pub fn created<T: Serialize + ?Sized>(value: &T) -> Response {
        Response::json(201, value)
    }

    /// `status` with `value` as JSON. Crate-private, as is [`Response::bytes`]: outside
    /// `shared` a response is a 2xx (`ok`, `created`, `no_content`) or an [`ApiError`].
    /// Serializing a function's own output type does not
    /// fail in practice (it would take a map with non-string keys); if it does, the
    /// answer is the JSON 500, never a half-written body.
    pub(crate) fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Response {
        match serde_json::to_vec(value) {
            Ok(body) => Response::bytes(status, "application/json", body),
            Err(err) => {
                ApiError::internal(format!("serializing the response: {err}")).into_response()
            }
        }
    }

    /// 204, no body.
    pub fn no_content() -> Response {
        Response {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Any body with its content type.
    pub(crate) fn bytes(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// Set a header, replacing one of the same name.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON (for tests and for callers that relay a response).
    pub fn json_body(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_responses_carry_their_type_and_body() {
        let r = Response::ok(&json!({ "a": 1 }));
        assert_eq!(r.status(), 200);
        assert_eq!(r.header("Content-Type"), Some("application/json"));
        assert_eq!(r.json_body().unwrap(), json!({ "a": 1 }));
        assert_eq!(Response::created(&json!([])).status(), 201);
        assert_eq!(Response::no_content().body(), b"");
        assert_eq!(
            Response::no_content()
                .with_header("X-A", "1")
                .with_header("x-a", "2")
                .header("x-a"),
            Some("2")
        );
    }

    #[test]
    fn an_unserializable_value_becomes_the_json_500() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let r = Response::ok(&map);
        assert_eq!(r.status(), 500);
        assert_eq!(r.json_body().unwrap()["error"]["code"], "internal");
    }
}
