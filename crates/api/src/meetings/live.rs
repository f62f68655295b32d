//! What the server knows only while it runs: each running meeting's
//! lifecycle and who is connected to it right now.

use std::collections::HashMap;

use time::OffsetDateTime;

use anteroom_domain::{
    AccessKey, EndReason, Lifecycle, Meeting, MeetingId, ParticipantId, RoomId, TeamId, Timeouts,
    UserId,
};

/// The open connections of one access key.
#[derive(Debug)]
struct Presence {
    connections: u32,
    participant: ParticipantId,
    user: UserId,
}

/// One running meeting's live state.
#[derive(Debug)]
struct LiveMeeting {
    team: TeamId,
    room: RoomId,
    lifecycle: Lifecycle,
    online: HashMap<AccessKey, Presence>,
}

/// Who a presence change was about, and where.
#[derive(Clone, Debug)]
pub struct PresenceChange {
    pub team: TeamId,
    pub room: RoomId,
    pub participant: ParticipantId,
    pub user: UserId,
}

/// Live state of every running meeting.
#[derive(Debug, Default)]
pub struct LiveMeetings {
    meetings: HashMap<MeetingId, LiveMeeting>,
}

impl LiveMeetings {
    /// Tracks a meeting that runs.
    pub fn insert(&mut self, meeting: &Meeting, lifecycle: Lifecycle) {
        self.meetings.insert(
            meeting.id.clone(),
            LiveMeeting {
                team: meeting.team_id.clone(),
                room: meeting.room_id.clone(),
                lifecycle,
                online: HashMap::new(),
            },
        );
    }

    /// Stops tracking a meeting.
    pub fn remove(&mut self, id: &MeetingId) {
        self.meetings.remove(id);
    }

    /// Notes an open connection. `None` if the meeting does not run;
    /// otherwise whether this made the participant come online.
    pub fn connect(
        &mut self,
        id: &MeetingId,
        key: &AccessKey,
        participant: &ParticipantId,
        user: &UserId,
    ) -> Option<Option<PresenceChange>> {
        let live = self.meetings.get_mut(id)?;
        if !live.lifecycle.connect() {
            return None;
        }
        let presence = live.online.entry(key.clone()).or_insert_with(|| Presence {
            connections: 0,
            participant: participant.clone(),
            user: user.clone(),
        });
        presence.connections += 1;
        let came_online = presence.connections == 1;
        Some(came_online.then(|| PresenceChange {
            team: live.team.clone(),
            room: live.room.clone(),
            participant: participant.clone(),
            user: user.clone(),
        }))
    }

    /// Notes a closed connection; returns who went offline, if this was
    /// their last connection.
    pub fn disconnect(
        &mut self,
        id: &MeetingId,
        key: &AccessKey,
        now: OffsetDateTime,
    ) -> Option<PresenceChange> {
        let live = self.meetings.get_mut(id)?;
        let presence = live.online.get_mut(key)?;
        presence.connections -= 1;
        live.lifecycle.disconnect(now);
        if presence.connections > 0 {
            return None;
        }
        let gone = live.online.remove(key)?;
        Some(PresenceChange {
            team: live.team.clone(),
            room: live.room.clone(),
            participant: gone.participant,
            user: gone.user,
        })
    }

    /// Whether this access key has an open connection.
    pub fn is_online(&self, id: &MeetingId, key: &AccessKey) -> bool {
        self.meetings
            .get(id)
            .is_some_and(|live| live.online.contains_key(key))
    }

    /// The meetings whose time has come, with the reason.
    pub fn due(&self, now: OffsetDateTime, timeouts: &Timeouts) -> Vec<(MeetingId, EndReason)> {
        self.meetings
            .iter()
            .filter_map(|(id, live)| Some((id.clone(), live.lifecycle.due(now, timeouts)?)))
            .collect()
    }
}
