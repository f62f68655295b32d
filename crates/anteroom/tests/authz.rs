//! Who may call what: every endpoint of the route table against every kind
//! of credential (D3, D15), no way from one team into another's rooms and
//! permalinks, and no host token in anything that a guest token or an
//! access key reaches (D5).

mod common;

use common::{Reply, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

/// What a request sends as `Authorization`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cred {
    /// No header at all.
    None,
    /// A key nobody has; 24 alphanumerics, so it looks like a token too.
    Wrong,
    /// The valid key of another team.
    OtherTeam,
    /// A participant's access key of the room meeting.
    AccessKey,
    /// The permalink's guest token.
    GuestToken,
    /// The permalink's first host's user token.
    HostToken,
    /// The team's key, raw.
    Right,
    /// The team's key as `Bearer <key>` (D3).
    Bearer,
}

/// The columns of the matrix, in order.
const CREDS: [Cred; 8] = [
    Cred::None,
    Cred::Wrong,
    Cred::OtherTeam,
    Cred::AccessKey,
    Cred::GuestToken,
    Cred::HostToken,
    Cred::Right,
    Cred::Bearer,
];

/// One row: an endpoint and what each credential of [`CREDS`] gets.
struct Row {
    method: Method,
    /// With placeholders, see [`World::path`].
    path: &'static str,
    body: Option<Value>,
    expected: [u16; 8],
}

fn row(method: Method, path: &'static str, body: Option<Value>, expected: [u16; 8]) -> Row {
    Row {
        method,
        path,
        body,
        expected,
    }
}

/// The whole route table. Paths address things of the first team; a
/// placeholder stands for what [`World`] made:
/// `{pid}` the permalink id, `{ut}`/`{ut2}` its two hosts' user tokens,
/// `{pgt}` its guest token, `{rid}` the room id, `{ak}` an access key of the
/// room meeting (user `cy`), `{rgt}` the room's guest token, and the user
/// ids `cy` (host of the room) and `gus` (a guest in it).
///
/// Endpoints that take a key or token in the path need no header and work
/// whatever header is sent. Endpoints that need the API key answer 401 to
/// no key or to anything that is not a key (D3), and 404 to another team's
/// key when they address a thing (never 403). `GET /permalink/<x>` without
/// any header can only be a token lookup, so a permalink id there is an
/// unknown token: 404 (D15).
#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Method as M;
    let user = |name: &str| Some(json!({"user": {"name": name}}));
    vec![
        //                                                        none wrong other access guest host right bearer
        row(M::POST, "/rooms", Some(json!({"id": "new-room", "user": {"name": "Dee"}})),
                                                                 [401, 401, 201, 401, 401, 401, 201, 201]),
        row(M::GET, "/rooms", None,                              [401, 401, 200, 401, 401, 401, 200, 200]),
        row(M::GET, "/rooms/{ak}", None,                         [200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::DELETE, "/rooms/{ak}", None,                      [204, 204, 204, 204, 204, 204, 204, 204]),
        row(M::DELETE, "/rooms/{rid}", None,                     [401, 401, 404, 401, 401, 401, 204, 204]),
        row(M::POST, "/rooms/{ak}/lock", None,                   [201, 201, 201, 201, 201, 201, 201, 201]),
        row(M::GET, "/rooms/{rid}/users", None,                  [401, 401, 404, 401, 401, 401, 200, 200]),
        row(M::GET, "/rooms/{ak}/users/gus", None,               [200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::DELETE, "/rooms/{ak}/users/gus", None,            [200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/rooms/{ak}/messages", Some(json!({"type": "chat", "content": "hi"})),
                                                                 [201, 201, 201, 201, 201, 201, 201, 201]),
        row(M::POST, "/guests/{rgt}", Some(json!({"name": "Gil"})),
                                                                 [201, 201, 201, 201, 201, 201, 201, 201]),
        // The ten permalink calls (spec 3.3).
        row(M::POST, "/permalink", user("Eve"),                  [401, 401, 201, 401, 401, 401, 201, 201]),
        row(M::GET, "/permalink", None,                          [401, 401, 200, 401, 401, 401, 200, 200]),
        row(M::GET, "/permalink/{pid}", None,                    [404, 401, 404, 401, 401, 401, 200, 200]),
        row(M::PUT, "/permalink/{pid}", Some(json!({"name": "Renamed"})),
                                                                 [401, 401, 404, 401, 401, 401, 200, 200]),
        row(M::DELETE, "/permalink/{pid}", None,                 [401, 401, 404, 401, 401, 401, 200, 200]),
        row(M::POST, "/permalink/{pid}/users", user("Fay"),      [401, 401, 404, 401, 401, 401, 201, 201]),
        row(M::DELETE, "/permalink/{pid}/users/{ut2}", None,     [401, 401, 404, 401, 401, 401, 200, 200]),
        row(M::POST, "/permalink/{ut}", None,                    [201, 201, 201, 201, 201, 201, 201, 201]),
        row(M::GET, "/permalink/{ut}", None,                     [200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::GET, "/permalink/{pgt}", None,                    [200, 200, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/guests/{pgt}", Some(json!({"name": "Gil"})),
                                                                 [201, 201, 201, 201, 201, 201, 201, 201]),
        // The API's own description is public.
        row(M::GET, "/openapi.json", None,                       [200, 200, 200, 200, 200, 200, 200, 200]),
    ]
}

/// A team with a permalink (two hosts, a running meeting) and a room
/// meeting with a host and a guest, plus the key of a second team.
struct World {
    app: TestApp,
    other_key: String,
    pid: String,
    ut: String,
    ut2: String,
    pgt: String,
    host_ak: String,
    rid: String,
    ak: String,
    rgt: String,
    guest_ak: String,
}

impl World {
    async fn build() -> Self {
        let app = TestApp::start().await;
        let other_key = app.other_team_key("other").await;

        let permalink = app.create_permalink(json!({"user": {"id": "ann"}})).await;
        let pid = permalink["permalink"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let ut = permalink["permalink"]["user_token"]
            .as_str()
            .expect("ut")
            .to_owned();
        let pgt = permalink["permalink"]["guest_token"]
            .as_str()
            .expect("gt")
            .to_owned();
        let ut2 = app
            .post(
                &format!("/permalink/{pid}/users"),
                json!({"user": {"name": "Bea", "id": "bea"}}),
            )
            .await
            .expect(201)
            .str("/permalink/user_token");
        let host_ak = app
            .start_permalink(&ut)
            .await
            .expect(201)
            .str("/access_key");

        let room = app
            .post(
                "/rooms",
                json!({"id": "authz-room", "name": "Room", "user": {"name": "Cy", "id": "cy"},
                       "options": {"lock_available": true}}),
            )
            .await
            .expect(201);
        let rid = room.str("/room/id");
        let ak = room.str("/access_key");
        let rgt = room.str("/room/guest_token");
        let guest_ak = app
            .post_anon(
                &format!("/guests/{rgt}"),
                json!({"name": "Gus", "id": "gus"}),
            )
            .await
            .expect(201)
            .str("/access_key");

        Self {
            app,
            other_key,
            pid,
            ut,
            ut2,
            pgt,
            host_ak,
            rid,
            ak,
            rgt,
            guest_ak,
        }
    }

    fn path(&self, template: &str) -> String {
        template
            .replace("{pid}", &self.pid)
            .replace("{ut2}", &self.ut2)
            .replace("{ut}", &self.ut)
            .replace("{pgt}", &self.pgt)
            .replace("{rid}", &self.rid)
            .replace("{ak}", &self.ak)
            .replace("{rgt}", &self.rgt)
    }

    fn header(&self, cred: Cred) -> Option<String> {
        match cred {
            Cred::None => None,
            Cred::Wrong => Some("wrongKEYwrongKEYwrongKEY".to_owned()),
            Cred::OtherTeam => Some(self.other_key.clone()),
            Cred::AccessKey => Some(self.ak.clone()),
            Cred::GuestToken => Some(self.pgt.clone()),
            Cred::HostToken => Some(self.ut.clone()),
            Cred::Right => Some(self.app.key.clone()),
            Cred::Bearer => Some(format!("Bearer {}", self.app.key)),
        }
    }

    async fn call(&self, method: Method, path: &str, cred: Cred, body: Option<&Value>) -> Reply {
        let header = self.header(cred);
        let body = body.map(|b| (common::Encoding::NestedJson, b));
        self.app.send(method, path, header.as_deref(), body).await
    }

    /// Everything the world was made with still exists and works as
    /// before: the permalink with its name and both hosts, both meetings,
    /// the guest.
    async fn assert_intact(&self, after: &str) {
        let read = self.app.get(&format!("/permalink/{}", self.pid)).await;
        assert_eq!(read.status, 200, "{after}: permalink gone: {}", read.text);
        assert_eq!(read.body["room"]["name"], "Standup", "{after}: renamed");
        assert!(
            !read.body["room"]["started_at"].is_null(),
            "{after}: its meeting ended"
        );
        for token in [&self.ut, &self.ut2, &self.pgt] {
            let info = self.app.get_anon(&format!("/permalink/{token}")).await;
            assert_eq!(info.status, 200, "{after}: a token died: {}", info.text);
        }
        for key in [&self.ak, &self.guest_ak, &self.host_ak] {
            let room = self.app.get_anon(&format!("/rooms/{key}")).await;
            assert_eq!(room.status, 200, "{after}: a meeting ended: {}", room.text);
            assert_eq!(room.body["locked"], false, "{after}: locked");
        }
        let users = self.app.get(&format!("/rooms/{}/users", self.rid)).await;
        assert_eq!(users.status, 200, "{after}: {}", users.text);
        assert_eq!(
            users.body.as_array().map(Vec::len),
            Some(2),
            "{after}: users changed: {}",
            users.text
        );
    }
}

/// Asserts an error reply's shape: `{"error": "<string>"}`.
fn is_error_body(reply: &Reply) -> bool {
    reply.body.get("error").and_then(Value::as_str).is_some()
}

/// Calls one endpoint with every credential, each on a fresh world so that
/// what one credential did (a stop, a delete) does not change what the next
/// one meets. Returns the statuses seen and the cells that differ.
async fn run_row(row: Row) -> ([u16; 8], Vec<String>) {
    let mut statuses = [0u16; 8];
    let mut failures = Vec::new();
    for (column, cred) in CREDS.iter().enumerate() {
        let world = World::build().await;
        let path = world.path(row.path);
        let reply = world
            .call(row.method.clone(), &path, *cred, row.body.as_ref())
            .await;
        let status = reply.status.as_u16();
        statuses[column] = status;
        let cell = format!("{} {} with {cred:?}", row.method, row.path);
        if status != row.expected[column] {
            failures.push(format!(
                "{cell}: expected {}, got {status}: {}",
                row.expected[column], reply.text
            ));
        }
        if status >= 400 && !is_error_body(&reply) {
            failures.push(format!(
                "{cell}: error without {{\"error\"}}: {}",
                reply.text
            ));
        }
        // A refused call changes nothing.
        if status >= 400 {
            world.assert_intact(&cell).await;
        }
    }
    (statuses, failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_against_every_credential() {
    let rows: Vec<(Method, &str)> = table().iter().map(|r| (r.method.clone(), r.path)).collect();
    let tasks: Vec<_> = table()
        .into_iter()
        .map(|row| tokio::spawn(run_row(row)))
        .collect();
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for ((method, path), task) in rows.into_iter().zip(tasks) {
        let (statuses, differ) = match task.await {
            Ok(done) => done,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        };
        failures.extend(differ);
        seen.push(format!("{:<7}{path:<34}{statuses:?}", method.as_str()));
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}\n\nwhat the server answered \
         (none, wrong, other, access, guest, host, right, bearer):\n{}",
        failures.len(),
        failures.join("\n"),
        seen.join("\n")
    );
}

#[tokio::test]
async fn another_team_can_neither_read_change_list_delete_nor_stop() {
    let world = World::build().await;
    let app = &world.app;
    let b = world.other_key.as_str();
    let pid = world.pid.as_str();
    let call = |method: Method, path: String, body: Option<Value>| async move {
        let body = body.map(|b| (common::Encoding::NestedJson, b));
        app.send(method, &path, Some(b), body.as_ref().map(|(e, v)| (*e, v)))
            .await
    };

    // Read, change, add and remove hosts, delete: all as if it did not exist.
    call(Method::GET, format!("/permalink/{pid}"), None)
        .await
        .expect_error(404);
    call(
        Method::PUT,
        format!("/permalink/{pid}"),
        Some(json!({"name": "Taken", "expires_at": null})),
    )
    .await
    .expect_error(404);
    call(
        Method::POST,
        format!("/permalink/{pid}/users"),
        Some(json!({"user": {"name": "Mallory"}})),
    )
    .await
    .expect_error(404);
    for token in [&world.ut, &world.ut2] {
        call(
            Method::DELETE,
            format!("/permalink/{pid}/users/{token}"),
            None,
        )
        .await
        .expect_error(404);
    }
    call(Method::DELETE, format!("/permalink/{pid}"), None)
        .await
        .expect_error(404);

    // A permalink of its own does not open the way to the first team's
    // hosts either.
    let own = app
        .send(
            Method::POST,
            "/permalink",
            Some(b),
            Some((
                common::Encoding::NestedJson,
                &json!({"user": {"name": "Bo"}, "name": "Theirs"}),
            )),
        )
        .await
        .expect(201);
    let own_id = own.str("/permalink/id");
    for token in [&world.ut, &world.ut2] {
        call(
            Method::DELETE,
            format!("/permalink/{own_id}/users/{token}"),
            None,
        )
        .await
        .expect_error(404);
    }
    // Lists show only its own things.
    let list = call(Method::GET, "/permalink".to_owned(), None)
        .await
        .expect(200);
    assert_eq!(list.body["total"], 1, "{}", list.text);
    assert_eq!(list.body["items"][0]["permalink"]["id"], own_id.as_str());
    for secret in [pid, &world.ut, &world.ut2, &world.pgt] {
        assert!(
            !list.text.contains(secret),
            "leaked {secret}: {}",
            list.text
        );
    }
    let expired = call(Method::GET, "/permalink?expired=false".to_owned(), None)
        .await
        .expect(200);
    assert_eq!(expired.body["total"], 1, "{}", expired.text);
    let rooms = call(Method::GET, "/rooms".to_owned(), None)
        .await
        .expect(200);
    assert_eq!(rooms.body, json!([]), "{}", rooms.text);

    // Rooms: no user list, no stop, by room id or by permalink id.
    for room in [world.rid.as_str(), pid] {
        call(Method::GET, format!("/rooms/{room}/users"), None)
            .await
            .expect_error(404);
        call(Method::DELETE, format!("/rooms/{room}"), None)
            .await
            .expect_error(404);
    }

    // The same room id, or the permalink id used as a room id, starts a
    // meeting of its own: it never joins the first team's.
    for room in [world.rid.as_str(), pid] {
        let theirs = call(
            Method::POST,
            "/rooms".to_owned(),
            Some(json!({"id": room, "user": {"name": "Mallory", "id": "mallory"}})),
        )
        .await
        .expect(201);
        assert_eq!(theirs.body["room"]["id"], room);
        assert_eq!(theirs.body["team"]["name"], "other");
        assert_ne!(theirs.body["room"]["guest_token"], world.rgt.as_str());
        assert_ne!(theirs.body["room"]["guest_token"], world.pgt.as_str());
        let users = call(Method::GET, format!("/rooms/{room}/users"), None)
            .await
            .expect(200);
        let ids: Vec<&str> = users
            .body
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|u| u["id"].as_str())
            .collect();
        assert_eq!(ids, ["mallory"], "only its own user: {}", users.text);
        // And stopping its own leaves the first team's running.
        call(Method::DELETE, format!("/rooms/{room}"), None)
            .await
            .expect(204);
    }
    let rooms = call(Method::GET, "/rooms".to_owned(), None)
        .await
        .expect(200);
    assert_eq!(rooms.body, json!([]), "{}", rooms.text);

    // The first team sees everything as it was.
    world.assert_intact("after the other team").await;
    let mine = app.get("/rooms").await.expect(200);
    let mut ids: Vec<&str> = mine
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    ids.sort_unstable();
    let mut want = vec![world.rid.as_str(), pid];
    want.sort_unstable();
    assert_eq!(ids, want, "{}", mine.text);
    let list = app.get("/permalink").await.expect(200);
    assert_eq!(list.body["total"], 1, "{}", list.text);
    assert_eq!(list.body["items"][0]["room"]["name"], "Standup");
    for user in ["cy", "gus"] {
        let users = app.get(&format!("/rooms/{}/users", world.rid)).await;
        assert!(users.text.contains(user), "{}", users.text);
        assert!(!users.text.contains("mallory"), "{}", users.text);
    }
}

/// Every text that could be a secret in the world: each host's user token
/// and each participant's access key.
struct Secrets {
    user_tokens: Vec<String>,
    access_keys: Vec<String>,
}

impl Secrets {
    /// Fails if `reply` shows a user token, or an access key other than
    /// the caller's own (`own`).
    #[track_caller]
    fn assert_clean(&self, what: &str, reply: &Reply, own: Option<&str>) {
        for token in &self.user_tokens {
            assert!(
                !reply.text.contains(token.as_str()),
                "D5: {what} shows the host token {token}: {}",
                reply.text
            );
        }
        for key in &self.access_keys {
            if Some(key.as_str()) == own {
                continue;
            }
            assert!(
                !reply.text.contains(key.as_str()),
                "D5: {what} shows another user's access key {key}: {}",
                reply.text
            );
        }
    }
}

/// Calls every endpoint reachable with a guest token or an access key and
/// scans each answer. The header of these calls does not matter, so none
/// is sent.
async fn scan(app: &TestApp, secrets: &mut Secrets, guest_tokens: &[&str], user_ids: &[&str]) {
    for token in guest_tokens {
        let info = app.get_anon(&format!("/permalink/{token}")).await;
        secrets.assert_clean(&format!("GET /permalink/{token}"), &info, None);

        let guest = app
            .post_anon(&format!("/guests/{token}"), json!({"name": "Gwen"}))
            .await;
        let own = guest.body["access_key"].as_str().map(str::to_owned);
        secrets.assert_clean(&format!("POST /guests/{token}"), &guest, own.as_deref());
        if let Some(own) = own {
            secrets.access_keys.push(own);
        }
        let bad = app.post_anon(&format!("/guests/{token}"), json!({})).await;
        secrets.assert_clean("a refused guest", &bad, None);
    }

    let keys = secrets.access_keys.clone();
    for key in &keys {
        let own = Some(key.as_str());
        let room = app.get_anon(&format!("/rooms/{key}")).await;
        secrets.assert_clean(&format!("GET /rooms/{key}"), &room, own);
        for user in user_ids {
            let shown = app.get_anon(&format!("/rooms/{key}/users/{user}")).await;
            secrets.assert_clean(&format!("GET /rooms/{key}/users/{user}"), &shown, own);
        }
        let unknown = app.get_anon(&format!("/rooms/{key}/users/nobody")).await;
        secrets.assert_clean("an unknown user", &unknown, own);
        let sent = app
            .post_anon(
                &format!("/rooms/{key}/messages"),
                json!({"type": "chat", "content": "hello"}),
            )
            .await;
        secrets.assert_clean("a message", &sent, own);
        let refused = app
            .post_anon(&format!("/rooms/{key}/messages"), json!({"type": "x"}))
            .await;
        secrets.assert_clean("a refused message", &refused, own);
    }
}

#[tokio::test]
async fn nothing_a_guest_or_access_key_reaches_shows_a_host_token() {
    let world = World::build().await;
    let app = &world.app;
    let mut secrets = Secrets {
        user_tokens: vec![world.ut.clone(), world.ut2.clone()],
        access_keys: vec![
            world.ak.clone(),
            world.guest_ak.clone(),
            world.host_ak.clone(),
        ],
    };
    let users = ["ann", "bea", "cy", "gus"];
    scan(
        app,
        &mut secrets,
        &[&world.pgt, &world.rgt].map(String::as_str),
        &users,
    )
    .await;

    // The second host joins too, and a third host is added: still nothing.
    let second = app.start_permalink(&world.ut2).await.expect(201);
    secrets.access_keys.push(second.str("/access_key"));
    let third = app
        .post(
            &format!("/permalink/{}/users", world.pid),
            json!({"user": {"name": "Cal", "id": "cal"}}),
        )
        .await
        .expect(201)
        .str("/permalink/user_token");
    secrets.user_tokens.push(third.clone());
    let joined = app.start_permalink(&third).await.expect(201);
    secrets.access_keys.push(joined.str("/access_key"));
    scan(
        app,
        &mut secrets,
        &[&world.pgt, &world.rgt].map(String::as_str),
        &users,
    )
    .await;

    // A host's own start call shows its own access key and nothing of
    // the other hosts; meeting info by a user token shows no token.
    let start = app.start_permalink(&world.ut).await.expect(201);
    let own = start.str("/access_key");
    for other in [&world.ut2, &third] {
        assert!(!start.text.contains(other.as_str()), "{}", start.text);
    }
    for key in &secrets.access_keys {
        assert!(!start.text.contains(key.as_str()), "{}", start.text);
    }
    secrets.access_keys.push(own);
    for token in [&world.ut, &world.ut2, &third] {
        let info = app
            .get_anon(&format!("/permalink/{token}"))
            .await
            .expect(200);
        secrets.assert_clean("meeting info by a user token", &info, None);
    }

    // After the end, what the keys answer is still clean.
    app.delete_anon(&format!("/rooms/{}", world.ak))
        .await
        .expect(204);
    app.delete_anon(&format!("/rooms/{}", world.host_ak))
        .await
        .expect(204);
    let keys = secrets.access_keys.clone();
    for key in &keys {
        let gone = app
            .get_anon(&format!("/rooms/{key}"))
            .await
            .expect_error(410);
        secrets.assert_clean("an ended meeting", &gone, Some(key));
        let stop = app.delete_anon(&format!("/rooms/{key}")).await;
        secrets.assert_clean("a second stop", &stop, Some(key));
    }
    scan(
        app,
        &mut secrets,
        &[&world.pgt, &world.rgt].map(String::as_str),
        &users,
    )
    .await;
}

#[tokio::test]
async fn only_the_whole_key_in_the_documented_forms_is_accepted() {
    let app = TestApp::start().await;
    let key = app.key.clone();
    let prefix = &key[..key.len() - 1];
    let accepted = [
        key.clone(),
        format!("Bearer {key}"),
        format!("bearer {key}"),
        format!("  {key}  "),
    ];
    for header in &accepted {
        app.send(Method::GET, "/rooms", Some(header), None)
            .await
            .expect(200);
    }
    let refused = [
        String::new(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer wrong".to_owned(),
        format!("Basic {key}"),
        format!("Token {key}"),
        format!("{key}x"),
        format!("x{key}"),
        prefix.to_owned(),
        format!("{key} {key}"),
        format!("Bearer Bearer {key}"),
        key.to_uppercase(),
    ];
    for header in &refused {
        let reply = app
            .send(Method::GET, "/rooms", Some(header), None)
            .await
            .expect_error(401);
        assert!(!reply.text.contains(&key), "{}", reply.text);
    }
    // Bytes that are not text at all.
    let response = app
        .client
        .get(format!("{}/rooms", app.base))
        .header(
            "Authorization",
            reqwest::header::HeaderValue::from_bytes(b"\xff\xfe key").expect("header"),
        )
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    assert!(body["error"].is_string(), "{body}");
}
