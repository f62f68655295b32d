//! Teams and API keys in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use anteroom_domain::{ApiKey, ApiKeyId, Team, TeamId};

use super::SqliteStore;
use super::codec::{get_opt_ts, get_str, get_ts, opt_ts, ts};
use crate::{Result, StoreError, TeamStore};

const KEY_WITH_TEAM: &str = "SELECT k.id, k.team_id, k.key_hash, k.created_at, k.revoked_at, \
     t.name AS team_name, t.created_at AS team_created_at \
     FROM api_keys k JOIN teams t ON t.id = k.team_id";

fn key_with_team(row: &SqliteRow) -> Result<(ApiKey, Team)> {
    let key = ApiKey {
        id: ApiKeyId::new(get_str(row, "id")?),
        team_id: TeamId::new(get_str(row, "team_id")?),
        hash: get_str(row, "key_hash")?,
        created_at: get_ts(row, "created_at")?,
        revoked_at: get_opt_ts(row, "revoked_at")?,
    };
    let team = Team {
        id: key.team_id.clone(),
        name: get_str(row, "team_name")?,
        created_at: get_ts(row, "team_created_at")?,
    };
    Ok((key, team))
}

fn team(row: &SqliteRow) -> Result<Team> {
    Ok(Team {
        id: TeamId::new(get_str(row, "id")?),
        name: get_str(row, "name")?,
        created_at: get_ts(row, "created_at")?,
    })
}

#[async_trait]
impl TeamStore for SqliteStore {
    async fn insert_team(&self, team: &Team) -> Result<()> {
        sqlx::query("INSERT INTO teams (id, name, created_at) VALUES (?, ?, ?)")
            .bind(team.id.as_str())
            .bind(&team.name)
            .bind(ts(team.created_at))
            .execute(&self.pool)
            .await
            .map_err(StoreError::from_write)?;
        Ok(())
    }

    async fn has_teams(&self) -> Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM teams")
            .fetch_one(&self.pool)
            .await?;
        Ok(count > 0)
    }

    async fn insert_api_key(&self, key: &ApiKey) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_keys (id, team_id, key_hash, created_at, revoked_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(key.id.as_str())
        .bind(key.team_id.as_str())
        .bind(&key.hash)
        .bind(ts(key.created_at))
        .bind(opt_ts(key.revoked_at))
        .execute(&self.pool)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    async fn find_api_key(&self, hash: &str) -> Result<Option<(ApiKey, Team)>> {
        let sql = format!("{KEY_WITH_TEAM} WHERE k.key_hash = ? AND k.revoked_at IS NULL");
        let row = sqlx::query(&sql)
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(key_with_team).transpose()
    }

    async fn list_api_keys(&self) -> Result<Vec<(ApiKey, Team)>> {
        let sql = format!("{KEY_WITH_TEAM} ORDER BY k.created_at, k.rowid");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(key_with_team).collect()
    }

    async fn revoke_api_key(&self, id: &ApiKeyId, at: OffsetDateTime) -> Result<bool> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(ts(at))
                .bind(id.as_str())
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn find_team(&self, id: &TeamId) -> Result<Option<Team>> {
        let row = sqlx::query("SELECT id, name, created_at FROM teams WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(team).transpose()
    }

    async fn find_team_by_name(&self, name: &str) -> Result<Option<Team>> {
        let row = sqlx::query(
            "SELECT id, name, created_at FROM teams WHERE name = ? ORDER BY rowid LIMIT 1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(team).transpose()
    }
}
