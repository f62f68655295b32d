//! Signing deliveries without keeping the API key.
//!
//! Receivers check `X-Eyeson-Signature` as the Eyeson SDKs do: the hex
//! HMAC-SHA256 of the raw body keyed with the plain API key. The server
//! stores only hashes of API keys, so it cannot sign with the key itself.
//! HMAC, though, only ever runs SHA-256 over `key ^ ipad` and `key ^ opad`
//! as the first block of its inner and outer hashes. The state SHA-256
//! reaches after that one block (its midstate) is all signing needs, and it
//! is what we keep: it signs exactly like the key, but it is not the key,
//! it does not authenticate to the API, and getting the key back from it
//! would mean inverting SHA-256's compression function.

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;

/// SHA-256's block size, which is also HMAC's key block size.
const BLOCK: usize = 64;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The first byte of the stored form, so that it can change later.
const FORMAT: u8 = 1;

/// The HMAC-SHA256 midstates of one key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

impl SigningKey {
    /// The signing key for a plain API key (RFC 2104: keys longer than a
    /// block are hashed first).
    pub fn from_api_key(key: &str) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            let digest = sha256_from(IV, 0, key.as_bytes());
            padded[..digest.len()].copy_from_slice(&digest);
        } else {
            padded[..key.len()].copy_from_slice(key.as_bytes());
        }
        Self {
            inner: midstate(&padded, 0x36),
            outer: midstate(&padded, 0x5c),
        }
    }

    /// The stored form: a format byte and both states, big-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(1 + 64);
        bytes.push(FORMAT);
        for word in self.inner.iter().chain(&self.outer) {
            bytes.extend_from_slice(&word.to_be_bytes());
        }
        bytes
    }

    /// Reads the stored form back.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&format, words) = bytes.split_first()?;
        if format != FORMAT || words.len() != 64 {
            return None;
        }
        let mut states = words
            .chunks_exact(4)
            .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
        let mut take = || std::array::from_fn(|_| states.next().unwrap_or_default());
        Some(Self {
            inner: take(),
            outer: take(),
        })
    }

    /// The hex HMAC-SHA256 of `body`, as `X-Eyeson-Signature` carries it.
    pub fn sign(&self, body: &[u8]) -> String {
        let inner = sha256_from(self.inner, BLOCK, body);
        hex::encode(sha256_from(self.outer, BLOCK, &inner))
    }
}

/// The state after hashing one block of `key ^ pad`.
fn midstate(key: &[u8; BLOCK], pad: u8) -> [u32; 8] {
    let block: [u8; BLOCK] = std::array::from_fn(|i| key[i] ^ pad);
    let mut state = IV;
    compress256(&mut state, &[GenericArray::clone_from_slice(&block)]);
    state
}

/// Finishes a SHA-256 that already consumed `done` bytes (whole blocks)
/// and stands at `state`, over `message`.
fn sha256_from(mut state: [u32; 8], done: usize, message: &[u8]) -> [u8; 32] {
    let bits = ((done + message.len()) as u64).wrapping_mul(8);
    let mut tail = message.to_vec();
    tail.push(0x80);
    while tail.len() % BLOCK != BLOCK - 8 {
        tail.push(0);
    }
    tail.extend_from_slice(&bits.to_be_bytes());
    let blocks: Vec<_> = tail
        .chunks_exact(BLOCK)
        .map(GenericArray::clone_from_slice)
        .collect();
    compress256(&mut state, &blocks);
    let mut digest = [0u8; 32];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    use super::SigningKey;

    fn reference(key: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn signs_exactly_like_hmac_with_the_plain_key() {
        let keys = [
            "",
            "k",
            "a 40 character key a 40 character key12",
            &"x".repeat(64),
        ];
        let long = "y".repeat(65);
        let bodies: Vec<Vec<u8>> = [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 1000]
            .iter()
            .map(|n| (0..*n).map(|i| (i * 7 % 251) as u8).collect())
            .collect();
        for key in keys.iter().copied().chain([long.as_str()]) {
            let signing = SigningKey::from_api_key(key);
            for body in &bodies {
                assert_eq!(signing.sign(body), reference(key, body), "key {key:?}");
            }
        }
    }

    #[test]
    fn survives_the_stored_form_and_does_not_contain_the_key() {
        let key = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN";
        let signing = SigningKey::from_api_key(key);
        let stored = signing.to_bytes();
        assert!(
            !stored
                .windows(8)
                .any(|w| key.as_bytes().windows(8).any(|k| k == w))
        );
        let back = SigningKey::from_bytes(&stored).expect("readable");
        assert_eq!(back.sign(b"{}"), reference(key, b"{}"));
        assert!(SigningKey::from_bytes(&stored[1..]).is_none());
    }
}
