//! GET Service Discovery: where the GeoReport v2 endpoint is and what it speaks.

use super::format::{Format, Problem, Reply};
use super::node::Node;
use axum::extract::OriginalUri;
use axum::http::{HeaderMap, StatusCode, Uri, header};

const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this document or the endpoint's behaviour last changed: bump it with either, so that
/// clients caching the discovery document know to read it again.
const CHANGESET: &str = "2026-11-28T00:00:00+08:00";
const CONTACT: &str = "如需帮助，请联系所在社区党群服务中心，或拨打 12345 政务服务便民热线。";
const KEY_SERVICE: &str = "查询服务目录无需 API 密钥。";

/// `GET /discovery.{format}`
pub async fn show(
    format: Format,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Result<Reply, Problem> {
    let url = endpoint_url(&headers, &uri).ok_or_else(|| {
        format.problem(
            StatusCode::BAD_REQUEST,
            "缺少有效的 Host 请求头，无法给出接口地址",
        )
    })?;
    let endpoint = Node::fields([
        ("specification", Node::text(SPECIFICATION)),
        ("url", Node::text(url)),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::list(
                "format",
                [Format::Xml, Format::Json].map(|f| Node::text(mime(f))),
            ),
        ),
    ]);
    let body = Node::fields([
        ("changeset", Node::text(CHANGESET)),
        ("contact", Node::text(CONTACT)),
        ("key_service", Node::text(KEY_SERVICE)),
        ("endpoints", Node::list("endpoint", [endpoint])),
    ]);
    Ok(format.reply("discovery", body))
}

/// The base that resource names are appended to: the address the client used, up to the
/// folder this document sits in, so it stays right wherever the router mounts us.
fn endpoint_url(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    let host = match headers.get(header::HOST) {
        Some(h) => h.to_str().ok()?,
        // HTTP/2 carries the host in the request line (:authority) instead.
        None => uri.authority()?.as_str(),
    };
    if host.is_empty() || !host.chars().all(host_char) {
        return None;
    }
    let base = uri.path().rsplit_once('/').map_or("", |(base, _)| base);
    Some(format!("{}://{host}{base}", scheme(headers)))
}

/// A host name, IPv4 or bracketed IPv6 address, with an optional port.
fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
}

/// https only when the TLS-terminating proxy in front says so.
fn scheme(headers: &HeaderMap) -> &'static str {
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim);
    match forwarded {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    }
}

/// The formats by media type, as discovery lists them.
fn mime(f: Format) -> &'static str {
    match f {
        Format::Xml => "text/xml",
        Format::Json => "application/json",
    }
}
