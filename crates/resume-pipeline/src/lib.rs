//! The resume steps that more than one edge function runs, so each exists once:
//! - [`analyze`]: text → structured resume, with OpenAI structured outputs or the
//!   deterministic parser (process-resume's analyzing step, analyze-resume).
//! - [`enrich`]: People Data Labs → `candidate_profiles`, every outcome recorded
//!   (process-resume's enriching step, enrich-candidate).
//! - [`storage`]: the `resumes` bucket through the Storage API as the caller.
//!
//! Plain Rust over `shared::Context`: tested natively with `shared::testing`'s fakes.

pub mod analyze;
pub mod enrich;
pub mod storage;

#[cfg(feature = "testing")]
pub mod testing;

pub use analyze::{analyze, Analysis, Analyzer};
pub use enrich::{enrich_and_record, Facts, Outcome as Enrichment, Status as EnrichmentStatus};
pub use storage::{TenantPath, BUCKET, MAX_FILE_BYTES};
