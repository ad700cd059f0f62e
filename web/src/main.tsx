import { render } from "preact";
import { App } from "./App.tsx";
import { captureAdminToken } from "./lib/auth.ts";
import "./style.css";

// before the router reads the hash: `#admin=TOKEN` is a token, not a page (also when pasted
// into the address bar of an open tab, which changes only the hash)
captureAdminToken();
window.addEventListener("hashchange", captureAdminToken);

render(<App />, document.getElementById("app")!);
