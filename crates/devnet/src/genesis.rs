//! The genesis: network identity and deterministic funded accounts.

use tipforge_algo::{Address, HashPrefix, SecretKey, sha512_256, sha512_256_prefixed};

use crate::config::GenesisConfig;
use crate::ledger::{Account, State};

/// A funded account whose key is derived from the genesis seed.
#[derive(Clone)]
pub struct FundedAccount {
    /// Its key (the mnemonic is `key.mnemonic()`).
    pub key: SecretKey,
    /// Its address.
    pub address: Address,
    /// Its balance at genesis.
    pub balance: u64,
}

impl std::fmt::Debug for FundedAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FundedAccount({}, {})", self.address, self.balance)
    }
}

/// The network's identity and starting state.
#[derive(Debug, Clone)]
pub struct Genesis {
    /// The genesis id.
    pub id: String,
    /// The genesis hash.
    pub hash: [u8; 32],
    /// The funded accounts; the first one also backs the dispenser.
    pub accounts: Vec<FundedAccount>,
    /// Where fees go.
    pub fee_sink: Address,
    /// The rewards pool (holds its minimum balance, never pays rewards).
    pub rewards_pool: Address,
}

impl Genesis {
    /// The genesis `config` describes; the same config always gives the same keys and hash.
    pub fn new(config: &GenesisConfig) -> Self {
        let accounts = (0..config.accounts as u64)
            .map(|index| {
                let seed = sha512_256(
                    &[
                        b"tipforge-devnet-account".as_slice(),
                        config.seed.as_bytes(),
                        &index.to_be_bytes(),
                    ]
                    .concat(),
                );
                let key = SecretKey::from_seed(&seed);
                FundedAccount { address: key.address(), key, balance: config.balance }
            })
            .collect();
        let description =
            format!("{}|{}|{}|{}", config.id, config.seed, config.accounts, config.balance);
        let derived = sha512_256_prefixed(HashPrefix::MessageBytes, &[description.as_bytes()]);
        Self {
            id: config.id.clone(),
            hash: config.hash.unwrap_or(derived),
            accounts,
            fee_sink: Address(sha512_256(b"tipforge-devnet-fee-sink")),
            rewards_pool: Address(sha512_256(b"tipforge-devnet-rewards-pool")),
        }
    }

    /// The state at round 0.
    pub fn state(&self) -> State {
        let mut state = State { txn_counter: 1_000, ..State::default() };
        let reserve = std::sync::Arc::new(Account {
            balance: crate::ledger::min_balance::BASE,
            ..Account::default()
        });
        state.accounts.insert(self.fee_sink, reserve.clone());
        state.accounts.insert(self.rewards_pool, reserve);
        for funded in &self.accounts {
            let account = Account { balance: funded.balance, ..Account::default() };
            state.accounts.insert(funded.address, std::sync::Arc::new(account));
        }
        state
    }
}
