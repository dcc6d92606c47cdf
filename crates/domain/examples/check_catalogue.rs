//! Checks catalogue files against the format and the item rules:
//! `cargo run -p quanke-domain --example check_catalogue -- FILE...`

use quanke_domain::catalogue::{CatalogueFile, FORMAT, validate};
use std::collections::HashSet;

fn main() {
    let mut bad = 0;
    let mut codes = HashSet::new();
    let mut total = 0;
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file: CatalogueFile = match serde_json::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                println!("{path}: {e}");
                bad += 1;
                continue;
            }
        };
        if file.format != FORMAT {
            println!("{path}: format should be {FORMAT}");
            bad += 1;
        }
        let numbers: HashSet<&str> = file.policies.iter().map(|p| p.number.as_str()).collect();
        for entry in &file.items {
            total += 1;
            let item = &entry.item;
            if !codes.insert(item.code.clone()) {
                println!("{path}: duplicate code {}", item.code);
                bad += 1;
            }
            for p in validate(item) {
                println!("{path}: {} {}: {}", item.code, p.field, p.message);
                bad += 1;
            }
            for n in item
                .policies
                .iter()
                .filter(|n| !numbers.contains(n.as_str()))
            {
                println!("{path}: {} cites policy {n} not in this file", item.code);
                bad += 1;
            }
        }
    }
    println!("{total} items, {bad} problems");
    std::process::exit(if bad == 0 { 0 } else { 1 });
}
