//! The command line.

use std::net::SocketAddr;
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
    #[arg(long, env = "ANTEROOM_DATA_DIR", default_value = "./anteroom-data")]
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
}
