//! Workbooks sent as downloads, named in Chinese: the RFC 6266 `filename*` carries the UTF-8
//! name (RFC 5987 encoding) and a plain ASCII `filename` serves old clients.

use axum::http::header;
use axum::response::{IntoResponse, Response};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn xlsx(bytes: Vec<u8>, name: &str, ascii_name: &str) -> Response {
    attachment(bytes, XLSX, name, ascii_name)
}

/// Any file as a download, never cached (files here hold personal data).
pub fn attachment(bytes: Vec<u8>, content_type: &str, name: &str, ascii_name: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}",
        encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Percent-encodes every byte outside RFC 5987's attr-char set.
fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_names_are_percent_encoded() {
        assert_eq!(super::encode("名册-1.xlsx"), "%E5%90%8D%E5%86%8C-1.xlsx");
        assert_eq!(super::encode("a b"), "a%20b");
    }
}
