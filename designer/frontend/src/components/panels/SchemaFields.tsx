/** Renders form fields generated from a JSON Schema against a config object. */
import type { ReactNode } from "react";
import { getAtPath, setAtPath, type FieldSpec } from "../../graph/schemaForm";
import type { Json, JsonObject } from "../../types";
import { BooleanWidget, KeyValueWidget, ParsedWidget, SelectWidget, StringListWidget, TextWidget } from "./fields";

export interface SchemaFieldsProps {
  fields: FieldSpec[];
  value: JsonObject;
  onChange: (next: JsonObject) => void;
  disabled: boolean;
  /** Replace the widget of a field (e.g. the task's action picker); undefined = the generic widget. */
  override?: (field: FieldSpec, value: Json | undefined, set: (v: Json | undefined) => void) => ReactNode | undefined;
}

export function SchemaFields({ fields, value, onChange, disabled, override }: SchemaFieldsProps) {
  return (
    <>
      {fields.map((field) => {
        const current = getAtPath(value, field.path);
        const set = (v: Json | undefined) => onChange(setAtPath(value, field.path, v));
        const custom = override?.(field, current, set);
        if (custom !== undefined) return <div key={field.key}>{custom}</div>;
        const props = { field, value: current, onChange: set, disabled };
        switch (field.kind) {
          case "text":
          case "textarea":
            return <TextWidget key={field.key} {...props} />;
          case "number":
          case "integer":
          case "textOrJson":
          case "json":
            return <ParsedWidget key={field.key} {...props} />;
          case "boolean":
            return <BooleanWidget key={field.key} {...props} />;
          case "select":
            return <SelectWidget key={field.key} {...props} />;
          case "stringList":
            return <StringListWidget key={field.key} {...props} />;
          case "keyValue":
            return <KeyValueWidget key={field.key} {...props} />;
          case "object":
            return (
              <fieldset key={field.key} className="fd-fieldset" data-testid={`field-${field.path.join(".")}`}>
                <legend>
                  {field.label}
                  {field.required && <span className="fd-required" aria-label="required">*</span>}
                </legend>
                {field.description && <p className="fd-field__help">{field.description}</p>}
                <SchemaFields fields={field.children ?? []} value={value} onChange={onChange} disabled={disabled} override={override} />
              </fieldset>
            );
          default:
            return null;
        }
      })}
    </>
  );
}
