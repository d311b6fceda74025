//! The reporter's rating of the reply (回访评价) through the private link. What the form asks
//! depends on the kind of request (the template the server picks), and the answers are checked
//! with the server's own `Rating::parse` before they are sent. The pure parts (wording by
//! template, field names, the form as API input) build on the host so the tests cover them.

use crate::api::ApiError;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrors};
use shared::evaluation::{EvaluationSource, EvaluationTemplate, RatingEffect, RatingInput, Satisfaction, TemplateItem};
use shared::status::Status;
use std::collections::BTreeMap;

/// Template items with a label of their own. A city may add others; those show under their key.
const ITEM_LABELS: [(&str, &str); 3] =
    [("speed", "eval.item.speed"), ("clarity", "eval.item.clarity"), ("attitude", "eval.item.attitude")];

/// `GET /api/v1/requests/{no}/rating` (`shared::evaluation::RatingForm`), only the parts the
/// page uses: serde skips the template's weights, families and bands and the rating's score, so
/// their decoders are not in the citizens' bundle. The tests read the shared type's own JSON.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Form {
    pub template: Template,
    pub open_until: Option<DateTime<Utc>>,
    pub rated: Option<Answer>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Template {
    pub key: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Item {
    pub key: String,
}

impl Template {
    /// The shared template as far as `Rating::parse` reads it: the items it asks.
    pub fn as_shared(&self) -> EvaluationTemplate {
        EvaluationTemplate {
            key: self.key.clone(),
            families: Vec::new(),
            satisfaction_weight: 0.0,
            resolved_weight: 0.0,
            items: self.items.iter().map(|i| TemplateItem { key: i.key.clone(), weight: 0.0 }).collect(),
            bands: Vec::new(),
        }
    }
}

/// A rating as the reporter sees it (`shared::evaluation::RatingView`, its answers and effect).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Answer {
    pub source: EvaluationSource,
    pub satisfaction: Option<Satisfaction>,
    pub resolved: Option<bool>,
    pub comment: Option<String>,
    #[serde(default)]
    pub items: BTreeMap<String, u8>,
    pub effect: Option<RatingEffect>,
}

/// The answer to `POST /api/v1/requests/{no}/rating`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Rated {
    pub effect: Option<RatingEffect>,
    pub status: Status,
}

/// The label key of a template item, `None` for an item this build does not know.
pub fn item_label(key: &str) -> Option<&'static str> {
    ITEM_LABELS.iter().find(|(k, _)| *k == key).map(|(_, label)| *label)
}

/// The resolution question in the words of the kind of request: fixed, answered, or resolved.
pub fn resolved_question(template: &str) -> &'static str {
    match template {
        "repair" => "rating.resolved.repair",
        "consultation" => "rating.resolved.consultation",
        _ => "rating.resolved.general",
    }
}

pub fn satisfaction_key(s: Satisfaction) -> &'static str {
    match s {
        Satisfaction::Satisfied => "rating.satisfaction.satisfied",
        Satisfaction::BasicallySatisfied => "rating.satisfaction.basically_satisfied",
        Satisfaction::Unsatisfied => "rating.satisfaction.unsatisfied",
    }
}

/// What happens after the rating, as things stand now: a content answer closes the request; an
/// unsatisfied, unresolved one goes back to the department, or to a supervisor who decides.
pub fn next_step(effect: Option<RatingEffect>, status: Status) -> &'static str {
    match (effect, status) {
        (Some(RatingEffect::Close), _) => "rating.next.close",
        (Some(RatingEffect::Review), Status::Replied) => "rating.next.review",
        // The supervisor let the reply stand.
        (Some(RatingEffect::Review), Status::Closed) => "rating.next.review_closed",
        (Some(RatingEffect::Review | RatingEffect::Reopen), _) => "rating.next.reopen",
        (None, _) => "rating.next.recorded",
    }
}

/// The field a template item's answer goes by, here and (after [`prefixed`]) in the form.
pub fn item_field(key: &str) -> String {
    format!("rating.items.{key}")
}

/// (field, control id) pairs in the form's order, for the error summary: each links to the
/// group's first radio, the comment to its box.
pub fn controls(items: &[String]) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("rating.satisfaction".to_owned(), "rating-satisfaction-satisfied".to_owned()),
        ("rating.resolved".to_owned(), "rating-resolved-yes".to_owned()),
    ];
    pairs.extend(items.iter().map(|key| (item_field(key), format!("rating-items-{key}-1"))));
    pairs.push(("rating.comment".to_owned(), "rating-comment".to_owned()));
    pairs
}

/// The form as the API takes it: `""` is no choice, a blank comment none at all.
pub fn input(satisfaction: &str, resolved: &str, comment: &str, items: &[(String, String)]) -> RatingInput {
    RatingInput {
        satisfaction: Some(satisfaction.to_owned()).filter(|s| !s.is_empty()),
        resolved: match resolved {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        comment: Some(comment.to_owned()).filter(|c| !c.trim().is_empty()),
        items: {
            // Inserted one by one: collecting sorts first, and the sort would cost the wasm more.
            let mut answers = BTreeMap::new();
            for (key, v) in items {
                if let Ok(n) = v.trim().parse() {
                    answers.insert(key.clone(), n);
                }
            }
            answers
        },
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
pub fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api { status: 422, body: ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields) }
}

/// `satisfaction` → `rating.satisfaction`: the server names a field as its input does, and the
/// form labels them in its own words (`field.rating.satisfaction`).
pub fn prefixed(error: ApiError) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            let mut fields = FieldErrors::new();
            for (path, e) in std::mem::take(&mut body.fields.0) {
                fields.0.insert(format!("rating.{path}"), e);
            }
            body.fields = fields;
            ApiError::Api { status, body }
        }
        other => other,
    }
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use super::{Form, Rated};
    use crate::api::{call, decode, private_post, to_json, ApiError};
    use shared::evaluation::RatingInput;
    use shared::ids::{AccessToken, TrackingNo};

    /// What to ask (the template), until when, and the answer already given.
    pub async fn form(no: &TrackingNo, token: &AccessToken) -> Result<Form, ApiError> {
        let path = format!("/api/v1/requests/{}/rating", no.as_str());
        let bearer = format!("Bearer {}", token.as_str());
        decode(&call("GET", &path, &[("Authorization", bearer.as_str())], None).await?)
    }

    pub async fn rate(no: &TrackingNo, token: &AccessToken, input: &RatingInput) -> Result<Rated, ApiError> {
        decode(&private_post(no, token, "rating", to_json(input)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::evaluation::{default_templates, Rating};

    #[test]
    fn the_form_reads_the_shared_types_json() {
        use shared::evaluation::{RatingForm, RatingView};
        let template = default_templates().remove(0);
        let rated = RatingView {
            source: EvaluationSource::Phone,
            outcome: Some(shared::evaluation::CallOutcome::Reached),
            satisfaction: Some(Satisfaction::BasicallySatisfied),
            resolved: Some(false),
            comment: Some("还有一盏不亮".into()),
            items: [("speed".to_owned(), 2)].into_iter().collect(),
            template: template.key.clone(),
            score: Some(41.0),
            band: Some("fail".into()),
            effect: Some(RatingEffect::Review),
            at: DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        };
        let until = DateTime::from_timestamp(1_796_500_000, 0);
        let json =
            serde_json::to_string(&RatingForm { template: template.clone(), open_until: until, rated: Some(rated) })
                .unwrap();
        let form: Form = serde_json::from_str(&json).unwrap();
        assert_eq!(form.open_until, until);
        assert_eq!(form.template.key, "repair");
        assert_eq!(form.template.as_shared().items.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(), ["speed"]);
        let answer = form.rated.unwrap();
        assert_eq!(answer.source, EvaluationSource::Phone);
        assert_eq!((answer.satisfaction, answer.resolved), (Some(Satisfaction::BasicallySatisfied), Some(false)));
        assert_eq!(answer.items.get("speed"), Some(&2));
        assert_eq!(answer.effect, Some(RatingEffect::Review));
        let open: Form = serde_json::from_str(
            &serde_json::to_string(&RatingForm { template, open_until: None, rated: None }).unwrap(),
        )
        .unwrap();
        assert_eq!((open.open_until, open.rated), (None, None));
        let rated: Rated = serde_json::from_str(r#"{"tracking_no":"x","effect":"close","status":"closed"}"#).unwrap();
        assert_eq!(rated, Rated { effect: Some(RatingEffect::Close), status: Status::Closed });
    }

    #[test]
    fn the_question_and_the_items_follow_the_template() {
        assert_eq!(resolved_question("repair"), "rating.resolved.repair");
        assert_eq!(resolved_question("consultation"), "rating.resolved.consultation");
        assert_eq!(resolved_question("resettlement"), "rating.resolved.general");
        for template in default_templates() {
            for item in &template.items {
                let label = item_label(&item.key).expect("shipped items have a label");
                for lang in Lang::ALL {
                    assert!(lang.get(label).is_some(), "{lang:?}: {label}");
                }
            }
        }
        assert_eq!(item_label("odour"), None);
    }

    #[test]
    fn an_empty_form_is_refused_by_the_shared_rules_with_every_field_named_for_the_form() {
        let repair = &default_templates()[0];
        let empty = input("", "", "  ", &[("speed".into(), String::new())]);
        assert_eq!(empty.comment, None);
        let fields = match prefixed(refused(Rating::parse(&empty, repair).unwrap_err())) {
            ApiError::Api { body, .. } => body.fields,
            other => panic!("{other:?}"),
        };
        let named: Vec<&str> = fields.0.keys().map(String::as_str).collect();
        assert_eq!(named, ["rating.items.speed", "rating.resolved", "rating.satisfaction"]);
        // Every refused field has a control the summary links to.
        let pairs = controls(&["speed".to_owned()]);
        assert!(named.iter().all(|f| pairs.iter().any(|(p, _)| p == f)), "{pairs:?}");
        for (path, e) in &fields.0 {
            let message = crate::i18n::field_message(Lang::ZhHans, path, e);
            assert!(!message.contains("rating."), "{path}: {message}");
        }
    }

    #[test]
    fn a_complete_form_is_what_the_server_accepts() {
        let repair = &default_templates()[0];
        let answers = input("satisfied", "yes", " 修好了 ", &[("speed".into(), "5".into())]);
        let rating = Rating::parse(&answers, repair).unwrap();
        assert!(rating.resolved && rating.satisfaction == Satisfaction::Satisfied);
        assert_eq!(rating.items.get("speed"), Some(&5));
        assert_eq!(rating.comment.as_deref(), Some("修好了"));
        assert_eq!(input("unsatisfied", "no", "", &[]).resolved, Some(false));
    }

    #[test]
    fn what_happens_next_follows_the_effect_and_the_status_now() {
        assert_eq!(next_step(Some(RatingEffect::Close), Status::Closed), "rating.next.close");
        assert_eq!(next_step(Some(RatingEffect::Review), Status::Replied), "rating.next.review");
        assert_eq!(next_step(Some(RatingEffect::Review), Status::Closed), "rating.next.review_closed");
        assert_eq!(next_step(Some(RatingEffect::Review), Status::Reopened), "rating.next.reopen");
        assert_eq!(next_step(Some(RatingEffect::Reopen), Status::Reopened), "rating.next.reopen");
        for s in Satisfaction::ALL {
            for lang in Lang::ALL {
                assert!(lang.get(satisfaction_key(s)).is_some(), "{lang:?}: {s:?}");
            }
        }
    }
}
