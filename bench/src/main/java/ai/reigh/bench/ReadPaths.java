package ai.reigh.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * Scenario 5: read paths on a project with {@code readRows} generations and as many tasks. One client
 * walks the pages (50 per page, newest first, following the cursor, starting over at the end):
 * {@code GET /v1/projects/{id}/generations} and {@code GET /v1/tasks?project_id=} against the same
 * keyset queries sent raw. p50 and p99 per page.
 */
final class ReadPaths {
    private final Context context;
    /** 200 answers whose body was not a page (empty or cut JSON): must stay 0; counted and reported, not fatal. */
    private int malformed;

    ReadPaths(Context context) {
        this.context = context;
    }

    void run() {
        BenchOptions.Sizes sizes = context.sizes();
        long filling = System.nanoTime();
        context.fixtures().readProject(sizes.readRows());
        double setup = (System.nanoTime() - filling) / 1e9;
        String rows = QueueDepth.label(sizes.readRows());
        measure("reads_generations", "GET /v1/projects/{id}/generations, " + rows + " rows", RawSql.GENERATIONS_PAGE,
                context.options().gateway() + "/v1/projects/" + Fixtures.READ_PROJECT + "/generations?limit=50", setup);
        measure("reads_tasks", "GET /v1/tasks?project_id=, " + rows + " rows", RawSql.TASKS_PAGE,
                context.options().gateway() + "/v1/tasks?project_id=" + Fixtures.READ_PROJECT + "&limit=50", setup);
        context.fixtures().removeAllTasks();
        context.fixtures().compact();
    }

    /** The page, or null (logged) when a 200's body is not a JSON page. */
    private static JsonObject readablePage(Http.Answer answer, String url) {
        try {
            JsonObject page = answer.json();
            if (page.getJsonArray("items") != null) {
                return page;
            }
        } catch (RuntimeException notJson) {
            // reported below
        }
        String body = answer.body() == null ? "" : answer.body().toString();
        Context.log("malformed 200 from GET %s: %d bytes: %s", url, body.length(),
                body.substring(0, Math.min(120, body.length())));
        return null;
    }

    private void measure(String id, String label, String rawStatement, String firstPage, double setup) {
        BenchOptions.Sizes sizes = context.sizes();
        Figure p50 = context.figure(new Figure(id + "_p50", "reads", label + " p50", "ms", Figure.Better.LOWER));
        Figure p99 = context.figure(new Figure(id + "_p99", "reads", label + " p99", "ms", Figure.Better.LOWER));
        p50.detail("pages_per_side", sizes.readSamples()).detail("setup_seconds", setup);
        int malformedBefore = malformed;
        String token = context.tokens().user(Fixtures.user(0));
        // Untimed: the services' JIT compiles the read path, the bench's JIT the raw one. A walk's rate is
        // its pages per second at p50.
        Warmup.untilSteady(sizes.warmupMaxRuns(),
                () -> 1000 / Stats.percentile(platformPages(firstPage, token, sizes.readSamples()), 50))
                .report(p50, "platform_pages_per_second");
        Warmup.untilSteady(sizes.warmupMaxRuns(),
                () -> 1000 / Stats.percentile(rawPages(rawStatement, sizes.readSamples()), 50))
                .report(p50, "raw_pages_per_second");
        for (int pair = 0; pair < sizes.pairs(); pair++) {
            double[] raw = null;
            double[] plat = null;
            for (int side = 0; side < 2; side++) {
                if ((side == 0) == Context.rawFirst(pair)) {
                    raw = rawPages(rawStatement, sizes.readSamples());
                } else {
                    plat = platformPages(firstPage, token, sizes.readSamples());
                }
            }
            p50.pair(Stats.percentile(raw, 50), Stats.percentile(plat, 50));
            p99.pair(Stats.percentile(raw, 99), Stats.percentile(plat, 99));
            Context.log("%s pair %d: raw p50 %.2f p99 %.2f, platform p50 %.2f p99 %.2f ms", id, pair,
                    Stats.percentile(raw, 50), Stats.percentile(raw, 99), Stats.percentile(plat, 50),
                    Stats.percentile(plat, 99));
        }
        p50.detail("platform_malformed_answers", malformed - malformedBefore);
    }

    private double[] rawPages(String statement, int count) {
        double[] latencies = new double[count];
        OffsetDateTime afterTime = null;
        UUID afterId = null;
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            RowSet<Row> rows = Await.of(context.db().admin().preparedQuery(statement)
                    .execute(Tuple.of(Fixtures.READ_PROJECT, afterTime, afterId)));
            latencies[i] = (System.nanoTime() - started) / 1e6;
            if (rows.size() <= 50) {
                afterTime = null;
                afterId = null;
            } else {
                Row last = null;
                int seen = 0;
                for (Row row : rows) {
                    if (++seen == 50) {
                        last = row;
                    }
                }
                afterTime = last.getOffsetDateTime("created_at");
                afterId = last.getUUID("id");
            }
        }
        return latencies;
    }

    private double[] platformPages(String firstPage, String token, int count) {
        double[] latencies = new double[count];
        String cursor = null;
        for (int i = 0; i < count; i++) {
            String url = cursor == null ? firstPage
                    : firstPage + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            long started = System.nanoTime();
            Http.Answer answer = Http.expect(Await.of(context.http().get(url, token)), "GET " + firstPage, 200);
            latencies[i] = (System.nanoTime() - started) / 1e6;
            JsonObject page = readablePage(answer, url);
            if (page == null) {
                // Counted and reported, not fatal: the walk starts over from the first page.
                malformed++;
                cursor = null;
                continue;
            }
            if (page.getJsonArray("items").size() != 50 && page.getString("next_cursor") != null) {
                throw new IllegalStateException("a page of " + page.getJsonArray("items").size() + " items");
            }
            cursor = page.getString("next_cursor");
        }
        return latencies;
    }
}
