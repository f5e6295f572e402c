//! Success bodies: the 201 of one registration and the 207 of a batch.

use crate::error::Error;
use crate::response::write_detail;
use crate::write::Object;

/// `{"success":true,"assetId":…,"asset":…}` around an already serialised asset record, so
/// the record is serialised once for storage and response alike.
pub fn created_body(asset_id: &str, asset_json: &str) -> String {
    let mut body = String::with_capacity(asset_json.len() + asset_id.len() + 48);
    let mut object = Object::open(&mut body);
    object
        .boolean("success", true)
        .string("assetId", asset_id)
        .raw("asset", asset_json);
    object.close();
    body
}

/// `{"results":[{index, statusCode, assetId | error, details}, …]}`, in request order.
pub fn results_body(outcomes: &[Result<String, Error>]) -> String {
    let mut body = String::new();
    let indexed: Vec<(usize, &Result<String, Error>)> = outcomes.iter().enumerate().collect();
    let mut object = Object::open(&mut body);
    object.objects("results", &indexed, |(index, outcome), item| {
        item.number("index", *index as u64);
        match outcome {
            Ok(id) => {
                item.number("statusCode", 201).string("assetId", id);
            }
            Err(error) => {
                item.number("statusCode", u64::from(error.status()));
                item.string("error", &error.message());
                if let Some(details) = error.details() {
                    item.objects("details", details, write_detail);
                }
            }
        }
    });
    object.close();
    body
}
