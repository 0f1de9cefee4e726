//! Positions: the competency library shipped with the project ([`library`]: role
//! families × seniority levels), the deterministic generator that composes a position
//! from it ([`generate`]), and the normalisation of weighted competencies ([`normalize`])
//! that the OpenAI path shares. Pure Rust: no JS, no network, no database; builds for
//! wasm32-unknown-unknown.
//!
//! ```
//! use positions::{generate, Brief};
//!
//! let draft = generate(&Brief { title: "Senior Backend Engineer".into(), ..Brief::default() });
//! assert_eq!(draft.role_family, "backend");
//! assert!(draft.competencies.len() >= 5);
//! let total: f64 = draft.competencies.iter().map(|c| c.weight).sum();
//! assert!((total - 1.0).abs() < 1e-9);
//! ```

pub mod generate;
pub mod library;
pub mod normalize;
pub mod seniority;

pub use generate::{classify, generate, list, Brief, Classification, Draft};
pub use library::{Category, Family, Track, FAMILIES, GENERAL};
pub use normalize::{clean_text, normalize, Competency, NormalizeError, Proposed};
pub use seniority::Seniority;
