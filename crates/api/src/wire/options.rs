//! Room options on the wire: reading `options[...]` and showing them back.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use anteroom_domain::options::is_valid_color;
use anteroom_domain::{AudioInsert, RoomOptions, SfuMode};

use crate::decode::Params;
use crate::error::{ApiError, ApiResult};

/// Custom fields the prebuilt UI reads as booleans.
const BOOLEAN_CUSTOM_FIELDS: [&str; 4] = [
    "hide_chat",
    "virtual_background",
    "virtual_background_allow_guest",
    "virtual_background_allow_local_image",
];

/// Applies the `options[...]` of a request on top of `options`. Unknown keys
/// are ignored (D7); a known key with a malformed value is a 400.
pub fn apply(params: &Params, options: &mut RoomOptions) -> ApiResult<()> {
    let bool_keys: [(&str, &mut bool); 10] = [
        ("show_names", &mut options.show_names),
        ("show_label", &mut options.show_label),
        ("recording_available", &mut options.recording_available),
        ("broadcast_available", &mut options.broadcast_available),
        ("layout_available", &mut options.layout_available),
        ("reaction_available", &mut options.reaction_available),
        ("guest_token_available", &mut options.guest_token_available),
        ("lock_available", &mut options.lock_available),
        ("kick_available", &mut options.kick_available),
        ("widescreen", &mut options.widescreen),
    ];
    for (key, slot) in bool_keys {
        if let Some(value) = params.bool(&format!("options.{key}"))? {
            *slot = value;
        }
    }
    if let Some(value) = params.get("options.exit_url") {
        options.exit_url = exit_url(params, value)?;
    }
    if let Some(mode) = params.str("options.sfu_mode")? {
        options.sfu_mode = SfuMode::parse(&mode).ok_or_else(|| {
            ApiError::bad_request("options[sfu_mode] must be one of disabled, screencast, ptp")
        })?;
    }
    if let Some(color) = params.str("options.background_color")? {
        if !is_valid_color(&color) {
            return Err(ApiError::bad_request(
                "options[background_color] must be a colour like #121212",
            ));
        }
        options.background_color = color.to_ascii_lowercase();
    }
    if let Some(mode) = params.str("options.audio_insert")? {
        options.audio_insert = AudioInsert::parse(&mode).ok_or_else(|| {
            ApiError::bad_request(
                "options[audio_insert] must be one of enabled, disabled, audio_only",
            )
        })?;
    }
    apply_audio_position(params, options)?;
    apply_custom_fields(params, options)
}

fn exit_url(params: &Params, value: &Value) -> ApiResult<Option<String>> {
    if value.is_null() {
        return Ok(None);
    }
    let text = params.str("options.exit_url")?.unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !(text.starts_with("https://") || text.starts_with("http://")) || text.len() > 2048 {
        return Err(ApiError::bad_request(
            "options[exit_url] must be an http or https URL",
        ));
    }
    Ok(Some(text.to_owned()))
}

fn apply_audio_position(params: &Params, options: &mut RoomOptions) -> ApiResult<()> {
    let number = |axis: &str| -> ApiResult<Option<f64>> {
        let path = format!("options.audio_insert_position.{axis}");
        let Some(value) = params.str(&path)? else {
            return Ok(None);
        };
        // `NaN` and `inf` parse, but JSON cannot hold them: stored, they
        // would make the room unreadable.
        value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "options[audio_insert_position][{axis}] must be a number"
                ))
            })
    };
    let (x, y) = (number("x")?, number("y")?);
    if x.is_some() || y.is_some() {
        let (old_x, old_y) = options.audio_insert_position.unwrap_or((0.0, 0.0));
        options.audio_insert_position = Some((x.unwrap_or(old_x), y.unwrap_or(old_y)));
    }
    Ok(())
}

fn apply_custom_fields(params: &Params, options: &mut RoomOptions) -> ApiResult<()> {
    let Some(fields) = params.object("options.custom_fields")? else {
        return Ok(());
    };
    for (key, value) in fields {
        let path = format!("options.custom_fields.{key}");
        let stored = if BOOLEAN_CUSTOM_FIELDS.contains(&key.as_str()) {
            params.bool(&path)?.map(Value::Bool)
        } else if key == "locale" {
            params
                .str(&path)?
                .map(|locale| Value::String(locale.to_ascii_lowercase()))
        } else {
            Some(as_form_value(value))
        };
        match stored {
            Some(value) => options.custom_fields.insert(key.clone(), value),
            None => options.custom_fields.remove(key),
        };
    }
    Ok(())
}

/// Free-form custom fields arrive as text from forms and multipart, so
/// JSON scalars are turned into the same text: the same request gives the
/// same options in every encoding (D6).
fn as_form_value(value: &Value) -> Value {
    match value {
        Value::Bool(flag) => Value::String(flag.to_string()),
        Value::Number(number) => Value::String(number.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(as_form_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, item)| (key.clone(), as_form_value(item)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Room options as every response shows them (spec 2.3).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OptionsView {
    pub show_names: bool,
    pub show_label: bool,
    pub exit_url: Option<String>,
    pub recording_available: bool,
    pub broadcast_available: bool,
    pub layout_available: bool,
    pub reaction_available: bool,
    pub guest_token_available: bool,
    pub lock_available: bool,
    pub kick_available: bool,
    #[schema(example = "ptp")]
    pub sfu_mode: String,
    pub widescreen: bool,
    #[schema(example = "#121212")]
    pub background_color: String,
    #[schema(example = "audio_only")]
    pub audio_insert: String,
    pub audio_insert_position: Option<AudioPosition>,
    #[schema(example = "auto")]
    pub layout: String,
    pub layout_users: Option<Vec<String>>,
    pub layout_name: Option<String>,
    pub layout_map: Option<String>,
    pub voice_activation: bool,
    pub suggest_guest_names: bool,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// Where inserted audio is shown.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AudioPosition {
    pub x: f64,
    pub y: f64,
}

impl From<&RoomOptions> for OptionsView {
    fn from(options: &RoomOptions) -> Self {
        Self {
            show_names: options.show_names,
            show_label: options.show_label,
            exit_url: options.exit_url.clone(),
            recording_available: options.recording_available,
            broadcast_available: options.broadcast_available,
            layout_available: options.layout_available,
            reaction_available: options.reaction_available,
            guest_token_available: options.guest_token_available,
            lock_available: options.lock_available,
            kick_available: options.kick_available,
            sfu_mode: options.sfu_mode.as_str().to_owned(),
            widescreen: options.widescreen,
            background_color: options.background_color.clone(),
            audio_insert: options.audio_insert.as_str().to_owned(),
            audio_insert_position: options
                .audio_insert_position
                .map(|(x, y)| AudioPosition { x, y }),
            layout: String::from("auto"),
            layout_users: None,
            layout_name: None,
            layout_map: None,
            voice_activation: false,
            suggest_guest_names: true,
            custom_fields: options.custom_fields.clone(),
        }
    }
}
