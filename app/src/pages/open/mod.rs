//! Open data (政务公开) for everyone, no sign-in: the overview of requests, the heat map, hot
//! issues, the monthly assessment of departments and streets with the figures behind it, and
//! observers' published grades. Part of the transparency bundle (feature `open`).

pub mod assessment;
mod chart;
pub mod dashboard;
mod grades;
pub mod heatmap;
pub mod hot_issues;
pub mod nav;
mod outlook;
