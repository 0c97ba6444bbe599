import { PredictdError } from '../errors/predictd-error.js';

/** An error of the daemon itself (not of a job): its code says which, the CLI turns it into an exit code. */
export class DaemonError extends PredictdError {}
