//! A read-only IPFS path gateway over the [`LocalStore`]: `GET` and `HEAD /ipfs/{cid}`.
//!
//! Responses carry the content type sniffed from the file's first bytes, the CID as a strong
//! `ETag`, immutable cache headers (content under a CID never changes) and honour single byte
//! ranges. Unknown CIDs are 404, malformed ones 400.

mod range;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::cid::Cid;
use crate::error::{ErrorKind, IpfsError, Result};
use crate::sniff::{SNIFF_LEN, sniff_content_type};
use crate::store::LocalStore;
use range::RangeRequest;

/// A year: the longest lifetime caches honour, and content under a CID never changes.
const CACHE_CONTROL: &str = "public, max-age=29030400, immutable";

/// The gateway routes, to be merged or nested into the server's router.
pub fn router(store: LocalStore) -> Router {
    Router::new().route("/ipfs/{cid}", get(serve)).with_state(store)
}

/// `GET /ipfs/{cid}` (axum answers `HEAD` with the same headers and no body).
async fn serve(
    State(store): State<LocalStore>,
    Path(cid): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(cid) = cid.parse::<Cid>() else {
        return plain(StatusCode::BAD_REQUEST, "malformed CID");
    };
    respond(&store, cid, &headers).await.unwrap_or_else(error_response)
}

async fn respond(store: &LocalStore, cid: Cid, request: &HeaderMap) -> Result<Response> {
    let etag = format!("\"{cid}\"");
    if let Some(tags) = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        if tags.split(',').any(|tag| matches!(tag.trim(), "*") || tag.trim() == etag) {
            return Ok(with_cache_headers(StatusCode::NOT_MODIFIED.into_response(), &etag));
        }
    }

    let size = store.file_size(cid).await?;
    let head = store.read(cid, 0..SNIFF_LEN as u64).await?;
    let range_header = request.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, range) = match RangeRequest::parse(range_header, size) {
        RangeRequest::Full => (StatusCode::OK, 0..size),
        RangeRequest::Partial(range) => (StatusCode::PARTIAL_CONTENT, range),
        RangeRequest::Unsatisfiable => return Ok(unsatisfiable(size, &etag)),
    };

    let mut response = Response::new(Body::from_stream(store.cat(cid, range.clone())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(sniff_content_type(&head)));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(range.end - range.start));
    if status == StatusCode::PARTIAL_CONTENT {
        let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
        headers.insert(header::CONTENT_RANGE, value(&content_range));
    }
    headers.insert("x-ipfs-path", value(&format!("/ipfs/{cid}")));
    Ok(with_cache_headers(response, &etag))
}

fn with_cache_headers(mut response: Response, etag: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::ETAG, value(etag));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response
}

fn unsatisfiable(size: u64, etag: &str) -> Response {
    let mut response = plain(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable");
    response.headers_mut().insert(header::CONTENT_RANGE, value(&format!("bytes */{size}")));
    with_cache_headers(response, etag)
}

/// The one place gateway errors become responses. Internal faults are logged here, once, and
/// answered with an opaque body.
fn error_response(error: IpfsError) -> Response {
    match error.kind() {
        ErrorKind::NotFound => plain(StatusCode::NOT_FOUND, "no such content"),
        ErrorKind::InvalidInput => plain(StatusCode::BAD_REQUEST, "content is not a file"),
        ErrorKind::Transient | ErrorKind::Permanent | ErrorKind::Internal => {
            let error: &dyn std::error::Error = &error;
            tracing::error!(target: "ipfs::gateway", error, "serving content failed");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

/// Header values built here hold only CIDs and digits, which are always valid.
fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).expect("CIDs and numbers are valid header characters")
}
