//! Creating and changing staff accounts: the rules shared by the admin pages, the `quanke user`
//! command and the demo.

use crate::clock;
use crate::password;
use quanke_domain::{OrgKind, Role};
use quanke_store::orgs::Org;
use quanke_store::{Db, StoreError, api_tokens, sessions, users};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("用户名只能由 3 到 32 位小写字母、数字、点、下划线或连字符组成")]
    BadUsername,
    #[error("姓名不能为空，且不超过 {} 个字", quanke_domain::limits::STAFF_NAME.max_chars)]
    BadName,
    #[error("用户名 \"{0}\" 已被使用")]
    UsernameTaken(String),
    #[error("{role}应设在{expected}一级，而所选组织是{actual}")]
    WrongPlace {
        role: &'static str,
        expected: &'static str,
        actual: &'static str,
    },
    #[error("{0}")]
    WeakPassword(&'static str),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Hash(#[from] anyhow::Error),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Store(e)
    }
}

pub fn check_username(u: &str) -> Result<(), AccountError> {
    let ok = (3..=32).contains(&u.len())
        && u.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadUsername)
    }
}

/// Roles are placed at one level of the tree: grid workers in grids, and so on.
pub fn check_place(role: Role, org: &Org) -> Result<(), AccountError> {
    let expected = role.placed_at();
    if org.kind == expected {
        Ok(())
    } else {
        Err(AccountError::WrongPlace {
            role: role.label(),
            expected: expected.label(),
            actual: org.kind.label(),
        })
    }
}

fn community_of(org: &Org) -> Option<i64> {
    match org.kind {
        OrgKind::Street => None,
        _ => org.community_id,
    }
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub org: &'a Org,
    /// A chosen password, or None to issue a temporary one that must be changed at first sign-in.
    pub password: Option<&'a str>,
}

/// Creates the account and returns its id and the password it was given.
pub async fn create(db: &Db, a: &NewAccount<'_>) -> Result<(i64, String), AccountError> {
    check_username(a.username)?;
    let name = a.display_name.trim();
    if name.is_empty() || quanke_domain::limits::STAFF_NAME.check(name).is_err() {
        return Err(AccountError::BadName);
    }
    check_place(a.role, a.org)?;
    let (pw, temporary) = match a.password {
        Some(p) => {
            quanke_domain::password::check_new(p, a.username)
                .map_err(AccountError::WeakPassword)?;
            (p.to_string(), false)
        }
        None => (password::temporary(), true),
    };
    let hash = password::hash(pw.clone()).await?;
    let new = users::NewUser {
        username: a.username,
        display_name: name,
        password_hash: &hash,
        role: a.role,
        org_id: a.org.id,
        community_id: community_of(a.org),
        must_change_password: temporary,
    };
    match users::create(db, &new, clock::now()).await {
        Ok(id) => Ok((id, pw)),
        Err(StoreError::Conflict(_)) => Err(AccountError::UsernameTaken(a.username.into())),
        Err(e) => Err(e.into()),
    }
}

/// Issues a temporary password that must be changed at next sign-in. A reset means the password
/// may be known to someone else, so every way in that was opened with it ends too: the
/// account's sessions and its API tokens (issued anew by an administrator). Access is ended
/// before the password changes, so a failure half-way leaves no old way in.
pub async fn reset_password(db: &Db, user_id: i64) -> Result<String, AccountError> {
    let pw = password::temporary();
    let hash = password::hash(pw.clone()).await?;
    let now = clock::now();
    api_tokens::revoke_for_user(db, user_id, now).await?;
    sessions::delete_for_user(db, user_id).await?;
    users::set_password(db, user_id, &hash, true, now).await?;
    Ok(pw)
}

/// Disables or re-enables an account; disabling ends its sessions at once, and its API tokens
/// are refused while it stays disabled (they work again once it is enabled).
pub async fn set_disabled(db: &Db, user_id: i64, disabled: bool) -> Result<(), AccountError> {
    users::set_disabled(db, user_id, disabled, clock::now()).await?;
    if disabled {
        sessions::delete_for_user(db, user_id).await?;
    }
    Ok(())
}

/// Moves an account to a new role and place; its sessions end so the new rights apply at once.
pub async fn change_role(db: &Db, user_id: i64, role: Role, org: &Org) -> Result<(), AccountError> {
    check_place(role, org)?;
    users::set_role(db, user_id, role, org.id, community_of(org), clock::now()).await?;
    sessions::delete_for_user(db, user_id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("desk.zhang").is_ok());
        assert!(check_username("ab").is_err());
        assert!(check_username("Zhang").is_err());
        assert!(check_username("张三").is_err());
    }
}
