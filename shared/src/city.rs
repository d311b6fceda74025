//! The city a deployment serves: its name, service area and clock.

use crate::geo::BoundingBox;
use chrono::{FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CityConfig {
    pub name: String,
    /// Requests outside this box are refused: the city cannot act there.
    pub service_area: BoundingBox,
    /// Where the map opens, `[lat, lng]`.
    pub centre: [f64; 2],
    /// Offset of the city's local time from UTC, in minutes (China: +480).
    pub utc_offset_minutes: i32,
}

impl CityConfig {
    /// The demo city ("A市"): the anonymised city of the Teddy 2020 messages.
    pub fn demo() -> Self {
        Self {
            name: "A市".to_owned(),
            service_area: BoundingBox { south: 27.85, west: 112.60, north: 28.45, east: 113.25 },
            centre: [28.195, 112.975],
            utc_offset_minutes: 480,
        }
    }

    /// The city's clock; an impossible offset falls back to UTC rather than failing a request.
    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
    }
}
