//! The catalogue rules exercised on one realistic item (sample.json, also the format's example).

use super::*;

fn sample() -> ServiceItem {
    serde_json::from_str(include_str!("sample.json")).expect("sample parses")
}

fn fields(item: &ServiceItem) -> Vec<String> {
    validate(item).into_iter().map(|p| p.field).collect()
}

#[test]
fn the_sample_is_valid_and_round_trips() {
    let item = sample();
    assert_eq!(validate(&item), vec![]);
    let json = serde_json::to_string(&item).unwrap();
    let again: ServiceItem = serde_json::from_str(&json).unwrap();
    assert_eq!(again, item);
}

#[test]
fn unknown_fields_are_refused() {
    let mut v: serde_json::Value = serde_json::from_str(include_str!("sample.json")).unwrap();
    v["colour"] = "red".into();
    let err = serde_json::from_value::<ServiceItem>(v)
        .unwrap_err()
        .to_string();
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn limits_must_agree_with_the_mode() {
    let mut item = sample();
    item.promised_days = 30;
    assert_eq!(fields(&item), vec!["promised_days"]);
    item.promised_days = 0;
    assert_eq!(
        fields(&item),
        vec!["promised_days"],
        "a promised item needs a limit"
    );
    item.mode = Mode::OnTheSpot;
    assert_eq!(fields(&item), Vec::<String>::new());
    item.promised_days = 3;
    assert_eq!(fields(&item), vec!["promised_days"]);
}

#[test]
fn blank_fee_and_phones_are_refused() {
    let mut item = sample();
    item.fee = " ".into();
    item.consult_phone.clear();
    let problems = validate(&item);
    assert_eq!(problems.len(), 2);
    assert!(problems[0].message.contains("不收费"));
}

#[test]
fn material_conditions_must_point_at_real_options() {
    let mut item = sample();
    item.materials[2].applies_when = Some(Condition {
        question: "who".into(),
        any_of: vec!["neighbour".into()],
    });
    assert_eq!(fields(&item), vec!["materials[2].applies_when"]);
    item.materials[2].applies_when = Some(Condition {
        question: "nope".into(),
        any_of: vec!["proxy".into()],
    });
    assert_eq!(fields(&item), vec!["materials[2].applies_when"]);
    item.materials[1].id = "id-card".into();
    assert!(fields(&item).contains(&"materials[1].id".to_string()));
}

#[test]
fn questions_need_sound_options() {
    let mut item = sample();
    item.questions[0].options.truncate(1);
    // Too few options, and the material's condition now names an option that is gone.
    assert_eq!(
        fields(&item),
        vec!["materials[2].applies_when", "questions[0].options"]
    );
    let mut item = sample();
    item.questions[0].datatype = Datatype::Text;
    // The text question now has options, and the material condition points at a non-choice.
    assert_eq!(
        fields(&item),
        vec!["materials[2].applies_when", "questions[0].options"]
    );
}

#[test]
fn materials_follow_the_kind_and_the_answers() {
    let item = sample();
    let ids = |kind, answers: &Answers| -> Vec<&str> {
        materials_for(&item, kind, answers)
            .iter()
            .map(|m| m.id.as_str())
            .collect()
    };
    let mut answers = Answers::new();
    // Unanswered: the conditional material is listed rather than risk a second trip.
    assert_eq!(
        ids(BusinessKind::New, &answers),
        vec!["id-card", "hukou", "proxy-id", "bank"]
    );
    answers.insert("who".into(), vec!["self".into()]);
    assert_eq!(
        ids(BusinessKind::New, &answers),
        vec!["id-card", "hukou", "bank"]
    );
    answers.insert("who".into(), vec!["proxy".into()]);
    assert_eq!(
        ids(BusinessKind::Cancel, &answers),
        vec!["id-card", "proxy-id"]
    );
}

#[test]
fn diff_names_changed_added_and_removed_fields() {
    let old = sample();
    let mut new = sample();
    new.promised_days = 5;
    new.materials.pop();
    new.tips.push("周末可预约上门。".into());
    let changes = diff(&old, &new);
    let named: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(named, vec!["materials[3]", "promised_days", "tips[1]"]);
    assert_eq!(changes[1].before.as_deref(), Some("10"));
    assert_eq!(changes[1].after.as_deref(), Some("5"));
    assert!(changes[0].after.is_none() && changes[2].before.is_none());
    assert!(diff(&old, &old).is_empty());
}

#[test]
fn the_public_view_drops_exactly_the_staff_only_fields() {
    let item = sample();
    let full = serde_json::to_value(&item).unwrap();
    let public = serde_json::to_value(item.public_view()).unwrap();
    let (full, public) = (full.as_object().unwrap(), public.as_object().unwrap());
    assert_eq!(full.len(), public.len());
    for (key, value) in full {
        if STAFF_ONLY.contains(&key.as_str()) {
            assert_ne!(value, &serde_json::json!([]), "the sample fills {key}");
            assert_eq!(public[key], serde_json::json!([]), "{key}");
        } else {
            assert_eq!(&public[key], value, "{key}");
        }
    }
    assert!(STAFF_ONLY.iter().all(|k| full.contains_key(*k)));
}

#[test]
fn a_faq_needs_both_its_question_and_its_answer() {
    let mut item = sample();
    item.faqs.push(Faq {
        q: "能代办吗？".into(),
        a: " ".into(),
    });
    assert_eq!(fields(&item), vec!["faqs[1].a"]);
}

#[test]
fn answers_are_checked_in_the_order_asked() {
    let item = sample();
    let answers = |pairs: &[(&str, &str)]| -> Answers {
        let mut a = Answers::new();
        for (k, v) in pairs {
            a.entry(k.to_string()).or_default().push(v.to_string());
        }
        a
    };
    assert_eq!(check_answers(&item, &answers(&[("who", "self")])), Ok(()));
    let missing = check_answers(&item, &answers(&[("who", "  ")]));
    assert!(matches!(missing, Err(AnswerProblem::Missing(q)) if q.id == "who"));
    let bad = check_answers(&item, &answers(&[("who", "neighbour")]));
    assert!(
        matches!(bad, Err(AnswerProblem::NotAnOption(q, given)) if q.id == "who" && given == "neighbour")
    );
    let long = "长".repeat(crate::limits::ANSWER.max_chars + 1);
    let too_long = check_answers(&item, &answers(&[("who", &long)]));
    assert!(matches!(too_long, Err(AnswerProblem::TooLong(q, _)) if q.id == "who"));
    let unknown = check_answers(&item, &answers(&[("who", "self"), ("age", "80")]));
    assert_eq!(unknown, Err(AnswerProblem::UnknownQuestion("age".into())));
}

/// A case row, a form and the catalogue file name a business kind the same way.
#[test]
fn business_kind_codes_are_the_file_names() {
    for kind in BusinessKind::ALL {
        let named = serde_json::to_value(kind).unwrap();
        assert_eq!(named.as_str(), Some(kind.code()));
        assert_eq!(BusinessKind::parse(kind.code()), Some(kind));
    }
    assert_eq!(BusinessKind::parse("新办"), None);
}
