import { useDroppable } from "@dnd-kit/core";
import { SortableContext, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import type { WorkItem } from "@agileboard/proto/wire";
import { defaultRangeExtractor, useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useMemo, useRef, useState } from "react";
import { STATUS_LABEL, type BoardView, type Status } from "../../store/board-view.js";
import { useSelect, type Observable } from "../../store/observable.js";

/** What a card's flags are read from: which items are pending, which a teammate just changed. */
export interface CardFlagSource {
  view: Pick<BoardView, "pendingIds">;
  recent: ReadonlyMap<string, number>;
}
import { PlusIcon, StatusIcon } from "../../ui/icons.js";
import { Card } from "./Card.js";
import { QuickAdd } from "./QuickAdd.js";

/** A column longer than this renders only the cards in view (plus the one being dragged). */
export const VIRTUALIZE_AFTER = 60;
/** A card's height before it is measured, px (title on one line, with the gap below). */
const ESTIMATED_CARD_PX = 96;

/** What a column needs from the board. */
export interface ColumnProps {
  /** Drop target id: lane and status. */
  containerId: string;
  status: Status;
  /** The column's cards in board order (the same array while none of them changes). */
  items: readonly WorkItem[];
  keyOf: (item: WorkItem) => string;
  /** The board's state, which each card reads its own flags from (so a flag change re-renders one card). */
  flags: Observable<CardFlagSource>;
  activeId: string | undefined;
  /** In swimlanes the page scrolls, not each column. */
  inLane: boolean;
  /** Column headings show once, above the first lane. */
  showHeader: boolean;
  /** The swimlane's title ("" without swimlanes): part of the region's name, so every region is told apart. */
  laneTitle: string;
  canAdd: boolean;
  onOpen: (item: WorkItem) => void;
  onAdd: (title: string, status: Status, itemType: number) => void;
}

/** One card of a column, wired for drag and drop. */
const SortableCard = memo(function SortableCard({ id, item, itemKey, flags, onOpen }: { id: string; item: WorkItem; itemKey: string; flags: Observable<CardFlagSource>; onOpen: (item: WorkItem) => void }) {
  const pending = useSelect(flags, (s) => s.view.pendingIds.has(id));
  const recent = useSelect(flags, (s) => s.recent.has(id));
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id, disabled: pending && item.version === 0 });
  // Every card of a column re-renders when the column's list changes (dnd-kit's context): keep the props the
  // card sees identical when nothing about it changed, so the card itself (memo) does not render again.
  const translate = CSS.Translate.toString(transform);
  const style = useMemo(() => ({ transform: translate, transition }), [translate, transition]);
  const dragProps = useMemo(() => ({ ...attributes, ...listeners }), [attributes, listeners]);
  return (
    <div className="card-slot">
      <Card item={item} itemKey={itemKey} pending={pending} recent={recent} dragging={isDragging} onOpen={onOpen} nodeRef={setNodeRef} style={style} dragProps={dragProps} />
    </div>
  );
});

/** A status column: a region named after its status, its cards in board order, and quick-add at the bottom. */
export const Column = memo(function Column(props: ColumnProps) {
  const { containerId, status, items, keyOf, flags, activeId, inLane, showHeader, laneTitle, canAdd, onOpen, onAdd } = props;
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const { setNodeRef, isOver } = useDroppable({ id: containerId, data: { type: "column", status } });
  const [adding, setAdding] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = !inLane && ids.length > VIRTUALIZE_AFTER;
  const activeIndex = activeId ? ids.indexOf(activeId) : -1;
  const rangeExtractor = useCallback(
    (range: Parameters<typeof defaultRangeExtractor>[0]) => {
      const indexes = defaultRangeExtractor(range);
      // The dragged card stays mounted wherever the list scrolls, or dnd-kit would lose it.
      if (activeIndex >= 0 && !indexes.includes(activeIndex)) return [...indexes, activeIndex].sort((a, b) => a - b);
      return indexes;
    },
    [activeIndex],
  );
  const virtualizer = useVirtualizer({
    count: virtual ? ids.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_CARD_PX,
    overscan: 3,
    rangeExtractor,
    getItemKey: (index) => ids[index] ?? index,
  });
  const label = STATUS_LABEL[status];
  const regionName = laneTitle ? `${label}, ${laneTitle}` : label;

  const renderCard = (item: WorkItem | undefined) =>
    item ? <SortableCard key={item.id} id={item.id} item={item} itemKey={keyOf(item)} flags={flags} onOpen={onOpen} /> : null;

  return (
    <section className="column" role="region" aria-label={regionName} data-over={isOver ? "true" : undefined} ref={setNodeRef}>
      {showHeader ? (
        <div className="column-head">
          <StatusIcon status={status} size={14} />
          <span>{label}</span>
          <span className="column-count" aria-label={`${ids.length} cards`}>
            {ids.length}
          </span>
        </div>
      ) : null}
      <div className="column-body" ref={scrollRef} style={showHeader ? undefined : { paddingTop: 8 }}>
        <SortableContext id={containerId} items={ids} strategy={verticalListSortingStrategy}>
          {ids.length === 0 && !adding ? <div className="column-empty">{activeId ? "Drop here" : "No cards"}</div> : null}
          {virtual ? (
            <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
              {virtualizer.getVirtualItems().map((row) => (
                <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
                  {renderCard(items[row.index])}
                </div>
              ))}
            </div>
          ) : (
            items.map(renderCard)
          )}
        </SortableContext>
      </div>
      {canAdd ? (
        adding ? (
          <QuickAdd label={regionName} onAdd={(title, itemType) => onAdd(title, status, itemType)} onDone={() => setAdding(false)} />
        ) : (
          <div className="quick-add">
            <button type="button" className="btn btn-ghost btn-sm add-card" onClick={() => setAdding(true)} aria-label={`Add card to ${regionName}`}>
              <PlusIcon size={14} /> Add card
            </button>
          </div>
        )
      ) : null}
    </section>
  );
});
