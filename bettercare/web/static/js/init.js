// Starts NHS.UK frontend's components. A file rather than an inline script, so that the
// Content-Security-Policy allows only this site's own script files.
import { initAll } from "../build/nhsuk-frontend.min.js";

initAll();
