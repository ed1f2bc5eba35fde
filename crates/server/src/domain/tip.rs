//! Tips seen on chain and the cursor that pages through them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tipforge_algo::{Address, AppId, MicroAlgos, Round};

use super::rules::TipOutcome;

/// A tip recognised by its `Tipped` event in a TipProxy app call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tip {
    /// The id of the app call that emitted the event.
    pub txid: String,
    /// The round it confirmed in.
    pub round: Round,
    /// Its position among the block's transactions; with `round`, the order of tips.
    pub intra_round: u64,
    /// The creator's TipProxy app.
    pub app_id: AppId,
    /// Who paid.
    pub fan: Address,
    /// Who received the forwarded payment.
    pub creator: Address,
    /// How much was forwarded.
    pub amount: MicroAlgos,
    /// The memo as sent, which need not be UTF-8.
    pub memo: Vec<u8>,
}

impl Tip {
    /// Where this tip sits in the order of all tips.
    pub fn position(&self) -> TipCursor {
        TipCursor { round: self.round, intra_round: self.intra_round }
    }

    /// The memo as text, with invalid UTF-8 replaced.
    pub fn memo_text(&self) -> String {
        String::from_utf8_lossy(&self.memo).into_owned()
    }
}

/// A position in the newest-first order of tips: a page continues with the tips before it.
/// Clients see it as an opaque token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TipCursor {
    /// The round of the last tip on the previous page.
    pub round: Round,
    /// Its position in the round.
    pub intra_round: u64,
}

impl TipCursor {
    /// The opaque token handed to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.round, self.intra_round))
    }

    /// Reads a token made by [`TipCursor::encode`]; `None` for anything else.
    pub fn decode(token: &str) -> Option<Self> {
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let (round, intra_round) = text.split_once('.')?;
        Some(Self { round: Round(round.parse().ok()?), intra_round: intra_round.parse().ok()? })
    }
}

/// Which tips to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipQuery {
    /// Only tips to this creator.
    pub creator: Option<Address>,
    /// Only tips from this fan.
    pub fan: Option<Address>,
    /// Only tips older than this position (the previous page's cursor).
    pub before: Option<TipCursor>,
    /// At most this many tips.
    pub limit: u32,
}

/// One page of tips, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipPage {
    /// The tips on this page.
    pub tips: Vec<Tip>,
    /// What the reward rules decided for each tip, in the same order; `None` for tips stored
    /// before the rules existed.
    pub outcomes: Vec<Option<TipOutcome>>,
    /// Where the next page starts, if there are more tips.
    pub next: Option<TipCursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_their_token() {
        let cursor = TipCursor { round: Round(42), intra_round: 7 };

        assert_eq!(TipCursor::decode(&cursor.encode()), Some(cursor));
    }

    #[test]
    fn garbage_tokens_are_not_cursors() {
        assert_eq!(TipCursor::decode("not a cursor"), None);
        assert_eq!(TipCursor::decode(&URL_SAFE_NO_PAD.encode("1.x")), None);
        assert_eq!(TipCursor::decode(""), None);
    }
}
