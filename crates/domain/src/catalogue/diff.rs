//! Field-by-field differences between two versions of an item, for the version history page.

use super::item::ServiceItem;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path of the field in canonical JSON ("materials[1].name").
    pub field: String,
    /// Rendered old value, None when the field was added.
    pub before: Option<String>,
    /// Rendered new value, None when the field was removed.
    pub after: Option<String>,
}

/// Differences from `old` to `new`, in field order.
pub fn diff(old: &ServiceItem, new: &ServiceItem) -> Vec<Change> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    match (a, b) {
        _ if a == b => {}
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, out),
                    (va, vb) => out.push(change(p, va, vb)),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]");
                match (x.get(i), y.get(i)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, out),
                    (va, vb) => out.push(change(p, va, vb)),
                }
            }
        }
        _ => out.push(change(path.to_string(), Some(a), Some(b))),
    }
}

fn change(field: String, a: Option<&Value>, b: Option<&Value>) -> Change {
    Change {
        field,
        before: a.map(render),
        after: b.map(render),
    }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
