/**
 * Undo/redo as a stack of graph snapshots (canonical JSON strings).
 * Immutable: every operation returns a new state, so React can hold it directly.
 */

export interface HistoryState {
  past: string[];
  present: string | null;
  future: string[];
}

export const HISTORY_LIMIT = 200;

export function historyStart(present: string | null = null): HistoryState {
  return { past: [], present, future: [] };
}

/** Push a new snapshot; equal to the present, it is ignored. Clears the redo branch. */
export function historyRecord(state: HistoryState, snapshot: string, limit = HISTORY_LIMIT): HistoryState {
  if (snapshot === state.present) return state;
  const past = state.present === null ? state.past : [...state.past, state.present];
  return { past: past.slice(Math.max(0, past.length - limit)), present: snapshot, future: [] };
}

export function historyUndo(state: HistoryState): HistoryState {
  const previous = state.past[state.past.length - 1];
  if (previous === undefined || state.present === null) return state;
  return { past: state.past.slice(0, -1), present: previous, future: [state.present, ...state.future] };
}

export function historyRedo(state: HistoryState): HistoryState {
  const [next, ...rest] = state.future;
  if (next === undefined || state.present === null) return state;
  return { past: [...state.past, state.present], present: next, future: rest };
}

export const canUndo = (state: HistoryState): boolean => state.past.length > 0;
export const canRedo = (state: HistoryState): boolean => state.future.length > 0;
