//! Staff, sessions, API tokens, sign-in failures, departments, areas and the staff audit trail.

use super::{flag, opt_text, parse_time, text, time, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::area::Shape;
use shared::auth::{Permission, Role, Username};
use shared::org::{Area, AreaLevel, AuditEntry, Department, DepartmentLevel, StaffUser, TokenInfo};
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

/// One staff action, written in the same batch as the change it records.
pub struct Audit {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: &'static str,
    pub target: Option<String>,
    pub ip: String,
    pub detail: serde_json::Value,
}

pub struct StaffRecord {
    pub user: StaffUser,
    pub password_hash: String,
}

pub struct NewStaff {
    pub id: String,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

pub struct SessionRecord {
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffRecord,
}

pub struct TokenRecord {
    pub id: String,
    pub scopes: Vec<Permission>,
    pub staff: StaffRecord,
}

#[derive(Deserialize)]
struct StaffRow {
    id: String,
    username: String,
    display_name: String,
    role: String,
    department: Option<String>,
    password_hash: String,
    active: i64,
}

const STAFF_COLUMNS: &str = "s.id, s.username, s.display_name, s.role, s.department, s.password_hash, s.active";

impl StaffRow {
    fn into_record(self) -> StoreResult<StaffRecord> {
        let role = Role::parse(&self.role).ok_or_else(|| StoreError(format!("staff {}: bad role", self.id)))?;
        Ok(StaffRecord {
            user: StaffUser {
                id: self.id,
                username: Username::from_stored(self.username),
                display_name: self.display_name,
                role,
                department: self.department,
                active: self.active != 0,
                permissions: role.permissions(),
            },
            password_hash: self.password_hash,
        })
    }
}

fn scopes_json(scopes: &[Permission]) -> String {
    serde_json::to_string(&scopes.iter().map(|p| p.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

fn parse_scopes(raw: &str) -> Vec<Permission> {
    serde_json::from_str::<Vec<String>>(raw).unwrap_or_default().iter().filter_map(|s| Permission::parse(s)).collect()
}

impl Store {
    pub fn audit_statement(&self, a: &Audit) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare("INSERT INTO staff_audit (at, actor, action, target, ip, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(&[
                time(&a.at),
                text(&a.actor),
                text(a.action),
                opt_text(a.target.as_deref()),
                text(&a.ip),
                text(&a.detail.to_string()),
            ])?)
    }

    /// Record an action that changes nothing else (a sign-in, a refused attempt).
    pub async fn audit(&self, a: &Audit) -> StoreResult<()> {
        self.audit_statement(a)?.run().await?;
        Ok(())
    }

    async fn one_staff(&self, filter: &str, value: &str) -> StoreResult<Option<StaffRecord>> {
        let row: Option<StaffRow> = self
            .db
            .prepare(format!("SELECT {STAFF_COLUMNS} FROM staff s WHERE {filter} = ?1"))
            .bind(&[text(value)])?
            .first(None)
            .await?;
        row.map(StaffRow::into_record).transpose()
    }

    pub async fn staff_by_username(&self, username: &str) -> StoreResult<Option<StaffRecord>> {
        self.one_staff("s.username", username).await
    }

    pub async fn staff_by_id(&self, id: &str) -> StoreResult<Option<StaffRecord>> {
        self.one_staff("s.id", id).await
    }

    pub async fn admin_exists(&self) -> StoreResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            n: u64,
        }
        let row: Option<Row> =
            self.db.prepare("SELECT COUNT(*) AS n FROM staff WHERE role = 'admin'").first(None).await?;
        Ok(row.is_some_and(|r| r.n > 0))
    }

    pub async fn list_staff(&self) -> StoreResult<Vec<StaffUser>> {
        let rows = self
            .db
            .prepare(format!("SELECT {STAFF_COLUMNS} FROM staff s ORDER BY s.username"))
            .all()
            .await?
            .results::<StaffRow>()?;
        rows.into_iter().map(|r| r.into_record().map(|r| r.user)).collect()
    }

    /// Insert a staff member; `false` when the username is taken.
    pub async fn insert_staff(&self, s: &NewStaff, audit: &Audit) -> StoreResult<bool> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO staff (id, username, display_name, role, department, password_hash, active, created_at, \
                 password_changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
            )
            .bind(&[
                text(&s.id),
                text(s.username.as_str()),
                text(&s.display_name),
                text(s.role.as_str()),
                opt_text(s.department.as_deref()),
                text(&s.password_hash),
                time(&s.created_at),
            ])?;
        match self.db.batch(vec![insert, self.audit_statement(audit)?]).await {
            Ok(_) => Ok(true),
            Err(e) if e.to_string().contains("staff.username") => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Apply the given changes; deactivation and a new password also end the member's sessions.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_staff(
        &self,
        id: &str,
        display_name: Option<&str>,
        role: Option<Role>,
        department: Option<Option<&str>>,
        active: Option<bool>,
        password_hash: Option<&str>,
        audit: &Audit,
    ) -> StoreResult<()> {
        let mut statements = Vec::new();
        let mut set = |column: &str, value: JsValue| -> StoreResult<()> {
            statements.push(
                self.db.prepare(format!("UPDATE staff SET {column} = ?1 WHERE id = ?2")).bind(&[value, text(id)])?,
            );
            Ok(())
        };
        if let Some(v) = display_name {
            set("display_name", text(v))?;
        }
        if let Some(v) = role {
            set("role", text(v.as_str()))?;
        }
        if let Some(v) = department {
            set("department", opt_text(v))?;
        }
        if let Some(v) = active {
            set("active", flag(v))?;
        }
        if let Some(v) = password_hash {
            set("password_hash", text(v))?;
            set("password_changed_at", time(&audit.at))?;
        }
        if active == Some(false) || password_hash.is_some() || role.is_some() {
            statements.push(self.revoke_all_statement(id, &audit.at)?);
        }
        statements.push(self.audit_statement(audit)?);
        self.db.batch(statements).await?;
        Ok(())
    }

    /// Change one's own password and end every other session of that member.
    pub async fn change_password(&self, id: &str, hash: &str, keep_session: &str, audit: &Audit) -> StoreResult<()> {
        let statements = vec![
            self.db.prepare("UPDATE staff SET password_hash = ?1, password_changed_at = ?2 WHERE id = ?3").bind(&[
                text(hash),
                time(&audit.at),
                text(id),
            ])?,
            self.db
                .prepare(
                    "UPDATE sessions SET revoked_at = ?1 WHERE staff_id = ?2 AND id_hash <> ?3 AND revoked_at IS NULL",
                )
                .bind(&[time(&audit.at), text(id), text(keep_session)])?,
            self.audit_statement(audit)?,
        ];
        self.db.batch(statements).await?;
        Ok(())
    }

    // Sessions

    pub async fn insert_session(
        &self,
        id_hash: &str,
        staff_id: &str,
        csrf: &str,
        expires_at: &DateTime<Utc>,
        ip: &str,
        audit: &Audit,
    ) -> StoreResult<()> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO sessions (id_hash, staff_id, csrf_token, created_at, last_seen_at, expires_at, ip) \
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
            )
            .bind(&[text(id_hash), text(staff_id), text(csrf), time(&audit.at), time(expires_at), text(ip)])?;
        let clear = self.db.prepare("DELETE FROM login_failures WHERE username = ?1").bind(&[text(&audit.actor)])?;
        self.db.batch(vec![insert, clear, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    pub async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        #[derive(Deserialize)]
        struct Row {
            csrf_token: String,
            last_seen_at: String,
            expires_at: String,
            #[serde(flatten)]
            staff: StaffRow,
        }
        let row: Option<Row> = self
            .db
            .prepare(format!(
                "SELECT x.csrf_token, x.last_seen_at, x.expires_at, {STAFF_COLUMNS} \
                 FROM sessions x JOIN staff s ON s.id = x.staff_id WHERE x.id_hash = ?1 AND x.revoked_at IS NULL"
            ))
            .bind(&[text(id_hash)])?
            .first(None)
            .await?;
        row.map(|r| {
            Ok(SessionRecord {
                csrf_token: r.csrf_token,
                last_seen_at: parse_time(&r.last_seen_at)?,
                expires_at: parse_time(&r.expires_at)?,
                staff: r.staff.into_record()?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, id_hash: &str, now: &DateTime<Utc>) -> StoreResult<()> {
        self.db
            .prepare("UPDATE sessions SET last_seen_at = ?1 WHERE id_hash = ?2")
            .bind(&[time(now), text(id_hash)])?
            .run()
            .await?;
        Ok(())
    }

    pub async fn revoke_session(&self, id_hash: &str, audit: &Audit) -> StoreResult<()> {
        let revoke = self
            .db
            .prepare("UPDATE sessions SET revoked_at = ?1 WHERE id_hash = ?2 AND revoked_at IS NULL")
            .bind(&[time(&audit.at), text(id_hash)])?;
        self.db.batch(vec![revoke, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    fn revoke_all_statement(&self, staff_id: &str, at: &DateTime<Utc>) -> StoreResult<D1PreparedStatement> {
        Ok(self
            .db
            .prepare("UPDATE sessions SET revoked_at = ?1 WHERE staff_id = ?2 AND revoked_at IS NULL")
            .bind(&[time(at), text(staff_id)])?)
    }

    pub async fn revoke_all_sessions(&self, staff_id: &str, audit: &Audit) -> StoreResult<()> {
        self.db.batch(vec![self.revoke_all_statement(staff_id, &audit.at)?, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    // Sign-in failures

    pub async fn failures_since(&self, username: &str, ip: &str, since: &DateTime<Utc>) -> StoreResult<(u64, u64)> {
        #[derive(Deserialize)]
        struct Row {
            by_user: u64,
            by_ip: u64,
        }
        let row: Option<Row> = self
            .db
            .prepare(
                "SELECT (SELECT COUNT(*) FROM login_failures WHERE username = ?1 AND at >= ?3) AS by_user, \
                        (SELECT COUNT(*) FROM login_failures WHERE ip = ?2 AND at >= ?3) AS by_ip",
            )
            .bind(&[text(username), text(ip), time(since)])?
            .first(None)
            .await?;
        Ok(row.map_or((0, 0), |r| (r.by_user, r.by_ip)))
    }

    pub async fn record_failure(&self, username: &str, audit: &Audit) -> StoreResult<()> {
        let insert = self.db.prepare("INSERT INTO login_failures (username, ip, at) VALUES (?1, ?2, ?3)").bind(&[
            text(username),
            text(&audit.ip),
            time(&audit.at),
        ])?;
        self.db.batch(vec![insert, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    // API tokens

    pub async fn insert_token(
        &self,
        id: &str,
        staff_id: &str,
        name: &str,
        token_hash: &str,
        scopes: &[Permission],
        audit: &Audit,
    ) -> StoreResult<()> {
        let insert = self
            .db
            .prepare(
                "INSERT INTO api_tokens (id, staff_id, name, token_hash, scopes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .bind(&[text(id), text(staff_id), text(name), text(token_hash), text(&scopes_json(scopes)), time(&audit.at)])?;
        self.db.batch(vec![insert, self.audit_statement(audit)?]).await?;
        Ok(())
    }

    pub async fn list_tokens(&self, staff_id: &str) -> StoreResult<Vec<TokenInfo>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            name: String,
            scopes: String,
            created_at: String,
            last_used_at: Option<String>,
        }
        let rows = self
            .db
            .prepare(
                "SELECT id, name, scopes, created_at, last_used_at FROM api_tokens \
                 WHERE staff_id = ?1 AND revoked_at IS NULL ORDER BY created_at",
            )
            .bind(&[text(staff_id)])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.id,
                    name: r.name,
                    scopes: parse_scopes(&r.scopes),
                    created_at: parse_time(&r.created_at)?,
                    last_used_at: r.last_used_at.as_deref().map(parse_time).transpose()?,
                    token: None,
                })
            })
            .collect()
    }

    /// Revoke one of the member's own tokens; `false` if there is no such live token.
    pub async fn revoke_token(&self, staff_id: &str, id: &str, audit: &Audit) -> StoreResult<bool> {
        let revoke = self
            .db
            .prepare("UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND staff_id = ?3 AND revoked_at IS NULL")
            .bind(&[time(&audit.at), text(id), text(staff_id)])?;
        let results = self.db.batch(vec![revoke, self.audit_statement(audit)?]).await?;
        let changed = super::first_changed(&results);
        Ok(changed > 0)
    }

    pub async fn token(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        #[derive(Deserialize)]
        struct Row {
            token_id: String,
            scopes: String,
            #[serde(flatten)]
            staff: StaffRow,
        }
        let row: Option<Row> = self
            .db
            .prepare(format!(
                "SELECT t.id AS token_id, t.scopes, {STAFF_COLUMNS} FROM api_tokens t JOIN staff s ON s.id = t.staff_id \
                 WHERE t.token_hash = ?1 AND t.revoked_at IS NULL"
            ))
            .bind(&[text(token_hash)])?
            .first(None)
            .await?;
        row.map(|r| Ok(TokenRecord { id: r.token_id, scopes: parse_scopes(&r.scopes), staff: r.staff.into_record()? }))
            .transpose()
    }

    pub async fn touch_token(&self, id: &str, now: &DateTime<Utc>) -> StoreResult<()> {
        self.db
            .prepare("UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2")
            .bind(&[time(now), text(id)])?
            .run()
            .await?;
        Ok(())
    }

    // Departments

    pub async fn departments(&self) -> StoreResult<Vec<Department>> {
        #[derive(Deserialize)]
        struct Row {
            code: String,
            name: String,
            level: String,
            parent: Option<String>,
            area: Option<String>,
            active: i64,
        }
        let rows = self
            .db
            .prepare("SELECT code, name, level, parent, area, active FROM departments ORDER BY code")
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(Department {
                    level: DepartmentLevel::parse(&r.level)
                        .ok_or_else(|| StoreError(format!("bad level {}", r.level)))?,
                    code: r.code,
                    name: r.name,
                    parent: r.parent,
                    area: r.area,
                    active: r.active != 0,
                })
            })
            .collect()
    }

    /// Insert or replace one department. `false` when the parent does not exist.
    pub async fn upsert_department(
        &self,
        d: &Department,
        insert_only: bool,
        audit: &Audit,
    ) -> StoreResult<UpsertOutcome> {
        let verb = if insert_only { "INSERT" } else { "INSERT OR REPLACE" };
        let statement = self
            .db
            .prepare(format!(
                "{verb} INTO departments (code, name, level, parent, area, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ))
            .bind(&[
                text(&d.code),
                text(&d.name),
                text(d.level.as_str()),
                opt_text(d.parent.as_deref()),
                opt_text(d.area.as_deref()),
                flag(d.active),
            ])?;
        match self.db.batch(vec![statement, self.audit_statement(audit)?]).await {
            Ok(_) => Ok(UpsertOutcome::Done),
            Err(e) if e.to_string().contains("UNIQUE") || e.to_string().contains("PRIMARY KEY") => {
                Ok(UpsertOutcome::Exists)
            }
            Err(e) if e.to_string().contains("FOREIGN KEY") => Ok(UpsertOutcome::MissingReference),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn department_exists(&self, code: &str) -> StoreResult<bool> {
        #[derive(Deserialize)]
        struct Row {
            n: u64,
        }
        let row: Option<Row> = self
            .db
            .prepare("SELECT COUNT(*) AS n FROM departments WHERE code = ?1")
            .bind(&[text(code)])?
            .first(None)
            .await?;
        Ok(row.is_some_and(|r| r.n > 0))
    }

    // Areas

    /// Replace the areas with these codes (others stay), in one transaction.
    pub async fn upsert_areas(&self, areas: &[Area], audit: &Audit) -> StoreResult<()> {
        let mut statements = Vec::with_capacity(areas.len() + 1);
        for a in areas {
            let [south, west, north, east] = a.shape.bounds().unwrap_or([0.0; 4]);
            let shape = serde_json::to_string(&a.shape).map_err(|e| StoreError(e.to_string()))?;
            statements.push(
                self.db
                    .prepare(
                        "INSERT OR REPLACE INTO areas (code, name, level, parent, shape, south, west, north, east) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )
                    .bind(&[
                        text(&a.code),
                        text(&a.name),
                        text(a.level.as_str()),
                        opt_text(a.parent.as_deref()),
                        text(&shape),
                        JsValue::from_f64(south),
                        JsValue::from_f64(west),
                        JsValue::from_f64(north),
                        JsValue::from_f64(east),
                    ])?,
            );
        }
        statements.push(self.audit_statement(audit)?);
        self.db.batch(statements).await?;
        Ok(())
    }

    pub async fn areas(&self) -> StoreResult<Vec<Area>> {
        #[derive(Deserialize)]
        struct Row {
            code: String,
            name: String,
            level: String,
            parent: Option<String>,
            shape: String,
        }
        let rows = self
            .db
            .prepare("SELECT code, name, level, parent, shape FROM areas ORDER BY code")
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(Area {
                    level: AreaLevel::parse(&r.level)
                        .ok_or_else(|| StoreError(format!("bad area level {}", r.level)))?,
                    shape: serde_json::from_str::<Shape>(&r.shape).map_err(|e| StoreError(e.to_string()))?,
                    code: r.code,
                    name: r.name,
                    parent: r.parent,
                })
            })
            .collect()
    }

    // Audit trail

    pub async fn audit_entries(&self, before: Option<i64>, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            at: String,
            actor: String,
            action: String,
            target: Option<String>,
            ip: String,
            detail: String,
        }
        let rows = self
            .db
            .prepare(
                "SELECT id, at, actor, action, target, ip, detail FROM staff_audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
            )
            .bind(&[JsValue::from_f64(before.unwrap_or(i64::MAX >> 11) as f64), JsValue::from_f64(f64::from(limit))])?
            .all()
            .await?
            .results::<Row>()?;
        rows.into_iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.id,
                    at: parse_time(&r.at)?,
                    actor: r.actor,
                    action: r.action,
                    target: r.target,
                    ip: r.ip,
                    detail: serde_json::from_str(&r.detail).unwrap_or_default(),
                })
            })
            .collect()
    }
}

pub enum UpsertOutcome {
    Done,
    Exists,
    MissingReference,
}
