-- The Kafka quickstart: product reviews in, their sentiment out. Kafka -> ML_PREDICT -> Kafka with
-- the offline 'local' provider (no API key). `npm run quickstart` runs it against a local broker,
-- `docker compose -f docker/compose.yaml up` in containers (docs/quickstart.md).
-- '${KAFKA_BOOTSTRAP_SERVERS}' is read from the daemon's environment when the job starts.

CREATE TABLE reviews (
  review_id STRING,
  product STRING,
  review STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'reviews',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'properties.group.id' = 'predictd-quickstart',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE TABLE review_sentiment (
  review_id STRING,
  product STRING,
  sentiment STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'review-sentiment',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'format' = 'json'
);

-- For a real model, change this WITH clause only (docs/quickstart.md, step 3).
CREATE MODEL review_classifier
INPUT (`input` STRING)
OUTPUT (`content` STRING)
WITH (
  'provider' = 'local',
  'task' = 'classification'
);

INSERT INTO review_sentiment
SELECT review_id, product, content AS sentiment
FROM ML_PREDICT(TABLE reviews, MODEL review_classifier, DESCRIPTOR(review));
