//! Delivers the outbox.
//!
//! The sender looks at the head of every (webhook, room) queue and posts
//! each one that is due; the next event of a room waits until the one
//! before it was delivered or given up. A failure (no answer, a timeout, a
//! status outside 2xx, a refused address) is tried again after a delay
//! that doubles from `backoff_base` up to `backoff_max`, until the delays
//! add up to `give_up_after`. Delays are counted on the process's own
//! monotonic clock; the number of failures is stored, so a restart goes on
//! where it stopped, and tries everything pending at once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};
use tokio::time::Instant;

use anteroom_store::{Attempt, AttemptOutcome, Delivery, Store};

use super::WebhookConfig;
use super::guard;
use super::signing::SigningKey;
use crate::clock::Clock;

/// At most this many deliveries are on their way at once.
const MAX_IN_FLIGHT: usize = 32;

/// How long a stopping sender waits for deliveries on their way.
const DRAIN: Duration = Duration::from_secs(5);

/// What the sender needs.
pub struct Sender {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    config: WebhookConfig,
    client: reqwest::Client,
    wake: Arc<Notify>,
}

/// How one attempt ended, for the loop's schedule.
struct Done {
    seq: i64,
    retry_at: Option<Instant>,
}

impl Sender {
    /// A sender over this store, woken by `wake` when rows are committed.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: WebhookConfig,
        wake: Arc<Notify>,
    ) -> Self {
        let client = guard::client(config.allow_private);
        Self {
            store,
            clock,
            config,
            client,
            wake,
        }
    }

    /// Delivers until `stop` turns true, then waits a little for the
    /// deliveries on their way, so that none is sent twice.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let this = Arc::new(self);
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Done>();
        let mut in_flight: HashSet<i64> = HashSet::new();
        let mut retry_at: HashMap<i64, Instant> = HashMap::new();
        loop {
            let next = match this.store.next_deliveries().await {
                Ok(heads) => this.start_due(heads, &mut in_flight, &mut retry_at, &done_tx),
                Err(error) => {
                    tracing::error!(%error, "reading the webhook outbox failed");
                    Some(Instant::now() + Duration::from_secs(1))
                }
            };
            let sleep = tokio::time::sleep_until(next.unwrap_or_else(far_future));
            tokio::select! {
                () = this.wake.notified() => {}
                Some(done) = done_rx.recv() => {
                    finish(done, &mut in_flight, &mut retry_at);
                    while let Ok(done) = done_rx.try_recv() {
                        finish(done, &mut in_flight, &mut retry_at);
                    }
                }
                () = sleep => {}
                _ = stop.changed() => break,
            }
        }
        let drained = tokio::time::timeout(DRAIN, async {
            while !in_flight.is_empty() {
                match done_rx.recv().await {
                    Some(done) => finish(done, &mut in_flight, &mut retry_at),
                    None => break,
                }
            }
        });
        let _ = drained.await;
    }

    /// Starts every head that is due; returns when the next one will be.
    fn start_due(
        self: &Arc<Self>,
        heads: Vec<Delivery>,
        in_flight: &mut HashSet<i64>,
        retry_at: &mut HashMap<i64, Instant>,
        done: &mpsc::UnboundedSender<Done>,
    ) -> Option<Instant> {
        let now = Instant::now();
        let heads_now: HashSet<i64> = heads.iter().map(|head| head.seq).collect();
        retry_at.retain(|seq, _| heads_now.contains(seq));
        let mut next: Option<Instant> = None;
        for head in heads {
            if in_flight.contains(&head.seq) {
                continue;
            }
            if let Some(at) = retry_at.get(&head.seq).copied().filter(|at| *at > now) {
                next = Some(next.map_or(at, |next| next.min(at)));
                continue;
            }
            if in_flight.len() >= MAX_IN_FLIGHT {
                break;
            }
            in_flight.insert(head.seq);
            let (this, done) = (self.clone(), done.clone());
            tokio::spawn(async move {
                let seq = head.seq;
                let retry_at = this.deliver(head).await;
                let _ = done.send(Done { seq, retry_at });
            });
        }
        next
    }

    /// One attempt; returns when to try again, if it failed.
    async fn deliver(&self, head: Delivery) -> Option<Instant> {
        let (sent_at, code) = self.post(&head).await;
        let delivered = code.is_some_and(|code| (200..300).contains(&code));
        let failures = head.attempts.saturating_add(1);
        let outcome = if delivered {
            AttemptOutcome::Delivered
        } else if self.config.gives_up(failures) {
            tracing::warn!(
                webhook.id = %head.webhook_id, room.id = %head.room_id, kind = head.kind,
                failures, "webhook event dropped after its last retry"
            );
            AttemptOutcome::GaveUp
        } else {
            AttemptOutcome::Retry
        };
        let attempt = Attempt {
            seq: head.seq,
            webhook_id: head.webhook_id.clone(),
            sent_at,
            response_code: code,
            outcome,
        };
        if let Err(error) = self.store.record_attempt(&attempt).await {
            // The row stays, so it is sent again: at least once, never lost.
            tracing::error!(%error, "recording a webhook attempt failed");
            return Some(Instant::now() + Duration::from_secs(1));
        }
        (outcome == AttemptOutcome::Retry).then(|| Instant::now() + self.config.delay(failures))
    }

    /// Posts the body; returns when the request went out and the status.
    async fn post(&self, head: &Delivery) -> (Option<time::OffsetDateTime>, Option<u16>) {
        let Ok(url) = guard::check_url(&head.url, self.config.allow_private) else {
            tracing::debug!(webhook.id = %head.webhook_id, "webhook url refused");
            return (None, None);
        };
        let Some(key) = SigningKey::from_bytes(&head.signing_key) else {
            tracing::error!(webhook.id = %head.webhook_id, "webhook signing key unreadable");
            return (None, None);
        };
        let signature = key.sign(head.body.as_bytes());
        let sent_at = self.clock.now();
        let response = self
            .client
            .post(url)
            .timeout(self.config.timeout)
            .header("Content-Type", "application/json")
            .header("X-Eyeson-Signature", signature)
            .header("X-Anteroom-Delivery", head.seq.to_string())
            .body(head.body.clone())
            .send()
            .await;
        match response {
            Ok(response) => (Some(sent_at), Some(response.status().as_u16())),
            Err(error) => {
                tracing::debug!(webhook.id = %head.webhook_id, %error, "webhook delivery failed");
                (Some(sent_at), None)
            }
        }
    }
}

fn finish(done: Done, in_flight: &mut HashSet<i64>, retry_at: &mut HashMap<i64, Instant>) {
    in_flight.remove(&done.seq);
    match done.retry_at {
        Some(at) => retry_at.insert(done.seq, at),
        None => retry_at.remove(&done.seq),
    };
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}
