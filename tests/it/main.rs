//! berth's integration tests: one binary, so `common/` (the test context,
//! the Docker helpers, the fake NPM, the real proxies) compiles and links
//! once. Docker tests take turns on one lock (`common::docker::LOCK`, held
//! by every `Case`); CLI, store and config tests run in parallel beside them.
//!
//!   scripts/test                            set up, then the whole suite
//!   scripts/test -- crash::                 one module
//!   cargo test --test it -- routes::a_disabled_proxy_host   one test (after scripts/test set up)

mod common;

mod build_context;
mod cli;
mod crash;
mod deploy;
mod events;
mod fake_npm;
mod generated;
mod operate;
mod operator;
mod readiness;
mod remote;
mod routers;
mod routes;
mod static_compose;
mod store;
mod stores;
mod swarm;
