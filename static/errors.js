// Page errors and Content-Security-Policy violations are kept where the end-to-end tests (and
// a curious user) can read them. A file, not an inline script: the policy allows no inline
// script at all.
window.__tandemErrors = [];
window.__tandemCsp = [];
addEventListener("error", (e) => window.__tandemErrors.push(String(e.message)));
addEventListener("unhandledrejection", (e) => window.__tandemErrors.push(String(e.reason)));
addEventListener("securitypolicyviolation", (e) => {
  const v = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`;
  window.__tandemCsp.push(v);
  window.__tandemErrors.push(`Content-Security-Policy: ${v}`);
});
const consoleError = console.error.bind(console);
console.error = (...args) => {
  window.__tandemErrors.push(args.join(" "));
  consoleError(...args);
};
