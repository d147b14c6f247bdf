package ai.reigh.devtools.demo;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import ai.reigh.devtools.http.PlatformClient;

/**
 * What the demo did, read back through the public API: tasks per status, which kind of worker
 * completed them (the platform's protocol or the deployed fleet's, told apart by the fleet workers' id
 * prefix), generations and how they were linked to shots, credits charged per user, and whether each
 * user's balance equals the sum of their ledger entries (it must).
 */
public final class DemoReport {
    private final PrintStream out;
    private final String fleetWorkerPrefix;
    private boolean balanced = true;
    private long byPlatformProtocol;
    private long byFleetProtocol;

    public DemoReport(PrintStream out) {
        this(out, null);
    }

    /** {@code fleetWorkerPrefix}: the id prefix of the workers that speak the fleet's protocol (null: none ran). */
    public DemoReport(PrintStream out, String fleetWorkerPrefix) {
        this.out = out;
        this.fleetWorkerPrefix = fleetWorkerPrefix;
    }

    /** Tasks completed by workers of the platform's protocol, over the whole report. */
    public long completedByPlatformProtocol() {
        return byPlatformProtocol;
    }

    /** Tasks completed by workers of the deployed fleet's protocol, over the whole report. */
    public long completedByFleetProtocol() {
        return byFleetProtocol;
    }

    /** Prints the report; answers whether every ledger balanced. */
    public boolean print(Map<String, PlatformClient> users) {
        out.println();
        out.println("What happened");
        out.println("-------------");
        for (Map.Entry<String, PlatformClient> user : users.entrySet()) {
            PlatformClient api = user.getValue();
            out.println(user.getKey() + ":");
            for (JsonNode project : items(api, "/v1/projects?limit=200")) {
                String id = project.get("id").asText();
                JsonNode counts = api.get("/v1/tasks/counts?project_id=" + id).expect(200).body();
                out.printf("  project \"%s\": tasks queued %d, in progress %d, complete %d, failed %d, cancelled %d%n",
                        project.get("name").asText(), counts.path("queued").asLong(), counts.path("in_progress").asLong(),
                        counts.path("complete").asLong(), counts.path("failed").asLong(), counts.path("cancelled").asLong());
                protocols(api, id);
                long fromTasks = items(api, "/v1/projects/" + id + "/generations?limit=200").stream()
                        .filter(g -> g.hasNonNull("task_id")).count();
                out.printf("    generations made by tasks: %d%n", fromTasks);
                // A task that names a source generation (based_on) adds a variant to it instead.
                List<JsonNode> variants = items(api, "/v1/projects/" + id + "/variants?limit=200");
                long addedByTasks = variants.stream()
                        .filter(v -> v.hasNonNull("task_id") && !"original".equals(v.path("variant_type").asText())).count();
                out.printf("    variants: %d (%d added by tasks to existing generations)%n", variants.size(), addedByTasks);
                for (JsonNode shot : items(api, "/v1/projects/" + id + "/shots")) {
                    List<JsonNode> links = items(api, "/v1/shots/" + shot.get("id").asText() + "/generations");
                    long positioned = links.stream().filter(l -> l.hasNonNull("position")).count();
                    out.printf("    shot \"%s\": %d positioned, %d unpositioned%n", shot.get("name").asText(), positioned,
                            links.size() - positioned);
                }
            }
            ledger(api);
        }
        out.println();
        out.println(balanced ? "Every balance equals the sum of its ledger entries." : "LEDGER MISMATCH: see above.");
        return balanced;
    }

    /** Who completed the project's tasks: workers of the platform's protocol, or of the fleet's. */
    private void protocols(PlatformClient api, String projectId) {
        long fleet = 0;
        long platform = 0;
        for (JsonNode task : items(api, "/v1/tasks?project_id=" + projectId + "&status=Complete&limit=200")) {
            String worker = task.path("worker_id").asText("");
            if (fleetWorkerPrefix != null && worker.startsWith(fleetWorkerPrefix)) {
                fleet++;
            } else if (!worker.isEmpty()) {
                platform++;
            }
        }
        byFleetProtocol += fleet;
        byPlatformProtocol += platform;
        out.printf("    completed by workers of the platform's protocol: %d, of the deployed fleet's protocol: %d%n",
                platform, fleet);
    }

    private void ledger(PlatformClient api) {
        BigDecimal balance = api.get("/v1/credits/balance").expect(200).body().get("total_credits").decimalValue();
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal charged = BigDecimal.ZERO;
        int spends = 0;
        for (JsonNode entry : items(api, "/v1/credits/ledger?limit=200")) {
            BigDecimal amount = entry.get("amount").decimalValue();
            sum = sum.add(amount);
            if ("spend".equals(entry.get("type").asText())) {
                charged = charged.add(amount.negate());
                spends++;
            }
        }
        boolean equal = balance.compareTo(sum) == 0;
        balanced &= equal;
        out.printf("  credits: %d charges totalling %s; balance %s %s ledger sum %s%n", spends, charged.toPlainString(),
                balance.toPlainString(), equal ? "=" : "≠", sum.toPlainString());
    }

    /** Every item of a list, following cursors (bounded). */
    static List<JsonNode> items(PlatformClient api, String path) {
        List<JsonNode> all = new java.util.ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            String separator = path.contains("?") ? "&" : "?";
            JsonNode body = api.get(cursor == null ? path : path + separator + "cursor=" + cursor).expect(200).body();
            body.get("items").forEach(all::add);
            JsonNode next = body.get("next_cursor");
            if (next == null || next.isNull()) {
                break;
            }
            cursor = next.asText();
        }
        return all;
    }
}
