//! Permalinks and hosts in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use anteroom_domain::{
    GuestToken, Host, Permalink, PermalinkId, Profile, TeamId, UserId, UserToken,
};

use super::SqliteStore;
use super::codec::{
    get_opt_str, get_opt_ts, get_options, get_str, get_ts, opt_ts, options_json, ts,
};
use crate::{ExpiryFilter, PageRequest, PermalinkStore, Result, StoreError};

const PERMALINK_COLUMNS: &str = "id, team_id, name, options, guest_token, created_at, expires_at";

fn permalink(row: &SqliteRow) -> Result<Permalink> {
    Ok(Permalink {
        id: PermalinkId::new(get_str(row, "id")?),
        team_id: TeamId::new(get_str(row, "team_id")?),
        name: get_str(row, "name")?,
        options: get_options(row, "options")?,
        guest_token: GuestToken::new(get_str(row, "guest_token")?),
        created_at: get_ts(row, "created_at")?,
        expires_at: get_opt_ts(row, "expires_at")?,
    })
}

fn host(row: &SqliteRow, prefix: &str) -> Result<Host> {
    let column = |name: &str| format!("{prefix}{name}");
    Ok(Host {
        user_token: UserToken::new(get_str(row, &column("user_token"))?),
        permalink_id: PermalinkId::new(get_str(row, &column("permalink_id"))?),
        user: Profile {
            id: UserId::new(get_str(row, &column("user_id"))?),
            name: get_str(row, &column("name"))?,
            avatar: get_opt_str(row, &column("avatar"))?,
        },
        created_at: get_ts(row, &column("created_at"))?,
    })
}

async fn insert_host_with<'e, E>(executor: E, host: &Host) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query(
        "INSERT INTO permalink_hosts (user_token, permalink_id, user_id, name, avatar, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(host.user_token.as_str())
    .bind(host.permalink_id.as_str())
    .bind(host.user.id.as_str())
    .bind(&host.user.name)
    .bind(host.user.avatar.as_deref())
    .bind(ts(host.created_at))
    .execute(executor)
    .await
    .map_err(StoreError::from_write)?;
    Ok(())
}

#[async_trait]
impl PermalinkStore for SqliteStore {
    async fn insert_permalink(&self, permalink: &Permalink, first_host: &Host) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO permalinks (id, team_id, name, options, guest_token, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(permalink.id.as_str())
        .bind(permalink.team_id.as_str())
        .bind(&permalink.name)
        .bind(options_json(&permalink.options)?)
        .bind(permalink.guest_token.as_str())
        .bind(ts(permalink.created_at))
        .bind(opt_ts(permalink.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_write)?;
        insert_host_with(&mut *tx, first_host).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_permalink(&self, team: &TeamId, id: &PermalinkId) -> Result<Option<Permalink>> {
        let sql =
            format!("SELECT {PERMALINK_COLUMNS} FROM permalinks WHERE team_id = ? AND id = ?");
        let row = sqlx::query(&sql)
            .bind(team.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(permalink).transpose()
    }

    async fn find_permalink_by_guest_token(&self, token: &GuestToken) -> Result<Option<Permalink>> {
        let sql = format!("SELECT {PERMALINK_COLUMNS} FROM permalinks WHERE guest_token = ?");
        let row = sqlx::query(&sql)
            .bind(token.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(permalink).transpose()
    }

    async fn find_host(&self, token: &UserToken) -> Result<Option<(Host, Permalink)>> {
        let row = sqlx::query(
            "SELECT h.user_token AS h_user_token, h.permalink_id AS h_permalink_id, \
             h.user_id AS h_user_id, h.name AS h_name, h.avatar AS h_avatar, \
             h.created_at AS h_created_at, p.id, p.team_id, p.name, p.options, p.guest_token, \
             p.created_at, p.expires_at \
             FROM permalink_hosts h JOIN permalinks p ON p.id = h.permalink_id \
             WHERE h.user_token = ?",
        )
        .bind(token.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((host(&row, "h_")?, permalink(&row)?)))
            .transpose()
    }

    async fn list_hosts(&self, id: &PermalinkId) -> Result<Vec<Host>> {
        let rows = sqlx::query(
            "SELECT user_token, permalink_id, user_id, name, avatar, created_at \
             FROM permalink_hosts WHERE permalink_id = ? ORDER BY created_at, rowid",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| host(row, "")).collect()
    }

    async fn update_permalink(&self, permalink: &Permalink) -> Result<()> {
        sqlx::query("UPDATE permalinks SET name = ?, options = ?, expires_at = ? WHERE id = ?")
            .bind(&permalink.name)
            .bind(options_json(&permalink.options)?)
            .bind(opt_ts(permalink.expires_at))
            .bind(permalink.id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_permalink(&self, team: &TeamId, id: &PermalinkId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM permalinks WHERE team_id = ? AND id = ?")
            .bind(team.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_permalinks(
        &self,
        team: &TeamId,
        filter: ExpiryFilter,
        now: OffsetDateTime,
        page: PageRequest,
    ) -> Result<(Vec<Permalink>, u64)> {
        let condition = match filter {
            ExpiryFilter::All => "",
            ExpiryFilter::OnlyExpired => " AND expires_at IS NOT NULL AND expires_at <= ?2",
            ExpiryFilter::OnlyActive => " AND (expires_at IS NULL OR expires_at > ?2)",
        };
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM permalinks WHERE team_id = ?1{condition}"
        ))
        .bind(team.as_str())
        .bind(ts(now))
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query(&format!(
            "SELECT {PERMALINK_COLUMNS} FROM permalinks WHERE team_id = ?1{condition} \
             ORDER BY created_at DESC, rowid DESC LIMIT ?3 OFFSET ?4"
        ))
        .bind(team.as_str())
        .bind(ts(now))
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(permalink).collect::<Result<Vec<_>>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    async fn insert_host(&self, host: &Host) -> Result<()> {
        insert_host_with(&self.pool, host).await
    }

    async fn delete_host(&self, id: &PermalinkId, token: &UserToken) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM permalink_hosts WHERE permalink_id = ? AND user_token = ?")
                .bind(id.as_str())
                .bind(token.as_str())
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}
