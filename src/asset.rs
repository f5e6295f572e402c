//! The stored asset record and the 201 body that carries it.

use crate::contract::{BRAND_COMPLIANCE_PENDING, DEFAULT_UPLOADED_BY, SOURCE_WEBHOOK};
use crate::mime::asset_type;
use crate::validate::AssetInput;
use crate::write::Object;

/// Room for a typical record besides its URLs, so that writing it rarely reallocates.
const RECORD_CAPACITY: usize = 320;

/// An asset as stored under `asset:<id>`: exactly these fields, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// `asset_…`.
    pub id: String,
    /// File name.
    pub name: String,
    /// Asset type derived from the MIME type.
    pub asset_type: &'static str,
    /// MIME type, trimmed and lowercased.
    pub mime_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Where the file is served.
    pub cdn_url: String,
    /// Thumbnail URL; the CDN URL when none was given.
    pub thumbnail_url: String,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// Campaign, or `null`.
    pub campaign_id: Option<String>,
    /// Who registered it.
    pub uploaded_by: String,
    /// When it was registered, RFC 3339 in UTC.
    pub uploaded_at: String,
    /// Always `false`: approval happens in Clarento.
    pub approved: bool,
    /// Always `"pending"`.
    pub brand_compliance: &'static str,
    /// Always `"webhook"`.
    pub source: &'static str,
}

impl Asset {
    /// The record for a validated input, with its id and registration time.
    pub fn new(id: String, input: AssetInput, uploaded_at: String) -> Self {
        let thumbnail_url = input.thumbnail_url.unwrap_or_else(|| input.cdn_url.clone());
        Self {
            id,
            asset_type: asset_type(&input.mime_type).as_str(),
            name: input.name,
            mime_type: input.mime_type,
            size_bytes: input.size_bytes,
            cdn_url: input.cdn_url,
            thumbnail_url,
            tags: input.tags,
            campaign_id: input.campaign_id,
            uploaded_by: input
                .uploaded_by
                .unwrap_or_else(|| DEFAULT_UPLOADED_BY.to_owned()),
            uploaded_at,
            approved: false,
            brand_compliance: BRAND_COMPLIANCE_PENDING,
            source: SOURCE_WEBHOOK,
        }
    }

    /// The record as JSON, as stored and as sent back in the 201.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(RECORD_CAPACITY + self.cdn_url.len() * 2);
        let mut object = Object::open(&mut out);
        object
            .string("id", &self.id)
            .string("name", &self.name)
            .string("type", self.asset_type)
            .string("mimeType", &self.mime_type)
            .number("sizeBytes", self.size_bytes)
            .string("cdnUrl", &self.cdn_url)
            .string("thumbnailUrl", &self.thumbnail_url)
            .strings("tags", &self.tags)
            .string_or_null("campaignId", self.campaign_id.as_deref())
            .string("uploadedBy", &self.uploaded_by)
            .string("uploadedAt", &self.uploaded_at)
            .boolean("approved", self.approved)
            .string("brandCompliance", self.brand_compliance)
            .string("source", self.source);
        object.close();
        out
    }

    /// The storage key of this asset.
    pub fn key(&self) -> String {
        let mut key = String::from(crate::contract::ASSET_KEY_PREFIX);
        key.push_str(&self.id);
        key
    }
}
