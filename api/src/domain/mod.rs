//! The domain: plain types and rules of Commons. No I/O, no framework types.

pub mod enterprise_number;
pub mod identity;
pub mod lang;
pub mod organisation;
pub mod policy;
pub mod tool;
pub mod validation;
pub mod workflow;
