//! Room options (spec 2.3): what a meeting allows and how the UI shows it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How media is routed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SfuMode {
    /// Always through the mixer.
    Disabled,
    /// Forwarded only while someone shares a screen.
    Screencast,
    /// Direct streams for up to two participants.
    Ptp,
}

impl SfuMode {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "disabled",
            Self::Screencast => "screencast",
            Self::Ptp => "ptp",
        }
    }

    /// Reads the wire value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "disabled" => Some(Self::Disabled),
            "screencast" => Some(Self::Screencast),
            "ptp" => Some(Self::Ptp),
            _ => None,
        }
    }
}

/// How playback audio is inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioInsert {
    /// Always.
    Enabled,
    /// Never.
    Disabled,
    /// Only for participants without video.
    AudioOnly,
}

impl AudioInsert {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::AudioOnly => "audio_only",
        }
    }

    /// Reads the wire value.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "enabled" => Some(Self::Enabled),
            "disabled" => Some(Self::Disabled),
            "audio_only" => Some(Self::AudioOnly),
            _ => None,
        }
    }
}

/// The options of a room or permalink, with the defaults of spec 2.3.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomOptions {
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
    pub sfu_mode: SfuMode,
    pub widescreen: bool,
    pub background_color: String,
    pub audio_insert: AudioInsert,
    pub audio_insert_position: Option<(f64, f64)>,
    /// Free-form settings for the UI; known keys are typed on input, unknown
    /// ones are kept as given (the Node SDK types this as a record).
    pub custom_fields: Map<String, Value>,
}

impl Default for RoomOptions {
    fn default() -> Self {
        Self {
            show_names: true,
            show_label: true,
            exit_url: None,
            recording_available: true,
            broadcast_available: true,
            layout_available: true,
            reaction_available: true,
            guest_token_available: true,
            lock_available: false,
            kick_available: true,
            sfu_mode: SfuMode::Ptp,
            widescreen: false,
            background_color: String::from(DEFAULT_BACKGROUND),
            audio_insert: AudioInsert::AudioOnly,
            audio_insert_position: None,
            custom_fields: Map::new(),
        }
    }
}

/// The documented default background.
pub const DEFAULT_BACKGROUND: &str = "#121212";

/// Checks a `#RRGGBB` colour (D17).
pub fn is_valid_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

impl RoomOptions {
    /// The language the prebuilt UI should use, if one was chosen.
    pub fn locale(&self) -> Option<&str> {
        self.custom_fields.get("locale").and_then(Value::as_str)
    }
}
