//! FIT-Connect submission metadata (schema `https://schema.fitko.de/fit-connect/metadata/1.0.0/`):
//! the parts a sender fills and a destination checks. The official JSON Schema is checked in
//! addition when the server is given it (`--fit-connect-metadata-schema`); these types are the
//! structural check that always runs.

use serde::{Deserialize, Serialize};

/// The URI of the metadata schema version these types follow.
pub const SCHEMA_URI: &str = "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json";

/// Submission metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Data and attachments of the submission.
    pub content_structure: ContentStructure,
    /// Where the authority may answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_channel: Option<serde_json::Value>,
    /// The sender's reference and the application date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_reference_info: Option<AdditionalReferenceInfo>,
    /// Other members of the schema (payment, authentication) are passed through unchecked here
    /// and checked by the official schema.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// `contentStructure`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentStructure {
    /// The form data (Fachdaten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Data>,
    /// Attachments, possibly none.
    pub attachments: Vec<AttachmentMeta>,
}

/// `contentStructure.data`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Data {
    /// Hash of the unencrypted data.
    pub hash: Hash,
    /// The schema the data follows.
    pub submission_schema: SubmissionSchema,
}

/// A hash: type `sha512`, 128 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    /// Always `sha512`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Lowercase hex.
    pub content: String,
}

/// `submissionSchema`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionSchema {
    /// URI of the data schema.
    pub schema_uri: String,
    /// `application/json` or `application/xml`.
    pub mime_type: String,
}

/// One attachment of `contentStructure.attachments`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentMeta {
    /// UUID the sender chose and announced.
    pub attachment_id: String,
    /// Hash of the unencrypted file.
    pub hash: Hash,
    /// Media type.
    pub mime_type: String,
    /// `form`, `attachment` or `report`.
    pub purpose: String,
    /// File name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `additionalReferenceInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalReferenceInfo {
    /// The sender's own reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_reference: Option<String>,
    /// Date of the application, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_date: Option<String>,
}

impl Hash {
    /// A SHA-512 hash of `bytes`.
    pub fn sha512(bytes: &[u8]) -> Hash {
        use sha2::{Digest, Sha512};
        Hash { kind: "sha512".into(), content: crate::shared::hex(&Sha512::digest(bytes)) }
    }

    /// The structural rule of the schema: type `sha512`, 128 lowercase hex digits.
    pub fn problem(&self, at: &str) -> Option<String> {
        if self.kind != "sha512" {
            return Some(format!("{at}/type must be \"sha512\", not \"{}\"", self.kind));
        }
        if self.content.len() != 128 || !self.content.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Some(format!("{at}/content must be 128 lowercase hexadecimal digits"));
        }
        None
    }
}

impl Metadata {
    /// The schema's rules for the members this server relies on, as messages with the JSON
    /// pointer of the offending member.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match &self.content_structure.data {
            None => out.push("/contentStructure/data is missing: the submission carries form data".into()),
            Some(data) => {
                out.extend(data.hash.problem("/contentStructure/data/hash"));
                if !["application/json", "application/xml"].contains(&data.submission_schema.mime_type.as_str()) {
                    out.push(
                        "/contentStructure/data/submissionSchema/mimeType must be application/json or application/xml"
                            .into(),
                    );
                }
                if !data.submission_schema.schema_uri.contains(':') {
                    out.push("/contentStructure/data/submissionSchema/schemaUri must be a URI".into());
                }
            }
        }
        for (i, a) in self.content_structure.attachments.iter().enumerate() {
            let at = format!("/contentStructure/attachments/{i}");
            if !crate::shared::is_uuid(&a.attachment_id) {
                out.push(format!("{at}/attachmentId must be a UUID"));
            }
            out.extend(a.hash.problem(&format!("{at}/hash")));
            if !["form", "attachment", "report"].contains(&a.purpose.as_str()) {
                out.push(format!("{at}/purpose must be form, attachment or report"));
            }
            let (top, sub) = a.mime_type.split_once('/').unwrap_or(("", ""));
            if top.is_empty() || sub.is_empty() || a.mime_type.contains(char::is_whitespace) {
                out.push(format!("{at}/mimeType must be a media type such as application/pdf"));
            }
        }
        if let Some(date) = self.additional_reference_info.as_ref().and_then(|r| r.application_date.as_deref()) {
            if antrag_core::Date::parse_iso(date).is_none() {
                out.push("/additionalReferenceInfo/applicationDate must be a date YYYY-MM-DD".into());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes() {
        let h = Hash::sha512(b"abc");
        assert_eq!(h.problem("/h"), None);
        assert!(h.content.starts_with("ddaf35a193617aba"));
        let bad = Hash { kind: "md5".into(), content: h.content.clone() };
        assert!(bad.problem("/h").unwrap().contains("sha512"));
    }
}
