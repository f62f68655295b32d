//! The one place where the server's ids meet the engine's keys.
//!
//! The server names meetings and participants with strings (its
//! `MeetingId` and `ParticipantId`); the engine wants small numbers. The map
//! lives in the SFU task, so it needs no lock.

use std::collections::HashMap;

use anteroom_media::{ParticipantKey, RoomKey};

#[derive(Debug, Default)]
pub(crate) struct KeyMap {
    rooms: HashMap<String, (RoomKey, usize)>,
    participants: HashMap<String, (ParticipantKey, String)>,
    ids: HashMap<ParticipantKey, String>,
    next: u64,
}

impl KeyMap {
    /// Maps a new participant of `meeting`; `None` if the id is taken.
    pub(crate) fn add(
        &mut self,
        meeting: &str,
        participant: &str,
    ) -> Option<(RoomKey, ParticipantKey)> {
        if self.participants.contains_key(participant) {
            return None;
        }
        self.next += 1;
        let key = ParticipantKey::new(self.next);

        let next = &mut self.next;
        let (room, members) = self.rooms.entry(meeting.to_owned()).or_insert_with(|| {
            *next += 1;
            (RoomKey::new(*next), 0)
        });
        *members += 1;
        let room = *room;

        self.participants
            .insert(participant.to_owned(), (key, meeting.to_owned()));
        self.ids.insert(key, participant.to_owned());
        Some((room, key))
    }

    /// The key of a mapped participant.
    pub(crate) fn key(&self, participant: &str) -> Option<ParticipantKey> {
        self.participants.get(participant).map(|(key, _)| *key)
    }

    /// The server's id of a participant key.
    pub(crate) fn id(&self, key: ParticipantKey) -> Option<&str> {
        self.ids.get(&key).map(String::as_str)
    }

    /// The meeting a participant was added to.
    pub(crate) fn meeting(&self, participant: &str) -> Option<&str> {
        self.participants.get(participant).map(|(_, m)| m.as_str())
    }

    /// Forgets a participant, and its meeting with its last participant.
    pub(crate) fn remove(&mut self, participant: &str) -> Option<ParticipantKey> {
        let (key, meeting) = self.participants.remove(participant)?;
        self.ids.remove(&key);
        if let Some((_, members)) = self.rooms.get_mut(&meeting) {
            *members -= 1;
            if *members == 0 {
                self.rooms.remove(&meeting);
            }
        }
        Some(key)
    }

    /// Every mapped participant id.
    pub(crate) fn participant_ids(&self) -> Vec<String> {
        self.participants.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_of_one_meeting_share_a_room() {
        let mut keys = KeyMap::default();
        let (room_a, a) = keys.add("m1", "pa").expect("a");
        let (room_b, b) = keys.add("m1", "pb").expect("b");
        let (room_c, _) = keys.add("m2", "pc").expect("c");

        assert_eq!(room_a, room_b);
        assert_ne!(room_a, room_c);
        assert_ne!(a, b);
        assert_eq!(keys.key("pa"), Some(a));
        assert_eq!(keys.id(b), Some("pb"));
        assert_eq!(keys.meeting("pc"), Some("m2"));
    }

    #[test]
    fn an_id_is_mapped_once() {
        let mut keys = KeyMap::default();
        keys.add("m1", "pa").expect("first");
        assert!(keys.add("m1", "pa").is_none());
        assert!(keys.add("m2", "pa").is_none());
    }

    #[test]
    fn a_meeting_is_forgotten_with_its_last_participant() {
        let mut keys = KeyMap::default();
        let (room, a) = keys.add("m1", "pa").expect("a");
        keys.add("m1", "pb").expect("b");

        assert_eq!(keys.remove("pa"), Some(a));
        assert_eq!(keys.key("pa"), None);
        assert_eq!(keys.id(a), None);
        let (same, _) = keys.add("m1", "pd").expect("d");
        assert_eq!(same, room, "pb still holds the room");

        keys.remove("pb");
        keys.remove("pd");
        let (fresh, _) = keys.add("m1", "pe").expect("e");
        assert_ne!(fresh, room, "an emptied meeting starts a new room");
        assert_eq!(keys.remove("nobody"), None);
    }
}
