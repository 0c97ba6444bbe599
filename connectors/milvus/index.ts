export { milvusConnector, register } from './milvus-connector.js';
export { MilvusSink } from './milvus-sink.js';
export { MilvusConnectorError, MILVUS_ERROR_CODES, type MilvusErrorCode } from './milvus-connector-error.js';
export { MILVUS_SPEC } from './milvus-spec.js';
