//! Pages: the catalog, a form (its steps, the answer summary, the confirmation), not found.

pub mod catalog;
pub mod confirmation;
pub mod form;
pub mod not_found;
pub mod problem;
pub mod resume;
pub mod review;
pub mod step;
