//! # antrag-server
//!
//! The reference backend of Antrag's open submission contract (`docs/api/openapi.yaml`):
//! the form catalog, attachments, idempotent submissions validated with antrag-core and stored
//! durably in SQLite, status links for citizens, and a read-only clerk inbox. It also serves
//! the built web app.

#![warn(missing_docs)]

pub mod api;
pub mod app;
pub mod catalog;
pub mod clock;
pub mod codelists;
pub mod conformance;
pub mod faults;
pub mod fitconnect;
pub mod inbox;
pub mod load;
pub mod pages;
pub mod payment;
pub mod problem;
pub mod proxy;
pub mod ratelimit;
pub mod shared;
pub mod state;
pub mod store;

pub use app::{router, serve, serve_on, CSP};
pub use state::{prepare, AppState, Config};
