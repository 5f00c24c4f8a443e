import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Paths of a test certificate authority and one certificate it issued, as cert-manager writes them. */
export interface TestCertificates {
  ca: string;
  cert: string;
  key: string;
}

/**
 * A CA and a certificate for `serverName` (client and server use), made with the `openssl` command in
 * `dir` — the three files a cert-manager Secret holds (ca.crt, tls.crt, tls.key).
 */
export function issueTestCertificates(dir: string, serverName: string, prefix = ""): TestCertificates {
  const file = (name: string) => join(dir, `${prefix}${name}`);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=agileboard test CA", "-keyout", file("ca.key"), "-out", file("ca.crt"));
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/CN=${serverName}`, "-keyout", file("tls.key"), "-out", file("tls.csr"));
  writeFileSync(file("ext.cnf"), `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl("x509", "-req", "-in", file("tls.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "1", "-extfile", file("ext.cnf"), "-out", file("tls.crt"));
  return { ca: file("ca.crt"), cert: file("tls.crt"), key: file("tls.key") };
}
