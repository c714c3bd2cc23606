/** Whichever dialog is open: publish, run, dry run; the conflict dialog whenever a save conflicted. */
import type { Conflict } from "../hooks/useDraftSave";
import type { GraphDoc, SimulationResult } from "../types";
import { ConflictDialog } from "./dialogs/ConflictDialog";
import { PublishDialog } from "./dialogs/PublishDialog";
import { RunDialog } from "./dialogs/RunDialog";
import { SimulateDialog } from "./dialogs/SimulateDialog";

export type DialogName = "publish" | "run" | "simulate";

interface Props {
  dialog: DialogName | null;
  setDialog: (d: DialogName | null) => void;
  definitionKey: string;
  graph: GraphDoc;
  latestVersion: number | null;
  conflict: Conflict | null;
  onReloadTheirs: () => void;
  onKeepMine: () => Promise<void>;
  onDismissConflict: () => void;
  onPublish: (notes: string) => Promise<void>;
  onSimulated: (result: SimulationResult) => void;
  onStarted: (id: string) => void;
}

export function EditorDialogs(p: Props) {
  const close = () => p.setDialog(null);
  if (p.conflict) {
    return <ConflictDialog theirs={p.conflict.theirs} mine={p.graph} onReloadTheirs={p.onReloadTheirs} onKeepMine={p.onKeepMine} onClose={p.onDismissConflict} />;
  }
  switch (p.dialog) {
    case "publish":
      return <PublishDialog nextVersion={(p.latestVersion ?? 0) + 1} onPublish={p.onPublish} onClose={close} />;
    case "run":
      return <RunDialog definitionKey={p.definitionKey} inputs={p.graph.inputs ?? {}} latestVersion={p.latestVersion} onStarted={p.onStarted} onClose={close} />;
    case "simulate":
      return (
        <SimulateDialog
          definitionKey={p.definitionKey}
          graph={p.graph}
          onResult={(result) => {
            close();
            p.onSimulated(result);
          }}
          onClose={close}
        />
      );
    default:
      return null;
  }
}
