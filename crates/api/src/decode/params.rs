//! Typed, lenient access to decoded parameters.

use serde_json::{Map, Value};

use super::keys;

/// Decoded request parameters, read by dotted path (`"user.name"`,
/// `"options.custom_fields.locale"`; a number steps into a list, `"users.0"`).
///
/// The accessors are lenient because form and multipart send every value as
/// a string: `bool` takes `"true"` as well as `true`. Each returns `Ok(None)`
/// when the parameter is absent or JSON `null`, so that a default applies,
/// and an error naming the parameter when it is there but unusable. Where
/// `null` must be told apart from absence (`expires_at: null` clears the
/// expiry), use [`Params::get`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Map<String, Value>);

/// A parameter that is present but of the wrong kind. Its `Display` is a
/// lowercase message for the client that names the parameter in bracket
/// form: `options[widescreen] must be a boolean`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} must be {expected}", bracket_name(.path))]
pub struct ParamError {
    path: String,
    expected: &'static str,
}

impl ParamError {
    fn new(path: &str, expected: &'static str) -> Self {
        ParamError {
            path: path.to_owned(),
            expected,
        }
    }

    /// The dotted path that was asked for, e.g. `options.widescreen`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the parameter should have been, e.g. `a boolean`.
    pub fn expected(&self) -> &'static str {
        self.expected
    }
}

impl From<Map<String, Value>> for Params {
    fn from(map: Map<String, Value>) -> Self {
        Params(map)
    }
}

impl Params {
    /// The decoded object as a whole.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// Gives back the decoded object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    /// The raw value at `path`. JSON `null` is `Some(Value::Null)`, which
    /// callers use to tell "clear this" from "leave it alone".
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut segments = path.split('.');
        let mut value = self.0.get(segments.next()?)?;
        for segment in segments {
            value = match value {
                Value::Object(map) => map.get(segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(value)
    }

    /// A string. Numbers and booleans are accepted and turned into their text,
    /// since a form would have sent them as text anyway; objects and lists are
    /// an error.
    pub fn str(&self, path: &str) -> Result<Option<String>, ParamError> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => scalar_text(value)
                .map(Some)
                .ok_or_else(|| ParamError::new(path, "a string")),
        }
    }

    /// A boolean: `true`/`false`, `1`/`0`, or those as strings in any case.
    /// `"on"`/`"off"` (what an HTML checkbox sends) and `"yes"`/`"no"` (seen in
    /// hand-written curl calls) are accepted too. An empty string counts as
    /// absent, so an empty form field leaves the default in place.
    pub fn bool(&self, path: &str) -> Result<Option<bool>, ParamError> {
        let invalid = || ParamError::new(path, "a boolean");
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::Number(number)) => match number.as_u64() {
                Some(1) => Ok(Some(true)),
                Some(0) => Ok(Some(false)),
                _ => Err(invalid()),
            },
            Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" | "1" | "on" | "yes" => Ok(Some(true)),
                "false" | "0" | "off" | "no" => Ok(Some(false)),
                _ => Err(invalid()),
            },
            Some(_) => Err(invalid()),
        }
    }

    /// An integer, from a JSON number without a fraction or a decimal string.
    /// An empty string counts as absent, as for [`Params::bool`].
    pub fn int(&self, path: &str) -> Result<Option<i64>, ParamError> {
        let invalid = || ParamError::new(path, "an integer");
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number
                .as_i64()
                .or_else(|| whole_float(number.as_f64()?))
                .map(Some)
                .ok_or_else(invalid),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| invalid()),
            Some(_) => Err(invalid()),
        }
    }

    /// A list of strings: a list (`users[]=a&users[]=b`, `["a", "b"]`) or a
    /// comma-separated string (`"a, b"`). Blank items of a comma-separated
    /// string are dropped, so `""` is an empty list.
    pub fn str_list(&self, path: &str) -> Result<Option<Vec<String>>, ParamError> {
        let invalid = || ParamError::new(path, "a list of strings");
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| scalar_text(item).ok_or_else(invalid))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(Value::String(text)) => Ok(Some(
                text.split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_owned)
                    .collect(),
            )),
            Some(value) => scalar_text(value)
                .map(|item| Some(vec![item]))
                .ok_or_else(invalid),
        }
    }

    /// A nested object, such as `options` or `options.custom_fields`.
    pub fn object(&self, path: &str) -> Result<Option<&Map<String, Value>>, ParamError> {
        match self.get(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(_) => Err(ParamError::new(path, "an object")),
        }
    }
}

/// `options.widescreen` as the client wrote it: `options[widescreen]`.
fn bracket_name(path: &str) -> String {
    keys::name(&path.split('.').collect::<Vec<_>>())
}

/// The text of a string, number or boolean; `None` for anything else.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// `5.0` is the integer 5; `5.5` and values beyond `i64` are not integers.
fn whole_float(float: f64) -> Option<i64> {
    // Both bounds are powers of two and exact as floats.
    let in_range = (i64::MIN as f64..-(i64::MIN as f64)).contains(&float);
    if float.fract() == 0.0 && in_range {
        // In range and without a fraction, so the cast is exact.
        Some(float as i64)
    } else {
        None
    }
}
