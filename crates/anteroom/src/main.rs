//! The `anteroom` command.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use anteroom::cli::{Cli, Command, DataArgs, KeysCommand, ServeArgs};
use anteroom::keys;
use anteroom::server::{self, DATABASE_FILE, ServerOptions};
use anteroom_api::{Clock, SystemClock};
use anteroom_domain::Timeouts;
use anteroom_store::SqliteStore;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr, so stdout carries only what scripts read.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("ANTEROOM_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    match Cli::parse().command {
        Command::Serve(args) => serve(args).await,
        Command::Keys { data, command } => manage_keys(data, command).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let webhooks = args.webhooks.config();
    let options = ServerOptions {
        listen: args.listen,
        data_dir: args.data.data_dir,
        api_url: args.api_url,
        app_url: args.app_url,
        timeouts: Timeouts {
            idle: time::Duration::seconds(i64::from(args.idle_timeout)),
            empty: time::Duration::seconds(i64::from(args.empty_timeout)),
        },
        tls: args.tls_cert.zip(args.tls_key),
        api_key: std::env::var("ANTEROOM_API_KEY").ok(),
        clock: Arc::new(SystemClock),
        sweep_every: Duration::from_secs(1),
    };
    let stop = shutdown_signal()?;
    let realtime = anteroom_api::config::RealtimeTimings::default();
    let media = Some(args.media.config());
    let mut running = server::start_with_media(options, realtime, webhooks, media).await?;

    let mut out = std::io::stdout().lock();
    if let Some(key) = &running.first_key {
        writeln!(
            out,
            "anteroom created the team \"default\"; its API key, shown only now:"
        )?;
        writeln!(out, "  {key}")?;
    }
    // Scripts and tests read this line: new fields go at the end.
    write!(
        out,
        "anteroom ready api={} app={}",
        running.api_url, running.app_url
    )?;
    if let Some(media) = running.media {
        write!(out, " udp={}", media.udp)?;
        if let Some(tcp) = media.tcp {
            write!(out, " tcp={tcp}")?;
        }
    }
    writeln!(out)?;
    out.flush()?;
    drop(out);

    tokio::select! {
        result = running.wait() => result,
        () = stop => {
            tracing::info!("shutting down");
            running.shutdown().await
        }
    }
}

/// Registers for SIGINT and SIGTERM now, so a signal that arrives right
/// after the ready line still stops the server cleanly.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

async fn manage_keys(data: DataArgs, command: KeysCommand) -> anyhow::Result<()> {
    std::fs::create_dir_all(&data.data_dir)
        .with_context(|| format!("creating {}", data.data_dir.display()))?;
    let store = SqliteStore::open(&data.data_dir.join(DATABASE_FILE)).await?;
    let now = SystemClock.now();
    let result = match command {
        KeysCommand::Create { team } => {
            let (id, plain) = keys::create(&store, &team, now).await?;
            println!("{plain}");
            eprintln!("created key {id} for team {team}; it is shown only now");
            Ok(())
        }
        KeysCommand::List => keys::list(&store).await,
        KeysCommand::Revoke { id } => keys::revoke(&store, &id, now).await,
    };
    store.close().await;
    result
}
