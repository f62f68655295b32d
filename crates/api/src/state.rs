//! What every handler can reach.

use std::sync::Arc;

use anteroom_domain::{Team, TeamId};
use anteroom_store::Store;

use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::error::{ApiError, ApiResult};
use crate::events::Hub;
use crate::meetings::Meetings;
use crate::realtime::{MediaPort, NoMedia, Sessions};

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ApiConfig>,
    pub meetings: Arc<Meetings>,
    /// The media engine behind the realtime connection's `sdp` messages.
    pub media: Arc<dyn MediaPort>,
    /// The open realtime connections.
    pub realtime: Arc<Sessions>,
}

impl AppState {
    /// Wires the state together.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ApiConfig) -> Self {
        let hub = Arc::new(Hub::default());
        let meetings = Arc::new(Meetings::new(
            store.clone(),
            clock.clone(),
            config.timeouts,
            hub,
        ));
        Self {
            store,
            clock,
            config: Arc::new(config),
            meetings,
            media: Arc::new(NoMedia),
            realtime: Arc::new(Sessions::default()),
        }
    }

    /// Puts a media engine behind the realtime connections; without one,
    /// they refuse media negotiation.
    pub fn with_media(mut self, media: Arc<dyn MediaPort>) -> Self {
        self.media = media;
        self
    }

    /// The team that owns something found by token. A token whose team is
    /// gone is as good as unknown.
    pub async fn team(&self, id: &TeamId) -> ApiResult<Team> {
        self.store
            .find_team(id)
            .await?
            .ok_or_else(|| ApiError::not_found("unknown team"))
    }
}
