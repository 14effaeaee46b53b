pub mod field;
pub mod findings;
pub mod header;
pub mod objectives;
pub mod summary;
