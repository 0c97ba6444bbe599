/** PD51xx: the command-line tools around job files (`predictd test`, `predictd fmt`). */
export const TOOL_ERROR_CODES = {
  PD5105: 'predictd fmt would have changed what a file means or lost a comment, so it left the file as it is (a predictd bug)',
} as const;
