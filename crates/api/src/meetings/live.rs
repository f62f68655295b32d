//! What the server knows only while it runs: each running meeting's
//! lifecycle and who is connected to it right now.

use std::collections::HashMap;

use time::OffsetDateTime;

use anteroom_domain::{AccessKey, EndReason, Lifecycle, MeetingId, Timeouts};

/// One running meeting's live state.
#[derive(Debug)]
struct LiveMeeting {
    lifecycle: Lifecycle,
    /// Open realtime connections per access key.
    online: HashMap<AccessKey, u32>,
}

/// Live state of every running meeting.
#[derive(Debug, Default)]
pub struct LiveMeetings {
    meetings: HashMap<MeetingId, LiveMeeting>,
}

impl LiveMeetings {
    /// Tracks a meeting that runs.
    pub fn insert(&mut self, id: MeetingId, lifecycle: Lifecycle) {
        self.meetings.insert(
            id,
            LiveMeeting {
                lifecycle,
                online: HashMap::new(),
            },
        );
    }

    /// Stops tracking a meeting.
    pub fn remove(&mut self, id: &MeetingId) {
        self.meetings.remove(id);
    }

    /// Notes an open connection; false if the meeting does not run.
    pub fn connect(&mut self, id: &MeetingId, key: &AccessKey) -> bool {
        let Some(live) = self.meetings.get_mut(id) else {
            return false;
        };
        if !live.lifecycle.connect() {
            return false;
        }
        *live.online.entry(key.clone()).or_default() += 1;
        true
    }

    /// Notes a closed connection.
    pub fn disconnect(&mut self, id: &MeetingId, key: &AccessKey, now: OffsetDateTime) {
        let Some(live) = self.meetings.get_mut(id) else {
            return;
        };
        let Some(count) = live.online.get_mut(key) else {
            return;
        };
        *count -= 1;
        if *count == 0 {
            live.online.remove(key);
        }
        live.lifecycle.disconnect(now);
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
