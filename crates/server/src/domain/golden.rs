//! Golden stickers: the chance of one for a tip of a given size, and the draw that decides it.
//!
//! The draw depends only on the tip's transaction id, so anyone can reproduce it: a fan checking
//! their luck, an auditor, or the server itself replaying a batch after a crash.

use tipforge_algo::{MicroAlgos, TxId, sha512_256};

/// The base chance when a sticker template sets none: 10 %.
pub const DEFAULT_BASE_BPS: u16 = 1_000;
/// When a template sets no interval, every 10th tip to a creator is golden regardless of the draw.
pub const DEFAULT_GUARANTEED_EVERY: u64 = 10;
/// No tip, however large, is golden more often than this: 80 %.
pub const CAP_BPS: u32 = 8_000;

/// The whale bonus tiers, largest first: (smallest amount, bonus in basis points).
const WHALE_TIERS: [(MicroAlgos, u32); 3] = [
    (MicroAlgos(50_000_000), 2_000),
    (MicroAlgos(10_000_000), 1_000),
    (MicroAlgos(5_000_000), 500),
];

/// The domain separator hashed before the txid, so the draw is unrelated to any other use of it.
const DRAW_DOMAIN: &[u8] = b"tipforge-golden";

/// The chance of a golden sticker, in basis points (1/10,000), split into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoldenOdds {
    /// The template's base chance.
    pub base_bps: u32,
    /// The bonus for the tip's size.
    pub bonus_bps: u32,
    /// base + bonus, capped at [`CAP_BPS`].
    pub total_bps: u32,
}

impl GoldenOdds {
    /// The odds of a tip of `amount` under a template whose base chance is `base_bps`.
    pub fn for_tip(base_bps: u16, amount: MicroAlgos) -> Self {
        let base_bps = u32::from(base_bps);
        let bonus_bps =
            WHALE_TIERS.iter().find(|(floor, _)| amount >= *floor).map_or(0, |(_, bonus)| *bonus);
        let total_bps = (base_bps + bonus_bps).min(CAP_BPS);
        Self { base_bps, bonus_bps, total_bps }
    }
}

/// The draw's value for a tip: the first 8 bytes of `sha512_256("tipforge-golden" ‖ txid)` read
/// big-endian, a uniform number in `[0, 2^64)`.
pub fn draw_value(txid: &TxId) -> u64 {
    let mut input = Vec::with_capacity(DRAW_DOMAIN.len() + 32);
    input.extend_from_slice(DRAW_DOMAIN);
    input.extend_from_slice(txid.as_bytes());
    let digest = sha512_256(&input);
    let mut first = [0; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// Whether the tip `txid` wins a golden sticker at `odds_bps`: `draw / 2^64 < odds / 10,000`,
/// compared exactly in integers.
pub fn wins(txid: &TxId, odds_bps: u32) -> bool {
    let odds_bps = u128::from(odds_bps.min(10_000));
    u128::from(draw_value(txid)) * 10_000 < odds_bps << 64
}

/// Whether the `nth` tip to a creator (counting from 1) is golden by the guaranteed interval.
pub fn guaranteed(nth: u64, every: u64) -> bool {
    every > 0 && nth > 0 && nth % every == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txid(byte: u8) -> TxId {
        TxId::of_canonical(&[byte])
    }

    #[test]
    fn whale_bonus_follows_the_tiers_and_the_cap() {
        let algo = |n: u64| MicroAlgos(n * 1_000_000);
        assert_eq!(GoldenOdds::for_tip(1_000, algo(1)).total_bps, 1_000);
        assert_eq!(GoldenOdds::for_tip(1_000, MicroAlgos(4_999_999)).bonus_bps, 0);
        assert_eq!(GoldenOdds::for_tip(1_000, algo(5)).total_bps, 1_500);
        assert_eq!(GoldenOdds::for_tip(1_000, algo(10)).total_bps, 2_000);
        assert_eq!(GoldenOdds::for_tip(1_000, algo(50)).total_bps, 3_000);
        assert_eq!(GoldenOdds::for_tip(7_000, algo(50)).total_bps, CAP_BPS);
    }

    #[test]
    fn zero_odds_never_win_and_full_odds_always_do() {
        for byte in 0..=255 {
            assert!(!wins(&txid(byte), 0));
            assert!(wins(&txid(byte), 10_000));
        }
    }

    #[test]
    fn the_draw_is_about_as_often_golden_as_the_odds_say() {
        let tips = 20_000u32;
        let golden =
            (0..tips).filter(|n| wins(&TxId::of_canonical(&n.to_be_bytes()), 2_500)).count();
        // 25 % of 20,000 is 5,000; the standard deviation is about 61.
        assert!((4_700..=5_300).contains(&golden), "{golden} golden of {tips}");
    }

    #[test]
    fn the_draw_reads_the_hash_big_endian() {
        let id = txid(7);
        let mut input = b"tipforge-golden".to_vec();
        input.extend_from_slice(id.as_bytes());
        let digest = sha512_256(&input);
        assert_eq!(draw_value(&id).to_be_bytes(), digest[..8]);
    }

    #[test]
    fn every_nth_tip_is_guaranteed() {
        assert!(!guaranteed(9, 10));
        assert!(guaranteed(10, 10));
        assert!(guaranteed(20, 10));
        assert!(!guaranteed(0, 10));
        assert!(!guaranteed(10, 0));
    }
}
