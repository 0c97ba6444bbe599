/** PD51xx: the command-line tools around job files (`predictd test`, `predictd fmt`). */
export const TOOL_ERROR_CODES = {
  PD5101: 'a job test definition (JOB.test.json) is missing, is not valid JSON, or has a field of the wrong shape',
  PD5102: "a job test definition names a table or model the job does not have, or leaves a table the job reads without fixture rows or a table it writes without expected rows",
  PD5103: 'a line of a fixture, mocked-answer or expected-rows file (JSON lines) is not valid JSON, or does not fit the columns of its table or model',
  PD5104: 'a model whose provider calls the network has no mocked answers: predictd test never calls the network',
  PD5105: 'predictd fmt would have changed what a file means or lost a comment, so it left the file as it is (a predictd bug)',
} as const;
