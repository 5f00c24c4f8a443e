import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The embeddable board: one script, /embed/agileboard.js, that defines <agileboard-board>. Its styles are
// inlined into the script and attached to the element's shadow root, so a host page needs no build step.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["source", "module", "browser", "development|production"] },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  // The app's public/ files are the app's; the embed bundle is just the script and its lazy chunks.
  publicDir: false,
  build: {
    target: "es2022",
    minify: true,
    emptyOutDir: false,
    outDir: "dist/embed",
    sourcemap: true,
    lib: { entry: "src/embed/element.tsx", formats: ["es"], fileName: () => "agileboard.js" },
  },
});
