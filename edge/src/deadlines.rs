//! The data the clocks run on: SLA table, working-day calendar, supervision thresholds and the
//! citizen's follow-up window. Stored as settings rows; absent ones fall back to the shipped
//! defaults (the SLA standard table and China's published calendar).

use shared::calendar::{CalendarDay, WorkCalendar};
use shared::handling::FollowUpSettings;
use shared::ladder::LadderSettings;
use shared::sla::SlaTable;

pub const SLA_KEY: &str = "sla";
pub const CALENDAR_KEY: &str = "calendar";
pub const LADDER_KEY: &str = "ladder";
pub const FOLLOW_UP_KEY: &str = "follow_up";

pub struct Clocks {
    pub sla: SlaTable,
    pub calendar: WorkCalendar,
    pub ladder: LadderSettings,
    pub follow_up: FollowUpSettings,
}

fn stored<T: serde::de::DeserializeOwned>(raw: Option<String>, key: &str) -> Option<T> {
    raw.and_then(|raw| match serde_json::from_str(&raw) {
        Ok(value) => Some(value),
        Err(e) => {
            // A setting written by an older version: keep the default rather than stop the clocks.
            worker::console_error!("setting {key} unreadable, using the default: {e}");
            None
        }
    })
}

impl Clocks {
    pub const KEYS: [&'static str; 4] = [SLA_KEY, CALENDAR_KEY, LADDER_KEY, FOLLOW_UP_KEY];

    /// From the stored values of `KEYS`, in that order.
    pub fn from_stored(values: Vec<Option<String>>) -> Clocks {
        let mut values = values.into_iter();
        let mut next = || values.next().flatten();
        let sla = stored::<SlaTable>(next(), SLA_KEY).unwrap_or_else(SlaTable::standard);
        let calendar =
            stored::<Vec<CalendarDay>>(next(), CALENDAR_KEY).map_or_else(WorkCalendar::china, WorkCalendar::new);
        let ladder = stored::<LadderSettings>(next(), LADDER_KEY).unwrap_or_default();
        let follow_up = stored::<FollowUpSettings>(next(), FOLLOW_UP_KEY).unwrap_or_default();
        Clocks { sla, calendar, ladder, follow_up }
    }
}
