//! The responsibility list and dispatch settings.

use super::staff::Audit;
use super::{opt_text, text, time, Store, StoreError, StoreResult};
use serde::Deserialize;
use shared::catalogue::CategoryCode;
use shared::request::RequestKind;
use shared::rules::Rule;

/// A stored rule with its id.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredRule {
    pub id: i64,
    #[serde(flatten)]
    pub rule: Rule,
}

impl Store {
    pub async fn rules(&self) -> StoreResult<Vec<StoredRule>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            category: Option<String>,
            area: Option<String>,
            kind: Option<String>,
            lead: String,
            co_handlers: String,
        }
        let rows = self
            .db
            .prepare("SELECT id, category, area, kind, lead, co_handlers FROM responsibility_rules ORDER BY id")
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(StoredRule {
                    id: r.id,
                    rule: Rule {
                        category: r.category.as_deref().and_then(CategoryCode::parse),
                        area: r.area,
                        kind: r.kind.as_deref().and_then(RequestKind::parse),
                        lead: r.lead,
                        co_handlers: serde_json::from_str(&r.co_handlers).map_err(|e| StoreError(e.to_string()))?,
                    },
                })
            })
            .collect()
    }

    /// Insert (`id` None) or replace a rule; answers its id, or None when `id` names no rule.
    pub async fn save_rule(&self, id: Option<i64>, rule: &Rule, audit: &Audit) -> StoreResult<Option<i64>> {
        let co = serde_json::to_string(&rule.co_handlers).map_err(|e| StoreError(e.to_string()))?;
        let values = [
            opt_text(rule.category.as_ref().map(CategoryCode::as_str)),
            opt_text(rule.area.as_deref()),
            opt_text(rule.kind.map(RequestKind::as_str)),
            text(&rule.lead),
            text(&co),
            time(&audit.at),
        ];
        let statement = match id {
            None => self
                .db
                .prepare(
                    "INSERT INTO responsibility_rules (category, area, kind, lead, co_handlers, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                )
                .bind(&values)?,
            Some(id) => {
                let mut with_id = values.to_vec();
                with_id.push(worker::wasm_bindgen::JsValue::from_f64(id as f64));
                self.db
                    .prepare(
                        "UPDATE responsibility_rules SET category = ?1, area = ?2, kind = ?3, lead = ?4, co_handlers = ?5, \
                         updated_at = ?6 WHERE id = ?7 RETURNING id",
                    )
                    .bind(&with_id)?
            }
        };
        #[derive(Deserialize)]
        struct Row {
            id: i64,
        }
        let results = self.db.batch(vec![statement, self.audit_statement(audit)?]).await?;
        Ok(results.first().map(|r| r.results::<Row>()).transpose()?.and_then(|rows| rows.first().map(|r| r.id)))
    }

    pub async fn delete_rule(&self, id: i64, audit: &Audit) -> StoreResult<bool> {
        let delete = self
            .db
            .prepare("DELETE FROM responsibility_rules WHERE id = ?1")
            .bind(&[worker::wasm_bindgen::JsValue::from_f64(id as f64)])?;
        let results = self.db.batch(vec![delete, self.audit_statement(audit)?]).await?;
        let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
        Ok(changed > 0)
    }
}
