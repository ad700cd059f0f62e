/**
 * Parties and moves as tables for quick edits. Each change is written back into the YAML text
 * (comments kept), so the text stays the single source and the analysis re-runs as for typing.
 */
import type { Scenario } from "../../../src/model/index.ts";
import { type CellValue, formatCell, parseCell, setField } from "../lib/yaml-edit.ts";

interface Props {
  source: string;
  scenario: Scenario;
  onChange(text: string): void;
}

interface CellProps {
  label: string;
  value: unknown;
  onCommit(value: CellValue): void;
  testId?: string;
}

function NumberCell({ label, value, onCommit, testId }: CellProps) {
  return (
    <input
      class="cell"
      aria-label={label}
      data-testid={testId}
      value={formatCell(value)}
      onChange={(event) => {
        const input = event.currentTarget;
        const parsed = parseCell(input.value);
        if (parsed instanceof Error) {
          input.setCustomValidity(parsed.message);
          input.reportValidity();
          return;
        }
        input.setCustomValidity("");
        onCommit(parsed);
      }}
    />
  );
}

export function TableEditor({ source, scenario, onChange }: Props) {
  const set = (path: (string | number)[]) => (value: CellValue) => onChange(setField(source, path, value));
  const partyIds = scenario.parties.map((p) => p.id);
  return (
    <div class="table-editor" data-testid="table-editor">
      <h3>Parties</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">discount δ</th>
            <th scope="col">tolerance τ</th>
            <th scope="col">reservation ρ</th>
          </tr>
        </thead>
        <tbody>
          {scenario.parties.map((p, i) => (
            <tr key={p.id}>
              <th scope="row" title={p.name}>
                {p.id}
              </th>
              <td>
                <NumberCell
                  label={`${p.id} discount`}
                  value={p.discount}
                  onCommit={set(["parties", i, "discount"])}
                />
              </td>
              <td>
                <NumberCell
                  label={`${p.id} tolerance`}
                  value={p.tolerance}
                  testId={`tolerance-${p.id}`}
                  onCommit={set(["parties", i, "tolerance"])}
                />
              </td>
              <td>
                <NumberCell
                  label={`${p.id} reservation`}
                  value={p.reservation}
                  onCommit={set(["parties", i, "reservation"])}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Moves</h3>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">move</th>
              <th scope="col">actor</th>
              <th scope="col">reversible</th>
              <th scope="col">lag</th>
              {partyIds.map((id) => (
                <th scope="col" key={id}>
                  value: {id}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {scenario.moves.map((m, i) => (
              <tr key={m.id}>
                <th scope="row" title={m.title}>
                  {m.id}
                </th>
                <td>{m.actor}</td>
                <td>
                  <NumberCell
                    label={`${m.id} reversible`}
                    value={m.reversible}
                    onCommit={set(["moves", i, "reversible"])}
                  />
                </td>
                <td>
                  <NumberCell
                    label={`${m.id} verification lag`}
                    value={m.verify.lag}
                    onCommit={set(["moves", i, "verify", "lag"])}
                  />
                </td>
                {partyIds.map((id) => (
                  <td key={id}>
                    <NumberCell
                      label={`${m.id} value for ${id}`}
                      value={m.value[id]}
                      testId={`value-${m.id}-${id}`}
                      onCommit={set(["moves", i, "value", id])}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
