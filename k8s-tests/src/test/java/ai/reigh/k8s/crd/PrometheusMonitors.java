package ai.reigh.k8s.crd;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** The Prometheus Operator's scrape and rule definitions (monitoring.coreos.com/v1), the fields k8s/ sets. */
public final class PrometheusMonitors {
    private PrometheusMonitors() {
    }

    public record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {
    }

    public record ServiceMonitorSpec(LabelSelector selector, List<Endpoint> endpoints) {
    }

    public record Endpoint(String port, String path, String interval, String scrapeTimeout, Authorization authorization) {
    }

    /** A scrape's credentials: {@code type} (Bearer) and the key of a Secret holding them. */
    public record Authorization(String type, io.fabric8.kubernetes.api.model.SecretKeySelector credentials) {
    }

    public record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, PodMonitorSpec spec) {
    }

    public record PodMonitorSpec(LabelSelector selector, List<Endpoint> podMetricsEndpoints) {
    }

    public record PrometheusRule(String apiVersion, String kind, ObjectMeta metadata, RuleSpec spec) {
    }

    public record RuleSpec(List<RuleGroup> groups) {
    }

    public record RuleGroup(String name, String interval, List<Rule> rules) {
    }

    /** An alerting rule ({@code alert}) or a recording rule ({@code record}); {@code for} is a duration. */
    public record Rule(String alert, String record, String expr, @JsonProperty("for") String forDuration,
            Map<String, String> labels, Map<String, String> annotations) {
    }
}
