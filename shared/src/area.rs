//! Areas (districts, streets/townships) as GeoJSON polygons, and which area a point is in.
//!
//! Points are (lng, lat) on a plane: at city scale the error is far below a street's width.
//! Boundaries follow the half-open rule of the crossing-number test: a point on an edge
//! shared by two areas belongs to exactly one of them (like pixels in a raster), so no
//! request is counted twice or lost between neighbours.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::LatLng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A closed ring of `[lng, lat]` positions (the first may or may not repeat at the end).
pub type Ring = Vec<[f64; 2]>;

/// One polygon: an outer ring and any holes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polygon {
    pub outer: Ring,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holes: Vec<Ring>,
}

/// The shape of an area: one or more polygons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub polygons: Vec<Polygon>,
}

/// Crossings of a ray from `p` towards +lng with the ring's edges, odd means inside.
fn ring_contains(ring: &[[f64; 2]], p: LatLng) -> bool {
    let (x, y) = (p.lng, p.lat);
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let [xi, yi] = ring[i];
        let [xj, yj] = ring[j];
        if (yi > y) != (yj > y) {
            let x_cross = xi + (y - yi) * (xj - xi) / (yj - yi);
            if x < x_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

impl Polygon {
    pub fn contains(&self, p: LatLng) -> bool {
        ring_contains(&self.outer, p) && !self.holes.iter().any(|h| ring_contains(h, p))
    }
}

impl Shape {
    pub fn contains(&self, p: LatLng) -> bool {
        self.polygons.iter().any(|poly| poly.contains(p))
    }

    /// `[south, west, north, east]` of all outer rings, for a quick reject and map previews.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut points = self.polygons.iter().flat_map(|p| p.outer.iter());
        let first = points.next()?;
        let init = [first[1], first[0], first[1], first[0]];
        Some(points.fold(init, |[s, w, n, e], [lng, lat]| [s.min(*lat), w.min(*lng), n.max(*lat), e.max(*lng)]))
    }

    /// Read a GeoJSON `Polygon` or `MultiPolygon` geometry (or a Feature carrying one).
    pub fn from_geojson(value: &Value, field: &str) -> Result<Shape, FieldErrors> {
        let mut errors = FieldErrors::new();
        let geometry = match value.get("type").and_then(Value::as_str) {
            Some("Feature") => value.get("geometry").unwrap_or(&Value::Null),
            _ => value,
        };
        let coords = geometry.get("coordinates");
        let polygons = match (geometry.get("type").and_then(Value::as_str), coords) {
            (Some("Polygon"), Some(c)) => parse_polygon(c).map(|p| vec![p]),
            (Some("MultiPolygon"), Some(Value::Array(polys))) => polys.iter().map(parse_polygon).collect(),
            (Some(other), _) if other != "Polygon" && other != "MultiPolygon" => {
                Err(format!("a {other} is not an area; use Polygon or MultiPolygon"))
            }
            _ => Err("a geometry needs type Polygon or MultiPolygon and coordinates".to_owned()),
        };
        match polygons {
            Ok(polygons) if !polygons.is_empty() => Ok(Shape { polygons }),
            Ok(_) => {
                errors.add(field, FieldErrorCode::Required, "the area has no polygon");
                Err(errors)
            }
            Err(message) => {
                errors.add(field, FieldErrorCode::InvalidFormat, message);
                Err(errors)
            }
        }
    }

    /// The GeoJSON geometry of this shape.
    pub fn to_geojson(&self) -> Value {
        let polygon = |p: &Polygon| {
            let mut rings = vec![closed(&p.outer)];
            rings.extend(p.holes.iter().map(closed));
            rings
        };
        match self.polygons.as_slice() {
            [one] => serde_json::json!({ "type": "Polygon", "coordinates": polygon(one) }),
            many => {
                serde_json::json!({ "type": "MultiPolygon", "coordinates": many.iter().map(polygon).collect::<Vec<_>>() })
            }
        }
    }
}

fn closed(ring: &Ring) -> Ring {
    let mut out = ring.clone();
    if out.first() != out.last() {
        if let Some(first) = out.first().copied() {
            out.push(first);
        }
    }
    out
}

fn parse_ring(value: &Value) -> Result<Ring, String> {
    let positions = value.as_array().ok_or("a ring is an array of positions")?;
    let mut ring = Vec::with_capacity(positions.len());
    for position in positions {
        let pair = position.as_array().filter(|a| a.len() >= 2).ok_or("a position is [lng, lat]")?;
        let lng = pair[0].as_f64().filter(|v| v.is_finite() && v.abs() <= 180.0);
        let lat = pair[1].as_f64().filter(|v| v.is_finite() && v.abs() <= 90.0);
        match (lng, lat) {
            (Some(lng), Some(lat)) => ring.push([lng, lat]),
            _ => return Err("a position is [lng, lat] within ±180, ±90".into()),
        }
    }
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if ring.len() < 3 {
        return Err("a ring needs at least 3 distinct positions".into());
    }
    Ok(ring)
}

fn parse_polygon(value: &Value) -> Result<Polygon, String> {
    let rings = value.as_array().ok_or("a polygon is an array of rings")?;
    let mut rings = rings.iter().map(parse_ring);
    let outer = rings.next().ok_or("a polygon needs an outer ring")??;
    let holes = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon { outer, holes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn square(x0: f64, y0: f64, size: f64) -> Polygon {
        Polygon { outer: vec![[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size]], holes: vec![] }
    }

    fn at(lng: f64, lat: f64) -> LatLng {
        LatLng { lat, lng }
    }

    #[test]
    fn holes_are_outside() {
        let mut donut = square(0.0, 0.0, 10.0);
        donut.holes.push(square(4.0, 4.0, 2.0).outer);
        assert!(donut.contains(at(1.0, 1.0)));
        assert!(!donut.contains(at(5.0, 5.0)));
        assert!(!donut.contains(at(11.0, 5.0)));
    }

    #[test]
    fn multipolygons_contain_each_part() {
        let shape = Shape { polygons: vec![square(0.0, 0.0, 1.0), square(5.0, 5.0, 1.0)] };
        assert!(shape.contains(at(0.5, 0.5)));
        assert!(shape.contains(at(5.5, 5.5)));
        assert!(!shape.contains(at(3.0, 3.0)));
        assert_eq!(shape.bounds(), Some([0.0, 0.0, 6.0, 6.0]));
    }

    #[test]
    fn concave_shapes_work() {
        // A "U": the notch between the arms is outside.
        let u = Polygon {
            outer: vec![[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [2.0, 3.0], [2.0, 1.0], [1.0, 1.0], [1.0, 3.0], [0.0, 3.0]],
            holes: vec![],
        };
        assert!(u.contains(at(0.5, 2.5)));
        assert!(u.contains(at(2.5, 2.5)));
        assert!(!u.contains(at(1.5, 2.0)));
        assert!(u.contains(at(1.5, 0.5)));
    }

    proptest! {
        /// Tile the plane with squares; every point, including those exactly on shared
        /// edges and corners, lies in exactly one tile.
        #[test]
        fn a_point_on_a_shared_edge_belongs_to_exactly_one_area(
            gx in 0i32..20, gy in 0i32..20, fx in prop_oneof![Just(0.0), Just(0.5), 0.0f64..1.0], fy in prop_oneof![Just(0.0), Just(0.5), 0.0f64..1.0]
        ) {
            // Neighbours share vertex values exactly, as they do in real boundary files.
            let xs: Vec<f64> = (-1..23).map(|i| 112.9 + f64::from(i) * 0.01).collect();
            let ys: Vec<f64> = (-1..23).map(|j| 28.1 + f64::from(j) * 0.01).collect();
            let lerp = |v: &[f64], g: i32, f: f64| { let i = (g + 1) as usize; if f == 0.0 { v[i] } else { v[i] + (v[i + 1] - v[i]) * f } };
            let p = at(lerp(&xs, gx, fx), lerp(&ys, gy, fy));
            let tiles: Vec<Polygon> = (0..xs.len() - 1).flat_map(|i| {
                let (xs, ys) = (&xs, &ys);
                (0..ys.len() - 1).map(move |j| Polygon { outer: vec![[xs[i], ys[j]], [xs[i + 1], ys[j]], [xs[i + 1], ys[j + 1]], [xs[i], ys[j + 1]]], holes: vec![] })
            }).collect();
            let owners = tiles.iter().filter(|t| t.contains(p)).count();
            prop_assert_eq!(owners, 1);
        }
    }

    #[test]
    fn geojson_polygon_and_multipolygon_round_trip() {
        let polygon = json!({"type": "Polygon", "coordinates": [[[112.9, 28.1], [113.0, 28.1], [113.0, 28.2], [112.9, 28.2], [112.9, 28.1]]]});
        let shape = Shape::from_geojson(&polygon, "geometry").unwrap();
        assert_eq!(shape.polygons[0].outer.len(), 4);
        assert_eq!(shape.to_geojson(), polygon);
        let feature = json!({"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
            [[[2.0, 2.0], [3.0, 2.0], [3.0, 3.0], [2.0, 2.0]], [[2.2, 2.1], [2.8, 2.1], [2.8, 2.5], [2.2, 2.1]]]
        ]}});
        let shape = Shape::from_geojson(&feature, "geometry").unwrap();
        assert_eq!(shape.polygons.len(), 2);
        assert_eq!(shape.polygons[1].holes.len(), 1);
    }

    #[test]
    fn bad_geojson_names_the_field() {
        for bad in [
            json!({"type": "Point", "coordinates": [1.0, 2.0]}),
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0]]]}),
            json!({"type": "Polygon", "coordinates": [[[0.0, 0.0], [500.0, 1.0], [1.0, 1.0]]]}),
            json!({"type": "Polygon"}),
            json!("nonsense"),
        ] {
            let errors = Shape::from_geojson(&bad, "areas[3].geometry").unwrap_err();
            assert!(errors.get("areas[3].geometry").is_some(), "{bad}");
        }
    }
}
