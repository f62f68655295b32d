//! Starting and stopping the server: store, state, listener, background
//! tasks.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use tokio::task::JoinHandle;

use anteroom_api::config::RealtimeTimings;
use anteroom_api::webhooks::{self, SenderHandle, WebhookConfig};
use anteroom_api::{ApiConfig, AppState, Clock, router};
use anteroom_domain::Timeouts;
use anteroom_sfu::{Sfu, SfuAddrs, SfuConfig};
use anteroom_store::{SqliteStore, Store};

use crate::keys;
use crate::media::SfuMedia;

/// Name of the database file inside the data folder.
pub const DATABASE_FILE: &str = "anteroom.sqlite3";

/// Everything needed to start a server.
pub struct ServerOptions {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub api_url: Option<String>,
    pub app_url: Option<String>,
    pub timeouts: Timeouts,
    /// PEM certificate chain and key, for HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A key that must exist (`ANTEROOM_API_KEY`).
    pub api_key: Option<String>,
    pub clock: Arc<dyn Clock>,
    /// How often idle and empty meetings are looked for.
    pub sweep_every: Duration,
}

/// A server that is listening.
pub struct RunningServer {
    pub api_url: String,
    pub app_url: String,
    pub local_addr: SocketAddr,
    pub state: AppState,
    /// The key of the team made on this first start, to be shown once.
    pub first_key: Option<String>,
    /// The SFU's sockets, when it runs one.
    pub media: Option<SfuAddrs>,
    sfu: Option<Sfu>,
    store: SqliteStore,
    handle: Handle,
    serve: JoinHandle<std::io::Result<()>>,
    sweeper: JoinHandle<()>,
    webhooks: SenderHandle,
}

/// Opens the store, binds the listener and starts serving.
pub async fn start(options: ServerOptions) -> anyhow::Result<RunningServer> {
    start_with(options, RealtimeTimings::default()).await
}

/// [`start`] with other timings for the live connections; tests shorten
/// them rather than wait.
pub async fn start_with(
    options: ServerOptions,
    realtime: RealtimeTimings,
) -> anyhow::Result<RunningServer> {
    start_with_webhooks(options, realtime, WebhookConfig::default()).await
}

/// [`start_with`] with chosen webhook delivery settings (the command line's
/// `--webhooks-*` flags; tests allow loopback receivers and retry fast).
pub async fn start_with_webhooks(
    options: ServerOptions,
    realtime: RealtimeTimings,
    webhooks: WebhookConfig,
) -> anyhow::Result<RunningServer> {
    start_with_media(options, realtime, webhooks, None).await
}

/// [`start_with_webhooks`] with the embedded SFU on the sockets chosen (the
/// command line's `--media-udp`, `--media-tcp` and `--public-ip`). The
/// other entry points run without one: the realtime connections then
/// refuse media negotiation, which the API's tests need no more than that.
pub async fn start_with_media(
    options: ServerOptions,
    realtime: RealtimeTimings,
    webhooks: WebhookConfig,
    media: Option<SfuConfig>,
) -> anyhow::Result<RunningServer> {
    std::fs::create_dir_all(&options.data_dir)
        .with_context(|| format!("creating {}", options.data_dir.display()))?;
    let store = SqliteStore::open(&options.data_dir.join(DATABASE_FILE))
        .await
        .context("opening the database")?;
    protect_database(&options.data_dir);
    let now = options.clock.now();
    let first_key = match &options.api_key {
        Some(key) => {
            keys::ensure(&store, key, now).await?;
            None
        }
        None => keys::first_start(&store, now).await?,
    };

    let listener = TcpListener::bind(options.listen)
        .with_context(|| format!("listening on {}", options.listen))?;
    listener.set_nonblocking(true)?;
    let local_addr = listener.local_addr()?;
    let scheme = if options.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let api_url = trim_slash(
        options
            .api_url
            .unwrap_or_else(|| format!("{scheme}://localhost:{}", local_addr.port())),
    );
    let app_url = trim_slash(options.app_url.unwrap_or_else(|| format!("{api_url}/app")));

    let config = ApiConfig {
        api_url: api_url.clone(),
        app_url: app_url.clone(),
        timeouts: options.timeouts,
        realtime,
        webhooks,
    };
    let sfu = match media {
        Some(media) => Some(
            anteroom_sfu::start(media)
                .await
                .context("starting the media engine")?,
        ),
        None => None,
    };
    let shared: Arc<dyn Store> = Arc::new(store.clone());
    let mut state = AppState::new(shared, options.clock.clone(), config);
    if let Some(sfu) = &sfu {
        state = state.with_media(Arc::new(SfuMedia::new(sfu.handle())));
    }
    let restored = state.meetings.restore().await?;
    tracing::info!(restored, "running meetings picked up");
    let webhooks = webhooks::spawn_sender(&state);

    let app = router(state.clone()).into_make_service();
    let handle = Handle::new();
    let serve = match options.tls {
        Some((cert, key)) => {
            let tls = RustlsConfig::from_pem_file(&cert, &key)
                .await
                .with_context(|| format!("reading {} and {}", cert.display(), key.display()))?;
            let server = axum_server::from_tcp_rustls(listener, tls).handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
        None => {
            let server = axum_server::from_tcp(listener).handle(handle.clone());
            tokio::spawn(server.serve(app))
        }
    };
    let sweeper = tokio::spawn(sweep(state.clone(), options.sweep_every));

    Ok(RunningServer {
        api_url,
        app_url,
        local_addr,
        state,
        first_key,
        media: sfu.as_ref().map(Sfu::addrs),
        sfu,
        store,
        handle,
        serve,
        sweeper,
        webhooks,
    })
}

/// The database holds what signs webhooks (docs/webhooks.md), so only the
/// server's own user may read it.
fn protect_database(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.join(format!("{DATABASE_FILE}{suffix}"));
        if path.exists()
            && let Err(error) =
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(%error, path = %path.display(), "could not make the database private");
        }
    }
}

fn trim_slash(url: String) -> String {
    url.trim_end_matches('/').to_owned()
}

/// Ends idle and empty meetings as their time comes.
async fn sweep(state: AppState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = state.meetings.sweep().await {
            tracing::error!(%error, "ending idle meetings failed");
        }
    }
}

impl RunningServer {
    /// Waits until the server stops by itself.
    pub async fn wait(&mut self) -> anyhow::Result<()> {
        (&mut self.serve).await??;
        Ok(())
    }

    /// Stops accepting requests, lets running ones finish, and closes the
    /// store.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.sweeper.abort();
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        self.serve.await??;
        // Tells every client its media ended, instead of leaving it to time out.
        if let Some(sfu) = self.sfu {
            sfu.shutdown().await;
        }
        self.webhooks.stop().await;
        self.store.close().await;
        Ok(())
    }
}
