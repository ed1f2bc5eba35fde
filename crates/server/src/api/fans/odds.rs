//! `GET /golden-odds`: the chance that a tip of a given size earns a golden sticker, by the
//! same rule the reward engine applies.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use tipforge_algo::MicroAlgos;
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{self, QueryParams};
use crate::api::{ApiError, ApiResult, AppState, Envelope};
use crate::domain::golden::{CAP_BPS, DEFAULT_BASE_BPS, DEFAULT_GUARANTEED_EVERY, GoldenOdds};
use crate::domain::{Role, Template, TemplateKind};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct OddsParams {
    /// The tip in µAlgo.
    amount: i64,
    /// The creator to tip; without one the platform defaults apply.
    creator: Option<String>,
}

/// The odds, split into their parts, in basis points (1/10,000) and as percent text.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct GoldenOddsView {
    /// The tip asked about.
    amount_micro_algos: u64,
    /// The creator asked about, if any.
    creator: Option<String>,
    /// The sticker template the tip would earn; `null` without a creator or when the tip is
    /// under every threshold.
    template: Option<StickerView>,
    /// Whether the tip earns a sticker at all; `null` without a creator.
    eligible: Option<bool>,
    /// The template's base chance.
    base_bps: u32,
    /// The bonus for the tip's size.
    bonus_bps: u32,
    /// base + bonus, capped.
    total_bps: u32,
    /// The cap on any tip's chance.
    cap_bps: u32,
    /// `base_bps` as percent text, e.g. `"10.00"`.
    base_percent: String,
    /// `bonus_bps` as percent text.
    bonus_percent: String,
    /// `total_bps` as percent text.
    total_percent: String,
    /// Every this-many-th tip to the creator is golden regardless of the draw.
    guaranteed_every: u64,
    /// The odds in a sentence.
    description: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct StickerView {
    id: String,
    name: String,
    threshold_micro_algos: u64,
}

/// The chance of a golden sticker for a tip of `amount` µAlgo.
#[utoipa::path(
    get,
    path = "/golden-odds",
    tag = "fans",
    params(OddsParams),
    responses(
        (status = 200, description = "The odds, in `data`", body = GoldenOddsView),
        (status = 400, description = "A missing or non-positive amount, or a malformed creator"),
        (status = 404, description = "The creator is not registered"),
    )
)]
pub(super) async fn golden_odds(
    State(state): State<AppState>,
    QueryParams(params): QueryParams<OddsParams>,
) -> ApiResult<Envelope<GoldenOddsView>> {
    let amount = u64::try_from(params.amount)
        .ok()
        .filter(|amount| *amount > 0)
        .map(MicroAlgos)
        .ok_or_else(|| ApiError::invalid("amount", "must be a positive number of µAlgo"))?;
    let Some(creator) = params.creator else {
        return Ok(Envelope::new(view(amount, None, None, None)));
    };
    let creator = extract::wallet("creator", &creator)?;
    let is_creator = state.store.user(&creator).await?.is_some_and(|u| u.role == Role::Creator);
    if !is_creator {
        return Err(ApiError::NotFound { what: "creator" });
    }
    let templates = state.store.templates_of(&creator).await?;
    let sticker = sticker_for(&templates, amount);
    let view = view(amount, Some(creator.to_string()), Some(sticker.is_some()), sticker);
    Ok(Envelope::new(view))
}

/// The sticker template a tip of `amount` earns: the one with the highest threshold it reaches.
fn sticker_for(templates: &[Template], amount: MicroAlgos) -> Option<&Template> {
    templates
        .iter()
        .filter(|template| template.kind == TemplateKind::Sticker)
        .filter(|template| template.rules.threshold.unwrap_or(MicroAlgos(0)) <= amount)
        .max_by_key(|template| template.rules.threshold.unwrap_or(MicroAlgos(0)))
}

fn view(
    amount: MicroAlgos,
    creator: Option<String>,
    eligible: Option<bool>,
    sticker: Option<&Template>,
) -> GoldenOddsView {
    let base = sticker.and_then(|t| t.rules.golden_odds_bps).unwrap_or(DEFAULT_BASE_BPS);
    let every = sticker.and_then(|t| t.rules.every_nth_tip).unwrap_or(DEFAULT_GUARANTEED_EVERY);
    let odds = GoldenOdds::for_tip(base, amount);
    GoldenOddsView {
        amount_micro_algos: amount.0,
        creator,
        template: sticker.map(|template| StickerView {
            id: template.id.to_string(),
            name: template.name.clone(),
            threshold_micro_algos: template.rules.threshold.map_or(0, |t| t.0),
        }),
        eligible,
        base_bps: odds.base_bps,
        bonus_bps: odds.bonus_bps,
        total_bps: odds.total_bps,
        cap_bps: CAP_BPS,
        base_percent: percent(odds.base_bps),
        bonus_percent: percent(odds.bonus_bps),
        total_percent: percent(odds.total_bps),
        guaranteed_every: every,
        description: describe(&odds, every, eligible),
    }
}

/// Basis points as percent with two decimals, computed in integers.
fn percent(bps: u32) -> String {
    format!("{}.{:02}", bps / 100, bps % 100)
}

fn describe(odds: &GoldenOdds, every: u64, eligible: Option<bool>) -> String {
    if eligible == Some(false) {
        return "This tip is under every sticker threshold of this creator, so it earns no \
                sticker."
            .to_owned();
    }
    let bonus = match odds.bonus_bps {
        0 => String::new(),
        bonus => format!(" (+{}% whale bonus)", percent(bonus)),
    };
    let capped = match odds.total_bps < odds.base_bps + odds.bonus_bps {
        true => format!(", capped at {}%", percent(CAP_BPS)),
        false => String::new(),
    };
    let twice = every.saturating_mul(2);
    format!(
        "{}% chance of a golden sticker{bonus}{capped}. Tips number {every}, {twice}, … to the \
         creator are golden regardless.",
        percent(odds.total_bps)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_text_is_exact() {
        assert_eq!(percent(1_000), "10.00");
        assert_eq!(percent(1_505), "15.05");
        assert_eq!(percent(5), "0.05");
    }

    #[test]
    fn the_description_names_the_bonus_and_the_cap() {
        let whale = GoldenOdds::for_tip(7_000, MicroAlgos(50_000_000));
        let text = describe(&whale, 10, None);

        assert!(text.starts_with("80.00% chance"), "{text}");
        assert!(text.contains("+20.00% whale bonus"), "{text}");
        assert!(text.contains("capped at 80.00%"), "{text}");
    }
}
