//! The citizen's judgement of a reply (回访评价): through the private link, or recorded by the
//! call centre after a phone call-back. What is asked depends on the kind of request (分档分类评价):
//! a consultation is judged on the answer, a repair on whether it was fixed. Templates, grade
//! bands and what an unsatisfied, unresolved answer leads to are data a city edits.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::text::optional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] =
        [Satisfaction::Satisfied, Satisfaction::BasicallySatisfied, Satisfaction::Unsatisfied];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// 1 for satisfied, `basically_weight` for basically satisfied, 0 for unsatisfied.
    pub fn score(self, basically_weight: f64) -> f64 {
        match self {
            Satisfaction::Satisfied => 1.0,
            Satisfaction::BasicallySatisfied => basically_weight,
            Satisfaction::Unsatisfied => 0.0,
        }
    }

    pub fn is_content(self) -> bool {
        self != Satisfaction::Unsatisfied
    }
}

/// How a phone call-back went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Reached,
    NotReachable,
    Refused,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 3] = [CallOutcome::Reached, CallOutcome::NotReachable, CallOutcome::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Reached => "reached",
            CallOutcome::NotReachable => "not_reachable",
            CallOutcome::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Where an evaluation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationSource {
    /// The citizen, through the private link.
    Web,
    /// The call centre, after a phone call-back.
    Phone,
}

impl EvaluationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationSource::Web => "web",
            EvaluationSource::Phone => "phone",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [EvaluationSource::Web, EvaluationSource::Phone].into_iter().find(|s| s.as_str() == raw)
    }
}

/// One extra question of a template, answered 1 (poor) to 5 (very good).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub key: String,
    pub weight: f64,
}

/// A grade band: scores at or above `min` (0–100) and below the next band get `key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeBand {
    pub key: String,
    pub min: f64,
}

/// What is asked for one kind of request. `families` are category code prefixes ("01",
/// "09.02"); the longest matching prefix wins and a template without families is the default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationTemplate {
    pub key: String,
    pub families: Vec<String>,
    pub satisfaction_weight: f64,
    pub resolved_weight: f64,
    pub items: Vec<TemplateItem>,
    pub bands: Vec<GradeBand>,
}

fn default_bands() -> Vec<GradeBand> {
    [("excellent", 90.0), ("good", 75.0), ("pass", 60.0), ("fail", 0.0)]
        .into_iter()
        .map(|(key, min)| GradeBand { key: key.into(), min })
        .collect()
}

fn template(key: &str, families: &[&str], satisfaction: f64, resolved: f64, item: (&str, f64)) -> EvaluationTemplate {
    EvaluationTemplate {
        key: key.into(),
        families: families.iter().map(|f| (*f).into()).collect(),
        satisfaction_weight: satisfaction,
        resolved_weight: resolved,
        items: vec![TemplateItem { key: item.0.into(), weight: item.1 }],
        bands: default_bands(),
    }
}

/// The shipped templates: repairs are judged mostly on whether the thing was fixed, policy
/// questions on whether the answer settled them, everything else evenly.
pub fn default_templates() -> Vec<EvaluationTemplate> {
    vec![
        template("repair", &["01", "04", "06"], 0.3, 0.5, ("speed", 0.2)),
        template("consultation", &["02", "07", "08", "09", "14", "15"], 0.5, 0.3, ("clarity", 0.2)),
        template("general", &[], 0.4, 0.4, ("attitude", 0.2)),
    ]
}

impl EvaluationTemplate {
    /// The template for a category: longest matching family prefix, else the default.
    pub fn for_category<'a>(templates: &'a [EvaluationTemplate], category: &str) -> Option<&'a EvaluationTemplate> {
        let matches = |family: &str| category == family || category.starts_with(&format!("{family}."));
        templates
            .iter()
            .filter_map(|t| t.families.iter().filter(|f| matches(f)).map(|f| f.len()).max().map(|len| (len, t)))
            .max_by_key(|(len, _)| *len)
            .map(|(_, t)| t)
            .or_else(|| templates.iter().find(|t| t.families.is_empty()))
    }

    /// 0–100: the weighted mean of satisfaction, resolution and the template's items.
    pub fn score(&self, rating: &Rating, basically_weight: f64) -> f64 {
        let mut total = self.satisfaction_weight * rating.satisfaction.score(basically_weight)
            + self.resolved_weight * if rating.resolved { 1.0 } else { 0.0 };
        let mut weights = self.satisfaction_weight + self.resolved_weight;
        for item in &self.items {
            if let Some(answer) = rating.items.get(&item.key) {
                total += item.weight * f64::from(answer.saturating_sub(1)) / 4.0;
                weights += item.weight;
            }
        }
        if weights <= 0.0 {
            return 0.0;
        }
        (total / weights * 1000.0).round() / 10.0
    }

    pub fn band(&self, score: f64) -> Option<&str> {
        let mut bands: Vec<&GradeBand> = self.bands.iter().collect();
        bands.sort_by(|a, b| b.min.total_cmp(&a.min));
        bands.into_iter().find(|b| score >= b.min).map(|b| b.key.as_str())
    }

    fn check(&self, errors: &mut FieldErrors, at: &str) {
        let valid_key =
            |k: &str| !k.is_empty() && k.len() <= 32 && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !valid_key(&self.key) {
            errors.add(&format!("{at}.key"), FieldErrorCode::InvalidFormat, "lowercase letters and _");
        }
        for family in &self.families {
            if crate::catalogue::CategoryCode::parse(family).is_none() {
                errors.add(&format!("{at}.families"), FieldErrorCode::InvalidFormat, "category codes like 01 or 09.02");
            }
        }
        let weights =
            [self.satisfaction_weight, self.resolved_weight].into_iter().chain(self.items.iter().map(|i| i.weight));
        if weights.clone().any(|w| !(0.0..=1.0).contains(&w)) || weights.sum::<f64>() <= 0.0 {
            errors.add(&format!("{at}.weights"), FieldErrorCode::OutOfRange, "weights between 0 and 1, not all 0");
        }
        if self.items.len() > 5 || self.items.iter().any(|i| !valid_key(&i.key)) {
            errors.add(&format!("{at}.items"), FieldErrorCode::InvalidFormat, "at most 5 items with lowercase keys");
        }
        if self.bands.is_empty()
            || self.bands.iter().any(|b| !valid_key(&b.key) || !(0.0..=100.0).contains(&b.min))
            || !self.bands.iter().any(|b| b.min == 0.0)
        {
            errors.add(
                &format!("{at}.bands"),
                FieldErrorCode::InvalidFormat,
                "bands with lowercase keys, 0–100, one at 0",
            );
        }
    }
}

/// What happens when the citizen is unsatisfied and says the problem is not resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnresolvedPolicy {
    /// Back to the same lead at once, counted as a reopening.
    Reopen,
    /// A supervisor reviews the reply first, then reopens or closes.
    Review,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSettings {
    pub on_unresolved: UnresolvedPolicy,
    pub templates: Vec<EvaluationTemplate>,
    /// Tickets in each observer's weekly sample.
    pub sample_size: u32,
}

impl Default for EvaluationSettings {
    fn default() -> Self {
        EvaluationSettings { on_unresolved: UnresolvedPolicy::Review, templates: default_templates(), sample_size: 10 }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSettingsInput {
    pub on_unresolved: Option<String>,
    pub templates: Option<Vec<EvaluationTemplate>>,
    pub sample_size: Option<i64>,
}

impl EvaluationSettings {
    pub const MAX_SAMPLE: u32 = 100;

    /// Absent fields keep their defaults; errors name `templates[i].<part>`.
    pub fn parse(input: &EvaluationSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let defaults = EvaluationSettings::default();
        let on_unresolved = match input.on_unresolved.as_deref() {
            None => defaults.on_unresolved,
            Some("reopen") => UnresolvedPolicy::Reopen,
            Some("review") => UnresolvedPolicy::Review,
            Some(_) => {
                errors.add("on_unresolved", FieldErrorCode::UnknownValue, "reopen or review");
                defaults.on_unresolved
            }
        };
        let templates = input.templates.clone().unwrap_or(defaults.templates);
        if templates.is_empty() || templates.len() > 20 {
            errors.add("templates", FieldErrorCode::OutOfRange, "1 to 20 templates");
        }
        for (i, t) in templates.iter().enumerate() {
            t.check(&mut errors, &format!("templates[{i}]"));
        }
        if !templates.iter().any(|t| t.families.is_empty()) {
            errors.add("templates", FieldErrorCode::Required, "one template without families is the default");
        }
        let sample_size = match input.sample_size {
            None => defaults.sample_size,
            Some(n) if (1..=i64::from(Self::MAX_SAMPLE)).contains(&n) => n as u32,
            Some(n) => {
                let limit = if n < 1 { 1 } else { Self::MAX_SAMPLE };
                errors.add_with_limit("sample_size", FieldErrorCode::OutOfRange, "1 to 100", Some(limit));
                defaults.sample_size
            }
        };
        errors.finish(|| EvaluationSettings { on_unresolved, templates, sample_size })
    }
}

/// The citizen's answers as sent: through the web form, or read out on the phone.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct RatingInput {
    pub satisfaction: Option<String>,
    pub resolved: Option<bool>,
    pub comment: Option<String>,
    #[serde(default)]
    pub items: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub satisfaction: Satisfaction,
    pub resolved: bool,
    pub comment: Option<String>,
    pub items: BTreeMap<String, u8>,
}

impl Rating {
    pub const MAX_COMMENT: usize = 1000;

    /// Every item of the template must be answered 1–5; items it does not ask are refused.
    pub fn parse(input: &RatingInput, template: &EvaluationTemplate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let satisfaction = rating_fields(&mut errors, input);
        let mut items = BTreeMap::new();
        for item in &template.items {
            let field = format!("items.{}", item.key);
            match input.items.get(&item.key) {
                None => errors.add(&field, FieldErrorCode::Required, "answer 1 to 5"),
                Some(v) if (1..=5).contains(v) => {
                    items.insert(item.key.clone(), *v as u8);
                }
                Some(v) => errors.add_with_limit(
                    &field,
                    FieldErrorCode::OutOfRange,
                    "1 to 5",
                    Some(if *v < 1 { 1 } else { 5 }),
                ),
            }
        }
        for key in input.items.keys().filter(|k| !template.items.iter().any(|i| &i.key == *k)) {
            errors.add(&format!("items.{key}"), FieldErrorCode::UnknownField, "not asked for this kind of request");
        }
        let comment = optional(&mut errors, "comment", input.comment.as_deref(), Self::MAX_COMMENT);
        errors.finish(|| {
            let (satisfaction, resolved) = satisfaction.unwrap_or((Satisfaction::Unsatisfied, false));
            Rating { satisfaction, resolved, comment, items }
        })
    }

    /// Unsatisfied and not resolved: the case the city's policy decides.
    pub fn is_unresolved_complaint(&self) -> bool {
        self.satisfaction == Satisfaction::Unsatisfied && !self.resolved
    }
}

fn rating_fields(errors: &mut FieldErrors, input: &RatingInput) -> Option<(Satisfaction, bool)> {
    let satisfaction = match input.satisfaction.as_deref() {
        None | Some("") => {
            errors.add("satisfaction", FieldErrorCode::Required, "satisfied, basically_satisfied or unsatisfied");
            None
        }
        Some(raw) => Satisfaction::parse(raw).or_else(|| {
            errors.add("satisfaction", FieldErrorCode::UnknownValue, "satisfied, basically_satisfied or unsatisfied");
            None
        }),
    };
    if input.resolved.is_none() {
        errors.add("resolved", FieldErrorCode::Required, "was the problem resolved: true or false");
    }
    Some((satisfaction?, input.resolved?))
}

/// A call-back as the call centre records it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CallbackInput {
    pub outcome: Option<String>,
    #[serde(flatten)]
    pub rating: RatingInput,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    pub outcome: CallOutcome,
    /// Only when the citizen was reached and answered.
    pub rating: Option<Rating>,
}

impl Callback {
    /// Answers are required when the citizen was reached and refused otherwise, so a call that
    /// did not happen can never count as a rating.
    pub fn parse(input: &CallbackInput, template: &EvaluationTemplate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let outcome = match input.outcome.as_deref() {
            None | Some("") => {
                errors.add("outcome", FieldErrorCode::Required, "reached, not_reachable or refused");
                None
            }
            Some(raw) => CallOutcome::parse(raw).or_else(|| {
                errors.add("outcome", FieldErrorCode::UnknownValue, "reached, not_reachable or refused");
                None
            }),
        };
        let mut rating = None;
        match outcome {
            Some(CallOutcome::Reached) => match Rating::parse(&input.rating, template) {
                Ok(r) => rating = Some(r),
                Err(inner) => errors.0.extend(inner.0),
            },
            Some(_) => {
                let answered = input.rating.satisfaction.is_some() || input.rating.resolved.is_some();
                if answered || !input.rating.items.is_empty() {
                    errors.add("satisfaction", FieldErrorCode::ReadOnly, "answers only when the citizen was reached");
                }
            }
            None => {}
        }
        errors.finish(|| Callback { outcome: outcome.unwrap_or(CallOutcome::NotReachable), rating })
    }
}

/// What a rating does to the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingEffect {
    /// The reply stands: the ticket closes.
    Close,
    /// Back to the same lead.
    Reopen,
    /// A supervisor looks at the reply first.
    Review,
}

pub fn effect(rating: &Rating, policy: UnresolvedPolicy) -> RatingEffect {
    match (rating.is_unresolved_complaint(), policy) {
        (false, _) => RatingEffect::Close,
        (true, UnresolvedPolicy::Reopen) => RatingEffect::Reopen,
        (true, UnresolvedPolicy::Review) => RatingEffect::Review,
    }
}

/// The rating form the citizen sees: the template for the ticket's category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingForm {
    pub template: EvaluationTemplate,
    /// Until when the citizen may still rate; absent when rating is closed.
    pub open_until: Option<chrono::DateTime<chrono::Utc>>,
    pub rated: Option<RatingView>,
}

/// A rating as staff and the reporter see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    pub source: EvaluationSource,
    pub outcome: Option<CallOutcome>,
    pub satisfaction: Option<Satisfaction>,
    pub resolved: Option<bool>,
    pub comment: Option<String>,
    pub items: BTreeMap<String, u8>,
    pub template: String,
    pub score: Option<f64>,
    pub band: Option<String>,
    pub effect: Option<RatingEffect>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// An unsatisfied, unresolved rating waiting for a supervisor (policy `review`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub tracking_no: String,
    pub title: String,
    pub lead: Option<String>,
    pub reply: Option<String>,
    pub rating: RatingView,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReviewDecisionInput {
    /// true: back to the lead; false: the reply stands and the ticket closes.
    pub reopen: Option<bool>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDecision {
    pub reopen: bool,
    pub note: String,
}

impl ReviewDecision {
    pub fn parse(input: &ReviewDecisionInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if input.reopen.is_none() {
            errors.add("reopen", FieldErrorCode::Required, "true to reopen, false to close");
        }
        let note = crate::text::bounded(&mut errors, "note", input.note.as_deref(), 2, 500);
        errors.finish(|| ReviewDecision { reopen: input.reopen.unwrap_or(false), note: note.unwrap_or_default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(s: &str, resolved: bool, items: &[(&str, i64)]) -> RatingInput {
        RatingInput {
            satisfaction: Some(s.into()),
            resolved: Some(resolved),
            comment: None,
            items: items.iter().map(|(k, v)| ((*k).to_string(), *v)).collect(),
        }
    }

    #[test]
    fn the_longest_family_prefix_picks_the_template_and_the_default_catches_the_rest() {
        let mut templates = default_templates();
        templates.push(template("resettlement", &["09.02"], 0.5, 0.5, ("clarity", 0.2)));
        assert_eq!(EvaluationTemplate::for_category(&templates, "01.02.03").unwrap().key, "repair");
        assert_eq!(EvaluationTemplate::for_category(&templates, "09.02.01").unwrap().key, "resettlement");
        assert_eq!(EvaluationTemplate::for_category(&templates, "09.01.01").unwrap().key, "consultation");
        assert_eq!(EvaluationTemplate::for_category(&templates, "13.01.01").unwrap().key, "general");
        // "1" is not a prefix of "13": families match whole segments.
        templates.push(template("odd", &["10"], 0.5, 0.5, ("x", 0.1)));
        assert_eq!(EvaluationTemplate::for_category(&templates, "01.02.03").unwrap().key, "repair");
    }

    #[test]
    fn a_repair_is_scored_mostly_on_being_fixed() {
        let repair = &default_templates()[0];
        let fixed = Rating::parse(&input("basically_satisfied", true, &[("speed", 3)]), repair).unwrap();
        // 0.3·0.8 + 0.5·1 + 0.2·0.5 = 0.84
        assert_eq!(repair.score(&fixed, 0.8), 84.0);
        assert_eq!(repair.band(84.0), Some("good"));
        let not_fixed = Rating::parse(&input("satisfied", false, &[("speed", 5)]), repair).unwrap();
        assert_eq!(repair.score(&not_fixed, 0.8), 50.0);
        assert_eq!(repair.band(50.0), Some("fail"));
        assert_eq!(repair.band(100.0), Some("excellent"));
    }

    #[test]
    fn rating_errors_name_the_field_including_template_items() {
        let repair = &default_templates()[0];
        let e = Rating::parse(&RatingInput::default(), repair).unwrap_err();
        assert_eq!(e.get("satisfaction").unwrap().code, FieldErrorCode::Required);
        assert_eq!(e.get("resolved").unwrap().code, FieldErrorCode::Required);
        assert_eq!(e.get("items.speed").unwrap().code, FieldErrorCode::Required);
        let e = Rating::parse(&input("happy", true, &[("speed", 9), ("clarity", 3)]), repair).unwrap_err();
        assert_eq!(e.get("satisfaction").unwrap().code, FieldErrorCode::UnknownValue);
        assert_eq!(e.get("items.speed").unwrap().limit, Some(5));
        assert_eq!(e.get("items.clarity").unwrap().code, FieldErrorCode::UnknownField);
    }

    #[test]
    fn only_unsatisfied_and_unresolved_follows_the_policy() {
        let general = &default_templates()[2];
        let rate = |s: &str, r: bool| Rating::parse(&input(s, r, &[("attitude", 3)]), general).unwrap();
        assert_eq!(effect(&rate("unsatisfied", false), UnresolvedPolicy::Reopen), RatingEffect::Reopen);
        assert_eq!(effect(&rate("unsatisfied", false), UnresolvedPolicy::Review), RatingEffect::Review);
        assert_eq!(effect(&rate("unsatisfied", true), UnresolvedPolicy::Reopen), RatingEffect::Close);
        assert_eq!(effect(&rate("satisfied", false), UnresolvedPolicy::Reopen), RatingEffect::Close);
    }

    #[test]
    fn a_call_that_did_not_reach_the_citizen_carries_no_answers() {
        let general = &default_templates()[2];
        let reached =
            CallbackInput { outcome: Some("reached".into()), rating: input("satisfied", true, &[("attitude", 4)]) };
        assert!(Callback::parse(&reached, general).unwrap().rating.is_some());
        let missed = CallbackInput { outcome: Some("not_reachable".into()), rating: RatingInput::default() };
        assert_eq!(
            Callback::parse(&missed, general).unwrap(),
            Callback { outcome: CallOutcome::NotReachable, rating: None }
        );
        let contradictory = CallbackInput { outcome: Some("refused".into()), rating: input("satisfied", true, &[]) };
        assert!(Callback::parse(&contradictory, general).unwrap_err().get("satisfaction").is_some());
        let reached_blank = CallbackInput { outcome: Some("reached".into()), rating: RatingInput::default() };
        assert!(Callback::parse(&reached_blank, general).unwrap_err().get("resolved").is_some());
        let e = Callback::parse(&CallbackInput::default(), general).unwrap_err();
        assert_eq!(e.get("outcome").unwrap().code, FieldErrorCode::Required);
    }

    #[test]
    fn settings_keep_defaults_and_name_bad_template_parts() {
        assert_eq!(
            EvaluationSettings::parse(&EvaluationSettingsInput::default()).unwrap(),
            EvaluationSettings::default()
        );
        let mut bad = default_templates();
        bad[0].families = vec!["1".into()];
        bad[1].bands = vec![GradeBand { key: "top".into(), min: 50.0 }];
        bad.pop();
        let input = EvaluationSettingsInput {
            on_unresolved: Some("ignore".into()),
            templates: Some(bad),
            sample_size: Some(0),
        };
        let e = EvaluationSettings::parse(&input).unwrap_err();
        assert!(e.get("on_unresolved").is_some());
        assert!(e.get("templates[0].families").is_some());
        assert!(e.get("templates[1].bands").is_some());
        assert_eq!(e.get("templates").unwrap().code, FieldErrorCode::Required);
        assert_eq!(e.get("sample_size").unwrap().limit, Some(1));
    }
}
