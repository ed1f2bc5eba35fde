//! A client for the Kubo RPC API (`/api/v0/…`, every call a `POST`).

use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;

use super::{
    PinningService, check_status, default_http_client, expected_cid, http_error, verify_cid,
};
use crate::cid::{Cid, CidVersion};
use crate::error::{IpfsError, Result};
use crate::importer::{DEFAULT_CHUNK_SIZE, ImportOptions};

const BACKEND: &str = "kubo";

/// A Kubo node's RPC API, e.g. `http://127.0.0.1:5001`.
#[derive(Debug, Clone)]
pub struct KuboClient {
    http: reqwest::Client,
    api_url: String,
}

/// One line of `/api/v0/add`'s newline-delimited JSON answer.
#[derive(Debug, Deserialize)]
struct AddedEntry {
    #[serde(rename = "Hash")]
    hash: String,
}

impl KuboClient {
    /// A client for the RPC API at `api_url` (scheme, host and port; no path).
    pub fn new(api_url: impl Into<String>) -> Result<Self> {
        Ok(Self::with_http_client(api_url, default_http_client(BACKEND)?))
    }

    /// A client that sends its requests through `http`.
    pub fn with_http_client(api_url: impl Into<String>, http: reqwest::Client) -> Self {
        let api_url = api_url.into().trim_end_matches('/').to_owned();
        Self { http, api_url }
    }

    /// `/api/v0/add` with the options that reproduce [`ImportOptions::for_version`] (256 KiB
    /// chunks, balanced layout, sha2-256, raw leaves exactly for CIDv1), without pinning.
    /// Returns the CID after checking it equals the one computed locally.
    pub async fn add(&self, name: &str, content: Bytes, version: CidVersion) -> Result<Cid> {
        let expected = expected_cid(content.clone(), version).await?;
        let options = ImportOptions::for_version(version);
        let query = [
            ("cid-version", if version == CidVersion::V0 { "0" } else { "1" }),
            ("raw-leaves", if options.raw_leaves { "true" } else { "false" }),
            ("chunker", &format!("size-{DEFAULT_CHUNK_SIZE}")),
            ("hash", "sha2-256"),
            ("trickle", "false"),
            ("pin", "false"),
            ("quieter", "true"),
            ("progress", "false"),
        ];
        let part = Part::stream_with_length(content.clone(), content.len() as u64)
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .map_err(http_error(BACKEND))?;
        let response = self
            .http
            .post(self.url("add"))
            .query(&query)
            .multipart(Form::new().part("file", part))
            .send()
            .await
            .map_err(http_error(BACKEND))?;
        let body =
            check_status(BACKEND, response).await?.text().await.map_err(http_error(BACKEND))?;
        verify_cid(BACKEND, expected, &last_added(&body)?.hash)
    }

    /// `/api/v0/pin/add`: pins `cid` recursively.
    pub async fn pin_add(&self, cid: Cid) -> Result<()> {
        self.call("pin/add", cid).await.map(drop)
    }

    /// `/api/v0/pin/rm`: removes the recursive pin on `cid`.
    pub async fn pin_rm(&self, cid: Cid) -> Result<()> {
        self.call("pin/rm", cid).await.map(drop)
    }

    /// `/api/v0/cat`: the whole file `cid` names.
    pub async fn cat(&self, cid: Cid) -> Result<Bytes> {
        self.call("cat", cid).await?.bytes().await.map_err(http_error(BACKEND))
    }

    async fn call(&self, command: &str, cid: Cid) -> Result<reqwest::Response> {
        let request = self.http.post(self.url(command)).query(&[("arg", cid.to_string())]);
        let response = request.send().await.map_err(http_error(BACKEND))?;
        check_status(BACKEND, response).await
    }

    fn url(&self, command: &str) -> String {
        format!("{}/api/v0/{command}", self.api_url)
    }
}

/// The root is the last entry Kubo reports (with `quieter` it is the only one).
fn last_added(body: &str) -> Result<AddedEntry> {
    let line = body.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or_default();
    serde_json::from_str(line).map_err(|e| IpfsError::BackendResponse {
        backend: BACKEND,
        reason: format!("add answer is not the expected JSON: {e}"),
    })
}

impl PinningService for KuboClient {
    fn name(&self) -> &'static str {
        BACKEND
    }

    /// Adds without pinning, checks the CID, and only then pins: a node never keeps a pin on
    /// content stored under an unexpected CID.
    fn pin<'a>(
        &'a self,
        name: &'a str,
        content: Bytes,
        version: CidVersion,
    ) -> BoxFuture<'a, Result<Cid>> {
        async move {
            let cid = self.add(name, content, version).await?;
            self.pin_add(cid).await?;
            Ok(cid)
        }
        .boxed()
    }

    fn unpin(&self, cid: Cid) -> BoxFuture<'_, Result<()>> {
        self.pin_rm(cid).boxed()
    }
}
