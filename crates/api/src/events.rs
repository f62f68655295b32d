//! Room events for everyone who listens live.
//!
//! What happens in a meeting is published here: the realtime layer
//! subscribes per meeting and forwards to connected participants; the
//! observer and the permalink waiting page follow every meeting through
//! [`Hub::subscribe_all`]. What happens to a permalink itself (it is
//! deleted, a host is removed) goes out through
//! [`Hub::subscribe_permalinks`], since no meeting of it may be running.
//! Nothing is stored: whoever is not subscribed when
//! an event is published does not get it, as the contract says of messages
//! (spec 3.4). Deliveries that must not be lost (webhooks) are written to
//! storage instead.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use tokio::sync::broadcast;

use anteroom_domain::{
    AccessKey, EndReason, MeetingId, ParticipantId, PermalinkId, RoomId, TeamId, UserId, UserToken,
};

/// Something participants of a meeting should learn of.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomEvent {
    /// The meeting started.
    Started,
    /// A participant was admitted through the API (it is not connected yet).
    Joined {
        participant_id: ParticipantId,
        user_id: UserId,
    },
    /// A participant's realtime connection opened; it is online.
    Online {
        participant_id: ParticipantId,
        user_id: UserId,
    },
    /// A participant's last realtime connection closed.
    Offline {
        participant_id: ParticipantId,
        user_id: UserId,
    },
    /// A chat message, shown in the UI.
    Chat(Message),
    /// An application message, not shown.
    Custom(Message),
    /// The meeting was locked.
    Locked,
    /// A user was kicked; their sessions close.
    Kicked { user_id: UserId },
    /// Sessions opened with these access keys must close, because their
    /// permalink host was removed (D19).
    #[serde(skip)]
    Removed { access_keys: Vec<AccessKey> },
    /// The meeting ended.
    Ended {
        reason: EndReason,
        by: Option<String>,
    },
}

/// A chat or custom message.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub content: String,
    /// The sender's user id, or none when sent through the API.
    pub user_id: Option<UserId>,
    pub created_at: String,
}

/// An event with the meeting it happened in, for listeners of every
/// meeting.
#[derive(Clone, Debug)]
pub struct HubEvent {
    pub team_id: TeamId,
    pub room_id: RoomId,
    pub meeting_id: MeetingId,
    pub event: RoomEvent,
}

/// What happened to a permalink, whether or not a meeting of it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PermalinkChange {
    /// The permalink was deleted: every token of it is dead (D18).
    Deleted,
    /// A host was removed: this user token is dead (D19).
    HostRemoved { user_token: UserToken },
}

/// A change with the permalink it happened to.
#[derive(Clone, Debug)]
pub struct PermalinkEvent {
    pub team_id: TeamId,
    pub permalink_id: PermalinkId,
    pub change: PermalinkChange,
}

/// Per-meeting broadcast channels, one for every meeting's events, and one
/// for permalink changes.
#[derive(Debug)]
pub struct Hub {
    channels: Mutex<HashMap<MeetingId, broadcast::Sender<RoomEvent>>>,
    all: broadcast::Sender<HubEvent>,
    permalinks: broadcast::Sender<PermalinkEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            channels: Mutex::new(HashMap::new()),
            all: broadcast::channel(CHANNEL_CAPACITY * 4).0,
            permalinks: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }
}

/// Where an event happened.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub team_id: &'a TeamId,
    pub room_id: &'a RoomId,
    pub meeting_id: &'a MeetingId,
}

impl<'a> Place<'a> {
    /// The place of a meeting.
    pub fn of(meeting: &'a anteroom_domain::Meeting) -> Self {
        Self {
            team_id: &meeting.team_id,
            room_id: &meeting.room_id,
            meeting_id: &meeting.id,
        }
    }
}

/// How many events a slow subscriber may fall behind before it loses some.
const CHANNEL_CAPACITY: usize = 256;

impl Hub {
    /// Listens to a meeting's events from now on.
    pub fn subscribe(&self, meeting: &MeetingId) -> broadcast::Receiver<RoomEvent> {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels
            .entry(meeting.clone())
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    /// Listens to the events of every meeting from now on.
    pub fn subscribe_all(&self) -> broadcast::Receiver<HubEvent> {
        self.all.subscribe()
    }

    /// Tells everyone listening to this meeting, and the listeners of every
    /// meeting; returns how many of the former heard it.
    pub fn publish(&self, place: Place<'_>, event: RoomEvent) -> usize {
        // Nobody listening to everything is fine: send only fails then.
        let _ = self.all.send(HubEvent {
            team_id: place.team_id.clone(),
            room_id: place.room_id.clone(),
            meeting_id: place.meeting_id.clone(),
            event: event.clone(),
        });
        let meeting = place.meeting_id;
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(sender) = channels.get(meeting) else {
            return 0;
        };
        let reached = sender.send(event).unwrap_or(0);
        if sender.receiver_count() == 0 {
            channels.remove(meeting);
        }
        reached
    }

    /// Listens to the changes of every permalink from now on.
    pub fn subscribe_permalinks(&self) -> broadcast::Receiver<PermalinkEvent> {
        self.permalinks.subscribe()
    }

    /// Tells everyone listening to permalink changes.
    pub fn publish_permalink(&self, event: PermalinkEvent) {
        // Nobody listening (no page waits) is fine: send only fails then.
        let _ = self.permalinks.send(event);
    }

    /// Forgets a meeting's channel once it has ended.
    pub fn close(&self, meeting: &MeetingId) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels.remove(meeting);
    }
}
