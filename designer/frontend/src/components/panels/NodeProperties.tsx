/** Properties of one node: id, name, and its config as a form from the type's (and action's) schema. */
import { useId, useMemo } from "react";
import { fieldForSchema, fieldsForObject, type FieldSpec } from "../../graph/schemaForm";
import type { ActionSpec, GraphNode, Json, JsonObject, NodeTypeSpec } from "../../types";
import { FieldRow, testId } from "./fields";
import { SchemaFields } from "./SchemaFields";

interface Props {
  node: GraphNode;
  spec: NodeTypeSpec | undefined;
  actions: ActionSpec[];
  findAction: (name: string) => ActionSpec | undefined;
  readOnly: boolean;
  onChange: (update: (raw: GraphNode) => GraphNode) => void;
}

function ActionPicker({ field, value, actions, disabled, onChange }: {
  field: FieldSpec; value: Json | undefined; actions: ActionSpec[]; disabled: boolean; onChange: (v: Json | undefined) => void;
}) {
  const id = useId();
  const current = typeof value === "string" ? value : "";
  const known = actions.some((a) => a.name === current);
  return (
    <FieldRow field={field} htmlFor={id}>
      <select id={id} value={current} disabled={disabled} data-testid={testId(field.path)} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">— choose an action —</option>
        {!known && current && <option value={current}>{current} (unknown)</option>}
        {actions.map((a) => (
          <option key={a.name} value={a.name} title={a.description}>
            {a.label} ({a.name})
          </option>
        ))}
      </select>
    </FieldRow>
  );
}

export function NodeProperties({ node, spec, actions, findAction, readOnly, onChange }: Props) {
  const nameId = useId();
  const idId = useId();
  const config: JsonObject = node.config ?? {};
  const fields = useMemo(() => (spec ? fieldsForObject(spec.config_schema) : []), [spec]);
  const action = typeof config.action === "string" ? findAction(config.action) : undefined;
  const paramFields = useMemo(
    () => (action?.params_schema?.properties ? fieldsForObject(action.params_schema, action.params_schema, ["params"]) : null),
    [action],
  );
  const setConfig = (next: JsonObject) => onChange((raw) => ({ ...raw, config: next }));

  const override = (field: FieldSpec, value: Json | undefined, set: (v: Json | undefined) => void) => {
    const last = field.path[field.path.length - 1];
    if (last === "action" && (node.type === "task" || field.path[0] === "compensate")) {
      return <ActionPicker field={field} value={value} actions={actions} disabled={readOnly} onChange={set} />;
    }
    if (node.type === "task" && field.path.length === 1 && last === "params" && paramFields) {
      return (
        <fieldset className="fd-fieldset" data-testid="field-params">
          <legend>Parameters of {action?.label ?? "the action"}</legend>
          {action?.description && <p className="fd-field__help">{action.description}</p>}
          <p className="fd-field__help">Values may be templates such as <code>{"{{ input.email }}"}</code>.</p>
          <SchemaFields fields={paramFields} value={config} onChange={setConfig} disabled={readOnly} />
        </fieldset>
      );
    }
    return undefined;
  };

  const nameField: FieldSpec = { ...fieldForSchema("name", { type: "string" }, {}, false), label: "Name" };
  return (
    <div className="fd-props" data-testid="node-properties">
      <header className="fd-props__header">
        <span className="fd-props__kind">{spec?.label ?? node.type}</span>
        {spec?.description && <p className="fd-field__help">{spec.description}</p>}
      </header>
      <div className="fd-field">
        <label className="fd-field__label" htmlFor={idId}>Id</label>
        <input id={idId} type="text" value={node.id} readOnly className="fd-readonly" data-testid="field-node-id" />
      </div>
      <FieldRow field={nameField} htmlFor={nameId}>
        <input
          id={nameId}
          type="text"
          value={node.name ?? ""}
          disabled={readOnly}
          data-testid="field-node-name"
          onChange={(e) => onChange((raw) => ({ ...raw, name: e.target.value }))}
        />
      </FieldRow>
      {fields.length ? (
        <SchemaFields fields={fields} value={config} onChange={setConfig} disabled={readOnly} override={override} />
      ) : (
        <p className="fd-hint">{spec ? "This step has no settings." : `Unknown node type "${node.type}".`}</p>
      )}
      {node.type === "task" && !fields.some((f) => f.key === "params") && paramFields && (
        <SchemaFields fields={paramFields} value={config} onChange={setConfig} disabled={readOnly} />
      )}
    </div>
  );
}

