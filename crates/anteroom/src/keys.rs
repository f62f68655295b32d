//! Teams and API keys: creating, listing, revoking, and the first start.

use anyhow::{Context, bail};
use time::OffsetDateTime;

use anteroom_api::meetings::os_rng;
use anteroom_domain::team::{generate_key, hash_key};
use anteroom_domain::timestamp::format_millis;
use anteroom_domain::{ApiKey, ApiKeyId, Team, TeamId};
use anteroom_store::Store;

/// Name of the team made on first start.
const FIRST_TEAM: &str = "default";

/// Makes a key for the named team, creating the team if needed; returns the
/// plain key, which is not stored.
pub async fn create(
    store: &dyn Store,
    team_name: &str,
    now: OffsetDateTime,
) -> anyhow::Result<(ApiKeyId, String)> {
    let team = team_named(store, team_name, now).await?;
    let plain = generate_key(&mut os_rng());
    let id = insert_key(store, &team, &plain, now).await?;
    Ok((id, plain))
}

async fn team_named(store: &dyn Store, name: &str, now: OffsetDateTime) -> anyhow::Result<Team> {
    if name.trim().is_empty() {
        bail!("a team name must not be empty");
    }
    if let Some(team) = store.find_team_by_name(name).await? {
        return Ok(team);
    }
    let team = Team {
        id: TeamId::generate(&mut os_rng()),
        name: name.to_owned(),
        created_at: now,
    };
    store.insert_team(&team).await?;
    Ok(team)
}

async fn insert_key(
    store: &dyn Store,
    team: &Team,
    plain: &str,
    now: OffsetDateTime,
) -> anyhow::Result<ApiKeyId> {
    let key = ApiKey {
        id: ApiKeyId::generate(&mut os_rng()),
        team_id: team.id.clone(),
        hash: hash_key(plain),
        created_at: now,
        revoked_at: None,
    };
    store.insert_api_key(&key).await?;
    Ok(key.id)
}

/// On first start with an empty store, creates a team and returns its key
/// so it can be printed once.
pub async fn first_start(store: &dyn Store, now: OffsetDateTime) -> anyhow::Result<Option<String>> {
    if store.has_teams().await? {
        return Ok(None);
    }
    let (_, plain) = create(store, FIRST_TEAM, now).await?;
    Ok(Some(plain))
}

/// Makes sure a team holding exactly this key exists (`ANTEROOM_API_KEY`).
pub async fn ensure(store: &dyn Store, plain: &str, now: OffsetDateTime) -> anyhow::Result<()> {
    if plain.trim().is_empty() {
        bail!("ANTEROOM_API_KEY must not be empty");
    }
    if store.find_api_key(&hash_key(plain)).await?.is_some() {
        return Ok(());
    }
    let team = team_named(store, FIRST_TEAM, now).await?;
    insert_key(store, &team, plain, now)
        .await
        .context("storing ANTEROOM_API_KEY (was it revoked?)")?;
    Ok(())
}

/// Prints every key, one per line.
pub async fn list(store: &dyn Store) -> anyhow::Result<()> {
    for (key, team) in store.list_api_keys().await? {
        let revoked = key
            .revoked_at
            .map_or_else(|| String::from("-"), format_millis);
        println!(
            "{}\tteam={}\tcreated={}\trevoked={}",
            key.id,
            team.name,
            format_millis(key.created_at),
            revoked
        );
    }
    Ok(())
}

/// Revokes a key by id.
pub async fn revoke(store: &dyn Store, id: &str, now: OffsetDateTime) -> anyhow::Result<()> {
    if !store.revoke_api_key(&ApiKeyId::new(id), now).await? {
        bail!("no live key with id {id}");
    }
    Ok(())
}
