//! The parts of algod's and the indexer's JSON answers TipForge reads, with ids and amounts as
//! newtypes and byte fields decoded from base64.

use serde::{Deserialize, Deserializer};
use tipforge_algo::{Address, AppId, AssetId, MicroAlgos, Round};

/// `GET /v2/status` and `wait-for-block-after`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct NodeStatus {
    /// The newest round the node has.
    pub last_round: Round,
    /// Nanoseconds since that round arrived.
    #[serde(default)]
    pub time_since_last_round: u64,
    /// Nanoseconds spent catching up, 0 when caught up.
    #[serde(default)]
    pub catchup_time: u64,
    /// The consensus protocol of the last round.
    #[serde(default)]
    pub last_version: String,
}

/// `GET /v2/transactions/pending/{txid}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PendingTransaction {
    /// The round it was committed in, when it was.
    #[serde(default)]
    pub confirmed_round: Option<Round>,
    /// Why the pool dropped it; empty while it is fine.
    #[serde(default)]
    pub pool_error: String,
    /// The asset it created, if any.
    #[serde(default)]
    pub asset_index: Option<AssetId>,
    /// The application it created, if any.
    #[serde(default)]
    pub application_index: Option<AppId>,
    /// The logs of an application call.
    #[serde(default, deserialize_with = "base64_list")]
    pub logs: Vec<Vec<u8>>,
}

/// One asset holding of an account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccountAsset {
    /// The asset.
    pub asset_id: AssetId,
    /// Units held.
    pub amount: u64,
    /// Whether the holding is frozen.
    #[serde(default)]
    pub is_frozen: bool,
}

/// `GET /v2/accounts/{address}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccountInfo {
    /// The account.
    #[serde(deserialize_with = "address")]
    pub address: Address,
    /// Its balance.
    pub amount: MicroAlgos,
    /// The balance it must keep.
    #[serde(default)]
    pub min_balance: MicroAlgos,
    /// Its asset holdings.
    #[serde(default)]
    pub assets: Vec<AccountAsset>,
    /// The account it is rekeyed to, if any.
    #[serde(default, deserialize_with = "optional_address")]
    pub auth_addr: Option<Address>,
    /// The round this answer describes.
    #[serde(default)]
    pub round: Round,
}

impl AccountInfo {
    /// What the account can spend without going below its minimum balance.
    pub fn spendable(&self) -> MicroAlgos {
        self.amount.checked_sub(self.min_balance).unwrap_or_default()
    }

    /// The holding of `asset`, if the account has opted in.
    pub fn holding(&self, asset: AssetId) -> Option<&AccountAsset> {
        self.assets.iter().find(|holding| holding.asset_id == asset)
    }
}

/// One global state value of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppGlobalValue {
    /// A byte string.
    Bytes(Vec<u8>),
    /// An unsigned integer.
    Uint(u64),
}

/// `GET /v2/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationInfo {
    /// The application.
    pub id: AppId,
    /// Who created it.
    pub creator: Address,
    /// Its global state, key by key.
    pub global_state: Vec<(Vec<u8>, AppGlobalValue)>,
}

impl ApplicationInfo {
    /// The global value under `key`.
    pub fn global(&self, key: &[u8]) -> Option<&AppGlobalValue> {
        self.global_state.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    /// The integer under `key`; absent keys read as 0, as the AVM reads them.
    pub fn global_uint(&self, key: &[u8]) -> u64 {
        match self.global(key) {
            Some(AppGlobalValue::Uint(value)) => *value,
            _ => 0,
        }
    }

    /// The bytes under `key`.
    pub fn global_bytes(&self, key: &[u8]) -> Option<&[u8]> {
        match self.global(key) {
            Some(AppGlobalValue::Bytes(value)) => Some(value),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for ApplicationInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            id: AppId,
            params: Params,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Params {
            #[serde(deserialize_with = "address")]
            creator: Address,
            #[serde(default)]
            global_state: Vec<Entry>,
        }
        #[derive(Deserialize)]
        struct Entry {
            #[serde(deserialize_with = "base64")]
            key: Vec<u8>,
            value: Value,
        }
        #[derive(Deserialize)]
        struct Value {
            #[serde(rename = "type")]
            kind: u8,
            #[serde(default, deserialize_with = "base64")]
            bytes: Vec<u8>,
            #[serde(default)]
            uint: u64,
        }
        let raw = Raw::deserialize(deserializer)?;
        let global_state = raw
            .params
            .global_state
            .into_iter()
            .map(|entry| {
                let value = match entry.value.kind {
                    1 => AppGlobalValue::Bytes(entry.value.bytes),
                    _ => AppGlobalValue::Uint(entry.value.uint),
                };
                (entry.key, value)
            })
            .collect();
        Ok(Self { id: raw.id, creator: raw.params.creator, global_state })
    }
}

/// `GET /v2/assets/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetInfo {
    /// The asset.
    pub id: AssetId,
    /// Who created it.
    pub creator: Address,
    /// Units in existence.
    pub total: u64,
    /// Decimal places.
    pub decimals: u32,
    /// Whether new holdings start frozen.
    pub default_frozen: bool,
    /// Its name.
    pub name: Option<String>,
    /// Its unit name.
    pub unit_name: Option<String>,
    /// Its URL.
    pub url: Option<String>,
    /// Its 32-byte metadata hash.
    pub metadata_hash: Option<Vec<u8>>,
    /// The manager, if any.
    pub manager: Option<Address>,
    /// The reserve, if any.
    pub reserve: Option<Address>,
    /// The freeze account, if any.
    pub freeze: Option<Address>,
    /// The clawback account, if any.
    pub clawback: Option<Address>,
}

impl<'de> Deserialize<'de> for AssetInfo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            index: AssetId,
            params: Params,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Params {
            #[serde(deserialize_with = "address")]
            creator: Address,
            total: u64,
            #[serde(default)]
            decimals: u32,
            #[serde(default)]
            default_frozen: bool,
            name: Option<String>,
            unit_name: Option<String>,
            url: Option<String>,
            #[serde(default, deserialize_with = "optional_base64")]
            metadata_hash: Option<Vec<u8>>,
            #[serde(default, deserialize_with = "optional_address")]
            manager: Option<Address>,
            #[serde(default, deserialize_with = "optional_address")]
            reserve: Option<Address>,
            #[serde(default, deserialize_with = "optional_address")]
            freeze: Option<Address>,
            #[serde(default, deserialize_with = "optional_address")]
            clawback: Option<Address>,
        }
        let Raw { index, params: p } = Raw::deserialize(deserializer)?;
        Ok(Self {
            id: index,
            creator: p.creator,
            total: p.total,
            decimals: p.decimals,
            default_frozen: p.default_frozen,
            name: p.name,
            unit_name: p.unit_name,
            url: p.url,
            metadata_hash: p.metadata_hash,
            manager: p.manager,
            reserve: p.reserve,
            freeze: p.freeze,
            clawback: p.clawback,
        })
    }
}

/// A transaction as the indexer returns it: the fields a listener catching up needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IndexerTransaction {
    /// Its id (absent on inner transactions).
    #[serde(default)]
    pub id: Option<String>,
    /// `pay`, `axfer`, `appl`, …
    pub tx_type: String,
    /// The sender.
    #[serde(deserialize_with = "address")]
    pub sender: Address,
    /// The round it was committed in.
    #[serde(default)]
    pub confirmed_round: Option<Round>,
    /// Its position in the round.
    #[serde(default)]
    pub intra_round_offset: Option<u64>,
    /// The asset it created, for an asset creation.
    #[serde(default)]
    pub created_asset_index: Option<AssetId>,
    /// The application it called, for application calls.
    #[serde(default)]
    pub application_transaction: Option<IndexerAppCall>,
    /// The asset it moved, for asset transfers.
    #[serde(default)]
    pub asset_transfer_transaction: Option<IndexerAssetTransfer>,
    /// Its logs.
    #[serde(default, deserialize_with = "base64_list")]
    pub logs: Vec<Vec<u8>>,
    /// Transactions it issued.
    #[serde(default)]
    pub inner_txns: Vec<IndexerTransaction>,
}

/// The application part of an indexer transaction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IndexerAppCall {
    /// The application called (0 on create).
    pub application_id: AppId,
}

/// The asset-transfer part of an indexer transaction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IndexerAssetTransfer {
    /// The asset.
    pub asset_id: AssetId,
    /// Units moved.
    pub amount: u64,
    /// The receiver.
    #[serde(deserialize_with = "address")]
    pub receiver: Address,
}

/// One page of an indexer transaction search.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TransactionPage {
    /// The indexer's newest round.
    pub current_round: Round,
    /// Where the next page starts, when there may be one.
    #[serde(default)]
    pub next_token: Option<String>,
    /// The transactions on this page.
    #[serde(default)]
    pub transactions: Vec<IndexerTransaction>,
}

fn base64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(deserializer)?;
    data_encoding::BASE64.decode(text.as_bytes()).map_err(serde::de::Error::custom)
}

fn optional_base64<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<u8>>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.map(|text| data_encoding::BASE64.decode(text.as_bytes()).map_err(serde::de::Error::custom))
        .transpose()
}

fn base64_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<u8>>, D::Error> {
    let items = Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default();
    items
        .iter()
        .map(|text| data_encoding::BASE64.decode(text.as_bytes()).map_err(serde::de::Error::custom))
        .collect()
}

fn address<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Address, D::Error> {
    String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
}

fn optional_address<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Address>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) if !text.is_empty() => text.parse().map(Some).map_err(serde::de::Error::custom),
        _ => Ok(None),
    }
}
