//! Conversions between SQL values and domain types.

use std::fmt::Display;
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;
use tipforge_algo::Address;

use super::{Result, StoreError};
use crate::domain::Timestamp;

/// A domain number as a SQL BIGINT.
pub(super) fn bigint(what: &'static str, value: u64) -> Result<i64> {
    i64::try_from(value).map_err(|_| StoreError::OutOfRange { what, value })
}

/// An optional domain number as a SQL BIGINT.
pub(super) fn optional_bigint(what: &'static str, value: Option<u64>) -> Result<Option<i64>> {
    value.map(|value| bigint(what, value)).transpose()
}

/// A non-negative BIGINT column.
pub(super) fn unsigned(row: &AnyRow, column: &'static str) -> Result<u64> {
    let value: i64 = row.try_get(column)?;
    u64::try_from(value).map_err(|_| corrupt(column, format!("{value} is negative")))
}

/// A nullable non-negative BIGINT column.
pub(super) fn optional_unsigned(row: &AnyRow, column: &'static str) -> Result<Option<u64>> {
    let value: Option<i64> = row.try_get(column)?;
    value
        .map(|value| u64::try_from(value).map_err(|_| corrupt(column, format!("{value} < 0"))))
        .transpose()
}

/// A column holding a domain value's text form.
pub(super) fn parsed<T>(row: &AnyRow, column: &'static str) -> Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    let text: String = row.try_get(column)?;
    text.parse().map_err(|err: T::Err| corrupt(column, err.to_string()))
}

/// A column holding an address.
pub(super) fn address(row: &AnyRow, column: &'static str) -> Result<Address> {
    parsed(row, column)
}

/// A column holding an instant.
pub(super) fn timestamp(row: &AnyRow, column: &'static str) -> Result<Timestamp> {
    Ok(Timestamp(row.try_get(column)?))
}

/// A nullable column holding an instant.
pub(super) fn optional_timestamp(row: &AnyRow, column: &'static str) -> Result<Option<Timestamp>> {
    let millis: Option<i64> = row.try_get(column)?;
    Ok(millis.map(Timestamp))
}

fn corrupt(column: &'static str, reason: String) -> StoreError {
    StoreError::Corrupt { column, reason }
}
