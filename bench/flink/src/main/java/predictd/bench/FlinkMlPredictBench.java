package predictd.bench;

import java.util.Locale;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Figure P6 of predictd's bench: datagen (bounded) -> ML_PREDICT (OpenAI provider, async) ->
 * blackhole, on Flink's local MiniCluster in streaming mode, the job predictd runs in the same
 * figure. Prints one JSON line on stdout: rows, elapsed ms from submitting the INSERT to the
 * job's end, rows/s. Everything else Flink says goes to stderr.
 *
 * <p>Usage: FlinkMlPredictBench ENDPOINT API_KEY ROWS MAX_CONCURRENT_OPERATIONS
 */
public final class FlinkMlPredictBench {
    private FlinkMlPredictBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: FlinkMlPredictBench ENDPOINT API_KEY ROWS MAX_CONCURRENT_OPERATIONS");
            System.exit(2);
        }
        String endpoint = args[0];
        String apiKey = args[1];
        long rows = Long.parseLong(args[2]);
        int inFlight = Integer.parseInt(args[3]);

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.newInstance().inStreamingMode().build());
        // One subtask, as predictd runs one task per job: 'max-concurrent-operations' is then
        // the whole job's window, not one of several (the MiniCluster defaults to one per core).
        env.getConfig().set("parallelism.default", "1");

        env.executeSql("CREATE MODEL m INPUT (text STRING) OUTPUT (label STRING) WITH ("
                + "'provider' = 'openai', 'endpoint' = " + quote(endpoint) + ", 'api-key' = " + quote(apiKey)
                + ", 'model' = 'gpt-4o-mini')");
        // A fixed, high rate: Flink's datagen has no "unthrottled" value, and 1,000,000 rows/s is
        // far above what either system reaches here.
        env.executeSql("CREATE TABLE src (id BIGINT, text STRING) WITH ("
                + "'connector' = 'datagen', 'number-of-rows' = '" + rows + "', 'rows-per-second' = '1000000', "
                + "'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '" + rows + "', "
                + "'fields.text.length' = '10')");
        env.executeSql("CREATE TABLE dst (id BIGINT, label STRING) WITH ('connector' = 'blackhole')");

        long submitted = System.nanoTime();
        TableResult result = env.executeSql("INSERT INTO dst SELECT id, label FROM ML_PREDICT(TABLE src, MODEL m, "
                + "DESCRIPTOR(text), MAP['async', 'true', 'max-concurrent-operations', '" + inFlight + "', "
                + "'output-mode', 'ALLOW_UNORDERED'])");
        result.await();
        double elapsedMs = (System.nanoTime() - submitted) / 1e6;

        System.out.println(String.format(Locale.ROOT,
                "{\"rows\":%d,\"elapsedMs\":%.1f,\"rowsPerSecond\":%.1f,\"flink\":\"%s\"}",
                rows, elapsedMs, rows / (elapsedMs / 1000), org.apache.flink.runtime.util.EnvironmentInformation.getVersion()));
        System.exit(0);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
