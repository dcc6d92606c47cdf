//! Structured logs with tracing: human-readable text by default, JSON lines when configured.
//! RUST_LOG, when set, overrides the configured level.

use crate::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(cfg: &Config) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&cfg.log_level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match cfg.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
