//! What the barrage runs against: the kept permalink and meeting, made
//! before it, never its target, and compared afterwards; and the scratch
//! permalink, room and meeting it may change, with every endpoint that
//! takes a body.

use reqwest::Method;
use serde_json::{Value, json};

use anteroom_domain::PermalinkId;

use crate::common::TestApp;
use crate::harness::{Target, user_body, valid_options, with_options};

/// What the barrage may change: a room, a permalink and a running meeting
/// made for it, so that valid requests it happens to make harm nothing
/// that is checked afterwards.
pub struct Scratch {
    pub pid: String,
    pub user_token: String,
    pub guest_token: String,
    pub room_key: String,
    room_guest_token: String,
}

impl Scratch {
    pub async fn make(app: &TestApp) -> Self {
        let permalink = app.create_permalink(json!({"name": "Scratch"})).await;
        let pid = permalink["permalink"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let user_token = permalink["permalink"]["user_token"]
            .as_str()
            .expect("ut")
            .to_owned();
        let guest_token = permalink["permalink"]["guest_token"]
            .as_str()
            .expect("gt")
            .to_owned();
        app.start_permalink(&user_token).await.expect(201);
        let room = app.create_room("scratch-room", "Sam").await;
        Self {
            pid,
            user_token,
            guest_token,
            room_key: room["access_key"].as_str().expect("ak").to_owned(),
            room_guest_token: room["room"]["guest_token"].as_str().expect("gt").to_owned(),
        }
    }

    /// Every endpoint that takes a body.
    pub fn targets(&self) -> Vec<Target> {
        let mut room = json!({"id": "scratch-room", "name": "Scratch", "user": user_body()});
        room["options"] = valid_options();
        let mut permalink = json!({"name": "Scratch", "user": user_body(),
                                   "expires_at": "2099-01-01T00:00:00Z"});
        permalink["options"] = valid_options();
        let mut update = json!({"name": "Scratch", "expires_at": "2099-01-01T00:00:00Z"});
        update["options"] = valid_options();
        let user_fields = ["user", "user.name", "user.id", "user.avatar"];
        let guest = json!({"name": "Gus", "id": "gus", "avatar": "https://example.com/g.png",
                           "email": "gus@example.com", "custom_fields": {"locale": "de"}});
        let guest_fields = [
            "name",
            "id",
            "avatar",
            "email",
            "custom_fields",
            "custom_fields.locale",
        ];
        vec![
            Target {
                method: Method::POST,
                path: "/rooms".to_owned(),
                key: true,
                valid: room,
                fields: with_options(&[
                    "id",
                    "name",
                    "user",
                    "user.name",
                    "user.id",
                    "user.avatar",
                ]),
            },
            Target {
                method: Method::POST,
                path: "/permalink".to_owned(),
                key: true,
                valid: permalink,
                fields: with_options(&[
                    "name",
                    "expires_at",
                    "user",
                    "user.name",
                    "user.id",
                    "user.avatar",
                ]),
            },
            Target {
                method: Method::PUT,
                path: format!("/permalink/{}", self.pid),
                key: true,
                valid: update,
                fields: with_options(&["name", "expires_at", "id"]),
            },
            Target::new(
                Method::POST,
                format!("/permalink/{}/users", self.pid),
                true,
                json!({"user": user_body()}),
                &user_fields,
            ),
            Target::new(
                Method::POST,
                format!("/guests/{}", self.guest_token),
                false,
                guest.clone(),
                &guest_fields,
            ),
            Target::new(
                Method::POST,
                format!("/guests/{}", self.room_guest_token),
                false,
                guest,
                &guest_fields,
            ),
            Target::new(
                Method::POST,
                format!("/rooms/{}/messages", self.room_key),
                false,
                json!({"type": "chat", "content": "hello"}),
                &["type", "content"],
            ),
        ]
    }
}

/// Things the checks afterwards compare: made before the barrage, and
/// never its target.
pub struct Kept {
    pub pid: String,
    user_token: String,
    pub guest_token: String,
    pub room_key: String,
    pub room_guest_token: String,
    permalink: Value,
    info: Value,
    room: Value,
    users: Value,
}

impl Kept {
    pub async fn make(app: &TestApp) -> Self {
        let mut extra = json!({"name": "Keep", "expires_at": "2099-06-01T12:00:00Z",
                               "user": {"id": "keeper"}});
        extra["options"] = valid_options();
        let permalink = app.create_permalink(extra).await;
        let pid = permalink["permalink"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let user_token = permalink["permalink"]["user_token"]
            .as_str()
            .expect("ut")
            .to_owned();
        let guest_token = permalink["permalink"]["guest_token"]
            .as_str()
            .expect("gt")
            .to_owned();
        let room = app
            .post(
                "/rooms",
                json!({"id": "keep-room", "name": "Keep room", "user": {"name": "Kim", "id": "kim"},
                       "options": {"widescreen": true, "lock_available": true}}),
            )
            .await
            .expect(201)
            .body;
        let room_key = room["access_key"].as_str().expect("ak").to_owned();
        let room_guest_token = room["room"]["guest_token"].as_str().expect("gt").to_owned();
        app.post_anon(
            &format!("/guests/{room_guest_token}"),
            json!({"name": "Gil", "id": "gil"}),
        )
        .await
        .expect(201);

        let mut kept = Self {
            pid,
            user_token,
            guest_token,
            room_key,
            room_guest_token,
            permalink: Value::Null,
            info: Value::Null,
            room: Value::Null,
            users: Value::Null,
        };
        let (permalink, info, room, users) = kept.look(app).await;
        kept.permalink = permalink;
        kept.info = info;
        kept.room = room;
        kept.users = users;
        kept
    }

    /// The permalink, its meeting info, the room response and the user list,
    /// with the server's address (it changes on a restart) taken out.
    async fn look(&self, app: &TestApp) -> (Value, Value, Value, Value) {
        let api = app.api_url();
        let ws = api.replacen("http://", "ws://", 1);
        let neutral = |value: Value| -> Value {
            let text = value.to_string().replace(&api, "API").replace(&ws, "WS");
            serde_json::from_str(&text).expect("json")
        };
        let permalink = app
            .get(&format!("/permalink/{}", self.pid))
            .await
            .expect(200)
            .body;
        let info = app
            .get_anon(&format!("/permalink/{}", self.user_token))
            .await
            .expect(200)
            .body;
        let room = app
            .get_anon(&format!("/rooms/{}", self.room_key))
            .await
            .expect(200)
            .body;
        let users = app.get("/rooms/keep-room/users").await.expect(200).body;
        (
            neutral(permalink),
            neutral(info),
            neutral(room),
            neutral(users),
        )
    }

    /// Everything reads back exactly as before, and the permalink still has
    /// its one host.
    pub async fn assert_unchanged(&self, app: &TestApp, when: &str) {
        let (permalink, info, room, users) = self.look(app).await;
        assert_eq!(permalink, self.permalink, "{when}: the permalink changed");
        assert_eq!(info, self.info, "{when}: the meeting info changed");
        assert_eq!(room, self.room, "{when}: the room response changed");
        assert_eq!(users, self.users, "{when}: the users changed");
        let hosts = app
            .server()
            .state
            .store
            .list_hosts(&PermalinkId::new(self.pid.as_str()))
            .await
            .expect("store answers");
        assert_eq!(hosts.len(), 1, "{when}: hosts changed");
        assert_eq!(hosts[0].user_token.as_str(), self.user_token);
    }

    /// Everything still works: the permalink starts, guests join both
    /// meetings, messages go out, the lists answer.
    pub async fn assert_working(&self, app: &TestApp) {
        let start = app.start_permalink(&self.user_token).await.expect(201).body;
        assert_eq!(start["room"]["name"], "Keep");
        assert_eq!(start["options"]["background_color"], "#123456");
        app.post_anon(
            &format!("/guests/{}", self.guest_token),
            json!({"name": "Guest"}),
        )
        .await
        .expect(201);
        app.post_anon(
            &format!("/guests/{}", self.room_guest_token),
            json!({"name": "Guest"}),
        )
        .await
        .expect(201);
        app.post_anon(
            &format!("/rooms/{}/messages", self.room_key),
            json!({"type": "chat", "content": "still here"}),
        )
        .await
        .expect(201);
        let rooms = app.get("/rooms").await.expect(200);
        assert!(rooms.text.contains("keep-room"), "{}", rooms.text);
        // Every page of every permalink still reads back.
        let mut page = 1;
        loop {
            let list = app
                .get(&format!("/permalink?limit=100&page={page}"))
                .await
                .expect(200)
                .body;
            let items = list["items"].as_array().expect("items").len();
            if items < 100 {
                break;
            }
            page += 1;
        }
        app.post_anon(&format!("/rooms/{}/lock", self.room_key), json!({}))
            .await
            .expect(201);
    }
}
