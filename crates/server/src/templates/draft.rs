//! A template as the creator submits it: form fields checked against the rules of its kind.

use std::collections::BTreeMap;

use tipforge_algo::MicroAlgos;

use super::error::{Result, TemplateError};
use crate::domain::golden::{DEFAULT_BASE_BPS, DEFAULT_GUARANTEED_EVERY};
use crate::domain::rules::{
    DEFAULT_COLLECTIBLE_PRICE, DEFAULT_LOYALTY_EVERY, DEFAULT_MEMBERSHIP_DAYS,
    DEFAULT_MEMBERSHIP_PRICE,
};
use crate::domain::{RuleParameters, Supply, TemplateKind};

/// Longest template name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;
/// Largest edition.
pub const MAX_EDITION_SIZE: u64 = 1_000_000_000;
/// The smallest sticker threshold: a unique sticker locks 0.1 ALGO of the platform's balance,
/// so a smaller tip would cost the platform more than it brings.
pub const MIN_STICKER_THRESHOLD: MicroAlgos = MicroAlgos(100_000);
/// Longest membership: ten years.
pub const MAX_VALIDITY_DAYS: u64 = 3_650;

/// The text fields of an upload form, by name, each at most once.
#[derive(Debug, Default)]
pub struct FormFields(BTreeMap<String, String>);

/// The fields the form may carry besides `image`.
pub const KNOWN_FIELDS: [&str; 12] = [
    "kind",
    "name",
    "description",
    "supply",
    "editionSize",
    "threshold",
    "goldenOddsBps",
    "guaranteedGoldenEvery",
    "everyNthTip",
    "price",
    "validityDays",
    "image",
];

impl FormFields {
    /// Records `value` for `name`; unknown and repeated fields are refused.
    pub fn insert(&mut self, name: &str, value: String) -> Result<()> {
        let Some(field) = KNOWN_FIELDS.iter().find(|known| **known == name) else {
            return Err(TemplateError::Multipart {
                reason: format!("unknown field {name:?}"),
                too_large: false,
            });
        };
        if self.0.insert(name.to_owned(), value).is_some() {
            return Err(TemplateError::invalid(field, "given more than once"));
        }
        Ok(())
    }

    fn take(&mut self, field: &str) -> Option<String> {
        self.0.remove(field).map(|value| value.trim().to_owned())
    }

    fn number(&mut self, field: &'static str) -> Result<Option<u64>> {
        self.take(field)
            .map(|text| {
                text.parse::<u64>()
                    .map_err(|_| TemplateError::invalid(field, "must be a non-negative integer"))
            })
            .transpose()
    }
}

/// A validated template, ready for its image and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDraft {
    /// What it awards.
    pub kind: TemplateKind,
    /// Its name, trimmed.
    pub name: String,
    /// Its description, trimmed; empty when none was given.
    pub description: String,
    /// Unique assets or an edition.
    pub supply: Supply,
    /// The rule parameters of its kind, defaults filled in; the others are `None`.
    pub rules: RuleParameters,
}

impl TemplateDraft {
    /// Checks every field; a parameter that does not apply to the kind is refused rather than
    /// ignored, so a creator never believes a setting is in force when it is not.
    pub fn parse(mut fields: FormFields) -> Result<Self> {
        let kind = required(&mut fields, "kind")?
            .parse::<TemplateKind>()
            .map_err(|reason| TemplateError::invalid("kind", reason))?;
        let name = name(required(&mut fields, "name")?)?;
        let description = fields.take("description").unwrap_or_default();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            let reason = format!("at most {MAX_DESCRIPTION_CHARS} characters");
            return Err(TemplateError::invalid("description", reason));
        }
        let supply = supply(&mut fields)?;
        let rules = match kind {
            TemplateKind::Sticker => sticker_rules(&mut fields)?,
            TemplateKind::LoyaltyBadge => loyalty_rules(&mut fields)?,
            TemplateKind::Membership => membership_rules(&mut fields)?,
            TemplateKind::Collectible => collectible_rules(&mut fields)?,
        };
        if let Some(field) = fields.0.keys().next() {
            let field = KNOWN_FIELDS.iter().find(|known| *known == field).unwrap_or(&"form");
            let reason = format!("does not apply to a {} template", kind.as_str());
            return Err(TemplateError::invalid(field, reason));
        }
        Ok(Self { kind, name, description, supply, rules })
    }
}

fn required(fields: &mut FormFields, field: &'static str) -> Result<String> {
    fields.take(field).ok_or_else(|| TemplateError::invalid(field, "is required"))
}

fn name(name: String) -> Result<String> {
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        let reason = format!("must be 1 to {MAX_NAME_CHARS} characters");
        return Err(TemplateError::invalid("name", reason));
    }
    if name.chars().any(char::is_control) {
        return Err(TemplateError::invalid("name", "must not contain control characters"));
    }
    Ok(name)
}

fn supply(fields: &mut FormFields) -> Result<Supply> {
    let size = fields.number("editionSize")?;
    match (fields.take("supply").as_deref().unwrap_or("unique"), size) {
        ("unique", None) => Ok(Supply::Unique),
        ("unique", Some(_)) => {
            Err(TemplateError::invalid("editionSize", "applies only to supply \"edition\""))
        }
        ("edition", Some(size)) if (1..=MAX_EDITION_SIZE).contains(&size) => {
            Ok(Supply::Edition { size })
        }
        ("edition", Some(_)) => {
            let reason = format!("must be from 1 to {MAX_EDITION_SIZE}");
            Err(TemplateError::invalid("editionSize", reason))
        }
        ("edition", None) => Err(TemplateError::invalid("editionSize", "is required")),
        (other, _) => {
            let reason = format!("must be \"unique\" or \"edition\", not {other:?}");
            Err(TemplateError::invalid("supply", reason))
        }
    }
}

/// Stickers: a threshold, base golden odds, and the interval of guaranteed golden stickers
/// (kept in `every_nth_tip`, which for a sticker counts tips to the creator).
fn sticker_rules(fields: &mut FormFields) -> Result<RuleParameters> {
    let threshold = fields
        .number("threshold")?
        .ok_or_else(|| TemplateError::invalid("threshold", "is required for a sticker"))?;
    if threshold < MIN_STICKER_THRESHOLD.0 {
        let reason = format!("must be at least {} µAlgo", MIN_STICKER_THRESHOLD.0);
        return Err(TemplateError::invalid("threshold", reason));
    }
    let odds = fields.number("goldenOddsBps")?.unwrap_or(DEFAULT_BASE_BPS.into());
    let odds = u16::try_from(odds)
        .ok()
        .filter(|bps| *bps <= 10_000)
        .ok_or_else(|| TemplateError::invalid("goldenOddsBps", "must be from 0 to 10000"))?;
    let every = fields.number("guaranteedGoldenEvery")?.unwrap_or(DEFAULT_GUARANTEED_EVERY);
    Ok(RuleParameters {
        threshold: Some(MicroAlgos(threshold)),
        every_nth_tip: Some(positive(every, "guaranteedGoldenEvery")?),
        golden_odds_bps: Some(odds),
        ..RuleParameters::default()
    })
}

fn loyalty_rules(fields: &mut FormFields) -> Result<RuleParameters> {
    let every = fields.number("everyNthTip")?.unwrap_or(DEFAULT_LOYALTY_EVERY);
    Ok(RuleParameters {
        every_nth_tip: Some(positive(every, "everyNthTip")?),
        ..RuleParameters::default()
    })
}

fn membership_rules(fields: &mut FormFields) -> Result<RuleParameters> {
    let price = price(fields, DEFAULT_MEMBERSHIP_PRICE)?;
    let days = fields.number("validityDays")?.unwrap_or(DEFAULT_MEMBERSHIP_DAYS);
    if !(1..=MAX_VALIDITY_DAYS).contains(&days) {
        let reason = format!("must be from 1 to {MAX_VALIDITY_DAYS}");
        return Err(TemplateError::invalid("validityDays", reason));
    }
    Ok(RuleParameters {
        price: Some(price),
        validity_days: Some(days),
        ..RuleParameters::default()
    })
}

fn collectible_rules(fields: &mut FormFields) -> Result<RuleParameters> {
    let price = price(fields, DEFAULT_COLLECTIBLE_PRICE)?;
    Ok(RuleParameters { price: Some(price), ..RuleParameters::default() })
}

fn price(fields: &mut FormFields, default: MicroAlgos) -> Result<MicroAlgos> {
    let price = fields.number("price")?.map_or(default, MicroAlgos);
    if price.0 == 0 || i64::try_from(price.0).is_err() {
        return Err(TemplateError::invalid("price", "must be a positive amount of µAlgo"));
    }
    Ok(price)
}

fn positive(value: u64, field: &'static str) -> Result<u64> {
    if value == 0 || i64::try_from(value).is_err() {
        return Err(TemplateError::invalid(field, "must be at least 1"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormFields {
        let mut fields = FormFields::default();
        for (name, value) in pairs {
            fields.insert(name, (*value).to_owned()).unwrap();
        }
        fields
    }

    fn refused_field(pairs: &[(&str, &str)]) -> &'static str {
        match TemplateDraft::parse(form(pairs)) {
            Err(TemplateError::InvalidField { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_sticker_gets_default_odds_and_interval() {
        let draft = TemplateDraft::parse(form(&[
            ("kind", "sticker"),
            ("name", " Star "),
            ("threshold", "100000"),
        ]))
        .unwrap();

        assert_eq!(draft.name, "Star");
        assert_eq!(draft.supply, Supply::Unique);
        assert_eq!(draft.rules.threshold, Some(MicroAlgos(100_000)));
        assert_eq!(draft.rules.golden_odds_bps, Some(DEFAULT_BASE_BPS));
        assert_eq!(draft.rules.every_nth_tip, Some(DEFAULT_GUARANTEED_EVERY));
    }

    #[test]
    fn each_kind_takes_only_its_own_parameters() {
        let sticker = [("kind", "sticker"), ("name", "a"), ("threshold", "100000")];
        assert_eq!(refused_field(&[&sticker[..], &[("price", "5")]].concat()), "price");
        assert_eq!(
            refused_field(&[("kind", "loyalty_badge"), ("name", "a"), ("threshold", "1")]),
            "threshold"
        );
        assert_eq!(
            refused_field(&[("kind", "collectible"), ("name", "a"), ("validityDays", "3")]),
            "validityDays"
        );
        assert_eq!(
            refused_field(&[("kind", "membership"), ("name", "a"), ("everyNthTip", "3")]),
            "everyNthTip"
        );
    }

    #[test]
    fn out_of_range_parameters_are_refused() {
        let base = [("kind", "sticker"), ("name", "a")];
        assert_eq!(refused_field(&base), "threshold");
        assert_eq!(refused_field(&[&base[..], &[("threshold", "99999")]].concat()), "threshold");
        let ok = [("kind", "sticker"), ("name", "a"), ("threshold", "100000")];
        assert_eq!(
            refused_field(&[&ok[..], &[("goldenOddsBps", "10001")]].concat()),
            "goldenOddsBps"
        );
        assert_eq!(
            refused_field(&[("kind", "loyalty_badge"), ("name", "a"), ("everyNthTip", "0")]),
            "everyNthTip"
        );
        assert_eq!(
            refused_field(&[("kind", "membership"), ("name", "a"), ("validityDays", "0")]),
            "validityDays"
        );
        assert_eq!(
            refused_field(&[("kind", "collectible"), ("name", "a"), ("price", "0")]),
            "price"
        );
        assert_eq!(refused_field(&[("kind", "badge"), ("name", "a")]), "kind");
        assert_eq!(refused_field(&[("kind", "collectible"), ("name", "  ")]), "name");
    }

    #[test]
    fn an_edition_needs_a_size_and_only_an_edition_takes_one() {
        let base = [("kind", "collectible"), ("name", "a")];
        let edition = TemplateDraft::parse(form(
            &[&base[..], &[("supply", "edition"), ("editionSize", "100")]].concat(),
        ));
        assert_eq!(edition.unwrap().supply, Supply::Edition { size: 100 });
        assert_eq!(refused_field(&[&base[..], &[("supply", "edition")]].concat()), "editionSize");
        assert_eq!(refused_field(&[&base[..], &[("editionSize", "3")]].concat()), "editionSize");
        assert_eq!(refused_field(&[&base[..], &[("supply", "many")]].concat()), "supply");
    }

    #[test]
    fn repeated_fields_are_refused() {
        let mut fields = form(&[("name", "a")]);
        assert!(fields.insert("name", "b".to_owned()).is_err());
    }
}
