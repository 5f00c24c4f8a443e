import type { WorkItem } from "@agileboard/proto/wire";
import { memo, type CSSProperties, type KeyboardEvent, type MouseEvent, type Ref } from "react";
import { Avatar } from "../../ui/Avatar.js";
import { hueOf } from "../../ui/hue.js";
import { BlockedIcon, PRIORITY_LABEL, PriorityIcon, TYPE_LABEL, TypeIcon } from "../../ui/icons.js";

/** What a card shows and how it reacts; the drag wiring comes from the column (useSortable). */
export interface CardProps {
  item: WorkItem;
  itemKey: string;
  pending: boolean;
  recent: boolean;
  dragging?: boolean;
  overlay?: boolean;
  onOpen?: (item: WorkItem) => void;
  nodeRef?: Ref<HTMLDivElement>;
  style?: CSSProperties;
  /** dnd-kit's attributes and listeners (role, tabIndex, aria-describedby, pointer and key handlers). */
  dragProps?: Record<string, unknown>;
}

/**
 * What a screen reader hears after a card's name (its key and title, as shown): what a sighted user reads off
 * the icons and chips.
 */
export function cardDetails(item: WorkItem): string {
  const parts = [TYPE_LABEL[item.itemType]?.toLowerCase(), `${PRIORITY_LABEL[item.priority]?.toLowerCase() ?? "no"} priority`];
  parts.push(item.assigneeId ? `assigned to ${item.assigneeId}` : "unassigned");
  if (item.storyPoints !== undefined) parts.push(`${item.storyPoints} points`);
  if (item.labels.length > 0) parts.push(`labels ${item.labels.join(", ")}`);
  if (item.isBlocked) parts.push("blocked");
  return parts.filter(Boolean).join(", ");
}

/** One card on the board: key, title, type, priority, labels, points, assignee and a blocked badge. */
export const Card = memo(function Card({ item, itemKey, pending, recent, dragging, overlay, onOpen, nodeRef, style, dragProps }: CardProps) {
  const open = () => onOpen?.(item);
  // The name is the card's text as shown (so it starts with the key), with the icons' meaning in words after the title.
  return (
    <div
      ref={nodeRef}
      className="card"
      style={style}
      data-dragging={dragging ? "true" : undefined}
      data-overlay={overlay ? "true" : undefined}
      data-recent={recent ? "true" : undefined}
      data-pending={pending ? "true" : undefined}
      {...dragProps}
      onClick={(e: MouseEvent) => {
        if (e.defaultPrevented) return;
        open();
      }}
      onKeyDown={(e: KeyboardEvent) => {
        // Space picks the card up (dnd-kit); Enter opens it.
        if (e.key === "Enter" && !e.defaultPrevented) {
          e.preventDefault();
          open();
          return;
        }
        (dragProps?.["onKeyDown"] as ((event: KeyboardEvent) => void) | undefined)?.(e);
      }}
    >
      <div className="card-top">
        <span className="card-key">{itemKey}</span>
        {item.isBlocked ? (
          <span className="blocked" title="Blocked by an unfinished item">
            <BlockedIcon size={10} /> Blocked
          </span>
        ) : null}
        <Avatar user={item.assigneeId} size={20} />
      </div>
      <div className="card-title">{item.title}</div>
      <span className="sr-only">{cardDetails(item)}</span>
      <div className="card-meta">
        <TypeIcon itemType={item.itemType} size={14} />
        <PriorityIcon priority={item.priority} size={14} />
        {item.labels.slice(0, 2).map((label) => (
          <span key={label} className="label" style={{ "--hue": hueOf(label) } as CSSProperties}>
            {label}
          </span>
        ))}
        {item.labels.length > 2 ? <span className="subtle" style={{ fontSize: 11 }}>+{item.labels.length - 2}</span> : null}
        {item.storyPoints !== undefined ? (
          <span className="points" title={`${item.storyPoints} story points`}>
            {item.storyPoints}
          </span>
        ) : null}
      </div>
    </div>
  );
});
