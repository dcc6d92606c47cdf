//! A large, realistic catalogue grown from a small real one: each variant copies a demo item and
//! gets its own code, a name with a qualifier, and keywords shuffled with those of another item of
//! the same line, so the index holds the vocabulary and length distribution of real guides.

use quanke_domain::catalogue::ServiceItem;

/// Qualifiers that real catalogues attach to variants of one matter.
const QUALIFIERS: [&str; 12] = [
    "跨区通办",
    "线上办理",
    "代办",
    "延续",
    "变更",
    "补办",
    "注销",
    "加急",
    "上门受理",
    "预约办理",
    "街道受理",
    "区级复核",
];

/// A tiny deterministic generator (xorshift64), so every run builds the same catalogue.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `base` followed by variants until there are `total` items.
pub fn grow(base: &[ServiceItem], total: usize) -> Vec<ServiceItem> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut items = base.to_vec();
    let mut k = 0usize;
    while items.len() < total && !base.is_empty() {
        let item = &base[k % base.len()];
        items.push(variant(item, base, k, &mut rng));
        k += 1;
    }
    items
}

fn variant(item: &ServiceItem, base: &[ServiceItem], k: usize, rng: &mut Rng) -> ServiceItem {
    let mut out = item.clone();
    out.code = format!("{}-V{k:04}", item.code);
    out.name = format!(
        "{}（{}）",
        item.name,
        QUALIFIERS[rng.below(QUALIFIERS.len())]
    );
    let same_line: Vec<&ServiceItem> = base
        .iter()
        .filter(|i| i.line == item.line && i.code != item.code)
        .collect();
    if !same_line.is_empty() {
        let other = same_line[rng.below(same_line.len())];
        let borrowed = other.keywords.iter().take(1 + rng.below(2)).cloned();
        out.keywords = item.keywords.iter().cloned().chain(borrowed).collect();
    }
    let n = out.keywords.len();
    if n > 1 {
        out.keywords.rotate_left(rng.below(n));
        out.keywords.truncate(n - rng.below(2));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<ServiceItem> {
        let text = include_str!("../../crates/domain/src/catalogue/sample.json");
        let item: ServiceItem = serde_json::from_str(text).unwrap();
        let mut other = item.clone();
        other.code = "MZ-OTHER".into();
        other.keywords = vec!["尊老金".into()];
        vec![item, other]
    }

    #[test]
    fn grows_to_the_total_with_unique_codes_deterministically() {
        let items = grow(&sample(), 50);
        assert_eq!(items.len(), 50);
        let codes: std::collections::HashSet<_> = items.iter().map(|i| &i.code).collect();
        assert_eq!(codes.len(), 50);
        assert_eq!(grow(&sample(), 50), items);
        assert!(items[2].name.starts_with("高龄津贴申领（"));
    }
}
