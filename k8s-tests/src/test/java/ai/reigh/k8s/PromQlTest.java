package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name reader the alert and dashboard checks rely on. */
class PromQlTest {
    @Test
    void readsTheMetricsAndNothingElse() {
        assertThat(PromQl.metricNames("max by (run_type) (reigh_tasks_queue_depth{status=\"Queued\"}) > 0\n"
                + "and on () sum(rate(reigh_tasks_claimed_total[10m])) == 0"))
                .containsExactly("reigh_tasks_claimed_total", "reigh_tasks_queue_depth");
        assertThat(PromQl.metricNames("sum by (job, pod) (rate(http_server_requests_seconds_count{outcome=\"SERVER_ERROR\","
                + " uri=~\"/internal/v1/charges.*\"}[5m])) / sum by (job, pod) (rate(http_server_requests_seconds_count[5m]))"))
                .containsExactly("http_server_requests_seconds_count");
        assertThat(PromQl.metricNames("time() - max(cnpg_collector_last_available_backup_timestamp{namespace=\"reigh\"}) > 30 * 3600"))
                .containsExactly("cnpg_collector_last_available_backup_timestamp");
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum without (instance) (rate(x_bucket[5m]))) offset 1h"))
                .containsExactly("x_bucket");
        assertThat(PromQl.metricNames("up{job=~\".*/minio\"} == 0 unless ignoring (pod) made_up_metric"))
                .containsExactly("made_up_metric", "up");
    }

    @Test
    void aMadeUpMetricIsNotExported() {
        assertThat(PlatformMetrics.exported()).doesNotContain("made_up_metric", "reigh_tasks_queue_length");
    }
}
