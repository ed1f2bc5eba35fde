//! Integration tests of tipforge-algo: conformance with py-algorand-sdk fixtures, the
//! reference vectors, and properties of the codec.

mod accounts;
mod groups;
mod multisig_and_logicsig;
mod properties;
mod reference_vectors;
mod support;
mod transactions;
