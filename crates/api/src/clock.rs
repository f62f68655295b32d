//! Where the server's time comes from.
//!
//! Everything that decides by time asks a [`Clock`], so tests can move time
//! forward instead of waiting for it.

use std::sync::{Arc, Mutex, PoisonError};

use time::{Duration, OffsetDateTime};

use anteroom_domain::timestamp::truncate_millis;

/// A source of the current time, at millisecond precision.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_millis(OffsetDateTime::now_utc())
    }
}

/// A clock that moves only when told to; for tests.
#[derive(Clone, Debug)]
pub struct ManualClock {
    now: Arc<Mutex<OffsetDateTime>>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(truncate_millis(start))),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
