//! The TipProxy contract as committed: its bytecode, its state schema and its methods, read
//! once per process.

use std::sync::LazyLock;

use data_encoding::BASE64;
use serde::Deserialize;
use tipforge_algo::abi::Method;
use tipforge_algo::transaction::StateSchema;

const APPROVAL_B64: &str = include_str!("../../../../contracts/tip_proxy/approval.b64");
const CLEAR_B64: &str = include_str!("../../../../contracts/tip_proxy/clear.b64");
const SPEC_JSON: &str = include_str!("../../../../contracts/tip_proxy/TipProxy.arc56.json");

/// The contract version TipForge deploys; stored with every contract.
pub(crate) const VERSION: u64 = 1;

/// The committed TipProxy, decoded on first use. The files are part of the build and a unit
/// test reads them, so failing to decode them here is a broken build, not a runtime condition.
pub(crate) static TIP_PROXY: LazyLock<TipProxy> = LazyLock::new(|| {
    TipProxy::load().unwrap_or_else(|reason| panic!("the committed TipProxy is invalid: {reason}"))
});

/// What deploying and calling a TipProxy needs.
#[derive(Debug)]
pub(crate) struct TipProxy {
    pub(crate) approval: Vec<u8>,
    pub(crate) clear: Vec<u8>,
    pub(crate) global_schema: StateSchema,
    pub(crate) local_schema: StateSchema,
    pub(crate) create: Method,
    pub(crate) pause: Method,
    pub(crate) resume: Method,
    pub(crate) set_min_tip: Method,
}

#[derive(Deserialize)]
struct Spec {
    methods: Vec<SpecMethod>,
    state: SpecState,
}

#[derive(Deserialize)]
struct SpecMethod {
    name: String,
    args: Vec<SpecArg>,
    returns: SpecArg,
}

#[derive(Deserialize)]
struct SpecArg {
    #[serde(rename = "type")]
    ty: String,
}

#[derive(Deserialize)]
struct SpecState {
    schema: SpecSchemas,
}

#[derive(Deserialize)]
struct SpecSchemas {
    global: SpecSchema,
    local: SpecSchema,
}

#[derive(Deserialize)]
struct SpecSchema {
    ints: u64,
    bytes: u64,
}

impl TipProxy {
    fn load() -> Result<Self, String> {
        let spec: Spec = serde_json::from_str(SPEC_JSON).map_err(|err| err.to_string())?;
        let schema = |s: &SpecSchema| StateSchema::new(s.ints, s.bytes);
        Ok(Self {
            approval: decode(APPROVAL_B64)?,
            clear: decode(CLEAR_B64)?,
            global_schema: schema(&spec.state.schema.global),
            local_schema: schema(&spec.state.schema.local),
            create: method(&spec, "create")?,
            pause: method(&spec, "pause")?,
            resume: method(&spec, "resume")?,
            set_min_tip: method(&spec, "set_min_tip")?,
        })
    }
}

fn decode(text: &str) -> Result<Vec<u8>, String> {
    BASE64.decode(text.trim().as_bytes()).map_err(|err| err.to_string())
}

/// The method called `name` in the spec, as its signature says.
fn method(spec: &Spec, name: &str) -> Result<Method, String> {
    let found = spec.methods.iter().find(|method| method.name == name);
    let found = found.ok_or_else(|| format!("the spec has no method {name}"))?;
    let args: Vec<&str> = found.args.iter().map(|arg| arg.ty.as_str()).collect();
    let signature = format!("{name}({}){}", args.join(","), found.returns.ty);
    signature.parse().map_err(|err| format!("{signature}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_contract_loads_with_the_selectors_its_program_routes() {
        let proxy = TipProxy::load().unwrap();

        assert_eq!(proxy.approval[0], 10, "TEAL v10");
        assert_eq!(proxy.global_schema, StateSchema::new(4, 2));
        assert_eq!(proxy.local_schema, StateSchema::new(0, 0));
        assert_eq!(proxy.create.selector().to_string(), "ce610251");
        assert_eq!(proxy.pause.selector().to_string(), "0178f94b");
        assert_eq!(proxy.resume.selector().to_string(), "242d58ab");
        assert_eq!(proxy.set_min_tip.selector().to_string(), "a4b952a4");
    }
}
