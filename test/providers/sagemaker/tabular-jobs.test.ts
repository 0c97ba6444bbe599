import { afterEach, describe, expect, it } from 'vitest';
import { AzureMLEmulator } from '../../emulators/azureml-emulator.js';
import { SageMakerEmulator } from '../../emulators/sagemaker-emulator.js';
import { startDaemon, waitFor, type DaemonHarness } from '../../e2e/support/daemon-harness.js';

/**
 * SageMaker and Azure ML models in running jobs (a daemon of this process, datagen in, print
 * out): several typed INPUT columns go out through a tabular format and several typed OUTPUT
 * columns come back, micro-batched where `max-batch-size` allows.
 */
describe('tabular models as jobs', () => {
  let harness: DaemonHarness | undefined;
  const emulators: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await harness?.stop();
    await Promise.all(emulators.splice(0).map((e) => e.close()));
    harness = undefined;
  });

  it('scores rows through SageMaker (TF-SERVING, batched) and Azure ML (DataFrame, two typed outputs)', async () => {
    const sagemaker = await SageMakerEmulator.start({ credentials: [{ accessKeyId: 'AKIDJOB', secretAccessKey: 'job-secret' }], latencyMs: 5 });
    const azureml = await AzureMLEmulator.start({
      apiKeys: ['aml-job-key'],
      deployments: { blue: { columns: ['age', 'income'], traffic: 100, predict: (r) => ({ band: Number(r['age']) % 2 === 0 ? 'even' : 'odd', risk: Number(r['income']) / 10 }) } },
    });
    emulators.push(sagemaker, azureml);
    const job = `
CREATE TEMPORARY TABLE people (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '0', 'number-of-rows' = '40', 'fields.id.kind' = 'sequence');
CREATE TEMPORARY VIEW features AS SELECT id, CAST(id AS INT) AS age, CAST(id AS DOUBLE) * 1.5 AS income FROM people;
CREATE MODEL churn INPUT (age INT, income DOUBLE) OUTPUT (score DOUBLE) WITH (
  'provider' = 'sagemaker', 'endpoint' = '${sagemaker.url('churn')}', 'aws_access_key_id' = 'AKIDJOB', 'aws_secret_access_key' = 'job-secret',
  'sagemaker.input_format' = 'TF-SERVING', 'max-batch-size' = '8');
CREATE MODEL heart INPUT (age INT, income DOUBLE) OUTPUT (band STRING, risk DOUBLE) WITH (
  'provider' = 'azureml', 'endpoint' = '${azureml.url()}', 'api-key' = 'aml-job-key', 'azureml.deployment_name' = 'blue');
CREATE TEMPORARY TABLE scores (id BIGINT, score DOUBLE) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'churn');
CREATE TEMPORARY TABLE risks (id BIGINT, band STRING, risk DOUBLE) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'heart');
INSERT INTO scores SELECT id, score FROM ML_PREDICT(TABLE features, MODEL churn, DESCRIPTOR(age, income));
INSERT INTO risks SELECT id, band, risk FROM ML_PREDICT(TABLE features, MODEL heart, DESCRIPTOR(age, income));
`;
    harness = await startDaemon({ 'tabular.sql': job });
    const printed = await waitFor('80 rows', () => {
      const rows = harness!.printed().filter((r) => r.startsWith('churn> ') || r.startsWith('heart> '));
      return rows.length >= 80 ? rows : undefined;
    });
    expect(printed).toContain('churn> +I[4, 10]');
    expect(printed).toContain('churn> +I[7, 17.5]');
    expect(printed).toContain('heart> +I[4, even, 0.6]');
    expect(printed).toContain('heart> +I[7, odd, 1.05]');
    expect(sagemaker.counters.signaturesVerified).toBe(sagemaker.counters.requests);
    // Micro-batching: fewer InvokeEndpoint requests than rows, every instance answered.
    expect(sagemaker.counters.requests).toBeLessThan(40);
    expect(azureml.counters.scored).toBe(40);
  });
});
