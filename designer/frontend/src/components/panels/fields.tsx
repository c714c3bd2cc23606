/** Form widgets for schema fields. Widgets holding text that may not parse yet keep it locally. */
import { useEffect, useId, useState, type ReactNode } from "react";
import { parseFieldText, type FieldSpec } from "../../graph/schemaForm";
import type { Json, JsonObject } from "../../types";
import { Icon } from "../Icon";

export const testId = (path: readonly string[]) => `field-${path.join(".")}`;

interface WidgetProps {
  field: FieldSpec;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  disabled: boolean;
}

export function FieldRow({ field, htmlFor, children }: { field: FieldSpec; htmlFor?: string; children: ReactNode }) {
  const helpId = `${htmlFor ?? field.path.join("-")}-help`;
  return (
    <div className="fd-field">
      <label className="fd-field__label" htmlFor={htmlFor}>
        {field.label}
        {field.required && (
          <span className="fd-required" aria-label="required" title="Required">
            *
          </span>
        )}
      </label>
      {children}
      {field.description && (
        <p className="fd-field__help" id={helpId}>
          {field.description}
        </p>
      )}
    </div>
  );
}

const placeholderFor = (field: FieldSpec) => (field.defaultValue === undefined ? undefined : `default: ${JSON.stringify(field.defaultValue)}`);

export function TextWidget({ field, value, onChange, disabled }: WidgetProps) {
  const id = useId();
  const text = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  const common = {
    id,
    value: text,
    disabled,
    placeholder: placeholderFor(field),
    "data-testid": testId(field.path),
    "aria-describedby": field.description ? `${id}-help` : undefined,
    onChange: (e: { target: { value: string } }) => onChange(parseFieldText("text", e.target.value).value),
  };
  return (
    <FieldRow field={field} htmlFor={id}>
      {field.kind === "textarea" ? <textarea rows={4} {...common} /> : <input type="text" {...common} />}
    </FieldRow>
  );
}

/** Number and JSON fields: the text stays as typed; only parseable text reaches the graph. */
export function ParsedWidget({ field, value, onChange, disabled }: WidgetProps) {
  const id = useId();
  const format = (v: Json | undefined) =>
    v === undefined ? "" : field.kind === "json" ? JSON.stringify(v, null, 2) : field.kind === "textOrJson" && typeof v !== "string" ? JSON.stringify(v) : String(v);
  const [text, setText] = useState(format(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const parsed = parseFieldText(field.kind, text);
    if (parsed.error || JSON.stringify(parsed.value) !== JSON.stringify(value)) {
      setText(format(value));
      setError(null);
    }
    // Only an outside change of `value` (undo, another node) should reset the text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  const change = (next: string) => {
    setText(next);
    const parsed = parseFieldText(field.kind, next);
    setError(parsed.error ?? null);
    if (!parsed.error) onChange(parsed.value);
  };
  const common = {
    id,
    value: text,
    disabled,
    placeholder: placeholderFor(field),
    "data-testid": testId(field.path),
    "aria-invalid": error ? true : undefined,
    onChange: (e: { target: { value: string } }) => change(e.target.value),
  };
  return (
    <FieldRow field={field} htmlFor={id}>
      {field.kind === "json" ? (
        <textarea rows={4} className="fd-mono" spellCheck={false} {...common} />
      ) : field.kind === "textOrJson" ? (
        <input type="text" {...common} placeholder={common.placeholder ?? "text, or a JSON list"} />
      ) : (
        <input type="number" step={field.kind === "integer" ? 1 : "any"} {...common} />
      )}
      {error && <p className="fd-field__error" role="alert">{error}</p>}
    </FieldRow>
  );
}

export function BooleanWidget({ field, value, onChange, disabled }: WidgetProps) {
  const id = useId();
  const checked = typeof value === "boolean" ? value : field.defaultValue === true;
  return (
    <div className="fd-field fd-field--inline">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        data-testid={testId(field.path)}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id} className="fd-field__label">
        {field.label}
      </label>
      {field.description && <p className="fd-field__help">{field.description}</p>}
    </div>
  );
}

export function SelectWidget({ field, value, onChange, disabled }: WidgetProps) {
  const id = useId();
  const options = field.options ?? [];
  const index = options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(value));
  return (
    <FieldRow field={field} htmlFor={id}>
      <select
        id={id}
        value={index < 0 ? "" : String(index)}
        disabled={disabled}
        data-testid={testId(field.path)}
        onChange={(e) => onChange(e.target.value === "" ? undefined : options[Number(e.target.value)]?.value)}
      >
        <option value="">{field.defaultValue === undefined ? "— choose —" : `default (${String(field.defaultValue)})`}</option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldRow>
  );
}

/** A list of strings as rows; empty rows stay on screen but are not stored. */
export function StringListWidget({ field, value, onChange, disabled }: WidgetProps) {
  const stored = Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))) : [];
  const [rows, setRows] = useState<string[]>(stored);
  useEffect(() => {
    if (JSON.stringify(rows.filter(Boolean)) !== JSON.stringify(stored)) setRows(stored);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(stored)]);
  const commit = (next: string[]) => {
    setRows(next);
    const kept = next.filter((r) => r !== "");
    onChange(kept.length ? kept : undefined);
  };
  const tid = testId(field.path);
  return (
    <FieldRow field={field}>
      <div className="fd-list" data-testid={tid}>
        {rows.map((row, i) => (
          <div className="fd-list__row" key={i}>
            <input
              type="text"
              value={row}
              disabled={disabled}
              aria-label={`${field.label} ${i + 1}`}
              data-testid={`${tid}-${i}`}
              onChange={(e) => commit(rows.map((r, j) => (j === i ? e.target.value : r)))}
            />
            <button
              type="button"
              className="fd-icon-btn"
              disabled={disabled}
              aria-label={`Remove ${field.label} ${i + 1}`}
              onClick={() => commit(rows.filter((_, j) => j !== i))}
            >
              <Icon name="close" size={14} />
            </button>
          </div>
        ))}
        <button type="button" className="fd-btn fd-btn--small" disabled={disabled} data-testid={`${tid}-add`} onClick={() => setRows([...rows, ""])}>
          <Icon name="plus" size={14} /> Add
        </button>
      </div>
    </FieldRow>
  );
}

/** A map of names to strings (templates) as key/value rows. */
export function KeyValueWidget({ field, value, onChange, disabled }: WidgetProps) {
  const obj: JsonObject = value && typeof value === "object" && !Array.isArray(value) ? value : {};
  const stored = Object.entries(obj).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]);
  const [rows, setRows] = useState<[string, string][]>(stored);
  useEffect(() => {
    if (JSON.stringify(rows.filter(([k]) => k)) !== JSON.stringify(stored)) setRows(stored);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(stored)]);
  const commit = (next: [string, string][]) => {
    setRows(next);
    const kept = next.filter(([k]) => k !== "");
    onChange(kept.length ? Object.fromEntries(kept.map(([k, v]) => [k, obj[k] !== undefined && typeof obj[k] !== "string" && v === JSON.stringify(obj[k]) ? obj[k]! : v])) : undefined);
  };
  const tid = testId(field.path);
  return (
    <FieldRow field={field}>
      <div className="fd-list" data-testid={tid}>
        {rows.map(([k, v], i) => (
          <div className="fd-list__row fd-list__row--pair" key={i}>
            <input type="text" value={k} placeholder="name" disabled={disabled} aria-label={`${field.label} name ${i + 1}`} data-testid={`${tid}-key-${i}`}
              onChange={(e) => commit(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
            <input type="text" value={v} placeholder="value" disabled={disabled} aria-label={`${field.label} value ${i + 1}`} data-testid={`${tid}-value-${i}`}
              onChange={(e) => commit(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
            <button type="button" className="fd-icon-btn" disabled={disabled} aria-label={`Remove ${field.label} ${k || i + 1}`} onClick={() => commit(rows.filter((_, j) => j !== i))}>
              <Icon name="close" size={14} />
            </button>
          </div>
        ))}
        <button type="button" className="fd-btn fd-btn--small" disabled={disabled} data-testid={`${tid}-add`} onClick={() => setRows([...rows, ["", ""]])}>
          <Icon name="plus" size={14} /> Add
        </button>
      </div>
    </FieldRow>
  );
}
