//! `GET /permalink/<token>/events`: the waiting page's stream of the
//! permalink's meeting info (D15), so a guest learns of the start the
//! moment it happens instead of polling.

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderName;
use axum::http::header::HeaderValue;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use anteroom_domain::{EndReason, Permalink, RoomId};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::events::{HubEvent, RoomEvent};
use crate::extract::Path;
use crate::meetings::WaitingGuest;
use crate::routes::permalinks::permalink_for_token;
use crate::state::AppState;
use crate::wire::permalink::MeetingInfo;

/// What a hub event means for one waiting page.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Not about this permalink's meeting, or nothing the page shows.
    Skip,
    /// The meeting started or ended (or events were lost): send the info.
    Refresh,
    /// The permalink was deleted.
    Gone,
}

/// Decides what an event means for the page waiting on `permalink`.
pub fn step(permalink: &Permalink, event: &Result<HubEvent, RecvError>) -> Step {
    let event = match event {
        Ok(event) => event,
        Err(RecvError::Lagged(_)) => return Step::Refresh,
        // The hub outlives every stream; nothing to do but wait for ticks.
        Err(RecvError::Closed) => return Step::Skip,
    };
    let ours =
        event.team_id == permalink.team_id && event.room_id.as_str() == permalink.id.as_str();
    match &event.event {
        _ if !ours => Step::Skip,
        RoomEvent::Ended {
            reason: EndReason::PermalinkDeleted,
            ..
        } => Step::Gone,
        RoomEvent::Started | RoomEvent::Ended { .. } => Step::Refresh,
        _ => Step::Skip,
    }
}

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
            once and whenever the meeting starts or ends; `event: gone` when the permalink is \
            deleted, then the stream ends; a comment line every 15 seconds"),
        (status = 404, description = "unknown or deleted permalink or token", body = ErrorBody),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Response> {
    // Listen before reading the current state, so a start in between is
    // not missed.
    let events = state.meetings.hub().subscribe_all();
    let permalink = permalink_for_token(&state, &token)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown permalink or token"))?;
    tracing::Span::current().record("room.id", permalink.id.as_str());
    // A guest on the waiting page counts for the `waiting_update` webhook
    // (docs/webhooks.md) while its stream is open; hosts do not wait.
    let guest = (permalink.guest_token.as_str() == token)
        .then(|| WaitingGuest::new(state.meetings.clone(), permalink.clone()));
    let first = info_event(&state, &permalink).await?;

    let every = state.config.realtime.waiting_keepalive;
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let waiting = Waiting {
        state,
        token,
        permalink,
        events,
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
    permalink: Permalink,
    events: broadcast::Receiver<HubEvent>,
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
            tokio::select! {
                event = self.events.recv() => match step(&self.permalink, &event) {
                    Step::Skip => {}
                    Step::Gone => return Some((Ok(self.gone()), self)),
                    Step::Refresh => {
                        if let Some(event) = self.refresh().await {
                            return Some((Ok(event), self));
                        }
                    }
                },
                _ = self.ticks.tick() => {
                    // A permalink deleted while no meeting ran publishes no
                    // event, and a removed host's token just stops working:
                    // the keep-alive is also when the token is checked.
                    let event = match permalink_for_token(&self.state, &self.token).await {
                        Ok(None) => self.gone(),
                        _ => Event::default().comment(""),
                    };
                    return Some((Ok(event), self));
                }
            }
        }
    }

    /// The current info, or `gone` if the token no longer works. A store
    /// failure skips this update; the next one may work.
    async fn refresh(&mut self) -> Option<Event> {
        match permalink_for_token(&self.state, &self.token).await {
            Ok(Some(permalink)) => self.permalink = permalink,
            Ok(None) => return Some(self.gone()),
            Err(error) => {
                tracing::warn!(error = error.message(), "waiting page update skipped");
                return None;
            }
        }
        info_event(&self.state, &self.permalink).await.ok()
    }

    fn gone(&mut self) -> Event {
        self.done = true;
        Event::default().event("gone").data("{}")
    }
}

/// The `info` event of a permalink now.
async fn info_event(state: &AppState, permalink: &Permalink) -> ApiResult<Event> {
    let room = RoomId::new(permalink.id.as_str());
    let running = state
        .store
        .running_meeting(&permalink.team_id, &room)
        .await?;
    let info = MeetingInfo::new(permalink, running.as_ref());
    Event::default()
        .event("info")
        .json_data(info)
        .map_err(|error| ApiError::internal(&error))
}

#[cfg(test)]
mod tests {
    use anteroom_domain::{GuestToken, MeetingId, PermalinkId, RoomOptions, TeamId};
    use time::OffsetDateTime;

    use super::*;

    fn permalink() -> Permalink {
        Permalink {
            id: PermalinkId::new("p1"),
            team_id: TeamId::new("t1"),
            name: String::from("Standup"),
            options: RoomOptions::default(),
            guest_token: GuestToken::new("g"),
            created_at: OffsetDateTime::UNIX_EPOCH,
            expires_at: None,
        }
    }

    fn hub(team: &str, room: &str, event: RoomEvent) -> Result<HubEvent, RecvError> {
        Ok(HubEvent {
            team_id: TeamId::new(team),
            room_id: RoomId::new(room),
            meeting_id: MeetingId::new("m"),
            event,
        })
    }

    #[test]
    fn starts_and_ends_of_this_permalink_refresh() {
        let p = permalink();
        assert_eq!(
            step(&p, &hub("t1", "p1", RoomEvent::Started)),
            Step::Refresh
        );
        let ended = RoomEvent::Ended {
            reason: EndReason::Empty,
            by: None,
        };
        assert_eq!(step(&p, &hub("t1", "p1", ended)), Step::Refresh);
        assert_eq!(step(&p, &Err(RecvError::Lagged(3))), Step::Refresh);
    }

    #[test]
    fn deletion_is_gone() {
        let deleted = RoomEvent::Ended {
            reason: EndReason::PermalinkDeleted,
            by: None,
        };
        assert_eq!(step(&permalink(), &hub("t1", "p1", deleted)), Step::Gone);
    }

    #[test]
    fn other_rooms_teams_and_events_are_skipped() {
        let p = permalink();
        assert_eq!(step(&p, &hub("t1", "p2", RoomEvent::Started)), Step::Skip);
        assert_eq!(step(&p, &hub("t2", "p1", RoomEvent::Started)), Step::Skip);
        assert_eq!(step(&p, &hub("t1", "p1", RoomEvent::Locked)), Step::Skip);
    }
}
