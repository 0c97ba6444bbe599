import type { Catalog } from '../catalog/catalog.js';
import type { CatalogContext, DiagnosticSink } from '../catalog/catalog-context.js';

/** What planning one statement needs: the catalog as it stands at that statement, and where errors go. */
export interface PlanContext {
  readonly catalog: Catalog;
  readonly catalogContext: CatalogContext;
  readonly sink: DiagnosticSink;
}
