//! Redshift SQL: parsing (sqlparser's Redshift dialect plus the table attributes it lacks), DDL
//! translation and value formatting.

pub mod access;
pub mod analyzer;
pub mod copy;
pub mod datetime;
pub mod ddl;
pub mod format;
pub mod functions;
pub mod lateral;
pub mod literals;
pub mod names;
pub mod params;
pub mod parser;
pub mod rewrite;
pub mod timezone;
