//! Resume domain library: PDF text extraction in reading order ([`extract`]), a
//! deterministic resume parser ([`parse`]) and the normalisation and validation that the
//! LLM path reuses ([`validate`]). Pure Rust: no JS, no network, no database; builds for
//! wasm32-unknown-unknown.
//!
//! ```no_run
//! let bytes = std::fs::read("resume.pdf").unwrap_or_default();
//! match resume::extract(&bytes) {
//!     Ok(extracted) => {
//!         let parsed = resume::parse(&extracted.text);
//!         println!("{:?} via {}", parsed.full_name, extracted.strategy.as_str());
//!     }
//!     // 422 no_text_layer, 413 payload_too_large, ...
//!     Err(e) => println!("{} {}", e.status(), e.code()),
//! }
//! ```

pub mod extract;
pub mod model;
pub mod parse;
pub mod validate;

pub use extract::{
    extract, extract_with, ExtractError, ExtractOptions, ExtractStats, Extracted, Strategy,
};
pub use model::{Education, Experience, Resume};
pub use parse::parse;
pub use validate::{is_valid_email, normalize, normalize_link, validate, Issue};
