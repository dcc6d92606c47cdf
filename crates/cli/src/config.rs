//! Configuration: defaults, then a TOML file, then QUANKE_* environment variables, then flags.
//! A bad or missing setting stops the program with one line naming the setting (exit code 2).

use quanke_web::TrustedProxies;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub addr: String,
    pub data_dir: PathBuf,
    /// Empty means the SQLite file `quanke.db` in the data dir.
    pub database_url: String,
    pub log_format: LogFormat,
    pub log_level: String,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// The reverse proxies whose X-Forwarded-For entries are believed (addresses or CIDR).
    pub trusted_proxies: TrustedProxies,
    /// Named on refusals as the resident's remedies: the 行政复议 body and the court.
    pub remedy_review_body: String,
    pub remedy_court: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            log_format: LogFormat::Text,
            log_level: "info".into(),
            session_idle_minutes: 30,
            session_max_hours: 12,
            secure_cookies: false,
            trust_proxy: false,
            trusted_proxies: TrustedProxies::default(),
            remedy_review_body: quanke_web::Remedies::default().review_body,
            remedy_court: quanke_web::Remedies::default().court,
        }
    }
}

/// A setting that could not be used; printed as one line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("配置错误 (configuration error) [{setting}]: {reason}")]
pub struct ConfigError {
    pub setting: String,
    pub reason: String,
}

fn bad(setting: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.into(),
        reason: reason.into(),
    }
}

/// Every setting: its name in the file, and the environment variable that overrides it.
const KEYS: &[&str] = &[
    "addr",
    "data_dir",
    "database_url",
    "log_format",
    "log_level",
    "session_idle_minutes",
    "session_max_hours",
    "secure_cookies",
    "trust_proxy",
    "trusted_proxies",
    "remedy_review_body",
    "remedy_court",
];

fn env_name(key: &str) -> String {
    format!("QUANKE_{}", key.to_uppercase())
}

impl Config {
    /// Loads the file (if any) and the environment. `file` None looks for ./quanke.toml.
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut cfg = Config::default();
        let path = file.map(Path::to_path_buf).or_else(|| {
            let default = PathBuf::from("quanke.toml");
            default.exists().then_some(default)
        });
        if let Some(path) = path {
            cfg.apply_file(&path)?;
        }
        for key in KEYS {
            let var = env_name(key);
            if let Some(value) = env(&var) {
                cfg.set(key, &var, &value)?;
            }
        }
        cfg.check()?;
        Ok(cfg)
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let setting = "--config";
        let text = std::fs::read_to_string(path)
            .map_err(|e| bad(setting, format!("无法读取配置文件 {}: {e}", path.display())))?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|s| text[..s.start].lines().count().max(1))
                .unwrap_or(0);
            bad(
                setting,
                format!("{} 第 {line} 行格式错误：{}", path.display(), e.message()),
            )
        })?;
        for (key, value) in &table {
            if !KEYS.contains(&key.as_str()) {
                return Err(bad(
                    key,
                    format!("未知的设置项，可用的设置项：{}", KEYS.join(", ")),
                ));
            }
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                // A list is read like its comma-separated form (as in the environment).
                toml::Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().ok_or_else(|| bad(key, "列表中应为字符串")))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(","),
                other => return Err(bad(key, format!("不支持的取值类型 {}", other.type_str()))),
            };
            self.set(key, key, &text)?;
        }
        Ok(())
    }

    /// Sets one setting from its text; `shown` is how the user wrote its name.
    fn set(&mut self, key: &str, shown: &str, value: &str) -> Result<(), ConfigError> {
        match key {
            "addr" => self.addr = value.to_string(),
            "data_dir" => self.data_dir = PathBuf::from(value),
            "database_url" => self.database_url = value.to_string(),
            "log_format" => {
                self.log_format = match value {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => return Err(bad(shown, format!("应为 text 或 json，实际为 \"{value}\""))),
                }
            }
            "log_level" => self.log_level = value.to_string(),
            "session_idle_minutes" => self.session_idle_minutes = positive(shown, value)?,
            "session_max_hours" => self.session_max_hours = positive(shown, value)?,
            "secure_cookies" => self.secure_cookies = boolean(shown, value)?,
            "trust_proxy" => self.trust_proxy = boolean(shown, value)?,
            "trusted_proxies" => {
                self.trusted_proxies = value.parse().map_err(|e: String| bad(shown, e))?
            }
            "remedy_review_body" => self.remedy_review_body = body_name(shown, value)?,
            "remedy_court" => self.remedy_court = body_name(shown, value)?,
            _ => return Err(bad(shown, "未知的设置项")),
        }
        Ok(())
    }

    /// Cross-checks once every source has been applied.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.addr.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad(
                "addr",
                format!(
                    "应为 主机:端口，如 127.0.0.1:8080，实际为 \"{}\"",
                    self.addr
                ),
            ));
        }
        let url = &self.database_url;
        let known = url.is_empty()
            || url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://");
        if !known {
            return Err(bad(
                "database_url",
                format!("应以 sqlite: 或 postgres:// 开头，实际为 \"{url}\""),
            ));
        }
        if self
            .log_level
            .parse::<tracing_subscriber::filter::EnvFilter>()
            .is_err()
        {
            return Err(bad(
                "log_level",
                format!("无法识别的日志级别 \"{}\"", self.log_level),
            ));
        }
        if self.session_max_hours * 60 < self.session_idle_minutes {
            return Err(bad("session_max_hours", "会话最长时间不能短于空闲超时"));
        }
        Ok(())
    }

    /// The database to use: the configured URL, or the SQLite file in the data dir.
    pub fn database(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite:{}", self.sqlite_path().display())
        } else {
            self.database_url.clone()
        }
    }

    /// The SQLite file, when the database is SQLite.
    pub fn sqlite_path(&self) -> PathBuf {
        match self.database_url.strip_prefix("sqlite:") {
            Some(rest) => PathBuf::from(
                rest.trim_start_matches("//")
                    .split('?')
                    .next()
                    .unwrap_or(rest),
            ),
            None => self.data_dir.join("quanke.db"),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database().starts_with("sqlite:")
    }

    pub fn web(&self) -> quanke_web::WebSettings {
        quanke_web::WebSettings {
            session_idle_secs: self.session_idle_minutes * 60,
            session_max_secs: self.session_max_hours * 3600,
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            trusted_proxies: self.trusted_proxies.clone(),
            remedies: quanke_web::Remedies {
                review_body: self.remedy_review_body.clone(),
                court: self.remedy_court.clone(),
            },
        }
    }
}

/// The name of a public body, printed on documents: not empty, one line, at most 100 characters.
fn body_name(setting: &str, v: &str) -> Result<String, ConfigError> {
    let name = v.trim();
    if name.is_empty() || name.contains(['\n', '\r']) || name.chars().count() > 100 {
        return Err(bad(setting, "应为机关全称（一行，1 到 100 个字）"));
    }
    Ok(name.to_string())
}

fn positive(setting: &str, v: &str) -> Result<i64, ConfigError> {
    match v.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad(setting, format!("应为正整数，实际为 \"{v}\""))),
    }
}

fn boolean(setting: &str, v: &str) -> Result<bool, ConfigError> {
    match v.trim() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(bad(setting, format!("应为 true 或 false，实际为 \"{v}\""))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.toml");
        std::fs::write(&path, file).unwrap();
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(Some(&path), &|k| env.get(k).cloned())
    }

    #[test]
    fn file_then_environment() {
        let c = load(
            "addr = \"0.0.0.0:9000\"\nsession_idle_minutes = 10\n",
            &[("QUANKE_SESSION_IDLE_MINUTES", "20")],
        )
        .unwrap();
        assert_eq!(c.addr, "0.0.0.0:9000");
        assert_eq!(c.session_idle_minutes, 20);
        assert_eq!(c.database(), "sqlite:data/quanke.db");
    }

    /// The bodies named in a refusal's remedies: the demo district's by default, the file's
    /// or the environment's when set, never empty.
    #[test]
    fn remedies_name_the_configured_bodies() {
        let web = load("", &[]).unwrap().web();
        assert_eq!(web.remedies.review_body, "杭州市拱墅区人民政府");
        assert_eq!(web.remedies.court, "杭州市拱墅区人民法院");
        let c = load(
            "remedy_review_body = \"西湖区人民政府\"\n",
            &[("QUANKE_REMEDY_COURT", "杭州市西湖区人民法院")],
        )
        .unwrap();
        assert_eq!(c.web().remedies.review_body, "西湖区人民政府");
        assert_eq!(c.web().remedies.court, "杭州市西湖区人民法院");
        let e = load("remedy_court = \" \"\n", &[]).unwrap_err();
        assert_eq!(e.setting, "remedy_court");
    }

    #[test]
    fn unknown_key_is_named() {
        let e = load("adr = \"x\"\n", &[]).unwrap_err();
        assert_eq!(e.setting, "adr");
    }

    #[test]
    fn bad_values_name_their_setting() {
        assert_eq!(
            load("session_idle_minutes = -5\n", &[])
                .unwrap_err()
                .setting,
            "session_idle_minutes"
        );
        assert_eq!(
            load("", &[("QUANKE_SECURE_COOKIES", "maybe")])
                .unwrap_err()
                .setting,
            "QUANKE_SECURE_COOKIES"
        );
        assert_eq!(
            load("addr = \"localhost\"\n", &[]).unwrap_err().setting,
            "addr"
        );
        assert_eq!(
            load("database_url = \"mysql://x\"\n", &[])
                .unwrap_err()
                .setting,
            "database_url"
        );
        assert_eq!(
            load("log_format = \"xml\"\n", &[]).unwrap_err().setting,
            "log_format"
        );
        assert_eq!(
            load("log_format = [1]\n", &[]).unwrap_err().setting,
            "log_format"
        );
    }

    #[test]
    fn trusted_proxies_from_a_list_or_the_environment() {
        let c = load("trusted_proxies = [\"127.0.0.1\", \"10.0.0.0/8\"]\n", &[]).unwrap();
        assert_eq!(c.trusted_proxies, "127.0.0.1,10.0.0.0/8".parse().unwrap());
        let c = load("", &[("QUANKE_TRUSTED_PROXIES", "192.168.0.0/16")]).unwrap();
        assert_eq!(c.web().trusted_proxies, "192.168.0.0/16".parse().unwrap());
        assert_eq!(
            load("", &[]).unwrap().trusted_proxies,
            TrustedProxies::default()
        );
        let e = load("trusted_proxies = [\"10.0.0.0/33\"]\n", &[]).unwrap_err();
        assert_eq!(e.setting, "trusted_proxies");
        assert!(e.reason.contains("10.0.0.0/33"), "{}", e.reason);
        let e = load("trusted_proxies = [1]\n", &[]).unwrap_err();
        assert_eq!(e.setting, "trusted_proxies");
    }

    #[test]
    fn syntax_error_names_the_line() {
        let e = load("addr = \"a\"\nbroken = = 1\n", &[]).unwrap_err();
        assert_eq!(e.setting, "--config");
        assert!(e.reason.contains("第 2 行"), "{}", e.reason);
    }

    #[test]
    fn missing_file_is_refused() {
        let e = Config::load(Some(Path::new("/nonexistent/q.toml")), &|_| None).unwrap_err();
        assert_eq!(e.setting, "--config");
    }

    #[test]
    fn sqlite_url_gives_the_file() {
        let c = load("database_url = \"sqlite:///srv/q.db?mode=rwc\"\n", &[]).unwrap();
        assert_eq!(c.sqlite_path(), PathBuf::from("/srv/q.db"));
        assert!(c.is_sqlite());
    }
}
