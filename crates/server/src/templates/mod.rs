//! Reward templates: a creator's image and rules, with ARC-3 metadata pinned on IPFS.
//!
//! Creating a template streams its image into the local IPFS store (unpinned), builds the
//! metadata, then pins both — locally, and on the remote backend when one is configured — and
//! stores the row. A failure at any step releases what that request pinned, so a refused
//! upload leaves no pinned content and no row behind; the unpinned blocks of a refused image
//! go at the store's next garbage collection.

pub mod backend;
pub mod draft;
mod error;
pub mod image;
pub mod metadata;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use data_encoding::BASE64;
use moka::future::Cache;
use tipforge_algo::Address;
use tipforge_ipfs::arc3::asset_url;
use tipforge_ipfs::{Cid, ImportOptions, LocalStore, PinningService};
use tokio::sync::Mutex;

use crate::domain::{Clock, EditionStock, Template, TemplateId};
use crate::store::{Store, StoreError};

pub use draft::{FormFields, TemplateDraft};
pub use error::{Result, TemplateError};
pub use image::StoredImage;

/// Templates kept in memory at most.
const CACHE_CAPACITY: u64 = 10_000;
/// A cached template is re-read after this long even without a change made here, so an edit
/// by another instance sharing the database shows within that time.
const CACHE_TTL: Duration = Duration::from_secs(300);

/// Creates, reads and deletes templates. Cheap to clone; clones share the cache.
#[derive(Debug, Clone)]
pub struct TemplateService {
    store: Store,
    ipfs: LocalStore,
    remote: Option<Arc<dyn PinningService>>,
    cache: Cache<TemplateId, Template>,
    clock: Clock,
    /// Serialises pinning with storing and deleting with unpinning, so that releasing content
    /// after a failure or a delete never unpins a CID another request is about to reference.
    /// Within one process only: instances sharing a remote pinning backend may still race.
    content: Arc<Mutex<()>>,
}

impl TemplateService {
    /// A service over `store`, keeping content in `ipfs` and, when `remote` is set, pinning it
    /// there too.
    pub fn new(
        store: Store,
        ipfs: LocalStore,
        remote: Option<Arc<dyn PinningService>>,
        clock: Clock,
    ) -> Self {
        let cache = Cache::builder().max_capacity(CACHE_CAPACITY).time_to_live(CACHE_TTL).build();
        Self { store, ipfs, remote, cache, clock, content: Arc::default() }
    }

    /// The local IPFS store images are received into.
    pub fn ipfs(&self) -> &LocalStore {
        &self.ipfs
    }

    /// Builds and pins the metadata of `draft` around the received `image`, and stores the
    /// template for `creator`.
    pub async fn create(
        &self,
        creator: Address,
        draft: TemplateDraft,
        image: StoredImage,
    ) -> Result<Template> {
        let id = TemplateId::generate();
        // Bounded by the upload limit; needed whole for its integrity hash and remote pinning.
        let image_bytes = Bytes::from(self.ipfs.read(image.cid, 0..u64::MAX).await?);
        let (metadata, draft) = {
            let bytes = image_bytes.clone();
            tokio::task::spawn_blocking(move || {
                metadata::build(id, &creator, &draft, image.cid, &bytes).map(|meta| (meta, draft))
            })
            .await
            .map_err(tipforge_ipfs::IpfsError::from)??
        };

        let _content = self.content.lock().await;
        if self.store.template_named(&creator, &draft.name).await?.is_some() {
            return Err(StoreError::TemplateNameTaken { name: draft.name }.into());
        }
        let json = Bytes::copy_from_slice(metadata.json());
        let metadata_cid = match self.pin(image.cid, image_bytes, json).await {
            Ok(cid) => cid,
            Err((err, pinned)) => {
                self.release(&pinned).await;
                return Err(err);
            }
        };
        let template = Template {
            id,
            creator,
            kind: draft.kind,
            name: draft.name,
            supply: draft.supply,
            image_cid: image.cid.to_string(),
            image_mime: image.mime.to_owned(),
            metadata_cid: metadata_cid.to_string(),
            metadata_url: asset_url(&metadata_cid)?,
            metadata_hash: BASE64.encode(&metadata.metadata_hash()),
            rules: draft.rules,
            created_at: self.clock.now(),
        };
        if let Err(err) = self.store.insert_template(&template).await {
            self.release(&[image.cid, metadata_cid]).await;
            return Err(err.into());
        }
        let kind = template.kind.as_str();
        tracing::info!(target: "templates", %id, %creator, kind, "template created");
        self.cache.insert(id, template.clone()).await;
        Ok(template)
    }

    /// The template with this id, from the cache when it holds it.
    ///
    /// A read that races a delete may put the deleted template back in the cache; it then
    /// shows until the cache's time to live passes, while deleting it again answers not found.
    pub async fn get(&self, id: TemplateId) -> Result<Template> {
        if let Some(template) = self.cache.get(&id).await {
            return Ok(template);
        }
        let template = self.store.template(id).await?.ok_or(TemplateError::NotFound { id })?;
        self.cache.insert(id, template.clone()).await;
        Ok(template)
    }

    /// Forgets the cached copy of a template changed elsewhere (its rules edited through the
    /// store), so the next read sees the change.
    pub async fn invalidate(&self, id: TemplateId) {
        self.cache.invalidate(&id).await;
    }

    /// The units issued so far of each edition among `templates` (counted afresh, not cached:
    /// rewards take units all the time).
    pub async fn stocks(
        &self,
        templates: &[Template],
    ) -> Result<HashMap<TemplateId, EditionStock>> {
        Ok(self.store.edition_stocks(templates).await?)
    }

    /// The creator's templates, oldest first.
    pub async fn list(&self, creator: &Address) -> Result<Vec<Template>> {
        Ok(self.store.templates_of(creator).await?)
    }

    /// Deletes `creator`'s template and releases its content, refused while rewards reference
    /// it.
    pub async fn delete(&self, id: TemplateId, creator: &Address) -> Result<()> {
        let template = self.get(id).await?;
        if template.creator != *creator {
            return Err(TemplateError::NotOwner { id });
        }
        let _content = self.content.lock().await;
        let deleted = self.store.delete_template(id, creator).await;
        self.cache.invalidate(&id).await;
        match deleted {
            Ok(()) => {}
            Err(StoreError::TemplateNotFound { .. }) => return Err(TemplateError::NotFound { id }),
            Err(err) => return Err(err.into()),
        }
        let content = [template.image_cid, template.metadata_cid];
        let cids: Vec<Cid> = content.iter().filter_map(|cid| cid.parse().ok()).collect();
        self.release(&cids).await;
        tracing::info!(target: "templates", %id, %creator, "template deleted");
        Ok(())
    }

    /// Pins the image and adds and pins the metadata, locally and remotely. On failure, returns
    /// the CIDs this call pinned, for the caller to release.
    async fn pin(
        &self,
        image: Cid,
        image_bytes: Bytes,
        metadata: Bytes,
    ) -> std::result::Result<Cid, (TemplateError, Vec<Cid>)> {
        let mut pinned = Vec::with_capacity(2);
        let failed =
            |err: tipforge_ipfs::IpfsError, pinned: &Vec<Cid>| (err.into(), pinned.clone());
        self.ipfs.pin(image).await.map_err(|err| failed(err, &pinned))?;
        pinned.push(image);
        let options = ImportOptions::for_version(image::CID_VERSION);
        let metadata_cid = self
            .ipfs
            .add_bytes(metadata.clone(), options)
            .await
            .map_err(|err| failed(err, &pinned))?;
        pinned.push(metadata_cid);
        if let Some(remote) = &self.remote {
            let version = image::CID_VERSION;
            remote.pin("image", image_bytes, version).await.map_err(|err| failed(err, &pinned))?;
            remote
                .pin("metadata.json", metadata, version)
                .await
                .map_err(|err| failed(err, &pinned))?;
        }
        Ok(metadata_cid)
    }

    /// Unpins each CID that no stored template references, locally and remotely. Failures are
    /// logged, not returned: the request already has its outcome, and a stray pin only costs
    /// space.
    async fn release(&self, cids: &[Cid]) {
        for cid in cids {
            if !self.still_referenced(*cid).await {
                self.unpin_everywhere(*cid).await;
            }
        }
    }

    /// Whether a stored template uses `cid`; when that cannot be told, the content is kept.
    async fn still_referenced(&self, cid: Cid) -> bool {
        match self.store.template_content_referenced(&cid.to_string()).await {
            Ok(referenced) => referenced,
            Err(err) => {
                let error = &err as &dyn std::error::Error;
                tracing::warn!(target: "templates", %cid, error, "content use unknown; kept");
                true
            }
        }
    }

    async fn unpin_everywhere(&self, cid: Cid) {
        if let Err(err) = self.ipfs.unpin(cid).await {
            let error = &err as &dyn std::error::Error;
            tracing::warn!(target: "templates", %cid, error, "local unpin failed");
        }
        let Some(remote) = &self.remote else { return };
        if let Err(err) = remote.unpin(cid).await {
            let (error, backend) = (&err as &dyn std::error::Error, remote.name());
            tracing::warn!(target: "templates", %cid, backend, error, "remote unpin failed");
        }
    }
}
