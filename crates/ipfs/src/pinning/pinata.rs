//! A client for Pinata's pinning API (`/pinning/pinFileToIPFS`, `/pinning/unpin/{cid}`).

use std::fmt;

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use serde_json::json;

use super::{
    PinningService, check_status, default_http_client, expected_cid, http_error, verify_cid,
};
use crate::cid::{Cid, CidVersion};
use crate::error::{IpfsError, Result};

const BACKEND: &str = "pinata";

/// Pinata's API host.
pub const PINATA_API_URL: &str = "https://api.pinata.cloud";

/// A Pinata API JWT. `Debug` does not print it.
#[derive(Clone)]
pub struct PinataJwt(String);

impl PinataJwt {
    /// Wraps the token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

impl fmt::Debug for PinataJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinataJwt(<redacted>)")
    }
}

/// Pinata's answer to a pin request.
#[derive(Debug, Deserialize)]
struct PinResponse {
    #[serde(rename = "IpfsHash")]
    ipfs_hash: String,
}

/// Pinata's pinning API, authenticated with a JWT.
#[derive(Debug, Clone)]
pub struct PinataClient {
    http: reqwest::Client,
    api_url: String,
    jwt: PinataJwt,
}

impl PinataClient {
    /// A client for [`PINATA_API_URL`].
    pub fn new(jwt: PinataJwt) -> Result<Self> {
        Self::with_api_url(PINATA_API_URL, jwt)
    }

    /// A client for another host speaking the same API (a test server).
    pub fn with_api_url(api_url: impl Into<String>, jwt: PinataJwt) -> Result<Self> {
        let http = default_http_client(BACKEND)?;
        Ok(Self { http, api_url: api_url.into().trim_end_matches('/').to_owned(), jwt })
    }

    /// Uploads the exact bytes with `pinFileToIPFS` (never `pinJSONToIPFS`, which re-serialises
    /// JSON and would change the ARC-3 hash) and checks the CID Pinata reports.
    ///
    /// Pinata chooses its own importer settings; for CIDv1 its default is assumed to be raw
    /// leaves with 256 KiB chunks, and any difference surfaces as [`IpfsError::CidMismatch`].
    pub async fn pin_file(&self, name: &str, content: Bytes, version: CidVersion) -> Result<Cid> {
        let expected = expected_cid(content.clone(), version).await?;
        let cid_version = if version == CidVersion::V0 { 0 } else { 1 };
        let file = Part::stream_with_length(content.clone(), content.len() as u64)
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .map_err(http_error(BACKEND))?;
        let form = Form::new()
            .part("file", file)
            .text("pinataMetadata", json!({ "name": name }).to_string())
            .text("pinataOptions", json!({ "cidVersion": cid_version }).to_string());

        let response = self
            .http
            .post(format!("{}/pinning/pinFileToIPFS", self.api_url))
            .bearer_auth(&self.jwt.0)
            .multipart(form)
            .send()
            .await
            .map_err(http_error(BACKEND))?;
        let answer: PinResponse =
            check_status(BACKEND, response).await?.json().await.map_err(|e| {
                IpfsError::BackendResponse { backend: BACKEND, reason: e.to_string() }
            })?;
        verify_cid(BACKEND, expected, &answer.ipfs_hash)
    }

    /// `DELETE /pinning/unpin/{cid}`.
    pub async fn unpin(&self, cid: Cid) -> Result<()> {
        let response = self
            .http
            .delete(format!("{}/pinning/unpin/{cid}", self.api_url))
            .bearer_auth(&self.jwt.0)
            .send()
            .await
            .map_err(http_error(BACKEND))?;
        check_status(BACKEND, response).await.map(drop)
    }
}

impl PinningService for PinataClient {
    fn name(&self) -> &'static str {
        BACKEND
    }

    fn pin<'a>(
        &'a self,
        name: &'a str,
        content: Bytes,
        version: CidVersion,
    ) -> BoxFuture<'a, Result<Cid>> {
        self.pin_file(name, content, version).boxed()
    }

    fn unpin(&self, cid: Cid) -> BoxFuture<'_, Result<()>> {
        PinataClient::unpin(self, cid).boxed()
    }
}
