//! Where sign-in may send the browser next. `next` comes from the address bar, so anyone can
//! craft it; only a path on this site is followed. Browsers are lenient readers of URLs: they
//! drop tabs and newlines anywhere (`/\t/evil.example` is `//evil.example`, another host), read
//! `\` as `/`, and a second decoding by a proxy or a script can turn `%2F` into `/`. So the
//! value is checked both as given and percent-decoded once more.

use percent_encoding::percent_decode_str;

/// The longest `next` followed; a page address is far shorter.
const MAX_LEN: usize = 2048;

/// `next` when it is a path on this site, otherwise the home page.
pub fn after_sign_in(next: Option<&str>) -> &str {
    next.filter(|n| is_same_site_path(n)).unwrap_or("/")
}

/// A path on this site: one leading `/` not followed by `/` or `\`, no `\` at all, printable
/// ASCII as given (a browser sends any other character percent-encoded), and after
/// percent-decoding still no `//` or `\` start, no whitespace and no control character.
pub fn is_same_site_path(next: &str) -> bool {
    if next.len() > MAX_LEN || !next.bytes().all(|b| b.is_ascii_graphic()) || !path_start(next) {
        return false;
    }
    let Ok(decoded) = percent_decode_str(next).decode_utf8() else {
        return false;
    };
    path_start(&decoded) && !decoded.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn path_start(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attacks_go_home() {
        let attacks = [
            "",
            "evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            " /x",
            "/x\u{0}",
            "/x\u{7f}",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%E3%80%80/evil.example",
            "/\u{3000}/evil.example",
            "/\u{FF0F}evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "/%ff",
            // Harmless, but a space after decoding is refused too: simpler to trust.
            "/registry?q=a%20b",
        ];
        for a in attacks {
            assert_eq!(after_sign_in(Some(a)), "/", "{a:?}");
        }
        assert_eq!(after_sign_in(None), "/");
        assert_eq!(
            after_sign_in(Some(&format!("/{}", "a".repeat(MAX_LEN)))),
            "/"
        );
    }

    #[test]
    fn same_site_paths_are_followed() {
        for ok in [
            "/",
            "/cases/12",
            "/desk?who=%E6%9D%8E",
            "/admin/audit?action=login&before=5",
            "/portal/items/MZ-DB01#apply",
            "/x:y",
        ] {
            assert_eq!(after_sign_in(Some(ok)), ok, "{ok:?}");
        }
    }
}
