package ai.reigh.k8s.crd;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** KEDA's ScaledObject (keda.sh/v1alpha1), the fields k8s/ sets; a trigger's metadata is strings only, as KEDA's schema says. */
public record KedaScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(ScaleTargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount,
            Integer pollingInterval, Integer cooldownPeriod, List<Trigger> triggers) {
    }

    public record ScaleTargetRef(String apiVersion, String kind, String name) {
    }

    public record Trigger(String type, Map<String, String> metadata) {
    }
}
