/** The graph's `inputs`: what starting an instance takes (name, type, required, default). */
import { useState } from "react";
import { INPUT_NAME_PATTERN, INPUT_TYPES, type Inputs, addInput, removeInput, renameInput, textToValue, updateInput, valueToText } from "../../graph/inputs";
import type { InputSpec, InputType } from "../../types";
import { Icon } from "../Icon";

interface Props {
  inputs: Inputs;
  readOnly: boolean;
  onChange: (next: Inputs) => void;
}

function InputRow({ name, spec, inputs, readOnly, onChange }: { name: string; spec: InputSpec; inputs: Inputs; readOnly: boolean; onChange: (next: Inputs) => void }) {
  const [draftName, setDraftName] = useState(name);
  const [defaultText, setDefaultText] = useState(valueToText(spec.type, spec.default));
  const nameError = draftName !== name && (!INPUT_NAME_PATTERN.test(draftName) ? "letters, digits and _ only" : draftName in inputs ? "already used" : null);
  const parsedDefault = textToValue(spec.type, defaultText);
  const setSpec = (next: InputSpec) => onChange(updateInput(inputs, name, next));
  const commitName = () => {
    if (!nameError && draftName !== name) onChange(renameInput(inputs, name, draftName));
    else setDraftName(name);
  };
  const setDefault = (text: string) => {
    setDefaultText(text);
    const parsed = textToValue(spec.type, text);
    if (parsed.error) return;
    const { default: _d, ...rest } = spec;
    setSpec(parsed.value === undefined ? (rest as InputSpec) : { ...spec, default: parsed.value });
  };
  return (
    <li className="fd-input-card" data-testid={`input-row-${name}`}>
      <div className="fd-input-card__name">
        <input type="text" value={draftName} disabled={readOnly} aria-label="Input name" aria-invalid={nameError ? true : undefined}
          data-testid={`input-name-${name}`} onChange={(e) => setDraftName(e.target.value)} onBlur={commitName}
          onKeyDown={(e) => e.key === "Enter" && commitName()} />
        {nameError && <span className="fd-field__error">{nameError}</span>}
      </div>
      <div>
        <select value={spec.type} disabled={readOnly} aria-label={`Type of ${name}`} data-testid={`input-type-${name}`}
          onChange={(e) => setSpec({ ...spec, type: e.target.value as InputType })}>
          {INPUT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </div>
      <div>
        <button type="button" className="fd-icon-btn" disabled={readOnly} aria-label={`Remove input ${name}`} onClick={() => onChange(removeInput(inputs, name))}>
          <Icon name="trash" size={15} />
        </button>
      </div>
      <label className="fd-input-card__required">
        <input type="checkbox" checked={Boolean(spec.required)} disabled={readOnly} aria-label={`${name} is required`} data-testid={`input-required-${name}`}
          onChange={(e) => {
            const { required: _r, ...rest } = spec;
            setSpec(e.target.checked ? { ...spec, required: true } : (rest as InputSpec));
          }} />
        required
      </label>
      <div className="fd-input-card__default">
        <input type="text" value={defaultText} placeholder="default (optional)" disabled={readOnly} aria-label={`Default of ${name}`} aria-invalid={parsedDefault.error ? true : undefined}
          data-testid={`input-default-${name}`} onChange={(e) => setDefault(e.target.value)} />
        {parsedDefault.error && <span className="fd-field__error">{parsedDefault.error}</span>}
      </div>
    </li>
  );
}

export function InputsEditor({ inputs, readOnly, onChange }: Props) {
  const entries = Object.entries(inputs);
  return (
    <div className="fd-inputs" data-testid="inputs-editor">
      <p className="fd-hint">What starting this workflow takes. Read them in expressions as <code>input.&lt;name&gt;</code>.</p>
      {entries.length > 0 && (
        <ul className="fd-input-list">
          {entries.map(([name, spec]) => (
            <InputRow key={`${name}:${spec.type}`} name={name} spec={spec} inputs={inputs} readOnly={readOnly} onChange={onChange} />
          ))}
        </ul>
      )}
      <button type="button" className="fd-btn" disabled={readOnly} data-testid="btn-add-input" onClick={() => onChange(addInput(inputs).inputs)}>
        <Icon name="plus" size={15} /> Add input
      </button>
    </div>
  );
}
