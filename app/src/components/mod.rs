#[cfg(feature = "staff")]
pub mod area_map;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod category_picker;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod copy_button;
pub mod error_summary;
pub mod field;
pub mod form_errors;
pub mod header;
pub mod load_error;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod location_picker;
pub mod map;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod nearby_list;
#[cfg(feature = "track")]
pub mod photo_gallery;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod photo_picker;
#[cfg(any(feature = "staff", not(feature = "track")))]
pub mod photo_uploads;
#[cfg(feature = "staff")]
pub mod staff_form;
#[cfg(feature = "staff")]
pub mod staff_photos;
#[cfg(feature = "staff")]
pub mod staff_shell;
#[cfg(feature = "track")]
pub mod ticket_map;
pub mod time;
#[cfg(feature = "track")]
pub mod timeline;
pub mod updates_optin;
