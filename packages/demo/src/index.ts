import { DependencyKind, Priority, ProjectRole, WorkItemStatus, WorkItemType, type AgileboardClient } from "@agileboard/client";
import type { Project, WorkItem } from "@agileboard/proto/wire";

// A demo project a newcomer can look at: a payments team's board with epics, stories, tasks and bugs across
// every column, teammates, labels, points, a finished sprint and a running one with history, comments, logged
// time and dependencies (one card blocked). Everything goes through the SDK, as a user's changes would.

/** Options of `generateDemoProject`. */
export interface DemoOptions {
  /** The signed-in user: an assignee among the teammates. */
  me: string;
  /** Project key; default DEMO (DEMO2, DEMO3… when taken). */
  key?: string;
  /** Project name; default "Payments (demo)". */
  name?: string;
  /** Extra generated cards beyond the story set (the browser benchmark asks for ~2,000). Default 0. */
  extraCards?: number;
  /** Teammates added as members and used as assignees. Default bob, carol, dave, erin. */
  teammates?: readonly string[];
  /** Requests per second the generator allows itself (the gateway's per-connection limit is 100). Default 80. */
  ratePerSecond?: number;
  /** Told what is happening, for a progress line. */
  onProgress?: (text: string) => void;
}

type Status = WorkItemStatus;
const { WORK_ITEM_STATUS_BACKLOG: BACKLOG, WORK_ITEM_STATUS_TODO: TODO, WORK_ITEM_STATUS_IN_PROGRESS: DOING, WORK_ITEM_STATUS_IN_REVIEW: REVIEW, WORK_ITEM_STATUS_DONE: DONE } = WorkItemStatus;
const { PRIORITY_LOW: LOW, PRIORITY_MEDIUM: MEDIUM, PRIORITY_HIGH: HIGH, PRIORITY_CRITICAL: CRITICAL } = Priority;

/** One card of the story set: its parent by title, and where it stands. */
interface Spec {
  title: string;
  type: WorkItemType;
  parent?: string;
  status: Status;
  priority: Priority;
  points?: number;
  /** Index into [me, ...teammates]; -1 = unassigned. */
  who: number;
  labels: string[];
  /** In the running sprint (else the finished one when done, else none). */
  sprint?: "current" | "previous";
}

const E = WorkItemType.WORK_ITEM_TYPE_EPIC;
const S = WorkItemType.WORK_ITEM_TYPE_STORY;
const T = WorkItemType.WORK_ITEM_TYPE_TASK;
const B = WorkItemType.WORK_ITEM_TYPE_BUG;

const STORY_SET: Spec[] = [
  { title: "Checkout redesign", type: E, status: DOING, priority: HIGH, who: 0, labels: ["frontend"] },
  { title: "Fraud detection v2", type: E, status: TODO, priority: CRITICAL, who: 2, labels: ["backend", "security"] },
  { title: "Mobile wallet", type: E, status: BACKLOG, priority: MEDIUM, who: 3, labels: ["mobile"] },
  { title: "Platform reliability", type: E, status: DOING, priority: HIGH, who: 1, labels: ["infra"] },

  { title: "One-page checkout with saved cards", type: S, parent: "Checkout redesign", status: DOING, priority: HIGH, points: 8, who: 0, labels: ["frontend"], sprint: "current" },
  { title: "Address autocomplete", type: S, parent: "Checkout redesign", status: REVIEW, priority: MEDIUM, points: 3, who: 1, labels: ["frontend", "api"], sprint: "current" },
  { title: "Show delivery estimate before payment", type: S, parent: "Checkout redesign", status: TODO, priority: MEDIUM, points: 5, who: -1, labels: ["frontend"], sprint: "current" },
  { title: "Apple Pay and Google Pay buttons", type: S, parent: "Checkout redesign", status: DONE, priority: HIGH, points: 5, who: 0, labels: ["frontend", "mobile"], sprint: "previous" },
  { title: "Card form: inline validation", type: T, parent: "One-page checkout with saved cards", status: DOING, priority: HIGH, who: 0, labels: ["frontend"], sprint: "current" },
  { title: "Tokenize saved cards with the vault API", type: T, parent: "One-page checkout with saved cards", status: TODO, priority: HIGH, who: 2, labels: ["backend", "security"], sprint: "current" },
  { title: "Checkout analytics events", type: T, parent: "One-page checkout with saved cards", status: BACKLOG, priority: LOW, who: -1, labels: ["frontend"] },
  { title: "Postcode lookup times out on slow networks", type: B, parent: "Address autocomplete", status: DOING, priority: HIGH, who: 1, labels: ["api"], sprint: "current" },
  { title: "Total does not refresh after removing a coupon", type: B, parent: "Checkout redesign", status: TODO, priority: CRITICAL, who: 0, labels: ["frontend", "quick-win"], sprint: "current" },

  { title: "Risk score on every authorization", type: S, parent: "Fraud detection v2", status: TODO, priority: CRITICAL, points: 8, who: 2, labels: ["backend"], sprint: "current" },
  { title: "Velocity rules per merchant", type: S, parent: "Fraud detection v2", status: BACKLOG, priority: HIGH, points: 5, who: -1, labels: ["backend"] },
  { title: "Manual review queue for flagged payments", type: S, parent: "Fraud detection v2", status: BACKLOG, priority: MEDIUM, points: 8, who: 4, labels: ["frontend", "backend"] },
  { title: "Feature store for card history", type: T, parent: "Risk score on every authorization", status: DOING, priority: HIGH, who: 2, labels: ["backend", "infra"], sprint: "current" },
  { title: "Shadow-mode scoring dashboard", type: T, parent: "Risk score on every authorization", status: BACKLOG, priority: MEDIUM, who: -1, labels: ["frontend"] },

  { title: "Wallet onboarding flow", type: S, parent: "Mobile wallet", status: BACKLOG, priority: MEDIUM, points: 5, who: 3, labels: ["mobile", "design"] },
  { title: "Push notifications for refunds", type: S, parent: "Mobile wallet", status: BACKLOG, priority: LOW, points: 3, who: -1, labels: ["mobile"] },
  { title: "Biometric unlock", type: T, parent: "Wallet onboarding flow", status: BACKLOG, priority: MEDIUM, who: 3, labels: ["mobile", "security"] },

  { title: "Payments API p99 under 200 ms", type: S, parent: "Platform reliability", status: DOING, priority: HIGH, points: 5, who: 1, labels: ["infra", "api"], sprint: "current" },
  { title: "Blue-green deploys for the ledger", type: S, parent: "Platform reliability", status: DONE, priority: MEDIUM, points: 8, who: 1, labels: ["infra"], sprint: "previous" },
  { title: "Alert on webhook delivery lag", type: S, parent: "Platform reliability", status: REVIEW, priority: MEDIUM, points: 2, who: 4, labels: ["infra"], sprint: "current" },
  { title: "Connection pool exhaustion under load", type: B, parent: "Payments API p99 under 200 ms", status: REVIEW, priority: CRITICAL, who: 1, labels: ["backend", "infra"], sprint: "current" },
  { title: "Add tracing to the settlement batch", type: T, parent: "Payments API p99 under 200 ms", status: DONE, priority: MEDIUM, who: 4, labels: ["infra"], sprint: "current" },
  { title: "Runbook: failing over the ledger database", type: T, parent: "Blue-green deploys for the ledger", status: DONE, priority: LOW, who: 1, labels: ["infra"], sprint: "previous" },
  { title: "Retry storms after a gateway restart", type: B, parent: "Platform reliability", status: DONE, priority: HIGH, who: 2, labels: ["backend"], sprint: "previous" },
  { title: "Currency rounding in refunds", type: B, parent: "Checkout redesign", status: DONE, priority: HIGH, who: 0, labels: ["backend", "quick-win"], sprint: "previous" },
  { title: "Upgrade the card-network SDK", type: T, status: TODO, priority: MEDIUM, who: -1, labels: ["backend"] },
  { title: "Write the Q3 incident review", type: T, status: BACKLOG, priority: LOW, who: 4, labels: [] },
  { title: "Design tokens for the checkout", type: T, parent: "One-page checkout with saved cards", status: DONE, priority: MEDIUM, who: 3, labels: ["design", "frontend"], sprint: "current" },
];

const COMMENTS: [string, string][] = [
  ["One-page checkout with saved cards", "Design review went well. **Open question:** do we show the CVC field for saved cards? Legal says yes for now."],
  ["One-page checkout with saved cards", "Split the vault work into its own task so the UI can move on with a stub."],
  ["Postcode lookup times out on slow networks", "Reproduced on a throttled 3G profile: the provider takes 4–6 s. Proposal: debounce + 1.5 s timeout with a manual fallback."],
  ["Connection pool exhaustion under load", "Pool is 20 per pod; at 2× traffic the p99 wait is 900 ms. Raising to 50 and adding a queue-time metric."],
  ["Risk score on every authorization", "Blocked until the feature store serves card history; see the dependency."],
];

const TIME: [string, number][] = [
  ["Card form: inline validation", 3.5],
  ["Postcode lookup times out on slow networks", 2],
  ["Connection pool exhaustion under load", 5],
  ["Feature store for card history", 6],
  ["Add tracing to the settlement batch", 1.5],
];

/** "A blocks B" edges between titles; the first keeps "Risk score…" blocked (its blocker is not done). */
const DEPENDENCIES: [string, string, DependencyKind][] = [
  ["Feature store for card history", "Risk score on every authorization", DependencyKind.DEPENDENCY_KIND_BLOCKS],
  ["Tokenize saved cards with the vault API", "Card form: inline validation", DependencyKind.DEPENDENCY_KIND_RELATES_TO],
  ["Blue-green deploys for the ledger", "Payments API p99 under 200 ms", DependencyKind.DEPENDENCY_KIND_RELATES_TO],
];

const EXTRA_WORDS = ["Refactor", "Document", "Test", "Instrument", "Migrate", "Review", "Harden", "Profile", "Clean up", "Automate"];
const EXTRA_NOUNS = ["refund flow", "ledger export", "webhook retries", "merchant onboarding", "3-D Secure step", "settlement report", "payout schedule", "dispute evidence", "tax calculation", "invoice PDFs"];
const LABELS = ["frontend", "backend", "api", "infra", "design", "security", "mobile", "quick-win"];
const STATUSES: Status[] = [BACKLOG, TODO, DOING, REVIEW, DONE];

/** A pacer: at most `perSecond` starts per second, `inFlight` at once. */
function pacer(perSecond: number, inFlight: number) {
  let next = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= inFlight) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + 1000 / perSecond;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    try {
      return await work();
    } finally {
      release();
    }
  };
}

async function freeKey(client: AgileboardClient, wanted: string): Promise<string> {
  const taken = new Set<string>();
  let pageToken = "";
  do {
    const page = await client.request("listProjects", { includeArchived: true, pageToken, pageSize: 500 });
    for (const p of page.projects) taken.add(p.key);
    pageToken = page.nextPageToken;
  } while (pageToken);
  if (!taken.has(wanted)) return wanted;
  for (let i = 2; ; i++) if (!taken.has(`${wanted}${i}`.slice(0, 10))) return `${wanted}${i}`.slice(0, 10);
}

/**
 * Creates a project full of believable work as the client's user (its admin), and returns it. The signed-in
 * user is "me" among the assignees; teammates become members so they can sign in and see it.
 */
export async function generateDemoProject(client: AgileboardClient, opts: DemoOptions): Promise<Project> {
  const say = opts.onProgress ?? (() => undefined);
  const run = pacer(opts.ratePerSecond ?? 80, 8);
  await client.whenOnline();
  const people = [opts.me, ...(opts.teammates ?? ["bob", "carol", "dave", "erin"])];
  say("Creating the project…");
  const project = await run(async () =>
    client.request("createProject", {
      key: await freeKey(client, opts.key ?? "DEMO"),
      name: opts.name ?? "Payments (demo)",
      description: "A demo board: the checkout, fraud, wallet and reliability work of a payments team.",
    }),
  );
  await Promise.all(
    people.slice(1).map((user, i) => run(() => client.request("addProjectMember", { projectId: project.id, userId: user, role: i === 3 ? ProjectRole.PROJECT_ROLE_VIEWER : ProjectRole.PROJECT_ROLE_EDITOR }))),
  );

  say("Planning sprints…");
  const now = Date.now();
  const day = 86_400_000;
  const previous = await run(() => client.request("createSprint", { projectId: project.id, name: "Sprint 13", goal: "Wallet buttons and a calmer ledger", startsAtMs: now - 17 * day, endsAtMs: now - 3 * day }));
  const current = await run(() => client.request("createSprint", { projectId: project.id, name: "Sprint 14", goal: "Ship the one-page checkout", startsAtMs: now - 3 * day, endsAtMs: now + 11 * day }));

  say("Adding epics, stories, tasks and bugs…");
  const byTitle = new Map<string, WorkItem>();
  // Parents first: epics, then stories, then the rest, so every parent exists when its children are created.
  for (const level of [[E], [S], [T, B]]) {
    const specs = STORY_SET.filter((s) => level.includes(s.type));
    const created = await Promise.all(
      specs.map((s) =>
        run(() =>
          client.request("createWorkItem", {
            projectId: project.id,
            itemType: s.type,
            title: s.title,
            description: descriptionOf(s),
            parentId: s.parent ? (byTitle.get(s.parent)?.id ?? "") : "",
            priority: s.priority,
            assigneeId: s.who >= 0 ? (people[s.who] ?? "") : "",
            labels: s.labels,
            status: BACKLOG,
            ...(s.points !== undefined ? { storyPoints: s.points } : {}),
            ...(s.sprint ? { sprintId: s.sprint === "current" ? current.id : previous.id } : {}),
          }),
        ),
      ),
    );
    created.forEach((item, i) => byTitle.set(specs[i]?.title ?? "", item));
  }

  say("Running last sprint…");
  await run(() => client.request("startSprint", { sprintId: previous.id, expectedVersion: previous.version }));
  // The finished sprint's work walks through the columns, leaving the history a report draws.
  for (const spec of STORY_SET.filter((s) => s.sprint === "previous")) await walk(client, run, byTitle, spec.title, DONE);
  const started = await run(() => client.request("getSprint", { sprintId: previous.id }));
  await run(() => client.request("completeSprint", { sprintId: previous.id, expectedVersion: started.version, carryOverSprintId: "" }));

  say("Starting this sprint…");
  await run(() => client.request("startSprint", { sprintId: current.id, expectedVersion: current.version }));
  for (const spec of STORY_SET.filter((s) => s.sprint !== "previous" && s.status !== BACKLOG)) await walk(client, run, byTitle, spec.title, spec.status);

  say("Adding comments, time and dependencies…");
  await Promise.all(COMMENTS.map(([title, body]) => run(() => client.request("addComment", { workItemId: byTitle.get(title)?.id ?? "", body }))));
  await Promise.all(
    TIME.map(([title, hours], i) => run(() => client.request("logTime", { workItemId: byTitle.get(title)?.id ?? "", startedAtMs: now - (i + 1) * 5 * 3_600_000, durationMs: hours * 3_600_000, note: "Pairing session" }))),
  );
  await Promise.all(
    DEPENDENCIES.map(([blocking, blocked, kind]) => run(() => client.request("addDependency", { blockingItemId: byTitle.get(blocking)?.id ?? "", blockedItemId: byTitle.get(blocked)?.id ?? "", kind }))),
  );

  const extra = opts.extraCards ?? 0;
  for (let made = 0; made < extra; made += 100) {
    say(`Adding cards: ${made} of ${extra}…`);
    const batch = Array.from({ length: Math.min(100, extra - made) }, (_, i) => made + i);
    await Promise.all(
      batch.map((n) =>
        run(() =>
          client.request("createWorkItem", {
            projectId: project.id,
            itemType: n % 7 === 0 ? B : T,
            title: `${EXTRA_WORDS[n % EXTRA_WORDS.length]} the ${EXTRA_NOUNS[(n * 7) % EXTRA_NOUNS.length]} (${n + 1})`,
            status: STATUSES[n % STATUSES.length] ?? BACKLOG,
            priority: [LOW, MEDIUM, MEDIUM, HIGH, CRITICAL][n % 5] ?? MEDIUM,
            assigneeId: n % 4 === 0 ? "" : (people[n % people.length] ?? ""),
            labels: [LABELS[n % LABELS.length] ?? "backend"],
            ...(n % 3 === 0 ? { storyPoints: [1, 2, 3, 5, 8][n % 5] ?? 1 } : {}),
          }),
        ),
      ),
    );
  }
  say("Done.");
  return project;
}

/** Moves an item column by column up to `target`, so its history shows each step. */
async function walk(client: AgileboardClient, run: ReturnType<typeof pacer>, byTitle: Map<string, WorkItem>, title: string, target: Status): Promise<void> {
  let item = byTitle.get(title);
  if (!item) return;
  for (const status of STATUSES.slice(1, STATUSES.indexOf(target) + 1)) {
    const at: WorkItem = item;
    item = await run(() => client.request("moveWorkItem", { workItemId: at.id, expectedVersion: at.version, status, beforeId: "", afterId: "" }));
  }
  byTitle.set(title, item);
}

function descriptionOf(spec: Spec): string {
  if (spec.type === E) return `## Goal\n\n${spec.title}: the outcome the team is working towards this quarter.\n\n- Success metric agreed with product\n- Rolled out behind a flag`;
  if (spec.type === B) return `**Steps to reproduce**\n\n1. Open the checkout\n2. ${spec.title.toLowerCase()}\n\n**Expected:** it works.\n**Actual:** it does not.`;
  return `${spec.title}.\n\nAcceptance criteria:\n- [ ] Works on mobile and desktop\n- [ ] Covered by tests`;
}
