//! Conversions between domain values and SQLite columns.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use anteroom_domain::RoomOptions;
use anteroom_domain::timestamp::{format_millis, parse_rfc3339};

use crate::{Result, StoreError};

/// Timestamps are stored as fixed-width UTC text, so they sort as text.
pub fn ts(at: OffsetDateTime) -> String {
    format_millis(at)
}

pub fn opt_ts(at: Option<OffsetDateTime>) -> Option<String> {
    at.map(ts)
}

pub fn get_str(row: &SqliteRow, column: &str) -> Result<String> {
    Ok(row.try_get::<String, _>(column)?)
}

pub fn get_opt_str(row: &SqliteRow, column: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

pub fn get_bool(row: &SqliteRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

pub fn get_ts(row: &SqliteRow, column: &str) -> Result<OffsetDateTime> {
    let text = get_str(row, column)?;
    parse_rfc3339(&text).ok_or_else(|| StoreError::Corrupt(format!("{column}: {text}")))
}

pub fn get_opt_ts(row: &SqliteRow, column: &str) -> Result<Option<OffsetDateTime>> {
    match get_opt_str(row, column)? {
        None => Ok(None),
        Some(text) => parse_rfc3339(&text)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("{column}: {text}"))),
    }
}

pub fn options_json(options: &RoomOptions) -> Result<String> {
    serde_json::to_string(options).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn get_options(row: &SqliteRow, column: &str) -> Result<RoomOptions> {
    let text = get_str(row, column)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}
