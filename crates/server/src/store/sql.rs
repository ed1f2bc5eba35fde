//! Building statements whose length depends on the data: multi-row VALUES lists and `IN`
//! lists, split so that no statement binds more parameters than either database accepts.

use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use super::Result;

/// Keys per `IN` list. SQLite accepts 32,766 parameters and PostgreSQL 65,535; this stays far
/// below both for keys of any arity used here.
const KEYS_PER_STATEMENT: usize = 500;

/// A bound parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(String),
    Int(i64),
}

/// `($1, $2, …), (…), …` for `rows` rows of `per_row` parameters each.
pub(super) fn placeholders(rows: usize, per_row: usize) -> String {
    (0..rows)
        .map(|row| {
            let first = row * per_row + 1;
            let params: Vec<String> = (first..first + per_row).map(|n| format!("${n}")).collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `sql` once per chunk of `keys`, its `{keys}` replaced by the chunk's placeholders, and
/// returns every row. Keys of one value become `$1, $2, …` (for `column IN ({keys})`); keys of
/// several become `($1, $2), …` (for `(a, b) IN (VALUES {keys})`).
pub(super) async fn select_by_keys(
    transaction: &mut Transaction<'static, Any>,
    sql: &str,
    keys: &[Vec<Value>],
) -> Result<Vec<AnyRow>> {
    let mut rows = Vec::new();
    for chunk in keys.chunks(KEYS_PER_STATEMENT) {
        let arity = chunk.first().map_or(1, Vec::len);
        let list = match arity {
            1 => (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", "),
            _ => placeholders(chunk.len(), arity),
        };
        let sql = sql.replace("{keys}", &list);
        let mut statement = sqlx::query(&sql);
        for value in chunk.iter().flatten() {
            statement = match value {
                Value::Text(text) => statement.bind(text.clone()),
                Value::Int(int) => statement.bind(*int),
            };
        }
        rows.extend(statement.fetch_all(&mut **transaction).await?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_in_order() {
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(1, 1), "($1)");
    }
}
