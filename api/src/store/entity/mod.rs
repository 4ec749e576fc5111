//! sea-orm entities: the shape of the tables, nothing more. They never leave `store/`.

pub mod activity_report;
pub mod activity_report_event;
pub mod affiliate_count;
pub mod affiliate_count_change;
pub mod attachment;
pub mod audit_event;
pub mod collaboration_proposal;
pub mod funding_parameters;
pub mod joint_service;
pub mod joint_service_participant;
pub mod legal_frame;
pub mod moderation_decision;
pub mod organisation;
pub mod outbox;
pub mod proposal_message;
pub mod proposal_target;
pub mod responsibility_entry;
pub mod responsibility_transfer;
pub mod revision_attachment;
pub mod search_synonyms;
pub mod service_offering;
pub mod stored_object;
pub mod tool;
pub mod tool_revision;
pub mod tool_translation;
pub mod user;
