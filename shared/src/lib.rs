//! The domain of Huiyin, shared by the Worker (`edge`) and the browser app (`app`).
//!
//! No platform crates live here: time and randomness are passed in by the caller,
//! so every rule can be tested on the host.

pub mod alerts;
pub mod api;
pub mod area;
pub mod assessment;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod channels;
pub mod citizen_message;
pub mod city;
pub mod classify;
pub mod daily_counts;
pub mod dispatch;
pub mod dispute;
pub mod duplicates;
pub mod durations;
pub mod erasure;
pub mod error;
pub mod evaluation;
pub mod forecast;
pub mod geo;
pub mod grading;
pub mod handling;
pub mod heat;
pub mod hot_issues;
pub mod ids;
pub mod import;
pub mod import_csv;
pub mod ladder;
pub mod nearby;
pub mod open311;
pub mod openapi;
pub mod org;
pub mod password;
pub mod photo;
pub mod redact;
pub mod reply_quality;
pub mod request;
pub mod review;
pub mod rules;
pub mod sampling;
pub mod session;
pub mod settings;
pub mod sla;
pub mod staff_view;
pub mod status;
pub mod subscription;
pub mod text;
pub mod ticket;
pub mod webhook;
pub mod webpush;
pub mod whistle;
