//! The closed vocabularies of the catalogue as they appear in cells: Chinese labels written out,
//! and read back from either the label or the canonical JSON code (for people who paste codes).

use quanke_domain::catalogue::{
    BusinessKind, Datatype, ItemType, Level, MaterialForm, Mode, ResultKind,
};

/// A value of a closed vocabulary with its Chinese label and its canonical JSON code.
pub(super) trait Word: Copy + 'static {
    const ALL: &'static [(Self, &'static str)];
    fn label(self) -> &'static str;
}

/// The value a cell's text names, by label or by code (codes ignore letter case).
pub(super) fn parse<T: Word>(text: &str) -> Option<T> {
    T::ALL
        .iter()
        .find(|(value, code)| value.label() == text || code.eq_ignore_ascii_case(text))
        .map(|(value, _)| *value)
}

/// The labels a cell may hold, for messages: "即办件、承诺件".
pub(super) fn choices<T: Word>() -> String {
    let labels: Vec<&str> = T::ALL.iter().map(|(value, _)| value.label()).collect();
    labels.join("、")
}

impl Word for ItemType {
    const ALL: &'static [(Self, &'static str)] = &[
        (ItemType::Permit, "permit"),
        (ItemType::Benefit, "benefit"),
        (ItemType::Confirmation, "confirmation"),
        (ItemType::PublicService, "public_service"),
        (ItemType::Other, "other"),
    ];
    fn label(self) -> &'static str {
        ItemType::label(self)
    }
}

impl Word for Level {
    const ALL: &'static [(Self, &'static str)] = &[
        (Level::Community, "community"),
        (Level::Street, "street"),
        (Level::District, "district"),
    ];
    fn label(self) -> &'static str {
        Level::label(self)
    }
}

impl Word for ResultKind {
    const ALL: &'static [(Self, &'static str)] = &[
        (ResultKind::General, "general"),
        (ResultKind::Benefit, "benefit"),
        (ResultKind::Certificate, "certificate"),
    ];
    fn label(self) -> &'static str {
        ResultKind::label(self)
    }
}

impl Word for Mode {
    const ALL: &'static [(Self, &'static str)] = &[
        (Mode::OnTheSpot, "on_the_spot"),
        (Mode::Promised, "promised"),
    ];
    fn label(self) -> &'static str {
        Mode::label(self)
    }
}

impl Word for BusinessKind {
    const ALL: &'static [(Self, &'static str)] = &[
        (BusinessKind::New, "new"),
        (BusinessKind::Change, "change"),
        (BusinessKind::Renewal, "renewal"),
        (BusinessKind::Cancel, "cancel"),
    ];
    fn label(self) -> &'static str {
        BusinessKind::label(self)
    }
}

impl Word for MaterialForm {
    const ALL: &'static [(Self, &'static str)] = &[
        (MaterialForm::Original, "original"),
        (MaterialForm::Copy, "copy"),
        (MaterialForm::OriginalAndCopy, "original_and_copy"),
        (MaterialForm::Electronic, "electronic"),
    ];
    fn label(self) -> &'static str {
        MaterialForm::label(self)
    }
}

impl Word for Datatype {
    const ALL: &'static [(Self, &'static str)] = &[
        (Datatype::String, "string"),
        (Datatype::Text, "text"),
        (Datatype::Number, "number"),
        (Datatype::Datetime, "datetime"),
        (Datatype::Singlevaluelist, "singlevaluelist"),
        (Datatype::Multivaluelist, "multivaluelist"),
    ];
    fn label(self) -> &'static str {
        Datatype::label(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_codes_both_parse() {
        assert_eq!(parse::<Mode>("即办件"), Some(Mode::OnTheSpot));
        assert_eq!(parse::<Mode>("ON_THE_SPOT"), Some(Mode::OnTheSpot));
        assert_eq!(
            parse::<MaterialForm>("原件及复印件"),
            Some(MaterialForm::OriginalAndCopy)
        );
        assert_eq!(parse::<Level>("区级"), Some(Level::District));
        assert_eq!(parse::<Datatype>("多选"), Some(Datatype::Multivaluelist));
        assert_eq!(parse::<ItemType>("许可"), None);
    }

    #[test]
    fn every_label_reads_back_as_its_value() {
        fn check<T: Word + PartialEq + std::fmt::Debug>() {
            for (value, code) in T::ALL {
                assert_eq!(parse::<T>(value.label()), Some(*value));
                assert_eq!(parse::<T>(code), Some(*value));
            }
        }
        check::<ItemType>();
        check::<Level>();
        check::<Mode>();
        check::<BusinessKind>();
        check::<MaterialForm>();
        check::<Datatype>();
    }

    #[test]
    fn choices_list_the_labels() {
        assert_eq!(choices::<Mode>(), "即办件、承诺件");
    }
}
