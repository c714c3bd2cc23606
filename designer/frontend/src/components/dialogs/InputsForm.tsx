/** Fields for a workflow's inputs, used by the run and dry-run dialogs. */
import { useId } from "react";
import type { Inputs } from "../../graph/inputs";

interface Props {
  inputs: Inputs;
  texts: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, text: string) => void;
}

export function InputsForm({ inputs, texts, errors, onChange }: Props) {
  const base = useId();
  const entries = Object.entries(inputs);
  if (!entries.length) return <p className="fd-hint">This workflow takes no inputs.</p>;
  return (
    <div className="fd-inputs-form">
      {entries.map(([name, spec]) => {
        const id = `${base}-${name}`;
        const text = texts[name] ?? "";
        return (
          <div className="fd-field" key={name}>
            <label className="fd-field__label" htmlFor={id}>
              {name}
              {spec.required && <span className="fd-required" aria-label="required">*</span>} <span className="fd-muted">{spec.type}</span>
            </label>
            {spec.type === "boolean" ? (
              <select id={id} value={text} data-testid={`run-input-${name}`} onChange={(e) => onChange(name, e.target.value)}>
                <option value="">{spec.default === undefined ? "—" : `default (${String(spec.default)})`}</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input id={id} type="text" value={text}
                inputMode={spec.type === "number" ? "decimal" : spec.type === "integer" ? "numeric" : undefined}
                placeholder={spec.default === undefined ? undefined : `default: ${JSON.stringify(spec.default)}`}
                className={spec.type === "object" || spec.type === "array" ? "fd-mono" : undefined}
                aria-invalid={errors[name] ? true : undefined} data-testid={`run-input-${name}`} onChange={(e) => onChange(name, e.target.value)} />
            )}
            {errors[name] && <p className="fd-field__error">{errors[name]}</p>}
          </div>
        );
      })}
    </div>
  );
}
