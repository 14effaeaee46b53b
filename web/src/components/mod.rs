pub mod cost;
pub mod diagram;
pub mod editor;
pub mod findings;
pub mod header;
pub mod recovery;
pub mod summary;
pub mod templates;
