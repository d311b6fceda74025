//! Casework settings a city tunes: how long the first lead may dispute a ticket, what counts
//! as a possible duplicate, and what the citizen's form suggests as "already reported nearby".
//! Data, not code; absent fields keep their defaults.

use crate::dispute::DisputeSettings;
use crate::duplicates::{DuplicateSettings, DuplicateSettingsInput};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::nearby::{NearbySettings, NearbySettingsInput};
use serde::{Deserialize, Serialize};

/// The longest dispute window: a month of hours. Longer is no longer "first contact".
pub const MAX_WINDOW_HOURS: u32 = 720;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseworkSettings {
    pub disputes: DisputeSettings,
    pub duplicates: DuplicateSettings,
    /// Settings stored before the suggestion existed have none: the defaults apply.
    #[serde(default)]
    pub nearby: NearbySettings,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseworkSettingsInput {
    #[serde(default)]
    pub dispute_window_hours: Option<u32>,
    #[serde(default)]
    pub duplicates: Option<DuplicateSettingsInput>,
    #[serde(default)]
    pub nearby: Option<NearbySettingsInput>,
}

impl CaseworkSettings {
    /// Errors name `dispute_window_hours`, `duplicates.<field>` or `nearby.<field>`.
    pub fn parse(input: &CaseworkSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let window_hours = input.dispute_window_hours.unwrap_or(DisputeSettings::default().window_hours);
        if !(1..=MAX_WINDOW_HOURS).contains(&window_hours) {
            let limit = if window_hours < 1 { 1 } else { MAX_WINDOW_HOURS };
            errors.add_with_limit(
                "dispute_window_hours",
                FieldErrorCode::OutOfRange,
                format!("between 1 and {MAX_WINDOW_HOURS} hours"),
                Some(limit),
            );
        }
        let duplicates = match DuplicateSettings::parse(&input.duplicates.clone().unwrap_or_default()) {
            Ok(d) => d,
            Err(inner) => {
                for (field, e) in inner.0 {
                    errors.add_with_limit(&format!("duplicates.{field}"), e.code, e.message, e.limit);
                }
                DuplicateSettings::default()
            }
        };
        let nearby = match NearbySettings::parse(&input.nearby.clone().unwrap_or_default()) {
            Ok(n) => n,
            Err(inner) => {
                for (field, e) in inner.0 {
                    errors.add_with_limit(&format!("nearby.{field}"), e.code, e.message, e.limit);
                }
                NearbySettings::default()
            }
        };
        errors.finish(|| CaseworkSettings { disputes: DisputeSettings { window_hours }, duplicates, nearby })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_keep_defaults_and_bad_ones_are_named_with_their_path() {
        assert_eq!(CaseworkSettings::parse(&CaseworkSettingsInput::default()).unwrap(), CaseworkSettings::default());
        let input = CaseworkSettingsInput {
            dispute_window_hours: Some(0),
            duplicates: Some(DuplicateSettingsInput { radius_m: Some(5_000), ..Default::default() }),
            nearby: Some(NearbySettingsInput { max_items: Some(0), ..Default::default() }),
        };
        let errors = CaseworkSettings::parse(&input).unwrap_err();
        assert_eq!(errors.get("dispute_window_hours").unwrap().limit, Some(1));
        assert_eq!(errors.get("duplicates.radius_m").unwrap().code, FieldErrorCode::OutOfRange);
        assert_eq!(errors.get("nearby.max_items").unwrap().limit, Some(1));
        let ok = CaseworkSettingsInput {
            dispute_window_hours: Some(48),
            duplicates: None,
            nearby: Some(NearbySettingsInput { radius_m: Some(500), ..Default::default() }),
        };
        let parsed = CaseworkSettings::parse(&ok).unwrap();
        assert_eq!((parsed.disputes.window_hours, parsed.nearby.radius_m, parsed.nearby.days), (48, 500, 30));
        // Settings stored before the suggestion existed still load.
        let old = r#"{"disputes":{"window_hours":24},"duplicates":{"radius_m":500,"days":30,"min_similarity":0.25,"family_level":2}}"#;
        assert_eq!(serde_json::from_str::<CaseworkSettings>(old).unwrap().nearby, NearbySettings::default());
    }
}
