//! Writing security events. An event that cannot be recorded fails the action that caused it:
//! the log must never miss what happened.

use crate::auth::CurrentUser;
use crate::server::Shared;
use quanke_app::clock;
use quanke_domain::OrgPath;
use quanke_store::audit::{self, NewEntry};

/// Stable action codes and how the audit page names them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("login_throttled", "登录受限"),
    ("logout", "退出"),
    ("password_changed", "修改密码"),
    ("password_reset", "重置密码"),
    ("user_created", "新建账号"),
    ("role_changed", "变更角色"),
    ("lines_changed", "设置可办条线"),
    ("user_disabled", "停用账号"),
    ("user_enabled", "启用账号"),
    ("org_created", "新建组织"),
    ("org_renamed", "组织更名"),
    ("catalogue_imported", "导入办事指南"),
    ("catalogue_published", "发布办事指南"),
    ("catalogue_draft", "保存指南草稿"),
    ("alias_accepted", "采纳群众说法"),
    ("alias_rejected", "不采纳群众说法"),
    ("registry_viewed", "查看居民信息"),
    ("registry_revealed", "查看完整信息"),
    ("registry_tag_searched", "按敏感类别查找居民"),
    ("registry_moved_out", "迁出登记"),
    ("registry_imported", "导入居民台账"),
    ("registry_exported", "导出居民名册"),
    ("registry_mapping_saved", "保存列对应关系"),
    ("registry_retention_applied", "执行留存期限"),
    ("registry_business_saved", "登记单位"),
    ("grid_visit_revealed", "查看敏感走访记录"),
    ("calendar_saved", "修改工作日历"),
    ("cases_exported", "导出办件查询结果"),
    ("open311_key_issued", "发放 Open311 密钥"),
    ("open311_key_revoked", "停用 Open311 密钥"),
    ("api_token_issued", "签发 API 令牌"),
    ("api_token_revoked", "吊销 API 令牌"),
];

pub fn action_label(code: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

pub struct Event<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
    /// The org subtree the event belongs to (the target's place, or the actor's).
    pub org_path: &'a OrgPath,
}

/// Records an event done by a signed-in user.
pub async fn by_user(st: &Shared, me: &CurrentUser, e: Event<'_>) -> anyhow::Result<()> {
    append(st, Some(me.user.id), &me.user.username, e).await
}

/// Records an event with an actor who may not be signed in (sign-in attempts).
pub async fn append(
    st: &Shared,
    actor_id: Option<i64>,
    actor_name: &str,
    e: Event<'_>,
) -> anyhow::Result<()> {
    audit::append(
        &st.db,
        &NewEntry {
            at: clock::now(),
            actor_id,
            actor_name,
            action: e.action,
            target: e.target,
            detail: e.detail,
            ip: e.ip,
            org_path: e.org_path,
        },
    )
    .await?;
    Ok(())
}
