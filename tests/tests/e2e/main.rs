//! The end-to-end tests: one binary, one module per capability, each test against a real
//! Commons server over HTTP (`commons_tests::spawn_app`). One binary rather than one per file,
//! so that an edit of the service is linked into tests once, not thirty times
//! (`benchmarks/build.md`). `memory_stays_flat` keeps a binary of its own: it reads its
//! process's peak memory, which no other test may share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api_conventions;
mod appeals;
mod attachments;
mod audit_log;
mod authentication;
mod capabilities;
mod cli;
mod collaboration_proposals;
mod content_reports;
mod evaluation;
mod graphiql_and_introspection;
mod graphql_over_http;
mod hostile_clients;
mod index_ordering;
mod index_recovery;
mod joint_services;
mod legal_frame;
mod mail;
mod one_gate;
mod operations;
mod organisations;
mod peer_learning;
mod persistence;
mod relevance_set;
mod replicas;
mod responsibility_record;
mod schema_drift;
mod search;
mod search_across_languages;
mod search_finds;
mod service_limits;
mod tool_access;
mod tool_input;
mod tool_visibility;
mod tool_workflow;
mod translations;
mod web_browser;
mod web_collaborations;
mod web_editing;
mod web_evaluation;
mod web_pages;
mod yearly_account;
