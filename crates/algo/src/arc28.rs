//! ARC-28 events: `log(selector ‖ ABI tuple of the arguments)`, and finding them in an app
//! call's logs.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use crate::abi::{AbiType, AbiValue, Selector, is_identifier, split_signature};
use crate::error::{CodecError, Result};

/// An event declaration such as `Tipped(address,uint64,string)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    name: String,
    args: AbiType,
    selector: Selector,
}

impl Event {
    /// An event named `name` with arguments of types `args`.
    pub fn new(name: &str, args: Vec<AbiType>) -> Result<Self> {
        if !is_identifier(name) {
            return Err(CodecError::AbiSignatureInvalid {
                input: name.to_owned(),
                reason: "the name must be letters, digits and '_', not starting with a digit",
            });
        }
        Self::from_parts(name, AbiType::Tuple(args))
    }

    fn from_parts(name: &str, args: AbiType) -> Result<Self> {
        args.check()?;
        let selector = Selector::of_signature(&format!("{name}{args}"));
        Ok(Self { name: name.to_owned(), args, selector })
    }

    /// The event name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The argument types.
    pub fn arg_types(&self) -> &[AbiType] {
        match &self.args {
            AbiType::Tuple(members) => members,
            _ => unreachable!("event arguments are always a tuple"),
        }
    }

    /// The canonical signature, `Name(t1,t2,…)`.
    pub fn signature(&self) -> String {
        self.to_string()
    }

    /// The 4-byte prefix of this event's logs.
    pub fn selector(&self) -> Selector {
        self.selector
    }

    /// Whether `log` starts with this event's selector.
    pub fn matches(&self, log: &[u8]) -> bool {
        Selector::prefix_of(log) == Some(self.selector)
    }

    /// The log line that emits this event with `args`.
    pub fn encode(&self, args: &[AbiValue]) -> Result<Vec<u8>> {
        let tuple = self.args.encode(&AbiValue::Tuple(args.to_vec()))?;
        Ok([self.selector.0.as_slice(), &tuple].concat())
    }

    /// The arguments of this event from a log line: the selector, then exactly one ABI tuple
    /// (nothing at all for an event without arguments).
    pub fn decode(&self, log: &[u8]) -> Result<Vec<AbiValue>> {
        let Some(body) = log.strip_prefix(self.selector.0.as_slice()) else {
            return Err(CodecError::EventSelectorMismatch {
                event: self.signature(),
                found: log.iter().take(4).copied().collect(),
            });
        };
        match self.args.decode(body)? {
            AbiValue::Tuple(values) => Ok(values),
            _ => unreachable!("a tuple type decodes to a tuple"),
        }
    }
}

impl FromStr for Event {
    type Err = CodecError;

    fn from_str(text: &str) -> Result<Self> {
        let (name, args, rest) = split_signature(text)?;
        if !rest.is_empty() {
            return Err(CodecError::AbiSignatureInvalid {
                input: text.to_owned(),
                reason: "an event signature has no return type",
            });
        }
        let args = args.into_iter().map(str::parse).collect::<Result<_>>()?;
        Self::from_parts(name, AbiType::Tuple(args))
    }
}

impl fmt::Display for Event {
    /// The canonical signature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name, self.args)
    }
}

/// One event found in a list of logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedEvent<'e> {
    /// The position of the log line in the call's logs.
    pub log_index: usize,
    /// The event it matched.
    pub event: &'e Event,
    /// The decoded arguments.
    pub args: Vec<AbiValue>,
}

/// A set of known events, looked up by selector.
#[derive(Debug, Clone, Default)]
pub struct EventSet {
    events: Vec<Event>,
    by_selector: HashMap<Selector, usize>,
}

impl EventSet {
    /// A set of `events`; of two with the same selector, the first is kept.
    pub fn new(events: impl IntoIterator<Item = Event>) -> Self {
        let mut set = Self::default();
        for event in events {
            if !set.by_selector.contains_key(&event.selector) {
                set.by_selector.insert(event.selector, set.events.len());
                set.events.push(event);
            }
        }
        set
    }

    /// The known event whose selector starts `log`.
    pub fn find(&self, log: &[u8]) -> Option<&Event> {
        let index = self.by_selector.get(&Selector::prefix_of(log)?)?;
        Some(&self.events[*index])
    }

    /// The known events in `logs`, in log order. A log that carries a known selector but not
    /// a well-formed event yields an error naming it; logs with other prefixes are skipped.
    pub fn scan<'s, L: AsRef<[u8]>>(
        &'s self,
        logs: &[L],
    ) -> impl Iterator<Item = Result<EmittedEvent<'s>>> {
        logs.iter().enumerate().filter_map(move |(log_index, log)| {
            let event = self.find(log.as_ref())?;
            let decoded = event.decode(log.as_ref()).map_err(|cause| CodecError::EventMalformed {
                event: event.signature(),
                log_index,
                cause: Box::new(cause),
            });
            Some(decoded.map(|args| EmittedEvent { log_index, event, args }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;

    fn tipped() -> Event {
        "Tipped(address,uint64,string)".parse().unwrap()
    }

    #[test]
    fn selectors_match_the_arc28_example() {
        let swapped: Event = "Swapped(uint64,uint64)".parse().unwrap();

        assert_eq!(swapped.selector().to_string(), "1ccbd925");
        assert_eq!(Event::new("Swapped", vec![AbiType::UINT64; 2]).unwrap(), swapped);
    }

    #[test]
    fn events_round_trip_through_a_log_line() {
        let args = vec![Address([7; 32]).into(), 250_000u64.into(), "gm".into()];
        let log = tipped().encode(&args).unwrap();

        assert!(tipped().matches(&log));
        assert_eq!(tipped().decode(&log), Ok(args));
    }

    #[test]
    fn zero_argument_events_are_exactly_the_selector() {
        let paused: Event = "Paused()".parse().unwrap();
        let log = paused.encode(&[]).unwrap();

        assert_eq!(log.len(), 4);
        assert_eq!(paused.decode(&log), Ok(vec![]));
        assert!(paused.decode(&[&log[..], &[0]].concat()).is_err());
    }

    #[test]
    fn a_log_of_another_event_is_rejected() {
        let error = tipped().decode(b"\x01\x02").unwrap_err();

        assert!(matches!(error, CodecError::EventSelectorMismatch { .. }));
    }

    #[test]
    fn scan_finds_known_events_and_names_broken_ones() {
        let paused: Event = "Paused()".parse().unwrap();
        let set = EventSet::new([tipped(), paused.clone()]);
        let tip = tipped().encode(&[Address::ZERO.into(), 1u64.into(), "".into()]).unwrap();
        let broken = [tipped().selector().0.as_slice(), &[0; 3]].concat();
        let logs = vec![b"unrelated".to_vec(), tip, paused.encode(&[]).unwrap(), broken];
        let found: Vec<_> = set.scan(&logs).collect();

        assert_eq!(found.len(), 3);
        assert_eq!(found[0].as_ref().unwrap().log_index, 1);
        assert_eq!(found[1].as_ref().unwrap().event, &paused);
        assert!(matches!(found[2], Err(CodecError::EventMalformed { log_index: 3, .. })));
    }

    #[test]
    fn events_have_no_return_type() {
        assert!("Tipped(uint64)void".parse::<Event>().is_err());
        assert!("Tipped(pay)".parse::<Event>().is_err());
    }
}
