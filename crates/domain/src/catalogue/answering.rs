//! Whether the answers to an item's questions can go with an application: the one rule the
//! desk, the JSON API, the portal and Open311 apply (each words the problem for its reader).

use super::applicability::Answers;
use super::item::{Question, ServiceItem};
use crate::limits::{self, TooLong};

/// The first thing wrong with a set of answers, in the order the questions are asked.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerProblem<'a> {
    /// A required question has no answer (blank answers do not count).
    Missing(&'a Question),
    /// A choice that is not one of the question's options.
    NotAnOption(&'a Question, String),
    /// An answer longer than `limits::ANSWER`.
    TooLong(&'a Question, TooLong),
    /// An answer to a question the item does not ask.
    UnknownQuestion(String),
}

/// Checks `answers` against the item's questions.
pub fn check<'a>(item: &'a ServiceItem, answers: &Answers) -> Result<(), AnswerProblem<'a>> {
    let mut questions: Vec<&Question> = item.questions.iter().collect();
    questions.sort_by_key(|q| q.order);
    for q in questions {
        let given: Vec<&String> = answers
            .get(&q.id)
            .map(|v| v.iter().filter(|a| !a.trim().is_empty()).collect())
            .unwrap_or_default();
        if q.required && given.is_empty() {
            return Err(AnswerProblem::Missing(q));
        }
        if let Some(e) = given.iter().find_map(|a| limits::ANSWER.check(a).err()) {
            return Err(AnswerProblem::TooLong(q, e));
        }
        if q.datatype.has_options()
            && let Some(bad) = given
                .iter()
                .find(|a| !q.options.iter().any(|o| &o.key == **a))
        {
            return Err(AnswerProblem::NotAnOption(q, (*bad).clone()));
        }
    }
    match answers
        .keys()
        .find(|k| !item.questions.iter().any(|q| &q.id == *k))
    {
        Some(unknown) => Err(AnswerProblem::UnknownQuestion(unknown.clone())),
        None => Ok(()),
    }
}
