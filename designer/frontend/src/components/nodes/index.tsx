/** One memoised node component per category, registered once at module scope. */
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { memo } from "react";
import type { FlowNode } from "../../graph/convert";
import { NodeShell } from "./NodeShell";

type Props = NodeProps<FlowNode>;

/**
 * A node's body draws only its id, data and selection: React Flow's other props (position while
 * dragging, measured size, z-index) must not re-render all of them, which would be every node when
 * the graph is first measured.
 */
const sameBody = (a: Props, b: Props) => a.id === b.id && a.data === b.data && a.selected === b.selected;

export const TerminalNode = memo(function TerminalNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="terminal" />;
}, sameBody);

export const ActivityNode = memo(function ActivityNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="activity" />;
}, sameBody);

export const GatewayNode = memo(function GatewayNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="gateway" />;
}, sameBody);

export const WaitNode = memo(function WaitNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="wait" />;
}, sameBody);

export const HumanNode = memo(function HumanNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="human" />;
}, sameBody);

export const GenericNode = memo(function GenericNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="generic" />;
}, sameBody);

export const nodeTypes: NodeTypes = {
  start: TerminalNode,
  end: TerminalNode,
  task: ActivityNode,
  subworkflow: ActivityNode,
  set: ActivityNode,
  condition: GatewayNode,
  parallel: GatewayNode,
  join: GatewayNode,
  timer: WaitNode,
  signal: WaitNode,
  approval: HumanNode,
  generic: GenericNode,
};
