//! Saved column mappings: for ledgers whose titles no synonym covers, a person says once which
//! column holds which field, and later imports of that kind of file pick the mapping by name.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_domain::limits::MAPPING_NAME;
use quanke_domain::registry::Field;
use quanke_ledger::registry::ColumnMapping;
use quanke_store::registry::mapping;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Blank pairs on the form, enough for the odd columns of one ledger.
const PAIRS: usize = 12;

#[derive(Deserialize)]
pub struct PageQuery {
    name: Option<String>,
    saved: Option<String>,
}

/// The stored JSON as `ColumnMapping` writes it: titles and field codes.
#[derive(Deserialize)]
struct Stored {
    columns: BTreeMap<String, String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ImportRegistry)?;
    let name = q.name.unwrap_or_default();
    let mut pairs: Vec<(String, String)> =
        match mapping::get(&st.db, &ctx.me.scope.org, &name).await? {
            Some(body) => serde_json::from_str::<Stored>(&body)
                .map(|s| s.columns.into_iter().collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
    pairs.resize(pairs.len().max(PAIRS), (String::new(), String::new()));
    render(&st, &ctx, &name, &pairs, None, q.saved.is_some()).await
}

async fn render(
    st: &Shared,
    ctx: &Ctx,
    name: &str,
    pairs: &[(String, String)],
    error: Option<String>,
    saved: bool,
) -> AppResult<Html<String>> {
    let names = mapping::names(&st.db, &ctx.me.scope.org).await?;
    let fields: Vec<Value> = Field::ALL
        .iter()
        .map(|f| context! { code => f.code(), label => f.label() })
        .collect();
    let pairs: Vec<Value> = pairs
        .iter()
        .map(|(title, field)| context! { title, field })
        .collect();
    ctx.render(
        "registry_mappings.html",
        context! { names, name, pairs, fields, error, saved },
    )
}

pub async fn save(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(form): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let value = |key: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let name = value("name").concat();
    let pairs: Vec<(String, String)> = value("title").into_iter().zip(value("field")).collect();
    let mapped = match check(&name, &pairs) {
        Ok(m) => m,
        Err(e) => {
            return Ok(render(&st, &ctx, &name, &pairs, Some(e), false)
                .await?
                .into_response());
        }
    };
    let body = serde_json::to_string(&mapped).map_err(|e| AppError::Internal(e.into()))?;
    mapping::save(
        &st.db,
        &ctx.me.scope.org,
        &name,
        &body,
        &ctx.me.user.username,
        clock::now(),
    )
    .await?;
    let detail = format!("{} 列", pairs.iter().filter(|(t, _)| !t.is_empty()).count());
    let ev = Event {
        action: "registry_mapping_saved",
        target: &name,
        detail: &detail,
        ip: &ip,
        org_path: &ctx.me.scope.org,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    let q = serde_urlencoded::to_string([("name", name.as_str()), ("saved", "1")])
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Redirect::to(&format!("/registry/mappings?{q}")).into_response())
}

/// The mapping the form describes, or what is wrong with it.
fn check(name: &str, pairs: &[(String, String)]) -> Result<ColumnMapping, String> {
    if name.is_empty() || MAPPING_NAME.check(name).is_err() {
        return Err(format!(
            "请填写名称（不超过 {} 个字）",
            MAPPING_NAME.max_chars
        ));
    }
    let mut mapped = Vec::new();
    for (title, code) in pairs.iter().filter(|(t, _)| !t.is_empty()) {
        let field =
            Field::from_code(code).ok_or_else(|| format!("列“{title}”还没有选择对应的字段"))?;
        mapped.push((title.clone(), field));
    }
    if mapped.is_empty() {
        return Err("请至少填写一列：表头文字和它对应的字段".into());
    }
    Ok(ColumnMapping::new(mapped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_become_a_mapping_or_a_message() {
        let pairs = vec![
            ("居民名".to_string(), "name".to_string()),
            (String::new(), String::new()),
        ];
        let m = check("老台账", &pairs).unwrap();
        assert_eq!(m.field("居民名"), Some(Field::Name));
        assert!(check("", &pairs).is_err());
        let unmapped = vec![("证件号(18位)".to_string(), String::new())];
        assert!(check("x", &unmapped).unwrap_err().contains("证件号(18位)"));
    }
}
