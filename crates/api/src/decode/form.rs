//! `application/x-www-form-urlencoded` bodies and URL query strings.

use serde_json::{Map, Value};

use super::DecodeError;
use super::brackets::Tree;

/// Decodes `a=1&user[name]=Ann` into a nested object. `what` names the input
/// in the error for invalid UTF-8 ("request body", "query string").
pub(crate) fn decode(input: &[u8], what: &str) -> Result<Map<String, Value>, DecodeError> {
    let mut tree = Tree::new();
    for pair in input.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &[][..]),
        };

        let not_utf8 = || DecodeError::malformed(format!("{what} is not valid UTF-8"));
        let key = percent_decode(key).ok_or_else(not_utf8)?;
        // A pair without a name (`=x`) carries nothing a route could read.
        if key.is_empty() {
            continue;
        }
        let value = percent_decode(value).ok_or_else(not_utf8)?;
        tree.insert(&key, Value::String(value))?;
    }
    Ok(tree.into_map())
}

/// Decodes `+` and `%XX` as browsers encode them. `None` if the result is not
/// UTF-8. We decode by hand because `form_urlencoded::parse` replaces invalid
/// bytes silently, and D7 wants such input refused.
fn percent_decode(input: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let byte = match input[i] {
            b'+' => b' ',
            b'%' => match (hex_digit(input.get(i + 1)), hex_digit(input.get(i + 2))) {
                (Some(high), Some(low)) => {
                    i += 2;
                    (high << 4) | low
                }
                // A `%` not followed by two hex digits stays as it is.
                _ => b'%',
            },
            other => other,
        };
        out.push(byte);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex_digit(byte: Option<&u8>) -> Option<u8> {
    let digit = char::from(*byte?).to_digit(16)?;
    // A hex digit is below 16, so it always fits.
    u8::try_from(digit).ok()
}
