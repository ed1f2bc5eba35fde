use proptest::prelude::*;
use tipforge_algo::sha512_256;
use uuid::Uuid;

use super::*;
use crate::domain::RuleParameters;

const ALGO: u64 = 1_000_000;
const FAN: Address = Address([1; 32]);
const CREATOR: Address = Address([2; 32]);
const NOW: Timestamp = Timestamp(1_800_000_000_000);
const DAY_MS: i64 = 86_400_000;

fn template(n: u128, kind: TemplateKind, rules: RuleParameters) -> RewardTemplate {
    let id = TemplateId(Uuid::from_u128(n));
    RewardTemplate { id, kind, name: format!("t{n}"), rules, edition: None }
}

/// A sticker that is never golden by the draw nor by the interval, unless a test says so.
fn sticker(n: u128, threshold: u64) -> RewardTemplate {
    let rules = RuleParameters {
        threshold: Some(MicroAlgos(threshold)),
        golden_odds_bps: Some(0),
        every_nth_tip: Some(1_000_000),
        ..RuleParameters::default()
    };
    template(n, TemplateKind::Sticker, rules)
}

fn priced(n: u128, kind: TemplateKind, price: Option<u64>) -> RewardTemplate {
    template(n, kind, RuleParameters { price: price.map(MicroAlgos), ..RuleParameters::default() })
}

fn badge(n: u128, every: Option<u64>) -> RewardTemplate {
    let rules = RuleParameters { every_nth_tip: every, ..RuleParameters::default() };
    template(n, TemplateKind::LoyaltyBadge, rules)
}

fn facts<'a>(amount: u64, memo: &'a [u8], txid: &'a str) -> TipFacts<'a> {
    TipFacts { fan: FAN, creator: CREATOR, amount: MicroAlgos(amount), memo, txid, at: NOW }
}

fn first_tip() -> Counters {
    Counters { creator_seq: 1, loyalty_before: 0, membership_expires: None }
}

fn judge(amount: u64, memo: &str, templates: &[RewardTemplate]) -> Evaluation {
    evaluate(&facts(amount, memo.as_bytes(), "TX"), templates, &first_tip())
}

fn kinds(evaluation: &Evaluation) -> Vec<(TemplateKind, u128, Variant)> {
    evaluation.decisions.iter().map(|d| (d.kind, d.template.0.as_u128(), d.variant)).collect()
}

#[test]
fn a_sticker_threshold_is_reached_exactly_at_it_and_not_one_microalgo_below() {
    let templates = [sticker(1, 100_000)];

    let at = judge(100_000, "gm", &templates);
    let below = judge(99_999, "gm", &templates);

    assert_eq!(kinds(&at), [(TemplateKind::Sticker, 1, Variant::Soulbound)]);
    assert_eq!(at.nothing, None);
    assert!(below.decisions.is_empty());
    assert_eq!(below.nothing, Some(NoReward::BelowStickerThresholds));
    assert_eq!(below.summary(), "below every sticker threshold");
}

#[test]
fn the_sticker_with_the_highest_threshold_reached_is_chosen() {
    let templates = [sticker(1, ALGO), sticker(2, 10 * ALGO), sticker(3, 3 * ALGO)];

    assert_eq!(kinds(&judge(5 * ALGO, "", &templates))[0].1, 3);
    assert_eq!(kinds(&judge(10 * ALGO, "", &templates))[0].1, 2);
    assert_eq!(kinds(&judge(2 * ALGO, "", &templates))[0].1, 1);
}

#[test]
fn equal_thresholds_go_to_the_oldest_template_whatever_the_order() {
    let forward = [sticker(5, ALGO), sticker(4, ALGO)];
    let backward = [sticker(4, ALGO), sticker(5, ALGO)];

    assert_eq!(kinds(&judge(ALGO, "", &forward))[0].1, 4);
    assert_eq!(kinds(&judge(ALGO, "", &backward))[0].1, 4);
}

#[test]
fn a_sticker_without_threshold_is_earned_by_any_tip() {
    let open = template(1, TemplateKind::Sticker, RuleParameters::default());

    assert_eq!(kinds(&judge(1, "", &[open]))[0].0, TemplateKind::Sticker);
}

#[test]
fn missing_templates_are_named_as_the_reason() {
    let only_sticker = [sticker(1, ALGO)];
    let only_membership = [priced(1, TemplateKind::Membership, None)];

    assert_eq!(judge(ALGO, "x", &[]).nothing, Some(NoReward::NoTemplates));
    assert_eq!(judge(ALGO, "x", &[]).summary(), "creator has no templates");
    let plain = judge(ALGO, "x", &only_membership);
    assert_eq!(plain.nothing, Some(NoReward::NoTemplate(TemplateKind::Sticker)));
    assert_eq!(plain.summary(), "no sticker template");
    let membership = judge(9 * ALGO, "MEMBERSHIP", &only_sticker);
    assert_eq!(membership.nothing, Some(NoReward::NoTemplate(TemplateKind::Membership)));
    let collect = judge(9 * ALGO, "COLLECT", &only_sticker);
    assert_eq!(collect.summary(), "no collectible template");
}

#[test]
fn keyword_memos_are_trimmed_and_case_insensitive() {
    let templates = [
        priced(1, TemplateKind::Membership, None),
        priced(2, TemplateKind::Collectible, None),
        sticker(3, 0),
    ];

    for memo in ["MEMBERSHIP", "membership", " \tMemberShip\n "] {
        assert_eq!(kinds(&judge(5 * ALGO, memo, &templates))[0].0, TemplateKind::Membership);
    }
    for memo in ["COLLECT", "collect ", "  Collect"] {
        assert_eq!(kinds(&judge(2 * ALGO, memo, &templates))[0].0, TemplateKind::Collectible);
    }
    for memo in ["MEMBERSHIPS", "member ship", "COLLECT!", "please COLLECT"] {
        assert_eq!(kinds(&judge(5 * ALGO, memo, &templates))[0].0, TemplateKind::Sticker);
    }
}

#[test]
fn memos_that_are_not_utf8_are_compared_on_their_lossy_text() {
    let templates = [priced(1, TemplateKind::Membership, None), sticker(2, 0)];
    let tip =
        |memo: &'static [u8]| evaluate(&facts(5 * ALGO, memo, "TX"), &templates, &first_tip());

    assert_eq!(kinds(&tip(b"\xffMEMBERSHIP"))[0].0, TemplateKind::Sticker);
    assert_eq!(kinds(&tip(b" membership\r\n"))[0].0, TemplateKind::Membership);
    assert_eq!(kinds(&tip(b"\xc3"))[0].0, TemplateKind::Sticker);
}

#[test]
fn membership_needs_its_price_and_defaults_to_five_algo() {
    let default_price = [priced(1, TemplateKind::Membership, None), sticker(2, 0)];
    let custom = [priced(1, TemplateKind::Membership, Some(ALGO))];

    let short = judge(5 * ALGO - 1, "MEMBERSHIP", &default_price);
    let paid = judge(5 * ALGO, "MEMBERSHIP", &default_price);

    assert!(short.decisions.is_empty(), "a membership memo never falls back to a sticker");
    assert_eq!(short.nothing, Some(NoReward::PriceNotReached(TemplateKind::Membership)));
    assert_eq!(short.summary(), "membership price not reached");
    assert_eq!(kinds(&paid), [(TemplateKind::Membership, 1, Variant::Soulbound)]);
    assert_eq!(kinds(&judge(ALGO, "membership", &custom))[0].0, TemplateKind::Membership);
}

#[test]
fn a_new_membership_lasts_thirty_days_from_the_tip() {
    let templates = [priced(1, TemplateKind::Membership, None)];

    let period = judge(5 * ALGO, "MEMBERSHIP", &templates).membership.unwrap();

    assert_eq!(period, MembershipPeriod { starts: NOW, expires: Timestamp(NOW.0 + 30 * DAY_MS) });
}

#[test]
fn renewing_an_active_membership_extends_it_from_its_expiry() {
    let rules = RuleParameters { validity_days: Some(7), ..RuleParameters::default() };
    let templates = [template(1, TemplateKind::Membership, rules)];
    let active = Timestamp(NOW.0 + 3 * DAY_MS);
    let counters = Counters { membership_expires: Some(active), ..first_tip() };

    let renewed = evaluate(&facts(5 * ALGO, b"MEMBERSHIP", "TX"), &templates, &counters);

    let period = renewed.membership.unwrap();
    assert_eq!(
        period,
        MembershipPeriod { starts: active, expires: Timestamp(active.0 + 7 * DAY_MS) }
    );
    assert!(renewed.decisions[0].reason.contains("renewed"), "{}", renewed.decisions[0].reason);
}

#[test]
fn renewing_an_expired_membership_starts_from_the_tip() {
    let templates = [priced(1, TemplateKind::Membership, None)];
    for expired in [Timestamp(NOW.0 - DAY_MS), NOW] {
        let counters = Counters { membership_expires: Some(expired), ..first_tip() };

        let renewed = evaluate(&facts(5 * ALGO, b"MEMBERSHIP", "TX"), &templates, &counters);

        assert_eq!(renewed.membership.unwrap().starts, NOW);
    }
}

#[test]
fn collectibles_need_their_price_default_two_algo_and_are_always_golden() {
    let templates = [
        priced(1, TemplateKind::Collectible, None),
        priced(2, TemplateKind::Collectible, Some(20 * ALGO)),
    ];

    let short = judge(2 * ALGO - 1, "COLLECT", &templates);

    assert_eq!(
        kinds(&judge(2 * ALGO, "COLLECT", &templates)),
        [(TemplateKind::Collectible, 1, Variant::Golden)]
    );
    assert_eq!(
        kinds(&judge(25 * ALGO, "collect", &templates)),
        [(TemplateKind::Collectible, 2, Variant::Golden)]
    );
    assert_eq!(short.nothing, Some(NoReward::PriceNotReached(TemplateKind::Collectible)));
    assert!(judge(2 * ALGO, "COLLECT", &templates).membership.is_none());
}

#[test]
fn an_order_memo_is_recorded_and_still_earns_a_sticker() {
    let templates = [sticker(1, ALGO)];

    let order = judge(ALGO, "  order:A-17 ", &templates);

    assert_eq!(order.order.as_deref(), Some("A-17"));
    assert_eq!(kinds(&order), [(TemplateKind::Sticker, 1, Variant::Soulbound)]);
    assert_eq!(judge(ALGO, "ORDER: Zz9", &templates).order.as_deref(), Some("Zz9"));
    assert_eq!(judge(ALGO, "ORDER:", &templates).order, None);
    assert_eq!(judge(ALGO, "ORDERS:1", &templates).order, None);
    assert_eq!(judge(ALGO, "gm", &templates).order, None);
    assert_eq!(judge(ALGO, "ORDERé1", &templates).order, None);
}

#[test]
fn every_fifth_qualifying_tip_earns_a_loyalty_badge() {
    let templates = [badge(1, None)];
    let tip = |amount: u64, before: u64| {
        let counters = Counters { loyalty_before: before, ..first_tip() };
        evaluate(&facts(amount, b"", "TX"), &templates, &counters)
    };

    assert_eq!(kinds(&tip(ALGO / 2, 4)), [(TemplateKind::LoyaltyBadge, 1, Variant::Soulbound)]);
    assert!(tip(ALGO / 2, 4).loyalty_qualifies);
    assert!(tip(ALGO / 2, 3).decisions.is_empty());
    assert!(tip(ALGO / 2, 9).badge());
    let small = tip(ALGO / 2 - 1, 4);
    assert!(!small.loyalty_qualifies, "tips under 0.5 ALGO do not count");
    assert!(small.decisions.is_empty());
}

#[test]
fn a_loyalty_template_sets_its_interval_and_the_rarest_fitting_badge_wins() {
    let templates = [badge(1, Some(2)), badge(2, Some(3)), badge(3, Some(6))];
    let nth = |n: u64| {
        let counters = Counters { loyalty_before: n - 1, ..first_tip() };
        kinds(&evaluate(&facts(ALGO, b"", "TX"), &templates, &counters))
    };

    assert_eq!(nth(2)[0].1, 1);
    assert_eq!(nth(3)[0].1, 2);
    assert_eq!(nth(6)[0].1, 3);
    assert!(nth(5).is_empty());
}

#[test]
fn membership_and_collect_tips_count_towards_loyalty() {
    let templates = [priced(1, TemplateKind::Membership, None), badge(2, None)];
    let counters = Counters { loyalty_before: 4, ..first_tip() };

    let both = evaluate(&facts(5 * ALGO, b"MEMBERSHIP", "TX"), &templates, &counters);

    let expected = [
        (TemplateKind::Membership, 1, Variant::Soulbound),
        (TemplateKind::LoyaltyBadge, 2, Variant::Soulbound),
    ];
    assert_eq!(kinds(&both), expected);
    assert_eq!(both.summary().matches("; ").count(), 1);
}

#[test]
fn the_nth_tip_to_a_creator_is_golden_regardless_of_the_draw() {
    let default_interval = template(
        1,
        TemplateKind::Sticker,
        RuleParameters { golden_odds_bps: Some(0), ..RuleParameters::default() },
    );
    let every_third = sticker(2, 0);
    let every_third = RewardTemplate {
        rules: RuleParameters { every_nth_tip: Some(3), ..every_third.rules },
        ..every_third
    };
    let at = |templates: &[RewardTemplate], seq: u64| {
        let counters = Counters { creator_seq: seq, ..first_tip() };
        evaluate(&facts(ALGO, b"", "TX"), templates, &counters).decisions[0].variant
    };

    assert_eq!(at(std::slice::from_ref(&default_interval), 9), Variant::Soulbound);
    assert_eq!(at(std::slice::from_ref(&default_interval), 10), Variant::Golden);
    assert_eq!(at(std::slice::from_ref(&default_interval), 20), Variant::Golden);
    assert_eq!(at(std::slice::from_ref(&every_third), 3), Variant::Golden);
    assert_eq!(at(std::slice::from_ref(&every_third), 4), Variant::Soulbound);
}

/// The draw recomputed from its published definition, independently of `golden::wins`.
fn drawn_golden(txid: &TxId, odds_bps: u128) -> bool {
    let digest = sha512_256(&[b"tipforge-golden".as_slice(), txid.as_bytes()].concat());
    let value = u128::from(u64::from_be_bytes(digest[..8].try_into().unwrap()));
    value * 10_000 < odds_bps << 64
}

#[test]
fn the_golden_draw_is_reproduced_from_the_txid() {
    let rules = RuleParameters {
        golden_odds_bps: Some(2_500),
        every_nth_tip: Some(1_000_000),
        ..RuleParameters::default()
    };
    let templates = [template(1, TemplateKind::Sticker, rules)];
    let mut golden = 0;
    for n in 0u32..400 {
        let id = TxId::of_canonical(&n.to_be_bytes());
        let text = id.to_string();
        // 10 ALGO adds the 10 % whale bonus: 35 % in all.
        let evaluation = evaluate(&facts(10 * ALGO, b"", &text), &templates, &first_tip());

        let expected = drawn_golden(&id, 3_500);
        assert_eq!(evaluation.decisions[0].variant == Variant::Golden, expected, "{text}");
        golden += usize::from(expected);
    }
    assert!((100..=180).contains(&golden), "{golden} golden of 400");
}

#[test]
fn the_reason_names_the_odds_of_the_draw() {
    let rules = RuleParameters { golden_odds_bps: Some(1_234), ..RuleParameters::default() };
    let templates = [template(1, TemplateKind::Sticker, rules)];

    let evaluation = judge(ALGO, "", &templates);

    assert!(evaluation.summary().contains("12.34 %"), "{}", evaluation.summary());
}

#[test]
fn ids_that_are_not_transaction_ids_still_draw_reproducibly() {
    let name = "ROOTID/inner/2";

    assert_eq!(draw_wins(name, 5_000), draw_wins(name, 5_000));
    assert_eq!(draw_wins(name, 5_000), golden::wins(&TxId::of_canonical(name.as_bytes()), 5_000));
    assert!(draw_wins(name, 10_000));
    assert!(!draw_wins(name, 0));
}

fn any_templates() -> impl Strategy<Value = Vec<RewardTemplate>> {
    let kind = prop_oneof![
        Just(TemplateKind::Sticker),
        Just(TemplateKind::LoyaltyBadge),
        Just(TemplateKind::Membership),
        Just(TemplateKind::Collectible),
    ];
    let amount = || proptest::option::of((0u64..20).prop_map(|n| MicroAlgos(n * ALGO / 2)));
    let one = (kind, amount(), amount(), proptest::option::of(1u64..12));
    proptest::collection::vec(one, 0..6).prop_map(|specs| {
        let numbered = specs.into_iter().zip(0u128..);
        numbered
            .map(|((kind, threshold, price, every_nth_tip), n)| {
                let rules =
                    RuleParameters { threshold, price, every_nth_tip, ..RuleParameters::default() };
                template(n, kind, rules)
            })
            .collect()
    })
}

fn any_memo() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"MEMBERSHIP".to_vec()),
        Just(b" collect ".to_vec()),
        Just(b"ORDER:42".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ]
}

proptest! {
    #[test]
    fn every_tip_earns_something_or_says_why_and_at_most_one_reward_per_kind(
        templates in any_templates(),
        amount in 0u64..30 * ALGO,
        memo in any_memo(),
        seq in 1u64..50,
        before in 0u64..50,
    ) {
        let counters = Counters { creator_seq: seq, loyalty_before: before, membership_expires: None };
        let tip = facts(amount, &memo, "TX");

        let evaluation = evaluate(&tip, &templates, &counters);

        prop_assert_eq!(evaluation.nothing.is_some(), evaluation.decisions.is_empty());
        prop_assert_eq!(&evaluation, &evaluate(&tip, &templates, &counters));
        let mut seen = std::collections::HashSet::new();
        for decision in &evaluation.decisions {
            prop_assert!(seen.insert(decision.kind));
            let template = templates.iter().find(|t| t.id == decision.template).unwrap();
            prop_assert_eq!(template.kind, decision.kind);
        }
        prop_assert_eq!(evaluation.membership.is_some(), seen.contains(&TemplateKind::Membership));
        if let Some(sticker) = evaluation.decisions.iter().find(|d| d.kind == TemplateKind::Sticker) {
            let chosen = templates.iter().find(|t| t.id == sticker.template).unwrap();
            let threshold = sticker_threshold(chosen);
            prop_assert!(threshold <= tip.amount);
            let higher = templates.iter().filter(|t| t.kind == TemplateKind::Sticker)
                .any(|t| sticker_threshold(t) > threshold && sticker_threshold(t) <= tip.amount);
            prop_assert!(!higher);
        }
    }
}

/// `template` as an edition of `size` with `soulbound` and `golden` units already issued.
fn edition(template: RewardTemplate, size: u64, soulbound: u64, golden: u64) -> RewardTemplate {
    RewardTemplate { edition: Some(EditionStock { size, soulbound, golden }), ..template }
}

#[test]
fn an_edition_gives_out_its_size_and_then_says_it_is_sold_out() {
    let mut templates = [edition(sticker(1, ALGO), 2, 1, 0)];

    let last = judge(ALGO, "gm", &templates);
    take_units(&mut templates, &last);
    let after = judge(ALGO, "gm", &templates);

    assert_eq!(kinds(&last), [(TemplateKind::Sticker, 1, Variant::Soulbound)]);
    assert!(after.decisions.is_empty());
    let out = SoldOut {
        kind: TemplateKind::Sticker,
        template: TemplateId(Uuid::from_u128(1)),
        variant: Variant::Soulbound,
        size: 2,
    };
    assert_eq!(after.nothing, Some(NoReward::SoldOut(out)));
    assert_eq!(after.sold_out, [out]);
    assert_eq!(after.summary(), "soulbound sticker edition sold out: all 2 issued");
    assert!(!TipOutcome::from(&after).rewarded);
}

#[test]
fn a_sold_out_variant_leaves_the_other_variant_of_the_edition_available() {
    let mut golden_every_tip = sticker(1, ALGO);
    golden_every_tip.rules.every_nth_tip = Some(1);
    let templates = [edition(golden_every_tip, 3, 3, 2)];

    assert_eq!(
        kinds(&judge(ALGO, "gm", &templates)),
        [(TemplateKind::Sticker, 1, Variant::Golden)]
    );
}

#[test]
fn a_sold_out_badge_is_withheld_beside_an_earned_sticker_and_both_are_told() {
    let templates = [sticker(1, ALGO), edition(badge(2, Some(1)), 5, 5, 0)];

    let evaluation = judge(ALGO, "gm", &templates);

    assert_eq!(kinds(&evaluation), [(TemplateKind::Sticker, 1, Variant::Soulbound)]);
    assert_eq!(evaluation.nothing, None);
    assert!(!evaluation.badge());
    let summary = evaluation.summary();
    assert!(summary.starts_with("sticker 't1'"), "{summary}");
    assert!(
        summary.ends_with("; soulbound loyalty badge edition sold out: all 5 issued"),
        "{summary}"
    );
}

#[test]
fn sold_out_memberships_and_collectibles_buy_nothing() {
    let templates = [
        edition(priced(1, TemplateKind::Membership, None), 1, 1, 0),
        edition(priced(2, TemplateKind::Collectible, None), 4, 0, 4),
    ];

    let membership = judge(5 * ALGO, "MEMBERSHIP", &templates);
    let collectible = judge(5 * ALGO, "COLLECT", &templates);

    assert_eq!(membership.membership, None, "no period is bought without its reward");
    assert!(matches!(membership.nothing, Some(NoReward::SoldOut(out)) if out.size == 1));
    assert_eq!(collectible.summary(), "golden collectible edition sold out: all 4 issued");
}

#[test]
fn unique_templates_never_run_out() {
    let mut templates = [sticker(1, ALGO)];
    for _ in 0..3 {
        let evaluation = judge(ALGO, "gm", &templates);
        take_units(&mut templates, &evaluation);
        assert_eq!(evaluation.decisions.len(), 1);
    }
}
