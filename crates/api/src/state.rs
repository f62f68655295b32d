//! What every handler can reach.

use std::sync::Arc;

use anteroom_domain::{Team, TeamId};
use anteroom_store::Store;

use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::error::{ApiError, ApiResult};
use crate::events::Hub;
use crate::meetings::Meetings;

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ApiConfig>,
    pub meetings: Arc<Meetings>,
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
        }
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
