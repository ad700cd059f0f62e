/**
 * A WAI-ARIA tab list: one tab stop for the whole row (roving tabindex), Left/Right move between
 * tabs and select them, Home/End jump to the first and last. The panel it controls is rendered by
 * the caller with `tabPanelProps`, so the panel can hold whatever the selected tab shows.
 */
import { useRef } from "preact/hooks";

export interface TabItem<T extends string> {
  id: T;
  label: string;
  disabled?: boolean;
}

interface Props<T extends string> {
  /** Names the tab list for assistive technology ("Views", "Editor view"). */
  label: string;
  /** Makes the tab and panel ids unique on the page. */
  idPrefix: string;
  tabs: TabItem<NoInfer<T>>[];
  /** The tab shown; the tab ids' type is inferred from it alone. */
  selected: T;
  onSelect(id: NoInfer<T>): void;
}

export const tabId = (idPrefix: string, id: string) => `${idPrefix}-tab-${id}`;
export const panelId = (idPrefix: string) => `${idPrefix}-panel`;

/** The attributes that tie a panel to the tab list that controls it. */
export function tabPanelProps(idPrefix: string, selected: string) {
  return { id: panelId(idPrefix), role: "tabpanel", "aria-labelledby": tabId(idPrefix, selected) } as const;
}

/** The index the key moves to among the enabled tabs, or undefined when the key is not ours. */
function nextIndex(key: string, current: number, enabled: boolean[]): number | undefined {
  const count = enabled.length;
  const step = (from: number, by: number) => {
    for (let i = 1; i <= count; i++) {
      const candidate = (((from + by * i) % count) + count) % count;
      if (enabled[candidate]) return candidate;
    }
    return from;
  };
  if (key === "ArrowRight") return step(current, 1);
  if (key === "ArrowLeft") return step(current, -1);
  if (key === "Home") return step(-1, 1);
  if (key === "End") return step(count, -1);
  return undefined;
}

export function Tabs<T extends string>({ label, idPrefix, tabs, selected, onSelect }: Props<T>) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  // The one tab reachable with Tab: the selected one, unless it is disabled.
  const tabStop = tabs.find((t) => t.id === selected && !t.disabled)?.id ?? tabs.find((t) => !t.disabled)?.id;
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const target = nextIndex(
      event.key,
      index,
      tabs.map((t) => !t.disabled),
    );
    if (target === undefined) return;
    event.preventDefault();
    const tab = tabs[target];
    if (!tab) return;
    onSelect(tab.id);
    buttons.current[target]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} class="tabs">
      {tabs.map((t, i) => (
        <button
          type="button"
          role="tab"
          key={t.id}
          id={tabId(idPrefix, t.id)}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          aria-selected={selected === t.id}
          aria-controls={panelId(idPrefix)}
          tabIndex={tabStop === t.id ? 0 : -1}
          disabled={t.disabled}
          onClick={() => onSelect(t.id)}
          onKeyDown={(event) => onKeyDown(event, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
