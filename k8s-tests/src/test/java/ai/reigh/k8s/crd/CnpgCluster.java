package ai.reigh.k8s.crd;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * CloudNativePG's {@code Cluster} (postgresql.cnpg.io/v1), reduced to the fields k8s/ sets; names,
 * types and allowed values as in the operator's API (api/v1/cluster_types.go). Read strictly: a field
 * that is not here is either a typo or a field these tests do not know yet, and fails either way.
 */
public record CnpgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(String description, String imageName, int instances, PrimaryUpdateStrategy primaryUpdateStrategy,
            PrimaryUpdateMethod primaryUpdateMethod, Boolean enableSuperuserAccess, Boolean enablePDB,
            Postgresql postgresql, Bootstrap bootstrap, Managed managed, Storage storage, Storage walStorage,
            ResourceRequirements resources, Affinity affinity, List<Plugin> plugins,
            List<ExternalCluster> externalClusters) {
    }

    public enum PrimaryUpdateStrategy {
        @JsonProperty("unsupervised") UNSUPERVISED,
        @JsonProperty("supervised") SUPERVISED
    }

    public enum PrimaryUpdateMethod {
        @JsonProperty("switchover") SWITCHOVER,
        @JsonProperty("restart") RESTART
    }

    public record Postgresql(Map<String, String> parameters, Synchronous synchronous) {
    }

    public record Synchronous(SynchronousMethod method, int number, DataDurability dataDurability) {
    }

    public enum SynchronousMethod {
        @JsonProperty("any") ANY,
        @JsonProperty("first") FIRST
    }

    public enum DataDurability {
        @JsonProperty("required") REQUIRED,
        @JsonProperty("preferred") PREFERRED
    }

    /** Exactly one of them (the operator refuses both). */
    public record Bootstrap(InitDb initdb, Recovery recovery) {
    }

    public record Recovery(String source, String database, String owner, LocalObjectReference secret,
            RecoveryTarget recoveryTarget) {
    }

    public record RecoveryTarget(String targetTime, String targetLSN, String targetName, String targetXID,
            Boolean targetImmediate, String backupID) {
    }

    /** A source of WAL and base backups for recovery, through a plugin. */
    public record ExternalCluster(String name, Plugin plugin) {
    }

    public record InitDb(String database, String owner, LocalObjectReference secret, Boolean dataChecksums,
            String encoding, String localeCollate, String localeCType) {
    }

    public record LocalObjectReference(String name) {
    }

    public record Managed(List<Role> roles) {
    }

    public record Role(String name, String comment, Ensure ensure, Boolean login, List<String> inRoles,
            Long connectionLimit, LocalObjectReference passwordSecret, Boolean superuser, Boolean createrole,
            Boolean bypassrls) {
    }

    public enum Ensure {
        @JsonProperty("present") PRESENT,
        @JsonProperty("absent") ABSENT
    }

    public record Storage(String size, String storageClass) {
    }

    public record Affinity(Boolean enablePodAntiAffinity, String topologyKey, PodAntiAffinityType podAntiAffinityType) {
    }

    public enum PodAntiAffinityType {
        @JsonProperty("preferred") PREFERRED,
        @JsonProperty("required") REQUIRED
    }

    public record Plugin(String name, Boolean enabled, @JsonProperty("isWALArchiver") Boolean isWALArchiver,
            Map<String, String> parameters) {
    }
}
