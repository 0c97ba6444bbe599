-- Sentiment of movie reviews, the Flink/VVR example (seed: Model Studio sentiment analysis),
-- with the offline 'local' provider so it runs anywhere. For a real model, change the WITH of
-- the model only, e.g. 'provider'='bailian', 'endpoint'='https://dashscope-intl.aliyuncs.com/
-- compatible-mode/v1/chat/completions', 'api-key'='${DASHSCOPE_API_KEY}', 'model'='qwen-turbo'.

CREATE TEMPORARY TABLE print_sink (
  id BIGINT,
  movie_name VARCHAR,
  predict_label VARCHAR,
  actual_label VARCHAR
) WITH (
  'connector' = 'print',
  'print-identifier' = 'sentiment'
);

CREATE TEMPORARY VIEW movie_comment(id, movie_name, user_comment, actual_label)
AS VALUES
  (1, 'Her Story', 'My favorite part was when the kid guessed the sounds. It is one of the most romantic narratives I have seen in movies. Very gentle and loving.', 'positive'),
  (2, 'The Dumpling Queen', 'Unremarkable.', 'negative'),
  (3, 'Night Train', 'A dull, boring plot and terrible acting. I hated it.', 'negative'),
  (4, 'Paper Moon', 'The train leaves at nine and the film runs two hours.', 'neutral');

CREATE MODEL ai_analyze_sentiment
INPUT (`input` STRING)
OUTPUT (`content` STRING)
WITH (
  'provider' = 'local',
  'task' = 'classification'
);

INSERT INTO print_sink
SELECT id, movie_name, content AS predict_label, actual_label
FROM ML_PREDICT(
  TABLE movie_comment,
  MODEL ai_analyze_sentiment,
  DESCRIPTOR(user_comment));
