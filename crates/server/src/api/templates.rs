//! Reward templates: `POST /creators/me/templates` (multipart upload), `GET
//! /creators/{wallet}/templates`, `GET /templates/{id}`, `DELETE /creators/me/templates/{id}`.

use axum::Router;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Serialize;
use utoipa::ToSchema;

use super::docs::ErrorBody;
use super::extract::{self, Authenticated};
use super::{ApiError, ApiResult, AppState, Envelope, NoMeta};
use std::collections::HashMap;

use crate::domain::{EditionStock, Remaining, Role, Supply, Template, TemplateId, User};
use crate::templates::image::{self, MAX_IMAGE_BYTES};
use crate::templates::{FormFields, TemplateDraft, TemplateError};

/// Room in an upload for the text fields and multipart framing besides the image.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

pub(super) fn router() -> Router<AppState> {
    let body_limit = usize::try_from(MAX_IMAGE_BYTES).unwrap_or(usize::MAX) + FORM_OVERHEAD_BYTES;
    Router::new()
        .route("/creators/me/templates", post(create).layer(DefaultBodyLimit::max(body_limit)))
        .route("/creators/{wallet}/templates", get(list))
        .route("/templates/{id}", get(show))
        .route("/creators/me/templates/{id}", delete(remove))
}

/// The templates group of the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create, list, show, remove), components(schemas(TemplateView, TemplateForm)))]
pub(super) struct TemplatesApi;

/// A template as the API shows it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct TemplateView {
    id: String,
    creator: String,
    /// `sticker`, `loyalty_badge`, `membership` or `collectible`.
    kind: &'static str,
    name: String,
    /// `unique`: every reward mints its own asset (0.1 ALGO locked by the platform and one
    /// opt-in by the fan per reward). `edition`: one asset per variant is minted once with
    /// `editionSize` units and each reward transfers one (fans opt in once per template).
    supply: &'static str,
    edition_size: Option<u64>,
    image_cid: String,
    image_mime: String,
    /// `ipfs://<imageCid>`.
    image_url: String,
    metadata_cid: String,
    /// The asset URL, `ipfs://<metadataCid>#arc3`.
    metadata_url: String,
    /// SHA-256 of the metadata JSON, base64: the asset's metadata hash.
    metadata_hash: String,
    /// Stickers: the smallest tip, in µAlgo, that earns one.
    threshold_micro_algos: Option<u64>,
    /// Stickers: base chance of a golden sticker, in basis points.
    golden_odds_bps: Option<u16>,
    /// Stickers: every Nth tip to the creator gets a golden one.
    guaranteed_golden_every: Option<u64>,
    /// Loyalty badges: awarded on every Nth qualifying tip.
    every_nth_tip: Option<u64>,
    /// Memberships and collectibles: the smallest tip, in µAlgo, that buys one.
    price_micro_algos: Option<u64>,
    /// Memberships: how long one lasts.
    validity_days: Option<u64>,
    /// RFC 3339, UTC.
    created_at: String,
    /// Editions: the units of each variant that no reward has taken yet. A tip that earns a
    /// variant with none left is recorded as "sold out" and rewarded nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    remaining: Option<RemainingView>,
}

/// Units of an edition left, by variant.
#[derive(Serialize, ToSchema)]
pub(super) struct RemainingView {
    soulbound: u64,
    golden: u64,
}

impl From<Remaining> for RemainingView {
    fn from(Remaining { soulbound, golden }: Remaining) -> Self {
        Self { soulbound, golden }
    }
}

/// The upload form (`multipart/form-data`). Parameters that do not apply to the kind are
/// refused. Amounts are integer µAlgo.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code, reason = "describes the multipart form for the OpenAPI document")]
struct TemplateForm {
    /// PNG, JPEG, GIF or WebP (judged from its bytes), at most 5 MiB.
    #[schema(value_type = String, format = Binary)]
    image: Vec<u8>,
    /// `sticker`, `loyalty_badge`, `membership` or `collectible`.
    kind: String,
    /// 1 to 64 characters, unique among the creator's templates.
    name: String,
    /// At most 1,000 characters; goes into the ARC-3 metadata.
    description: Option<String>,
    /// `unique` (default) or `edition`.
    supply: Option<String>,
    /// Required with `edition`: units minted, 1 to 1,000,000,000.
    edition_size: Option<u64>,
    /// Stickers (required): at least 100000 µAlgo.
    threshold: Option<u64>,
    /// Stickers: 0 to 10000, default 1000.
    golden_odds_bps: Option<u16>,
    /// Stickers: every Nth tip is golden, default 10.
    guaranteed_golden_every: Option<u64>,
    /// Loyalty badges: at least 1, default 5.
    every_nth_tip: Option<u64>,
    /// Memberships (default 5 ALGO) and collectibles (default 2 ALGO), µAlgo.
    price: Option<u64>,
    /// Memberships: 1 to 3650, default 30.
    validity_days: Option<u64>,
}

/// Upload a template image with its rules.
///
/// The image is streamed to the IPFS store as it arrives and refused (413) once it passes
/// 5 MiB; its type is judged from its bytes (415 unless PNG, JPEG, GIF or WebP). Its ARC-3
/// metadata is built and both are pinned; a refused upload leaves nothing pinned or stored.
#[utoipa::path(
    post, path = "/creators/me/templates", tag = "templates",
    request_body(content = TemplateForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The template", body = inline(Envelope<TemplateView, NoMeta>)),
        (status = 400, description = "A field is missing or invalid", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a creator", body = ErrorBody),
        (status = 409, description = "Name already used", body = ErrorBody),
        (status = 413, description = "Image over 5 MiB", body = ErrorBody),
        (status = 415, description = "Not PNG, JPEG, GIF or WebP", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn create(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Envelope<TemplateView>> {
    require_creator(&user)?;
    let mut form = form.map_err(|rejection| TemplateError::Multipart {
        reason: rejection.body_text(),
        too_large: false,
    })?;
    let mut fields = FormFields::default();
    let mut image = None;
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "image" {
            if image.is_some() {
                return Err(TemplateError::invalid("image", "given more than once").into());
            }
            image = Some(image::receive(state.templates.ipfs(), field).await?);
        } else {
            let value = field.text().await.map_err(multipart_error)?;
            fields.insert(&name, value)?;
        }
    }
    let draft = TemplateDraft::parse(fields)?;
    let image = image.ok_or_else(|| TemplateError::invalid("image", "is required"))?;
    let template = state.templates.create(user.wallet, draft, image).await?;
    Ok(Envelope::new(TemplateView::from(template)))
}

/// A creator's templates, oldest first.
#[utoipa::path(
    get, path = "/creators/{wallet}/templates", tag = "templates",
    params(("wallet" = String, Path, description = "The creator's address")),
    responses(
        (
            status = 200, description = "The templates",
            body = inline(Envelope<Vec<TemplateView>, NoMeta>)
        ),
        (status = 400, description = "Not an address", body = ErrorBody),
    )
)]
async fn list(
    State(state): State<AppState>,
    Path(wallet): Path<String>,
) -> ApiResult<Envelope<Vec<TemplateView>>> {
    let creator = extract::wallet("wallet", &wallet)?;
    let templates = state.templates.list(&creator).await?;
    let stocks = state.templates.stocks(&templates).await?;
    let views = templates.into_iter().map(|template| TemplateView::with_stock(template, &stocks));
    Ok(Envelope::new(views.collect()))
}

/// One template.
#[utoipa::path(
    get, path = "/templates/{id}", tag = "templates",
    params(("id" = String, Path, description = "The template id (UUID)")),
    responses(
        (status = 200, description = "The template", body = inline(Envelope<TemplateView, NoMeta>)),
        (status = 404, description = "No such template", body = ErrorBody),
    )
)]
async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Envelope<TemplateView>> {
    let template = state.templates.get(template_id(&id)?).await?;
    let stocks = state.templates.stocks(std::slice::from_ref(&template)).await?;
    Ok(Envelope::new(TemplateView::with_stock(template, &stocks)))
}

/// Delete one of your templates; refused (409) once a reward references it.
#[utoipa::path(
    delete, path = "/creators/me/templates/{id}", tag = "templates",
    params(("id" = String, Path, description = "The template id (UUID)")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the owner, or not a creator", body = ErrorBody),
        (status = 404, description = "No such template", body = ErrorBody),
        (status = 409, description = "Rewards reference it", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
async fn remove(
    State(state): State<AppState>,
    Authenticated(user): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_creator(&user)?;
    state.templates.delete(template_id(&id)?, &user.wallet).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn require_creator(user: &User) -> ApiResult<()> {
    if user.role != Role::Creator {
        return Err(ApiError::Forbidden { reason: "only a creator may manage templates" });
    }
    Ok(())
}

fn template_id(text: &str) -> ApiResult<TemplateId> {
    text.parse().map_err(|_| ApiError::invalid("id", "not a template id"))
}

fn multipart_error(err: MultipartError) -> TemplateError {
    let too_large = err.status() == StatusCode::PAYLOAD_TOO_LARGE;
    TemplateError::Multipart { reason: err.body_text(), too_large }
}

impl TemplateView {
    /// The template with what is left of its edition, as counted in `stocks`.
    fn with_stock(template: Template, stocks: &HashMap<TemplateId, EditionStock>) -> Self {
        let remaining = stocks.get(&template.id).map(|stock| stock.remaining().into());
        Self { remaining, ..Self::from(template) }
    }
}

/// A template as if none of its rewards were issued yet (a new one).
impl From<Template> for TemplateView {
    fn from(template: Template) -> Self {
        let (supply, edition_size) = match template.supply {
            Supply::Unique => ("unique", None),
            Supply::Edition { size } => ("edition", Some(size)),
        };
        let rules = template.rules;
        let is_sticker = template.kind == crate::domain::TemplateKind::Sticker;
        Self {
            id: template.id.to_string(),
            creator: template.creator.to_string(),
            kind: template.kind.as_str(),
            name: template.name,
            supply,
            edition_size,
            image_url: format!("ipfs://{}", template.image_cid),
            image_cid: template.image_cid,
            image_mime: template.image_mime,
            metadata_cid: template.metadata_cid,
            metadata_url: template.metadata_url,
            metadata_hash: template.metadata_hash,
            threshold_micro_algos: rules.threshold.map(|amount| amount.0),
            golden_odds_bps: rules.golden_odds_bps,
            guaranteed_golden_every: rules.every_nth_tip.filter(|_| is_sticker),
            every_nth_tip: rules.every_nth_tip.filter(|_| !is_sticker),
            price_micro_algos: rules.price.map(|amount| amount.0),
            validity_days: rules.validity_days,
            created_at: template.created_at.to_string(),
            remaining: edition_size.map(|size| EditionStock::new(size).remaining().into()),
        }
    }
}
