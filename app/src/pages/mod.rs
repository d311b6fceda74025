pub mod not_found;
pub mod submit;
pub mod submitted;
pub mod ticket;
pub mod track;
