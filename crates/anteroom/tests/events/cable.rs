//! An ActionCable client over tokio-tungstenite.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::PATIENCE;

/// An ActionCable client.
pub struct Cable {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// The identifier of `RoomChannel`, as clients send it.
pub const ROOM_CHANNEL: &str = r#"{"channel":"RoomChannel"}"#;

impl Cable {
    /// Opens `url`, offering `actioncable-v1-json` and `protocols`, with
    /// the headers given.
    pub async fn open(url: &str, protocols: &[&str], headers: &[(&str, &str)]) -> Self {
        let mut request = url.into_client_request().expect("request");
        let mut offered = vec!["actioncable-v1-json"];
        offered.extend_from_slice(protocols);
        let offered = HeaderValue::from_str(&offered.join(", ")).expect("header");
        request
            .headers_mut()
            .insert("sec-websocket-protocol", offered);
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).expect("header");
            let name =
                tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes())
                    .expect("header name");
            request.headers_mut().insert(name, value);
        }
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the upgrade succeeds");
        let chosen = response.headers().get("sec-websocket-protocol");
        assert_eq!(
            chosen.and_then(|v| v.to_str().ok()),
            Some("actioncable-v1-json")
        );
        Self { socket }
    }

    /// Sends a text frame as it is.
    pub async fn send_text(&mut self, text: &str) {
        self.socket
            .send(Frame::text(text.to_owned()))
            .await
            .expect("sent");
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: &[u8]) {
        self.socket
            .send(Frame::binary(bytes.to_vec()))
            .await
            .expect("sent");
    }

    /// Subscribes to `RoomChannel`.
    pub async fn subscribe_room(&mut self) {
        let command = serde_json::json!({"command": "subscribe", "identifier": ROOM_CHANNEL});
        self.send_text(&command.to_string()).await;
    }

    /// Performs an action on `RoomChannel`.
    pub async fn perform(&mut self, action: &str) {
        let data = serde_json::json!({"action": action}).to_string();
        let command =
            serde_json::json!({"command": "message", "identifier": ROOM_CHANNEL, "data": data});
        self.send_text(&command.to_string()).await;
    }

    /// The next JSON frame other than a ping; None once the socket closed.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a frame in time");
            match frame {
                Some(Ok(Frame::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).expect("JSON frame");
                    if value["type"] != "ping" {
                        return Some(value);
                    }
                }
                Some(Ok(Frame::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next channel message whose `type` is `kind`.
    pub async fn message(&mut self, kind: &str) -> Value {
        loop {
            let frame = self
                .next()
                .await
                .unwrap_or_else(|| panic!("closed before {kind}"));
            if frame["message"]["type"] == kind {
                return frame["message"].clone();
            }
        }
    }

    /// Reads until the server closes; returns the disconnect reason it gave.
    pub async fn closed(&mut self) -> Option<String> {
        let mut reason = None;
        while let Some(frame) = self.next().await {
            if frame["type"] == "disconnect" {
                assert_eq!(frame["reconnect"], false, "{frame}");
                reason = frame["reason"].as_str().map(str::to_owned);
            }
        }
        reason
    }

    /// Closes from our side.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
