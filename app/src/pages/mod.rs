#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod followed;
#[cfg(feature = "open")]
pub mod listed;
pub mod not_found;
#[cfg(feature = "open")]
pub mod open;
#[cfg(feature = "staff")]
pub mod staff;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod submit;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod submitted;
#[cfg(feature = "track")]
pub mod ticket;
#[cfg(feature = "track")]
pub mod track;
#[cfg(feature = "track")]
pub mod unsubscribe;
