//! Tandem's console: a Yew app over the engine. Components only show what the engine computes
//! and dispatch actions; state and its transitions live in `state`.

// yew's `#[component]` generates public component types without `Debug`.
#![allow(missing_debug_implementations)]

pub mod app;
pub mod components;
pub mod labels;
pub mod services;
pub mod state;

/// Mounts the console on the page's body.
pub fn run() {
    yew::Renderer::<app::App>::new().render();
}
