//! Files into the browser: the text of a file chosen in an input or dropped on the page.

use web_sys::HtmlInputElement;

/// Reads the first file chosen in `input` as text.
pub fn read_file(input: &HtmlInputElement, done: impl FnOnce(String, String) + 'static) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    read_web_file(file, done);
}

pub fn read_web_file(file: web_sys::File, done: impl FnOnce(String, String) + 'static) {
    let file = gloo::file::File::from(file);
    yew::platform::spawn_local(async move {
        let name = file.name();
        match gloo::file::futures::read_as_text(&file).await {
            Ok(text) => done(name, text),
            Err(e) => done(name, format!("<unreadable file: {e}>")),
        }
    });
}
