import { BlockList, isIP } from "node:net";

/**
 * Which addresses an outbound webhook may reach: public unicast only. Loopback, private, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local, multicast, reserved and unspecified
 * ranges are refused, in IPv4 and IPv6, including IPv4 addresses written as IPv6 (::ffff:10.0.0.1, NAT64,
 * 6to4), unless the endpoint's host:port is allow-listed.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour) {
    const hi = parseInt(sixToFour[1] as string, 16);
    const lo = parseInt(sixToFour[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** Why an address may not be reached, or undefined when it is public. Not an IP at all is refused too. */
export function addressProblem(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `'${address}' is not an IP address`;
  if (family === 4) return blocked.check(address, "ipv4") ? `${address} is a loopback, private or reserved address` : undefined;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return addressProblem(v4) ? `${address} is a loopback, private or reserved address` : undefined;
  return blocked.check(address, "ipv6") ? `${address} is a loopback, private or reserved address` : undefined;
}

/** The host:port of a URL as WEBHOOK_ALLOWED_HOSTS lists it (IPv6 in brackets, default ports filled in). */
export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** True when the endpoint's host:port is on the allow-list (entries compared case-insensitively). */
export function isAllowListed(url: URL, allowed: readonly string[]): boolean {
  const hostPort = hostPortOf(url);
  return allowed.some((entry) => entry.toLowerCase() === hostPort);
}
