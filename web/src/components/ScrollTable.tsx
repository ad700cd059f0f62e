/**
 * A table in its own scrolling region (a phone scrolls the table, not the page), reachable by
 * keyboard and named for screen readers: the agreement page's tables and the re-plan's steps.
 */
import type { ComponentChildren } from "preact";

export function ScrollTable({
  label,
  testId,
  columns,
  children,
}: {
  /** The region's name. */
  label: string;
  testId: string;
  /** The column headings. */
  columns: string[];
  /** The body's rows. */
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-scroll" tabIndex={0} aria-label={label}>
      <table class="compare" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}
