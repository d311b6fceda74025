//! Open data (政务公开) for everyone, no sign-in: the monthly assessment of departments and
//! streets with the figures behind it, and observers' published grades. Part of the
//! transparency bundle (feature `open`).

pub mod assessment;
mod grades;
