-- Retrieval-augmented answers in one job (seed 002's Embedding -> Vector Store -> Vector Retrieval
-- -> LLM): a question from Kafka is embedded (ML_PREDICT), its nearest passages are found in Milvus
-- (VECTOR_SEARCH_AGG: the top 3 as one array), and a chat model answers from a prompt that carries
-- them. The passages are the movie comments seed 000's embedding job writes to Milvus
-- (docs/connectors/milvus.md, "RAG in one job"). It needs Kafka, Milvus and an OpenAI-compatible API: every
-- '${NAME}' below is read from the daemon's environment when the job starts.

CREATE TABLE questions (
  id STRING,
  question STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'rag-questions',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'properties.group.id' = 'predictd-rag-answers',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE TABLE answers (
  id STRING,
  question STRING,
  answer STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'rag-answers',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'format' = 'json'
);

-- The collection seed 000 fills; only searched here.
CREATE TABLE movie_comments (
  id STRING,
  movie_name STRING,
  user_comment STRING,
  embeddings ARRAY<FLOAT>,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'milvus',
  'endpoint' = '${MILVUS_ENDPOINT}',
  'collectionName' = 'movie-comment-embeddings',
  'search.metric-type' = 'COSINE'
);

-- The embedding model must be the one that wrote the vectors.
CREATE MODEL embedding_model
INPUT (`input` STRING)
OUTPUT (`embeddings` ARRAY<FLOAT>)
WITH (
  'provider' = 'openai',
  'endpoint' = '${OPENAI_BASE_URL}/embeddings',
  'task' = 'embedding',
  'api-key' = '${OPENAI_API_KEY}',
  'model' = 'text-embedding-v3'
);

CREATE MODEL answer_model
INPUT (prompt STRING)
OUTPUT (answer STRING)
WITH (
  'provider' = 'openai',
  'endpoint' = '${OPENAI_BASE_URL}/chat/completions',
  'api-key' = '${OPENAI_API_KEY}',
  'model' = 'qwen-turbo',
  'system-prompt' = 'Answer the question using only the passages given with it. Say so when they do not answer it.'
);

CREATE TEMPORARY VIEW question_vectors AS
SELECT id, question, embeddings AS question_vector
FROM ML_PREDICT(TABLE questions, MODEL embedding_model, DESCRIPTOR(question));

-- search_results is ARRAY<ROW<id, movie_name, user_comment, score>>: JSON_STRING puts it in the prompt.
CREATE TEMPORARY VIEW prompts AS
SELECT id, question, CONCAT('Passages: ', JSON_STRING(search_results), ' Question: ', question) AS prompt
FROM question_vectors,
  LATERAL TABLE(VECTOR_SEARCH_AGG(TABLE movie_comments, DESCRIPTOR(embeddings), question_vectors.question_vector, 3));

INSERT INTO answers
SELECT id, question, answer
FROM ML_PREDICT(TABLE prompts, MODEL answer_model, DESCRIPTOR(prompt));
