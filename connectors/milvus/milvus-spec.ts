import type { ConfigSpec } from '../../src/spi/config-spec.js';

export const DEFAULT_MILVUS_PORT = 19530;

/** The 'milvus' connector's WITH options: Alibaba VVR's names, Ververica's buffer options, predictd's own. */
export const MILVUS_SPEC: ConfigSpec = {
  options: [
    { key: 'connector', type: { kind: 'string' }, required: true, description: "Must be 'milvus'." },
    {
      key: 'endpoint',
      type: { kind: 'string' },
      required: true,
      description: "Milvus host name or IP ('milvus.example.com'), optionally with a port ('host:19530'), or a URL: 'https://host[:port]' talks TLS, 'http://host[:port]' does not.",
    },
    {
      key: 'port',
      type: { kind: 'int', min: 1, max: 65535 },
      default: String(DEFAULT_MILVUS_PORT),
      description: "Milvus gRPC port, used when 'endpoint' names none.",
    },
    { key: 'userName', aliases: ['username'], type: { kind: 'string' }, description: "User for Milvus authentication; needs 'password'." },
    { key: 'password', type: { kind: 'string' }, secret: true, description: "Password of 'userName'." },
    {
      key: 'token',
      type: { kind: 'string' },
      secret: true,
      description: "Instead of 'userName'/'password': a Milvus token ('user:password') or a Zilliz Cloud API key.",
    },
    { key: 'databaseName', type: { kind: 'string' }, default: 'default', description: 'Milvus database that holds the collection; it must exist.' },
    {
      key: 'collectionName',
      type: { kind: 'string' },
      required: true,
      description: "Collection to upsert into; created from the table's schema when missing. See 'collection.name-mapping' for names Milvus does not allow.",
    },
    {
      key: 'collection.name-mapping',
      type: { kind: 'enum', values: ['sanitize', 'verbatim'] },
      default: 'sanitize',
      description:
        "Milvus names allow only letters, digits and underscores and cannot start with a digit. 'sanitize' writes to the name with every other character replaced by '_' ('movie-comment-embeddings' -> 'movie_comment_embeddings'); 'verbatim' sends the name unchanged and lets the server decide.",
    },
    { key: 'partitionName', type: { kind: 'string' }, description: "Partition to write into; it must exist. Default: the collection's default partition." },
    {
      key: 'sink.buffer-flush.max-rows',
      type: { kind: 'int', min: 1 },
      default: '500',
      description: 'Rows per upsert request at most; a larger write is sent as several requests, in order.',
    },
    {
      key: 'sink.buffer-flush.interval',
      type: { kind: 'duration' },
      description: "Accepted for Ververica compatibility. predictd's runtime decides when rows are written (daemon setting pipeline.sinkLingerMs); a write returns once Milvus accepted it.",
    },
    {
      key: 'sink.request-timeout',
      type: { kind: 'duration' },
      default: '30 s',
      description: 'Deadline of each Milvus request; a request past it fails the write, which the runtime retries.',
    },
    {
      key: 'vector.dimension',
      type: { kind: 'int', min: 1, max: 32768 },
      description:
        'Dimension of every vector (ARRAY<FLOAT>) column. When the collection is created it is used instead of the first row\'s vector length; rows of another length are refused before they are sent.',
    },
    {
      key: 'metric-type',
      type: { kind: 'enum', values: ['COSINE', 'L2', 'IP'] },
      default: 'COSINE',
      description: 'Metric of the vector indexes predictd builds when it creates the collection.',
    },
    {
      key: 'index-type',
      type: { kind: 'enum', values: ['AUTOINDEX', 'FLAT'] },
      default: 'AUTOINDEX',
      description: 'Type of the vector indexes predictd builds when it creates the collection.',
    },
    { key: 'sink.parallelism', type: { kind: 'int', min: 1 }, description: 'Accepted for Flink compatibility; predictd writes from one task per job.' },
    {
      key: 'search.filter',
      type: { kind: 'string' },
      description: 'VECTOR_SEARCH: a Milvus boolean expression every hit must satisfy (\'lang == "en" and year > 2020\'), sent as the search\'s filter.',
    },
    {
      key: 'search.metric-type',
      type: { kind: 'enum', values: ['COSINE', 'L2', 'IP'] },
      description:
        "VECTOR_SEARCH: the metric to search with; it must be the vector index's. Unset: the index's metric. COSINE and IP scores grow with similarity, L2 scores are distances (smaller is nearer).",
    },
    {
      key: 'search.params',
      type: { kind: 'string' },
      description: 'VECTOR_SEARCH: index search parameters as a JSON object, e.g. \'{"ef": 64}\' (HNSW) or \'{"nprobe": 16}\' (IVF).',
    },
    {
      key: 'search.request-timeout',
      type: { kind: 'duration' },
      default: '30 s',
      description: 'VECTOR_SEARCH: deadline of one search request; a request past it is retried like a failed one.',
    },
    {
      key: 'lookup.max-retries',
      type: { kind: 'int', min: 0 },
      default: '3',
      description: "VECTOR_SEARCH: retries of a failed search (backoff with jitter) before the job fails and its restart strategy takes over. Flink's lookup option name.",
    },
  ],
};
