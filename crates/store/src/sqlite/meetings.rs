//! Meetings and participants in SQLite.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;

use anteroom_domain::meeting::Ending;
use anteroom_domain::{
    AccessKey, EndReason, GuestToken, Meeting, MeetingId, Participant, ParticipantId, PermalinkId,
    Profile, RoomId, TeamId, UserId, UserToken,
};

use super::SqliteStore;
use super::codec::{
    get_bool, get_opt_str, get_opt_ts, get_options, get_str, get_ts, options_json, ts,
};
use super::webhooks::write_outbox;
use crate::{MeetingStore, OutboxEvent, Result, StoreError};

const MEETING_COLUMNS: &str = "m.id, m.team_id, m.room_id, m.name, m.options, m.guest_token, \
     m.permalink_id, m.started_at, m.locked, m.ever_connected, m.ended_at, m.end_reason, m.ended_by";

pub(super) const PARTICIPANT_COLUMNS: &str = "p.access_key, p.id, p.meeting_id, p.user_id, p.name, p.avatar, p.guest, p.joined_at, p.host_token";

fn meeting(row: &SqliteRow) -> Result<Meeting> {
    let ended = match get_opt_ts(row, "ended_at")? {
        None => None,
        Some(at) => {
            let reason = get_str(row, "end_reason")?;
            Some(Ending {
                at,
                reason: EndReason::parse(&reason)
                    .ok_or_else(|| StoreError::Corrupt(format!("end_reason: {reason}")))?,
                by: get_opt_str(row, "ended_by")?,
            })
        }
    };
    Ok(Meeting {
        id: MeetingId::new(get_str(row, "id")?),
        team_id: TeamId::new(get_str(row, "team_id")?),
        room_id: RoomId::new(get_str(row, "room_id")?),
        name: get_str(row, "name")?,
        options: get_options(row, "options")?,
        guest_token: GuestToken::new(get_str(row, "guest_token")?),
        permalink_id: get_opt_str(row, "permalink_id")?.map(PermalinkId::new),
        started_at: get_ts(row, "started_at")?,
        locked: get_bool(row, "locked")?,
        ever_connected: get_bool(row, "ever_connected")?,
        ended,
    })
}

pub(super) fn participant(row: &SqliteRow) -> Result<Participant> {
    Ok(Participant {
        id: ParticipantId::new(get_str(row, "id")?),
        access_key: AccessKey::new(get_str(row, "access_key")?),
        meeting_id: MeetingId::new(get_str(row, "meeting_id")?),
        user: Profile {
            id: UserId::new(get_str(row, "user_id")?),
            name: get_str(row, "name")?,
            avatar: get_opt_str(row, "avatar")?,
        },
        guest: get_bool(row, "guest")?,
        joined_at: get_ts(row, "joined_at")?,
        host_token: get_opt_str(row, "host_token")?.map(UserToken::new),
    })
}

impl SqliteStore {
    async fn one_meeting(&self, filter: &str, binds: &[&str]) -> Result<Option<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings m WHERE {filter} LIMIT 1");
        let mut query = sqlx::query(&sql);
        for value in binds {
            query = query.bind(*value);
        }
        let row = query.fetch_optional(&self.pool).await?;
        row.as_ref().map(meeting).transpose()
    }
}

#[async_trait]
impl MeetingStore for SqliteStore {
    async fn insert_meeting(&self, meeting: &Meeting, outbox: &[OutboxEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO meetings (id, team_id, room_id, name, options, guest_token, permalink_id, \
             started_at, locked, ever_connected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(meeting.id.as_str())
        .bind(meeting.team_id.as_str())
        .bind(meeting.room_id.as_str())
        .bind(&meeting.name)
        .bind(options_json(&meeting.options)?)
        .bind(meeting.guest_token.as_str())
        .bind(meeting.permalink_id.as_ref().map(PermalinkId::as_str))
        .bind(ts(meeting.started_at))
        .bind(i64::from(meeting.locked))
        .bind(i64::from(meeting.ever_connected))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_write)?;
        write_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_meeting(&self, id: &MeetingId) -> Result<Option<Meeting>> {
        self.one_meeting("m.id = ?", &[id.as_str()]).await
    }

    async fn running_meeting(&self, team: &TeamId, room: &RoomId) -> Result<Option<Meeting>> {
        self.one_meeting(
            "m.team_id = ? AND m.room_id = ? AND m.ended_at IS NULL",
            &[team.as_str(), room.as_str()],
        )
        .await
    }

    async fn latest_meeting(&self, team: &TeamId, room: &RoomId) -> Result<Option<Meeting>> {
        self.one_meeting(
            "m.team_id = ? AND m.room_id = ? ORDER BY m.started_at DESC, m.rowid DESC",
            &[team.as_str(), room.as_str()],
        )
        .await
    }

    async fn find_meeting_by_guest_token(&self, token: &GuestToken) -> Result<Option<Meeting>> {
        self.one_meeting(
            "m.guest_token = ? ORDER BY m.started_at DESC, m.rowid DESC",
            &[token.as_str()],
        )
        .await
    }

    async fn running_meetings(&self, team: Option<&TeamId>) -> Result<Vec<Meeting>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meetings m WHERE m.ended_at IS NULL \
             AND (?1 IS NULL OR m.team_id = ?1) ORDER BY m.started_at, m.rowid"
        );
        let rows = sqlx::query(&sql)
            .bind(team.map(TeamId::as_str))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(meeting).collect()
    }

    async fn end_meeting(
        &self,
        id: &MeetingId,
        ending: &Ending,
        outbox: &[OutboxEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE meetings SET ended_at = ?, end_reason = ?, ended_by = ? \
             WHERE id = ? AND ended_at IS NULL",
        )
        .bind(ts(ending.at))
        .bind(ending.reason.as_str())
        .bind(ending.by.as_deref())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE participants SET online = 0 WHERE meeting_id = ? AND online = 1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        write_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn lock_meeting(&self, id: &MeetingId) -> Result<()> {
        sqlx::query("UPDATE meetings SET locked = 1 WHERE id = ?")
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mark_connected(
        &self,
        id: &MeetingId,
        participant: &ParticipantId,
        outbox: &[OutboxEvent],
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE meetings SET ever_connected = 1 WHERE id = ? AND ever_connected = 0")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE participants SET online = 1 WHERE id = ? AND meeting_id = ?")
            .bind(participant.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        write_outbox(&mut tx, outbox).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_participant(&self, participant: &Participant) -> Result<()> {
        sqlx::query(
            "INSERT INTO participants (access_key, id, meeting_id, user_id, name, avatar, guest, \
             joined_at, host_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(participant.access_key.as_str())
        .bind(participant.id.as_str())
        .bind(participant.meeting_id.as_str())
        .bind(participant.user.id.as_str())
        .bind(&participant.user.name)
        .bind(participant.user.avatar.as_deref())
        .bind(i64::from(participant.guest))
        .bind(ts(participant.joined_at))
        .bind(participant.host_token.as_ref().map(UserToken::as_str))
        .execute(&self.pool)
        .await
        .map_err(StoreError::from_write)?;
        Ok(())
    }

    async fn find_participant(&self, key: &AccessKey) -> Result<Option<(Participant, Meeting)>> {
        let sql =
            format!("SELECT {PARTICIPANT_COLUMNS} FROM participants p WHERE p.access_key = ?");
        let row = sqlx::query(&sql)
            .bind(key.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let Some(found) = row.as_ref().map(participant).transpose()? else {
            return Ok(None);
        };
        let meeting = self.find_meeting(&found.meeting_id).await?.ok_or_else(|| {
            StoreError::Corrupt(format!("participant without meeting {}", found.meeting_id))
        })?;
        Ok(Some((found, meeting)))
    }

    async fn list_participants(&self, meeting: &MeetingId) -> Result<Vec<Participant>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM participants p WHERE p.meeting_id = ? \
             ORDER BY p.joined_at, p.rowid"
        );
        let rows = sqlx::query(&sql)
            .bind(meeting.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(participant).collect()
    }
}
