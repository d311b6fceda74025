//! Integration tests against the real stack (workerd + D1, Chromium), started by `cargo xtask test`.
// A test that cannot go on should stop loudly at the line that failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod photo_fixtures;

mod api_casework;
mod api_catalogue;
mod api_channels;
mod api_concurrency;
mod api_cron;
mod api_import;
mod api_insights;
mod api_openapi;
mod api_submit;
mod api_track;
mod api_validation;

mod api_admin;
mod api_analytics;
mod api_auth;
mod api_authz;
mod api_dispatch;
mod api_erasure;
mod api_evaluation;
mod api_forecast;
mod api_handling;
mod api_ladder;
mod api_nearby;
mod api_open311;
mod api_photos;
mod api_privacy;
mod api_rules;
mod api_security;
mod api_tickets;
mod api_updates;
mod browser;
mod e2e_a11y;
mod e2e_channels;
mod e2e_dashboard;
mod e2e_dispatch;
mod e2e_evaluation;
mod e2e_follow_up;
mod e2e_handling;
mod e2e_heatmap;
mod e2e_nearby;
mod e2e_observer;
mod e2e_offline;
mod e2e_photos;
mod e2e_rules;
mod e2e_staff;
mod e2e_submit;
mod e2e_supervision;
mod e2e_updates;
mod e2e_worklist;
mod receiver;
