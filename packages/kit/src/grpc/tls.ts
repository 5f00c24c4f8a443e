import { readFileSync } from "node:fs";
import { credentials, ServerCredentials, type ChannelCredentials, type ChannelOptions } from "@grpc/grpc-js";
import { ConfigError } from "../config.js";

/** What GRPC_TLS_* configured. */
export interface GrpcTlsConfig {
  GRPC_TLS_CERT?: string | undefined;
  GRPC_TLS_KEY?: string | undefined;
  GRPC_TLS_CA?: string | undefined;
  GRPC_TLS_SERVER_NAME?: string | undefined;
}

/** Credentials for a process's gRPC server and its clients. */
export interface GrpcTransport {
  /** True when TLS is on. */
  secure: boolean;
  server: ServerCredentials;
  /** A fresh ChannelCredentials per channel (grpc-js wants one per client). */
  client(): ChannelCredentials;
  /** Channel options every client adds (the name checked in server certificates). */
  clientOptions: ChannelOptions;
}

function read(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`]);
  }
}

/**
 * Plaintext when no GRPC_TLS_* is set; otherwise mutual TLS: the server presents its certificate and
 * requires one from clients chaining to the CA, and clients do the same. All three files or none.
 */
export function grpcTransport(config: GrpcTlsConfig): GrpcTransport {
  const { GRPC_TLS_CERT: certPath, GRPC_TLS_KEY: keyPath, GRPC_TLS_CA: caPath } = config;
  if (!certPath && !keyPath && !caPath) {
    return { secure: false, server: ServerCredentials.createInsecure(), client: () => credentials.createInsecure(), clientOptions: {} };
  }
  const missing = (["GRPC_TLS_CERT", "GRPC_TLS_KEY", "GRPC_TLS_CA"] as const).filter((k) => !config[k]);
  if (missing.length > 0) throw new ConfigError(missing.map((k) => `${k}: required when any GRPC_TLS_* is set (mutual TLS needs a certificate, its key and the CA)`));
  const cert = read("GRPC_TLS_CERT", certPath as string);
  const key = read("GRPC_TLS_KEY", keyPath as string);
  const ca = read("GRPC_TLS_CA", caPath as string);
  const serverName = config.GRPC_TLS_SERVER_NAME;
  return {
    secure: true,
    server: ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true),
    client: () => credentials.createSsl(ca, key, cert),
    clientOptions: serverName ? { "grpc.ssl_target_name_override": serverName, "grpc.default_authority": serverName } : {},
  };
}
