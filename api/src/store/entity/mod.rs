//! sea-orm entities: the shape of the tables, nothing more. They never leave `store/`.

pub mod affiliate_count;
pub mod audit_event;
pub mod moderation_decision;
pub mod organisation;
pub mod outbox;
pub mod tool;
pub mod tool_revision;
pub mod tool_translation;
pub mod user;
