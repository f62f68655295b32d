//! What the hub's news means for one waiting page: plain functions, so
//! each case is tested without a stream.

use tokio::sync::broadcast::error::RecvError;

use anteroom_domain::{EndReason, Permalink};

use crate::events::{HubEvent, PermalinkChange, PermalinkEvent, RoomEvent};

/// What to do about one piece of news.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Not about this page's permalink or token, or nothing the page shows.
    Skip,
    /// The meeting started or ended (or news was lost): send the info.
    Refresh,
    /// The page's token no longer works: its permalink was deleted, or its
    /// host removed.
    Gone,
}

/// What a meeting event means for the page waiting on `permalink`.
pub fn for_event(permalink: &Permalink, event: &Result<HubEvent, RecvError>) -> Step {
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

/// What a permalink change means for the page waiting on `permalink`
/// with `token`.
pub fn for_change(
    permalink: &Permalink,
    token: &str,
    change: &Result<PermalinkEvent, RecvError>,
) -> Step {
    let change = match change {
        Ok(change) => change,
        // A lost change may have been this page's; a refresh looks the
        // token up again.
        Err(RecvError::Lagged(_)) => return Step::Refresh,
        Err(RecvError::Closed) => return Step::Skip,
    };
    if change.team_id != permalink.team_id || change.permalink_id != permalink.id {
        return Step::Skip;
    }
    match &change.change {
        PermalinkChange::Deleted => Step::Gone,
        // Other hosts and the guests keep their links.
        PermalinkChange::HostRemoved { user_token } if user_token.as_str() == token => Step::Gone,
        PermalinkChange::HostRemoved { .. } => Step::Skip,
    }
}

#[cfg(test)]
mod tests {
    use anteroom_domain::{
        GuestToken, MeetingId, PermalinkId, RoomId, RoomOptions, TeamId, UserToken,
    };
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

    fn change(team: &str, id: &str, change: PermalinkChange) -> Result<PermalinkEvent, RecvError> {
        Ok(PermalinkEvent {
            team_id: TeamId::new(team),
            permalink_id: PermalinkId::new(id),
            change,
        })
    }

    fn removed(token: &str) -> PermalinkChange {
        PermalinkChange::HostRemoved {
            user_token: UserToken::new(token),
        }
    }

    #[test]
    fn starts_and_ends_of_this_permalink_refresh() {
        let p = permalink();
        assert_eq!(
            for_event(&p, &hub("t1", "p1", RoomEvent::Started)),
            Step::Refresh
        );
        let ended = RoomEvent::Ended {
            reason: EndReason::Empty,
            by: None,
        };
        assert_eq!(for_event(&p, &hub("t1", "p1", ended)), Step::Refresh);
        assert_eq!(for_event(&p, &Err(RecvError::Lagged(3))), Step::Refresh);
    }

    #[test]
    fn deletion_is_gone() {
        let deleted = RoomEvent::Ended {
            reason: EndReason::PermalinkDeleted,
            by: None,
        };
        let p = permalink();
        assert_eq!(for_event(&p, &hub("t1", "p1", deleted)), Step::Gone);
        let deleted = change("t1", "p1", PermalinkChange::Deleted);
        assert_eq!(for_change(&p, "g", &deleted), Step::Gone);
        assert_eq!(for_change(&p, "host", &deleted), Step::Gone);
    }

    #[test]
    fn removing_a_host_is_gone_only_for_its_token() {
        let p = permalink();
        let ann = change("t1", "p1", removed("ann"));
        assert_eq!(for_change(&p, "ann", &ann), Step::Gone);
        assert_eq!(for_change(&p, "bob", &ann), Step::Skip);
        assert_eq!(for_change(&p, "g", &ann), Step::Skip);
    }

    #[test]
    fn lost_changes_refresh() {
        let lagged = Err(RecvError::Lagged(1));
        assert_eq!(for_change(&permalink(), "g", &lagged), Step::Refresh);
    }

    #[test]
    fn other_rooms_teams_and_events_are_skipped() {
        let p = permalink();
        assert_eq!(
            for_event(&p, &hub("t1", "p2", RoomEvent::Started)),
            Step::Skip
        );
        assert_eq!(
            for_event(&p, &hub("t2", "p1", RoomEvent::Started)),
            Step::Skip
        );
        assert_eq!(
            for_event(&p, &hub("t1", "p1", RoomEvent::Locked)),
            Step::Skip
        );
        let deleted = PermalinkChange::Deleted;
        assert_eq!(
            for_change(&p, "g", &change("t1", "p2", deleted.clone())),
            Step::Skip
        );
        assert_eq!(
            for_change(&p, "g", &change("t2", "p1", deleted)),
            Step::Skip
        );
    }
}
