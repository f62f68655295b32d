//! When a meeting ends (D8): the lifecycle as an explicit state machine.
//!
//! A meeting is running from its start until the first of: nobody connected
//! within the idle timeout, everybody has been gone for the empty timeout, or
//! someone ended it. Presence changes and the passing of time are the only
//! inputs; the caller passes the current time in and asks what is due.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// The two waiting times of D8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a meeting may run before anybody connects.
    pub idle: Duration,
    /// How long a meeting may run after the last participant left.
    pub empty: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            idle: Duration::seconds(120),
            empty: Duration::seconds(60),
        }
    }
}

/// Why a meeting ended; told to participants, the observer and webhooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Nobody connected within the idle timeout.
    Idle,
    /// The last participant left and nobody came back in time.
    Empty,
    /// A participant ended it for everyone (`DELETE /rooms/<access_key>`).
    Stopped,
    /// The team stopped it with its API key (`DELETE /rooms/<room_id>`).
    Shutdown,
    /// Its permalink was deleted.
    PermalinkDeleted,
}

impl EndReason {
    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Empty => "empty",
            Self::Stopped => "stopped",
            Self::Shutdown => "shutdown",
            Self::PermalinkDeleted => "permalink_deleted",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Idle,
            Self::Empty,
            Self::Stopped,
            Self::Shutdown,
            Self::PermalinkDeleted,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// Who is connected, as far as the lifecycle cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Nobody has connected since the start.
    NeverConnected,
    /// This many realtime connections are open.
    Connected(u32),
    /// Everybody left at this time.
    EmptySince(OffsetDateTime),
}

/// The state of one meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// The meeting runs.
    Running {
        started_at: OffsetDateTime,
        presence: Presence,
    },
    /// The meeting is over.
    Ended {
        at: OffsetDateTime,
        reason: EndReason,
    },
}

impl Lifecycle {
    /// A meeting that starts now.
    pub fn start(now: OffsetDateTime) -> Self {
        Self::Running {
            started_at: now,
            presence: Presence::NeverConnected,
        }
    }

    /// A running meeting picked up again after the process restarted: the
    /// connections it had are gone, so if anyone had ever connected, it
    /// counts as empty from `now`, which gives them time to reconnect.
    pub fn resume(started_at: OffsetDateTime, ever_connected: bool, now: OffsetDateTime) -> Self {
        let presence = if ever_connected {
            Presence::EmptySince(now)
        } else {
            Presence::NeverConnected
        };
        Self::Running {
            started_at,
            presence,
        }
    }

    /// Whether the meeting still runs.
    pub fn is_running(&self) -> bool {
        matches!(self, Self::Running { .. })
    }

    /// How many realtime connections are open.
    pub fn connected(&self) -> u32 {
        match self {
            Self::Running {
                presence: Presence::Connected(count),
                ..
            } => *count,
            _ => 0,
        }
    }

    /// A realtime connection opened. Returns false if the meeting is over.
    pub fn connect(&mut self) -> bool {
        let Self::Running { presence, .. } = self else {
            return false;
        };
        *presence = Presence::Connected(match *presence {
            Presence::Connected(count) => count.saturating_add(1),
            _ => 1,
        });
        true
    }

    /// A realtime connection closed at `now`.
    pub fn disconnect(&mut self, now: OffsetDateTime) {
        if let Self::Running { presence, .. } = self {
            *presence = match *presence {
                Presence::Connected(count) if count > 1 => Presence::Connected(count - 1),
                Presence::Connected(_) => Presence::EmptySince(now),
                // A close without an open is a caller bug; stay as we are.
                other => other,
            };
        }
    }

    /// When the meeting ends by itself unless presence changes, if it runs.
    pub fn deadline(&self, timeouts: &Timeouts) -> Option<OffsetDateTime> {
        match self {
            Self::Running {
                started_at,
                presence,
            } => match presence {
                Presence::NeverConnected => Some(*started_at + timeouts.idle),
                Presence::Connected(_) => None,
                Presence::EmptySince(since) => Some(*since + timeouts.empty),
            },
            Self::Ended { .. } => None,
        }
    }

    /// The reason the meeting must end at `now`, if its time has come.
    pub fn due(&self, now: OffsetDateTime, timeouts: &Timeouts) -> Option<EndReason> {
        let deadline = self.deadline(timeouts)?;
        if now < deadline {
            return None;
        }
        match self {
            Self::Running {
                presence: Presence::NeverConnected,
                ..
            } => Some(EndReason::Idle),
            _ => Some(EndReason::Empty),
        }
    }

    /// Ends the meeting. Returns false if it had already ended, so that an
    /// end is announced exactly once.
    pub fn end(&mut self, now: OffsetDateTime, reason: EndReason) -> bool {
        if !self.is_running() {
            return false;
        }
        *self = Self::Ended { at: now, reason };
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-01-01 10:00 UTC);

    fn timeouts() -> Timeouts {
        Timeouts::default()
    }

    #[test]
    fn ends_idle_when_nobody_connects() {
        let meeting = Lifecycle::start(T0);
        assert_eq!(meeting.due(T0 + Duration::seconds(119), &timeouts()), None);
        assert_eq!(
            meeting.due(T0 + Duration::seconds(120), &timeouts()),
            Some(EndReason::Idle)
        );
    }

    #[test]
    fn connected_meetings_never_end_by_time() {
        let mut meeting = Lifecycle::start(T0);
        meeting.connect();
        assert_eq!(meeting.deadline(&timeouts()), None);
        assert_eq!(meeting.due(T0 + Duration::days(3), &timeouts()), None);
    }

    #[test]
    fn ends_empty_after_the_last_one_leaves() {
        let mut meeting = Lifecycle::start(T0);
        meeting.connect();
        meeting.connect();
        meeting.disconnect(T0 + Duration::seconds(10));
        assert_eq!(meeting.connected(), 1);
        let left = T0 + Duration::seconds(500);
        meeting.disconnect(left);
        assert_eq!(meeting.due(left + Duration::seconds(59), &timeouts()), None);
        assert_eq!(
            meeting.due(left + Duration::seconds(60), &timeouts()),
            Some(EndReason::Empty)
        );
    }

    #[test]
    fn coming_back_in_time_keeps_it_running() {
        let mut meeting = Lifecycle::start(T0);
        meeting.connect();
        meeting.disconnect(T0 + Duration::seconds(5));
        meeting.connect();
        assert_eq!(meeting.due(T0 + Duration::hours(2), &timeouts()), None);
    }

    #[test]
    fn ends_once() {
        let mut meeting = Lifecycle::start(T0);
        assert!(meeting.end(T0, EndReason::Stopped));
        assert!(!meeting.end(T0, EndReason::Shutdown));
        assert!(!meeting.connect());
        assert_eq!(meeting.due(T0 + Duration::days(1), &timeouts()), None);
    }

    #[test]
    fn resumed_meetings_get_a_fresh_grace_period() {
        let now = T0 + Duration::hours(1);
        let meeting = Lifecycle::resume(T0, true, now);
        assert_eq!(
            meeting.deadline(&timeouts()),
            Some(now + Duration::seconds(60))
        );
        let never = Lifecycle::resume(T0, false, now);
        assert_eq!(never.due(now, &timeouts()), Some(EndReason::Idle));
    }

    #[test]
    fn reasons_round_trip() {
        for reason in [EndReason::Idle, EndReason::PermalinkDeleted] {
            assert_eq!(EndReason::parse(reason.as_str()), Some(reason));
        }
    }
}
