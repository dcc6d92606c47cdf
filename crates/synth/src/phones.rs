//! Phone numbers: mainland mobiles from the real carrier prefixes, and Hangzhou landlines.

use crate::rng::Rng;

/// Three-digit prefixes in use by China Mobile, Unicom and Telecom.
const MOBILE_PREFIXES: [&str; 32] = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "186", "187", "189", "199",
];

pub(crate) fn mobile(rng: &mut Rng) -> String {
    format!(
        "{}{:08}",
        rng.pick(&MOBILE_PREFIXES),
        rng.below(100_000_000)
    )
}

/// Hangzhou's eight-digit local numbers mostly begin with 8 (0571-8xxxxxxx).
pub(crate) fn landline(rng: &mut Rng) -> String {
    format!("0571-8{:07}", rng.below(10_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_domain::ident::{PhoneKind, phone};

    #[test]
    fn generated_numbers_parse_as_their_kind() {
        let mut rng = Rng::new(9);
        for _ in 0..10_000 {
            let m = mobile(&mut rng);
            assert_eq!(phone::parse(&m).unwrap().kind(), PhoneKind::Mobile, "{m}");
            let l = landline(&mut rng);
            let parsed = phone::parse(&l).unwrap();
            assert_eq!(parsed.kind(), PhoneKind::Landline, "{l}");
            assert_eq!(parsed.as_str(), l);
        }
    }
}
