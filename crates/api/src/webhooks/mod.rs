//! Webhooks (spec 3.13, 6): registration, signing, the event bodies, and
//! the sender that delivers the outbox.
//!
//! Events reach the outbox through [`crate::Meetings`], in the same store
//! transaction as the change that caused them; [`spawn_sender`] starts the
//! task that delivers them. `docs/webhooks.md` is the contract.

mod guard;
pub mod payload;
pub mod routes;
mod sender;
pub mod signing;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use guard::is_public;
pub use sender::Sender;

use crate::meetings::Meetings;
use crate::state::AppState;

/// How webhooks are delivered.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// Whether URLs may point to loopback and private addresses.
    pub allow_private: bool,
    /// The delay after the first failure; it doubles after each next one.
    pub backoff_base: Duration,
    /// The longest delay between two attempts.
    pub backoff_max: Duration,
    /// An event is dropped once the delays before its next attempt would
    /// add up to more than this.
    pub give_up_after: Duration,
    /// How long one request may take.
    pub timeout: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(600),
            give_up_after: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
        }
    }
}

impl WebhookConfig {
    /// The delay after the `failures`-th failure in a row (from 1).
    pub fn delay(&self, failures: u32) -> Duration {
        let doubling = 2u32.saturating_pow(failures.saturating_sub(1).min(31));
        self.backoff_base
            .saturating_mul(doubling)
            .min(self.backoff_max)
    }

    /// Whether an event that failed `failures` times is given up: the
    /// delays so far and the next one would pass `give_up_after`.
    pub fn gives_up(&self, failures: u32) -> bool {
        let waited: Duration = (1..=failures).map(|n| self.delay(n)).sum();
        waited > self.give_up_after
    }
}

/// The running sender; [`SenderHandle::stop`] lets it finish what is on
/// its way.
pub struct SenderHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    meetings: Arc<Meetings>,
}

impl SenderHandle {
    /// Writes what changes are still queued, stops starting deliveries and
    /// waits for those on their way.
    pub async fn stop(self) {
        if let Err(error) = self.meetings.flush_outbox().await {
            tracing::error!(%error, "writing the last webhook events failed");
        }
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts delivering the outbox, and the task that writes events of
/// changes made outside the meetings' write lock.
pub fn spawn_sender(state: &AppState) -> SenderHandle {
    let (stop, stopped) = watch::channel(false);
    let sender = Sender::new(
        state.store.clone(),
        state.clock.clone(),
        state.config.webhooks.clone(),
        state.meetings.outbox_committed(),
    );
    let flusher = tokio::spawn(state.meetings.clone().run_outbox_flusher());
    let task = tokio::spawn(async move {
        sender.run(stopped).await;
        flusher.abort();
    });
    SenderHandle {
        stop,
        task,
        meetings: state.meetings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::WebhookConfig;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_gives_up_after_hours() {
        let config = WebhookConfig::default();
        let delays: Vec<u64> = (1..=11).map(|n| config.delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600]);
        assert_eq!(config.delay(1000), Duration::from_secs(600));
        let last = (1..).find(|n| config.gives_up(*n)).expect("gives up");
        let waited: Duration = (1..last).map(|n| config.delay(n)).sum();
        assert!(waited > Duration::from_secs(23 * 3600), "{waited:?}");
    }
}
