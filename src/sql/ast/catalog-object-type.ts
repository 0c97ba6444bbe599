/** Objects the catalog holds, as named after CREATE / DROP / SHOW CREATE. */
export type CatalogObjectType = 'TABLE' | 'VIEW' | 'MODEL' | 'CONNECTION';
