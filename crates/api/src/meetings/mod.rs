//! Starting, joining and ending meetings.
//!
//! Every change to a meeting goes through [`Meetings`], which serialises
//! them: two hosts starting the same permalink at once must end up in one
//! meeting, and an end must be announced exactly once. It also keeps the
//! live lifecycle of each running meeting and ends those whose time has
//! come (D8).

mod live;
mod outbox;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rand::TryRngCore;
use rand::rngs::OsRng;
use tokio::sync::Mutex as AsyncMutex;

use anteroom_domain::meeting::Ending;
use anteroom_domain::{
    AccessKey, EndReason, GuestToken, Host, Lifecycle, Meeting, MeetingId, Participant,
    ParticipantId, Permalink, PermalinkId, Profile, RoomId, RoomOptions, Team, Timeouts, UserId,
    UserToken,
};
use anteroom_store::{Store, StoreError};

use crate::clock::Clock;
use crate::error::{ApiError, ApiResult};
use crate::events::{Hub, PermalinkChange, PermalinkEvent, Place, RoomEvent};
use crate::webhooks::payload;
use live::{LiveMeetings, PresenceChange};
pub use outbox::WaitingGuest;

/// Tokens and ids come straight from the operating system's CSPRNG (D4).
pub fn os_rng() -> impl rand::Rng {
    OsRng.unwrap_err()
}

/// Who is joining, as the request described them.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: Option<UserId>,
    pub name: String,
    pub avatar: Option<String>,
}

/// How a room meeting should look if this join starts it.
#[derive(Clone, Debug)]
pub struct RoomSpec {
    pub id: Option<RoomId>,
    pub name: Option<String>,
    pub options: RoomOptions,
}

/// The meeting service.
pub struct Meetings {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    timeouts: Timeouts,
    hub: Arc<Hub>,
    write: AsyncMutex<()>,
    live: Mutex<LiveMeetings>,
    outbox: outbox::OutboxState,
}

impl Meetings {
    /// A service over this store.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        timeouts: Timeouts,
        hub: Arc<Hub>,
    ) -> Self {
        Self {
            store,
            clock,
            timeouts,
            hub,
            write: AsyncMutex::new(()),
            live: Mutex::new(LiveMeetings::default()),
            outbox: outbox::OutboxState::default(),
        }
    }

    fn live(&self) -> MutexGuard<'_, LiveMeetings> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Picks up the meetings that were running when the process stopped.
    pub async fn restore(&self) -> Result<usize, StoreError> {
        let now = self.clock.now();
        self.clear_stale_presence().await?;
        let running = self.store.running_meetings(None).await?;
        let mut live = self.live();
        for meeting in &running {
            let lifecycle = Lifecycle::resume(meeting.started_at, meeting.ever_connected, now);
            live.insert(meeting, lifecycle);
        }
        Ok(running.len())
    }

    /// Joins the running meeting of a room, or starts one (`POST /rooms`).
    pub async fn join_room(
        &self,
        team: &Team,
        spec: RoomSpec,
        user: NewUser,
    ) -> ApiResult<(Participant, Meeting)> {
        let _write = self.write.lock().await;
        let now = self.clock.now();
        let room_id = spec.id.unwrap_or_else(|| RoomId::generate(&mut os_rng()));
        // A permalink's meetings run under its id (D12). A plain room of
        // that id would take them over, with other options and links.
        let permalink_id = PermalinkId::new(room_id.as_str());
        if self
            .store
            .find_permalink(&team.id, &permalink_id)
            .await?
            .is_some()
        {
            return Err(ApiError::conflict(
                "this id belongs to a permalink; its meetings start and are joined through its links",
            ));
        }
        let meeting = match self.store.running_meeting(&team.id, &room_id).await? {
            Some(meeting) => {
                self.check_entry(&meeting, user.id.as_ref(), false).await?;
                meeting
            }
            None => {
                let name = spec.name.unwrap_or_else(|| room_id.to_string());
                let guest_token = GuestToken::generate(&mut os_rng());
                self.start_locked(team, room_id, name, spec.options, guest_token, None)
                    .await?
            }
        };
        let participant = self.add_locked(&meeting, user, false, None, now).await?;
        Ok((participant, meeting))
    }

    /// Starts or joins a permalink's meeting as one of its hosts (D13).
    pub async fn join_permalink(
        &self,
        team: &Team,
        permalink: &Permalink,
        host: &Host,
    ) -> ApiResult<(Participant, Meeting)> {
        let _write = self.write.lock().await;
        let now = self.clock.now();
        let room_id = RoomId::new(permalink.id.as_str());
        // Hosts hold the secret link, so a lock does not keep them out.
        let meeting = match self.store.running_meeting(&team.id, &room_id).await? {
            Some(meeting) => meeting,
            None => {
                if permalink.is_expired(now) {
                    return Err(ApiError::gone("permalink expired"));
                }
                self.start_locked(
                    team,
                    room_id,
                    permalink.name.clone(),
                    permalink.options.clone(),
                    permalink.guest_token.clone(),
                    Some(permalink),
                )
                .await?
            }
        };
        let user = NewUser {
            id: Some(host.user.id.clone()),
            name: host.user.name.clone(),
            avatar: host.user.avatar.clone(),
        };
        let token = Some(host.user_token.clone());
        let participant = self.add_locked(&meeting, user, false, token, now).await?;
        Ok((participant, meeting))
    }

    /// Adds a guest to a running meeting (`POST /guests/<token>`).
    pub async fn add_guest(&self, meeting: &MeetingId, user: NewUser) -> ApiResult<Participant> {
        let _write = self.write.lock().await;
        let now = self.clock.now();
        // Read again under the write lock: it may have ended or been locked
        // since the caller looked.
        let meeting = self
            .store
            .find_meeting(meeting)
            .await?
            .ok_or_else(|| ApiError::not_found("unknown guest token"))?;
        if !meeting.is_running() {
            return Err(ApiError::gone("meeting has ended"));
        }
        self.check_entry(&meeting, user.id.as_ref(), true).await?;
        if let Some(id) = &user.id {
            // A guest names itself; it must not pass for a user the host
            // admitted, in the user list or to a kick.
            let present = self.store.list_participants(&meeting.id).await?;
            if present.iter().any(|p| &p.user.id == id && !p.guest) {
                return Err(ApiError::conflict("id is taken by a user of this meeting"));
            }
        }
        self.add_locked(&meeting, user, true, None, now).await
    }

    /// Refuses newcomers to a locked meeting; people already in it may
    /// come back. A guest names itself, so it comes back only as a guest:
    /// a host's user id must not open the meeting to whoever holds the
    /// guest token.
    async fn check_entry(
        &self,
        meeting: &Meeting,
        user: Option<&UserId>,
        guest: bool,
    ) -> ApiResult<()> {
        if !meeting.locked {
            return Ok(());
        }
        if let Some(user) = user {
            let present = self.store.list_participants(&meeting.id).await?;
            if present
                .iter()
                .any(|p| &p.user.id == user && (p.guest || !guest))
            {
                return Ok(());
            }
        }
        Err(ApiError::locked("meeting is locked"))
    }

    async fn start_locked(
        &self,
        team: &Team,
        room_id: RoomId,
        name: String,
        options: RoomOptions,
        guest_token: GuestToken,
        permalink: Option<&Permalink>,
    ) -> ApiResult<Meeting> {
        let now = self.clock.now();
        let meeting = Meeting {
            id: MeetingId::generate(&mut os_rng()),
            team_id: team.id.clone(),
            room_id,
            name,
            options,
            guest_token,
            permalink_id: permalink.map(|p| p.id.clone()),
            started_at: now,
            locked: false,
            ever_connected: false,
            ended: None,
        };
        self.flush_locked().await?;
        let outbox = [payload::room_update(&meeting, now)];
        self.store.insert_meeting(&meeting, &outbox).await?;
        self.notify_committed();
        self.live().insert(&meeting, Lifecycle::start(now));
        self.hub.publish(Place::of(&meeting), RoomEvent::Started);
        tracing::info!(room.id = %meeting.room_id, meeting.id = %meeting.id, "meeting started");
        Ok(meeting)
    }

    async fn add_locked(
        &self,
        meeting: &Meeting,
        user: NewUser,
        guest: bool,
        host_token: Option<UserToken>,
        now: time::OffsetDateTime,
    ) -> ApiResult<Participant> {
        let participant = Participant {
            id: ParticipantId::generate(&mut os_rng()),
            access_key: AccessKey::generate(&mut os_rng()),
            meeting_id: meeting.id.clone(),
            user: Profile {
                id: user.id.unwrap_or_else(|| UserId::generate(&mut os_rng())),
                name: user.name,
                avatar: user.avatar,
            },
            guest,
            joined_at: now,
            host_token,
        };
        self.store.insert_participant(&participant).await?;
        let joined = RoomEvent::Joined {
            participant_id: participant.id.clone(),
            user_id: participant.user.id.clone(),
        };
        self.hub.publish(Place::of(meeting), joined);
        Ok(participant)
    }

    /// Locks a meeting; newcomers are refused from now on.
    pub async fn lock(&self, meeting: &Meeting) -> ApiResult<()> {
        let _write = self.write.lock().await;
        self.store.lock_meeting(&meeting.id).await?;
        self.hub.publish(Place::of(meeting), RoomEvent::Locked);
        Ok(())
    }

    /// Ends a meeting for everyone. Returns false if it had already ended.
    pub async fn end(
        &self,
        meeting: &MeetingId,
        reason: EndReason,
        by: Option<String>,
    ) -> Result<bool, StoreError> {
        let _write = self.write.lock().await;
        self.end_locked(meeting, reason, by).await
    }

    async fn end_locked(
        &self,
        id: &MeetingId,
        reason: EndReason,
        by: Option<String>,
    ) -> Result<bool, StoreError> {
        let Some(meeting) = self.store.find_meeting(id).await? else {
            return Ok(false);
        };
        if !meeting.is_running() {
            return Ok(false);
        }
        let ending = Ending {
            at: self.clock.now(),
            reason,
            by: by.clone(),
        };
        let outbox = self.end_events(&meeting, &ending).await?;
        self.store.end_meeting(id, &ending, &outbox).await?;
        self.notify_committed();
        self.live().remove(id);
        self.hub
            .publish(Place::of(&meeting), RoomEvent::Ended { reason, by });
        self.hub.close(id);
        tracing::info!(room.id = %meeting.room_id, meeting.id = %id, reason = reason.as_str(), "meeting ended");
        Ok(true)
    }

    /// Ends every meeting whose idle or empty time has run out.
    pub async fn sweep(&self) -> Result<Vec<MeetingId>, StoreError> {
        let now = self.clock.now();
        let due = self.live().due(now, &self.timeouts);
        let mut ended = Vec::new();
        for (id, reason) in due {
            let _write = self.write.lock().await;
            // Someone may have connected while we waited for the lock.
            let still_due = self
                .live()
                .due(now, &self.timeouts)
                .iter()
                .any(|(due, _)| *due == id);
            if still_due && self.end_locked(&id, reason, None).await? {
                ended.push(id);
            }
        }
        Ok(ended)
    }

    /// The realtime layer's hook: a participant's connection opened.
    /// Returns false if the meeting does not run or the key is not one of
    /// its participants', and the connection should be refused.
    pub async fn connected(
        &self,
        meeting: &MeetingId,
        key: &AccessKey,
    ) -> Result<bool, StoreError> {
        // Under the write lock, so that its webhook event takes its place
        // among the meeting's other changes.
        let _write = self.write.lock().await;
        let Some((participant, found)) = self.store.find_participant(key).await? else {
            return Ok(false);
        };
        if &participant.meeting_id != meeting {
            return Ok(false);
        }
        // Closed connections queued before this one opened are written
        // first.
        let (change, deferred) = {
            let mut live = self.live();
            let change = live.connect(meeting, key, &participant.id, &participant.user.id);
            (change, self.take_deferred())
        };
        self.write_deferred(deferred).await?;
        let Some(change) = change else {
            return Ok(false);
        };
        let now = self.clock.now();
        let outbox: Vec<_> = change
            .iter()
            .map(|_| payload::participant_update(&found, &participant, true, now))
            .collect();
        self.store
            .mark_connected(meeting, &participant.id, &outbox)
            .await?;
        if !outbox.is_empty() {
            self.notify_committed();
        }
        if let Some(change) = change {
            self.announce(meeting, change, true);
        }
        Ok(true)
    }

    /// The realtime layer's hook: a participant's connection closed.
    pub fn disconnected(&self, meeting: &MeetingId, key: &AccessKey) {
        let now = self.clock.now();
        let change = {
            let mut live = self.live();
            let change = live.disconnect(meeting, key, now);
            if let Some(change) = &change {
                self.defer_offline(meeting, change, now);
            }
            change
        };
        if let Some(change) = change {
            self.announce(meeting, change, false);
        }
    }

    fn announce(&self, meeting: &MeetingId, change: PresenceChange, online: bool) {
        let place = Place {
            team_id: &change.team,
            room_id: &change.room,
            meeting_id: meeting,
        };
        let (participant_id, user_id) = (change.participant, change.user);
        let event = if online {
            RoomEvent::Online {
                participant_id,
                user_id,
            }
        } else {
            RoomEvent::Offline {
                participant_id,
                user_id,
            }
        };
        self.hub.publish(place, event);
    }

    /// Whether a participant has an open realtime connection.
    pub fn is_online(&self, meeting: &MeetingId, key: &AccessKey) -> bool {
        self.live().is_online(meeting, key)
    }

    /// Deletes a permalink and ends its running meeting (D18). Returns
    /// false if the team has no such permalink.
    pub async fn delete_permalink(
        &self,
        team: &Team,
        id: &PermalinkId,
    ) -> Result<bool, StoreError> {
        let _write = self.write.lock().await;
        if !self.store.delete_permalink(&team.id, id).await? {
            return Ok(false);
        }
        // Waiting pages hear of it at once, with or without a meeting.
        self.hub.publish_permalink(PermalinkEvent {
            team_id: team.id.clone(),
            permalink_id: id.clone(),
            change: PermalinkChange::Deleted,
        });
        let room = RoomId::new(id.as_str());
        if let Some(meeting) = self.store.running_meeting(&team.id, &room).await? {
            self.end_locked(&meeting.id, EndReason::PermalinkDeleted, None)
                .await?;
        }
        Ok(true)
    }

    /// Removes a permalink host and closes the sessions it opened in the
    /// running meeting (D19). Returns false if there was no such host.
    pub async fn remove_host(
        &self,
        permalink: &Permalink,
        token: &UserToken,
    ) -> Result<bool, StoreError> {
        let _write = self.write.lock().await;
        if !self.store.delete_host(&permalink.id, token).await? {
            return Ok(false);
        }
        // A page waiting with this token hears of it at once.
        self.hub.publish_permalink(PermalinkEvent {
            team_id: permalink.team_id.clone(),
            permalink_id: permalink.id.clone(),
            change: PermalinkChange::HostRemoved {
                user_token: token.clone(),
            },
        });
        let room = RoomId::new(permalink.id.as_str());
        if let Some(meeting) = self
            .store
            .running_meeting(&permalink.team_id, &room)
            .await?
        {
            let access_keys = self
                .store
                .list_participants(&meeting.id)
                .await?
                .into_iter()
                .filter(|p| p.host_token.as_ref() == Some(token))
                .map(|p| p.access_key)
                .collect();
            self.hub
                .publish(Place::of(&meeting), RoomEvent::Removed { access_keys });
        }
        Ok(true)
    }

    /// The event hub.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }
}
