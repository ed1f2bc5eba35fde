//! TEAL compile and disassemble, with our own assembler.

use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use tipforge_algo::Address;

use super::super::encode::b64;
use super::super::error::{ApiError, ApiResult};

#[derive(Debug, Deserialize)]
pub(super) struct CompileQuery {
    /// Python SDKs send `True`/`False`, so any case of "true" counts.
    sourcemap: Option<String>,
}

pub(super) async fn compile(
    Query(query): Query<CompileQuery>,
    body: Bytes,
) -> ApiResult<Json<Json_>> {
    let source =
        std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("source is not UTF-8"))?;
    let assembled =
        tipforge_teal::assemble(source).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let mut json = json!({
        "hash": Address::for_program(&assembled.program).to_string(),
        "result": b64(&assembled.program),
    });
    if query.sourcemap.is_some_and(|flag| flag.eq_ignore_ascii_case("true")) {
        let entries: Vec<Json_> =
            assembled.source_map.entries().map(|(pc, line)| json!([pc, line])).collect();
        json["sourcemap"] = json!({ "version": 3, "sources": [], "names": [], "mapping": "", "pc-to-line": entries });
    }
    Ok(Json(json))
}

pub(super) async fn disassemble(body: Bytes) -> ApiResult<Json<Json_>> {
    let text = tipforge_teal::disasm::disassemble(&body)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Json(json!({ "result": text })))
}
