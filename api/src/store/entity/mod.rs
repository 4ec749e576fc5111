//! sea-orm entities: the shape of the tables, nothing more. They never leave `store/`.

pub mod affiliate_count;
pub mod audit_event;
pub mod organisation;
pub mod outbox;
pub mod user;
