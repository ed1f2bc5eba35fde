//! The success envelope: `{"data": …, "meta": {…}}`.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// No metadata: serialized as `{}`.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct NoMeta {}

/// Metadata of one page of a cursor-paginated list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageMeta {
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// The page size used.
    pub limit: u32,
}

/// A successful response body.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Envelope<T, M = NoMeta> {
    data: T,
    meta: M,
}

impl<T: Serialize> Envelope<T> {
    /// `data` with empty metadata.
    pub fn new(data: T) -> Self {
        Self { data, meta: NoMeta {} }
    }
}

impl<T: Serialize, M: Serialize> Envelope<T, M> {
    /// `data` with `meta`.
    pub fn with_meta(data: T, meta: M) -> Self {
        Self { data, meta }
    }
}

impl<T: Serialize, M: Serialize> IntoResponse for Envelope<T, M> {
    fn into_response(self) -> Response {
        Json(self).into_response()
    }
}
