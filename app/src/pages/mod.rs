pub mod listed;
pub mod not_found;
#[cfg(feature = "staff")]
pub mod staff;
pub mod submit;
pub mod submitted;
pub mod ticket;
pub mod track;
