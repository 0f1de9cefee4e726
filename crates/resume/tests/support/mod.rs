//! Test support shared by the integration tests (and, by path, the accuracy example).
pub mod score;
