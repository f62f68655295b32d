//! Room events for the participants' realtime channels.
//!
//! The REST side publishes what happens in a meeting here; the realtime
//! layer subscribes per meeting and forwards to connected participants.
//! Nothing is stored: whoever is not subscribed when an event is published
//! does not get it, as the contract says of messages (spec 3.4).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;
use tokio::sync::broadcast;

use anteroom_domain::{AccessKey, EndReason, MeetingId, UserId};

/// Something participants of a meeting should learn of.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoomEvent {
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

/// Per-meeting broadcast channels.
#[derive(Debug, Default)]
pub struct Hub {
    channels: Mutex<HashMap<MeetingId, broadcast::Sender<RoomEvent>>>,
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

    /// Tells everyone listening; returns how many did.
    pub fn publish(&self, meeting: &MeetingId, event: RoomEvent) -> usize {
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

    /// Forgets a meeting's channel once it has ended.
    pub fn close(&self, meeting: &MeetingId) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels.remove(meeting);
    }
}
