//! Teams and their API keys (D3).

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::ids::{ApiKeyId, TeamId};

/// A team: everything an API key creates belongs to its team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub created_at: OffsetDateTime,
}

/// A stored API key: only its hash is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub team_id: TeamId,
    pub hash: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Length of a generated API key.
pub const API_KEY_LEN: usize = 40;

/// Makes a new plain API key, to be shown once.
pub fn generate_key(rng: &mut impl Rng) -> String {
    rng.sample_iter(&Alphanumeric)
        .take(API_KEY_LEN)
        .map(char::from)
        .collect()
}

/// The stored form of a key. Keys are long random strings, so a plain
/// SHA-256 cannot be reversed by guessing; a slow hash would only slow every
/// request down.
pub fn hash_key(plain: &str) -> String {
    hex::encode(Sha256::digest(plain.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_hide_the_key() {
        let key = generate_key(&mut rand::rng());
        assert_eq!(key.len(), API_KEY_LEN);
        assert_eq!(hash_key(&key), hash_key(&key));
        assert!(!hash_key(&key).contains(&key));
    }
}
