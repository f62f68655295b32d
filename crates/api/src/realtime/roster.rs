//! Who is in a meeting as its participants see it, and what each open
//! connection must be told when that changes.
//!
//! Plain data and decisions: no IO and no clock. Every change returns
//! [`Effects`] that the registry carries out; the time is passed in.

use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hash, Hasher};

use tokio::time::{Duration, Instant};

use anteroom_domain::{AccessKey, EndReason, ParticipantId, UserId};

use super::protocol::{CloseReason, LeaveReason, ParticipantInfo, ServerMessage};
use crate::events::Message;

/// One WebSocket of one participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

/// What a connection is told to do.
#[derive(Clone, Debug)]
pub enum Outbound {
    /// Send a message.
    Send(ServerMessage),
    /// Send the `closed` message, then close with its code.
    Close(CloseReason),
}

/// What a change asks of the world outside the roster.
#[derive(Debug, Default)]
pub struct Effects {
    /// Messages for open connections, in order.
    pub sends: Vec<(SessionId, Outbound)>,
    /// Participants who left for good, whose media must go.
    pub gone: Vec<ParticipantId>,
    /// When a dropped participant's grace period ends.
    pub expire_at: Option<Instant>,
}

impl Effects {
    /// Adds another change's effects after these.
    pub fn merge(&mut self, other: Effects) {
        self.sends.extend(other.sends);
        self.gone.extend(other.gone);
        self.expire_at = match (self.expire_at, other.expire_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Whether a participant's connection is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    Live(SessionId),
    /// The connection dropped; the participant stays until then.
    Dropped {
        until: Instant,
    },
}

#[derive(Debug)]
struct Member {
    key: AccessKey,
    info: ParticipantInfo,
    link: Link,
    media_ready: bool,
}

/// A chat or custom message a client sent, remembered until it comes back
/// from the hub, whose message names only the user: one user may be in a
/// meeting twice, and each copy has its own participant id.
#[derive(Debug)]
struct SentMessage {
    fingerprint: u64,
    participant: ParticipantId,
    name: String,
}

/// How many sent messages are remembered; older ones are attributed by
/// user id alone.
const SENT_REMEMBERED: usize = 64;

/// Whether a connection resumed, and who else is there.
#[derive(Debug)]
pub struct Opened {
    pub resumed: bool,
    pub others: Vec<ParticipantInfo>,
    pub effects: Effects,
}

/// The participants of one meeting, in joining order.
#[derive(Debug, Default)]
pub struct Roster {
    members: Vec<Member>,
    sent: VecDeque<SentMessage>,
}

impl Roster {
    /// Whether nobody is in the meeting, not even in a grace period.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// A connection opened with `key`. The same key still in the meeting
    /// resumes: a live older connection is replaced (D11), a dropped one
    /// comes back; the others notice nothing. Anyone else is new, and the
    /// others are told.
    pub fn open(
        &mut self,
        key: &AccessKey,
        fresh: ParticipantInfo,
        session: SessionId,
        now: Instant,
    ) -> Opened {
        let mut effects = self.expire(now);
        let resumed = match self.members.iter_mut().find(|m| &m.key == key) {
            Some(member) => {
                if let Link::Live(old) = member.link {
                    effects
                        .sends
                        .push((old, Outbound::Close(CloseReason::Replaced)));
                }
                member.link = Link::Live(session);
                true
            }
            None => {
                let joined = ServerMessage::ParticipantJoined {
                    participant: fresh.clone(),
                };
                effects.merge(self.broadcast(&joined));
                self.members.push(Member {
                    key: key.clone(),
                    info: fresh,
                    link: Link::Live(session),
                    media_ready: false,
                });
                false
            }
        };
        let others = self
            .members
            .iter()
            .filter(|m| &m.key != key)
            .map(|m| m.info.clone())
            .collect();
        Opened {
            resumed,
            others,
            effects,
        }
    }

    /// A connection closed without a goodbye. Its participant stays for
    /// `grace`; a connection that was replaced or removed changes nothing.
    pub fn drop_session(&mut self, session: SessionId, now: Instant, grace: Duration) -> Effects {
        let mut effects = Effects::default();
        if let Some(member) = self.live_mut(session) {
            let until = now + grace;
            member.link = Link::Dropped { until };
            effects.expire_at = Some(until);
        }
        effects
    }

    /// Everyone whose grace period is over leaves as `dropped`.
    pub fn expire(&mut self, now: Instant) -> Effects {
        self.depart_where(
            |m| matches!(m.link, Link::Dropped { until } if until <= now),
            LeaveReason::Dropped,
            None,
        )
    }

    /// The participant sent `leave`: gone now, no grace.
    pub fn leave(&mut self, session: SessionId) -> Effects {
        self.depart_where(
            |m| m.link == Link::Live(session),
            LeaveReason::Left,
            Some(CloseReason::Left),
        )
    }

    /// A host kicked a user: every participant of that user goes.
    pub fn kick(&mut self, user: &UserId) -> Effects {
        self.depart_where(
            |m| &m.info.user_id == user,
            LeaveReason::Kicked,
            Some(CloseReason::Kicked),
        )
    }

    /// The permalink host these access keys belong to was removed (D19).
    pub fn remove(&mut self, keys: &[AccessKey]) -> Effects {
        self.depart_where(
            |m| keys.contains(&m.key),
            LeaveReason::Removed,
            Some(CloseReason::Removed),
        )
    }

    /// The meeting ended: every connection closes and nobody is left.
    pub fn end(&mut self, reason: EndReason, by: Option<String>) -> Effects {
        let close = CloseReason::Ended { reason, by };
        let mut effects = Effects::default();
        for member in self.members.drain(..) {
            if let Link::Live(session) = member.link {
                effects
                    .sends
                    .push((session, Outbound::Close(close.clone())));
            }
            effects.gone.push(member.info.participant_id);
        }
        effects
    }

    /// The participant set its mute states; everyone hears of it.
    pub fn mute(
        &mut self,
        session: SessionId,
        audio: Option<bool>,
        video: Option<bool>,
    ) -> Effects {
        let Some(member) = self.live_mut(session) else {
            return Effects::default();
        };
        if let Some(audio) = audio {
            member.info.audio_muted = audio;
        }
        if let Some(video) = video {
            member.info.video_muted = video;
        }
        let participant = member.info.clone();
        self.broadcast(&ServerMessage::ParticipantUpdated { participant })
    }

    /// The participant started or stopped sharing its screen.
    pub fn screen(&mut self, participant: &ParticipantId, on: bool) -> Effects {
        let member = self
            .members
            .iter_mut()
            .find(|m| &m.info.participant_id == participant);
        let Some(member) = member.filter(|m| m.info.screen != on) else {
            return Effects::default();
        };
        member.info.screen = on;
        let participant = member.info.clone();
        self.broadcast(&ServerMessage::ParticipantUpdated { participant })
    }

    /// Notes whether the participant's media works.
    pub fn set_media_ready(&mut self, participant: &ParticipantId, ready: bool) {
        for member in &mut self.members {
            if &member.info.participant_id == participant {
                member.media_ready = ready;
            }
        }
    }

    /// Whether the participant is here and its media works.
    pub fn is_media_ready(&self, participant: &ParticipantId) -> bool {
        self.members
            .iter()
            .any(|m| &m.info.participant_id == participant && m.media_ready)
    }

    /// The same message for every open connection.
    pub fn broadcast(&self, message: &ServerMessage) -> Effects {
        let sends = self
            .members
            .iter()
            .filter_map(|m| match m.link {
                Link::Live(session) => Some((session, Outbound::Send(message.clone()))),
                Link::Dropped { .. } => None,
            })
            .collect();
        Effects {
            sends,
            ..Effects::default()
        }
    }

    /// Remembers that this connection's participant sent `message`.
    pub fn note_sent(&mut self, session: SessionId, message: &Message) {
        let Some(member) = self.members.iter().find(|m| m.link == Link::Live(session)) else {
            return;
        };
        let sent = SentMessage {
            fingerprint: fingerprint(message),
            participant: member.info.participant_id.clone(),
            name: member.info.name.clone(),
        };
        if self.sent.len() == SENT_REMEMBERED {
            self.sent.pop_front();
        }
        self.sent.push_back(sent);
    }

    /// Who sent a message, if they are or were in this roster: the
    /// participant that sent it from here, else one of its user's
    /// participants, connected ones first.
    pub fn sender(&mut self, message: &Message) -> Option<(ParticipantId, String)> {
        let print = fingerprint(message);
        if let Some(at) = self.sent.iter().position(|s| s.fingerprint == print) {
            let sent = self.sent.remove(at)?;
            return Some((sent.participant, sent.name));
        }
        let user = message.user_id.as_ref()?;
        let mut theirs: Vec<&Member> = self
            .members
            .iter()
            .filter(|m| &m.info.user_id == user)
            .collect();
        theirs.sort_by_key(|m| !matches!(m.link, Link::Live(_)));
        let member = theirs.first()?;
        Some((member.info.participant_id.clone(), member.info.name.clone()))
    }

    fn live_mut(&mut self, session: SessionId) -> Option<&mut Member> {
        self.members
            .iter_mut()
            .find(|m| m.link == Link::Live(session))
    }

    /// Removes the members that match; tells each one's open connection
    /// `close`, and everyone still here who left and why.
    fn depart_where(
        &mut self,
        leaves: impl Fn(&Member) -> bool,
        reason: LeaveReason,
        close: Option<CloseReason>,
    ) -> Effects {
        let (leaving, staying) = self.members.drain(..).partition(|m| leaves(m));
        self.members = staying;
        let mut effects = Effects::default();
        for member in leaving {
            if let (Link::Live(session), Some(close)) = (member.link, &close) {
                effects
                    .sends
                    .push((session, Outbound::Close(close.clone())));
            }
            let left = ServerMessage::ParticipantLeft {
                participant_id: member.info.participant_id.clone(),
                reason,
            };
            effects.merge(self.broadcast(&left));
            effects.gone.push(member.info.participant_id);
        }
        effects
    }
}

/// Identifies a message by sender, time and content without keeping the
/// content, which may be 64 KiB.
fn fingerprint(message: &Message) -> u64 {
    let mut hasher = DefaultHasher::new();
    message.user_id.hash(&mut hasher);
    message.created_at.hash(&mut hasher);
    message.content.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests;
