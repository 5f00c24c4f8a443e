import { envOptionalString, loadConfig } from "@agileboard/kit";

/** What `agileboard-mcp` reads from the environment (the command line's --url and --token win). */
export const mcpEnv = {
  AGILEBOARD_URL: envOptionalString({ pattern: /^https?:\/\/\S+$/, form: "an http(s):// URL" }).describe(
    "agileboard-mcp and `npm run tenant`: the gateway to talk to, e.g. http://127.0.0.1:8080 (or --url).",
  ),
  AGILEBOARD_TOKEN: envOptionalString().describe("agileboard-mcp and `npm run tenant`: the JWT to act as (or --token); safer than the command line, which other users can see."),
} as const;

/** The command's configuration: arguments first, then the environment. */
export function loadMcpConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): { url: string; token: string } {
  const config = loadConfig(mcpEnv, env);
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const url = arg("url") ?? config.AGILEBOARD_URL;
  const token = arg("token") ?? config.AGILEBOARD_TOKEN;
  const problems: string[] = [];
  if (!url || !/^https?:\/\/\S+$/.test(url)) problems.push("--url (or AGILEBOARD_URL): the gateway's http(s):// URL is required");
  if (!token) problems.push("--token (or AGILEBOARD_TOKEN): a JWT is required");
  if (problems.length > 0) throw new Error(`usage: agileboard-mcp --url <gateway URL> --token <jwt>\n  ${problems.join("\n  ")}`);
  return { url: url as string, token: token as string };
}
