//! IPFS content addressing identical to Kubo, a local block store and gateway, and pinning
//! backends.
