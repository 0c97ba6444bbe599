import type { Span } from '../../errors/diagnostic.js';

/** What every AST node has: a `kind` discriminant and the source span it was parsed from. */
export interface AstNode {
  readonly kind: string;
  readonly span: Span;
}

/** The fields a factory takes: everything but `kind`. */
export type NodeProps<N extends AstNode> = Omit<N, 'kind'>;

export interface NodeFactory<N extends AstNode> {
  is(node: AstNode): node is N;
  create(props: NodeProps<N>): N;
  cloneWith(node: N, patch: Partial<NodeProps<N>>): N;
}

function freezeNode<N>(node: Record<string, unknown>): N {
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) Object.freeze(value);
  }
  return Object.freeze(node) as N;
}

/** One frozen factory per node kind (Kysely style): `XNode.create({...})`, `XNode.is(n)`. */
export function nodeFactory<N extends AstNode>(kind: N['kind']): NodeFactory<N> {
  return Object.freeze({
    is(node: AstNode): node is N {
      return node.kind === kind;
    },
    create(props: NodeProps<N>): N {
      return freezeNode<N>({ kind, ...props });
    },
    cloneWith(node: N, patch: Partial<NodeProps<N>>): N {
      return freezeNode<N>({ ...node, ...patch });
    },
  });
}
