//! Sign-in, sign-out and the change-password page.

use super::redirect::after_sign_in;
use super::{ClientIp, CurrentUser, cookies, session};
use crate::audit::{self, Event};
use crate::error::AppResult;
use crate::page::{Csrf, Ctx, render_anon};
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use quanke_app::clock;
use quanke_app::password;
use quanke_domain::{OrgPath, throttle};
use quanke_store::{StoreError, sessions, throttle as failures, users};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn form(
    Csrf(csrf): Csrf,
    me: Option<CurrentUser>,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if me.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let next = after_sign_in(q.next.as_deref());
    Ok(render_anon("login.html", context! { csrf, next })?.into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let username = f.username.trim().to_string();
    let next = after_sign_in(f.next.as_deref()).to_string();
    let again = |error: String| -> AppResult<Response> {
        let ctx = context! { csrf => &csrf, next => &next, username => &username, error };
        Ok(render_anon("login.html", ctx)?.into_response())
    };
    if username.is_empty() || f.password.is_empty() {
        return again("请输入用户名和密码".into());
    }
    if let Some(wait) = throttled(&st, &username, &ip).await? {
        let ev = Event {
            action: "login_throttled",
            target: &username,
            detail: "",
            ip: &ip,
            org_path: &OrgPath::whole(),
        };
        audit::append(&st, None, &username, ev).await?;
        let minutes = (wait + 59) / 60;
        return again(format!(
            "登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试"
        ));
    }
    let user = match users::by_username(&st.db, &username).await {
        Ok(u) => Some(u),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let ok = password::verify(f.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let org_path = user
        .as_ref()
        .map_or_else(OrgPath::whole, |u| u.org_path.clone());
    match user {
        Some(u) if ok && !u.disabled => {
            failures::clear_sign_in_failures(&st.db, &username).await?;
            let cookie = session::start(&st, u.id).await?;
            let ev = Event {
                action: "login",
                target: &u.username,
                detail: "",
                ip: &ip,
                org_path: &org_path,
            };
            audit::append(&st, Some(u.id), &u.username, ev).await?;
            let to = if u.must_change_password {
                "/password"
            } else {
                &next
            };
            Ok(([(SET_COOKIE, cookie)], Redirect::to(to)).into_response())
        }
        user => {
            failures::record_sign_in_failure(&st.db, &username, &ip, clock::now()).await?;
            let why = match &user {
                Some(u) if u.disabled && ok => "账号已停用",
                Some(_) => "密码错误",
                None => "用户不存在",
            };
            let ev = Event {
                action: "login_failed",
                target: &username,
                detail: why,
                ip: &ip,
                org_path: &org_path,
            };
            audit::append(&st, user.as_ref().map(|u| u.id), &username, ev).await?;
            // The same message whatever the reason, so names cannot be probed.
            again("用户名或密码错误，或账号已停用".into())
        }
    }
}

/// Seconds the caller must wait, if the account or the address has failed too often.
async fn throttled(st: &Shared, username: &str, ip: &str) -> AppResult<Option<i64>> {
    let now = clock::now();
    let (account, address) = (throttle::SIGN_IN_PER_ACCOUNT, throttle::SIGN_IN_PER_ADDRESS);
    let (n, newest) = failures::sign_in_failures_of(&st.db, username, account.since(now)).await?;
    let by_account = account.wait_secs(n, newest, now);
    let (n, newest) = failures::sign_in_failures_from(&st.db, ip, address.since(now)).await?;
    let by_address = address.wait_secs(n, newest, now);
    Ok(by_account.max(by_address))
}

pub async fn logout(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    me: Option<CurrentUser>,
) -> AppResult<Response> {
    if let Some(me) = me {
        sessions::delete(&st.db, &me.token_hash).await?;
        let ev = Event {
            action: "logout",
            target: &me.user.username,
            detail: "",
            ip: &ip,
            org_path: &me.user.org_path,
        };
        audit::by_user(&st, &me, ev).await?;
    }
    let gone = cookies::set(cookies::SESSION, "", Some(0), st.settings.secure_cookies);
    Ok(([(SET_COOKIE, gone)], Redirect::to("/login")).into_response())
}

pub async fn password_form(ctx: Ctx) -> AppResult<Html<String>> {
    let forced = ctx.me.user.must_change_password;
    ctx.render("password.html", context! { forced })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn password_submit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let u = &ctx.me.user;
    let problem = if !password::verify(f.current, Some(u.password_hash.clone())).await? {
        Some("当前密码不正确")
    } else if f.new != f.confirm {
        Some("两次输入的新密码不一致")
    } else {
        quanke_domain::password::check_new(&f.new, &u.username).err()
    };
    if let Some(error) = problem {
        let forced = u.must_change_password;
        return Ok(ctx
            .render("password.html", context! { forced, error })?
            .into_response());
    }
    let hash = password::hash(f.new).await?;
    users::set_password(&st.db, u.id, &hash, false, clock::now()).await?;
    // A new password ends every other session, including any an attacker might hold.
    sessions::delete_for_user(&st.db, u.id).await?;
    let cookie = session::start(&st, u.id).await?;
    let ev = Event {
        action: "password_changed",
        target: &u.username,
        detail: "",
        ip: &ip,
        org_path: &u.org_path,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/?changed=1")).into_response())
}
