/** PD43xx: connectors and formats. */
export const CONNECTOR_ERROR_CODES = {} as const;
