//! Password rules people are told about on the change-password page.

pub const MIN_LEN: usize = 8;

/// Checks a new password; the message is shown to the user as is.
pub fn check_new(password: &str, username: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_LEN {
        return Err("新密码至少需要 8 位");
    }
    if password.eq_ignore_ascii_case(username) {
        return Err("新密码不能与用户名相同");
    }
    let has_letter = password.chars().any(|c| c.is_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err("新密码需同时包含字母和数字");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_new("abc123", "u").is_err());
        assert!(check_new("abcdefgh", "u").is_err());
        assert!(check_new("12345678", "u").is_err());
        assert!(check_new("zhangsan1", "ZhangSan1").is_err());
        assert!(check_new("社区服务2026", "u").is_ok());
    }
}
