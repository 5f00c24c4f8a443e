import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { App } from "../app/App.js";
import type { TokenProvider } from "../store/session.js";
import styles from "../ui/styles.css?inline";

// <agileboard-board server="https://board.example.com" project="PAY">: the board of one project inside any
// page, in a shadow root (the host's styles do not leak in; --agileboard-* variables on the element do).
// The host sets `tokenProvider`, an async function returning a JWT for the signed-in user.

const HOST_STYLES = ":host { display: block; height: 100%; min-height: 420px; } .ab-root { height: 100%; }";

/** The custom element. */
export class AgileboardBoardElement extends HTMLElement {
  static observedAttributes = ["server", "project", "theme"];
  #provider: TokenProvider | undefined;
  #root: Root | undefined;
  #mount: HTMLDivElement | undefined;

  /** An async function returning a JWT; the board connects once it is set. */
  get tokenProvider(): TokenProvider | undefined {
    return this.#provider;
  }
  set tokenProvider(provider: TokenProvider | undefined) {
    this.#provider = provider;
    this.render();
  }

  connectedCallback(): void {
    if (!this.shadowRoot) {
      const shadow = this.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = `${styles}\n${HOST_STYLES}`;
      this.#mount = document.createElement("div");
      this.#mount.style.height = "100%";
      shadow.append(style, this.#mount);
    }
    this.render();
  }

  disconnectedCallback(): void {
    this.#root?.unmount();
    this.#root = undefined;
  }

  attributeChangedCallback(): void {
    this.render();
  }

  private render(): void {
    if (!this.isConnected || !this.#mount) return;
    const server = (this.getAttribute("server") ?? location.origin).replace(/\/+$/, "");
    const project = this.getAttribute("project") ?? "";
    const theme = this.getAttribute("theme");
    this.#root ??= createRoot(this.#mount);
    if (!this.#provider || !project) {
      this.#root.render(
        <div className="ab-root" data-theme={theme === "dark" ? "dark" : "light"} style={{ padding: 16 }}>
          <p className="muted">{project ? "Waiting for the host to sign in (tokenProvider)…" : "Set the project attribute to a project key."}</p>
        </div>,
      );
      return;
    }
    // Filters and navigation live in memory: the host page's URL is the host's.
    const location_ = memoryLocation({ path: "/" });
    this.#root.render(
      <StrictMode>
        <Router hook={location_.hook} searchHook={location_.searchHook}>
          <App key={`${server}|${project}`} server={server} tokenProvider={this.#provider} embeddedProject={project} theme={theme === "dark" || theme === "light" ? theme : undefined} />
        </Router>
      </StrictMode>,
    );
  }
}

if (!customElements.get("agileboard-board")) customElements.define("agileboard-board", AgileboardBoardElement);
