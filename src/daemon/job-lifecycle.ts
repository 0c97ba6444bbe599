/**
 * A job's lifecycle (one job file; its pipelines have their own, src/runtime/job-state.ts).
 * Transitions are guarded: an illegal one throws where it happens.
 *
 *   CREATED -> RUNNING -> FINISHED                      (bounded inputs ended)
 *              RUNNING -> STOPPING -> STOPPED           (file removed or changed, SIGTERM)
 *              RUNNING <-> PAUSED                       (PUT /jobs/{id}/pause, /resume)
 *   CREATED | RUNNING -> FAILED -> RESTARTING -> RUNNING (the restart strategy brings it back)
 *                        FAILED                          (stays: 'none', attempts used up)
 *                                   RESTARTING -> FAILED (binding failed again)
 *   RUNNING | PAUSED | FAILED | FINISHED -> RESTARTING  (POST /jobs/{id}/restart)
 *   CREATED | RESTARTING -> PAUSED                      (bound while the target state is PAUSED)
 *   FAILED | RESTARTING | CREATED -> STOPPED
 *
 * PAUSED behaves as RUNNING for failures, stops and the end of bounded inputs. INVALID is a job
 * file that does not compile and has no older version running: it never runs, so it has no
 * transitions; a new version of the file replaces it.
 */
export type JobLifecycleState = 'CREATED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'FINISHED' | 'STOPPING' | 'STOPPED' | 'INVALID';

const NEXT: Readonly<Record<JobLifecycleState, readonly JobLifecycleState[]>> = {
  CREATED: ['RUNNING', 'PAUSED', 'FAILED', 'STOPPED'],
  RUNNING: ['PAUSED', 'FAILED', 'FINISHED', 'STOPPING', 'RESTARTING'],
  PAUSED: ['RUNNING', 'FAILED', 'FINISHED', 'STOPPING', 'RESTARTING'],
  FAILED: ['RESTARTING', 'STOPPED'],
  RESTARTING: ['RUNNING', 'PAUSED', 'FAILED', 'STOPPED'],
  STOPPING: ['STOPPED'],
  FINISHED: ['RESTARTING'],
  STOPPED: [],
  INVALID: [],
};

export const JOB_LIFECYCLE_STATES = Object.keys(NEXT) as readonly JobLifecycleState[];

export class JobLifecycle {
  #state: JobLifecycleState = 'CREATED';
  readonly #listeners: Array<(state: JobLifecycleState, previous: JobLifecycleState) => void> = [];

  get state(): JobLifecycleState {
    return this.#state;
  }

  can(to: JobLifecycleState): boolean {
    return NEXT[this.#state].includes(to);
  }

  onChange(listener: (state: JobLifecycleState, previous: JobLifecycleState) => void): void {
    this.#listeners.push(listener);
  }

  transition(to: JobLifecycleState): void {
    const from = this.#state;
    if (!NEXT[from].includes(to)) throw new Error(`illegal job state transition ${from} -> ${to}`);
    this.#state = to;
    for (const l of this.#listeners) l(to, from);
  }
}
