//! The department workbench (承办) at `/staff/tickets`: the inbox of work owed, and one request
//! with what the signed-in member's department may do on it: sign for it, write progress, send
//! its part (co-handlers) or the reply (the lead), ask for more time, dispute it, report in.

mod actions;
mod dispute;
mod history;
mod inbox;
mod reply;
mod ticket;

pub use history::ladder_reason;
pub use inbox::WorklistPage;
pub use ticket::WorkTicketPage;
