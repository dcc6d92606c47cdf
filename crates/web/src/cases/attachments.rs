//! Files on a case (scans, a department's reply), from every channel that takes them: the
//! portal's application and the case page's actions. A file is what its first bytes say, never
//! what its name or the browser claims: only PDF, JPEG and PNG are taken, and a stored file is
//! served with the type its bytes show, as a download under a cleaned name, so that nothing
//! uploaded can ever be opened by a browser as a page of this site.

use axum::response::Response;

/// What the server accepts, known by their first bytes: (magic, content type, extension).
const KINDS: [(&[u8], &str, &str); 3] = [
    (b"%PDF-", "application/pdf", "pdf"),
    (&[0xFF, 0xD8, 0xFF], "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
];
/// Served for a stored file that is none of the accepted kinds (stored before this check).
const UNKNOWN: &str = "application/octet-stream";
const FILE_NAME_MAX: usize = 80;

/// An uploaded file that passed the check: its name to keep and its type.
#[derive(Debug, PartialEq, Eq)]
pub struct Accepted {
    pub file_name: String,
    pub content_type: &'static str,
}

/// Checks an upload; the Chinese message says what is wrong with it.
pub fn accept(file_name: &str, data: &[u8]) -> Result<Accepted, String> {
    let shown = base_name(file_name);
    if data.is_empty() {
        return Err(format!("附件“{shown}”是空文件，请重新选择"));
    }
    let (content_type, extension) = sniff(data)
        .ok_or_else(|| format!("附件“{shown}”不是 PDF 或 JPG、PNG 图片，请转换后再上传"))?;
    Ok(Accepted {
        file_name: with_extension(shown, extension),
        content_type,
    })
}

/// A stored file as a download: the type from its bytes, the kept name cleaned again.
pub fn download(file_id: i64, file_name: &str, data: Vec<u8>) -> Response {
    let (content_type, extension) = sniff(&data).unwrap_or((UNKNOWN, "bin"));
    let ascii = format!("case-file-{file_id}.{extension}");
    let name = with_extension(base_name(file_name), extension);
    crate::registry::download::attachment(data, content_type, &name, &ascii)
}

/// The content type and extension of an accepted kind, from the first bytes.
fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    KINDS
        .iter()
        .find(|(magic, _, _)| data.starts_with(magic))
        .map(|(_, content_type, extension)| (*content_type, *extension))
}

/// The file's own name, without a client path or control characters ("附件" when none).
fn base_name(name: &str) -> String {
    let base: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let base = base.trim();
    if base.is_empty() {
        "附件".into()
    } else {
        base.chars().take(FILE_NAME_MAX).collect()
    }
}

/// The name ending in the extension of what the file really is, not too long.
fn with_extension(base: String, extension: &str) -> String {
    let lower = base.to_lowercase();
    let same = lower.ends_with(&format!(".{extension}"))
        || (extension == "jpg" && lower.ends_with(".jpeg"));
    let full = if same {
        base
    } else {
        format!("{base}.{extension}")
    };
    let n = full.chars().count();
    full.chars().skip(n.saturating_sub(FILE_NAME_MAX)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(("application/pdf", "pdf")));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("image/png", "png")));
        for other in [&b"<html>"[..], b"GIF89a", b"PK\x03\x04", b" %PDF-1.7", b""] {
            assert_eq!(sniff(other), None);
        }
    }

    #[test]
    fn uploads_are_checked() {
        let ok = accept("C:\\扫描\\户口簿.PDF", b"%PDF-1.4").unwrap();
        assert_eq!(ok.file_name, "户口簿.PDF");
        assert_eq!(ok.content_type, "application/pdf");
        let err = accept("a.png", b"<script>").unwrap_err();
        assert!(err.contains("不是 PDF 或 JPG、PNG 图片"), "{err}");
        assert!(accept("a.pdf", b"").unwrap_err().contains("空文件"));
    }

    #[test]
    fn file_names_keep_their_real_extension() {
        let name = |n: &str, ext| with_extension(base_name(n), ext);
        assert_eq!(name("C:\\扫描\\户口簿.pdf", "pdf"), "户口簿.pdf");
        assert_eq!(name("photo.JPEG", "jpg"), "photo.JPEG");
        assert_eq!(name("evil.html", "pdf"), "evil.html.pdf");
        assert_eq!(name("", "png"), "附件.png");
        assert_eq!(name("a\r\nb.png", "png"), "ab.png");
        let long = format!("{}.pdf", "长".repeat(200));
        let kept = name(&long, "pdf");
        assert_eq!(kept.chars().count(), FILE_NAME_MAX);
        assert!(kept.ends_with(".pdf"));
    }
}
