import type { AlterModelRenameNode } from './alter-model-rename-node.js';
import type { AlterModelResetNode } from './alter-model-reset-node.js';
import type { AlterModelSetNode } from './alter-model-set-node.js';
import type { CreateConnectionNode } from './create-connection-node.js';
import type { CreateModelNode } from './create-model-node.js';
import type { CreateTableNode } from './create-table-node.js';
import type { CreateViewNode } from './create-view-node.js';
import type { DescribeNode } from './describe-node.js';
import type { DropNode } from './drop-node.js';
import type { ExplainNode } from './explain-node.js';
import type { InsertNode } from './insert-node.js';
import type { QueryStatementNode } from './query-statement-node.js';
import type { ResetNode } from './reset-node.js';
import type { SetNode } from './set-node.js';
import type { ShowCreateNode } from './show-create-node.js';
import type { ShowNode } from './show-node.js';
import type { StatementSetNode } from './statement-set-node.js';

/** One top-level statement of a job file. */
export type Statement =
  | CreateTableNode
  | CreateViewNode
  | CreateModelNode
  | CreateConnectionNode
  | AlterModelSetNode
  | AlterModelResetNode
  | AlterModelRenameNode
  | DropNode
  | ShowNode
  | ShowCreateNode
  | DescribeNode
  | SetNode
  | ResetNode
  | InsertNode
  | StatementSetNode
  | QueryStatementNode
  | ExplainNode;

export type StatementKind = Statement['kind'];
