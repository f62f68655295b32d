//! The command line.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Self-hosted video meetings with permanent links, speaking the Eyeson REST API.
#[derive(Debug, Parser)]
#[command(name = "anteroom", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage API keys.
    Keys {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: KeysCommand,
    },
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Folder holding the SQLite database.
    #[arg(
        long,
        env = "ANTEROOM_DATA_DIR",
        default_value = "./anteroom-data",
        global = true
    )]
    pub data_dir: PathBuf,
}

/// Settings of `anteroom serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, env = "ANTEROOM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub data: DataArgs,

    /// Base URL of the REST API in links [default: http://localhost:<port>].
    #[arg(long, env = "ANTEROOM_API_URL")]
    pub api_url: Option<String>,

    /// Base URL of the web app in links [default: <api-url>/app].
    #[arg(long, env = "ANTEROOM_APP_URL")]
    pub app_url: Option<String>,

    /// Seconds a meeting may run before anybody connects.
    #[arg(long, env = "ANTEROOM_IDLE_TIMEOUT", default_value_t = 120)]
    pub idle_timeout: u32,

    /// Seconds a meeting runs on after the last participant left.
    #[arg(long, env = "ANTEROOM_EMPTY_TIMEOUT", default_value_t = 60)]
    pub empty_timeout: u32,

    /// PEM certificate chain; with --tls-key, serve HTTPS.
    #[arg(long, env = "ANTEROOM_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "ANTEROOM_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    #[command(flatten)]
    pub webhooks: Box<WebhookArgs>,

    #[command(flatten)]
    pub media: MediaArgs,
}

/// Where the SFU's media sockets listen. The defaults serve clients on this
/// host only; a reachable server binds fixed ports on every interface and
/// names its public address, e.g. `--media-udp 0.0.0.0:7882 --media-tcp
/// 0.0.0.0:7881 --public-ip 203.0.113.7`.
#[derive(Debug, Clone, Args)]
pub struct MediaArgs {
    /// UDP address of the one media socket all participants share; port 0
    /// picks a free one (shown as `udp=` in the ready line).
    #[arg(long, env = "ANTEROOM_MEDIA_UDP", default_value = "127.0.0.1:0")]
    pub media_udp: SocketAddr,

    /// TCP address for ICE over TCP, for networks that block UDP; `off`
    /// offers UDP only.
    #[arg(long, env = "ANTEROOM_MEDIA_TCP", default_value = "127.0.0.1:0")]
    pub media_tcp: MediaTcp,

    /// The IP clients reach the media sockets at, put in ICE candidates
    /// [default: the bound IP; loopback, with a warning, when bound to
    /// 0.0.0.0].
    #[arg(long, env = "ANTEROOM_PUBLIC_IP")]
    pub public_ip: Option<IpAddr>,
}

impl MediaArgs {
    /// The settings these flags make.
    pub fn config(&self) -> anteroom_sfu::SfuConfig {
        anteroom_sfu::SfuConfig {
            udp: self.media_udp,
            tcp: self.media_tcp.0,
            public_ip: self.public_ip,
        }
    }
}

/// `--media-tcp`: an address, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaTcp(pub Option<SocketAddr>);

impl std::str::FromStr for MediaTcp {
    type Err = std::net::AddrParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("off") {
            return Ok(Self(None));
        }
        s.parse().map(|addr| Self(Some(addr)))
    }
}

/// How webhooks are delivered (docs/webhooks.md).
#[derive(Debug, Clone, Args)]
pub struct WebhookArgs {
    /// Let webhooks point to loopback and private addresses (refused by
    /// default, so that an API key cannot reach inside the network).
    #[arg(long, env = "ANTEROOM_WEBHOOKS_ALLOW_PRIVATE")]
    pub webhooks_allow_private: bool,

    /// Milliseconds before the first retry of a failed delivery; each next
    /// retry waits twice as long.
    #[arg(
        long,
        env = "ANTEROOM_WEBHOOKS_BACKOFF_BASE_MS",
        default_value_t = 1000
    )]
    pub webhooks_backoff_base_ms: u64,

    /// Longest wait between two attempts, in seconds.
    #[arg(
        long,
        env = "ANTEROOM_WEBHOOKS_BACKOFF_MAX_SECS",
        default_value_t = 600
    )]
    pub webhooks_backoff_max_secs: u64,

    /// Hours of retrying after which an event is dropped.
    #[arg(long, env = "ANTEROOM_WEBHOOKS_RETRY_HOURS", default_value_t = 24)]
    pub webhooks_retry_hours: u64,

    /// Milliseconds one delivery may take.
    #[arg(long, env = "ANTEROOM_WEBHOOKS_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhooks_timeout_ms: u64,
}

impl WebhookArgs {
    /// The settings these flags make.
    pub fn config(&self) -> anteroom_api::webhooks::WebhookConfig {
        use std::time::Duration;
        anteroom_api::webhooks::WebhookConfig {
            allow_private: self.webhooks_allow_private,
            backoff_base: Duration::from_millis(self.webhooks_backoff_base_ms.max(1)),
            backoff_max: Duration::from_secs(self.webhooks_backoff_max_secs.max(1)),
            give_up_after: Duration::from_secs(self.webhooks_retry_hours.saturating_mul(3600)),
            timeout: Duration::from_millis(self.webhooks_timeout_ms.max(1)),
        }
    }
}

/// `anteroom keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key for a team (the team is created if it does not exist)
    /// and print it once.
    Create {
        /// The team's name.
        #[arg(long)]
        team: String,
    },
    /// List keys: id, team, created, revoked.
    List,
    /// Revoke a key by id; requests with it get 401 from then on.
    Revoke {
        /// The key's id, as `keys list` shows it.
        id: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn media_flags_default_to_free_loopback_ports_and_tcp_can_be_off() {
        use clap::Parser;

        use super::Command;

        let serve = |args: &[&str]| match Cli::parse_from(args).command {
            Command::Serve(serve) => serve.media.config(),
            Command::Keys { .. } => panic!("not serve"),
        };
        let defaults = serve(&["anteroom", "serve"]);
        let loopback = "127.0.0.1:0".parse().ok();
        assert_eq!(Some(defaults.udp), loopback);
        assert_eq!(defaults.tcp, loopback);
        assert_eq!(defaults.public_ip, None);

        let set = serve(&[
            "anteroom",
            "serve",
            "--media-udp",
            "0.0.0.0:7882",
            "--media-tcp",
            "off",
            "--public-ip",
            "203.0.113.7",
        ]);
        assert_eq!(set.udp, "0.0.0.0:7882".parse().expect("addr"));
        assert_eq!(set.tcp, None);
        assert_eq!(set.public_ip, "203.0.113.7".parse().ok());
    }
}
