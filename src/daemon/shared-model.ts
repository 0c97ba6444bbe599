import type { ModelFunction } from '../spi/model-provider.js';

/**
 * One bound model used by several pipelines of a job: each pipeline closes its handle when it
 * ends, and the model closes with the last one. A pipeline that fails must not close the model
 * under the others while they drain what they hold.
 */
export class SharedModel {
  readonly model: ModelFunction;
  #users = 0;
  #closing: Promise<void> | undefined;

  constructor(model: ModelFunction) {
    this.model = model;
  }

  /** A handle for one more pipeline; its close() is idempotent. */
  use(): ModelFunction {
    this.#users++;
    let released = false;
    return {
      predict: (inputs, opts) => this.model.predict(inputs, opts),
      close: () => {
        if (released) return this.#closing ?? Promise.resolve();
        released = true;
        if (--this.#users > 0) return Promise.resolve();
        this.#closing ??= this.model.close();
        return this.#closing;
      },
    };
  }
}
