import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

/** A browser bundle of one entry module, and what went into it. */
export interface BrowserBundle {
  /** The minified ES module. */
  code: string;
  /** Every module bundled, as paths relative to the repository. */
  modules: string[];
  /** Imports left unresolved (Node built-ins have no browser counterpart) and other warnings. */
  warnings: string[];
}

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Bundles `entry` the way a browser app's bundler (Vite/rolldown) would: platform browser, minified. */
export async function bundleForBrowser(entry: string): Promise<BrowserBundle> {
  const warnings: string[] = [];
  const bundle = await rolldown({
    input: entry,
    cwd: root,
    platform: "browser",
    resolve: { conditionNames: ["source", "browser", "import", "default"] },
    onLog: (level, log) => {
      if (level === "warn") warnings.push(`${log.code ?? ""}: ${log.message}`);
    },
  });
  try {
    const { output } = await bundle.generate({ format: "esm", minify: true });
    const chunk = output.find((o) => o.type === "chunk");
    if (!chunk || chunk.type !== "chunk") throw new Error("no chunk");
    return { code: chunk.code, modules: Object.keys(chunk.modules).map((m) => m.replace(root, "")), warnings };
  } finally {
    await bundle.close();
  }
}
