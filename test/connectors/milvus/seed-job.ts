/**
 * The embedding job of seed 000 (Alibaba VVR's Model Studio + Milvus walkthrough), verbatim
 * apart from the placeholders: the Milvus endpoint, port and credentials, and the model's
 * endpoint and key.
 */
export function seedEmbeddingJob(p: { endpoint: string; port: number; modelEndpoint: string; apiKey: string }): string {
  return `CREATE MODEL embedding_model
INPUT (\`input\` STRING)
OUTPUT (\`embeddings\` ARRAY<FLOAT>)
WITH (
'provider'='bailian',
'endpoint'='${p.modelEndpoint}', -- The endpoint for embedding model tasks.
'api-key' = '${p.apiKey}',
'model'='text-embedding-v3' -- The text-embedding-v3 model.
);

-- Create a temporary sink table named milvus_sink.
CREATE TEMPORARY TABLE milvus_sink
(
id STRING,
movie_name STRING,
user_comment STRING,
embeddings ARRAY<FLOAT>,
PRIMARY KEY (id) NOT ENFORCED
)
WITH (
'connector' = 'milvus',
'endpoint' = '${p.endpoint}',
'port' = '${p.port}',
'userName' = 'root',
'password' = 'Milvus',
'databaseName' = 'default',
'collectionName' = 'movie-comment-embeddings'
);

CREATE TEMPORARY VIEW movie_comment(id, movie_name, user_comment)
AS VALUES ('1', 'Her Story', 'My favorite part was when the kid guessed the sounds. It is one of the most romantic narratives I have seen in movies. Very gentle and loving.'), ('2', 'The Dumpling Queen', 'Unremarkable.');

INSERT INTO
milvus_sink
SELECT
id,
movie_name,
user_comment,
embeddings
FROM
ML_PREDICT (
TABLE movie_comment,
MODEL embedding_model, -- The registered text-embedding-v3 model.
DESCRIPTOR (user_comment)
);
`;
}
