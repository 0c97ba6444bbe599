import { describe, expect, it } from 'vitest';
import { compileJob } from '../../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../../src/daemon/default-registry.js';
import { modelSpecFor } from '../../../src/providers/index.js';

const ctx = { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };

/** Seed 003's CREATE CONNECTION types `sagemaker` and `azureml`, with the daemon's own registry (not one provider alone). */
const SQL = `
CREATE CONNECTION sagemaker-cli-connection WITH ( 'type' = 'sagemaker', 'endpoint' = 'https://runtime.sagemaker.us-west-2.amazonaws.com/endpoints/churn-xgb/invocations', 'aws_access_key_id' = 'AKIDSEED', 'aws_secret_access_key' = 'sm-secret-value-123', 'aws_session_token' = 'sm-token-value-456' );
CREATE MODEL churn_model INPUT (age INT, income DOUBLE) OUTPUT (score DOUBLE) WITH ( 'sagemaker.connection' = 'sagemaker-cli-connection', 'provider' = 'sagemaker', 'task' = 'classification', 'sagemaker.input_format' = 'CSV' );
CREATE CONNECTION azureml-cli-connection WITH ( 'type' = 'azureml', 'endpoint' = 'https://heart-ep.westeurope.inference.ml.azure.com/score', 'api-key' = 'aml-key-value-789' );
CREATE MODEL heart_model INPUT (age INT, chol DOUBLE) OUTPUT (score DOUBLE) WITH ( 'azureml.connection' = 'azureml-cli-connection', 'task' = 'regression' );
SHOW CREATE CONNECTION sagemaker-cli-connection;
SHOW CREATE CONNECTION azureml-cli-connection;
SHOW CREATE MODEL churn_model;
`;

describe('seed 003 sagemaker and azureml models with the default registry', () => {
  it('bind (the connection type picks the provider) and never show a credential', () => {
    const plan = compileJob('seed-003.sql', SQL, ctx);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.catalog.model('churn_model')!.definition.provider).toBe('sagemaker');
    expect(plan.catalog.model('heart_model')!.definition.provider).toBe('azureml');
    const shown = JSON.stringify(plan.shown);
    expect(shown).not.toMatch(/sm-secret-value-123|sm-token-value-456|aml-key-value-789/);
    expect(shown).toContain("'aws_secret_access_key' = '***'");
    expect(shown).toContain("'api-key' = '***'");
  });
});
