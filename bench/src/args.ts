// Command-line options of `npm run bench`.
export const SCENARIOS = ["card-moves", "many-projects", "fan-out", "connections", "tenants"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArgs {
  quick: boolean;
  /** A running system to drive instead of starting one. */
  url: string | undefined;
  signingKey: string | undefined;
  kid: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  only: ScenarioName[];
  ceilings: boolean;
}

export const USAGE = `npm run bench -- [--quick] [--only card-moves,many-projects,fan-out,connections,tenants] [--no-ceilings]
                 [--url http://host:port --signing-key key.pem|key.jwk [--kid K] [--issuer I] [--audience A]]`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, url: undefined, signingKey: undefined, kid: undefined, issuer: undefined, audience: undefined, only: [...SCENARIOS], ceilings: true };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case "--quick": args.quick = true; break;
      case "--url": args.url = value().replace(/\/+$/, ""); break;
      case "--signing-key": args.signingKey = value(); break;
      case "--kid": args.kid = value(); break;
      case "--issuer": args.issuer = value(); break;
      case "--audience": args.audience = value(); break;
      case "--no-ceilings": args.ceilings = false; break;
      case "--only": {
        const names = value().split(",").map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !(SCENARIOS as readonly string[]).includes(n) && n !== "ceilings");
        if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}, ceilings\n${USAGE}`);
        args.only = names.filter((n): n is ScenarioName => (SCENARIOS as readonly string[]).includes(n));
        // `--only ceilings` runs just the ceilings; naming scenarios without it keeps the ceilings on.
        break;
      }
      case "--help": case "-h": process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (args.url && !args.signingKey) throw new Error(`--url needs --signing-key (the key the deployment's AUTH_JWKS trusts)\n${USAGE}`);
  return args;
}
