//! `GET /permalink/<token>/events`: the waiting page's stream of the
//! permalink's meeting info (D15), so a guest learns of the start the
//! moment it happens instead of polling, and that its link died the moment
//! the permalink is deleted or its host removed.

mod step;

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderName;
use axum::http::header::HeaderValue;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use anteroom_domain::RoomId;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::{HubEvent, PermalinkEvent};
use crate::extract::Path;
use crate::meetings::WaitingGuest;
use crate::routes::permalinks::{ByToken, permalink_for_token};
use crate::state::AppState;
use crate::wire::permalink::MeetingInfo;
use step::Step;

/// Follow a permalink's meeting info as server-sent events, by host or
/// guest token.
#[utoipa::path(
    get, path = "/permalink/{token}/events", tag = "permalinks",
    operation_id = "permalink_events",
    params(("token" = String, Path,
             description = "a host's user token or the permalink's guest token")),
    responses(
        (status = 200, content_type = "text/event-stream",
         description = "`event: info` with the meeting info (as `GET /permalink/<token>`) at \
            once and whenever the meeting starts or ends; `event: gone` at once when the \
            permalink is deleted or the token's host removed, then the stream ends; a comment \
            line every 15 seconds"),
        (status = 404, description = "unknown or deleted permalink or token", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Response> {
    // Listen before reading the current state, so a start or a deletion
    // in between is not missed.
    let events = state.meetings.hub().subscribe_all();
    let changes = state.meetings.hub().subscribe_permalinks();
    let found = permalink_for_token(&state, &token)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown permalink or token"))?;
    let permalink = &found.permalink;
    tracing::Span::current().record("room.id", permalink.id.as_str());
    // A guest on the waiting page counts for the `waiting_update` webhook
    // (docs/webhooks.md) while its stream is open; hosts do not wait.
    let guest = (permalink.guest_token.as_str() == token)
        .then(|| WaitingGuest::new(state.meetings.clone(), permalink.clone()));
    let first = info_event(&state, &found).await?;

    let every = state.config.realtime.waiting_keepalive;
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let waiting = Waiting {
        state,
        token,
        found,
        events,
        changes,
        ticks,
        first: Some(first),
        _guest: guest,
        done: false,
    };
    let stream = stream::unfold(waiting, Waiting::next);
    // Proxies that buffer responses would hold the start back.
    let no_buffering = (
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    Ok(([no_buffering], Sse::new(stream)).into_response())
}

/// One waiting page's stream.
struct Waiting {
    state: AppState,
    token: String,
    found: ByToken,
    events: broadcast::Receiver<HubEvent>,
    changes: broadcast::Receiver<PermalinkEvent>,
    ticks: Interval,
    first: Option<Event>,
    done: bool,
    /// Counts this guest as waiting until the stream is dropped.
    _guest: Option<WaitingGuest>,
}

impl Waiting {
    /// The next event for the page; `None` ends the stream.
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        if self.done {
            return None;
        }
        if let Some(first) = self.first.take() {
            return Some((Ok(first), self));
        }
        loop {
            let permalink = &self.found.permalink;
            let step = tokio::select! {
                event = self.events.recv() => step::for_event(permalink, &event),
                change = self.changes.recv() => step::for_change(permalink, &self.token, &change),
                _ = self.ticks.tick() => {
                    let event = self.keep_alive().await;
                    return Some((Ok(event), self));
                }
            };
            match step {
                Step::Skip => {}
                Step::Gone => return Some((Ok(self.gone()), self)),
                Step::Refresh => {
                    if let Some(event) = self.refresh().await {
                        return Some((Ok(event), self));
                    }
                }
            }
        }
    }

    /// A keep-alive comment, or `gone` if the token no longer works.
    /// Deletions and removals are announced on the hub; looking the token
    /// up here as well is the safety net should an announcement ever be
    /// missed.
    async fn keep_alive(&mut self) -> Event {
        match permalink_for_token(&self.state, &self.token).await {
            Ok(None) => self.gone(),
            _ => Event::default().comment(""),
        }
    }

    /// The current info, or `gone` if the token no longer works. A store
    /// failure skips this update; the next one may work.
    async fn refresh(&mut self) -> Option<Event> {
        match permalink_for_token(&self.state, &self.token).await {
            Ok(Some(found)) => self.found = found,
            Ok(None) => return Some(self.gone()),
            Err(error) => {
                tracing::warn!(error = error.message(), "waiting page update skipped");
                return None;
            }
        }
        info_event(&self.state, &self.found).await.ok()
    }

    fn gone(&mut self) -> Event {
        self.done = true;
        Event::default().event("gone").data("{}")
    }
}

/// The `info` event of a permalink now, as `GET /permalink/<token>` shows
/// it.
async fn info_event(state: &AppState, found: &ByToken) -> ApiResult<Event> {
    let permalink = &found.permalink;
    let room = RoomId::new(permalink.id.as_str());
    let running = state
        .store
        .running_meeting(&permalink.team_id, &room)
        .await?;
    let info = MeetingInfo::new(permalink, found.host.as_ref(), running.as_ref());
    Event::default()
        .event("info")
        .json_data(info)
        .map_err(|error| ApiError::internal(&error))
}
