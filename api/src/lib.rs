//! Commons: the knowledge-sharing platform of the Belgian social insurance funds for the
//! self-employed, their partners and INASTI. This crate is the service; `main.rs` only
//! parses the command line and calls in here.
// The merged query root nests one async block per part of the schema; laying them out
// (in release builds too) takes rustc past its default query depth.
#![recursion_limit = "256"]

pub mod app;
pub mod auth;
pub mod backup;
pub mod config;
pub mod download;
pub mod export;
pub mod forwarded;
pub mod graphiql;
pub mod http;
pub mod live;
pub mod multipart;
pub mod reports;
pub mod serve;
pub mod telemetry;

pub use app::App;
pub use config::Config;
