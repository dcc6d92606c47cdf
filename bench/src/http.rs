//! The HTTP client side of the load generators: one keep-alive HTTP/1.1 connection per client.

use anyhow::{Context, Result};
use hyper::body::Body;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// "127.0.0.1:8080" of "http://127.0.0.1:8080/".
pub fn host_port(url: &str) -> Result<String> {
    Ok(url
        .strip_prefix("http://")
        .context("URL must start with http://")?
        .trim_end_matches('/')
        .to_string())
}

/// A connection to `addr` with Nagle off (requests are small and latency is what is measured).
pub async fn connect<B>(addr: &str) -> Result<SendRequest<B>>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

/// Percent-encodes a query value (cursors, names, searches).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
