import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InternalTokenSigner, InternalTokenVerifier, loadInternalSigningKeys, loadInternalVerifyKeys } from "@agileboard/kit";
import { helm, REPO_ROOT } from "@agileboard/testkit";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";

const CHART = "deploy/helm/agileboard";
const EXAMPLES = readdirSync(join(REPO_ROOT, CHART, "ci")).filter((f) => f.endsWith(".yaml"));
/** Every values set the chart must render: the defaults and each example. */
const VALUE_SETS: [string, string | undefined][] = [["defaults", undefined], ...EXAMPLES.map((f): [string, string] => [f, `ci/${f}`])];

/** Rendered YAML: its shape is what kubernetes-models validates, so the tests read it loosely. */
type Manifest = any;
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec?: Manifest; data?: Manifest };

/** `helm template` with a values file (or the defaults), parsed. */
function render(valuesFile?: string, extra: string[] = []): K8sObject[] {
  const out = helm(["template", "rel", CHART, "--namespace", "boards", ...(valuesFile ? ["-f", join(CHART, valuesFile)] : []), ...extra]);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: K8sObject) => Object.fromEntries(container(deployment).env.map((e: { name: string; value?: string }) => [e.name, e.value]));
const SERVICES = ["gateway", "tenancy", "workitems", "sprints", "webhooks"];
const GRPC_PORT: Record<string, number> = { tenancy: 50051, workitems: 50052, sprints: 50053, webhooks: 50054 };

describe("the Helm chart, checked with the real helm", () => {
  it.each(VALUE_SETS)("passes helm lint --strict with %s", (_label, file) => {
    const out = helm(["lint", "--strict", CHART, ...(file ? ["-f", join(CHART, file)] : [])]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each(VALUE_SETS)(
    "renders only objects valid against the Kubernetes API schemas (%s)",
    async (_label, file) => {
      const objects = render(file);
      expect(objects.length).toBeGreaterThan(20);
      for (const object of objects) {
        const module = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<string, new (o: unknown) => { validate(): void }>;
        const Model = module[object.kind] ?? module["default"];
        if (!Model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
        expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
      }
    },
  );

  it("refuses values that break values.schema.json, naming each problem", () => {
    let message = "";
    try {
      helm(["template", "rel", CHART, "-f", join(CHART, "tests/invalid-values.yaml")]);
    } catch (err) {
      message = String((err as { stderr?: string }).stderr ?? err);
    }
    // helm lists the problems in no fixed order.
    expect(message).toMatch(/don't meet the specifications of the schema/);
    expect(message).toMatch(/gateway\/replicaCount': minimum/);
    expect(message).toMatch(/additional properties 'replicas' not allowed/);
    expect(message).toMatch(/nats\/replicas': value must be one of 1, 3, 5/);
    expect(message).toMatch(/grpcTls\/secretName': minLength/);
  });

  it("runs each service with its replica count, images at the chart's appVersion", () => {
    const defaults = render();
    for (const service of SERVICES) {
      const deployment = find(defaults, "Deployment", `rel-agileboard-${service}`);
      expect(deployment.spec.replicas).toBe(2);
      expect(container(deployment).image).toBe(`agileboard-${service}:0.1.0`);
    }
    const scaled = render("ci/scaled-out.yaml");
    expect(find(scaled, "Deployment", "rel-agileboard-gateway").spec.replicas).toBe(3);
    expect(find(scaled, "Deployment", "rel-agileboard-workitems").spec.replicas).toBe(4);
    expect(envOf(find(scaled, "Deployment", "rel-agileboard-workitems"))["TENANT_DB_CACHE_SIZE"]).toBe("512");
  });

  it("probes domain services over gRPC health and the gateway on /healthz and /readyz", () => {
    const objects = render();
    for (const service of ["tenancy", "workitems", "sprints", "webhooks"]) {
      const c = container(find(objects, "Deployment", `rel-agileboard-${service}`));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) expect(c[probe].grpc.port).toBe(GRPC_PORT[service]);
    }
    const gw = container(find(objects, "Deployment", "rel-agileboard-gateway"));
    expect(gw.livenessProbe.httpGet.path).toBe("/healthz");
    expect(gw.startupProbe.httpGet.path).toBe("/healthz");
    expect(gw.readinessProbe.httpGet.path).toBe("/readyz");
  });

  it("generates an internal identity key pair the services can verify, the private half mounted into gateways only", async () => {
    const objects = render();
    const secret = find(objects, "Secret", "rel-agileboard-internal-identity");
    expect(secret.metadata.annotations?.["helm.sh/resource-policy"]).toBe("keep");
    const dir = mkdtempSync(join(tmpdir(), "agileboard-chart-"));
    try {
      writeFileSync(join(dir, "tls.key"), Buffer.from(secret.data["tls.key"], "base64"));
      writeFileSync(join(dir, "tls.crt"), Buffer.from(secret.data["tls.crt"], "base64"));
      const signer = new InternalTokenSigner(loadInternalSigningKeys(join(dir, "tls.key")), 60_000);
      const { token } = await signer.mint({ tenantId: "acme", userId: "josé", roles: [], origin: "" }, "workitems");
      const verified = await new InternalTokenVerifier(loadInternalVerifyKeys(join(dir, "tls.crt")), "workitems").verify(token);
      expect(verified.userId).toBe("josé");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const service of SERVICES) {
      const deployment = find(objects, "Deployment", `rel-agileboard-${service}`);
      const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === "internal-identity");
      expect(volume.secret.secretName).toBe("rel-agileboard-internal-identity");
      const env = envOf(deployment);
      if (service === "gateway") {
        expect(volume.secret.items).toEqual([{ key: "tls.key", path: "tls.key" }]);
        expect(env["INTERNAL_AUTH_PRIVATE_KEY"]).toBe("/etc/agileboard/internal-identity/tls.key");
      } else {
        expect(volume.secret.items).toEqual([{ key: "tls.crt", path: "tls.crt" }]);
        expect(env["INTERNAL_AUTH_PUBLIC_KEY"]).toBe("/etc/agileboard/internal-identity/tls.crt");
        expect(env["INTERNAL_AUTH_PRIVATE_KEY"]).toBeUndefined();
      }
    }
  });

  it("turns on mutual TLS from a cert-manager Secret, probing services over HTTP then", () => {
    const objects = render("ci/grpc-tls.yaml");
    expect(objects.some((o) => o.kind === "Secret" && o.metadata.name === "rel-agileboard-internal-identity")).toBe(false);
    for (const service of SERVICES) {
      const deployment = find(objects, "Deployment", `rel-agileboard-${service}`);
      const env = envOf(deployment);
      expect(env).toMatchObject({
        GRPC_TLS_CERT: "/etc/agileboard/grpc-tls/tls.crt",
        GRPC_TLS_KEY: "/etc/agileboard/grpc-tls/tls.key",
        GRPC_TLS_CA: "/etc/agileboard/grpc-tls/ca.crt",
        GRPC_TLS_SERVER_NAME: "agileboard-internal",
      });
      const volumes = deployment.spec.template.spec.volumes;
      expect(volumes.find((v: { name: string }) => v.name === "grpc-tls").secret.secretName).toBe("agileboard-internal-tls");
      expect(volumes.find((v: { name: string }) => v.name === "internal-identity").secret.secretName).toBe("agileboard-internal-identity");
      if (service !== "gateway") {
        const c = container(deployment);
        for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) expect(c[probe].httpGet).toEqual({ path: "/healthz", port: "metrics" });
      }
    }
    expect(envOf(find(render(), "Deployment", "rel-agileboard-tenancy"))["GRPC_TLS_CERT"]).toBeUndefined();
  });

  it("points every caller's replica lists at the services' headless Services", () => {
    const objects = render();
    for (const service of ["tenancy", "workitems", "sprints", "webhooks"]) {
      const svc = find(objects, "Service", `rel-agileboard-${service}-headless`);
      expect(svc.spec.clusterIP).toBe("None");
      expect(svc.spec.selector["app.kubernetes.io/component"]).toBe(service);
      const address = `rel-agileboard-${service}-headless.boards.svc.cluster.local:${GRPC_PORT[service]}`;
      for (const caller of SERVICES) expect(envOf(find(objects, "Deployment", `rel-agileboard-${caller}`))[`${service.toUpperCase()}_ADDRS`]).toBe(address);
    }
    const workitems = envOf(find(objects, "Deployment", "rel-agileboard-workitems"));
    expect(workitems["ADVERTISE_ADDRESS"]).toBe("$(POD_IP):50052");
    expect(workitems["NATS_URL"]).toBe("nats://rel-agileboard-nats.boards.svc.cluster.local:4222");
  });

  it("runs every pod as non-root with a read-only root filesystem and no privileges, and never enables dev auth", () => {
    for (const file of [undefined, ...EXAMPLES.map((f) => `ci/${f}`)]) {
      const objects = render(file);
      const pods = objects.flatMap((o) => (o.kind === "Pod" ? [o.spec] : o.spec?.template?.spec ? [o.spec.template.spec] : []));
      expect(pods.length).toBeGreaterThanOrEqual(8);
      for (const pod of pods) {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
        for (const c of pod.containers) {
          expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
          for (const e of c.env ?? []) if (e.name === "AUTH_DEV") expect(e.value).toBe("0");
        }
      }
    }
  });

  it("denies ingress by default and allows only gateway → services → NATS", () => {
    const objects = render();
    const policy = (name: string) => find(objects, "NetworkPolicy", `rel-agileboard-${name}`);
    const deny = policy("default-deny");
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { "app.kubernetes.io/instance": "rel" } }, policyTypes: ["Ingress"] });
    const callers = (name: string) => policy(name).spec.ingress[0].from.map((f: Manifest) => f.podSelector.matchLabels["app.kubernetes.io/component"]);
    expect(callers("workitems")).toEqual(["gateway"]);
    expect(callers("tenancy").sort()).toEqual(["gateway", "sprints", "webhooks", "workitems"]);
    expect(callers("sprints").sort()).toEqual(["gateway", "workitems"]);
    expect(callers("webhooks")).toEqual(["gateway"]);
    expect(callers("nats")).toEqual(expect.arrayContaining(["gateway", "tenancy", "workitems", "sprints", "webhooks", "workitems-migrate", "webhooks-migrate"]));
    expect(callers("nats")).not.toContain("gateway-test");
    const gatewayPolicy = find(render("ci/ingress.yaml"), "NetworkPolicy", "rel-agileboard-gateway");
    expect(gatewayPolicy.spec.ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } });
  });

  it("migrates in a pre-install/pre-upgrade hook, after the kept tenant volume exists", () => {
    const objects = render("ci/scaled-out.yaml");
    const pvc = find(objects, "PersistentVolumeClaim", "rel-agileboard-data");
    expect(pvc.spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "nfs-client", resources: { requests: { storage: "50Gi" } } });
    expect(pvc.metadata.annotations).toMatchObject({ "helm.sh/hook": "pre-install", "helm.sh/resource-policy": "keep" });
    for (const service of ["tenancy", "workitems", "sprints", "webhooks"]) {
      const job = find(objects, "Job", `rel-agileboard-${service}-migrate`);
      expect(job.metadata.annotations).toMatchObject({ "helm.sh/hook": "pre-install,pre-upgrade", "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded" });
      expect(Number(job.metadata.annotations?.["helm.sh/hook-weight"])).toBeGreaterThan(Number(pvc.metadata.annotations?.["helm.sh/hook-weight"]));
      expect(container(job).args).toEqual(["dist/migrate.js"]);
      expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe("rel-agileboard-data");
    }
  });

  it("clusters the chart's NATS when it has 3 replicas, or uses an external URL", () => {
    const scaled = render("ci/scaled-out.yaml");
    expect(find(scaled, "StatefulSet", "rel-agileboard-nats").spec.replicas).toBe(3);
    const conf = find(scaled, "ConfigMap", "rel-agileboard-nats-config").data["nats.conf"] as string;
    for (let i = 0; i < 3; i++) expect(conf).toContain(`nats://rel-agileboard-nats-${i}.rel-agileboard-nats-headless.boards.svc.cluster.local:6222`);
    expect(envOf(find(scaled, "Deployment", "rel-agileboard-workitems"))["NATS_REPLICAS"]).toBe("3");
    const external = render("ci/external-nats.yaml");
    expect(external.some((o) => o.kind === "StatefulSet")).toBe(false);
    expect(envOf(find(external, "Deployment", "rel-agileboard-gateway"))["NATS_URL"]).toBe("nats://nats.messaging.svc.cluster.local:4222");
    expect(envOf(find(external, "Deployment", "rel-agileboard-gateway"))["AUTH_JWKS"]).toBe("https://idp.example.com/.well-known/jwks.json");
  });

  it("adds HorizontalPodAutoscalers and drops fixed replica counts when autoscaling is on", () => {
    const objects = render("ci/autoscaling.yaml");
    const hpa = find(objects, "HorizontalPodAutoscaler", "rel-agileboard-workitems");
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 8, scaleTargetRef: { kind: "Deployment", name: "rel-agileboard-workitems" } });
    expect(find(objects, "Deployment", "rel-agileboard-workitems").spec.replicas).toBeUndefined();
    expect(find(objects, "Deployment", "rel-agileboard-tenancy").spec.replicas).toBe(2);
    expect(objects.filter((o) => o.kind === "HorizontalPodAutoscaler").map((o) => o.metadata.name).sort()).toEqual(["rel-agileboard-gateway", "rel-agileboard-workitems"]);
  });

  it("puts an optional Ingress with WebSocket-friendly timeouts in front of the gateway", () => {
    expect(render().some((o) => o.kind === "Ingress")).toBe(false);
    const ingress = find(render("ci/ingress.yaml"), "Ingress", "rel-agileboard-gateway");
    expect(ingress.metadata.annotations).toMatchObject({ "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600" });
    expect(ingress.spec.tls).toEqual([{ hosts: ["board.example.com"], secretName: "board-example-com-tls" }]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: "rel-agileboard-gateway", port: { name: "http" } });
  });

  it("labels every object the standard way and ships a helm test", () => {
    const objects = render();
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "agileboard", "app.kubernetes.io/instance": "rel", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "agileboard-0.1.0" });
      expect(o.metadata.labels?.["app.kubernetes.io/component"]).toBeTruthy();
    }
    expect(find(objects, "Pod", "rel-agileboard-gateway-test").metadata.annotations?.["helm.sh/hook"]).toBe("test");
  });
});
