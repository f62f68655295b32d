//! Parsing bracketed keys (`options[custom_fields][locale]`, `users[]`,
//! `users[0]`) and naming parameters in that form for error messages.

use super::{DecodeError, MAX_DEPTH};

/// One step of a bracketed key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Segment<'a> {
    /// `name` or `[name]`: a key of an object.
    Key(&'a str),
    /// `[]`: append to a list.
    Push,
    /// `[3]`: a position in a list.
    Index(u32),
}

/// Splits `a[b][][3]` into segments. A key that does not follow the bracket
/// grammar (`a[b`, `a[b]c`, `[x]`) is kept whole as a plain key, so that an odd
/// field a route ignores anyway does not make the whole request fail.
pub(super) fn parse_key(key: &str) -> Result<Vec<Segment<'_>>, DecodeError> {
    let Some(open) = key.find('[') else {
        return Ok(vec![Segment::Key(key)]);
    };
    let (base, mut rest) = key.split_at(open);
    if base.is_empty() || base.contains(']') {
        return Ok(vec![Segment::Key(key)]);
    }

    let mut path = vec![Segment::Key(base)];
    while !rest.is_empty() {
        let Some((name, after)) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) else {
            return Ok(vec![Segment::Key(key)]);
        };
        if name.contains('[') {
            return Ok(vec![Segment::Key(key)]);
        }
        if path.len() >= MAX_DEPTH {
            return Err(too_deep());
        }
        path.push(segment(name, key)?);
        rest = after;
    }
    Ok(path)
}

fn segment<'a>(name: &'a str, key: &str) -> Result<Segment<'a>, DecodeError> {
    if name.is_empty() {
        return Ok(Segment::Push);
    }
    if !name.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Segment::Key(name));
    }
    name.parse()
        .map(Segment::Index)
        .map_err(|_| DecodeError::malformed(format!("list index is too large in {}", short(key))))
}

/// The part of a parameter's name that a segment stands for, as it goes
/// between brackets: empty for `[]`.
pub(super) fn segment_name(segment: &Segment<'_>) -> String {
    match segment {
        Segment::Key(key) => (*key).to_owned(),
        Segment::Push => String::new(),
        Segment::Index(index) => index.to_string(),
    }
}

/// The client-facing name of a parameter: `options[custom_fields][locale]`.
pub(super) fn name<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for (i, segment) in segments.iter().enumerate() {
        if i == 0 {
            out.push_str(segment.as_ref());
        } else {
            out.push('[');
            out.push_str(segment.as_ref());
            out.push(']');
        }
    }
    short(&out)
}

/// Keeps names that are echoed in error messages short: they come from the
/// client and may be as long as the body.
fn short(name: &str) -> String {
    const MAX: usize = 64;
    match name.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &name[..cut]),
        None => name.to_owned(),
    }
}

pub(super) fn too_deep() -> DecodeError {
    DecodeError::malformed("request parameters are nested too deeply")
}
