/** One memoised node component per category, registered once at module scope. */
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { memo } from "react";
import type { FlowNode } from "../../graph/convert";
import { NodeShell } from "./NodeShell";

type Props = NodeProps<FlowNode>;

export const TerminalNode = memo(function TerminalNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="terminal" />;
});

export const ActivityNode = memo(function ActivityNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="activity" />;
});

export const GatewayNode = memo(function GatewayNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="gateway" />;
});

export const WaitNode = memo(function WaitNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="wait" />;
});

export const HumanNode = memo(function HumanNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="human" />;
});

export const GenericNode = memo(function GenericNode({ id, data, selected }: Props) {
  return <NodeShell id={id} data={data} selected={Boolean(selected)} variant="generic" />;
});

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
