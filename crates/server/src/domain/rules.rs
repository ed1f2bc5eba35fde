//! The reward rules: what one tip earns, decided from the tip, the creator's templates and a few
//! counters. Pure: the store gathers the counters and writes the outcome.
//!
//! Rules apply in this order. A memo `ORDER:<id>` is recorded as an order reference and the tip
//! is otherwise judged like any other. A memo `MEMBERSHIP` buys a membership and `COLLECT` a
//! golden collectible when the amount reaches the template's price; these keyword memos are
//! purchases, so they never earn a sticker instead. Any other tip earns the sticker with the
//! highest threshold it reaches. Independently of the memo, every Nth tip of at least 0.5 ALGO
//! from one fan to one creator earns a loyalty badge. Memos are compared trimmed and
//! case-insensitively, on their lossy UTF-8 text.
//!
//! A template with an edition supply has `size` units of each variant and no more: once every
//! unit of the variant a tip earns has been issued, the reward is withheld ("sold out") rather
//! than queued for a delivery that could never succeed.

use std::cmp::Ordering;
use std::fmt;
use std::time::Duration;

use tipforge_algo::{Address, MicroAlgos, TxId};

use super::golden::{self, GoldenOdds};
use super::{
    EditionStock, RuleParameters, Supply, Template, TemplateId, TemplateKind, Timestamp, Variant,
};

/// The membership price when a template sets none: 5 ALGO.
pub const DEFAULT_MEMBERSHIP_PRICE: MicroAlgos = MicroAlgos(5_000_000);
/// How long a membership lasts when its template sets no validity.
pub const DEFAULT_MEMBERSHIP_DAYS: u64 = 30;
/// The collectible price when a template sets none: 2 ALGO.
pub const DEFAULT_COLLECTIBLE_PRICE: MicroAlgos = MicroAlgos(2_000_000);
/// A loyalty badge is awarded on every Nth qualifying tip when its template sets no interval.
pub const DEFAULT_LOYALTY_EVERY: u64 = 5;
/// The smallest tip that counts towards loyalty: 0.5 ALGO.
pub const LOYALTY_MINIMUM: MicroAlgos = MicroAlgos(500_000);

const MEMBERSHIP_MEMO: &str = "MEMBERSHIP";
const COLLECT_MEMO: &str = "COLLECT";
const ORDER_PREFIX: &str = "ORDER:";
const DAY: Duration = Duration::from_secs(86_400);

/// What the rules need of a template: its identity, kind and rule parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardTemplate {
    /// The template's id.
    pub id: TemplateId,
    /// What it awards.
    pub kind: TemplateKind,
    /// Its name, quoted in reasons.
    pub name: String,
    /// When to award it.
    pub rules: RuleParameters,
    /// An edition's units issued so far; `None` for unique templates, which never run out.
    pub edition: Option<EditionStock>,
}

/// The template as if none of its rewards were issued yet.
impl From<&Template> for RewardTemplate {
    fn from(template: &Template) -> Self {
        let edition = match template.supply {
            Supply::Unique => None,
            Supply::Edition { size } => Some(EditionStock::new(size)),
        };
        Self {
            id: template.id,
            kind: template.kind,
            name: template.name.clone(),
            rules: template.rules,
            edition,
        }
    }
}

/// The tip being judged.
#[derive(Debug, Clone, Copy)]
pub struct TipFacts<'a> {
    /// Who tipped.
    pub fan: Address,
    /// Who was tipped.
    pub creator: Address,
    /// How much was forwarded.
    pub amount: MicroAlgos,
    /// The memo as sent (any bytes).
    pub memo: &'a [u8],
    /// The tip's transaction id, which seeds the golden draw.
    pub txid: &'a str,
    /// When the tip counts as made: memberships start from here.
    pub at: Timestamp,
}

/// What the rules need to know about earlier tips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// This tip's place among all tips to the creator, counting from 1.
    pub creator_seq: u64,
    /// The fan's qualifying tips to the creator before this one.
    pub loyalty_before: u64,
    /// When the fan's membership with the creator ends (or ended), if they ever had one.
    pub membership_expires: Option<Timestamp>,
}

/// One reward a tip earned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What kind of reward.
    pub kind: TemplateKind,
    /// The template it is minted from.
    pub template: TemplateId,
    /// Soulbound or golden.
    pub variant: Variant,
    /// Why, in words an operator or fan can read.
    pub reason: String,
}

/// Why a tip earned nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoReward {
    /// The creator has no templates at all.
    NoTemplates,
    /// The memo asked for a kind of reward the creator offers no template of.
    NoTemplate(TemplateKind),
    /// A plain tip below every sticker threshold.
    BelowStickerThresholds,
    /// A membership or collectible memo with an amount below every price.
    PriceNotReached(TemplateKind),
    /// The reward was earned, but its edition has no unit of its variant left.
    SoldOut(SoldOut),
}

/// A reward withheld because every unit of its edition's variant was already issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoldOut {
    /// What kind of reward.
    pub kind: TemplateKind,
    /// The template whose edition ran out.
    pub template: TemplateId,
    /// The variant that ran out (the other may have units left).
    pub variant: Variant,
    /// The edition's size: how many were issued.
    pub size: u64,
}

impl NoReward {
    /// A short, stable name for metrics.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoTemplates => "no_templates",
            Self::NoTemplate(TemplateKind::Sticker) => "no_sticker_template",
            Self::NoTemplate(TemplateKind::Membership) => "no_membership_template",
            Self::NoTemplate(TemplateKind::Collectible) => "no_collectible_template",
            Self::NoTemplate(TemplateKind::LoyaltyBadge) => "no_loyalty_template",
            Self::BelowStickerThresholds => "below_sticker_thresholds",
            Self::PriceNotReached(TemplateKind::Membership) => "membership_price_not_reached",
            Self::PriceNotReached(_) => "collectible_price_not_reached",
            Self::SoldOut(_) => "edition_sold_out",
        }
    }
}

impl fmt::Display for NoReward {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoTemplates => f.write_str("creator has no templates"),
            Self::NoTemplate(kind) => write!(f, "no {} template", kind_words(*kind)),
            Self::BelowStickerThresholds => f.write_str("below every sticker threshold"),
            Self::PriceNotReached(kind) => write!(f, "{} price not reached", kind_words(*kind)),
            Self::SoldOut(out) => write!(
                f,
                "{} {} edition sold out: all {} issued",
                out.variant,
                kind_words(out.kind),
                out.size
            ),
        }
    }
}

/// A membership period bought by a tip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembershipPeriod {
    /// When it starts: the tip, or the end of the membership it renews.
    pub starts: Timestamp,
    /// When it ends.
    pub expires: Timestamp,
}

/// Everything a tip's evaluation decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The order an `ORDER:<id>` memo refers to.
    pub order: Option<String>,
    /// The rewards earned, in rule order; at most one per kind.
    pub decisions: Vec<Decision>,
    /// The membership period bought, when a membership was earned.
    pub membership: Option<MembershipPeriod>,
    /// Whether the tip counts towards loyalty (at least [`LOYALTY_MINIMUM`]).
    pub loyalty_qualifies: bool,
    /// Why nothing was earned; `Some` exactly when `decisions` is empty.
    pub nothing: Option<NoReward>,
    /// Rewards earned but withheld because their edition is sold out.
    pub sold_out: Vec<SoldOut>,
}

impl Evaluation {
    /// Whether a badge was awarded.
    pub fn badge(&self) -> bool {
        self.decisions.iter().any(|decision| decision.kind == TemplateKind::LoyaltyBadge)
    }

    /// One line for people: the rewards with their reasons and those withheld, or why there
    /// were none.
    pub fn summary(&self) -> String {
        let earned = self.decisions.iter().map(|decision| decision.reason.clone());
        let withheld = self.sold_out.iter().map(|out| NoReward::SoldOut(*out).to_string());
        let parts: Vec<String> = earned.chain(withheld).collect();
        match (parts.is_empty(), self.nothing) {
            (true, Some(reason)) => reason.to_string(),
            _ => parts.join("; "),
        }
    }
}

/// What the rules decided for a stored tip, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipOutcome {
    /// Whether the tip earned any reward.
    pub rewarded: bool,
    /// The rewards with their reasons, or why there were none.
    pub note: String,
    /// The order an `ORDER:<id>` memo referred to.
    pub order: Option<String>,
}

impl From<&Evaluation> for TipOutcome {
    fn from(evaluation: &Evaluation) -> Self {
        Self {
            rewarded: evaluation.nothing.is_none(),
            note: evaluation.summary(),
            order: evaluation.order.clone(),
        }
    }
}

/// What the memo asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Membership,
    Collect,
    Plain,
}

impl Intent {
    fn of(memo: &str) -> Self {
        match memo {
            m if m.eq_ignore_ascii_case(MEMBERSHIP_MEMO) => Self::Membership,
            m if m.eq_ignore_ascii_case(COLLECT_MEMO) => Self::Collect,
            _ => Self::Plain,
        }
    }
}

/// Decides what `tip` earns from the creator's `templates`.
pub fn evaluate(
    tip: &TipFacts<'_>,
    templates: &[RewardTemplate],
    counters: &Counters,
) -> Evaluation {
    let text = String::from_utf8_lossy(tip.memo);
    let memo = text.trim();
    let (primary, membership) = match Intent::of(memo) {
        Intent::Membership => match membership_rule(tip, templates, counters) {
            Ok((decision, period)) => (Ok(decision), Some(period)),
            Err(reason) => (Err(reason), None),
        },
        Intent::Collect => (collectible_rule(tip, templates), None),
        Intent::Plain => (sticker_rule(tip, templates, counters), None),
    };
    let loyalty_qualifies = tip.amount >= LOYALTY_MINIMUM;
    let badge = match loyalty_qualifies {
        true => loyalty_rule(templates, counters.loyalty_before + 1),
        false => None,
    };
    let (badge, badge_missed) = match badge {
        Some(Ok(decision)) => (Some(decision), None),
        Some(Err(reason)) => (None, Some(reason)),
        None => (None, None),
    };
    let missed = primary.as_ref().err().copied();
    let sold_out: Vec<SoldOut> = [missed, badge_missed]
        .into_iter()
        .flatten()
        .filter_map(|reason| match reason {
            NoReward::SoldOut(out) => Some(out),
            _ => None,
        })
        .collect();
    let decisions: Vec<Decision> = primary.ok().into_iter().chain(badge).collect();
    let nothing = match decisions.is_empty() {
        true if templates.is_empty() => Some(NoReward::NoTemplates),
        true => sold_out.first().map(|out| NoReward::SoldOut(*out)).or(missed),
        false => None,
    };
    let order = order_reference(memo);
    Evaluation { order, decisions, membership, loyalty_qualifies, nothing, sold_out }
}

/// Counts `evaluation`'s rewards against their templates' editions, so that the next tip judged
/// with `templates` sees what is left.
pub fn take_units(templates: &mut [RewardTemplate], evaluation: &Evaluation) {
    for decision in &evaluation.decisions {
        let template = templates.iter_mut().find(|template| template.id == decision.template);
        if let Some(stock) = template.and_then(|template| template.edition.as_mut()) {
            stock.take(decision.variant);
        }
    }
}

/// Refuses `variant` of `template` once its edition has no unit of that variant left.
fn in_stock(template: &RewardTemplate, variant: Variant) -> Result<(), NoReward> {
    match template.edition {
        Some(stock) if stock.left(variant) == 0 => Err(NoReward::SoldOut(SoldOut {
            kind: template.kind,
            template: template.id,
            variant,
            size: stock.size,
        })),
        _ => Ok(()),
    }
}

/// The id after `ORDER:` (trimmed, case kept); `None` for other memos or an empty id.
fn order_reference(memo: &str) -> Option<String> {
    let prefix = memo.get(..ORDER_PREFIX.len())?;
    if !prefix.eq_ignore_ascii_case(ORDER_PREFIX) {
        return None;
    }
    let id = memo[ORDER_PREFIX.len()..].trim();
    (!id.is_empty()).then(|| id.to_owned())
}

fn of_kind(
    templates: &[RewardTemplate],
    kind: TemplateKind,
) -> impl Iterator<Item = &RewardTemplate> + Clone {
    templates.iter().filter(move |template| template.kind == kind)
}

/// Of the templates whose `floor` the amount reaches, the one with the highest floor; ties go
/// to the oldest template (ids are time-ordered), so the choice never depends on input order.
fn best_reached<'t>(
    candidates: impl Iterator<Item = &'t RewardTemplate>,
    amount: MicroAlgos,
    floor: impl Fn(&RewardTemplate) -> MicroAlgos,
) -> Option<&'t RewardTemplate> {
    candidates
        .filter(|template| floor(template) <= amount)
        .max_by(|a, b| floor(a).cmp(&floor(b)).then_with(|| b.id.0.cmp(&a.id.0)))
}

fn membership_price(template: &RewardTemplate) -> MicroAlgos {
    template.rules.price.unwrap_or(DEFAULT_MEMBERSHIP_PRICE)
}

fn collectible_price(template: &RewardTemplate) -> MicroAlgos {
    template.rules.price.unwrap_or(DEFAULT_COLLECTIBLE_PRICE)
}

/// A sticker template without a threshold is earned by any tip.
fn sticker_threshold(template: &RewardTemplate) -> MicroAlgos {
    template.rules.threshold.unwrap_or_default()
}

fn membership_rule(
    tip: &TipFacts<'_>,
    templates: &[RewardTemplate],
    counters: &Counters,
) -> Result<(Decision, MembershipPeriod), NoReward> {
    let kind = TemplateKind::Membership;
    let template = chosen(of_kind(templates, kind), kind, tip.amount, membership_price)?;
    in_stock(template, Variant::Soulbound)?;
    let days = template.rules.validity_days.unwrap_or(DEFAULT_MEMBERSHIP_DAYS);
    let renews = counters.membership_expires.filter(|expires| *expires > tip.at);
    let starts = renews.unwrap_or(tip.at);
    let expires = starts.plus(DAY.saturating_mul(u32::try_from(days).unwrap_or(u32::MAX)));
    let reason = match renews {
        Some(_) => format!("membership renewed for {days} days, until {expires}"),
        None => format!("membership for {days} days, until {expires}"),
    };
    let decision = Decision { kind, template: template.id, variant: Variant::Soulbound, reason };
    Ok((decision, MembershipPeriod { starts, expires }))
}

fn collectible_rule(
    tip: &TipFacts<'_>,
    templates: &[RewardTemplate],
) -> Result<Decision, NoReward> {
    let kind = TemplateKind::Collectible;
    let template = chosen(of_kind(templates, kind), kind, tip.amount, collectible_price)?;
    in_stock(template, Variant::Golden)?;
    let reason = format!("golden collectible '{}'", template.name);
    Ok(Decision { kind, template: template.id, variant: Variant::Golden, reason })
}

/// The template a priced memo buys, or why none.
fn chosen<'t>(
    candidates: impl Iterator<Item = &'t RewardTemplate> + Clone,
    kind: TemplateKind,
    amount: MicroAlgos,
    price: impl Fn(&RewardTemplate) -> MicroAlgos,
) -> Result<&'t RewardTemplate, NoReward> {
    if candidates.clone().next().is_none() {
        return Err(NoReward::NoTemplate(kind));
    }
    best_reached(candidates, amount, price).ok_or(NoReward::PriceNotReached(kind))
}

fn sticker_rule(
    tip: &TipFacts<'_>,
    templates: &[RewardTemplate],
    counters: &Counters,
) -> Result<Decision, NoReward> {
    let kind = TemplateKind::Sticker;
    let mut stickers = of_kind(templates, kind).peekable();
    if stickers.peek().is_none() {
        return Err(NoReward::NoTemplate(kind));
    }
    let template = best_reached(stickers, tip.amount, sticker_threshold)
        .ok_or(NoReward::BelowStickerThresholds)?;
    let (variant, why) = sticker_variant(tip, template, counters.creator_seq);
    in_stock(template, variant)?;
    let reason = format!("sticker '{}' ({why})", template.name);
    Ok(Decision { kind, template: template.id, variant, reason })
}

/// Golden on the guaranteed interval (the template's `every_nth_tip`, else every 10th tip to
/// the creator), otherwise by the reproducible draw at the template's odds plus the whale bonus.
fn sticker_variant(tip: &TipFacts<'_>, template: &RewardTemplate, seq: u64) -> (Variant, String) {
    let every = template.rules.every_nth_tip.unwrap_or(golden::DEFAULT_GUARANTEED_EVERY);
    if golden::guaranteed(seq, every) {
        return (Variant::Golden, format!("golden: tip #{seq} to this creator, every {every}th"));
    }
    let base = template.rules.golden_odds_bps.unwrap_or(golden::DEFAULT_BASE_BPS);
    let odds = GoldenOdds::for_tip(base, tip.amount).total_bps;
    let percent = format!("{}.{:02} %", odds / 100, odds % 100);
    match draw_wins(tip.txid, odds) {
        true => (Variant::Golden, format!("golden: won the draw at {percent}")),
        false => (Variant::Soulbound, format!("soulbound: draw at {percent} not won")),
    }
}

/// The golden draw over the tip's transaction id. Ids that are not base32 transaction ids (the
/// names an indexer gives inner transactions) are drawn over the hash of their text instead,
/// which is just as reproducible.
pub fn draw_wins(txid: &str, odds_bps: u32) -> bool {
    let id = txid.parse::<TxId>().unwrap_or_else(|_| TxId::of_canonical(txid.as_bytes()));
    golden::wins(&id, odds_bps)
}

/// A badge when the fan's `nth` qualifying tip falls on a loyalty template's interval; with
/// several templates, the one with the longest interval that fits (the rarer badge). `Some`
/// error when that badge's edition is sold out.
fn loyalty_rule(templates: &[RewardTemplate], nth: u64) -> Option<Result<Decision, NoReward>> {
    let every =
        |template: &RewardTemplate| template.rules.every_nth_tip.unwrap_or(DEFAULT_LOYALTY_EVERY);
    let template = of_kind(templates, TemplateKind::LoyaltyBadge)
        .filter(|template| every(template) > 0 && nth % every(template) == 0)
        .max_by(|a, b| match every(a).cmp(&every(b)) {
            Ordering::Equal => b.id.0.cmp(&a.id.0),
            other => other,
        })?;
    if let Err(sold_out) = in_stock(template, Variant::Soulbound) {
        return Some(Err(sold_out));
    }
    let reason = format!(
        "loyalty badge '{}' for qualifying tip #{nth}, every {}th",
        template.name,
        every(template)
    );
    Some(Ok(Decision {
        kind: TemplateKind::LoyaltyBadge,
        template: template.id,
        variant: Variant::Soulbound,
        reason,
    }))
}

fn kind_words(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Sticker => "sticker",
        TemplateKind::LoyaltyBadge => "loyalty badge",
        TemplateKind::Membership => "membership",
        TemplateKind::Collectible => "collectible",
    }
}

#[cfg(test)]
mod tests;
