//! Fetching a run of blocks with several requests in flight, delivered in round order.

use futures::{StreamExt, TryStreamExt, stream};
use tipforge_algo::Round;

use crate::algod::Algod;
use crate::block::Block;
use crate::error::Result;

/// Blocks `from..=to` in order, with at most `concurrency` requests in flight. An error for any
/// round ends the run; blocks before it are not returned, so a caller never sees a gap.
pub async fn fetch_blocks(
    algod: &Algod,
    from: Round,
    to: Round,
    concurrency: usize,
) -> Result<Vec<Block>> {
    stream::iter(from.0..=to.0)
        .map(|round| algod.block(Round(round)))
        .buffered(concurrency.max(1))
        .try_collect()
        .await
}
