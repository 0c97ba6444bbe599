-- A generated stream of reviews, embedded by the offline 'local' provider (a deterministic
-- hashing-trick vector) and printed: the shape of the Milvus embedding job, without Milvus.

CREATE TEMPORARY TABLE reviews (
  id BIGINT,
  stars INT
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '2',
  'number-of-rows' = '6',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '6',
  'fields.stars.min' = '1',
  'fields.stars.max' = '5',
  'seed' = '7'
);

CREATE TEMPORARY VIEW review_text AS
SELECT id, CONCAT('a ', CAST(stars AS STRING), '-star review, number ', CAST(id AS STRING)) AS review
FROM reviews;

CREATE MODEL review_embedding
INPUT (`input` STRING)
OUTPUT (`embedding` ARRAY<FLOAT>)
WITH (
  'provider' = 'local',
  'task' = 'embedding',
  'dimension' = '4'
);

CREATE TEMPORARY TABLE embedding_sink (
  id BIGINT,
  review STRING,
  embedding ARRAY<FLOAT>
) WITH (
  'connector' = 'print',
  'print-identifier' = 'embedding'
);

INSERT INTO embedding_sink
SELECT id, review, embedding
FROM ML_PREDICT(TABLE review_text, MODEL review_embedding, DESCRIPTOR(review));
