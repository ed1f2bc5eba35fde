//! How much of an edition is left: each variant's asset has the edition's size in units, and
//! every reward issued from the template takes one unit of its variant for good.

use super::Variant;

/// The units of an edition template's two assets given out so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EditionStock {
    /// Units per variant (the edition size).
    pub size: u64,
    /// Soulbound rewards issued.
    pub soulbound: u64,
    /// Golden rewards issued.
    pub golden: u64,
}

/// Units left of each variant of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    /// Soulbound units left.
    pub soulbound: u64,
    /// Golden units left.
    pub golden: u64,
}

impl EditionStock {
    /// A fresh edition of `size` units per variant.
    pub fn new(size: u64) -> Self {
        Self { size, ..Self::default() }
    }

    /// Rewards of `variant` issued so far.
    pub fn issued(&self, variant: Variant) -> u64 {
        match variant {
            Variant::Soulbound => self.soulbound,
            Variant::Golden => self.golden,
        }
    }

    /// Units of `variant` that no reward has taken yet.
    pub fn left(&self, variant: Variant) -> u64 {
        self.size.saturating_sub(self.issued(variant))
    }

    /// Units left of both variants.
    pub fn remaining(&self) -> Remaining {
        Remaining { soulbound: self.left(Variant::Soulbound), golden: self.left(Variant::Golden) }
    }

    /// Counts one more reward of `variant`.
    pub fn take(&mut self, variant: Variant) {
        *self.issued_mut(variant) += 1;
    }

    /// Records that `issued` rewards of `variant` were issued.
    pub fn set_issued(&mut self, variant: Variant, issued: u64) {
        *self.issued_mut(variant) = issued;
    }

    fn issued_mut(&mut self, variant: Variant) -> &mut u64 {
        match variant {
            Variant::Soulbound => &mut self.soulbound,
            Variant::Golden => &mut self.golden,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_runs_out_on_its_own() {
        let mut stock = EditionStock::new(2);
        stock.take(Variant::Soulbound);
        stock.take(Variant::Soulbound);
        stock.take(Variant::Golden);

        assert_eq!(stock.left(Variant::Soulbound), 0);
        assert_eq!(stock.remaining(), Remaining { soulbound: 0, golden: 1 });
    }

    #[test]
    fn more_issued_than_minted_leaves_nothing_rather_than_wrapping() {
        let stock = EditionStock { size: 1, soulbound: 3, golden: 0 };

        assert_eq!(stock.left(Variant::Soulbound), 0);
    }
}
