//! Every parser of outside input, fed arbitrary input: none panics, and every refusal names
//! the field (or column, or parameter) it is about, so the API can answer 4xx with it.
//! Web form and intake JSON, import rows from NDJSON and CSV, Open311 form posts, GeoJSON areas.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use shared::area::Shape;
use shared::catalogue::Catalogue;
use shared::city::CityConfig;
use shared::import::ImportRow;
use shared::open311::{Open311Error, PostedRequest};
use shared::request::{NewRequest, NewRequestInput};

/// Any JSON value, a few levels deep, with the field names the parsers know mixed in so the
/// generated objects reach past the first check.
fn any_json() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("title"),
        Just("description"),
        Just("category"),
        Just("location"),
        Just("lat"),
        Just("lng"),
        Just("address"),
        Just("contact"),
        Just("name"),
        Just("phone"),
        Just("email"),
        Just("anonymous"),
        Just("kind"),
        Just("created_at"),
        Just("external_id"),
        Just("status"),
        Just("type"),
        Just("features"),
        Just("geometry"),
        Just("coordinates"),
        Just("properties"),
        Just("code"),
        Just("level"),
        Just("x"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-200.0f64..200.0).prop_map(|f| json!(f)),
        ".{0,30}".prop_map(Value::String),
        Just(json!("01.02.01")),
        Just(json!("Polygon")),
        Just(json!("FeatureCollection")),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..8).prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>()
            )),
        ]
    })
}

/// A valid web-form body with some of its fields (or their parts) replaced by anything: most
/// of these deserialise, so the field checks themselves get exercised.
fn mutated_request() -> impl Strategy<Value = Value> {
    let paths = prop::sample::select(vec![
        "title",
        "description",
        "category",
        "location",
        "location.lat",
        "location.lng",
        "location.address",
        "contact",
        "contact.name",
        "contact.phone",
        "contact.email",
        "anonymous",
        "kind",
    ]);
    (prop::collection::vec((paths, any_json()), 1..4), any::<bool>()).prop_map(|(changes, drop)| {
        let mut body = json!({
            "title": "路灯不亮", "description": "芙蓉路小区南门的路灯已经坏了两周，晚上很黑。", "category": "01.02.01",
            "location": { "lat": 28.2, "lng": 112.98, "address": "芙蓉路 12 号" },
            "contact": { "name": "王", "phone": "13912345678", "email": "a@example.cn" },
            "anonymous": false, "kind": "citizen"
        });
        for (path, value) in changes {
            let mut target = &mut body;
            let parts: Vec<&str> = path.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                target = &mut target[*part];
            }
            if let Some(object) = target.as_object_mut() {
                let last = parts[parts.len() - 1].to_owned();
                if drop && value.is_null() {
                    object.remove(&last);
                } else {
                    object.insert(last, value);
                }
            }
        }
        body
    })
}

fn named(errors: &shared::error::FieldErrors) -> bool {
    !errors.0.is_empty() && errors.0.keys().all(|k| !k.trim().is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_web_form_and_intake_json(value in prop_oneof![any_json(), mutated_request()]) {
        let city = CityConfig::demo();
        // A body that does not even have the right shape is a 400 from serde at the edge; one
        // that does is checked field by field.
        if let Ok(input) = serde_json::from_value::<NewRequestInput>(value) {
            if let Err(errors) = NewRequest::parse(&input, Catalogue::builtin(), &city.service_area) {
                prop_assert!(named(&errors), "{errors:?}");
            }
        }
    }

    #[test]
    fn import_rows_from_ndjson(value in any_json()) {
        let city = CityConfig::demo();
        if let Ok(input) = serde_json::from_value(value) {
            if let Err(errors) = ImportRow::parse(&input, Catalogue::builtin(), &city) {
                prop_assert!(named(&errors), "{errors:?}");
            }
        }
    }

    #[test]
    fn import_rows_from_csv(header in prop::sample::subsequence(
            vec!["external_id", "created_at", "title", "description", "category", "lat", "lng", "status", "nonsense"], 0..9),
        cells in prop::collection::vec(prop::collection::vec("[^\n]{0,12}|\"[^\"]{0,8}\"|\"\"", 0..10), 0..6),
        noise in ".{0,40}") {
        let mut text = header.join(",") + "\n";
        for row in &cells {
            text += &row.join(",");
            text += "\n";
        }
        text += &noise;
        match shared::import_csv::read(&text) {
            Err(e) => prop_assert!(!e.error.field.is_empty() && e.error.row == 0),
            Ok(rows) => {
                let city = CityConfig::demo();
                for (row, parsed) in rows {
                    prop_assert!(row >= 1);
                    match parsed {
                        Err(errors) => prop_assert!(errors.iter().all(|e| !e.field.is_empty() && e.row == row)),
                        Ok(input) => {
                            if let Err(errors) = ImportRow::parse(&input, Catalogue::builtin(), &city) {
                                prop_assert!(named(&errors));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn open311_form_posts(pairs in prop::collection::vec((prop_oneof![
            prop::sample::select(vec!["service_code", "lat", "long", "description", "address_string", "email",
                "first_name", "last_name", "phone", "api_key", "attribute[x]", "media_url", "device_id"])
                .prop_map(str::to_owned),
            ".{0,8}"],
            prop_oneof![".{0,40}", Just("01.02.01".to_owned()), Just("28.2".to_owned()), Just("112.98".to_owned())]), 0..12)) {
        match PostedRequest::parse(&pairs, Catalogue::builtin()) {
            Err(Open311Error::BadParameter { parameter, .. }) => prop_assert!(!parameter.is_empty()),
            Err(Open311Error::NotFound(what)) => prop_assert!(what.contains("service_code")),
            Err(other) => prop_assert!(false, "a parse error of another kind: {other:?}"),
            Ok(posted) => {
                let city = CityConfig::demo();
                if let Err(errors) = NewRequest::parse(&posted.input, Catalogue::builtin(), &city.service_area) {
                    prop_assert!(named(&errors));
                }
            }
        }
    }

    #[test]
    fn geojson_areas(value in any_json()) {
        if let Err(errors) = Shape::from_geojson(&value, "geometry") {
            prop_assert!(named(&errors), "{errors:?}");
        }
    }
}
