package ai.reigh.k8s.crd;

import java.util.List;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** The Prometheus Operator's scrape definitions (monitoring.coreos.com/v1), the fields k8s/ sets. */
public final class PrometheusMonitors {
    private PrometheusMonitors() {
    }

    public record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {
    }

    public record ServiceMonitorSpec(LabelSelector selector, List<Endpoint> endpoints) {
    }

    public record Endpoint(String port, String path, String interval, String scrapeTimeout) {
    }

    public record PodMonitor(String apiVersion, String kind, ObjectMeta metadata, PodMonitorSpec spec) {
    }

    public record PodMonitorSpec(LabelSelector selector, List<Endpoint> podMetricsEndpoints) {
    }
}
