/** PD2xxx: catalog, WITH options, types and plan checks made before anything runs. */
export const CATALOG_ERROR_CODES = {} as const;
