//! What a viewer sees of a person's identifiers and sensitive tags: masked, unless this one
//! response reveals them (a reason was given and audited) or the role may export them in full.

use super::mask_middle;
use crate::ident::phone;
use crate::registry::CareTag;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Masked,
    Full,
}

impl Show {
    /// What a role sees in lists it exports: in full when it may reveal (the export is then
    /// audited as such), masked otherwise.
    pub fn for_scope(scope: &crate::Scope) -> Show {
        if scope.can(crate::Permission::RevealPersonal) {
            Show::Full
        } else {
            Show::Masked
        }
    }

    /// "330105********1234".
    pub fn id_number(self, number: &str) -> String {
        match self {
            Show::Full => number.to_string(),
            Show::Masked => mask_middle(number, 6, 4),
        }
    }

    /// Mobile "138****5678", landline "0571-****8888".
    pub fn phone(self, number: &str) -> String {
        match self {
            Show::Full => number.to_string(),
            Show::Masked => masked_phone(number),
        }
    }

    /// Whether a tag may be shown: disability and "key group" tags are sensitive personal
    /// information and stay hidden unless revealed.
    pub fn tag(self, tag: CareTag) -> bool {
        self == Show::Full || !tag.is_sensitive()
    }
}

fn masked_phone(number: &str) -> String {
    match phone::parse(number) {
        Ok(p) => p.mask(),
        // Stored numbers were checked on import; anything else keeps only its last four.
        Err(_) => mask_middle(number, 0, 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_unless_full() {
        let id = "330105198808150256";
        assert_eq!(Show::Masked.id_number(id), "330105********0256");
        assert_eq!(Show::Full.id_number(id), id);
        assert_eq!(Show::Masked.phone("13812345678"), "138****5678");
        assert_eq!(Show::Masked.phone(""), "");
        assert!(!Show::Masked.tag(CareTag::Disabled));
        assert!(Show::Masked.tag(CareTag::Oldest));
        assert!(Show::Full.tag(CareTag::Watched));
    }
}
