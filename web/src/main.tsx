import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.js";
import type { TokenProvider } from "./store/session.js";
import "./ui/styles.css";

declare global {
  interface Window {
    /** A host page that signs users in itself sets this before the app loads: an async function returning a JWT. */
    agileboardTokenProvider?: TokenProvider;
  }
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App server={location.origin} tokenProvider={window.agileboardTokenProvider} />
    </StrictMode>,
  );
}

// The app shell is cached by a service worker, so a reload without network still opens the board.
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  addEventListener("load", () => void navigator.serviceWorker.register("/sw.js").catch(() => undefined));
}
