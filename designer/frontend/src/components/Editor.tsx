/** The designer for one definition: wires the draft, validation, saving, versions and dialogs together. */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createDefinition, publishDraft } from "../api/designer";
import { type FlowNode, graphText } from "../graph/convert";
import { diffGraphs, mergeForDiffView, statusMap } from "../graph/diff";
import { copyKey } from "../graph/ids";
import { exportFileName, parseGraphFile, serializeGraph } from "../graph/importExport";
import type { Inputs } from "../graph/inputs";
import { indexProblems } from "../graph/problems";
import type { CatalogState } from "../hooks/useCatalog";
import { useDraftSave } from "../hooks/useDraftSave";
import { useEditorCommands } from "../hooks/useEditorCommands";
import { useGraphEditor } from "../hooks/useGraphEditor";
import { useShortcuts } from "../hooks/useShortcuts";
import { useSimulationReplay } from "../hooks/useSimulationReplay";
import { useStaticFlow } from "../hooks/useStaticFlow";
import { useValidation } from "../hooks/useValidation";
import { useVersions } from "../hooks/useVersions";
import type { Definition, DesignerConfig, Problem, Version } from "../types";
import { downloadText, downloadUrl } from "../util/download";
import { Canvas } from "./Canvas";
import { DecorContext, type Decor } from "./DecorContext";
import { EditorDialogs, type DialogName } from "./EditorDialogs";
import { EditorSidebar } from "./EditorSidebar";
import { type TabId } from "./Sidebar";
import { Palette } from "./Palette";
import { Toasts, useToasts } from "./Toasts";
import { Toolbar } from "./Toolbar";
import { ViewBanner } from "./ViewBanner";

export interface VersionView {
  version: Version;
  mode: "view" | "diff";
}

interface Props {
  config: DesignerConfig;
  definition: Definition;
  etag: string;
  catalog: CatalogState;
}

export function Editor({ config, definition, etag, catalog }: Props) {
  const key = definition.key;
  const editor = useGraphEditor(definition.graph);
  const canEdit = !config.readOnly && definition.permissions.can_edit;
  const [view, setView] = useState<VersionView | null>(null);
  const editable = canEdit && !view;
  const [tab, setTab] = useState<TabId>("properties");
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [latestVersion, setLatestVersion] = useState(definition.latest_version);
  const [conflictOpen, setConflictOpen] = useState(false);
  const toasts = useToasts();
  const validation = useValidation(key, editor.graphJson, true);
  // The saved text is read once: serialising 500 nodes on every render (each mousemove of a drag) costs.
  const initialSave = useMemo(() => ({ definition, etag, json: graphText(definition.graph) }), [definition, etag]);
  const saver = useDraftSave({ keyName: key, graphJson: editor.graphJson, enabled: canEdit, initial: initialSave });
  const versions = useVersions(key, tab === "versions");
  const replay = useSimulationReplay();
  const commands = useEditorCommands(editor, catalog.nodeType);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (saver.conflict) setConflictOpen(true);
  }, [saver.conflict]);

  // Keyed by content: a validation answer equal to the last one (the usual case after a move) keeps
  // the same index, so the canvas decor, and with it every node and edge, does not re-render.
  const problemsText = useMemo(() => JSON.stringify(validation.problems), [validation.problems]);
  const problems = useMemo(() => indexProblems(JSON.parse(problemsText) as Problem[]), [problemsText]);
  const viewGraph = useMemo(() => {
    if (!view) return null;
    return view.mode === "diff" ? mergeForDiffView(view.version.graph, editor.graph) : view.version.graph;
    // The diff view is a snapshot taken when it opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view]);
  const viewFlow = useStaticFlow(viewGraph);
  const diff = useMemo(() => (view?.mode === "diff" ? diffGraphs(view.version.graph, editor.graph) : null), [view]); // eslint-disable-line react-hooks/exhaustive-deps

  const decor: Decor = useMemo(
    () => ({
      nodeType: catalog.nodeType,
      problems: view ? indexProblems([]) : problems,
      diffNodes: diff ? statusMap(diff.nodes) : null,
      diffEdges: diff ? statusMap(diff.edges) : null,
      simNodes: view ? null : replay.nodes,
      simEdges: view ? null : replay.edges,
    }),
    [catalog.nodeType, problems, diff, view, replay.nodes, replay.edges],
  );

  const graphRef = useRef(editor.graph);
  graphRef.current = editor.graph;
  useEffect(() => {
    const api = Object.freeze({ toJSON: () => structuredClone(graphRef.current) });
    (window as unknown as { designer: typeof api }).designer = api;
  }, []);

  const publishBlocked = !definition.permissions.can_publish
    ? "You may not publish this workflow."
    : saver.conflict
      ? "Resolve the save conflict first."
      : problems.errors > 0
        ? `Fix ${problems.errors} error${problems.errors > 1 ? "s" : ""} before publishing.`
        : null;

  const save = useCallback(() => {
    if (saver.conflict) {
      setConflictOpen(true);
      return;
    }
    void saver.save().then((ok) => ok && toasts.show("Saved"));
  }, [saver, toasts]);

  useShortcuts({
    save: editable ? save : undefined,
    undo: editable ? editor.undo : undefined,
    redo: editable ? editor.redo : undefined,
    copy: editable ? () => commands.copy() && toasts.show("Copied") : undefined,
    paste: editable ? commands.paste : undefined,
    selectAll: editable ? commands.selectAll : undefined,
  });

  const onImportFile = async (file: File | undefined) => {
    if (!file) return;
    const parsed = parseGraphFile(await file.text());
    if (fileInput.current) fileInput.current.value = "";
    if (!parsed.ok) {
      toasts.show(`Could not import ${file.name}: ${parsed.error}`, "error", "import-error");
      return;
    }
    editor.replaceGraph(parsed.graph);
    window.setTimeout(commands.fit, 50);
    toasts.show(`Imported ${parsed.graph.nodes.length} steps from ${file.name}. Undo to go back.`, "info", "import-done");
  };

  const exportImage = async (format: "svg" | "png") => {
    try {
      const { renderGraphImage } = await import("../util/exportImage"); // loaded on first use only
      downloadUrl(await renderGraphImage(commands.getNodes() as FlowNode[], format), exportFileName(key, format));
    } catch (e) {
      toasts.show(`Could not export the image: ${(e as Error).message}`, "error");
    }
  };

  const openVersion = async (n: number, mode: "view" | "diff") => {
    try {
      setView({ version: await versions.load(n), mode });
      replay.clear();
    } catch (e) {
      toasts.show(`Could not open version ${n}: ${(e as Error).message}`, "error");
    }
  };

  const restoreVersion = async (n: number) => {
    try {
      const version = await versions.load(n);
      setView(null);
      editor.replaceGraph(version.graph);
      toasts.show(`Version ${n} is now the draft. Undo to go back.`);
    } catch (e) {
      toasts.show(`Could not restore version ${n}: ${(e as Error).message}`, "error");
    }
  };

  const publish = async (notes: string) => {
    if (!(await saver.save())) throw new Error("The draft could not be saved, so nothing was published.");
    const version = await publishDraft(key, notes);
    setLatestVersion(version.number);
    setDialog(null);
    void versions.refresh();
    toasts.show(`Published version ${version.number}`);
  };

  const keepMineAsCopy = async () => {
    for (let n = 1; n <= 50; n++) {
      try {
        const created = await createDefinition({ key: copyKey(key, n), name: `${definition.name} (copy ${n})`, description: definition.description, tags: definition.tags, graph: editor.graph });
        saver.release();
        window.location.assign(`../${encodeURIComponent(created.key)}/`);
        return;
      } catch (e) {
        const status = (e as { status?: number }).status;
        const code = (e as { code?: string }).code ?? "";
        if (!(status === 409 || (status === 400 && /exist|taken|unique|duplicate/i.test(`${code} ${(e as Error).message}`)))) throw e;
      }
    }
    throw new Error("Could not find a free key for the copy.");
  };

  const reloadTheirs = () => {
    const c = saver.conflict;
    if (!c) return;
    editor.replaceGraph(c.theirs.graph, { resetHistory: true });
    saver.adopt(c.theirs, c.theirsEtag, graphText(c.theirs.graph));
    toasts.show("Loaded the latest saved draft.");
  };

  const shown = view ? viewFlow : editor;
  return (
    <DecorContext.Provider value={decor}>
      <div className="fd-app" data-testid="designer" data-mode={view ? view.mode : "draft"}>
        <Toolbar
          name={definition.name} definitionKey={key} revision={saver.revision} status={saver.status} saveError={saver.error}
          readOnly={!canEdit} canUndo={editable && editor.canUndo} canRedo={editable && editor.canRedo}
          canPublish={canEdit && definition.permissions.can_publish} publishBlocked={publishBlocked} errors={problems.errors}
          onSave={save} onUndo={editor.undo} onRedo={editor.redo} onLayout={commands.autoLayout} onFit={commands.fit}
          onImport={() => fileInput.current?.click()}
          onExportJson={() => downloadText(serializeGraph(editor.graph), exportFileName(key, "json"))}
          onExportSvg={() => void exportImage("svg")} onExportPng={() => void exportImage("png")}
          onSimulate={() => setDialog("simulate")} onRun={() => setDialog("run")} onPublish={() => setDialog("publish")}
        />
        <input ref={fileInput} type="file" accept=".json,application/json" hidden data-testid="import-file" onChange={(e) => void onImportFile(e.target.files?.[0])} />
        <div className="fd-body">
          <Palette types={catalog.catalog?.node_types ?? []} disabled={!editable} onAdd={(t) => { commands.addNodeAtCentre(t); setTab("properties"); }} />
          <main className="fd-main">
            <ViewBanner view={view} diff={diff} replay={replay} canEdit={canEdit} catalogError={catalog.error}
              onClose={() => setView(null)} onRestore={(n) => void restoreVersion(n)} onClearReplay={replay.clear} />
            <Canvas
              nodes={shown.nodes} edges={shown.edges} readOnly={!editable}
              onNodesChange={shown.onNodesChange} onEdgesChange={shown.onEdgesChange}
              onConnect={commands.connect} onDropType={(t, p) => { commands.addNode(t, p); setTab("properties"); }}
              onDragStart={editor.dragStarted} onDragStop={editor.dragStopped} onElementClick={() => setTab("properties")}
            />
          </main>
          <EditorSidebar
            tab={tab} setTab={setTab} editor={editor} shown={shown} catalog={catalog} editable={editable}
            validation={validation} problems={problems} onFocusProblem={(p) => commands.focus(p)}
            versions={versions} view={view} canEdit={canEdit} canPublish={definition.permissions.can_publish} publishBlocked={publishBlocked}
            onPublish={() => setDialog("publish")} onView={(n) => void openVersion(n, "view")} onCompare={(n) => void openVersion(n, "diff")}
            onRestore={(n) => void restoreVersion(n)} onInputsChange={(inputs: Inputs) => editor.updateMeta((m) => ({ ...m, inputs }))}
          />
        </div>
        <EditorDialogs
          dialog={dialog} setDialog={setDialog} definitionKey={key} graph={editor.graph} latestVersion={latestVersion}
          conflict={conflictOpen ? saver.conflict : null} onReloadTheirs={reloadTheirs} onKeepMine={keepMineAsCopy} onDismissConflict={() => setConflictOpen(false)}
          onPublish={publish} onSimulated={replay.play}
          onStarted={(id) => void saver.save().then((saved) => {
            if (saved) saver.release();
            window.location.assign(`/instances/${encodeURIComponent(id)}/`);
          })}
        />
        <Toasts toasts={toasts.items} onDismiss={toasts.dismiss} />
      </div>
    </DecorContext.Provider>
  );
}
