//! The console's side effects, in one place: local storage, the URL, files and downloads.

pub mod download;
pub mod share;
pub mod storage;
