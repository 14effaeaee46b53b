//! The console's side effects, in one place: local storage, the URL, files read and downloaded,
//! and focus.
//! `codec` is their pure part (share links and autosave text), which the fuzz crate also builds.

pub mod codec;
pub mod dom;
pub mod download;
pub mod file;
pub mod share;
pub mod storage;
