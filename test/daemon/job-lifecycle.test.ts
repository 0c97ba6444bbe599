import { describe, expect, it } from 'vitest';
import { JobLifecycle, type JobLifecycleState } from '../../src/daemon/job-lifecycle.js';

function through(...states: JobLifecycleState[]): JobLifecycle {
  const fsm = new JobLifecycle();
  for (const s of states) fsm.transition(s);
  return fsm;
}

describe('JobLifecycle', () => {
  it('allows fail -> restart -> run, over and over, and stopping from any live state', () => {
    const seen: string[] = [];
    const fsm = new JobLifecycle();
    fsm.onChange((to, from) => seen.push(`${from}->${to}`));
    for (const s of ['RUNNING', 'FAILED', 'RESTARTING', 'FAILED', 'RESTARTING', 'RUNNING', 'STOPPING', 'STOPPED'] as const) fsm.transition(s);
    expect(seen).toEqual(['CREATED->RUNNING', 'RUNNING->FAILED', 'FAILED->RESTARTING', 'RESTARTING->FAILED', 'FAILED->RESTARTING', 'RESTARTING->RUNNING', 'RUNNING->STOPPING', 'STOPPING->STOPPED']);
    expect(through('FAILED', 'STOPPED').state).toBe('STOPPED');
    expect(through('RUNNING', 'FAILED', 'RESTARTING', 'STOPPED').state).toBe('STOPPED');
    expect(through('STOPPED').state).toBe('STOPPED');
  });

  it('pauses and resumes, and restarts on request from RUNNING, PAUSED, FAILED and FINISHED', () => {
    expect(through('RUNNING', 'PAUSED', 'RUNNING', 'PAUSED', 'STOPPING', 'STOPPED').state).toBe('STOPPED');
    expect(through('PAUSED', 'FAILED', 'RESTARTING', 'PAUSED', 'RUNNING').state).toBe('RUNNING');
    for (const from of [['RUNNING'], ['RUNNING', 'PAUSED'], ['RUNNING', 'FAILED'], ['RUNNING', 'FINISHED']] as const) {
      expect(through(...from, 'RESTARTING', 'RUNNING').state).toBe('RUNNING');
    }
  });

  it('throws on an illegal transition and keeps the state', () => {
    const finished = through('RUNNING', 'FINISHED');
    expect(() => finished.transition('RUNNING')).toThrow('illegal job state transition FINISHED -> RUNNING');
    expect(finished.state).toBe('FINISHED');
    expect(() => through('RUNNING', 'STOPPING', 'STOPPED').transition('RESTARTING')).toThrow(/STOPPED -> RESTARTING/);
    expect(() => through('RUNNING', 'PAUSED').transition('STOPPED')).toThrow(/PAUSED -> STOPPED/);
    expect(() => through('RUNNING', 'STOPPING').transition('FAILED')).toThrow(/STOPPING -> FAILED/);
    expect(through('RUNNING', 'FAILED').can('RUNNING')).toBe(false);
  });
});
