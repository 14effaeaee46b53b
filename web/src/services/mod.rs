//! The console's side effects, in one place: local storage, the URL, files and downloads.
//! `codec` is their pure part (share links and autosave text), which the fuzz crate also builds.

pub mod codec;
pub mod download;
pub mod share;
pub mod storage;
