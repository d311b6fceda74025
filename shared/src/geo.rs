//! Locations: validated coordinates, the service area and the coarse public point.

use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoundingBox {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl BoundingBox {
    pub fn contains(&self, p: LatLng) -> bool {
        (self.south..=self.north).contains(&p.lat) && (self.west..=self.east).contains(&p.lng)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// Public views snap points to a grid of this many degrees (≈ 110 m north–south).
pub const PUBLIC_GRID_DEGREES: f64 = 0.001;

impl LatLng {
    /// Validate a coordinate pair, naming `{prefix}.lat` / `{prefix}.lng` on error.
    pub fn parse_into(
        errors: &mut FieldErrors,
        prefix: &str,
        lat: Option<f64>,
        lng: Option<f64>,
        area: &BoundingBox,
    ) -> Option<Self> {
        let lat_field = format!("{prefix}.lat");
        let lng_field = format!("{prefix}.lng");
        let lat = check_axis(errors, &lat_field, lat, 90);
        let lng = check_axis(errors, &lng_field, lng, 180);
        let point = LatLng { lat: lat?, lng: lng? };
        if !area.contains(point) {
            errors.add(prefix, FieldErrorCode::OutsideServiceArea, "the location is outside the city's service area");
            return None;
        }
        Some(point)
    }

    /// The point a stranger may see: the centre of its ~100 m grid cell.
    pub fn coarse(self) -> LatLng {
        let snap = |v: f64| ((v / PUBLIC_GRID_DEGREES).floor() + 0.5) * PUBLIC_GRID_DEGREES;
        // Round away float noise so the JSON shows the cell, not 28.195500000000003.
        let tidy = |v: f64| (v * 1e4).round() / 1e4;
        LatLng { lat: tidy(snap(self.lat)), lng: tidy(snap(self.lng)) }
    }
}

/// `bound` in whole degrees: the message then formats no float (which would cost the app's wasm).
fn check_axis(errors: &mut FieldErrors, field: &str, value: Option<f64>, bound: u16) -> Option<f64> {
    match value {
        None => {
            errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
            None
        }
        Some(v) if !v.is_finite() || v.abs() > f64::from(bound) => {
            errors.add(field, FieldErrorCode::OutOfRange, format!("{field} must be between -{bound} and {bound}"));
            None
        }
        Some(v) => Some(v),
    }
}

/// Distance in metres on a spherical earth; good to a few metres at city scale.
pub fn distance_m(a: LatLng, b: LatLng) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lng - a.lng).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::city::CityConfig;
    use proptest::prelude::*;

    #[test]
    fn range_and_area_errors_name_the_field() {
        let area = CityConfig::demo().service_area;
        let mut errors = FieldErrors::new();
        assert!(LatLng::parse_into(&mut errors, "location", Some(91.0), None, &area).is_none());
        assert_eq!(errors.get("location.lat").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        assert_eq!(errors.get("location.lng").map(|e| e.code), Some(FieldErrorCode::Required));

        let mut errors = FieldErrors::new();
        assert!(LatLng::parse_into(&mut errors, "location", Some(39.9), Some(116.4), &area).is_none());
        assert_eq!(errors.get("location").map(|e| e.code), Some(FieldErrorCode::OutsideServiceArea));

        let mut errors = FieldErrors::new();
        assert!(LatLng::parse_into(&mut errors, "location", Some(f64::NAN), Some(112.9), &area).is_none());
        assert_eq!(errors.get("location.lat").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
    }

    proptest! {
        #[test]
        fn coarse_point_is_within_a_cell_and_never_exact(lat in 27.9f64..28.4, lng in 112.7f64..113.2) {
            let p = LatLng { lat, lng };
            let c = p.coarse();
            // Within half a cell diagonal (~80 m) of the truth, so still useful on a map …
            prop_assert!(distance_m(p, c) <= 80.0);
            // … and the same for every point of the cell, so it reveals no more than the cell.
            let neighbour = LatLng { lat: (lat / PUBLIC_GRID_DEGREES).floor() * PUBLIC_GRID_DEGREES + 1e-7, lng: (lng / PUBLIC_GRID_DEGREES).floor() * PUBLIC_GRID_DEGREES + 1e-7 };
            prop_assert_eq!(neighbour.coarse(), c);
        }
    }

    #[test]
    fn distance_is_sane() {
        let a = LatLng { lat: 28.0, lng: 113.0 };
        let b = LatLng { lat: 28.001, lng: 113.0 };
        let d = distance_m(a, b);
        assert!((d - 111.2).abs() < 0.5, "{d}");
    }
}
