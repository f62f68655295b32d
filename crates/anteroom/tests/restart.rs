//! The real binary: its ready line, first-start key, key management, and
//! that everything survives a restart on the same data folder.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_anteroom");

/// A server process and what it printed before it was ready.
struct Process {
    child: Child,
    api: String,
    app: String,
    printed: Vec<String>,
}

fn spawn(data: &Path, api_key: Option<&str>) -> Process {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env_remove("ANTEROOM_API_KEY")
        .env("ANTEROOM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(key) = api_key {
        command.env("ANTEROOM_API_KEY", key);
    }
    let mut child = command.spawn().expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("stdout line");
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("anteroom ready ") {
            let field = |name: &str| {
                rest.split_whitespace()
                    .find_map(|part| part.strip_prefix(&format!("{name}=")))
                    .unwrap_or_else(|| panic!("{name}= in {line}"))
                    .to_owned()
            };
            return Process {
                api: field("api"),
                app: field("app"),
                child,
                printed,
            };
        }
    }
    // The process ended or closed stdout without a ready line: reap it
    // before failing, so no zombie is left behind.
    let _ = child.kill();
    let _ = child.wait();
    panic!("no ready line; printed {printed:?}");
}

fn stop(mut process: Process, gracefully: bool) {
    if gracefully {
        let pid = process.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "SIGTERM sent");
        let status = process.child.wait().expect("exit");
        assert!(status.success(), "clean exit after SIGTERM: {status}");
    } else {
        process.child.kill().expect("killed");
        process.child.wait().expect("reaped");
    }
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, url).timeout(Duration::from_secs(10));
    if let Some(key) = key {
        request = request.header("Authorization", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn first_start_prints_a_key_and_keys_can_be_managed() {
    let dir = tempfile::tempdir().expect("dir");
    let server = spawn(dir.path(), None);
    let key = server
        .printed
        .iter()
        .find(|line| line.starts_with("  "))
        .map(|line| line.trim().to_owned())
        .expect("the first key is printed");
    assert!(server.app.starts_with(&server.api) && server.app.ends_with("/app"));
    let client = reqwest::Client::new();
    let list = format!("{}/permalink", server.api);
    let (status, _) = call(
        &client,
        reqwest::Method::GET,
        list.clone(),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, 200);
    stop(server, true);

    // A second start prints no key: the store is not empty any more.
    let again = spawn(dir.path(), None);
    assert_eq!(
        again.printed.len(),
        1,
        "only the ready line: {:?}",
        again.printed
    );
    stop(again, true);

    // keys create / list / revoke work on the same data folder.
    let created = Command::new(BIN)
        .args(["keys", "--data-dir"])
        .arg(dir.path())
        .args(["create", "--team", "acme"])
        .output()
        .expect("keys create");
    assert!(created.status.success());
    let acme_key = String::from_utf8(created.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert_eq!(acme_key.len(), 40);

    // The folder may also follow the subcommand, as the README writes it.
    let listed = Command::new(BIN)
        .args(["keys", "list", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("keys list");
    let listed = String::from_utf8(listed.stdout).expect("utf-8");
    assert!(
        !listed.contains(&acme_key),
        "plain keys are never shown again"
    );
    let acme_line = listed
        .lines()
        .find(|line| line.contains("team=acme"))
        .expect("acme listed");
    let acme_id = acme_line.split('\t').next().expect("id");

    let server = spawn(dir.path(), None);
    let url = format!("{}/permalink", server.api);
    let (status, _) = call(
        &client,
        reqwest::Method::GET,
        url.clone(),
        Some(&acme_key),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let revoked = Command::new(BIN)
        .args(["keys", "--data-dir"])
        .arg(dir.path())
        .args(["revoke", acme_id])
        .status()
        .expect("keys revoke");
    assert!(revoked.success());
    let (status, body) = call(&client, reqwest::Method::GET, url, Some(&acme_key), None).await;
    assert_eq!(status, 401, "a revoked key is refused at once: {body}");
    stop(server, true);
}

#[tokio::test]
async fn permalinks_hosts_and_tokens_survive_restarts() {
    let dir = tempfile::tempdir().expect("dir");
    let key = "restartTestKey0123456789abcdefghijklmnop";
    let client = reqwest::Client::new();
    let server = spawn(dir.path(), Some(key));

    let mut permalinks = Vec::new();
    for name in ["One", "Two", "Three"] {
        let body = json!({"name": name, "user": {"name": "Ann"}, "options": {"widescreen": true}});
        let url = format!("{}/permalink", server.api);
        let (status, created) =
            call(&client, reqwest::Method::POST, url, Some(key), Some(body)).await;
        assert_eq!(status, 201);
        permalinks.push(created);
    }
    let id = permalinks[0]["permalink"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let url = format!("{}/permalink/{id}/users", server.api);
    let body = json!({"user": {"name": "Bea"}});
    let (status, second_host) =
        call(&client, reqwest::Method::POST, url, Some(key), Some(body)).await;
    assert_eq!(status, 201);
    let bea_token = second_host["permalink"]["user_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let ann_token = permalinks[0]["permalink"]["user_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let url = format!("{}/permalink/{ann_token}", server.api);
    let (status, started) = call(&client, reqwest::Method::POST, url, None, None).await;
    assert_eq!(status, 201);
    let access_key = started["access_key"]
        .as_str()
        .expect("access key")
        .to_owned();
    stop(server, true);

    // A graceful restart, then a crash and another start.
    for gracefully in [false, true] {
        let server = spawn(dir.path(), Some(key));
        let url = format!("{}/permalink", server.api);
        let (status, list) = call(&client, reqwest::Method::GET, url, Some(key), None).await;
        assert_eq!(status, 200);
        assert_eq!(list["total"], 3);
        for before in &permalinks {
            let id = before["permalink"]["id"].as_str().expect("id");
            let url = format!("{}/permalink/{id}", server.api);
            let (status, now) = call(&client, reqwest::Method::GET, url, Some(key), None).await;
            assert_eq!(status, 200);
            assert_eq!(now["permalink"], before["permalink"]);
            assert_eq!(now["options"], before["options"]);
            let guest = before["permalink"]["guest_token"]
                .as_str()
                .expect("guest token");
            let url = format!("{}/permalink/{guest}", server.api);
            let (status, _) = call(&client, reqwest::Method::GET, url, None, None).await;
            assert_eq!(status, 200, "guest token works after restart");
        }

        // The meeting started before the restart still runs, with its key.
        let url = format!("{}/rooms/{access_key}", server.api);
        let (status, room) = call(&client, reqwest::Method::GET, url, None, None).await;
        assert_eq!(status, 200);
        assert_eq!(room["room"]["id"], id.as_str());
        assert_eq!(
            room["links"]["self"],
            format!("{}/rooms/{access_key}", server.api)
        );

        // Both hosts can still start or join it.
        for token in [&ann_token, &bea_token] {
            let url = format!("{}/permalink/{token}", server.api);
            let (status, joined) = call(&client, reqwest::Method::POST, url, None, None).await;
            assert_eq!(status, 201);
            assert_eq!(joined["room"]["started_at"], started["room"]["started_at"]);
        }
        stop(server, gracefully);
    }
}
