//! Resume domain library: PDF text extraction in reading order ([`extract`]), a
//! deterministic resume parser ([`parse`]) and validation shared with the LLM path
//! ([`validate`]). Pure Rust: no JS, no network, no database; builds for
//! wasm32-unknown-unknown.

pub mod extract;

pub use extract::{extract, extract_with, ExtractError, ExtractOptions, ExtractStats, Extracted, Strategy};
