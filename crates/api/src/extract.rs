//! Extractors that turn any request encoding into [`Params`] (D6).

use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::decode::{self, DecodeError, MAX_BODY_BYTES, Params};
use crate::error::ApiError;

/// The request body, decoded whatever its encoding.
pub struct Body(pub Params);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        // Read one byte past the limit, so an oversized body is told apart
        // from a broken one.
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES + 1)
            .await
            .map_err(|_| ApiError::from(DecodeError::TooLarge))?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(DecodeError::TooLarge.into());
        }
        let map = decode::decode_body(content_type.as_deref(), &bytes)?;
        Ok(Self(Params::from(map)))
    }
}

/// The query string, decoded like a form body.
pub struct Query(pub Params);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let map = decode::decode_query(parts.uri.query().unwrap_or(""))?;
        Ok(Self(Params::from(map)))
    }
}

/// Path parameters, as axum's `Path`, but a segment that is not UTF-8 once
/// percent-decoded (`/rooms/%FF`) is a 400 with `{"error"}` rather than
/// axum's plain-text reply.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(PathRejection::FailedToDeserializePathParams(error))
                if matches!(error.kind(), ErrorKind::InvalidUtf8InPathParam { .. }) =>
            {
                Err(ApiError::bad_request("path is not valid UTF-8"))
            }
            Err(rejection) if rejection.status().is_client_error() => {
                Err(ApiError::bad_request("path is malformed"))
            }
            Err(rejection) => Err(ApiError::internal(&rejection)),
        }
    }
}
