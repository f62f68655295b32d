//! The OpenAPI document, generated from the handlers' annotations.
//!
//! Request bodies are described in their nested JSON form; the same fields
//! may be sent form-encoded or as multipart with bracketed keys
//! (`user[name]`), as the description of the document says (D6).

use serde::Deserialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::ErrorBody;
use crate::routes::{messages, permalinks, rooms, users};
use crate::webhooks::routes as webhooks;
use crate::wire;

/// The user part of a request.
#[derive(Deserialize, ToSchema)]
pub struct UserRequest {
    /// Display name, 1 to 256 characters.
    pub name: String,
    /// A custom user id; generated when absent.
    pub id: Option<String>,
    /// An http(s) URL of a picture.
    pub avatar: Option<String>,
}

/// `POST /rooms`.
#[derive(Deserialize, ToSchema)]
pub struct RoomRequest {
    /// A custom room id: the same id joins the same running meeting.
    pub id: Option<String>,
    pub name: Option<String>,
    pub user: UserRequest,
    #[schema(value_type = Option<Object>)]
    pub options: Option<serde_json::Value>,
}

/// `POST /guests/<guest_token>`.
#[derive(Deserialize, ToSchema)]
pub struct GuestRequest {
    pub name: String,
    pub id: Option<String>,
    pub avatar: Option<String>,
    /// Accepted and ignored, as the browser library sends it.
    pub email: Option<String>,
}

/// `POST /permalink`.
#[derive(Deserialize, ToSchema)]
pub struct PermalinkRequest {
    pub name: Option<String>,
    pub user: UserRequest,
    #[schema(value_type = Option<Object>)]
    pub options: Option<serde_json::Value>,
    /// RFC 3339, in the future; meetings cannot be started after it.
    pub expires_at: Option<String>,
}

/// `PUT /permalink/<id>`.
#[derive(Deserialize, ToSchema)]
pub struct PermalinkUpdate {
    pub name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub options: Option<serde_json::Value>,
    /// RFC 3339 in the future, or null to clear.
    pub expires_at: Option<String>,
}

/// `POST /permalink/<id>/users`.
#[derive(Deserialize, ToSchema)]
pub struct HostRequest {
    pub user: UserRequest,
}

/// `POST /rooms/<access_key>/messages`.
#[derive(Deserialize, ToSchema)]
pub struct MessageRequest {
    /// `chat` (shown in the UI) or `custom` (for applications).
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
}

struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "the team's API key, raw or as `Bearer <key>`",
            ))),
        );
    }
}

/// Every endpoint of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "anteroom",
        description = "Meetings with permanent links, speaking the Eyeson REST API. \
            Request bodies may be JSON (nested, or with flat bracketed keys), \
            form-urlencoded or multipart with bracketed keys such as user[name]; \
            errors are {\"error\": \"...\"}.",
    ),
    paths(
        rooms::create, rooms::list, rooms::show, rooms::stop, rooms::lock,
        users::show, users::kick, users::list, users::register_guest,
        messages::send,
        permalinks::create, permalinks::list, permalinks::show, permalinks::update,
        permalinks::delete, permalinks::add_host, permalinks::remove_host, permalinks::start,
        webhooks::register, webhooks::show, webhooks::delete,
    ),
    components(schemas(
        ErrorBody, wire::room::RoomResponse, wire::room::RoomView,
        wire::permalink::PermalinkResponse, wire::permalink::PermalinkList,
        wire::permalink::MeetingInfo, wire::user::UserView, wire::user::ParticipantView,
        webhooks::WebhookView,
    )),
    modifiers(&ApiKeyScheme),
)]
pub struct ApiDoc;
