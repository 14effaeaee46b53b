//! Files out of the browser: a Blob, an object URL and a click; several files as one zip.

use std::io::Write;

use wasm_bindgen::JsCast;

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "cannot create the file")?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "cannot create a link")?;
    let anchor = document
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "cannot create a link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

pub fn mime_of(name: &str) -> &'static str {
    if name.ends_with(".json") {
        "application/json"
    } else if name.ends_with(".yaml") {
        "application/yaml"
    } else if name.ends_with(".sh") {
        "text/x-shellscript"
    } else if name.ends_with(".md") {
        "text/markdown"
    } else {
        "application/octet-stream"
    }
}

/// A zip of `(name, contents)`, deflated.
pub fn zip(files: &[(String, String)]) -> Result<Vec<u8>, String> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, contents) in files {
        let opts = if name.ends_with(".sh") {
            options.unix_permissions(0o755)
        } else {
            options
        };
        w.start_file(name.as_str(), opts)
            .map_err(|e| e.to_string())?;
        w.write_all(contents.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    w.finish()
        .map(|c| c.into_inner())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn zips_hold_their_files() {
        let bytes = super::zip(&[
            ("a.json".into(), "{}".into()),
            ("deploy.sh".into(), "echo".into()),
        ])
        .unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("deploy.sh").unwrap(), &mut s).unwrap();
        assert_eq!(s, "echo");
    }

    /// Entries named from a hostile prefix stay inside one folder: no entry is absolute or
    /// climbs out with `..`, whatever unzips it.
    #[test]
    fn hostile_names_unzip_inside_their_folder() {
        use tandem_engine::synth::quote::zip_path;
        let entries: Vec<(String, String)> =
            ["../../evil-prod", "/etc", "..", "a\\..\\b", "x/../../y"]
                .iter()
                .map(|prefix| (zip_path(prefix, "deploy.sh"), "echo".to_string()))
                .collect();
        let bytes = super::zip(&entries).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..archive.len() {
            let file = archive.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let enclosed = file.enclosed_name().unwrap();
            assert_eq!(
                enclosed.to_str(),
                Some(name.as_str()),
                "{name} would be rewritten by a careful unzip"
            );
            assert_eq!(
                enclosed.components().count(),
                2,
                "{name}: not one folder and one file"
            );
            assert!(
                enclosed
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "{name} escapes its folder"
            );
        }
    }
}
