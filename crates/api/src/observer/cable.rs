//! The ActionCable JSON protocol, as Rails' `actioncable-v1-json` and the
//! AnyCable clients speak it: what clients send, and the frames we send.

use serde_json::{Value, json};

/// The sub-protocol both ActionCable clients offer and require back.
pub const PROTOCOL: &str = "actioncable-v1-json";

/// A client's command.
#[derive(Debug, PartialEq)]
pub enum Command {
    /// `{"command": "subscribe", "identifier": "{\"channel\":\"RoomChannel\"}"}`.
    Subscribe { identifier: String, channel: String },
    /// `{"command": "unsubscribe", "identifier": ...}`.
    Unsubscribe { identifier: String },
    /// `{"command": "message", "identifier": ..., "data": "{\"action\":\"user_joins\"}"}`.
    Message { identifier: String, action: String },
}

/// Reads one text frame; the error says what is wrong with it.
pub fn parse(text: &str) -> Result<Command, &'static str> {
    let frame: Value = serde_json::from_str(text).map_err(|_| "a frame must be JSON")?;
    let command = frame
        .get("command")
        .and_then(Value::as_str)
        .ok_or("a frame must name its command")?;
    let identifier = frame
        .get("identifier")
        .and_then(Value::as_str)
        .ok_or("the identifier must be a string")?
        .to_owned();
    // The identifier is itself JSON; clients match replies by its exact
    // text, so we keep the text and only read the channel from it.
    let channel = serde_json::from_str::<Value>(&identifier)
        .ok()
        .and_then(|id| id.get("channel")?.as_str().map(str::to_owned))
        .ok_or("the identifier must be JSON naming a channel")?;
    match command {
        "subscribe" => Ok(Command::Subscribe {
            identifier,
            channel,
        }),
        "unsubscribe" => Ok(Command::Unsubscribe { identifier }),
        "message" => {
            let action = frame
                .get("data")
                .and_then(Value::as_str)
                .and_then(|data| serde_json::from_str::<Value>(data).ok())
                .and_then(|data| data.get("action")?.as_str().map(str::to_owned))
                .ok_or("data must be JSON naming an action")?;
            Ok(Command::Message { identifier, action })
        }
        _ => Err("unknown command"),
    }
}

/// `welcome`, the first frame of a session.
pub fn welcome() -> Value {
    json!({"type": "welcome"})
}

/// The keep-alive; clients reconnect after about 6 s without one.
pub fn ping(unix_seconds: i64) -> Value {
    json!({"type": "ping", "message": unix_seconds})
}

/// The subscription is on.
pub fn confirm(identifier: &str) -> Value {
    json!({"identifier": identifier, "type": "confirm_subscription"})
}

/// The subscription is refused.
pub fn reject(identifier: &str) -> Value {
    json!({"identifier": identifier, "type": "reject_subscription"})
}

/// A channel's message.
pub fn message(identifier: &str, message: Value) -> Value {
    json!({"identifier": identifier, "message": message})
}

/// The server ends the session; with `reconnect: false` clients stop
/// trying again.
pub fn disconnect(reason: &str, reconnect: bool) -> Value {
    json!({"type": "disconnect", "reason": reason, "reconnect": reconnect})
}

#[cfg(test)]
mod tests {
    use super::{Command, parse};

    #[test]
    fn reads_the_commands_clients_send() {
        let subscribe = r#"{"command":"subscribe","identifier":"{\"channel\":\"RoomChannel\"}"}"#;
        assert_eq!(
            parse(subscribe),
            Ok(Command::Subscribe {
                identifier: r#"{"channel":"RoomChannel"}"#.to_owned(),
                channel: "RoomChannel".to_owned(),
            })
        );
        let joins = r#"{"command":"message","identifier":"{\"channel\":\"RoomChannel\"}","data":"{\"action\":\"user_joins\"}"}"#;
        assert!(
            matches!(parse(joins), Ok(Command::Message { action, .. }) if action == "user_joins")
        );
    }

    #[test]
    fn says_what_is_wrong_with_a_malformed_frame() {
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"identifier":"{}"}"#,
            r#"{"command":"subscribe"}"#,
            r#"{"command":"subscribe","identifier":"nope"}"#,
            r#"{"command":"subscribe","identifier":"{\"channel\":1}"}"#,
            r#"{"command":"dance","identifier":"{\"channel\":\"RoomChannel\"}"}"#,
            r#"{"command":"message","identifier":"{\"channel\":\"RoomChannel\"}","data":"{}"}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
