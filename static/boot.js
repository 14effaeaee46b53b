// Starts the console: loads the WebAssembly module that trunk built (file names without
// hashes, see Trunk.toml). A file rather than trunk's injected inline loader, so the
// Content-Security-Policy can forbid every inline script.
import init from "./tandem-web.js";

init({ module_or_path: new URL("tandem-web_bg.wasm", import.meta.url) }).catch((e) => {
  window.__tandemErrors.push(String(e));
  document.body.textContent = "Tandem could not start: " + e;
});
