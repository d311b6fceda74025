pub mod account;
pub mod areas;
pub mod audit;
pub mod departments;
pub mod home;
pub mod login;
pub mod members;
