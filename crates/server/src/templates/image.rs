//! Receiving a template image: checked, size-limited and written to the local store as it
//! arrives, so an upload never sits whole in memory before it is known to be acceptable.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, stream};
use tipforge_ipfs::{Cid, CidVersion, ImportOptions, IpfsError, LocalStore, sniff_content_type};
use tokio_util::io::StreamReader;

use super::error::{Result, TemplateError};

/// The largest image accepted: 5 MiB.
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// The media types a template image may have, judged from its bytes, never from the name or
/// the declared type.
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Bytes needed to recognise every accepted type (WebP's signature ends at byte 12).
const HEAD_BYTES: usize = 12;

/// The CID version of template content: CIDv1 with raw leaves, whose `ipfs://…#arc3` URL fits
/// the ledger's 96-byte asset URL.
pub const CID_VERSION: CidVersion = CidVersion::V1;

/// An image written to the local store, not yet pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredImage {
    /// Its CID.
    pub cid: Cid,
    /// Its media type, sniffed from the bytes.
    pub mime: &'static str,
}

/// A failure of the stream an image arrives on, carried through the store's reader as an
/// [`io::Error`] and recognised again by type.
#[derive(Debug, thiserror::Error)]
enum SourceError {
    #[error("the image exceeds the size limit")]
    TooLarge,
    #[error("reading the upload failed")]
    Upload(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Reads the image from `chunks`, refusing it before anything is stored when its first bytes
/// are not an accepted type, and as soon as it passes [`MAX_IMAGE_BYTES`]. Blocks are hashed
/// and written off the async runtime; nothing is pinned, so an upload refused midway leaves
/// only blocks that the store's garbage collection removes.
pub async fn receive<S, E>(store: &LocalStore, chunks: S) -> Result<StoredImage>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut chunks = chunks.map(|chunk| chunk.map_err(|err| SourceError::Upload(err.into())));
    let head = read_head(&mut chunks).await?;
    let mime = sniff_content_type(&head.concat());
    if !IMAGE_TYPES.contains(&mime) {
        return Err(TemplateError::UnsupportedImage { found: mime });
    }
    let limited = Limited { inner: stream::iter(head.into_iter().map(Ok)).chain(chunks), seen: 0 };
    let reader = StreamReader::new(limited.map(|chunk| chunk.map_err(io::Error::other)));
    let imported = store.import_stream(reader, ImportOptions::for_version(CID_VERSION)).await;
    match imported {
        Ok(cid) => Ok(StoredImage { cid, mime }),
        Err(IpfsError::ReadInput(err)) => Err(source_error(err)),
        Err(err) => Err(err.into()),
    }
}

/// The first chunks of the upload, until they hold [`HEAD_BYTES`] or the upload ends.
async fn read_head<S>(chunks: &mut S) -> Result<Vec<Bytes>>
where
    S: Stream<Item = Result<Bytes, SourceError>> + Unpin,
{
    let mut head = Vec::new();
    let mut len = 0;
    while len < HEAD_BYTES {
        match chunks.next().await {
            Some(chunk) => {
                let chunk = chunk.map_err(|err| source_error(io::Error::other(err)))?;
                len += chunk.len();
                head.push(chunk);
            }
            None => break,
        }
    }
    Ok(head)
}

fn source_error(err: io::Error) -> TemplateError {
    match err.get_ref().and_then(|inner| inner.downcast_ref::<SourceError>()) {
        Some(SourceError::TooLarge) => TemplateError::ImageTooLarge { limit: MAX_IMAGE_BYTES },
        Some(SourceError::Upload(cause)) => TemplateError::Multipart {
            reason: cause.to_string(),
            too_large: cause
                .downcast_ref::<axum::extract::multipart::MultipartError>()
                .is_some_and(|err| err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE),
        },
        None => TemplateError::Ipfs(IpfsError::ReadInput(err)),
    }
}

/// Passes chunks through until their total passes [`MAX_IMAGE_BYTES`], then fails.
struct Limited<S> {
    inner: S,
    seen: u64,
}

impl<S> Stream for Limited<S>
where
    S: Stream<Item = Result<Bytes, SourceError>> + Unpin,
{
    type Item = Result<Bytes, SourceError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.poll_next_unpin(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &polled {
            self.seen += chunk.len() as u64;
            if self.seen > MAX_IMAGE_BYTES {
                return Poll::Ready(Some(Err(SourceError::TooLarge)));
            }
        }
        polled
    }
}
