//! The structured resume both analyzers produce: the deterministic parser here and the
//! OpenAI path in the function crates. Absent facts are `None` or empty, never `""`.
//!
//! Dates are normalised strings: `"YYYY-MM"`, or `"YYYY"` when only a year is given, and
//! `"present"` for an open end.

use serde::{Deserialize, Serialize};

/// A resume as structured data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Resume {
    pub full_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub links: Vec<String>,
    pub summary: Option<String>,
    /// Canonical skill names from the taxonomy (`data/skills.txt`), in resume order.
    pub skills: Vec<String>,
    pub experience: Vec<Experience>,
    pub education: Vec<Education>,
}

/// One position held.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Experience {
    pub title: Option<String>,
    pub company: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub description: Option<String>,
}

/// One degree or course of study.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Education {
    pub institution: Option<String>,
    pub degree: Option<String>,
    pub field: Option<String>,
    /// Year of graduation (the end of the date range), when given.
    pub year: Option<u16>,
}
