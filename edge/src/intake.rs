//! What intake needs to decide about a new request — areas, the responsibility list, the
//! classifier and the threshold — cached per isolate for a short while, so a submission
//! does not read them all from D1/KV every time. Changes made through this isolate
//! refresh it at once; other isolates see them within `TTL_MS`.

use crate::store::{Store, StoreResult};
use shared::classify::Model;
use shared::dispatch::{Coordinators, DispatchSettings};
use shared::org::{Area, Department};
use shared::rules::Rule;
use std::cell::RefCell;
use std::rc::Rc;

const TTL_MS: f64 = 30_000.0;
pub const MODEL_KEY: &str = "triage/model";
pub const KV_BINDING: &str = "CACHE";
pub const SETTINGS_KEY: &str = "dispatch";
pub const COORDINATORS_KEY: &str = "coordinators";
pub const CASEWORK_KEY: &str = "casework";

pub struct Intake {
    pub areas: Vec<Area>,
    pub rules: Vec<Rule>,
    pub departments: Vec<Department>,
    pub settings: DispatchSettings,
    pub coordinators: Coordinators,
    pub casework: shared::settings::CaseworkSettings,
    pub model: Option<Model>,
    pub clocks: crate::deadlines::Clocks,
}

thread_local! {
    static CACHED: RefCell<Option<(f64, Rc<Intake>)>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    worker::Date::now().as_millis() as f64
}

/// Drop the cache (after this isolate changed what it holds).
pub fn invalidate() {
    CACHED.with(|c| *c.borrow_mut() = None);
}

pub async fn load(store: &Store, env: &worker::Env) -> StoreResult<Rc<Intake>> {
    let fresh = CACHED.with(|c| c.borrow().as_ref().filter(|(at, _)| now_ms() - at < TTL_MS).map(|(_, i)| i.clone()));
    if let Some(intake) = fresh {
        return Ok(intake);
    }
    let model = match env.kv(KV_BINDING) {
        Ok(kv) => kv.get(MODEL_KEY).bytes().await.ok().flatten().and_then(|b| Model::from_bytes(&b).ok()),
        Err(_) => None,
    };
    let mut keys = vec![SETTINGS_KEY, COORDINATORS_KEY, CASEWORK_KEY];
    keys.extend(crate::deadlines::Clocks::KEYS);
    let mut values = store.settings(&keys).await?;
    let clocks = crate::deadlines::Clocks::from_stored(values.split_off(3));
    let mut values = values.into_iter();
    let mut parsed = || values.next().flatten();
    let settings = parsed().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let coordinators = parsed().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let casework = parsed().and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let intake = Rc::new(Intake {
        coordinators,
        casework,
        clocks,
        areas: store.areas().await?,
        rules: store.rules().await?.into_iter().map(|r| r.rule).collect(),
        departments: store.departments().await?,
        settings,
        model,
    });
    CACHED.with(|c| *c.borrow_mut() = Some((now_ms(), intake.clone())));
    Ok(intake)
}

impl Intake {
    /// The request's areas, most specific first (street, then its district).
    pub fn area_chain(&self, point: Option<shared::geo::LatLng>) -> Vec<String> {
        point.map_or_else(Vec::new, |p| shared::org::locate(&self.areas, p).iter().map(|a| a.code.clone()).collect())
    }

    pub fn department_name(&self, code: &str) -> String {
        self.departments.iter().find(|d| d.code == code).map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    pub fn department_exists(&self, code: &str) -> bool {
        self.departments.iter().any(|d| d.code == code && d.active)
    }
}
