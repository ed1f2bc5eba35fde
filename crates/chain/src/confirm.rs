//! Settling many sent transactions from the blocks that follow, instead of asking about each
//! one: a block read confirms every tracked transaction it contains.

use std::collections::HashMap;

use tipforge_algo::{Round, TxId};

/// What became of a tracked transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// It is in a block of this round.
    Confirmed {
        /// The transaction.
        txid: TxId,
        /// The round it was committed in.
        round: Round,
    },
    /// Its last valid round has passed without it: it can never be committed.
    Expired {
        /// The transaction.
        txid: TxId,
    },
}

/// Transactions sent and not yet settled, each with its last valid round.
#[derive(Debug, Default)]
pub struct ConfirmationTracker {
    pending: HashMap<TxId, Round>,
}

impl ConfirmationTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Watches for `txid`, which can be committed up to `last_valid`.
    pub fn track(&mut self, txid: TxId, last_valid: Round) {
        self.pending.insert(txid, last_valid);
    }

    /// Transactions still unsettled.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is being watched.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Settles against block `round` holding `txids`: tracked ones in it are confirmed, and
    /// tracked ones whose last valid round is `round` or earlier and that are not in it expire.
    /// Blocks must be observed in order.
    pub fn observe_block<'a>(
        &mut self,
        round: Round,
        txids: impl IntoIterator<Item = &'a TxId>,
    ) -> Vec<Settled> {
        let mut settled: Vec<Settled> = txids
            .into_iter()
            .filter(|txid| self.pending.remove(txid).is_some())
            .map(|txid| Settled::Confirmed { txid: *txid, round })
            .collect();
        let expired: Vec<TxId> = self
            .pending
            .iter()
            .filter(|(_, last_valid)| **last_valid <= round)
            .map(|(txid, _)| *txid)
            .collect();
        for txid in expired {
            self.pending.remove(&txid);
            settled.push(Settled::Expired { txid });
        }
        settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> TxId {
        TxId([n; 32])
    }

    #[test]
    fn one_block_confirms_every_tracked_transaction_in_it() {
        let mut tracker = ConfirmationTracker::new();
        for n in 0..5 {
            tracker.track(id(n), Round(100));
        }

        let settled = tracker.observe_block(Round(7), &[id(1), id(3), id(9)]);

        assert_eq!(settled.len(), 2);
        assert!(settled.contains(&Settled::Confirmed { txid: id(1), round: Round(7) }));
        assert!(settled.contains(&Settled::Confirmed { txid: id(3), round: Round(7) }));
        assert_eq!(tracker.len(), 3);
    }

    #[test]
    fn a_transaction_expires_only_after_its_last_valid_round() {
        let mut tracker = ConfirmationTracker::new();
        tracker.track(id(1), Round(10));

        assert!(tracker.observe_block(Round(9), &[]).is_empty());
        assert_eq!(tracker.observe_block(Round(10), &[]), [Settled::Expired { txid: id(1) }]);
        assert!(tracker.is_empty());
    }

    #[test]
    fn committed_in_its_last_valid_round_counts_as_confirmed() {
        let mut tracker = ConfirmationTracker::new();
        tracker.track(id(1), Round(10));

        let settled = tracker.observe_block(Round(10), &[id(1)]);

        assert_eq!(settled, [Settled::Confirmed { txid: id(1), round: Round(10) }]);
    }
}
