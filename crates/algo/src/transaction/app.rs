//! `appl` transactions.

use super::TxnBody;
use super::fields::{FieldReader, FieldWriter, invalid};
use crate::address::Address;
use crate::error::Result;
use crate::ids::{AppId, AssetId};
use crate::msgpack::Value;

/// What an application call does besides running the approval program (`apan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnComplete {
    /// Only run the program.
    #[default]
    NoOp = 0,
    /// Allocate the sender's local state.
    OptIn = 1,
    /// Free the sender's local state (the program may refuse).
    CloseOut = 2,
    /// Free the sender's local state whatever the clear program says.
    ClearState = 3,
    /// Replace the programs.
    UpdateApplication = 4,
    /// Delete the application.
    DeleteApplication = 5,
}

impl OnComplete {
    fn from_u64(number: u64) -> Option<Self> {
        Some(match number {
            0 => Self::NoOp,
            1 => Self::OptIn,
            2 => Self::CloseOut,
            3 => Self::ClearState,
            4 => Self::UpdateApplication,
            5 => Self::DeleteApplication,
            _ => return None,
        })
    }
}

/// How many state values of each kind an application may keep (`apgs`, `apls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateSchema {
    /// Integer values (`nui`).
    pub num_uints: u64,
    /// Byte-slice values (`nbs`).
    pub num_byte_slices: u64,
}

impl StateSchema {
    /// A schema of `num_uints` integers and `num_byte_slices` byte slices.
    pub fn new(num_uints: u64, num_byte_slices: u64) -> Self {
        Self { num_uints, num_byte_slices }
    }

    fn to_value(self) -> Value {
        FieldWriter::default()
            .uint("nui", self.num_uints)
            .uint("nbs", self.num_byte_slices)
            .finish()
    }

    fn read(fields: &mut FieldReader<'_>, key: &'static str) -> Result<Self> {
        let Some(value) = fields.get(key) else { return Ok(Self::default()) };
        let path = fields.field(key);
        let mut schema = FieldReader::new(value, &path)?;
        let read = Self { num_uints: schema.uint("nui")?, num_byte_slices: schema.uint("nbs")? };
        schema.finish()?;
        Ok(read)
    }
}

/// A box the call may touch (`apbx` entry).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoxRef {
    /// 0 for the called application, k for the k-th entry (1-based) of the foreign apps (`i`).
    pub app_index: u64,
    /// The box name (`n`).
    pub name: Vec<u8>,
}

/// `appl`: creates (app 0) or calls an application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppCall {
    /// The application; 0 creates one (`apid`).
    pub app: AppId,
    /// The on-completion action (`apan`).
    pub on_complete: OnComplete,
    /// Arguments, at most 16 and 2048 bytes in all (`apaa`).
    pub args: Vec<Vec<u8>>,
    /// Extra accounts the program may read (`apat`).
    pub accounts: Vec<Address>,
    /// Applications the program may read or call (`apfa`).
    pub foreign_apps: Vec<AppId>,
    /// Assets the program may read (`apas`).
    pub foreign_assets: Vec<AssetId>,
    /// Boxes the program may touch (`apbx`).
    pub boxes: Vec<BoxRef>,
    /// Local state schema, on create (`apls`).
    pub local_schema: StateSchema,
    /// Global state schema, on create (`apgs`).
    pub global_schema: StateSchema,
    /// Approval program, on create and update (`apap`).
    pub approval_program: Vec<u8>,
    /// Clear-state program, on create and update (`apsu`).
    pub clear_program: Vec<u8>,
    /// Extra 2048-byte program pages, on create (`apep`).
    pub extra_pages: u32,
    /// Fails the call unless the application's version is below this (`aprv`).
    pub reject_version: u64,
}

impl AppCall {
    /// A NoOp call of `app`.
    pub fn new(app: AppId) -> Self {
        Self { app, ..Self::default() }
    }

    /// Creates an application with these programs and schemas.
    pub fn create(
        approval: Vec<u8>,
        clear: Vec<u8>,
        global: StateSchema,
        local: StateSchema,
    ) -> Self {
        Self {
            approval_program: approval,
            clear_program: clear,
            global_schema: global,
            local_schema: local,
            ..Self::default()
        }
    }

    /// Sets the on-completion action.
    pub fn on_complete(mut self, action: OnComplete) -> Self {
        self.on_complete = action;
        self
    }

    /// Appends an argument.
    pub fn arg(mut self, arg: impl Into<Vec<u8>>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends an account reference.
    pub fn account(mut self, account: Address) -> Self {
        self.accounts.push(account);
        self
    }

    /// Appends an application reference.
    pub fn foreign_app(mut self, app: AppId) -> Self {
        self.foreign_apps.push(app);
        self
    }

    /// Appends an asset reference.
    pub fn foreign_asset(mut self, asset: AssetId) -> Self {
        self.foreign_assets.push(asset);
        self
    }

    /// Appends a reference to box `name` of `app`: of the called application when `app` is 0
    /// or the called one, otherwise of a foreign application (added to the references if it is
    /// not there yet).
    pub fn box_ref(mut self, app: AppId, name: impl Into<Vec<u8>>) -> Self {
        let app_index = if app.0 == 0 || app == self.app {
            0
        } else {
            let position = self.foreign_apps.iter().position(|known| *known == app);
            let position = position.unwrap_or_else(|| {
                self.foreign_apps.push(app);
                self.foreign_apps.len() - 1
            });
            position as u64 + 1
        };
        self.boxes.push(BoxRef { app_index, name: name.into() });
        self
    }

    /// Sets the approval and clear programs (create or update).
    pub fn programs(mut self, approval: Vec<u8>, clear: Vec<u8>) -> Self {
        self.approval_program = approval;
        self.clear_program = clear;
        self
    }

    /// Sets the number of extra program pages.
    pub fn extra_pages(mut self, pages: u32) -> Self {
        self.extra_pages = pages;
        self
    }

    /// Sets the reject version.
    pub fn reject_version(mut self, version: u64) -> Self {
        self.reject_version = version;
        self
    }

    pub(super) fn write(&self, fields: &mut FieldWriter) {
        let args = self.args.iter().map(|arg| Value::from(arg.as_slice())).collect();
        let accounts = self.accounts.iter().map(|account| Value::from(&account.0[..])).collect();
        let apps = self.foreign_apps.iter().map(|app| Value::Uint(app.0)).collect();
        let assets = self.foreign_assets.iter().map(|asset| Value::Uint(asset.0)).collect();
        let boxes = self.boxes.iter().map(box_value).collect();
        fields
            .uint("apid", self.app.0)
            .uint("apan", self.on_complete as u64)
            .value("apaa", Value::Array(args))
            .value("apat", Value::Array(accounts))
            .value("apfa", Value::Array(apps))
            .value("apas", Value::Array(assets))
            .value("apbx", Value::Array(boxes))
            .value("apls", self.local_schema.to_value())
            .value("apgs", self.global_schema.to_value())
            .bytes("apap", &self.approval_program)
            .bytes("apsu", &self.clear_program)
            .uint("apep", u64::from(self.extra_pages))
            .uint("aprv", self.reject_version);
    }

    pub(super) fn read(fields: &mut FieldReader<'_>) -> Result<Self> {
        let on_complete = fields.uint("apan")?;
        let extra_pages = fields.uint("apep")?;
        Ok(Self {
            app: AppId(fields.uint("apid")?),
            on_complete: OnComplete::from_u64(on_complete)
                .ok_or_else(|| invalid(&fields.field("apan"), "unknown on-completion"))?,
            args: read_each(fields, "apaa", |value, path| Ok(value.as_bytes(path)?.to_vec()))?,
            accounts: read_each(fields, "apat", read_account)?,
            foreign_apps: read_each(fields, "apfa", |value, path| Ok(AppId(value.as_u64(path)?)))?,
            foreign_assets: read_each(fields, "apas", |value, path| {
                Ok(AssetId(value.as_u64(path)?))
            })?,
            boxes: read_each(fields, "apbx", read_box)?,
            local_schema: StateSchema::read(fields, "apls")?,
            global_schema: StateSchema::read(fields, "apgs")?,
            approval_program: fields.bytes("apap")?,
            clear_program: fields.bytes("apsu")?,
            extra_pages: u32::try_from(extra_pages)
                .map_err(|_| invalid(&fields.field("apep"), "too large"))?,
            reject_version: fields.uint("aprv")?,
        })
    }
}

fn box_value(reference: &BoxRef) -> Value {
    FieldWriter::default().uint("i", reference.app_index).bytes("n", &reference.name).finish()
}

fn read_each<T>(
    fields: &mut FieldReader<'_>,
    key: &'static str,
    read: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Vec<T>> {
    let path = fields.field(key);
    fields.array(key)?.iter().map(|value| read(value, &path)).collect()
}

/// Array elements are never omitted, so a zero address is a legal element here.
fn read_account(value: &Value, path: &str) -> Result<Address> {
    let bytes = value.as_bytes(path)?;
    Ok(Address(bytes.try_into().map_err(|_| invalid(path, "not 32 bytes"))?))
}

fn read_box(value: &Value, path: &str) -> Result<BoxRef> {
    let mut fields = FieldReader::new(value, path)?;
    let reference = BoxRef { app_index: fields.uint("i")?, name: fields.bytes("n")? };
    fields.finish()?;
    Ok(reference)
}

impl From<AppCall> for TxnBody {
    fn from(body: AppCall) -> Self {
        Self::AppCall(body)
    }
}
