package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.reigh.common.testing.Processes;
import ai.reigh.k8s.crd.PrometheusMonitors.PrometheusRule;
import ai.reigh.k8s.crd.PrometheusMonitors.Rule;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The monitoring component's alerts and dashboards, as rendered in prod: every alert is actionable
 * (a severity, a summary, a runbook section that exists in docs/operations.md), and every expression
 * of an alert or a dashboard panel reads only metrics that something really exports: the platform's
 * own meters (read from its source by {@link PlatformMetrics}) or the named exporters' below.
 */
class ObservabilityTest {
    /**
     * Exported by others: CloudNativePG's exporter on every PostgreSQL instance ({@code cnpg_*}), MinIO's
     * cluster metrics ({@code minio_*}), kube-state-metrics ({@code kube_*}) and Prometheus itself
     * ({@code up}, per scrape target).
     */
    private static final List<String> EXTERNAL_PREFIXES = List.of("cnpg_", "minio_", "kube_");
    private static final Set<String> EXTERNAL_NAMES = Set.of("up");
    private static final Set<String> SEVERITIES = Set.of("warning", "critical");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} (.+)$");

    @BeforeAll
    static void kubectl() {
        KubectlRequirement.assumeKubectl();
    }

    private static PrometheusRule rules() {
        return Manifests.of("prod").one(PrometheusRule.class, "reigh-alerts");
    }

    private static List<Rule> alerts() {
        return rules().spec().groups().stream().flatMap(group -> group.rules().stream()).toList();
    }

    @Test
    void everyAlertHasASeverityASummaryAndARunbookSectionThatExists() throws IOException {
        Set<String> anchors = anchors(Files.readString(Processes.repositoryRoot().resolve("docs/operations.md")));
        List<Rule> alerts = alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(15);
        Set<String> names = new TreeSet<>();
        for (Rule alert : alerts) {
            assertThat(alert.alert()).as("an alerting rule").matches("Reigh[A-Z][A-Za-z0-9]+");
            assertThat(names.add(alert.alert())).as(alert.alert() + " once").isTrue();
            assertThat(alert.labels()).as(alert.alert()).containsKey("severity");
            assertThat(SEVERITIES).as(alert.alert() + "'s severity").contains(alert.labels().get("severity"));
            assertThat(alert.annotations()).as(alert.alert()).containsKeys("summary", "description", "runbook_url");
            String runbook = alert.annotations().get("runbook_url");
            assertThat(runbook).as(alert.alert()).startsWith("docs/operations.md#");
            assertThat(anchors).as(alert.alert() + "'s runbook section in docs/operations.md")
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
        }
        // What the platform team asked to be woken for (issue 18), each present.
        assertThat(names).contains("ReighQueueStalled", "ReighQueueOldestTaskTooOld", "ReighNoWorkerHeartbeats",
                "ReighLeaseExpiriesSpiking", "ReighOutboxBacklog", "ReighOutboxParked", "ReighChargesFailing",
                "ReighBalanceNotLedger", "ReighHigh5xxRate", "ReighReadinessFlapping", "ReighDatabaseReplicationLag",
                "ReighDatabaseWalArchivingFailing", "ReighDatabaseBackupTooOld", "ReighObjectStoreUnreachable");
    }

    @Test
    void everyAlertReadsOnlyMetricsThatAreExported() {
        Set<String> exported = PlatformMetrics.exported();
        for (Rule alert : alerts()) {
            assertThat(unknownMetrics(alert.expr(), exported)).as(alert.alert() + ": " + alert.expr()).isEmpty();
        }
    }

    @Test
    void everyDashboardPanelReadsOnlyMetricsThatAreExported() throws IOException {
        ConfigMap dashboards = Manifests.of("prod").one(ConfigMap.class, "reigh-dashboards");
        assertThat(dashboards.getMetadata().getLabels()).as("found by Grafana's dashboard sidecar")
                .containsEntry("grafana_dashboard", "1");
        assertThat(dashboards.getData()).containsOnlyKeys("queue.json", "fleet.json", "money.json", "services.json",
                "database.json");
        Set<String> exported = PlatformMetrics.exported();
        ObjectMapper json = new ObjectMapper();
        for (Map.Entry<String, String> file : dashboards.getData().entrySet()) {
            JsonNode dashboard = json.readTree(file.getValue());
            assertThat(dashboard.path("uid").asText()).as(file.getKey()).startsWith("reigh-");
            assertThat(dashboard.path("templating").path("list").get(0).path("type").asText()).as(file.getKey())
                    .isEqualTo("datasource");
            List<String> exprs = new ArrayList<>();
            for (JsonNode panel : dashboard.path("panels")) {
                assertThat(panel.path("datasource").path("uid").asText()).as(file.getKey() + ": " + panel.path("title"))
                        .isEqualTo("${datasource}");
                panel.path("targets").forEach(target -> exprs.add(target.path("expr").asText()));
            }
            assertThat(exprs).as(file.getKey() + "'s queries").isNotEmpty();
            for (String expr : exprs) {
                assertThat(unknownMetrics(expr, exported)).as(file.getKey() + ": " + expr).isEmpty();
            }
        }
    }

    @Test
    void theMetricsTheAlertsNeedAreAmongThoseThePlatformRegisters() {
        assertThat(PlatformMetrics.exported()).contains("reigh_tasks_queue_depth", "reigh_tasks_queue_oldest_age_seconds",
                "reigh_tasks_workers", "reigh_tasks_claimed_total", "reigh_tasks_lease_expiries_total",
                "reigh_tasks_outbox_lag_seconds", "reigh_tasks_outbox_parked", "reigh_tasks_outbox_parkings_total",
                "reigh_credits_ledger_mismatched_users", "http_server_requests_seconds_count")
                .doesNotContain("reigh_tasks_claimed", "reigh.tasks.claimed");
    }

    private static Set<String> unknownMetrics(String expr, Set<String> exported) {
        Set<String> unknown = new TreeSet<>();
        for (String name : PromQl.metricNames(expr)) {
            boolean external = EXTERNAL_NAMES.contains(name) || EXTERNAL_PREFIXES.stream().anyMatch(name::startsWith);
            if (!external && !exported.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        Matcher heading = HEADING.matcher(markdown);
        while (heading.find()) {
            anchors.add(heading.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return anchors;
    }
}
