/**
 * A pipeline's lifecycle. Transitions are guarded: an illegal one throws, so a bug shows up
 * where it happens instead of as a job stuck in a state nobody expected.
 *
 *   CREATED -> RUNNING -> STOPPING -> STOPPED | FINISHED | FAILED
 *   RUNNING -> FINISHED (bounded input ended)   RUNNING -> FAILED
 */
export type JobState = 'CREATED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FINISHED' | 'FAILED';

const NEXT: Readonly<Record<JobState, readonly JobState[]>> = {
  CREATED: ['RUNNING', 'STOPPED', 'FAILED'],
  RUNNING: ['STOPPING', 'FINISHED', 'FAILED'],
  STOPPING: ['STOPPED', 'FINISHED', 'FAILED'],
  STOPPED: [],
  FINISHED: [],
  FAILED: [],
};

export function isTerminal(state: JobState): boolean {
  return NEXT[state].length === 0;
}

export class JobStateMachine {
  #state: JobState = 'CREATED';
  readonly #listeners: Array<(state: JobState, previous: JobState) => void> = [];

  get state(): JobState {
    return this.#state;
  }

  onChange(listener: (state: JobState, previous: JobState) => void): void {
    this.#listeners.push(listener);
  }

  transition(to: JobState): void {
    const from = this.#state;
    if (!NEXT[from].includes(to)) throw new Error(`illegal job state transition ${from} -> ${to}`);
    this.#state = to;
    for (const l of this.#listeners) l(to, from);
  }
}
