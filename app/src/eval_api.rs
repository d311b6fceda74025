//! Evaluation (评价) on the staff side: observers' weekly samples and their grades, the call
//! centre's phone call-backs (回访), supervisors' reviews of unresolved complaints, and the
//! settings all of it runs on. The pure parts (wire codes, turning typed text into API input,
//! naming fields) build on the host so the unit tests cover them.

use crate::api::ApiError;
use serde::Deserialize;
use shared::assessment::{AssessmentSettings, AssessmentSettingsInput, RateWeightsInput};
use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use shared::evaluation::{
    CallOutcome, CallbackInput, EvaluationSettingsInput, RatingEffect, RatingInput, Satisfaction, UnresolvedPolicy,
};
use shared::grading::GradeInput;
use shared::status::Status;
use std::collections::BTreeMap;

/// Template items the shipped templates ask, each with an `eval.item.*` translation. A city may
/// add others; those show under their key.
pub const ITEMS: [&str; 3] = ["speed", "clarity", "attitude"];

/// Grade bands of the shipped templates, each with an `eval.band.*` translation.
pub const BANDS: [&str; 4] = ["excellent", "good", "pass", "fail"];

/// Observers' titles (两代表一委员、民生观察员), published with their grades.
pub const OBSERVER_KINDS: [&str; 3] = ["npc_deputy", "cppcc_member", "people_observer"];

/// The assessment form's numbers: (field as the API names it, control id).
pub const ASSESSMENT_FIELDS: [(&str, &str); 10] = [
    ("basically_satisfied_weight", "assessment-basically"),
    ("weights.response", "assessment-weight-response"),
    ("weights.resolution", "assessment-weight-resolution"),
    ("weights.satisfaction", "assessment-weight-satisfaction"),
    ("weights.on_time", "assessment-weight-on_time"),
    ("weights.redispatch", "assessment-weight-redispatch"),
    ("weights.repeat", "assessment-weight-repeat"),
    ("red_threshold", "assessment-red"),
    ("black_threshold", "assessment-black"),
    ("min_tickets", "assessment-min-tickets"),
];

/// A template item's label key, or `None` for an item this build does not know.
pub fn item_key(key: &str) -> Option<String> {
    ITEMS.contains(&key).then(|| format!("eval.item.{key}"))
}

pub fn band_key(band: &str) -> Option<String> {
    BANDS.contains(&band).then(|| format!("eval.band.{band}"))
}

pub fn observer_kind_key(kind: &str) -> String {
    if OBSERVER_KINDS.contains(&kind) {
        format!("eval.observer_kind.{kind}")
    } else {
        "eval.observer_kind.other".to_owned()
    }
}

pub fn satisfaction_key(s: Satisfaction) -> String {
    format!("callbacks.satisfaction.{}", s.as_str())
}

pub fn outcome_key(o: CallOutcome) -> String {
    format!("callbacks.outcome.{}", o.as_str())
}

pub fn effect_key(e: RatingEffect) -> &'static str {
    match e {
        RatingEffect::Close => "callbacks.effect.close",
        RatingEffect::Reopen => "callbacks.effect.reopen",
        RatingEffect::Review => "callbacks.effect.review",
    }
}

pub fn policy_key(p: UnresolvedPolicy) -> &'static str {
    match p {
        UnresolvedPolicy::Reopen => "eval.policy.reopen",
        UnresolvedPolicy::Review => "eval.policy.review",
    }
}

pub fn policy_value(p: UnresolvedPolicy) -> &'static str {
    match p {
        UnresolvedPolicy::Reopen => "reopen",
        UnresolvedPolicy::Review => "review",
    }
}

/// `resolution` → `grade.resolution`: the server names a field as its input does, and each form
/// here labels them in its own words (`field.grade.resolution`), so they are renamed first.
pub fn prefixed(error: ApiError, prefix: &str) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            let mut fields = FieldErrors::new();
            for (path, e) in std::mem::take(&mut body.fields.0) {
                fields.0.insert(format!("{prefix}.{path}"), e);
            }
            body.fields = fields;
            ApiError::Api { status, body }
        }
        other => other,
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
pub fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api { status: 422, body: ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields) }
}

/// A radio group's value ("" when nothing is chosen) as a whole number.
pub fn chosen_number(value: &str) -> Option<i64> {
    value.trim().parse().ok()
}

fn nonblank(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.trim().is_empty())
}

/// The grading form as the API's input; `Grade::parse` judges it.
pub fn grade_input(resolution: &str, quality: &str, timeliness: &str, comment: &str) -> GradeInput {
    GradeInput {
        resolution: chosen_number(resolution),
        quality: chosen_number(quality),
        timeliness: chosen_number(timeliness),
        comment: nonblank(comment),
    }
}

/// The call-back form as the API's input. The answers go only with a call that reached the
/// citizen: the form keeps them while the outcome changes, but a missed call never carries them.
pub fn callback_input(
    outcome: &str,
    satisfaction: &str,
    resolved: &str,
    items: &[(String, String)],
    comment: &str,
) -> CallbackInput {
    let outcome = Some(outcome.to_owned()).filter(|o| !o.is_empty());
    let rating = if outcome.as_deref() == Some(CallOutcome::Reached.as_str()) {
        RatingInput {
            satisfaction: Some(satisfaction.to_owned()).filter(|s| !s.is_empty()),
            resolved: match resolved {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            comment: nonblank(comment),
            items: items
                .iter()
                .filter_map(|(key, value)| chosen_number(value).map(|v| (key.clone(), v)))
                .collect::<BTreeMap<_, _>>(),
        }
    } else {
        RatingInput::default()
    };
    CallbackInput { outcome, rating }
}

/// One entry a line, blank lines dropped: phone numbers and e-mail addresses as typed.
pub fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// A number for the form: `0.45`, `90` (no trailing `.0`).
pub fn number_text(n: f64) -> String {
    format!("{n}")
}

/// The settings as the form's texts, in `ASSESSMENT_FIELDS`' order.
pub fn assessment_texts(s: &AssessmentSettings) -> [String; 10] {
    let w = &s.weights;
    [
        s.basically_satisfied_weight,
        w.response,
        w.resolution,
        w.satisfaction,
        w.on_time,
        w.redispatch,
        w.repeat,
        s.red_threshold,
        s.black_threshold,
        f64::from(s.min_tickets),
    ]
    .map(number_text)
}

/// The assessment form as the API's input. Every number is sent: an absent one would quietly
/// go back to its default, which is not what someone clearing a box means, so blank is refused.
pub fn assessment_input(texts: &[String; 10]) -> Result<AssessmentSettingsInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut numbers = [None; 10];
    for (i, ((field, _), text)) in ASSESSMENT_FIELDS.iter().zip(texts).enumerate() {
        let text = text.trim();
        if text.is_empty() {
            errors.add(field, FieldErrorCode::Required, "");
            continue;
        }
        // Full-width digits and the ideographic full stop, as a Chinese keyboard may type them.
        let text: String = text
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
                '。' | '．' => '.',
                c => c,
            })
            .collect();
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => numbers[i] = Some(n),
            _ => errors.add(field, FieldErrorCode::InvalidFormat, ""),
        }
    }
    let min_tickets = match numbers[9] {
        Some(n) if n.fract() == 0.0 => Some(n as i64),
        Some(_) => {
            errors.add("min_tickets", FieldErrorCode::InvalidFormat, "");
            None
        }
        None => None,
    };
    let input = AssessmentSettingsInput {
        basically_satisfied_weight: numbers[0],
        weights: Some(RateWeightsInput {
            response: numbers[1],
            resolution: numbers[2],
            satisfaction: numbers[3],
            on_time: numbers[4],
            redispatch: numbers[5],
            repeat: numbers[6],
        }),
        red_threshold: numbers[7],
        black_threshold: numbers[8],
        min_tickets,
    };
    errors.finish(|| input)
}

/// The policy form as the API's input: the templates go back as they were read, since an
/// absent list would put back the shipped ones.
pub fn policy_input(
    policy: &str,
    sample_size: &str,
    templates: &[shared::evaluation::EvaluationTemplate],
) -> Result<EvaluationSettingsInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let sample_size = match sample_size.trim() {
        "" => {
            errors.add("sample_size", FieldErrorCode::Required, "");
            None
        }
        text => text.parse::<i64>().map_err(|_| errors.add("sample_size", FieldErrorCode::InvalidFormat, "")).ok(),
    };
    let input = EvaluationSettingsInput {
        on_unresolved: Some(policy.to_owned()).filter(|p| !p.is_empty()),
        templates: Some(templates.to_vec()),
        sample_size,
    };
    errors.finish(|| input)
}

/// `{ samples: [...] }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Samples {
    pub samples: Vec<shared::grading::SampleView>,
}

/// What grading answered: the grade as stored and the comment as published (redacted).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Graded {
    pub tracking_no: String,
    pub grade: shared::grading::Grade,
    #[serde(default)]
    pub published_comment: Option<String>,
}

/// A line of the call centre's list: an answered request nobody has rated yet.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackDue {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(default)]
    pub replied_at: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    pub attempts: i64,
    pub version: i64,
}

/// What a call-back did to the request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackDone {
    #[serde(default)]
    pub effect: Option<RatingEffect>,
    pub status: Status,
}

/// What a review decision did.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reviewed {
    pub status: Status,
    pub version: i64,
}

/// What drawing the week's samples did.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Sampling {
    pub week: String,
    #[serde(default)]
    pub candidates: u32,
    pub drawn: u32,
    pub already_drawn: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SampleRun {
    pub sampling: Sampling,
}

/// A `tel:` link for a number as stored: digits and a leading `+` only.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    format!("tel:{digits}")
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use super::{CallbackDone, CallbackDue, Graded, Reviewed, SampleRun, Samples, Sampling};
    use crate::api::{call, decode, ApiError};
    use crate::dom;
    use crate::work_api::if_match;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use serde_json::{json, Value};
    use shared::assessment::{AssessmentSettings, AssessmentSettingsInput};
    use shared::evaluation::{CallbackInput, EvaluationSettings, EvaluationSettingsInput, ReviewItem};
    use shared::grading::{GradeInput, SampleView};

    /// The sessionStorage key `staff_api` keeps the session's CSRF token under.
    const CSRF_KEY: &str = "huiyin.csrf";

    async fn send(method: &str, path: &str, version: Option<i64>, body: String) -> Result<String, ApiError> {
        let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
        let tag = version.map(if_match);
        let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
        if let Some(tag) = &tag {
            headers.push(("If-Match", tag.as_str()));
        }
        call(method, path, &headers, Some(body)).await
    }

    fn body<T: Serialize>(value: &T) -> Result<String, ApiError> {
        serde_json::to_string(value).map_err(|_| ApiError::Unexpected { status: 0 })
    }

    async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
        decode(&call("GET", path, &[], None).await?)
    }

    #[derive(Deserialize)]
    struct Items<T> {
        items: Vec<T>,
    }

    /// The signed-in observer's samples, newest week first.
    pub async fn samples() -> Result<Vec<SampleView>, ApiError> {
        let mut samples = get::<Samples>("/api/v1/observer/samples").await?.samples;
        samples.sort_by(|a, b| b.week.cmp(&a.week).then(b.drawn_at.cmp(&a.drawn_at)));
        Ok(samples)
    }

    /// Grade one ticket of a sample; grading it again replaces the grade.
    pub async fn grade(sample: i64, no: String, input: GradeInput) -> Result<Graded, ApiError> {
        let path = format!("/api/v1/observer/samples/{sample}/tickets/{no}/grade");
        decode(&send("POST", &path, None, body(&input)?).await?)
    }

    pub async fn callbacks() -> Result<Vec<CallbackDue>, ApiError> {
        Ok(get::<Items<CallbackDue>>("/api/v1/callbacks").await?.items)
    }

    pub async fn record_callback(no: String, input: CallbackInput) -> Result<CallbackDone, ApiError> {
        decode(&send("POST", &format!("/api/v1/tickets/{no}/callbacks"), None, body(&input)?).await?)
    }

    pub async fn reviews() -> Result<Vec<ReviewItem>, ApiError> {
        Ok(get::<Items<ReviewItem>>("/api/v1/supervision/rating-reviews").await?.items)
    }

    /// Back to the lead (`reopen`) or the reply stands and the request closes.
    pub async fn decide_review(
        no: String,
        version: i64,
        reopen: bool,
        note: Option<String>,
    ) -> Result<Reviewed, ApiError> {
        let body = json!({ "reopen": reopen, "note": note }).to_string();
        decode(&send("POST", &format!("/api/v1/tickets/{no}/rating-review"), Some(version), body).await?)
    }

    pub async fn evaluation_settings() -> Result<EvaluationSettings, ApiError> {
        get("/api/v1/admin/settings/evaluation").await
    }

    pub async fn save_evaluation(input: EvaluationSettingsInput) -> Result<EvaluationSettings, ApiError> {
        decode(&send("PUT", "/api/v1/admin/settings/evaluation", None, body(&input)?).await?)
    }

    pub async fn assessment_settings() -> Result<AssessmentSettings, ApiError> {
        get("/api/v1/open/assessment/settings").await
    }

    pub async fn save_assessment(input: AssessmentSettingsInput) -> Result<AssessmentSettings, ApiError> {
        decode(&send("PUT", "/api/v1/admin/settings/assessment", None, body(&input)?).await?)
    }

    /// An observer's title and the contacts whose reports never enter their samples.
    pub async fn set_observer(
        id: String,
        kind: String,
        phones: Vec<String>,
        emails: Vec<String>,
    ) -> Result<(), ApiError> {
        let body = json!({ "kind": Some(kind).filter(|k| !k.is_empty()), "phones": phones, "emails": emails });
        send("PUT", &format!("/api/v1/admin/observers/{id}"), None, body.to_string()).await.map(drop)
    }

    /// Draw this week's samples for every observer who has none yet.
    pub async fn draw_samples() -> Result<Sampling, ApiError> {
        let run: SampleRun = decode(
            &send("POST", "/api/v1/admin/jobs/sample", None, Value::Object(Default::default()).to_string()).await?,
        )?;
        Ok(run.sampling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use shared::evaluation::{default_templates, Callback, EvaluationSettings};
    use shared::grading::Grade;

    #[test]
    fn the_grading_form_names_each_missing_score() {
        let errors = Grade::parse(&grade_input("", "3", "", "  ")).unwrap_err();
        assert!(errors.get("resolution").is_some() && errors.get("timeliness").is_some());
        assert!(errors.get("quality").is_none() && errors.get("comment").is_none());
        let grade = Grade::parse(&grade_input("4", "3", "5", " 答复清楚 ")).unwrap();
        assert_eq!((grade.resolution, grade.quality, grade.timeliness), (4, 3, 5));
        assert_eq!(grade.comment.as_deref(), Some("答复清楚"));
        let shown = prefixed(refused(Grade::parse(&grade_input("", "", "", "")).unwrap_err()), "grade");
        let ApiError::Api { body, .. } = shown else { panic!("an API error") };
        assert!(body.fields.get("grade.resolution").is_some() && body.fields.get("resolution").is_none());
    }

    #[test]
    fn a_missed_call_never_carries_the_answers_typed_before() {
        let general = &default_templates()[2];
        let items = vec![("attitude".to_owned(), "4".to_owned())];
        let missed = callback_input("not_reachable", "satisfied", "yes", &items, "说了一半");
        assert_eq!(Callback::parse(&missed, general).unwrap().rating, None);
        let reached = callback_input("reached", "satisfied", "yes", &items, "");
        let rating = Callback::parse(&reached, general).unwrap().rating.unwrap();
        assert!(rating.resolved && rating.items["attitude"] == 4);
        let blank = callback_input("reached", "", "", &[("attitude".to_owned(), String::new())], "");
        let errors = Callback::parse(&blank, general).unwrap_err();
        for field in ["satisfaction", "resolved", "items.attitude"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(Callback::parse(&callback_input("", "", "", &[], ""), general).unwrap_err().get("outcome").is_some());
    }

    #[test]
    fn the_assessment_form_round_trips_and_refuses_what_is_not_a_number() {
        let settings = AssessmentSettings::default();
        let texts = assessment_texts(&settings);
        assert_eq!(texts[0], "0.8");
        assert_eq!(texts[7], "90");
        let input = assessment_input(&texts).unwrap();
        assert_eq!(AssessmentSettings::parse(&input).unwrap(), settings);

        let mut typed = texts.clone();
        typed[1] = "０．２".into();
        let input = assessment_input(&typed).unwrap();
        assert_eq!(input.weights.unwrap().response, Some(0.2));

        typed[2] = " ".into();
        typed[8] = "六十".into();
        typed[9] = "2.5".into();
        let errors = assessment_input(&typed).unwrap_err();
        assert_eq!(errors.get("weights.resolution").map(|e| e.code), Some(FieldErrorCode::Required));
        assert_eq!(errors.get("black_threshold").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(errors.get("min_tickets").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
    }

    #[test]
    fn the_policy_form_keeps_the_templates_it_read() {
        let mut templates = default_templates();
        templates.pop();
        templates
            .push(shared::evaluation::EvaluationTemplate { key: "other".into(), ..default_templates()[2].clone() });
        let input = policy_input("reopen", " 12 ", &templates).unwrap();
        let parsed = EvaluationSettings::parse(&input).unwrap();
        assert_eq!((parsed.on_unresolved, parsed.sample_size), (UnresolvedPolicy::Reopen, 12));
        assert_eq!(parsed.templates, templates);
        assert_eq!(
            policy_input("review", "十", &templates).unwrap_err().get("sample_size").unwrap().code,
            FieldErrorCode::InvalidFormat
        );
    }

    #[test]
    fn lines_and_phone_links() {
        assert_eq!(lines(" 13912345678 \n\n+86 139 0000 1111\n"), ["13912345678", "+86 139 0000 1111"]);
        assert_eq!(tel_href("+86 139-0000 1111"), "tel:+8613900001111");
    }

    #[test]
    fn every_code_and_field_shown_is_translated() {
        let mut keys: Vec<String> = ITEMS.iter().filter_map(|k| item_key(k)).collect();
        assert_eq!(item_key("smell"), None);
        keys.extend(BANDS.iter().filter_map(|b| band_key(b)));
        keys.extend(OBSERVER_KINDS.iter().map(|k| observer_kind_key(k)));
        keys.push(observer_kind_key("mayor"));
        keys.extend(Satisfaction::ALL.into_iter().map(satisfaction_key));
        keys.extend(CallOutcome::ALL.into_iter().map(outcome_key));
        keys.extend(
            [RatingEffect::Close, RatingEffect::Reopen, RatingEffect::Review].map(|e| effect_key(e).to_owned()),
        );
        keys.extend([UnresolvedPolicy::Reopen, UnresolvedPolicy::Review].map(|p| policy_key(p).to_owned()));
        // Labels of every field a form here may be refused on, under its prefix.
        let fields = [
            "grade.resolution",
            "grade.quality",
            "grade.timeliness",
            "grade.comment",
            "callback.outcome",
            "callback.satisfaction",
            "callback.resolved",
            "callback.comment",
            "rating_review.note",
            "rating_review.reopen",
            "eval.on_unresolved",
            "eval.sample_size",
            "eval.templates",
            "observer.staff",
            "observer.kind",
            "observer.phones",
            "observer.emails",
            "assessment.weights",
        ];
        keys.extend(fields.iter().map(|f| format!("field.{f}")));
        keys.extend(ITEMS.iter().map(|k| format!("field.callback.items.{k}")));
        keys.extend(ASSESSMENT_FIELDS.iter().map(|(f, _)| format!("field.assessment.{f}")));
        keys.extend(["repair", "consultation", "general"].map(|t| format!("eval.template.{t}")));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }
}
