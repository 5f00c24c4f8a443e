import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// The web app, served by the gateway from web/dist. Workspace packages resolve to their TypeScript sources
// ("source" condition), so the app builds without building them first. The service worker precaches the
// app shell, so a reload without network still opens the board from its IndexedDB copy.
export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      injectRegister: null,
      registerType: "autoUpdate",
      manifest: false,
      workbox: {
        globPatterns: ["index.html", "assets/**/*.{js,css,svg}", "favicon.svg"],
        navigateFallback: "/index.html",
        // Only the app's own routes fall back to the shell: never the API, the socket, health or the embed.
        navigateFallbackAllowlist: [/^\/$/, /^\/p\//],
        runtimeCaching: [{ urlPattern: ({ url }) => url.pathname === "/config.json", handler: "NetworkFirst", options: { cacheName: "agileboard-config" } }],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  resolve: { conditions: ["source", "module", "browser", "development|production"] },
  build: {
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 700,
  },
  server: { port: 5173, proxy: { "/ws": { target: "ws://127.0.0.1:8080", ws: true }, "/dev": "http://127.0.0.1:8080", "/config.json": "http://127.0.0.1:8080" } },
});
