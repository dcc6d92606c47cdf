//! A posted form read as name/value pairs, for forms with repeated fields (checkboxes, multiple
//! choices) that a struct cannot take.

/// A posted form with repeated fields (checkboxes, multiple choices).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl Fields {
    /// The decision fields of a completion (`_result_fields.html`), as typed.
    pub fn decision(&self) -> quanke_domain::case::DecisionInput {
        quanke_domain::case::DecisionInput {
            verdict: self.get("result").to_string(),
            reason: self.get("result_reason").to_string(),
            amount: self.get("result_amount").to_string(),
            start_month: self.get("result_month").to_string(),
            certificate_no: self.get("result_certificate").to_string(),
            note: self.get("result_note").to_string(),
        }
    }
}

/// The decision fields as the form shows them again.
pub fn decision_values(d: &quanke_domain::case::DecisionInput) -> minijinja::Value {
    minijinja::context! {
        verdict => &d.verdict, reason => &d.reason, amount => &d.amount,
        month => &d.start_month, certificate => &d.certificate_no, note => &d.note,
    }
}
