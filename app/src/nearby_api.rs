//! "Already reported nearby": the open requests near the point the citizen chose, and "me too"
//! (follow one instead of filing it again). The pure parts (the query, where a follower's token
//! is kept, the words for a distance band) build on the host so the tests cover them.

use shared::catalogue::CategoryCode;
use shared::ids::TrackingNo;
use shared::nearby::DistanceBand;

/// `GET /api/v1/nearby?…`: the point with the digits the map gives, no more.
pub fn nearby_path(category: &CategoryCode, lat: f64, lng: f64) -> String {
    format!("/api/v1/nearby?category={}&lat={}&lng={}", category.as_str(), six_places(lat), six_places(lng))
}

/// `{:.6}` by integer arithmetic: float formatting would cost the form's wasm some 10 KB.
fn six_places(v: f64) -> String {
    let micro = (v * 1e6).round() as i64;
    let sign = if micro < 0 { "-" } else { "" };
    format!("{sign}{}.{:06}", micro.unsigned_abs() / 1_000_000, micro.unsigned_abs() % 1_000_000)
}

/// Where this tab keeps a follower's token for the followed page (like the reporter's).
pub fn follower_session_key(no: &TrackingNo) -> String {
    format!("huiyin.follow.{}", no.as_str())
}

/// The translation key of a distance band ("< 100 m", …).
pub fn band_key(band: DistanceBand) -> String {
    format!("nearby.distance.{}", band.as_str())
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use crate::api::{call, decode, ApiError};
    use shared::api::IDEMPOTENCY_KEY_HEADER;
    use shared::catalogue::CategoryCode;
    use shared::ids::TrackingNo;
    use shared::nearby::{MeTooInput, MeTooResponse, NearbyResponse};

    pub async fn nearby(category: &CategoryCode, lat: f64, lng: f64) -> Result<NearbyResponse, ApiError> {
        decode(&call("GET", &super::nearby_path(category, lat, lng), &[], None).await?)
    }

    /// Follow `no`; a retry with the same key is the same follower.
    pub async fn me_too(no: &TrackingNo, key: &str, lang: &str) -> Result<MeTooResponse, ApiError> {
        let body = serde_json::to_string(&MeTooInput { lang: Some(lang.to_owned()) })
            .map_err(|_| ApiError::Unexpected { status: 0 })?;
        let path = format!("/api/v1/requests/{}/me-too", no.as_str());
        decode(&call("POST", &path, &[(IDEMPOTENCY_KEY_HEADER, key)], Some(body)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_query_names_category_and_point() {
        let code = CategoryCode::parse("01.03.02").unwrap();
        assert_eq!(nearby_path(&code, 28.1, 112.9), "/api/v1/nearby?category=01.03.02&lat=28.100000&lng=112.900000");
        for v in [0.0, -0.0000004, -0.5, 28.2034565, -112.98, 179.9999996, 1e-7] {
            assert_eq!(six_places(v), format!("{v:.6}").replace("-0.000000", "0.000000"), "{v}");
        }
        let no = TrackingNo::parse("20261128-0000423").unwrap();
        assert_eq!(follower_session_key(&no), "huiyin.follow.20261128-0000423");
    }

    #[test]
    fn every_band_and_the_new_error_have_words() {
        for lang in Lang::ALL {
            for band in DistanceBand::ALL {
                assert!(lang.get(&band_key(band)).is_some(), "{lang:?} {band:?}");
            }
            assert!(lang.get("error.request_not_open").is_some(), "{lang:?}");
            assert!(lang.get("timeline.me_too").is_some_and(|t| t.contains("{count}")), "{lang:?}");
        }
    }
}
