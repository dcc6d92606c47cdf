//! Chinese labels for the catalogue's enumerated values, as a template filter (`{{ x | zh }}`).

use quanke_domain::catalogue::{BusinessKind, Datatype, ItemType, Level, MaterialForm, Mode};

/// The label of any catalogue code; unknown codes are shown as they are.
pub fn zh(code: &str) -> String {
    label(code).map_or_else(|| code.to_string(), str::to_string)
}

fn label(code: &str) -> Option<&'static str> {
    let value = serde_json::Value::String(code.to_string());
    let kind = serde_json::from_value::<BusinessKind>(value.clone()).map(BusinessKind::label);
    kind.or_else(|_| serde_json::from_value::<ItemType>(value.clone()).map(ItemType::label))
        .or_else(|_| serde_json::from_value::<Level>(value.clone()).map(Level::label))
        .or_else(|_| serde_json::from_value::<Mode>(value.clone()).map(Mode::label))
        .or_else(|_| serde_json::from_value::<MaterialForm>(value.clone()).map(MaterialForm::label))
        .or_else(|_| serde_json::from_value::<Datatype>(value).map(Datatype::label))
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_become_chinese() {
        assert_eq!(super::zh("on_the_spot"), "即办件");
        assert_eq!(super::zh("original_and_copy"), "原件及复印件");
        assert_eq!(super::zh("cancel"), "注销");
        assert_eq!(super::zh("district"), "区级");
        assert_eq!(super::zh("whatever"), "whatever");
    }
}
