//! The fans the node has said hold an asset, remembered so that the next reward of the same
//! asset to the same fan (an edition's units, a creator's repeat tippers) goes out without
//! asking again. A holding only ends by the fan closing it out; the transfer to a fan who did
//! is refused by the node, and the failure forgets the holding, so the retry asks afresh.

use std::collections::HashSet;
use std::sync::Mutex;

use tipforge_algo::{Address, AssetId};

/// More than the holdings a busy stretch delivers to; past it the memory starts over, which
/// costs a question to the node per holding and nothing else.
const CAPACITY: usize = 65_536;

#[derive(Debug, Default)]
pub(super) struct KnownHolders {
    holdings: Mutex<HashSet<(Address, AssetId)>>,
}

impl KnownHolders {
    pub(super) fn holds(&self, fan: &Address, asset: AssetId) -> bool {
        self.lock().contains(&(*fan, asset))
    }

    pub(super) fn remember(&self, fan: &Address, asset: AssetId) {
        let mut holdings = self.lock();
        if holdings.len() >= CAPACITY {
            holdings.clear();
        }
        holdings.insert((*fan, asset));
    }

    pub(super) fn forget(&self, fan: &Address, asset: AssetId) {
        self.lock().remove(&(*fan, asset));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<(Address, AssetId)>> {
        // The set holds plain values, whole after any panic elsewhere.
        self.holdings.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holding_is_known_until_forgotten() {
        let holders = KnownHolders::default();
        let fan = Address([7; 32]);
        assert!(!holders.holds(&fan, AssetId(5)));
        holders.remember(&fan, AssetId(5));
        assert!(holders.holds(&fan, AssetId(5)));
        assert!(!holders.holds(&fan, AssetId(6)));
        holders.forget(&fan, AssetId(5));
        assert!(!holders.holds(&fan, AssetId(5)));
    }

    #[test]
    fn a_full_memory_starts_over_rather_than_growing() {
        let holders = KnownHolders::default();
        for n in 0..CAPACITY as u64 {
            holders.remember(&Address([1; 32]), AssetId(n));
        }
        holders.remember(&Address([2; 32]), AssetId(1));
        assert!(holders.holds(&Address([2; 32]), AssetId(1)));
        assert!(!holders.holds(&Address([1; 32]), AssetId(0)));
        assert_eq!(holders.lock().len(), 1);
    }
}
