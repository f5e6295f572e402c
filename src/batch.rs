//! Success bodies: the 201 of one registration and the 207 of a batch.

use crate::error::{Error, FieldError};
use crate::response::to_json;
use serde::Serialize;

/// `{"success":true,"assetId":…,"asset":…}` around an already serialised asset record, so
/// the record is serialised once for storage and response alike.
pub fn created_body(asset_id: &str, asset_json: &str) -> String {
    const HEAD: &str = "{\"success\":true,\"assetId\":";
    const MIDDLE: &str = ",\"asset\":";
    let id = to_json(asset_id);
    let mut body =
        String::with_capacity(HEAD.len() + id.len() + MIDDLE.len() + asset_json.len() + 1);
    body.push_str(HEAD);
    body.push_str(&id);
    body.push_str(MIDDLE);
    body.push_str(asset_json);
    body.push('}');
    body
}

/// One item of a 207 body.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemResult<'a> {
    index: usize,
    status_code: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a [FieldError]>,
}

#[derive(Serialize)]
struct BatchBody<'a> {
    results: Vec<ItemResult<'a>>,
}

/// `{"results":[{index, statusCode, assetId | error, details}, …]}`, in request order.
pub fn results_body(outcomes: &[Result<String, Error>]) -> String {
    let results = outcomes
        .iter()
        .enumerate()
        .map(|(index, outcome)| match outcome {
            Ok(id) => ItemResult {
                index,
                status_code: 201,
                asset_id: Some(id),
                error: None,
                details: None,
            },
            Err(error) => ItemResult {
                index,
                status_code: error.status(),
                asset_id: None,
                error: Some(error.message()),
                details: error.details(),
            },
        })
        .collect();
    to_json(&BatchBody { results })
}
