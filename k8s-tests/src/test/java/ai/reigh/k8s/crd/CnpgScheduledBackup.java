package ai.reigh.k8s.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/** CloudNativePG's {@code ScheduledBackup} (postgresql.cnpg.io/v1), the fields k8s/ sets. */
public record CnpgScheduledBackup(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(String schedule, Boolean immediate, Boolean suspend, OwnerReference backupOwnerReference,
            CnpgCluster.LocalObjectReference cluster, Method method, PluginConfiguration pluginConfiguration) {
    }

    public enum OwnerReference {
        @JsonProperty("none") NONE,
        @JsonProperty("self") SELF,
        @JsonProperty("cluster") CLUSTER
    }

    public enum Method {
        @JsonProperty("barmanObjectStore") BARMAN_OBJECT_STORE,
        @JsonProperty("volumeSnapshot") VOLUME_SNAPSHOT,
        @JsonProperty("plugin") PLUGIN
    }

    public record PluginConfiguration(String name) {
    }
}
