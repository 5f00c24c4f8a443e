import { describe, expect, it } from "vitest";
import { addressProblem, hostPortOf, isAllowListed } from "./address-policy.js";

describe("addressProblem", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "64:ff9b::10.0.0.1",
    "2002:0a00:0001::1",
    "not-an-ip",
  ])("refuses %s", (address) => {
    expect(addressProblem(address)).toBeDefined();
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1"])("allows %s", (address) => {
    expect(addressProblem(address)).toBeUndefined();
  });
});

describe("allow-list", () => {
  it.each([
    ["http://127.0.0.1:9000/hook", "127.0.0.1:9000", true],
    ["http://LocalHost:9000/hook", "localhost:9000", true],
    ["http://127.0.0.1:9001/hook", "127.0.0.1:9000", false],
    ["http://127.0.0.1/hook", "127.0.0.1:80", true],
    ["https://10.0.0.5/hook", "10.0.0.5:443", true],
    ["http://[::1]:9000/", "[::1]:9000", true],
  ])("%s against %s is %s", (url, entry, allowed) => {
    expect(isAllowListed(new URL(url), [entry])).toBe(allowed);
  });

  it("fills in default ports", () => {
    expect(hostPortOf(new URL("https://example.com/x"))).toBe("example.com:443");
    expect(hostPortOf(new URL("http://example.com/x"))).toBe("example.com:80");
  });
});
