//! Typed identifiers and secret tokens.
//!
//! Ids name things and may be shown to anyone who can see the thing; tokens
//! grant access and are secrets (D4). Each gets its own type so that a guest
//! token can never be passed where an access key is expected.

use std::fmt;

use rand::Rng;
use rand::distr::Alphanumeric;
use serde::{Deserialize, Serialize};

/// Length of every generated token and id (D4).
pub const TOKEN_LEN: usize = 24;

/// Longest custom id a caller may choose for a room or user.
pub const MAX_CUSTOM_ID_LEN: usize = 256;

fn random_token(rng: &mut impl Rng) -> String {
    rng.sample_iter(&Alphanumeric)
        .take(TOKEN_LEN)
        .map(char::from)
        .collect()
}

fn random_hex_id(rng: &mut impl Rng) -> String {
    let bytes: [u8; TOKEN_LEN / 2] = rng.random();
    hex::encode(bytes)
}

macro_rules! string_type {
    ($(#[$doc:meta])* $name:ident, $generate:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Makes a fresh random value from the given CSPRNG.
            pub fn generate(rng: &mut impl Rng) -> Self {
                Self($generate(rng))
            }

            /// Wraps a value read from storage or from a request.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        string_type!($(#[$doc])* $name, random_token);

        impl $name {
            /// Whether the text has the shape of a token: clients strip every
            /// non-word character (spec 1.2), so anything else cannot be one.
            pub fn is_well_formed(value: &str) -> bool {
                value.len() == TOKEN_LEN && value.bytes().all(|b| b.is_ascii_alphanumeric())
            }
        }

        // Secrets never reach a log line in full.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let head: String = self.0.chars().take(4).collect();
                write!(f, "{}({head}…)", stringify!($name))
            }
        }
    };
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        string_type!($(#[$doc])* $name, random_hex_id);

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

id_type!(
    /// A team: the owner of API keys, rooms and permalinks.
    TeamId
);
id_type!(
    /// An API key's public id, used to list and revoke it.
    ApiKeyId
);
id_type!(
    /// A room: the place meetings happen in, custom or generated. A
    /// permalink's meetings use the permalink id as room id (D12).
    RoomId
);
id_type!(
    /// A user as the API names it: custom or generated, unique in a meeting.
    UserId
);
id_type!(
    /// A permalink.
    PermalinkId
);
id_type!(
    /// One participant: one user's place in one meeting, as the realtime
    /// side and the media engine know it. A host who starts a permalink
    /// twice is two participants with the same user id.
    ParticipantId
);
id_type!(
    /// One meeting: a single run of a room from start to end.
    MeetingId
);
id_type!(
    /// A registered webhook (spec 3.13).
    WebhookId
);
secret_type!(
    /// Grants one user access to one meeting, in the path of `/rooms/<access_key>`.
    AccessKey
);
secret_type!(
    /// A permalink host's secret: starts or joins the permalink's meeting.
    UserToken
);
secret_type!(
    /// Lets guests register: for a room, valid during one meeting; for a
    /// permalink, until the permalink is deleted (D14).
    GuestToken
);

/// Checks a caller-chosen id for a room or user.
pub fn validate_custom_id(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("must not be empty");
    }
    if value.chars().count() > MAX_CUSTOM_ID_LEN {
        return Err("must be at most 256 characters");
    }
    // Ids travel in URL paths; slashes and control characters would make
    // them unreachable or ambiguous.
    if value.chars().any(|c| c == '/' || c.is_control()) {
        return Err("must not contain slashes or control characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_24_alphanumerics_and_ids_24_hex() {
        let mut rng = rand::rng();
        let token = AccessKey::generate(&mut rng);
        assert!(AccessKey::is_well_formed(token.as_str()));
        let id = RoomId::generate(&mut rng);
        assert_eq!(id.as_str().len(), 24);
        assert!(
            id.as_str()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let token = UserToken::new("abcdEFGHijklMNOPqrstUVWX");
        let shown = format!("{token:?}");
        assert!(!shown.contains("EFGH"), "{shown}");
    }

    #[test]
    fn custom_ids_are_checked() {
        assert!(validate_custom_id("room-1").is_ok());
        assert!(validate_custom_id("").is_err());
        assert!(validate_custom_id("a/b").is_err());
        assert!(validate_custom_id(&"x".repeat(257)).is_err());
    }
}
