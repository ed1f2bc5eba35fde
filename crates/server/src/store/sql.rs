//! Building statements whose length depends on the data: multi-row VALUES lists and `IN`
//! lists, split so that no statement binds more parameters than either database accepts.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Transaction};

use super::Result;

/// Parameters bound per statement. Both databases accept tens of thousands, but SQLite finds
/// each numbered parameter's name by walking the list of all of them, so binding n parameters
/// costs n²: at 7,000 a single multi-row INSERT spent more CPU binding than SQLite spent
/// writing. A few hundred keep that cost negligible and the statements few.
const PARAMETERS_PER_STATEMENT: usize = 256;

/// Rows of `per_row` parameters that fit in one statement.
pub(super) fn rows_per_statement(per_row: usize) -> usize {
    (PARAMETERS_PER_STATEMENT / per_row.max(1)).max(1)
}

/// A bound parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(String),
    Int(i64),
}

/// Binds `values` in order.
fn bind_values<'q>(
    mut statement: Query<'q, Any, AnyArguments<'q>>,
    values: impl Iterator<Item = &'q Value>,
) -> Query<'q, Any, AnyArguments<'q>> {
    for value in values {
        statement = match value {
            Value::Text(text) => statement.bind(text.as_str()),
            Value::Int(int) => statement.bind(*int),
        };
    }
    statement
}

/// `($1, $2, …), (…), …` for `rows` rows of `per_row` parameters each.
pub(super) fn placeholders(rows: usize, per_row: usize) -> String {
    placeholders_after(0, rows, per_row)
}

/// [`placeholders`] numbered from `$(skip + 1)`, after `skip` parameters bound before them.
fn placeholders_after(skip: usize, rows: usize, per_row: usize) -> String {
    (0..rows)
        .map(|row| {
            let first = skip + row * per_row + 1;
            let params: Vec<String> = (first..first + per_row).map(|n| format!("${n}")).collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `sql` once per chunk of `keys`, its `{keys}` replaced by the chunk's placeholders, and
/// returns every row. Keys of one value become `$1, $2, …` (for `column IN ({keys})`); keys of
/// several become `($1, $2), …`.
pub(super) async fn select_by_keys(
    transaction: &mut Transaction<'static, Any>,
    sql: &str,
    keys: &[Vec<Value>],
) -> Result<Vec<AnyRow>> {
    let mut rows = Vec::new();
    let arity = keys.first().map_or(1, Vec::len);
    for chunk in keys.chunks(rows_per_statement(arity)) {
        let list = match arity {
            1 => (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", "),
            _ => placeholders(chunk.len(), arity),
        };
        let sql = sql.replace("{keys}", &list);
        let statement = bind_values(sqlx::query(&sql), chunk.iter().flatten());
        rows.extend(statement.fetch_all(&mut **transaction).await?);
    }
    Ok(rows)
}

/// Runs `sql` once per chunk of `rows` and returns every row the statements return. In `sql`,
/// `{rows}` stands for the chunk's rows as a `VALUES` list; the `shared` values are bound
/// first, as `$1, $2, …`, in every statement, and the rows' parameters follow them.
///
/// Meant for `WITH r (columns) AS (VALUES {rows}) UPDATE t SET … FROM r WHERE t.key = r.key …
/// RETURNING t.key`: one statement then changes a few hundred rows, each found through the
/// key's index, where a statement per row would cost a round trip to the database per row.
pub(super) async fn run_by_rows(
    transaction: &mut Transaction<'static, Any>,
    sql: &str,
    shared: &[Value],
    rows: &[Vec<Value>],
) -> Result<Vec<AnyRow>> {
    let mut returned = Vec::new();
    let arity = rows.first().map_or(1, Vec::len);
    let per_statement =
        (PARAMETERS_PER_STATEMENT.saturating_sub(shared.len()) / arity.max(1)).max(1);
    for chunk in rows.chunks(per_statement) {
        let sql = sql.replace("{rows}", &placeholders_after(shared.len(), chunk.len(), arity));
        let statement = bind_values(sqlx::query(&sql), shared.iter().chain(chunk.iter().flatten()));
        returned.extend(statement.fetch_all(&mut **transaction).await?);
    }
    Ok(returned)
}

/// Runs `sql` once per chunk of `pairs`, its `{firsts}` and `{seconds}` replaced by the
/// placeholders of the chunk's distinct first and second values, and returns every row. Written
/// as `a IN ({firsts}) AND b IN ({seconds})`, both databases search an index on `(a, b)`, which
/// a row-value `IN` does not get on SQLite; the result is a superset of the pairs, for the
/// caller to filter.
pub(super) async fn select_by_pairs(
    transaction: &mut Transaction<'static, Any>,
    sql: &str,
    pairs: &[(String, String)],
) -> Result<Vec<AnyRow>> {
    let mut rows = Vec::new();
    for chunk in pairs.chunks(rows_per_statement(2)) {
        let mut firsts: Vec<&String> = chunk.iter().map(|(first, _)| first).collect();
        let mut seconds: Vec<&String> = chunk.iter().map(|(_, second)| second).collect();
        for values in [&mut firsts, &mut seconds] {
            values.sort_unstable();
            values.dedup();
        }
        let numbered = |from: usize, count: usize| {
            (from..from + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
        };
        let sql = sql
            .replace("{firsts}", &numbered(1, firsts.len()))
            .replace("{seconds}", &numbered(firsts.len() + 1, seconds.len()));
        let mut statement = sqlx::query(&sql);
        for value in firsts.into_iter().chain(seconds) {
            statement = statement.bind(value.clone());
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
        assert_eq!(placeholders_after(2, 2, 1), "($3), ($4)");
    }
}
