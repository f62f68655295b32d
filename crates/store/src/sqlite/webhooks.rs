//! Webhooks, their outbox and the presence mirror in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use anteroom_domain::{ApiKeyId, MeetingId, Participant, ParticipantId, RoomId, TeamId, WebhookId};

use super::SqliteStore;
use super::codec::{get_opt_ts, get_str, get_ts, opt_ts, ts};
use super::meetings::{PARTICIPANT_COLUMNS, participant};
use crate::{
    Attempt, AttemptOutcome, Delivery, OutboxEvent, Result, StoreError, Webhook, WebhookStore,
};

const WEBHOOK_COLUMNS: &str = "id, team_id, api_key_id, url, types, signing_key, created_at, \
     last_request_sent_at, last_response_code";

/// Writes each event once for every live webhook of its team that asked
/// for its type, inside the caller's transaction.
pub(super) async fn write_outbox(
    connection: &mut SqliteConnection,
    outbox: &[OutboxEvent],
) -> Result<()> {
    for event in outbox {
        sqlx::query(
            "INSERT INTO webhook_outbox (webhook_id, room_id, kind, body, created_at) \
             SELECT w.id, ?, ?, ?, ? FROM webhooks w JOIN api_keys k ON k.id = w.api_key_id \
             WHERE w.team_id = ? AND k.revoked_at IS NULL AND instr(w.types, ?) > 0 \
             ORDER BY w.id",
        )
        .bind(event.room_id.as_str())
        .bind(&event.kind)
        .bind(&event.body)
        .bind(ts(event.created_at))
        .bind(event.team_id.as_str())
        .bind(format!(",{},", event.kind))
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

fn webhook(row: &SqliteRow) -> Result<Webhook> {
    let types = get_str(row, "types")?;
    let code: Option<i64> = row.try_get("last_response_code")?;
    Ok(Webhook {
        id: WebhookId::new(get_str(row, "id")?),
        team_id: TeamId::new(get_str(row, "team_id")?),
        api_key_id: ApiKeyId::new(get_str(row, "api_key_id")?),
        url: get_str(row, "url")?,
        types: types
            .split(',')
            .filter(|kind| !kind.is_empty())
            .map(str::to_owned)
            .collect(),
        signing_key: row.try_get("signing_key")?,
        created_at: get_ts(row, "created_at")?,
        last_request_sent_at: get_opt_ts(row, "last_request_sent_at")?,
        last_response_code: code
            .map(|code| {
                u16::try_from(code).map_err(|_| StoreError::Corrupt(format!("code {code}")))
            })
            .transpose()?,
    })
}

fn delivery(row: &SqliteRow) -> Result<Delivery> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(Delivery {
        seq: row.try_get("seq")?,
        webhook_id: WebhookId::new(get_str(row, "webhook_id")?),
        room_id: RoomId::new(get_str(row, "room_id")?),
        url: get_str(row, "url")?,
        signing_key: row.try_get("signing_key")?,
        kind: get_str(row, "kind")?,
        body: get_str(row, "body")?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
    })
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn put_webhook(&self, webhook: &Webhook) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        // The outbox rows of the old one go with it (ON DELETE CASCADE).
        sqlx::query("DELETE FROM webhooks WHERE api_key_id = ?")
            .bind(webhook.api_key_id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO webhooks (id, team_id, api_key_id, url, types, signing_key, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(webhook.id.as_str())
        .bind(webhook.team_id.as_str())
        .bind(webhook.api_key_id.as_str())
        .bind(&webhook.url)
        .bind(format!(",{},", webhook.types.join(",")))
        .bind(&webhook.signing_key)
        .bind(ts(webhook.created_at))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_write)?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_webhook(&self, key: &ApiKeyId) -> Result<Option<Webhook>> {
        let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE api_key_id = ?");
        let row = sqlx::query(&sql)
            .bind(key.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(webhook).transpose()
    }

    async fn delete_webhook(&self, team: &TeamId, id: &WebhookId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM webhooks WHERE team_id = ? AND id = ?")
            .bind(team.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn enqueue(&self, outbox: &[OutboxEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        write_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mark_disconnected(
        &self,
        participant: &ParticipantId,
        outbox: &[OutboxEvent],
    ) -> Result<bool> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE participants SET online = 0 WHERE id = ? AND online = 1")
            .bind(participant.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        // Already offline (the meeting ended meanwhile): its offline event
        // was written then.
        if changed {
            write_outbox(&mut tx, outbox).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn online_participants(&self, meeting: Option<&MeetingId>) -> Result<Vec<Participant>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM participants p WHERE p.online = 1 \
             AND (?1 IS NULL OR p.meeting_id = ?1) ORDER BY p.joined_at, p.rowid"
        );
        let rows = sqlx::query(&sql)
            .bind(meeting.map(MeetingId::as_str))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(participant).collect()
    }

    async fn next_deliveries(&self) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT o.seq, o.webhook_id, o.room_id, o.kind, o.body, o.attempts, w.url, \
             w.signing_key FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id \
             WHERE o.seq IN (SELECT MIN(seq) FROM webhook_outbox GROUP BY webhook_id, room_id) \
             ORDER BY o.seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery).collect()
    }

    async fn record_attempt(&self, attempt: &Attempt) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if attempt.sent_at.is_some() {
            sqlx::query(
                "UPDATE webhooks SET last_request_sent_at = ?, last_response_code = ? WHERE id = ?",
            )
            .bind(opt_ts(attempt.sent_at))
            .bind(attempt.response_code.map(i64::from))
            .bind(attempt.webhook_id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let sql = match attempt.outcome {
            AttemptOutcome::Retry => {
                "UPDATE webhook_outbox SET attempts = attempts + 1 WHERE seq = ?"
            }
            AttemptOutcome::Delivered | AttemptOutcome::GaveUp => {
                "DELETE FROM webhook_outbox WHERE seq = ?"
            }
        };
        sqlx::query(sql).bind(attempt.seq).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
