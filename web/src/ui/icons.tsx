import { Priority, WorkItemStatus, WorkItemType } from "@agileboard/client";
import type { ReactElement, SVGProps } from "react";

// A small hand-drawn icon set (16 px grid), so the board needs no icon library. Icons are decorative: the
// element next to them, or the card's accessible name, carries the words.

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps & { children: ReactElement | ReactElement[] }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

/** The status icon of a column: dashed circle, circle, half circle, three-quarter circle, check. */
export function StatusIcon({ status, ...rest }: IconProps & { status: number }) {
  const color = `var(--ab-status-${STATUS_SLUG[status] ?? "backlog"})`;
  switch (status) {
    case WorkItemStatus.WORK_ITEM_STATUS_BACKLOG:
      return (
        <Svg {...rest}>
          <circle cx="8" cy="8" r="6" stroke={color} strokeWidth="1.5" strokeDasharray="2.2 2.2" />
        </Svg>
      );
    case WorkItemStatus.WORK_ITEM_STATUS_TODO:
      return (
        <Svg {...rest}>
          <circle cx="8" cy="8" r="6" stroke={color} strokeWidth="1.5" />
        </Svg>
      );
    case WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS:
      return (
        <Svg {...rest}>
          <circle cx="8" cy="8" r="6" stroke={color} strokeWidth="1.5" />
          <path d="M8 4a4 4 0 0 1 0 8z" fill={color} />
        </Svg>
      );
    case WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW:
      return (
        <Svg {...rest}>
          <circle cx="8" cy="8" r="6" stroke={color} strokeWidth="1.5" />
          <path d="M8 4a4 4 0 1 1-4 4h4z" fill={color} />
        </Svg>
      );
    default:
      return (
        <Svg {...rest}>
          <circle cx="8" cy="8" r="7" fill={color} />
          <path d="m5 8.2 2 2 4-4.2" stroke="var(--ab-on-accent)" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </Svg>
      );
  }
}

/** CSS name of each status, for its colour token. */
export const STATUS_SLUG: Record<number, string> = {
  [WorkItemStatus.WORK_ITEM_STATUS_BACKLOG]: "backlog",
  [WorkItemStatus.WORK_ITEM_STATUS_TODO]: "todo",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_PROGRESS]: "progress",
  [WorkItemStatus.WORK_ITEM_STATUS_IN_REVIEW]: "review",
  [WorkItemStatus.WORK_ITEM_STATUS_DONE]: "done",
};

/** The item type in words. */
export const TYPE_LABEL: Record<number, string> = {
  [WorkItemType.WORK_ITEM_TYPE_EPIC]: "Epic",
  [WorkItemType.WORK_ITEM_TYPE_STORY]: "Story",
  [WorkItemType.WORK_ITEM_TYPE_TASK]: "Task",
  [WorkItemType.WORK_ITEM_TYPE_BUG]: "Bug",
};

/** Jira's convention: a purple bolt for epics, a green bookmark for stories, a blue check for tasks, a red dot for bugs. */
export function TypeIcon({ itemType, ...rest }: IconProps & { itemType: number }) {
  switch (itemType) {
    case WorkItemType.WORK_ITEM_TYPE_EPIC:
      return (
        <Svg {...rest}>
          <rect x="1" y="1" width="14" height="14" rx="3" fill="var(--ab-type-epic)" />
          <path d="M9 3.5 5.5 8.6h2.6L7 12.5l3.5-5.1H7.9z" fill="#fff" />
        </Svg>
      );
    case WorkItemType.WORK_ITEM_TYPE_STORY:
      return (
        <Svg {...rest}>
          <rect x="1" y="1" width="14" height="14" rx="3" fill="var(--ab-type-story)" />
          <path d="M5.5 4h5v8L8 10.2 5.5 12z" fill="#fff" />
        </Svg>
      );
    case WorkItemType.WORK_ITEM_TYPE_BUG:
      return (
        <Svg {...rest}>
          <rect x="1" y="1" width="14" height="14" rx="3" fill="var(--ab-type-bug)" />
          <circle cx="8" cy="8" r="3" fill="#fff" />
        </Svg>
      );
    default:
      return (
        <Svg {...rest}>
          <rect x="1" y="1" width="14" height="14" rx="3" fill="var(--ab-type-task)" />
          <path d="m5 8.2 2 2 4-4.2" stroke="#fff" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
        </Svg>
      );
  }
}

/** The priority in words. */
export const PRIORITY_LABEL: Record<number, string> = {
  [Priority.PRIORITY_LOW]: "Low",
  [Priority.PRIORITY_MEDIUM]: "Medium",
  [Priority.PRIORITY_HIGH]: "High",
  [Priority.PRIORITY_CRITICAL]: "Critical",
};

/** Signal bars (one to three) for low to high; a filled warning square for critical. */
export function PriorityIcon({ priority, ...rest }: IconProps & { priority: number }) {
  if (priority === Priority.PRIORITY_CRITICAL) {
    return (
      <Svg {...rest}>
        <rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="var(--ab-priority-critical)" />
        <path d="M8 4.5v4.3" stroke="#fff" strokeWidth="1.8" strokeLinecap="round" />
        <circle cx="8" cy="11.3" r="1.1" fill="#fff" />
      </Svg>
    );
  }
  const level = priority === Priority.PRIORITY_HIGH ? 3 : priority === Priority.PRIORITY_LOW ? 1 : 2;
  const on = `var(--ab-priority-${level === 3 ? "high" : level === 2 ? "medium" : "low"})`;
  return (
    <Svg {...rest}>
      {[0, 1, 2].map((i) => (
        <rect key={i} x={2.5 + i * 4} y={10 - i * 3} width="3" height={4 + i * 3} rx="1" fill={i < level ? on : "var(--ab-border-strong)"} />
      ))}
    </Svg>
  );
}

export function PlusIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  );
}

export function SearchIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="7" cy="7" r="4.5" stroke="currentColor" strokeWidth="1.5" />
      <path d="m10.5 10.5 3 3" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </Svg>
  );
}

export function BlockedIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="8" cy="8" r="6" stroke="currentColor" strokeWidth="1.6" />
      <path d="m3.8 12.2 8.4-8.4" stroke="currentColor" strokeWidth="1.6" />
    </Svg>
  );
}

export function SunIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="8" cy="8" r="3" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 1.5v1.7M8 12.8v1.7M1.5 8h1.7M12.8 8h1.7M3.4 3.4l1.2 1.2M11.4 11.4l1.2 1.2M3.4 12.6l1.2-1.2M11.4 4.6l1.2-1.2" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </Svg>
  );
}

export function MoonIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="M13 9.6A5.5 5.5 0 0 1 6.4 3a5.5 5.5 0 1 0 6.6 6.6z" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </Svg>
  );
}

export function CloseIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="m4 4 8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </Svg>
  );
}

export function ChevronIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <path d="m6 4 4 4-4 4" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </Svg>
  );
}

export function UsersIcon(props: IconProps) {
  return (
    <Svg {...props}>
      <circle cx="6" cy="5.5" r="2.5" stroke="currentColor" strokeWidth="1.4" />
      <path d="M1.5 13.5c.5-2.5 2.3-3.8 4.5-3.8s4 1.3 4.5 3.8" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      <path d="M11 3.3a2.4 2.4 0 0 1 0 4.5M12.5 9.9c1.2.5 1.9 1.7 2.1 3.2" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </Svg>
  );
}

export function LogoMark(props: IconProps) {
  return (
    <Svg {...props}>
      <rect x="1" y="1" width="14" height="14" rx="3.5" fill="var(--ab-accent)" />
      <rect x="4" y="4" width="2.2" height="8" rx="1.1" fill="var(--ab-on-accent)" />
      <rect x="6.9" y="4" width="2.2" height="5.5" rx="1.1" fill="var(--ab-on-accent)" opacity=".85" />
      <rect x="9.8" y="4" width="2.2" height="3" rx="1.1" fill="var(--ab-on-accent)" opacity=".7" />
    </Svg>
  );
}
