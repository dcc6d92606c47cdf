//! The result of a case (办结结果): what the office decided when it completed the case. Every
//! channel that completes a case (the case page, the desk's 即办, the JSON API) reads the
//! worker's input through `Decision::parse`, so what is required and how an amount or a month is
//! written is decided here once. Which extra fields an item asks for is catalogue data
//! (`ResultKind`).

use crate::catalogue::ResultKind;
use crate::limits::{self, CERTIFICATE_NO, RESULT_FIGURE};
use std::fmt;

/// 准予 or 不予.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Granted,
    Refused,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Granted => "granted",
            Verdict::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Granted => "准予",
            Verdict::Refused => "不予",
        }
    }

    /// The stored code or the Chinese word.
    pub fn parse(text: &str) -> Option<Verdict> {
        match text.trim() {
            "granted" | "准予" => Some(Verdict::Granted),
            "refused" | "不予" => Some(Verdict::Refused),
            _ => None,
        }
    }
}

/// What the worker typed, as text from any channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionInput {
    /// granted / refused (or 准予 / 不予).
    pub verdict: String,
    /// Why not (不予).
    pub reason: String,
    /// In yuan, as typed: "1200", "85.50", "1,200.00元".
    pub amount: String,
    /// The month the benefit starts: "2026-12", "2026/12" or "2026年12月".
    pub start_month: String,
    pub certificate_no: String,
    pub note: String,
}

/// A decision that passed every rule; amounts in fen, months as YYYY-MM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Empty unless refused.
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub start_month: Option<String>,
    pub certificate_no: Option<String>,
    pub note: String,
}

/// One rule the input breaks: a stable code and the sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionProblem {
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for DecisionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The largest amount one decision may grant: 10 million yuan, far above any community benefit,
/// so a slipped digit in fen-vs-yuan is caught rather than paid.
const MAX_FEN: i64 = 1_000_000_000;

impl Decision {
    /// Reads the input for an item whose results are of `kind`, naming every problem at once.
    /// A refusal needs its reason; a granted benefit its amount and start month; a granted
    /// certificate its number. Fields the verdict does not use are not recorded.
    pub fn parse(
        kind: ResultKind,
        input: &DecisionInput,
    ) -> Result<Decision, Vec<DecisionProblem>> {
        let mut problems = Vec::new();
        if let Err(e) = limits::NOTE.named("办结说明").check(&input.note) {
            problems.push(problem("too_long", e.to_string()));
        }
        let Some(verdict) = Verdict::parse(&input.verdict) else {
            problems.push(problem("result_required", "请选择办理结果：准予或不予"));
            return Err(problems);
        };
        let mut decision = Decision {
            verdict,
            reason: String::new(),
            amount_fen: None,
            start_month: None,
            certificate_no: None,
            note: input.note.trim().to_string(),
        };
        match verdict {
            Verdict::Refused => {
                let reason = input.reason.trim();
                if reason.is_empty() {
                    problems.push(problem("missing_reason", "不予的，须写明不予的理由"));
                } else if let Err(e) = limits::REASON.named("不予理由").check(reason) {
                    problems.push(problem("too_long", e.to_string()));
                }
                decision.reason = reason.to_string();
            }
            Verdict::Granted if kind == ResultKind::Benefit => {
                match parse_amount(&input.amount) {
                    Ok(fen) => decision.amount_fen = Some(fen),
                    Err(p) => problems.push(p),
                }
                match parse_month(&input.start_month) {
                    Ok(m) => decision.start_month = Some(m),
                    Err(p) => problems.push(p),
                }
            }
            Verdict::Granted if kind == ResultKind::Certificate => {
                match parse_certificate(&input.certificate_no) {
                    Ok(n) => decision.certificate_no = Some(n),
                    Err(p) => problems.push(p),
                }
            }
            Verdict::Granted => {}
        }
        if problems.is_empty() {
            Ok(decision)
        } else {
            Err(problems)
        }
    }

    /// The amount in yuan for people: "1200.00".
    pub fn amount_yuan(&self) -> Option<String> {
        self.amount_fen.map(yuan)
    }
}

fn problem(code: &'static str, message: impl Into<String>) -> DecisionProblem {
    DecisionProblem {
        code,
        message: message.into(),
    }
}

/// Fen as yuan with two decimals: 120050 → "1200.50".
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A YYYY-MM month as people write it: "2026-12" → "2026年12月".
pub fn month_label(month: &str) -> String {
    match month.split_once('-') {
        Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
        None => month.to_string(),
    }
}

fn bad_amount(message: &str) -> DecisionProblem {
    problem(
        "bad_amount",
        format!("待遇金额{message}：请填写以元为单位、最多两位小数的数字，如 1200 或 85.50"),
    )
}

/// Yuan as typed (thousands separators, a trailing 元 and spaces allowed) to fen.
fn parse_amount(text: &str) -> Result<i64, DecisionProblem> {
    if RESULT_FIGURE.check(text).is_err() {
        return Err(bad_amount("过长"));
    }
    let cleaned: String = text
        .trim()
        .trim_end_matches('元')
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .collect();
    if cleaned.is_empty() {
        return Err(bad_amount("未填写"));
    }
    let (whole, cents) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(cents) || cents.len() > 2 || whole.len() > 12 {
        return Err(bad_amount(&format!("“{}”不是金额", text.trim())));
    }
    let whole: i64 = whole.parse().map_err(|_| bad_amount("无法识别"))?;
    let cents: i64 = format!("{cents:0<2}").parse().unwrap_or(0);
    let fen = whole * 100 + cents;
    if fen == 0 {
        return Err(bad_amount("应大于 0"));
    }
    if fen > MAX_FEN {
        return Err(bad_amount("超过 1000 万元，请核对"));
    }
    Ok(fen)
}

/// "2026-12", "2026-1", "2026/12", "2026.12" or "2026年12月" to "2026-12".
fn parse_month(text: &str) -> Result<String, DecisionProblem> {
    let bad = |what: &str| {
        problem(
            "bad_month",
            format!("待遇起始月份{what}：请按“2026-12”或“2026年12月”填写"),
        )
    };
    let t = text.trim();
    if t.is_empty() {
        return Err(bad("未填写"));
    }
    if RESULT_FIGURE.check(text).is_err() {
        return Err(bad("过长"));
    }
    let t = t.trim_end_matches('月');
    let (y, m) = t
        .split_once(['-', '/', '.', '年'])
        .ok_or_else(|| bad(&format!("“{}”无法识别", text.trim())))?;
    let (Ok(year), Ok(month)) = (y.parse::<u32>(), m.parse::<u32>()) else {
        return Err(bad(&format!("“{}”无法识别", text.trim())));
    };
    if !(2000..=2099).contains(&year) || !(1..=12).contains(&month) {
        return Err(bad(&format!("“{}”不是有效的年月", text.trim())));
    }
    Ok(format!("{year}-{month:02}"))
}

fn parse_certificate(text: &str) -> Result<String, DecisionProblem> {
    let n = text.trim();
    if n.is_empty() {
        return Err(problem(
            "missing_certificate_no",
            "准予的，须填写出具的证照编号",
        ));
    }
    CERTIFICATE_NO
        .check(n)
        .map_err(|e| problem("too_long", e.to_string()))?;
    Ok(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(verdict: &str) -> DecisionInput {
        DecisionInput {
            verdict: verdict.into(),
            ..DecisionInput::default()
        }
    }

    fn codes(r: Result<Decision, Vec<DecisionProblem>>) -> Vec<&'static str> {
        r.unwrap_err().into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn a_verdict_is_required() {
        assert_eq!(
            codes(Decision::parse(ResultKind::General, &input(""))),
            ["result_required"]
        );
        let ok = Decision::parse(ResultKind::General, &input("准予")).unwrap();
        assert_eq!(ok.verdict, Verdict::Granted);
    }

    #[test]
    fn a_refusal_needs_its_reason_and_records_nothing_else() {
        assert_eq!(
            codes(Decision::parse(ResultKind::Benefit, &input("refused"))),
            ["missing_reason"]
        );
        let mut i = input("refused");
        i.reason = "年龄未满 80 周岁".into();
        i.amount = "100".into();
        let d = Decision::parse(ResultKind::Benefit, &i).unwrap();
        assert_eq!(d.reason, "年龄未满 80 周岁");
        assert_eq!(d.amount_fen, None);
    }

    #[test]
    fn a_benefit_needs_amount_and_month() {
        assert_eq!(
            codes(Decision::parse(ResultKind::Benefit, &input("granted"))),
            ["bad_amount", "bad_month"]
        );
        let mut i = input("granted");
        i.amount = "1,200.5元".into();
        i.start_month = "2026年1月".into();
        let d = Decision::parse(ResultKind::Benefit, &i).unwrap();
        assert_eq!(d.amount_fen, Some(120_050));
        assert_eq!(d.amount_yuan().as_deref(), Some("1200.50"));
        assert_eq!(d.start_month.as_deref(), Some("2026-01"));
        assert_eq!(month_label("2026-01"), "2026年1月");
    }

    #[test]
    fn bad_amounts_and_months_are_named() {
        for bad in ["-5", "12.345", "abc", "0", "0.00", "1.2.3", "99999999999"] {
            let mut i = input("granted");
            i.amount = bad.into();
            i.start_month = "2026-12".into();
            let e = Decision::parse(ResultKind::Benefit, &i).unwrap_err();
            assert_eq!(e[0].code, "bad_amount", "{bad}");
            assert!(e[0].message.contains("待遇金额"), "{}", e[0].message);
        }
        for bad in ["2026-13", "12/2026", "next month", "1999-05", "2026"] {
            let mut i = input("granted");
            i.amount = "100".into();
            i.start_month = bad.into();
            let e = Decision::parse(ResultKind::Benefit, &i).unwrap_err();
            assert_eq!(e[0].code, "bad_month", "{bad}");
        }
    }

    #[test]
    fn a_certificate_needs_its_number() {
        assert_eq!(
            codes(Decision::parse(ResultKind::Certificate, &input("granted"))),
            ["missing_certificate_no"]
        );
        let mut i = input("granted");
        i.certificate_no = " 浙证 2026-001 ".into();
        let d = Decision::parse(ResultKind::Certificate, &i).unwrap();
        assert_eq!(d.certificate_no.as_deref(), Some("浙证 2026-001"));
        i.certificate_no = "号".repeat(51);
        assert_eq!(
            codes(Decision::parse(ResultKind::Certificate, &i)),
            ["too_long"]
        );
    }
}
