import {
  closestCenter,
  DndContext,
  DragOverlay,
  getFirstCollision,
  KeyboardCode,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from "@dnd-kit/core";
import { arrayMove, sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import type { WorkItem } from "@agileboard/proto/wire";
import { Fragment, useCallback, useMemo, useRef, useState } from "react";
import { WorkItemStatus } from "@agileboard/client";
import { neighboursAt, STATUS_LABEL, STATUSES, type BoardView, type Status } from "../../store/board-view.js";
import { sameItems, type Observable } from "../../store/observable.js";
import { Avatar } from "../../ui/Avatar.js";
import { TypeIcon } from "../../ui/icons.js";
import { Card } from "./Card.js";
import { Column, type CardFlagSource } from "./Column.js";
import { itemFilter, type BoardFilters } from "./filters.js";
import { laneKeyOf, lanesOf, type Lane } from "./lanes.js";

/** Drop target id of a column in a lane. */
const containerIdOf = (laneKey: string, status: Status) => `${laneKey}|${status}`;
const statusOfContainer = (id: string) => Number(id.slice(id.lastIndexOf("|") + 1)) as Status;
const laneOfContainer = (id: string) => id.slice(0, id.lastIndexOf("|"));

/** Card ids per drop target. */
type Layout = Record<string, string[]>;

/** What the board needs from its page. */
export interface BoardProps {
  view: BoardView;
  /** The board store's state: cards read their pending and highlight flags from it. */
  flags: Observable<CardFlagSource>;
  filters: BoardFilters;
  me: string;
  keyOf: (item: WorkItem) => string;
  canEdit: boolean;
  onOpen: (item: WorkItem) => void;
  onMove: (itemId: string, status: Status, beforeId: string, afterId: string) => void;
  onAssign: (itemId: string, assigneeId: string) => void;
  onAdd: (title: string, status: Status, itemType: number) => void;
}

/**
 * The Kanban board: a row of status columns (per swimlane), cards dragged within and across them with the
 * pointer or the keyboard (dnd-kit). While a drag runs, the board shows its own layout; on the drop it asks
 * for one move with the new neighbours, and the store's optimistic view keeps the card where it was dropped.
 */
export function Board({ view, flags, filters, me, keyOf, canEdit, onOpen, onMove, onAssign, onAdd }: BoardProps) {
  const statuses = useMemo(() => STATUSES.filter((s) => filters.showBacklog || s !== WorkItemStatus.WORK_ITEM_STATUS_BACKLOG), [filters.showBacklog]);
  const visible = useMemo(() => {
    const include = itemFilter(filters, me, keyOf);
    const out: WorkItem[] = [];
    for (const id of view.order) {
      const item = view.byId.get(id);
      if (item && include(item)) out.push(item);
    }
    return out;
  }, [view, filters, me, keyOf]);
  const lanes = useMemo(() => lanesOf(visible, filters.lanes, view.byId, me, keyOf), [visible, filters.lanes, view.byId, me, keyOf]);

  // Each column's cards, reusing last render's array when nothing in it changed (so its Column skips rendering).
  const previous = useRef<Record<string, WorkItem[]>>({});
  const columns = useMemo(() => {
    const next: Record<string, WorkItem[]> = {};
    for (const lane of lanes) for (const status of statuses) next[containerIdOf(lane.key, status)] = [];
    for (const item of visible) next[containerIdOf(laneKeyOf(item, filters.lanes, view.byId), item.status as Status)]?.push(item);
    for (const [id, items] of Object.entries(next)) {
      const before = previous.current[id];
      if (before && sameItems(before, items)) next[id] = before;
    }
    previous.current = next;
    return next;
  }, [lanes, statuses, visible, filters.lanes, view.byId]);

  const [activeId, setActiveId] = useState<string | undefined>();
  const [layout, setLayout] = useState<Layout | undefined>();
  const startLayout = useRef<Layout | undefined>(undefined);
  const lastOver = useRef<UniqueIdentifier | null>(null);
  const justDropped = useRef(0);
  const currentLayout: Layout = useMemo(
    () => layout ?? Object.fromEntries(Object.entries(columns).map(([id, items]) => [id, items.map((i) => i.id)])),
    [layout, columns],
  );
  const layoutRef = useRef(currentLayout);
  layoutRef.current = currentLayout;

  const findContainer = useCallback((id: UniqueIdentifier): string | undefined => {
    const key = String(id);
    if (key in layoutRef.current) return key;
    return Object.keys(layoutRef.current).find((c) => layoutRef.current[c]?.includes(key));
  }, []);

  // Pointer drags start after 5 px, so a click still opens the card.
  const keyboardCoordinates: KeyboardCoordinateGetter = useCallback(
    (event, args) => {
      const { active, droppableRects, collisionRect } = args.context;
      if (event.code !== KeyboardCode.Left && event.code !== KeyboardCode.Right) return sortableKeyboardCoordinates(event, args);
      event.preventDefault();
      if (!active || !collisionRect) return undefined;
      const from = findContainer(active.id);
      if (!from) return undefined;
      const lane = laneOfContainer(from);
      const order = statuses.map((s) => containerIdOf(lane, s));
      const target = order[order.indexOf(from) + (event.code === KeyboardCode.Right ? 1 : -1)];
      const rect = target ? droppableRects.get(target) : undefined;
      if (!target || !rect) return undefined;
      return { x: rect.left + 8, y: Math.min(Math.max(collisionRect.top, rect.top + 44), rect.top + rect.height - collisionRect.height) };
    },
    [findContainer, statuses],
  );
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: keyboardCoordinates,
      keyboardCodes: { start: [KeyboardCode.Space], cancel: [KeyboardCode.Esc], end: [KeyboardCode.Space, KeyboardCode.Enter] },
    }),
  );

  // Over a column with cards: the nearest card in it; epic lanes keep a card in its own lane.
  const collisionDetection: CollisionDetection = useCallback(
    (args) => {
      const activeLane = activeId ? laneOfContainer(findContainer(activeId) ?? "") : "";
      const allowed = filters.lanes === "epic" ? args.droppableContainers.filter((c) => laneOfContainer(findContainer(c.id) ?? "") === activeLane) : args.droppableContainers;
      const within = pointerWithin({ ...args, droppableContainers: allowed });
      const hits = within.length > 0 ? within : rectIntersection({ ...args, droppableContainers: allowed });
      let overId = getFirstCollision(hits, "id");
      if (overId != null) {
        const cards = layoutRef.current[String(overId)];
        if (cards && cards.length > 0) {
          overId = closestCenter({ ...args, droppableContainers: allowed.filter((c) => c.id !== overId && cards.includes(String(c.id))) })[0]?.id ?? overId;
        }
        lastOver.current = overId;
        return [{ id: overId }];
      }
      return lastOver.current != null ? [{ id: lastOver.current }] : [];
    },
    [activeId, filters.lanes, findContainer],
  );

  const onDragStart = ({ active }: DragStartEvent) => {
    setActiveId(String(active.id));
    startLayout.current = currentLayout;
    setLayout(currentLayout);
  };

  // Crossing into another column: the card joins it at the hovered position.
  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (!over) return;
    const from = findContainer(active.id);
    const to = findContainer(over.id);
    if (!from || !to || from === to) return;
    setLayout((current) => {
      const base = current ?? currentLayout;
      const fromIds = (base[from] ?? []).filter((id) => id !== active.id);
      const toIds = [...(base[to] ?? [])];
      const overIndex = toIds.indexOf(String(over.id));
      const below = over.rect && active.rect.current.translated ? active.rect.current.translated.top > over.rect.top + over.rect.height / 2 : false;
      const index = overIndex >= 0 ? overIndex + (below ? 1 : 0) : toIds.length;
      toIds.splice(index, 0, String(active.id));
      return { ...base, [from]: fromIds, [to]: toIds };
    });
  };

  const finish = () => {
    setActiveId(undefined);
    setLayout(undefined);
    lastOver.current = null;
    justDropped.current = Date.now();
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const id = String(active.id);
    const container = findContainer(id);
    const start = startLayout.current;
    if (!over || !container || !start) return finish();
    let ids = layoutRef.current[container] ?? [];
    const overIndex = ids.indexOf(String(over.id));
    const activeIndex = ids.indexOf(id);
    if (overIndex >= 0 && activeIndex >= 0 && overIndex !== activeIndex) ids = arrayMove(ids, activeIndex, overIndex);
    const index = ids.indexOf(id);
    const from = Object.keys(start).find((c) => start[c]?.includes(id));
    const unchanged = from === container && start[container]?.indexOf(id) === index;
    if (!unchanged) {
      const { beforeId, afterId } = neighboursAt(
        ids.filter((x) => x !== id),
        index,
      );
      onMove(id, statusOfContainer(container), beforeId, afterId);
      const lane = laneOfContainer(container);
      if (filters.lanes === "assignee" && from && laneOfContainer(from) !== lane) onAssign(id, lane.slice("user:".length));
    }
    finish();
  };

  const openUnlessDropped = useCallback(
    (item: WorkItem) => {
      if (Date.now() - justDropped.current > 250) onOpen(item);
    },
    [onOpen],
  );

  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${describe(String(active.id))}. Use the arrow keys to move it, space to drop, escape to cancel.`,
    onDragOver: ({ active, over }) => (over ? `${describe(String(active.id))} is over ${placeOf(String(over.id))}.` : `${describe(String(active.id))} is not over a column.`),
    onDragEnd: ({ active, over }) => (over ? `Dropped ${describe(String(active.id))} in ${placeOf(String(over.id))}.` : `Dropped ${describe(String(active.id))}.`),
    onDragCancel: ({ active }) => `Moving ${describe(String(active.id))} was cancelled; it is back where it was.`,
  };
  function describe(id: string): string {
    const item = view.byId.get(id);
    return item ? keyOf(item) : "the card";
  }
  function placeOf(id: string): string {
    const container = findContainer(id);
    if (!container) return "the board";
    const ids = layoutRef.current[container] ?? [];
    const position = ids.indexOf(id);
    const column = STATUS_LABEL[statusOfContainer(container)];
    return position >= 0 ? `${column}, position ${position + 1} of ${ids.length}` : column;
  }

  const active = activeId ? view.byId.get(activeId) : undefined;
  const itemsOf = (containerId: string): WorkItem[] => {
    if (!layout) return columns[containerId] ?? [];
    return (layout[containerId] ?? []).flatMap((id) => {
      const item = view.byId.get(id);
      return item ? [item] : [];
    });
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      // Droppables are measured while dragging only: measuring on every render would make each event cost layout.
      measuring={{ droppable: { strategy: MeasuringStrategy.WhileDragging } }}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={finish}
      accessibility={{ announcements, screenReaderInstructions: { draggable: "To move a card, press space, use the arrow keys, and press space again to drop it. Press enter to open it." } }}
    >
      <div className={lanes.length > 1 || filters.lanes !== "none" ? "lanes" : undefined}>
        {lanes.map((lane, laneIndex) => (
          <Fragment key={lane.key}>
            {filters.lanes !== "none" ? <LaneHeading lane={lane} view={view} count={statuses.reduce((n, s) => n + (currentLayout[containerIdOf(lane.key, s)]?.length ?? 0), 0)} /> : null}
            <div className="columns lane">
              {statuses.map((status) => (
                <Column
                  key={status}
                  containerId={containerIdOf(lane.key, status)}
                  status={status}
                  items={itemsOf(containerIdOf(lane.key, status))}
                  flags={flags}
                  keyOf={keyOf}
                  activeId={activeId}
                  inLane={filters.lanes !== "none"}
                  showHeader={laneIndex === 0 || filters.lanes === "none"}
                  laneTitle={filters.lanes === "none" ? "" : lane.title}
                  canAdd={canEdit && lane.kind !== "epic"}
                  onOpen={openUnlessDropped}
                  onAdd={onAdd}
                />
              ))}
            </div>
          </Fragment>
        ))}
      </div>
      <DragOverlay dropAnimation={{ duration: 160, easing: "cubic-bezier(0.2, 0, 0, 1)" }}>
        {active ? <Card item={active} itemKey={keyOf(active)} pending={false} recent={false} overlay /> : null}
      </DragOverlay>
    </DndContext>
  );
}


function LaneHeading({ lane, view, count }: { lane: Lane; view: BoardView; count: number }) {
  const epic = lane.kind === "epic" && lane.subject ? view.byId.get(lane.subject) : undefined;
  return (
    <h2 className="lane-head">
      {lane.kind === "assignee" ? <Avatar user={lane.subject} size={20} /> : epic ? <TypeIcon itemType={epic.itemType} size={14} /> : null}
      <span>{lane.title}</span>
      <span className="lane-count">{count}</span>
    </h2>
  );
}
