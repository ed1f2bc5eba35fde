//! Asset transfers seen on chain: fans opting in to receive a reward, and golden NFTs changing
//! hands.

use tipforge_algo::{Address, AssetId, Round};

/// One asset transfer (`axfer`), root or inner, as a block records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetMove {
    /// The round it confirmed in.
    pub round: Round,
    /// The asset.
    pub asset: AssetId,
    /// Who sent the transaction.
    pub sender: Address,
    /// Who receives `amount` units.
    pub receiver: Address,
    /// Units moved.
    pub amount: u64,
    /// For a clawback, the holder the units are taken from.
    pub revoke_from: Option<Address>,
    /// When set, the holder's remaining units go here and the holding is closed.
    pub close_to: Option<Address>,
}

impl AssetMove {
    /// The account whose units move: the clawed-back holder, else the sender.
    pub fn holder(&self) -> Address {
        self.revoke_from.unwrap_or(self.sender)
    }

    /// Whether this is an opt-in: zero units from an account to itself, closing nothing.
    pub fn is_opt_in(&self) -> bool {
        self.amount == 0
            && self.revoke_from.is_none()
            && self.close_to.is_none()
            && self.sender == self.receiver
    }

    /// Who holds a one-unit asset after this transfer, given that `owner` held it before; `None`
    /// when it stays put. The unit goes to the receiver when it is sent, else to the close-out
    /// account when the holding is closed.
    pub fn new_owner(&self, owner: Address) -> Option<Address> {
        if self.holder() != owner {
            return None;
        }
        let to = match (self.amount, self.close_to) {
            (1.., _) => self.receiver,
            (0, Some(close_to)) => close_to,
            (0, None) => return None,
        };
        (to != owner).then_some(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Address = Address([1; 32]);
    const B: Address = Address([2; 32]);
    const C: Address = Address([3; 32]);

    fn transfer(sender: Address, receiver: Address, amount: u64) -> AssetMove {
        let (round, asset) = (Round(1), AssetId(9));
        AssetMove { round, asset, sender, receiver, amount, revoke_from: None, close_to: None }
    }

    #[test]
    fn an_opt_in_is_nothing_sent_to_oneself() {
        assert!(transfer(A, A, 0).is_opt_in());
        assert!(!transfer(A, A, 1).is_opt_in());
        assert!(!transfer(A, B, 0).is_opt_in());
        assert!(!AssetMove { close_to: Some(B), ..transfer(A, A, 0) }.is_opt_in());
    }

    #[test]
    fn the_unit_follows_a_send_or_a_close_out_from_its_owner() {
        assert_eq!(transfer(A, B, 1).new_owner(A), Some(B));
        assert_eq!(AssetMove { close_to: Some(C), ..transfer(A, B, 0) }.new_owner(A), Some(C));
        assert_eq!(AssetMove { close_to: Some(C), ..transfer(A, B, 1) }.new_owner(A), Some(B));
    }

    #[test]
    fn transfers_from_others_or_to_oneself_change_nothing() {
        assert_eq!(transfer(B, C, 1).new_owner(A), None);
        assert_eq!(transfer(A, A, 1).new_owner(A), None);
        assert_eq!(transfer(A, B, 0).new_owner(A), None);
    }

    #[test]
    fn a_clawback_moves_the_unit_of_the_holder_it_names() {
        let clawback = AssetMove { revoke_from: Some(A), ..transfer(C, B, 1) };

        assert_eq!(clawback.new_owner(A), Some(B));
        assert_eq!(clawback.new_owner(C), None);
    }
}
