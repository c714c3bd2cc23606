/** The top bar: where you are, save state, editing tools, files, running and publishing. */
import { type ReactNode, useRef } from "react";
import type { SaveStatus } from "../hooks/useDraftSave";
import { cx } from "./DecorContext";
import { Icon } from "./Icon";

interface Props {
  name: string;
  definitionKey: string;
  revision: number;
  status: SaveStatus;
  saveError: string | null;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  canPublish: boolean;
  publishBlocked: string | null;
  errors: number;
  onSave: () => void;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onFit: () => void;
  onImport: () => void;
  onExportJson: () => void;
  onExportSvg: () => void;
  onExportPng: () => void;
  onSimulate: () => void;
  onRun: () => void;
  onPublish: () => void;
}

const STATUS_TEXT: Record<SaveStatus, string> = {
  saved: "All changes saved",
  dirty: "Unsaved changes",
  saving: "Saving…",
  error: "Not saved",
};

function ToolButton({ icon, label, testId, onClick, disabled, shortcut, children }: {
  icon: string; label: string; testId: string; onClick: () => void; disabled?: boolean; shortcut?: string; children?: ReactNode;
}) {
  return (
    <button type="button" className={children ? "fd-btn" : "fd-icon-btn fd-icon-btn--bar"} aria-label={children ? undefined : label}
      title={shortcut ? `${label} (${shortcut})` : label} data-testid={testId} onClick={onClick} disabled={disabled}
      aria-keyshortcuts={shortcut?.replace(/\s/g, "")}>
      <Icon name={icon} size={17} />
      {children}
    </button>
  );
}

export function Toolbar(p: Props) {
  const menu = useRef<HTMLDetailsElement>(null);
  const fromMenu = (action: () => void) => () => {
    if (menu.current) menu.current.open = false;
    action();
  };
  return (
    <header className="fd-toolbar" role="toolbar" aria-label="Designer tools">
      <div className="fd-toolbar__group fd-toolbar__title">
        <a className="fd-back" href="../" aria-label="All workflows">←</a>
        <div>
          <h1 className="fd-title">{p.name}</h1>
          <div className="fd-subline">
            <code>{p.definitionKey}</code> · rev {p.revision}
            {p.readOnly ? (
              <span className="fd-pill">read-only</span>
            ) : (
              <span className={cx("fd-save-state", `fd-save-state--${p.status}`)} data-testid="save-status" data-status={p.status}
                role="status" title={p.saveError ?? undefined}>
                {p.status === "error" && p.saveError ? p.saveError : STATUS_TEXT[p.status]}
              </span>
            )}
          </div>
        </div>
      </div>
      <div className="fd-toolbar__group">
        <ToolButton icon="undo" label="Undo" shortcut="Ctrl+Z" testId="btn-undo" onClick={p.onUndo} disabled={p.readOnly || !p.canUndo} />
        <ToolButton icon="redo" label="Redo" shortcut="Ctrl+Shift+Z" testId="btn-redo" onClick={p.onRedo} disabled={p.readOnly || !p.canRedo} />
        <span className="fd-sep" aria-hidden="true" />
        <ToolButton icon="layout" label="Auto-layout" testId="btn-layout" onClick={p.onLayout} disabled={p.readOnly} />
        <ToolButton icon="fit" label="Fit to screen" testId="btn-fit" onClick={p.onFit} />
        <span className="fd-sep" aria-hidden="true" />
        <ToolButton icon="upload" label="Import a graph file" testId="btn-import" onClick={p.onImport} disabled={p.readOnly} />
        <details className="fd-menu" ref={menu} onKeyDown={(e) => e.key === "Escape" && menu.current && (menu.current.open = false)}>
          <summary className="fd-icon-btn fd-icon-btn--bar" aria-label="Export" title="Export" data-testid="btn-export">
            <Icon name="download" size={17} />
          </summary>
          <div className="fd-menu__list" role="menu">
            <button type="button" role="menuitem" data-testid="btn-export-json" onClick={fromMenu(p.onExportJson)}>Graph as JSON</button>
            <button type="button" role="menuitem" data-testid="btn-export-svg" onClick={fromMenu(p.onExportSvg)}>Image as SVG</button>
            <button type="button" role="menuitem" data-testid="btn-export-png" onClick={fromMenu(p.onExportPng)}>Image as PNG</button>
          </div>
        </details>
      </div>
      <div className="fd-toolbar__group fd-toolbar__actions">
        <ToolButton icon="simulate" label="Dry run" testId="btn-simulate" onClick={p.onSimulate}>Dry run</ToolButton>
        <ToolButton icon="play" label="Run" testId="btn-run" onClick={p.onRun}>Run</ToolButton>
        {!p.readOnly && (
          <ToolButton icon="save" label="Save" shortcut="Ctrl+S" testId="btn-save" onClick={p.onSave} disabled={p.status === "saved" || p.status === "saving"}>
            Save
          </ToolButton>
        )}
        <button type="button" className="fd-btn fd-btn--primary" data-testid="btn-publish" onClick={p.onPublish}
          disabled={!p.canPublish || Boolean(p.publishBlocked)} title={p.publishBlocked ?? "Publish a new version"}>
          <Icon name="rocket" size={17} /> Publish
          {p.errors > 0 && <span className="fd-badge fd-badge--error" aria-label={`${p.errors} errors`}>{p.errors}</span>}
        </button>
      </div>
    </header>
  );
}
